/**
 * The data-platform stack: one landing bucket (a folder per pipeline), the Glue catalog, crawlers and load
 * jobs, the network to Redshift and the Redshift tables. Bucket and key policies admit the engineering
 * account's Firehose roles by `aws:PrincipalArn` pattern, so they hold before those roles exist; with
 * `engineeringStack` set, engineering's `firehoseRoleArns` export is checked against the derived ARNs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlarmTopic } from "../shared/alarm-topic";
import { EncryptionKey } from "../shared/encryption-key";
import { GlueBadRowsAlarm } from "../shared/glue-bad-rows-alarm";
import { GlueJobFailureAlarm } from "../shared/glue-job-alarm";
import { GlueJobDashboard } from "../shared/glue-job-dashboard";
import { GlueCrawlerPair, crawlerTableName, jdbcCrawlerName } from "../shared/glue-crawler-pair";
import { GlueJobScript, glueScriptPath } from "../shared/glue-job-script";
import { GlueLoadJob, jobLogGroupPrefix } from "../shared/glue-load-job";
import { GlueNetwork } from "../shared/glue-network";
import { RedshiftReaderCredentials } from "../shared/redshift-reader-credentials";
import { RedshiftSchema, StreamViewStatements } from "../shared/redshift-schema";
import { SecureBucket, SecureBucketLifecycleRule } from "../shared/secure-bucket";
import type { PolicyStatement } from "../shared/iam";
import { firehoseBucketStatements, FirehoseRoles } from "../shared/firehose-landing-access";
import {
    crawlerRoleName,
    firehoseRoleName,
    glueJobRoleName,
    LOAD_METRICS_NAMESPACE,
    PipelineNames,
    pipelineNames,
    redshiftStreamingRoleName,
    resourceName,
    roleArn,
    stackBucketName,
    stackPrefix,
} from "../shared/naming";
import {
    createStreamSchemaSql,
    createStreamViewSql,
    dropStreamSchemaSql,
    dropStreamViewSql,
    qualifiedStreamViewName,
    streamViewGrantStatements,
} from "../shared/pipeline-codegen/redshift-stream";
import { RedshiftStreamingRole } from "../shared/redshift-streaming-role";
import { PipelineDefinition } from "../shared/pipeline-codegen/definition";
import { jobColumnMapping } from "../shared/pipeline-codegen/job-mapping";
import {
    createPrincipalStatements,
    grantStatements,
    iamRoleDatabaseUser,
    PipelinePrincipals,
    readerUser,
} from "../shared/pipeline-codegen/redshift-principals";
import { glueColumns } from "../shared/pipeline-codegen/glue-schema";
import {
    badRowsPrefix,
    firehoseErrorPrefix,
    firehosePrefix,
    landingPrefix,
    rawBackupPrefix,
} from "../shared/pipeline-codegen/s3-prefix";
import { loadDataPlatformConfig } from "./config";
import { checkEngineeringFirehoseRoles, checkEngineeringStreamReaders, dataKeyStatements } from "./grants";
import { resolveRedshift } from "./redshift";

/** A declared pipeline with its derived names and the Firehose role the engineering account runs it with. */
interface DataPipeline {
    readonly def: PipelineDefinition;
    readonly names: PipelineNames;
    readonly firehoseRoleArn: string;
}

interface PipelineGlue {
    readonly crawlers: GlueCrawlerPair;
    readonly job: GlueLoadJob;
}

/**
 * The program. Async so the engineering stack's export can be checked before any resource exists; the
 * returned object is the stack's outputs.
 */
async function main(): Promise<Record<string, unknown>> {
    const config = loadDataPlatformConfig();
    const { stack, partition, region, accountId } = config;
    const scope = { partition, region, accountId };
    const protect = config.protectStatefulResources;
    const namePrefix = resourceName(stack);

    // --- Names and ARNs that policies need before the resources exist (all deterministic).
    /** Bucket names carry the account and region: S3 names are global. */
    const bucketName = (purpose: string) => stackBucketName(stackPrefix(stack), purpose, accountId, region);
    const s3Arn = (name: string) => `arn:${partition}:s3:::${name}`;
    const landingName = bucketName("landing");
    const rawName = bucketName("raw");
    const glueName = bucketName("glue");

    const dataPipelines: DataPipeline[] = config.pipelines.map((def) => {
        const names = pipelineNames(stack, def.name);
        return { def, names, firehoseRoleArn: roleArn(partition, config.engineeringAccountId, names.firehoseRoleName) };
    });
    const pinnedFirehoseRoles: Record<string, string> = Object.fromEntries(
        dataPipelines.map((p) => [p.def.name, p.firehoseRoleArn]),
    );

    // --- Streaming tier (`streaming: true`): Redshift's role here chains to a reader role per pipeline in the
    // engineering account (shared/redshift-streaming-access.ts); both ARNs are derived.
    const streaming = dataPipelines.filter((p) => p.def.streaming === true);
    const streamReaderArns: Record<string, string> = Object.fromEntries(
        streaming.map((p) => [
            p.def.name,
            roleArn(partition, config.engineeringAccountId, p.names.streamReaderRoleName),
        ]),
    );
    const redshiftStreamingRoleArn = roleArn(partition, accountId, redshiftStreamingRoleName(stack));
    /** The streaming pipelines whose reader role the engineering stack exports: only their views can be created. */
    let deployedReaders = new Set<string>();

    // --- The engineering stack's export, when named, must agree with the derived Firehose roles. Read and
    // checked before any resource is declared, so a mismatch stops the deploy with nothing changed.
    if (config.engineeringStack !== undefined) {
        const engineering = new pulumi.StackReference(config.engineeringStack);
        const exported = await engineering.getOutputDetails("firehoseRoleArns");
        const roles = exported.value ?? exported.secretValue;
        if (roles === undefined) {
            throw new Error(
                `engineering stack ${config.engineeringStack}: has no export "firehoseRoleArns"; deploy the engineering stack first, or unset tracking-data-platform:engineeringStack for a first deploy`,
            );
        }
        checkEngineeringFirehoseRoles(config.engineeringStack, roles, pinnedFirehoseRoles);
        if (streaming.length > 0) {
            // An engineering stack deployed before the streaming tier exports none: no reader exists yet.
            const readers = await engineering.getOutputDetails("streamReaderRoleArns");
            deployedReaders = checkEngineeringStreamReaders(
                config.engineeringStack,
                readers.value ?? readers.secretValue ?? {},
                streamReaderArns,
            );
        }
    }
    const firehoseRoles: FirehoseRoles = {
        partition,
        engineeringAccountId: config.engineeringAccountId,
        roleArnPattern: roleArn(partition, config.engineeringAccountId, firehoseRoleName(stack, "*")),
    };

    // --- The data key: every bucket, the Glue logs and bookmarks, and the sandbox's credentials.
    const dataKey = new EncryptionKey("data", {
        description: `${namePrefix}: landing, raw and Glue buckets, Glue logs and bookmarks, Redshift sandbox credentials`,
        aliasName: `${namePrefix}-data`,
        administratorRoleArn: config.deployerRoleArn,
        readerRoleArns: config.readOnlyRoleArns,
        policyStatements: dataKeyStatements({
            partition,
            region,
            accountId,
            firehoseRoles,
            landingBucketArn: s3Arn(landingName),
            rawBucketArn: s3Arn(rawName),
            glueBucketArn: s3Arn(glueName),
            glueJobRoles: roleArn(partition, accountId, glueJobRoleName(stack, "*")),
            glueCrawlerRoles: roleArn(partition, accountId, crawlerRoleName(stack, "*")),
            deployerRoleArn: config.deployerRoleArn,
            // The crawlers' reader secret, and in a sandbox Redshift's admin secret.
            secretsUnderKey: true,
            glueJobLogGroupArns: `arn:${partition}:logs:${region}:${accountId}:log-group:${jobLogGroupPrefix(resourceName(stack, "*"))}`,
        }),
        protect,
    });

    // --- Storage: every bucket under the data key, with its expiry rule and the stack's protection.
    const dataBucket = (
        name: string,
        bucketName: string,
        lifecycleRule: SecureBucketLifecycleRule,
        policyStatements?: PolicyStatement[],
    ) =>
        new SecureBucket(name, {
            bucketName,
            kmsKeyArn: dataKey.keyArn,
            lifecycleRules: [lifecycleRule],
            noncurrentVersionExpirationDays: config.lifecycleDays.noncurrentVersions,
            policyStatements,
            protect,
        });
    const landing = dataBucket(
        "landing",
        landingName,
        { id: "expire-landed-data", expirationDays: config.lifecycleDays.landing },
        firehoseBucketStatements(firehoseRoles, s3Arn(landingName)),
    );
    const raw = dataBucket(
        "raw",
        rawName,
        { id: "expire-raw-backup", expirationDays: config.lifecycleDays.raw },
        firehoseBucketStatements(firehoseRoles, s3Arn(rawName)),
    );
    /** The job script (`scripts/`) and the jobs' TempDirs (`temp/<pipeline>/`); only this account uses it. */
    const glueBucket = dataBucket("glue", glueName, {
        id: "expire-glue-temp",
        prefix: "temp/",
        expirationDays: config.lifecycleDays.glueTemp,
    });

    // --- Glue catalog databases.
    const landedDatabase = new aws.glue.CatalogDatabase(
        "landed",
        {
            name: resourceName(stack, "landed"),
            description:
                "Landed pipeline events in S3 (tables declared from the pipeline definitions, partitions added by the S3 crawlers)",
        },
        { protect },
    );
    const redshiftDatabase = new aws.glue.CatalogDatabase(
        "redshift",
        {
            name: resourceName(stack, "redshift"),
            description: "The pipelines' Redshift tables as the JDBC crawlers find them",
        },
        { protect },
    );

    // --- Network to Redshift.
    const network = new GlueNetwork("glue", {
        namePrefix,
        region,
        existing: config.network,
        redshiftPort: config.redshift.port,
        // The load jobs' IAM sign-in calls this API from the Glue subnet.
        redshiftApi: config.redshift.mode === "cluster" ? "redshift" : "redshift-serverless",
        streaming: config.pipelines.some((def) => def.streaming === true),
    });

    const streamingRole =
        streaming.length > 0
            ? new RedshiftStreamingRole("redshift-streaming", {
                  roleName: redshiftStreamingRoleName(stack),
                  streamReaderRoleArns: streaming.map((p) => streamReaderArns[p.def.name]),
                  permissionsBoundaryArn: config.workloadBoundaryArn,
              })
            : undefined;

    // --- Redshift: an existing workgroup or cluster, or a sandbox created here.
    const redshift = resolveRedshift(config, {
        namePrefix,
        subnetIds:
            network.createdSubnetIds ??
            pulumi.output([...(config.redshift.mode === "sandbox" ? (config.redshift.subnetIds ?? []) : [])]),
        securityGroupIds: [network.securityGroupId],
        secretKmsKeyArn: dataKey.keyArn,
        protect,
        // The namespace's role list is the stack's own: attach the streaming role there.
        ...(streamingRole !== undefined ? { iamRoles: [streamingRole.roleArn] } : {}),
    });

    // The name is part of the crawlers' log group names (GlueCrawlerPair creates them with retention);
    // `-encryption` keeps them clear of the groups Glue created, without retention, under the earlier name.
    const securityConfiguration = new aws.glue.SecurityConfiguration(
        "glue",
        {
            name: resourceName(stack, "glue", "encryption"),
            encryptionConfiguration: {
                cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: dataKey.keyArn },
                jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: dataKey.keyArn },
                s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: dataKey.keyArn },
            },
        },
        { dependsOn: [dataKey] },
    );

    // --- Redshift: per schema, its pipelines' tables, each with its loader (the job's IAM role as a
    // database user) and the stack's read-only user, and their grants.
    const schemas = [...new Set(config.pipelines.map((def) => def.table.schema))];
    const tableStatements: Record<string, pulumi.Resource> = {};
    const schemaComponents: Record<string, RedshiftSchema> = {};
    const reader = readerUser(namePrefix);
    const principalsOf = (p: DataPipeline): PipelinePrincipals => ({
        loader: iamRoleDatabaseUser(p.names.glueJobRoleName),
        reader,
    });
    // A stream view needs the role attached to the Redshift (the sandbox's namespace does it; an existing
    // Redshift by hand, then redshiftStreamingRoleAttached) and the pipeline's reader role deployed.
    const roleAttached = config.redshift.mode === "sandbox" || config.redshift.streamingRoleAttached;
    const streamViewsOf = (inSchema: DataPipeline[]): Record<string, StreamViewStatements> =>
        Object.fromEntries(
            inSchema
                .filter((p) => p.def.streaming === true && roleAttached && deployedReaders.has(p.def.name))
                .map((p) => [
                    p.def.name,
                    {
                        view: qualifiedStreamViewName(p.def),
                        drop: [dropStreamViewSql(p.def), dropStreamSchemaSql(p.def)],
                        create: [
                            createStreamSchemaSql(p.def, [redshiftStreamingRoleArn, streamReaderArns[p.def.name]]),
                            createStreamViewSql(p.def, p.names.streamName),
                        ],
                        after: streamViewGrantStatements(p.def, reader),
                        ...(streamingRole !== undefined
                            ? { runAfter: [streamingRole.rolePolicy, ...redshift.ready] }
                            : {}),
                    },
                ]),
        );
    for (const schema of schemas) {
        const inSchema = dataPipelines.filter((p) => p.def.table.schema === schema);
        const ddl = new RedshiftSchema(`redshift-${schema.replace(/_/g, "-")}`, {
            target: redshift.ddlTarget,
            region,
            database: config.redshift.database,
            secretArn: redshift.secretArn,
            ...(redshift.secretKmsKeyArn !== undefined ? { secretKmsKeyArn: redshift.secretKmsKeyArn } : {}),
            schema,
            pipelines: inSchema.map((p) => p.def),
            principalStatements: Object.fromEntries(
                inSchema.map((p) => [p.def.name, createPrincipalStatements(principalsOf(p))]),
            ),
            afterStatements: Object.fromEntries(
                inSchema.map((p) => [p.def.name, grantStatements(p.def, principalsOf(p))]),
            ),
            streamViews: streamViewsOf(inSchema),
            // The JDBC crawler of each table (GlueCrawlerPair below) crawls again after a migration.
            crawlerNames: Object.fromEntries(
                inSchema.map((p) => [p.def.name, jdbcCrawlerName(resourceName(stack, p.def.name))]),
            ),
            protect,
            runAfter: redshift.ready,
        });
        Object.assign(tableStatements, ddl.tables);
        schemaComponents[schema] = ddl;
    }

    // --- The crawlers' read-only sign-in: a password drawn at deploy into the stack's secret (no value
    // in the program, the plan or the state), once the tables have created and granted the user.
    const firstSchema = Object.values(schemaComponents)[0];
    const readerCredentials = new RedshiftReaderCredentials("redshift-reader", {
        secretName: resourceName(stack, "redshift", "reader"),
        kmsKeyArn: dataKey.keyArn,
        user: reader,
        target: firstSchema.target,
        endpoint: { host: redshift.host, port: config.redshift.port, database: config.redshift.database },
        userCreatedBy: Object.values(tableStatements),
        protect,
    });

    // The jobs run in its network and sign in with IAM (redshift.jobAccess); the JDBC crawlers sign in with
    // its secret, the read-only user's.
    const connection = new aws.glue.Connection(
        "redshift",
        {
            name: resourceName(stack, "redshift", "jdbc"),
            description:
                "JDBC connection to the pipelines' Redshift as the read-only user (crawlers); the load jobs use its network and IAM sign-in",
            connectionType: "JDBC",
            connectionProperties: {
                JDBC_CONNECTION_URL: pulumi.interpolate`jdbc:redshift://${redshift.host}:${config.redshift.port}/${config.redshift.database}`,
                SECRET_ID: readerCredentials.secretArn,
                JDBC_ENFORCE_SSL: "true",
            },
            physicalConnectionRequirements: {
                subnetId: network.subnetId,
                availabilityZone: network.availabilityZone,
                securityGroupIdLists: [network.securityGroupId],
            },
        },
        { dependsOn: redshift.ready },
    );

    // --- Per pipeline: catalog table and crawlers, load job and trigger; every job runs one uploaded script.
    const jobScript = new GlueJobScript("load-to-redshift", {
        bucket: { name: glueBucket.bucketName, arn: glueBucket.arn, ready: glueBucket.ready },
    });
    const precheckScript =
        config.jobTrigger === "new-data"
            ? new GlueJobScript("load-precheck", {
                  bucket: { name: glueBucket.bucketName, arn: glueBucket.arn, ready: glueBucket.ready },
                  scriptPath: glueScriptPath("load_precheck.py"),
              })
            : undefined;
    const glue: Record<string, PipelineGlue> = {};
    for (const p of dataPipelines) {
        const { def } = p;
        const pipelinePrefix = resourceName(stack, def.name);
        const crawlers = new GlueCrawlerPair(def.name, {
            namePrefix: pipelinePrefix,
            scope,
            s3: {
                bucketName: landing.bucketName,
                bucketArn: landing.arn,
                prefix: landingPrefix(def),
                databaseName: landedDatabase.name,
                tableName: crawlerTableName(landingPrefix(def)),
                columns: glueColumns(def),
                schedule: config.s3CrawlerSchedule,
            },
            jdbc: {
                connectionName: connection.name,
                path: `${config.redshift.database}/${def.table.schema}/${def.table.name}`,
                databaseName: redshiftDatabase.name,
                schedule: config.jdbcCrawlerSchedule,
                secretArn: readerCredentials.secretArn,
                tableCreatedBy: [tableStatements[def.name]],
            },
            securityConfigurationName: securityConfiguration.name,
            kmsKeyArn: dataKey.keyArn,
            roleName: p.names.crawlerRoleName,
            permissionsBoundaryArn: config.workloadBoundaryArn,
            logRetentionDays: config.logRetentionDays,
            protect,
        });
        const job = new GlueLoadJob(def.name, {
            namePrefix: pipelinePrefix,
            pipeline: def.name,
            scope,
            roleName: p.names.glueJobRoleName,
            permissionsBoundaryArn: config.workloadBoundaryArn,
            glueBucket: { name: glueBucket.bucketName, arn: glueBucket.arn },
            script: jobScript,
            source: { bucketName: landing.bucketName, bucketArn: landing.arn, prefix: landingPrefix(def) },
            badRowsPrefix: badRowsPrefix(def),
            metricsNamespace: LOAD_METRICS_NAMESPACE,
            connection: { name: connection.name },
            redshift: redshift.jobAccess,
            target: {
                database: config.redshift.database,
                table: `${def.table.schema}.${def.table.name}`,
                mergeKey: def.mergeKey,
                columnMapping: jobColumnMapping(def),
                tableCreatedBy: [tableStatements[def.name]],
            },
            securityConfigurationName: securityConfiguration.name,
            kmsKeyArn: dataKey.keyArn,
            workers: config.jobWorkers,
            timeoutMinutes: config.jobTimeoutMinutes,
            maxRetries: config.jobMaxRetries,
            logRetentionDays: config.logRetentionDays,
            trigger:
                config.jobTrigger === "new-data" && precheckScript
                    ? {
                          kind: "new-data",
                          schedule: config.jobSchedule,
                          script: precheckScript,
                          table: { databaseName: landedDatabase.name, tableName: crawlers.tableName },
                      }
                    : config.jobTrigger === "crawler"
                      ? { kind: "crawler", crawlerName: crawlers.s3CrawlerName }
                      : { kind: "schedule", schedule: config.jobSchedule },
        });
        glue[def.name] = { crawlers, job };
    }

    // --- Monitoring: failed load runs of every pipeline notify one topic; a dashboard per pipeline.
    const alarmTopic = new AlarmTopic("alarms", {
        topicName: resourceName(stack, "alarms"),
        scope,
        // The created topic's policy is written by the failure alarm below (a topic has one policy).
        ...(config.alarms.topicArn !== undefined ? { existingTopicArn: config.alarms.topicArn } : {}),
        ...(config.alarms.email !== undefined ? { email: config.alarms.email } : {}),
        displayName: `Tracking ${stack} data platform`,
    });
    const jobFailures = new GlueJobFailureAlarm("glue-job-failed", {
        // A failing pre-check stops the loads as surely as a failing load: both notify.
        jobNames: dataPipelines.flatMap((p) => [
            glue[p.def.name].job.jobName,
            ...(glue[p.def.name].job.precheckJob ? [glue[p.def.name].job.precheckJob!.name] : []),
        ]),
        topicArn: alarmTopic.topicArn,
        ruleName: resourceName(stack, "glue-job-failed"),
        // An existing topic's policy is its owner's; see tracking-data-platform:alarmTopicArn.
        manageTopicPolicy: alarmTopic.created,
    });
    // Rows a load run set aside (bad rows): the run succeeded, so the failure rule above does not see them.
    for (const p of dataPipelines) {
        new GlueBadRowsAlarm(`${p.def.name}-bad-rows`, {
            alarmName: resourceName(stack, p.def.name, "bad-rows"),
            jobName: glue[p.def.name].job.jobName,
            namespace: LOAD_METRICS_NAMESPACE,
            topicArn: alarmTopic.topicArn,
        });
    }
    const dashboards = Object.fromEntries(
        dataPipelines.map((p) => [
            p.def.name,
            new GlueJobDashboard(p.def.name, {
                dashboardName: resourceName(stack, p.def.name, "load"),
                region,
                jobName: glue[p.def.name].job.jobName,
                failureRuleName: jobFailures.rule.name,
            }),
        ]),
    );

    // --- Outputs. The first six are the contract the engineering stack reads (engineering/data-platform.ts).
    return {
        landingBucketArn: landing.arn,
        landingBucketName: landing.bucketName,
        rawBucketArn: raw.arn,
        rawBucketName: raw.bucketName,
        /** The CMK of the landing and raw buckets; the Firehose roles need kms:GenerateDataKey/Decrypt on it. */
        dataKeyArn: dataKey.keyArn,
        /** Per pipeline: where its Firehose writes, and the role this stack granted. */
        pipelines: Object.fromEntries(
            dataPipelines.map((p) => [
                p.def.name,
                {
                    prefix: firehosePrefix(p.def),
                    errorPrefix: firehoseErrorPrefix(p.def),
                    rawBackupPrefix: rawBackupPrefix(p.def),
                    firehoseRoleArn: p.firehoseRoleArn,
                },
            ]),
        ),
        /** For users: per pipeline, the catalog table, crawlers, load job and Redshift table. */
        glueCatalog: Object.fromEntries(
            dataPipelines.map((p) => [
                p.def.name,
                {
                    database: landedDatabase.name,
                    table: glue[p.def.name].crawlers.tableName,
                    s3Crawler: glue[p.def.name].crawlers.s3CrawlerName,
                    jdbcCrawler: glue[p.def.name].crawlers.jdbcCrawlerName,
                    redshiftCatalogDatabase: redshiftDatabase.name,
                    job: glue[p.def.name].job.jobName,
                    redshiftTable: `${p.def.table.schema}.${p.def.table.name}`,
                },
            ]),
        ),
        glueBucketName: glueBucket.bucketName,
        glueConnectionName: connection.name,
        /** Attach this security group to an existing Redshift (or open Redshift's group to it) so Glue can connect. */
        glueSecurityGroupId: network.securityGroupId,
        vpcId: network.vpcId,
        /** The Redshift the tables live in, and the secret the JDBC crawlers' connection signs in with (the read-only user's). */
        redshift: { ...redshift.description, readerSecretArn: readerCredentials.secretArn },
        /**
         * The role Redshift assumes for streaming ingestion (with any `streaming: true` pipeline). The sandbox's
         * namespace has it attached; attach it to an existing workgroup's namespace or cluster by hand (README).
         */
        ...(streamingRole !== undefined ? { redshiftStreamingRoleArn: streamingRole.roleArn } : {}),
        /** `{ [pipeline]: stream view }` for each stream view this stack keeps (README, "Streaming tier"). */
        streamViews: Object.fromEntries(
            Object.values(schemaComponents)
                .flatMap((component) => Object.keys(component.streamViews))
                .map((pipeline) => {
                    const def = dataPipelines.find((p) => p.def.name === pipeline)!.def;
                    return [pipeline, qualifiedStreamViewName(def)];
                }),
        ),
        /** The SNS topic failed load runs notify (subscribe to it, or set alarmEmail). */
        alarmTopicArn: alarmTopic.topicArn,
        /** The EventBridge rule that matches failed load runs (an existing topic's policy must admit it). */
        glueFailureRuleArn: jobFailures.ruleArn,
        /** `{ [pipeline]: CloudWatch dashboard name }`. */
        dashboardNames: Object.fromEntries(
            Object.entries(dashboards).map(([pipeline, d]) => [pipeline, d.dashboard.dashboardName]),
        ),
    };
}

// The Pulumi CLI calls a CommonJS module's exported function (it ignores `exports.default` there); the
// offline plan runner calls `default`. Both get the same program.
export = Object.assign(main, { default: main });
