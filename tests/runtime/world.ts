/**
 * The planned world the runtime-call table runs in: for each service of the pipeline, the role it runs as
 * and the ARNs it touches, read from what the plans say the service is configured with (an integration's
 * `credentials` and request template, a delivery stream's role, stream, bucket, prefixes and key, a job's
 * role and arguments, a crawler's role and targets) - never from the policies under test.
 */
import { AccountView, roleView } from "../bootstrap/support/plans";
import { effectiveTags } from "../bootstrap/support/context";
import { roleTagsOf } from "../data-platform/support/plan";
import { PlannedResource, StackPlan } from "../../tools/plan/types";

interface Base {
    readonly roleArn: string;
    readonly roleName: string;
    readonly region: string;
    /** The caller's account. */
    readonly account: string;
}

export interface ApiWorld extends Base {
    readonly streamArn: string;
    readonly streamKeyArn: string;
}

export interface FirehoseWorld extends Base {
    readonly streamArn: string;
    readonly streamKeyArn: string;
    readonly bucketArn: string;
    /** The fixed folder of the data prefix, e.g. `user-events/`. */
    readonly dataFolder: string;
    readonly dataObject: string;
    readonly errorObject: string;
    readonly dataKeyArn: string;
    readonly logStreamArn: string;
}

interface GlueBase extends Base {
    readonly catalogArn: string;
    readonly logGroupArn: string;
    readonly logStreamArn: string;
    readonly ec2Arn: string;
}

export interface Secret {
    readonly arn: string;
    /** The KMS key of the secret, when the stack created it under its own key. */
    readonly keyArn?: string;
}

export interface GlueJobWorld extends GlueBase {
    readonly landingBucketArn: string;
    readonly sourcePrefix: string;
    readonly landedObject: string;
    readonly badRowsObject: string;
    readonly glueBucketArn: string;
    readonly tempPrefix: string;
    readonly tempObject: string;
    readonly scriptArn: string;
    readonly dataKeyArn: string;
    readonly metricsNamespace: string;
    readonly connectionArn: string;
    /** Where the job's temporary Redshift credentials come from, found from its `--redshift_url` and the stack's Redshift. */
    readonly redshift:
        | { readonly kind: "cluster"; readonly clusterArn: string; readonly databaseArn: string }
        | { readonly kind: "workgroup"; readonly workgroupArn: string };
}

/** A load job's pre-check (a Python shell job run as the load job's role). */
export interface PrecheckWorld extends GlueBase {
    readonly landingBucketArn: string;
    readonly sourcePrefix: string;
    readonly scriptArn: string;
    readonly glueBucketArn: string;
    readonly dataKeyArn: string;
    readonly loadJobArn: string;
    readonly databaseArn: string;
    readonly tableArn: string;
}

export interface S3CrawlerWorld extends GlueBase {
    readonly bucketArn: string;
    readonly prefix: string;
    readonly landedObject: string;
    readonly dataKeyArn: string;
    readonly databaseArn: string;
    readonly tableArn: string;
}

export interface JdbcCrawlerWorld extends GlueBase {
    readonly databaseArn: string;
    readonly tableArn: string;
    readonly connectionArn: string;
    readonly secret?: Secret;
}

/**
 * The deploy-time DDL: the bootstrap deployer runs each table's SQL and the reader's password change
 * through the Redshift Data API (shared/redshift-data-provider.ts, redshift-password-provider.ts).
 */
export interface DeployDdlWorld extends Base {
    /** The workgroup or cluster the Data API runs the SQL on. */
    readonly targetArn: string;
    /** The admin secret the Data API signs in with, as the deployer. */
    readonly adminSecret: Secret;
    /** The reader's secret the password provider writes a version of, when the stack sets one. */
    readonly readerSecret?: Secret;
    /** The JDBC crawler a table resource starts after a migration, when it names one. */
    readonly crawlerArn?: string;
}

/** The data-platform account's Redshift, as the role attached to it, chaining to a stream reader. */
export interface RedshiftStreamingWorld extends Base {
    /** The next role of the external schema's IAM_ROLE chain. */
    readonly chainedRoleArn: string;
}

/** A stream reader (the end of the chain): reads its pipeline's stream for Redshift. */
export interface StreamReaderWorld extends Base {
    readonly streamArn: string;
    readonly streamKeyArn: string;
}

/** One running service: what it is, and its planned world. */
export interface Caller<W> {
    readonly label: string;
    readonly world: W;
}

export interface PlannedServices {
    readonly api: Caller<ApiWorld>[];
    readonly firehose: Caller<FirehoseWorld>[];
    readonly glueJobs: Caller<GlueJobWorld>[];
    readonly prechecks: Caller<PrecheckWorld>[];
    readonly s3Crawlers: Caller<S3CrawlerWorld>[];
    readonly jdbcCrawlers: Caller<JdbcCrawlerWorld>[];
    readonly deployDdl: Caller<DeployDdlWorld>[];
}

const str = (value: unknown, what: string): string => {
    if (typeof value !== "string" || value === "" || value.includes("<unknown>"))
        throw new Error(`${what}: expected a planned string, got ${JSON.stringify(value)}`);
    return value;
};

function ofType(plan: StackPlan, type: string): PlannedResource[] {
    return plan.resources.filter((r) => r.type === type);
}

function roleBase(roleArn: string): Base & { readonly partition: string } {
    const match = /^arn:([a-z-]+):iam::(\d{12}):role\/(.+)$/.exec(roleArn);
    if (!match) throw new Error(`not a role ARN: ${roleArn}`);
    return { roleArn, roleName: match[3], account: match[2], partition: match[1], region: "" };
}

/** `s3://bucket/key` -> { bucket, key }. */
function s3Uri(uri: string): { bucket: string; key: string } {
    const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
    if (!match) throw new Error(`not an S3 URI: ${uri}`);
    return { bucket: match[1], key: match[2] };
}

/** The fixed folder of a Firehose prefix: everything before its first `!{...}`, cut back to a `/`. */
function fixedFolder(prefix: string): string {
    const expression = prefix.indexOf("!{");
    const fixed = expression < 0 ? prefix : prefix.slice(0, expression);
    return fixed.slice(0, fixed.lastIndexOf("/") + 1);
}

/** An object key Firehose writes under a prefix: its `!{...}` expressions filled in as Firehose would. */
function firehoseObjectKey(prefix: string): string {
    const values: Record<string, string> = {
        "timestamp:yyyy": "2026",
        "timestamp:MM": "01",
        "timestamp:dd": "02",
        "timestamp:HH": "03",
        "firehose:error-output-type": "processing-failed",
    };
    return `${prefix.replace(/!\{([^}]+)\}/g, (_, expression: string) => values[expression] ?? "x")}tracking-dev-delivery-1-2026-01-02-03-04-05-abc.gz`;
}

/**
 * The secret the JDBC crawlers' connection signs in with, as the stack exports it (the connection's own
 * properties are a secret input, which the plan shows as <secret>), and its key when the stack created it.
 */
function readerSecretOf(dp: StackPlan): Secret | undefined {
    const arn = (dp.outputs.redshift as { readerSecretArn?: unknown } | undefined)?.readerSecretArn;
    if (typeof arn !== "string") return undefined;
    const planned = ofType(dp, "aws:secretsmanager/secret:Secret").find((s) => s.outputs.arn === arn);
    const keyArn = planned?.inputs.kmsKeyId;
    return { arn, ...(typeof keyArn === "string" ? { keyArn } : {}) };
}

/**
 * Where a load job's IAM credentials come from: the host of its `--redshift_url` is a provisioned cluster's
 * (`<cluster>.<id>.<region>.redshift.amazonaws.com`) or a workgroup's (`...redshift-serverless.amazonaws.com`),
 * and the database is the URL's path. A planned workgroup's ARN is known; an existing one's id is not (any id).
 */
function jobRedshiftOf(dp: StackPlan, url: string): GlueJobWorld["redshift"] {
    const match = /^jdbc:redshift:iam:\/\/([^:/]+):\d+\/([^?]+)/.exec(url);
    if (!match) throw new Error(`--redshift_url is not an IAM JDBC URL: ${url}`);
    const [, host, database] = match;
    const partition = dp.region.startsWith("cn-") ? "aws-cn" : dp.region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
    if (host.endsWith(".redshift-serverless.amazonaws.com")) {
        const workgroup = host.split(".")[0];
        const planned = ofType(dp, "aws:redshiftserverless/workgroup:Workgroup").find(
            (w) => w.outputs.workgroupName === workgroup,
        );
        return {
            kind: "workgroup",
            workgroupArn: planned
                ? str(planned.outputs.arn, "workgroup arn")
                : `arn:${partition}:redshift-serverless:${dp.region}:${dp.account}:workgroup/0b7c8a5e-3d1f-4c2a-9e6b-5f4d3c2b1a09`,
        };
    }
    const cluster = host.split(".")[0];
    const redshift = (resource: string) => `arn:${partition}:redshift:${dp.region}:${dp.account}:${resource}`;
    return {
        kind: "cluster",
        clusterArn: redshift(`cluster:${cluster}`),
        databaseArn: redshift(`dbname:${cluster}/${database}`),
    };
}

/**
 * Redshift streaming ingestion of every planned stream view: the role chain is what its external schema's
 * `IAM_ROLE '<first>,<second>'` says, the stream what its view selects from (`<schema>."<stream>"`).
 */
export function plannedStreaming(views: readonly AccountView[]): {
    redshift: Caller<RedshiftStreamingWorld>[];
    readers: Caller<StreamReaderWorld>[];
} {
    const pipelinePlans = views.flatMap((v) => v.pipelines);
    const redshift: Caller<RedshiftStreamingWorld>[] = [];
    const readers: Caller<StreamReaderWorld>[] = [];
    for (const dp of pipelinePlans.filter((p) => p.project === "tracking-data-platform")) {
        const eng = pipelinePlans.find((p) => p.project === "tracking-engineering" && p.stack === dp.stack);
        if (!eng) throw new Error(`stack ${dp.stack}: no engineering plan`);
        for (const view of ofType(dp, "pulumi-nodejs:dynamic/redshift:StreamView")) {
            const sql = (view.inputs.createStatements as string[]).join("\n");
            const chain = /IAM_ROLE '([^']+)'/.exec(sql)?.[1]?.split(",") ?? [];
            const streamName = /FROM [^\s]+\."([^"]+)"/.exec(sql)?.[1];
            if (chain.length !== 2)
                throw new Error(
                    `stream view ${view.name}: expected a chain of two roles, got ${JSON.stringify(chain)}`,
                );
            const stream = ofType(eng, "aws:kinesis/stream:Stream").find((s) => s.outputs.name === streamName);
            if (!stream) throw new Error(`stream view ${view.name}: no planned stream ${String(streamName)}`);
            redshift.push({
                label: `Redshift streaming (${view.name})`,
                world: { ...roleBase(chain[0]), region: dp.region, chainedRoleArn: chain[1] },
            });
            readers.push({
                label: `stream reader (${view.name})`,
                world: {
                    ...roleBase(chain[1]),
                    region: eng.region,
                    streamArn: str(stream.outputs.arn, "stream arn"),
                    streamKeyArn: str(stream.inputs.kmsKeyId, "stream kmsKeyId"),
                },
            });
        }
    }
    return { redshift, readers };
}

/** The services of every planned environment stack (each pair of engineering and data-platform plans). */
export function plannedServices(views: readonly AccountView[]): PlannedServices {
    const pipelinePlans = views.flatMap((v) => v.pipelines);
    const stacks = [...new Set(pipelinePlans.map((p) => p.stack))].sort();
    const all: PlannedServices = {
        api: [],
        firehose: [],
        glueJobs: [],
        prechecks: [],
        s3Crawlers: [],
        jdbcCrawlers: [],
        deployDdl: [],
    };
    for (const stack of stacks) {
        const eng = pipelinePlans.find((p) => p.project === "tracking-engineering" && p.stack === stack);
        const dp = pipelinePlans.find((p) => p.project === "tracking-data-platform" && p.stack === stack);
        if (!eng || !dp) throw new Error(`stack ${stack}: the plans lack the engineering or data-platform stack`);
        const deployer = views.find((v) => v.account === dp.account)?.deployer;
        if (!deployer) throw new Error(`stack ${stack}: no bootstrap plan for the data-platform account ${dp.account}`);
        const services = stackServices(eng, dp, deployer.arn);
        for (const key of Object.keys(all) as (keyof PlannedServices)[])
            (all[key] as Caller<unknown>[]).push(...services[key]);
    }
    return all;
}

function stackServices(eng: StackPlan, dp: StackPlan, deployerArn: string): PlannedServices {
    const streams = ofType(eng, "aws:kinesis/stream:Stream");
    const streamByName = (name: string) => {
        const stream = streams.find((s) => s.outputs.name === name);
        if (!stream) throw new Error(`no planned stream ${name}`);
        return {
            arn: str(stream.outputs.arn, `stream ${name} arn`),
            keyArn: str(stream.inputs.kmsKeyId, `stream ${name} kmsKeyId`),
        };
    };
    const streamByArn = (arn: string) =>
        streamByName(str(streams.find((s) => s.outputs.arn === arn)?.outputs.name, `stream ${arn}`));

    const api = ofType(eng, "aws:apigateway/integration:Integration").map((integration): Caller<ApiWorld> => {
        const template = Object.values((integration.inputs.requestTemplates ?? {}) as Record<string, string>).join(
            "\n",
        );
        const streamName = /"StreamName":\s*"([^"]+)"/.exec(template)?.[1];
        const stream = streamByName(str(streamName, `stream of integration ${integration.name}`));
        const base = roleBase(str(integration.inputs.credentials, `credentials of integration ${integration.name}`));
        return {
            label: `API Gateway (${integration.name})`,
            world: { ...base, region: eng.region, streamArn: stream.arn, streamKeyArn: stream.keyArn },
        };
    });

    const firehose = ofType(eng, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream").map(
        (delivery): Caller<FirehoseWorld> => {
            const s3 = delivery.inputs.extendedS3Configuration as Record<string, unknown>;
            const source = delivery.inputs.kinesisSourceConfiguration as Record<string, unknown>;
            const stream = streamByArn(str(source.kinesisStreamArn, "kinesisStreamArn"));
            const logging = s3.cloudwatchLoggingOptions as { logGroupName: string; logStreamName: string };
            const bucketArn = str(s3.bucketArn, "bucketArn");
            const prefix = str(s3.prefix, "prefix");
            const errorPrefix = str(s3.errorOutputPrefix, "errorOutputPrefix");
            return {
                label: `Firehose ${String(delivery.outputs.name)}`,
                world: {
                    ...roleBase(str(s3.roleArn, "roleArn")),
                    region: eng.region,
                    streamArn: stream.arn,
                    streamKeyArn: stream.keyArn,
                    bucketArn,
                    dataFolder: fixedFolder(prefix),
                    dataObject: `${bucketArn}/${firehoseObjectKey(prefix)}`,
                    errorObject: `${bucketArn}/${firehoseObjectKey(errorPrefix)}`,
                    dataKeyArn: str(s3.kmsKeyArn, "kmsKeyArn"),
                    logStreamArn: `arn:${roleBase(String(s3.roleArn)).partition}:logs:${eng.region}:${eng.account}:log-group:${logging.logGroupName}:log-stream:${logging.logStreamName}`,
                },
            };
        },
    );

    const securityKey = (name: unknown) => {
        const config = ofType(dp, "aws:glue/securityConfiguration:SecurityConfiguration").find(
            (c) => c.inputs.name === name,
        );
        const encryption = config?.inputs.encryptionConfiguration as
            { s3Encryption?: { kmsKeyArn?: string } } | undefined;
        return str(encryption?.s3Encryption?.kmsKeyArn, `key of security configuration ${String(name)}`);
    };
    const glueBase = (roleArn: string, logGroup: string, logStream: string): GlueBase => {
        const base = roleBase(roleArn);
        const prefix = `arn:${base.partition}`;
        return {
            ...base,
            region: dp.region,
            catalogArn: `${prefix}:glue:${dp.region}:${dp.account}:catalog`,
            logGroupArn: `${prefix}:logs:${dp.region}:${dp.account}:log-group:${logGroup}`,
            logStreamArn: `${prefix}:logs:${dp.region}:${dp.account}:log-group:${logGroup}:log-stream:${logStream}`,
            ec2Arn: `${prefix}:ec2:${dp.region}:${dp.account}`,
        };
    };
    const glueArn = (base: GlueBase, path: string) => base.catalogArn.replace(/:catalog$/, `:${path}`);

    const isPythonShell = (job: PlannedResource) => (job.inputs.command as { name?: string }).name === "pythonshell";
    const glueJobs = ofType(dp, "aws:glue/job:Job")
        .filter((job) => !isPythonShell(job))
        .map((job): Caller<GlueJobWorld> => {
            const args = job.inputs.defaultArguments as Record<string, string>;
            const roleArn = str(job.inputs.roleArn, "job roleArn");
            // Glue 5.0 writes to `<--custom-logGroup-prefix>/error` and `/output` ("Logging for AWS Glue jobs");
            // without one, under a security configuration, to `/aws-glue/jobs-<role>-<configuration>/...` (JobRun LogGroupName).
            const custom = args["--custom-logGroup-prefix"];
            const logGroup = custom
                ? `${custom}/output`
                : `/aws-glue/jobs-${roleBase(roleArn).roleName}-${String(job.inputs.securityConfiguration)}/output`;
            const base = glueBase(roleArn, logGroup, "jr_0123456789abcdef-driver");
            const source = s3Uri(str(args["--source_path"], "--source_path"));
            const temp = s3Uri(str(args["--TempDir"], "--TempDir"));
            const badRows = s3Uri(str(args["--bad_rows_path"], "--bad_rows_path"));
            const script = s3Uri(
                str((job.inputs.command as { scriptLocation: string }).scriptLocation, "scriptLocation"),
            );
            const s3 = (bucket: string) => `arn:${roleBase(roleArn).partition}:s3:::${bucket}`;
            return {
                label: `Glue job ${String(job.outputs.name)}`,
                world: {
                    ...base,
                    landingBucketArn: s3(source.bucket),
                    sourcePrefix: source.key,
                    landedObject: `${s3(source.bucket)}/${source.key}year=2026/month=01/day=02/hour=03/delivery-1.gz`,
                    badRowsObject: `${s3(badRows.bucket)}/${badRows.key}2026/01/02/jr_0123456789abcdef/part-00000.jsonl`,
                    glueBucketArn: s3(temp.bucket),
                    tempPrefix: temp.key,
                    tempObject: `${s3(temp.bucket)}/${temp.key}run-1/part-0000.csv.gz`,
                    scriptArn: `${s3(script.bucket)}/${script.key}`,
                    dataKeyArn: securityKey(job.inputs.securityConfiguration),
                    metricsNamespace: str(args["--metrics_namespace"], "--metrics_namespace"),
                    connectionArn: glueArn(
                        base,
                        `connection/${str((job.inputs.connections as string[])[0], "connection")}`,
                    ),
                    redshift: jobRedshiftOf(dp, str(args["--redshift_url"], "--redshift_url")),
                },
            };
        });

    // Each pre-check: a Python shell job; under a security configuration it logs to
    // `/aws-glue/python-jobs-<role>-<configuration>/...` (JobRun LogGroupName).
    const prechecks = ofType(dp, "aws:glue/job:Job")
        .filter(isPythonShell)
        .map((job): Caller<PrecheckWorld> => {
            const args = job.inputs.defaultArguments as Record<string, string>;
            const roleArn = str(job.inputs.roleArn, "pre-check roleArn");
            const base = glueBase(
                roleArn,
                `/aws-glue/python-jobs-${roleBase(roleArn).roleName}-${String(job.inputs.securityConfiguration)}/output`,
                "jr_0123456789abcdef",
            );
            const script = s3Uri(
                str((job.inputs.command as { scriptLocation: string }).scriptLocation, "scriptLocation"),
            );
            const s3 = (bucket: string) => `arn:${roleBase(roleArn).partition}:s3:::${bucket}`;
            const database = str(args["--database"], "--database");
            return {
                label: `Glue pre-check ${String(job.outputs.name)}`,
                world: {
                    ...base,
                    landingBucketArn: s3(str(args["--bucket"], "--bucket")),
                    sourcePrefix: str(args["--prefix"], "--prefix"),
                    scriptArn: `${s3(script.bucket)}/${script.key}`,
                    glueBucketArn: s3(script.bucket),
                    dataKeyArn: securityKey(job.inputs.securityConfiguration),
                    loadJobArn: glueArn(base, `job/${str(args["--load_job"], "--load_job")}`),
                    databaseArn: glueArn(base, `database/${database}`),
                    tableArn: glueArn(base, `table/${database}/${str(args["--table"], "--table")}`),
                },
            };
        });

    const crawlers = ofType(dp, "aws:glue/crawler:Crawler");
    // With a security configuration, crawlers log to `/aws-glue/crawlers-role/<role>-<configuration>`.
    const crawlerBase = (crawler: PlannedResource) => {
        const roleArn = str(crawler.inputs.role, "crawler role");
        return glueBase(
            roleArn,
            `/aws-glue/crawlers-role/${roleBase(roleArn).roleName}-${String(crawler.inputs.securityConfiguration)}`,
            String(crawler.inputs.name),
        );
    };
    const s3Crawlers = crawlers
        .filter((c) => c.inputs.s3Targets !== undefined)
        .map((crawler): Caller<S3CrawlerWorld> => {
            const base = crawlerBase(crawler);
            const path = str((crawler.inputs.s3Targets as { path: string }[])[0].path, "s3Targets.path");
            const target = s3Uri(path);
            const table = ofType(dp, "aws:glue/catalogTable:CatalogTable").find(
                (t) => (t.inputs.storageDescriptor as { location?: string } | undefined)?.location === path,
            );
            const database = str(crawler.inputs.databaseName, "databaseName");
            const bucketArn = `arn:${roleBase(base.roleArn).partition}:s3:::${target.bucket}`;
            return {
                label: `S3 crawler ${String(crawler.inputs.name)}`,
                world: {
                    ...base,
                    bucketArn,
                    prefix: target.key,
                    landedObject: `${bucketArn}/${target.key}year=2026/month=01/day=02/hour=03/delivery-1.gz`,
                    dataKeyArn: securityKey(crawler.inputs.securityConfiguration),
                    databaseArn: glueArn(base, `database/${database}`),
                    tableArn: glueArn(base, `table/${database}/${str(table?.inputs.name, `catalog table at ${path}`)}`),
                },
            };
        });
    const jdbcCrawlers = crawlers
        .filter((c) => c.inputs.jdbcTargets !== undefined)
        .map((crawler): Caller<JdbcCrawlerWorld> => {
            const base = crawlerBase(crawler);
            const target = (crawler.inputs.jdbcTargets as { connectionName: string; path: string }[])[0];
            const database = str(crawler.inputs.databaseName, "databaseName");
            const secret = readerSecretOf(dp);
            return {
                label: `JDBC crawler ${String(crawler.inputs.name)}`,
                world: {
                    ...base,
                    databaseArn: glueArn(base, `database/${database}`),
                    // The crawler names a JDBC table `<database>_<schema>_<table>` of its include path.
                    tableArn: glueArn(base, `table/${database}/${target.path.split("/").join("_")}`),
                    connectionArn: glueArn(base, `connection/${target.connectionName}`),
                    ...(secret ? { secret } : {}),
                },
            };
        });
    const deployDdl = [
        ...ofType(dp, "pulumi-nodejs:dynamic/redshift:Table"),
        ...ofType(dp, "pulumi-nodejs:dynamic/redshift:UserPassword"),
    ].map((resource): Caller<DeployDdlWorld> => {
        const target = resource.inputs.target as {
            workgroupName?: string;
            clusterIdentifier?: string;
            database: string;
            secretArn: string;
            secretKmsKeyArn?: string;
        };
        const redshift =
            target.workgroupName !== undefined
                ? jobRedshiftOf(
                      dp,
                      `jdbc:redshift:iam://${target.workgroupName}.${dp.account}.${dp.region}.redshift-serverless.amazonaws.com:5439/${target.database}`,
                  )
                : jobRedshiftOf(
                      dp,
                      `jdbc:redshift:iam://${str(target.clusterIdentifier, "clusterIdentifier")}.c0.${dp.region}.redshift.amazonaws.com:5439/${target.database}`,
                  );
        const readerSecretArn = resource.inputs.secretArn;
        const readerKey = ofType(dp, "aws:secretsmanager/secret:Secret").find((s) => s.outputs.arn === readerSecretArn)
            ?.inputs.kmsKeyId;
        return {
            label: `deploy-time DDL ${resource.name} (deployer)`,
            world: {
                ...roleBase(deployerArn),
                region: dp.region,
                targetArn: redshift.kind === "workgroup" ? redshift.workgroupArn : redshift.clusterArn,
                adminSecret: {
                    arn: str(target.secretArn, "target.secretArn"),
                    ...(target.secretKmsKeyArn !== undefined ? { keyArn: target.secretKmsKeyArn } : {}),
                },
                ...(typeof readerSecretArn === "string"
                    ? {
                          readerSecret: {
                              arn: readerSecretArn,
                              ...(typeof readerKey === "string" ? { keyArn: readerKey } : {}),
                          },
                      }
                    : {}),
                ...(typeof resource.inputs.crawlerName === "string"
                    ? {
                          crawlerArn: `arn:${roleBase(deployerArn).partition}:glue:${dp.region}:${dp.account}:crawler/${resource.inputs.crawlerName}`,
                      }
                    : {}),
            },
        };
    });
    return { api, firehose, glueJobs, prechecks, s3Crawlers, jdbcCrawlers, deployDdl };
}

/** AWS's default key policy: the key's account may grant its use with IAM policies ("Default key policy", KMS developer guide). */
function defaultKeyPolicy(keyArn: string): unknown {
    const [, partition, , , account] = keyArn.split(":");
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "Enable IAM User Permissions",
                Effect: "Allow",
                Principal: { AWS: `arn:${partition}:iam::${account}:root` },
                Action: "kms:*",
                Resource: "*",
            },
        ],
    };
}

/** The planned policies a request meets: the caller's identity policies and boundary, the resource's policy. */
export interface PolicyLookup {
    identity(roleArn: string): { name: string; policy: unknown }[];
    /** The role's planned tags: IAM evaluates them as `aws:PrincipalTag/<key>`. */
    principalTags(roleArn: string): Record<string, string>;
    /** A planned key's or secret's tags (the provider's default tags included): IAM evaluates them as `aws:ResourceTag/<key>`. */
    resourceTags(arn: string): Record<string, string>;
    boundary(roleArn: string): unknown;
    resourcePolicy(arn: string): unknown;
    resourceAccount(arn: string, callerAccount: string): string;
}

export function policyLookup(views: readonly AccountView[]): PolicyLookup {
    const pipelinePlans = views.flatMap((v) => v.pipelines);
    const planOfRole = (roleArn: string) => {
        const plan = pipelinePlans.find((p) =>
            p.resources.some((r) => r.type === "aws:iam/role:Role" && r.outputs.arn === roleArn),
        );
        if (!plan) throw new Error(`no planned role ${roleArn}`);
        return plan;
    };
    const bucketOf = (arn: string) => arn.split(":::")[1].split("/")[0];
    const all = pipelinePlans.flatMap((p) => p.resources.map((r) => ({ plan: p, r })));
    // The bootstrap deployer runs the deploy-time DDL: its policies are in the bootstrap plan, and it has no boundary.
    const deployerOf = (roleArn: string) => views.find((v) => v.deployer.arn === roleArn);
    return {
        identity: (roleArn) =>
            (deployerOf(roleArn)?.deployer ?? roleView(planOfRole(roleArn), roleBase(roleArn).roleName)).policies.map(
                (p) => ({ name: p.name, policy: p.policy }),
            ),
        principalTags: (roleArn) => {
            const view = deployerOf(roleArn);
            return roleTagsOf(view ? view.bootstrap : planOfRole(roleArn), roleBase(roleArn).roleName);
        },
        resourceTags: (arn) => {
            const tagged = all.find(
                ({ r }) => /^aws:(kms\/key:Key|secretsmanager\/secret:Secret)$/.test(r.type) && r.outputs.arn === arn,
            );
            return tagged ? effectiveTags(tagged.plan, tagged.r) : {};
        },
        boundary: (roleArn) => {
            if (deployerOf(roleArn)) return undefined;
            const view = views.find((v) => v.account === roleBase(roleArn).account);
            if (!view) throw new Error(`no bootstrap plan for the account of ${roleArn}`);
            return view.boundary;
        },
        resourcePolicy: (arn) => {
            if (/^arn:[^:]+:iam::\d{12}:role\//.test(arn)) {
                // sts:AssumeRole is authorized against the role's trust policy too.
                const role = all.find(({ r }) => r.type === "aws:iam/role:Role" && r.outputs.arn === arn);
                return role ? JSON.parse(String(role.r.inputs.assumeRolePolicy)) : undefined;
            }
            if (arn.startsWith("arn:") && arn.split(":")[2] === "s3") {
                const policy = all.find(
                    ({ r }) => r.type === "aws:s3/bucketPolicy:BucketPolicy" && r.inputs.bucket === bucketOf(arn),
                );
                return policy ? JSON.parse(String(policy.r.inputs.policy)) : undefined;
            }
            if (arn.includes(":kms:") && arn.includes(":key/")) {
                const key = all.find(({ r }) => r.type === "aws:kms/key:Key" && r.outputs.arn === arn);
                if (key) return JSON.parse(String(key.r.inputs.policy));
                // An existing Redshift secret's key the bootstrap names (redshiftSecretKmsKeyArns): its policy is
                // its owner's; the README asks for one that defers to IAM, as AWS's default key policy does.
                if (views.some((v) => Object.values(v.config).some((value) => value.includes(arn))))
                    return defaultKeyPolicy(arn);
                throw new Error(`no planned key ${arn}`);
            }
            return undefined;
        },
        resourceAccount: (arn, callerAccount) => {
            if (arn === "*") return callerAccount;
            if (arn.split(":")[2] === "s3") {
                const bucket = all.find(
                    ({ r }) => r.type === "aws:s3/bucket:Bucket" && r.outputs.bucket === bucketOf(arn),
                );
                if (!bucket) throw new Error(`no planned bucket for ${arn}`);
                return bucket.plan.account;
            }
            return arn.split(":")[4] || callerAccount;
        },
    };
}
