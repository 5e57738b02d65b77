import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { allow, PolicyStatementInput } from "./iam";
import { JobColumnMapping } from "./pipeline-codegen/job-mapping";
import {
    glueArn,
    glueCatalogArn,
    glueLogStatements,
    GlueRoleScope,
    GlueServiceRole,
    glueVpcStatements,
} from "./glue-service-role";

/**
 * What starts the job: a schedule, or its S3 crawler succeeding (see data-platform/config.ts `JobTrigger`).
 * The job lists its S3 prefix itself, so neither needs the crawler: on a schedule, an object is loaded by
 * the first run after it lands. The crawler trigger only makes sense for users who want the catalog table
 * (Athena, the partitions) refreshed before each load; it loads once per crawl, so latency is the crawl
 * interval.
 */
export type GlueLoadJobTrigger =
    | { readonly kind: "schedule"; readonly schedule: string }
    | { readonly kind: "crawler"; readonly crawlerName: pulumi.Input<string> }
    | {
          /**
           * A pre-check (a Glue Python shell job, data-platform/glue/load_precheck.py) runs on the schedule and
           * starts the load job only when an object was written since the last successful load, registering the
           * new hour folders as partitions of the landing table.
           */
          readonly kind: "new-data";
          readonly schedule: string;
          /** The uploaded pre-check script ({@link GlueJobScript} of load_precheck.py). */
          readonly script: { readonly s3Uri: pulumi.Input<string>; readonly objectArn: pulumi.Input<string> };
          /** The landing table the pre-check adds hour partitions to. */
          readonly table: { readonly databaseName: pulumi.Input<string>; readonly tableName: pulumi.Input<string> };
      };

/**
 * DPUs of the pre-check: the smallest a Python shell job takes (1/16 DPU), billed per second with a
 * 1-minute minimum ("AWS Glue pricing").
 */
export const PRECHECK_MAX_CAPACITY = 0.0625;

/**
 * The prefix of a load job's own log groups (`<prefix>/error`, `<prefix>/output`), passed as Glue 5.0's
 * `--custom-logGroup-prefix` ("Logging for AWS Glue jobs"): named after the job, so stacks and pipelines
 * never share one, and created here with retention and the data key instead of by Glue without either.
 */
export function jobLogGroupPrefix(jobName: string): string {
    return `/aws/glue/${jobName}`;
}

/**
 * Where the job's temporary Redshift credentials come from ("Authenticating with the Spark connector",
 * Amazon Redshift management guide): a provisioned cluster's GetClusterCredentialsWithIAM (the JDBC
 * driver's `groupFederation`, which maps the role to `IAMR:<role name>`) and DescribeClusters, or a
 * Serverless workgroup's GetCredentials and GetWorkgroup.
 */
export type RedshiftIamAccess = {
    /** `jdbc:redshift:iam://<host>:<port>/<database>?groupFederation=true`. */
    readonly url: pulumi.Input<string>;
} & (
    | { readonly kind: "cluster"; readonly clusterArn: string; readonly databaseArn: string }
    | { readonly kind: "workgroup"; readonly workgroupArn: pulumi.Input<string> }
);

/** The IAM JDBC URL of a Redshift endpoint: the driver signs in with the caller's IAM identity. */
export function redshiftIamUrl(host: pulumi.Input<string>, port: number, database: string): pulumi.Output<string> {
    return pulumi.interpolate`jdbc:redshift:iam://${host}:${port}/${database}?groupFederation=true`;
}

export interface GlueLoadJobArgs {
    /** Name prefix for the job and trigger, e.g. `tracking-dev-user-events`. */
    readonly namePrefix: string;
    /** The pipeline, for its TempDir folder and descriptions. */
    readonly pipeline: string;
    readonly scope: GlueRoleScope;
    /** The role's name; deterministic so the data key's policy can name it. */
    readonly roleName: string;
    /** The role's permissions boundary (the bootstrap's workload boundary). */
    readonly permissionsBoundaryArn?: string;
    /** The bucket of the script and of the TempDir. */
    readonly glueBucket: { readonly name: pulumi.Input<string>; readonly arn: pulumi.Input<string> };
    /** The uploaded script every load job runs ({@link GlueJobScript}). */
    readonly script: { readonly s3Uri: pulumi.Input<string>; readonly objectArn: pulumi.Input<string> };
    /** Where the landed data is: the job reads every object under `s3://<bucketName>/<prefix>` (subfolders included). */
    readonly source: {
        readonly bucketName: pulumi.Input<string>;
        readonly bucketArn: pulumi.Input<string>;
        /** The pipeline's folder, e.g. `user-events/`. */
        readonly prefix: string;
    };
    /**
     * Where the job sets aside rows it cannot load (reasons + original line, JSON Lines), in the source
     * bucket, e.g. `_bad-rows/user-events/`: outside the folder it reads, so never read back by itself.
     */
    readonly badRowsPrefix: string;
    /** The CloudWatch namespace of the job's `BadRows` metric; the bad-rows alarm watches the same one. */
    readonly metricsNamespace: string;
    /** The Glue connection to Redshift: the job runs in its subnet and security group (its network only). */
    readonly connection: {
        readonly name: pulumi.Input<string>;
    };
    /**
     * How the job signs in to Redshift: with IAM, as the database user `IAMR:<role name>` (the loader the
     * deploy creates), never with a password. See {@link RedshiftIamAccess}.
     */
    readonly redshift: RedshiftIamAccess;
    readonly target: {
        readonly database: string;
        /** `schema.table`. */
        readonly table: string;
        /** The column a retried load replaces rows by. */
        readonly mergeKey: string;
        readonly columnMapping: readonly JobColumnMapping[];
        /** What creates the target table (the DDL statement): the trigger is started only after it. */
        readonly tableCreatedBy?: pulumi.Resource[];
    };
    readonly securityConfigurationName: pulumi.Input<string>;
    /** The CMK of the buckets (and of the Redshift secret, when this stack created it); also encrypts bookmarks and logs. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Retention of the job's log groups, in days (a CloudWatch-accepted value); default 30. */
    readonly logRetentionDays?: number;
    readonly workers: number;
    readonly timeoutMinutes: number;
    readonly maxRetries: number;
    /**
     * A pre-check on a schedule that starts the job only when there is new data (`new-data`), a plain schedule,
     * or the S3 crawler succeeding. The job reads S3 directly, so the crawler trigger only makes sense for users
     * who want the catalog refreshed before each load.
     */
    readonly trigger: GlueLoadJobTrigger;
}

/**
 * One pipeline's Glue load job, fully automated: the repository's script (uploaded once per stack by
 * {@link GlueJobScript}) run as a Glue 5.0 Spark job (G.1X, bookmarks on so each landed file loads once, metrics,
 * one run at a time so two runs never merge the same batch, a timeout and retries that are safe because
 * the script loads through a staging table and a merge on the merge key), its role limited to this
 * pipeline's prefix and TempDir and the one script, and the trigger that starts it. With the `new-data`
 * trigger the schedule starts a pre-check instead (a Python shell job of 1/16 DPU, as the same role), which
 * starts the Spark job only when objects were written since its last successful run: an idle pipeline
 * starts no Spark and wakes no Redshift.
 *
 * The job reads its landing prefix straight from S3 (`--source_path`), with a job bookmark on the objects'
 * modification times, not through the crawler's catalog table: the table's hourly partitions exist only
 * once the S3 crawler has registered them, so every new hour would wait for the next crawl. The column
 * types come from the pipeline definition (`--column_mapping`); the crawler and its table stay for users
 * (Athena, the catalog). The job itself has no catalog permissions on the landed data; with the pre-check,
 * the role may add partitions to the landing table (GetTable, BatchCreatePartition) for the pre-check.
 */
export class GlueLoadJob extends pulumi.ComponentResource {
    readonly job: aws.glue.Job;
    readonly trigger: aws.glue.Trigger;
    /** The pre-check job the trigger starts, with the `new-data` trigger. */
    readonly precheckJob?: aws.glue.Job;
    readonly role: GlueServiceRole;
    /** The job's `error` and `output` log groups. */
    readonly logGroups: aws.cloudwatch.LogGroup[];
    readonly jobName: pulumi.Output<string>;
    /** `temp/<pipeline>/` in the Glue bucket. */
    readonly tempPrefix: string;

    constructor(name: string, args: GlueLoadJobArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:GlueLoadJob", name, {}, opts);

        if (!args.source.prefix.endsWith("/"))
            throw new Error(`GlueLoadJob ${name}: source.prefix must end with "/" (got "${args.source.prefix}")`);
        // The same rule the script applies to --source_path: plain folder names, so the listing cannot reach other folders.
        if (
            !/^([^/*?[\]{}\s]+\/)+$/.test(args.source.prefix) ||
            args.source.prefix.split("/").some((folder) => folder === "." || folder === "..")
        ) {
            throw new Error(
                `GlueLoadJob ${name}: source.prefix must be folder names each ending in "/", without glob characters (*?[]{}), whitespace, "." or ".." (got "${args.source.prefix}")`,
            );
        }
        if (!args.target.columnMapping.some((column) => column.target === args.target.mergeKey)) {
            throw new Error(
                `GlueLoadJob ${name}: target.mergeKey "${args.target.mergeKey}" is not a target column of the column mapping`,
            );
        }
        if (
            (args.trigger.kind === "schedule" || args.trigger.kind === "new-data") &&
            !/^cron\(.+\)$/.test(args.trigger.schedule)
        ) {
            throw new Error(
                `GlueLoadJob ${name}: trigger.schedule must be a cron(...) expression (got "${args.trigger.schedule}")`,
            );
        }
        if (
            !args.badRowsPrefix.endsWith("/") ||
            args.source.prefix.startsWith(args.badRowsPrefix) ||
            args.badRowsPrefix.startsWith(args.source.prefix)
        ) {
            throw new Error(
                `GlueLoadJob ${name}: badRowsPrefix must be a folder ending in "/" outside source.prefix and not containing it (got "${args.badRowsPrefix}")`,
            );
        }

        this.tempPrefix = `temp/${args.pipeline}/`;
        const jobName = `${args.namePrefix}-load`;
        const logPrefix = jobLogGroupPrefix(jobName);
        this.logGroups = ["error", "output"].map(
            (kind) =>
                new aws.cloudwatch.LogGroup(
                    `${name}-${kind}`,
                    {
                        name: `${logPrefix}/${kind}`,
                        retentionInDays: args.logRetentionDays ?? 30,
                        kmsKeyId: args.kmsKeyArn,
                    },
                    { parent: this },
                ),
        );
        const logGroupArn = (kind: string) =>
            `arn:${args.scope.partition}:logs:${args.scope.region}:${args.scope.accountId}:log-group:${logPrefix}/${kind}`;

        const precheck = args.trigger.kind === "new-data" ? args.trigger : undefined;
        const landingObjects = pulumi.interpolate`${args.source.bucketArn}/${args.source.prefix}*`;
        const tempObjects = pulumi.interpolate`${args.glueBucket.arn}/${this.tempPrefix}*`;
        const statements: PolicyStatementInput[] = [
            allow("ReadLandedObjects", ["s3:GetObject"], [landingObjects]),
            allow("ListLandedPrefix", ["s3:ListBucket"], [args.source.bucketArn], {
                StringLike: { "s3:prefix": [args.source.prefix.replace(/\/$/, ""), `${args.source.prefix}*`] },
            }),
            // Rows that fail the checks, written with PutObject by the job's own code (boto3), one object per partition.
            allow(
                "WriteBadRows",
                ["s3:PutObject"],
                [pulumi.interpolate`${args.source.bucketArn}/${args.badRowsPrefix}*`],
            ),
            allow(
                "ReadJobScript",
                ["s3:GetObject"],
                [args.script.objectArn, ...(precheck ? [precheck.script.objectArn] : [])],
            ),
            allow("UseTempDir", ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], [tempObjects]),
            allow("ListTempDir", ["s3:ListBucket"], [args.glueBucket.arn], {
                StringLike: { "s3:prefix": [this.tempPrefix.replace(/\/$/, ""), `${this.tempPrefix}*`] },
            }),
            allow("LocateBuckets", ["s3:GetBucketLocation"], [args.source.bucketArn, args.glueBucket.arn]),
            allow(
                "UseRedshiftConnection",
                ["glue:GetConnection"],
                [glueCatalogArn(args.scope), glueArn(args.scope, "connection", args.connection.name)],
            ),
            // Temporary database credentials for its own role, instead of a password (see RedshiftIamAccess).
            args.redshift.kind === "cluster"
                ? allow(
                      "RedshiftIamCredentials",
                      ["redshift:DescribeClusters", "redshift:GetClusterCredentialsWithIAM"],
                      [args.redshift.clusterArn, args.redshift.databaseArn],
                  )
                : allow(
                      "RedshiftIamCredentials",
                      ["redshift-serverless:GetCredentials", "redshift-serverless:GetWorkgroup"],
                      [args.redshift.workgroupArn],
                  ),
            // S3 (SSE-KMS with Bucket Keys) and the client-side encrypted bookmarks; the key policy narrows
            // each use (kms:ViaService, encryption context).
            allow("UseDataKey", ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], [args.kmsKeyArn]),
            // PutMetricData has no resource type; the namespace condition is the only narrowing IAM offers. Glue
            // publishes its job metrics (--enable-metrics) into "Glue", the script its bad-row counts into its own.
            allow("PublishJobMetrics", ["cloudwatch:PutMetricData"], ["*"], {
                StringEquals: { "cloudwatch:namespace": ["Glue", args.metricsNamespace] },
            }),
            // Its own log groups (--custom-logGroup-prefix); Glue's /aws-glue/ groups stay allowed for what Glue
            // itself logs there.
            allow(
                "WriteOwnLogs",
                ["logs:AssociateKmsKey", "logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                ["error", "output"].flatMap((kind) => [logGroupArn(kind), `${logGroupArn(kind)}:*`]),
            ),
            ...glueLogStatements(args.scope),
            ...glueVpcStatements(args.scope),
            ...(precheck
                ? [
                      // The pre-check runs as this role: it reads the job's runs and starts it ("Job runs" API).
                      allow(
                          "PrecheckStartsLoad",
                          ["glue:GetJobRuns", "glue:StartJobRun"],
                          [glueArn(args.scope, "job", jobName)],
                      ),
                      allow(
                          "PrecheckRegistersPartitions",
                          ["glue:BatchCreatePartition", "glue:GetTable"],
                          [
                              glueCatalogArn(args.scope),
                              glueArn(args.scope, "database", precheck.table.databaseName),
                              glueArn(args.scope, "table", precheck.table.databaseName, precheck.table.tableName),
                          ],
                      ),
                  ]
                : []),
        ];
        this.role = new GlueServiceRole(
            `${name}-job`,
            {
                roleName: args.roleName,
                description: `Glue load job of ${args.namePrefix}: read ${args.source.prefix} of the landing bucket, load into ${args.target.table}`,
                statements,
                permissionsBoundaryArn: args.permissionsBoundaryArn,
            },
            { parent: this },
        );

        this.job = new aws.glue.Job(
            name,
            {
                name: jobName,
                description: `Loads landed ${args.source.prefix} data into Redshift ${args.target.table} (staging table + merge on ${args.target.mergeKey})`,
                roleArn: this.role.arn,
                command: {
                    name: "glueetl",
                    pythonVersion: "3",
                    scriptLocation: args.script.s3Uri,
                },
                glueVersion: "5.0",
                workerType: "G.1X",
                numberOfWorkers: args.workers,
                timeout: args.timeoutMinutes,
                maxRetries: args.maxRetries,
                executionProperty: { maxConcurrentRuns: 1 },
                // Past the account's concurrent-run quota a queued run waits instead of failing; Glue queues
                // only runs that are not retried ("AWS Glue job run statuses": WAITING).
                ...(args.maxRetries === 0 ? { jobRunQueuingEnabled: true } : {}),
                connections: [args.connection.name],
                securityConfiguration: args.securityConfigurationName,
                defaultArguments: {
                    "--job-language": "python",
                    "--job-bookmark-option": "job-bookmark-enable",
                    "--enable-metrics": "true",
                    "--custom-logGroup-prefix": logPrefix,
                    "--TempDir": pulumi.interpolate`s3://${args.glueBucket.name}/${this.tempPrefix}`,
                    "--source_path": pulumi.interpolate`s3://${args.source.bucketName}/${args.source.prefix}`,
                    "--redshift_url": args.redshift.url,
                    "--target_table": args.target.table,
                    "--merge_key": args.target.mergeKey,
                    "--column_mapping": JSON.stringify(args.target.columnMapping),
                    "--bad_rows_path": pulumi.interpolate`s3://${args.source.bucketName}/${args.badRowsPrefix}`,
                    "--metrics_namespace": args.metricsNamespace,
                    // The script's own S3 and CloudWatch calls go to this region's endpoints (the VPC reaches no other).
                    "--aws_region": args.scope.region,
                },
            },
            { parent: this, dependsOn: [this.role.policy, ...this.logGroups] },
        );

        const triggerName = `${args.namePrefix}-load`;
        if (args.trigger.kind === "new-data") {
            this.precheckJob = new aws.glue.Job(
                `${name}-precheck`,
                {
                    name: `${jobName}-precheck`,
                    description: `Starts ${jobName} only when ${args.source.prefix} holds objects written since its last successful run; registers their hour partitions`,
                    roleArn: this.role.arn,
                    command: { name: "pythonshell", pythonVersion: "3.9", scriptLocation: args.trigger.script.s3Uri },
                    glueVersion: "3.0",
                    maxCapacity: PRECHECK_MAX_CAPACITY,
                    timeout: 5,
                    maxRetries: 0,
                    executionProperty: { maxConcurrentRuns: 1 },
                    // Every pipeline's check starts on the same schedule: past the account's concurrent-run quota they wait.
                    jobRunQueuingEnabled: true,
                    securityConfiguration: args.securityConfigurationName,
                    defaultArguments: {
                        "--job-language": "python",
                        "--load_job": jobName,
                        "--bucket": args.source.bucketName,
                        "--prefix": args.source.prefix,
                        "--database": args.trigger.table.databaseName,
                        "--table": args.trigger.table.tableName,
                        "--aws_region": args.scope.region,
                    },
                },
                { parent: this, dependsOn: [this.role.policy] },
            );
        }
        this.trigger =
            args.trigger.kind === "new-data"
                ? new aws.glue.Trigger(
                      name,
                      {
                          name: triggerName,
                          description: `Checks ${args.source.prefix} for new objects on ${args.trigger.schedule}; the check starts ${jobName}`,
                          type: "SCHEDULED",
                          schedule: args.trigger.schedule,
                          actions: [{ jobName: (this.precheckJob as aws.glue.Job).name }],
                          startOnCreation: true,
                      },
                      { parent: this, dependsOn: args.target.tableCreatedBy },
                  )
                : args.trigger.kind === "schedule"
                  ? new aws.glue.Trigger(
                        name,
                        {
                            name: triggerName,
                            description: `Starts ${args.namePrefix}-load on ${args.trigger.schedule}`,
                            type: "SCHEDULED",
                            schedule: args.trigger.schedule,
                            actions: [{ jobName: this.job.name }],
                            startOnCreation: true,
                        },
                        { parent: this, dependsOn: args.target.tableCreatedBy },
                    )
                  : new aws.glue.Trigger(
                        name,
                        {
                            name: triggerName,
                            description: `Starts ${args.namePrefix}-load when the S3 crawler succeeded`,
                            type: "CONDITIONAL",
                            predicate: {
                                conditions: [
                                    {
                                        crawlerName: args.trigger.crawlerName,
                                        crawlState: "SUCCEEDED",
                                        logicalOperator: "EQUALS",
                                    },
                                ],
                            },
                            actions: [{ jobName: this.job.name }],
                            startOnCreation: true,
                        },
                        { parent: this, dependsOn: args.target.tableCreatedBy },
                    );

        this.jobName = this.job.name;
        this.registerOutputs({
            jobName: this.jobName,
            triggerName: this.trigger.name,
            roleArn: this.role.arn,
            precheckJobName: this.precheckJob?.name,
        });
    }
}
