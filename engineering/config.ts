import * as pulumi from "@pulumi/pulumi";
import {
    DEPLOYER_ROLE_NAME,
    DRIFT_READER_ROLE_NAME,
    partitionOfRegion,
    PREVIEWER_ROLE_NAME,
    roleArn,
    STACK_TAG_KEY,
    workloadBoundaryArn,
} from "../shared/naming";
import { AlarmTopicConfig, readAlarmThresholds, readAlarmTopic } from "../shared/alarm-config";
import { ConfigReader, LOG_RETENTION_DAYS } from "../shared/config";
import { restApiResourceCount } from "../shared/api/routes";
import { PipelineAlarmThresholds } from "../shared/pipeline-alarms";
import { pipelines } from "../shared/pipelines";

/** The config namespace of this project (`name:` in engineering/Pulumi.yaml). */
export const ENGINEERING_NAMESPACE = "tracking-engineering";

export type StreamMode = "ON_DEMAND" | "PROVISIONED";

/**
 * Compression formats the downstream readers can open. The Glue crawler and the Spark job read GZIP and
 * Hadoop-framed Snappy JSON natively, and plain JSON of course. Firehose's `Snappy` (the Snappy framing
 * format) and `ZIP` are left out on purpose: Spark's JSON reader cannot open either, so the load would fail.
 */
export const FIREHOSE_COMPRESSIONS = ["GZIP", "HADOOP_SNAPPY", "UNCOMPRESSED"] as const;
export type FirehoseCompression = (typeof FIREHOSE_COMPRESSIONS)[number];

export { LOG_RETENTION_DAYS };

export const API_QUOTA_PERIODS = ["DAY", "WEEK", "MONTH"] as const;
export type ApiQuotaPeriod = (typeof API_QUOTA_PERIODS)[number];

/** `<org>/<project>/<stack>`: how a self-managed backend names the stack a StackReference reads. */
const STACK_REFERENCE = {
    pattern: /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/,
    description: "a stack reference <org>/<project>/<stack>, e.g. organization/tracking-data-platform/dev",
};
/** The project whose stack `dataPlatformStack` must name. */
export const DATA_PLATFORM_PROJECT = "tracking-data-platform";
/** API Gateway stage names: letters, digits, underscores and hyphens, at most 128. */
const STAGE_NAME = { pattern: /^[A-Za-z0-9_-]{1,128}$/, description: "1-128 letters, digits, '_' or '-'" };
/** A DNS name with at least two labels, lowercase, each label 1-63 characters (ACM and API Gateway need a FQDN). */
const DOMAIN_NAME = {
    pattern: /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    description: "a lowercase fully qualified domain name such as ingest.example.com",
};
/** Route 53 hosted zone ids: `Z` followed by upper-case letters and digits. */
const HOSTED_ZONE_ID = {
    pattern: /^Z[A-Z0-9]{1,31}$/,
    description: "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ",
};

export interface CustomDomainConfig {
    readonly domainName: string;
    readonly hostedZoneId: string;
}

/** Everything the engineering program reads from its stack file, validated. */
export interface EngineeringConfig {
    /** `pulumi.getStack()`: part of every resource name (`tracking-<stack>-...`). */
    readonly stack: string;
    readonly accountId: string;
    readonly region: string;
    readonly partition: string;
    readonly dataPlatformAccountId: string;
    readonly dataPlatformStack: string;
    /** The bootstrap's deployer role in this account: administers the stream key. */
    readonly deployerRoleArn: string;
    /** The pull-request previewer and the drift reader: read-only roles that refresh (`pulumi preview`). */
    readonly readOnlyRoleArns: readonly string[];
    /** The bootstrap's permissions boundary, which every role this stack creates must carry. */
    readonly workloadBoundaryArn: string;
    readonly stream: {
        readonly mode: StreamMode;
        /** Only with PROVISIONED. */
        readonly shardCount?: number;
        readonly retentionHours: number;
    };
    readonly firehose: {
        readonly bufferSeconds: number;
        readonly bufferMiB: number;
        readonly compression: FirehoseCompression;
        readonly rawBackup: boolean;
    };
    readonly api: {
        readonly stageName: string;
        readonly rateLimit: number;
        readonly burstLimit: number;
        readonly quotaLimit: number;
        readonly quotaPeriod: ApiQuotaPeriod;
        readonly tracing: boolean;
        readonly customDomain?: CustomDomainConfig;
    };
    readonly logRetentionDays: number;
    /** The AWS quotas the declared pipelines were checked against (AWS defaults unless raised in config). */
    readonly quotas: { readonly apiResources: number; readonly onDemandStreams: number };
    /** Where the pipelines' alarms notify, and at which thresholds they fire. */
    readonly alarms: AlarmTopicConfig & { readonly thresholds: PipelineAlarmThresholds };
}

/**
 * Reads and checks the stack configuration. Every problem is collected and reported in one ConfigError
 * (each line names the key and the rule) before any resource is declared.
 *
 * Keys (namespace `tracking-engineering` unless written with another):
 * - `aws:region` (required): the region of every resource here, and of the data-platform bucket.
 * - `accountId` (required): the engineering account; `aws:allowedAccountIds` must be exactly `[accountId]`.
 * - `aws:defaultTags` (required): `{ tags: { "tracking:stack": <stack name> } }`. The provider puts it on
 *   every resource, and the bootstrap's deployer may create and change only resources carrying it.
 * - `dataPlatformAccountId` (required): the account of the landing bucket and its key; not `accountId`.
 * - `dataPlatformStack` (required): `<org>/tracking-data-platform/<stack>`, read through a StackReference.
 * - the stack name itself (`pulumi stack`): 1-10 lowercase letters and digits (it is in every name).
 * - `streamMode` (default `ON_DEMAND`): `ON_DEMAND` scales with traffic and needs no shard planning;
 *   `PROVISIONED` is cheaper at a steady, known rate.
 * - `shardCount` (1-500, no default): required with `PROVISIONED`, an error with `ON_DEMAND`.
 * - `streamRetentionHours` (24-8760, default 24). Security Hub Kinesis.3 expects 168;
 *   24 h is enough here because Firehose drains the stream within minutes and the landed objects (and
 *   the optional raw backup) are the replay source. The policy pack records this as an exception.
 * - `firehoseBufferSeconds` (0-900, default 60): the longest a record waits in Firehose before delivery.
 * - `firehoseBufferMiB` (1-128, default 64): at low and normal traffic the 60 s interval flushes first,
 *   so objects stay small only because traffic is; under load, 64 MiB (of uncompressed JSON, a few MiB
 *   gzipped) keeps objects large enough that the Glue job is not dominated by per-object overhead, where
 *   5 MiB would write a new small object every few seconds. 64 MiB is also the minimum dynamic
 *   partitioning needs, should it be turned on later.
 * - `firehoseCompression` (default `GZIP`): one of FIREHOSE_COMPRESSIONS (what Glue and Spark can read).
 * - `rawBackup` (default false): also deliver every source record, untouched, to the raw bucket.
 * - `apiStageName` (default `v1`): the stage (first path segment of the invoke URL).
 * - `apiRateLimit` (1-10000 requests/s, default 100) and `apiBurstLimit` (1-5000, default 200): the usage
 *   plan's and the stage's throttle; at most the account's default 10,000 rps / 5,000 burst.
 * - `apiQuotaLimit` (1-1,000,000,000 requests, default 5,000,000) per `apiQuotaPeriod` (DAY, WEEK or MONTH,
 *   default DAY). A batch request counts once, whatever its record count.
 * - `apiTracing` (default false): X-Ray tracing on the stage (Security Hub APIGateway.3, low severity). Off
 *   by default: API Gateway traces with X-Ray's default sampling rule (the first request each second, then
 *   5%; "Configuring sampling rules"), so at low traffic every request is a trace billed at $5 per million,
 *   more than the stream costs, while the access logs already record each request. Turn it on to debug.
 * - `logRetentionDays` (default 30): API access logs and Firehose error logs; one of LOG_RETENTION_DAYS.
 * - `customDomainName` + `hostedZoneId` (optional, both or neither): a custom domain with an ACM
 *   certificate validated through that Route 53 zone.
 * - `alarmTopicArn` (optional; default: this stack creates the SNS topic `tracking-<stack>-alarms`): an
 *   existing standard topic of this account and region to notify instead; its owner must let
 *   `cloudwatch.amazonaws.com` publish (aws:SourceAccount = accountId).
 * - `alarmEmail` (optional, default none): an email address subscribed to the created topic (it must
 *   confirm); an error together with `alarmTopicArn`.
 * - `apiResourcesQuota` (default 300, API Gateway's "Resources per API"): the REST API holds 2 + 3 per
 *   pipeline resources, so the default admits 99 pipelines. AWS raises it per API, so the API must exist
 *   first: deploy, request the increase for it in Service Quotas, then set this to the granted value.
 * - `onDemandStreamsQuota` (default 50, Kinesis's on-demand data streams per account and region): with
 *   `streamMode: ON_DEMAND` each pipeline is one. The quota is the account's, shared with every other
 *   stack and stream there: set the raised value minus the on-demand streams others use.
 * - `alarmThresholds` (optional object): overrides of the per-pipeline alarm thresholds, field by field;
 *   unknown fields and out-of-range values are errors. Defaults (DEFAULT_THRESHOLDS, reasoning in
 *   shared/pipeline-alarms.ts): kinesisWriteThrottledRecords 0 (any lasting throttling),
 *   iteratorAgeMilliseconds 300000 (Firehose 5 min behind), firehoseDeliverySuccessRatio 1 (any failed S3
 *   put), firehoseDataFreshnessSeconds 900 (must exceed firehoseBufferSeconds), api5xxErrorRate 0.01 (1%
 *   of requests), apiLatencyP99Milliseconds 1000.
 */
export function loadEngineeringConfig(): EngineeringConfig {
    const reader = new ConfigReader(ENGINEERING_NAMESPACE, "engineering/config.ts");

    const stack = reader.stackName();

    const region = reader.region();
    const partition = partitionOfRegion(region);
    const accountId = reader.accountId("accountId");
    if (accountId !== "") reader.pinnedAccount("accountId", accountId);
    const dataPlatformAccountId = reader.accountId("dataPlatformAccountId");
    reader.check(
        accountId === "" || dataPlatformAccountId === "" || accountId !== dataPlatformAccountId,
        "dataPlatformAccountId",
        "must differ from accountId (the two stacks live in two accounts)",
        dataPlatformAccountId,
    );
    reader.stackTagged(STACK_TAG_KEY, stack);

    const dataPlatformStack = reader.requireString("dataPlatformStack", STACK_REFERENCE);
    if (STACK_REFERENCE.pattern.test(dataPlatformStack)) {
        const project = dataPlatformStack.split("/")[1];
        reader.check(
            project === DATA_PLATFORM_PROJECT,
            "dataPlatformStack",
            `must name a stack of the ${DATA_PLATFORM_PROJECT} project`,
            dataPlatformStack,
        );
    }

    const mode = reader.oneOf<StreamMode>("streamMode", ["ON_DEMAND", "PROVISIONED"], "ON_DEMAND");
    const shardCount = reader.integer("shardCount", { min: 1, max: 500 }, 0);
    const shardCountSet = (new pulumi.Config(ENGINEERING_NAMESPACE).get("shardCount") ?? "") !== "";
    if (mode === "ON_DEMAND") {
        reader.check(
            !shardCountSet,
            "shardCount",
            "is only valid with streamMode PROVISIONED (ON_DEMAND streams have no fixed shard count)",
            shardCountSet ? String(shardCount) : undefined,
        );
    } else {
        reader.check(shardCountSet, "shardCount", "is required with streamMode PROVISIONED (an integer from 1 to 500)");
    }
    const retentionHours = reader.integer("streamRetentionHours", { min: 24, max: 8760 }, 24);

    const bufferSeconds = reader.integer("firehoseBufferSeconds", { min: 0, max: 900 }, 60);
    const bufferMiB = reader.integer("firehoseBufferMiB", { min: 1, max: 128 }, 64);
    const compression = reader.oneOf<FirehoseCompression>("firehoseCompression", FIREHOSE_COMPRESSIONS, "GZIP");
    const rawBackup = reader.boolean("rawBackup", false);

    const stageName = reader.optionalString("apiStageName", STAGE_NAME) ?? "v1";
    const rateLimit = reader.integer("apiRateLimit", { min: 1, max: 10000 }, 100);
    const burstLimit = reader.integer("apiBurstLimit", { min: 1, max: 5000 }, 200);
    const quotaLimit = reader.integer("apiQuotaLimit", { min: 1, max: 1_000_000_000 }, 5_000_000);
    const quotaPeriod = reader.oneOf<ApiQuotaPeriod>("apiQuotaPeriod", API_QUOTA_PERIODS, "DAY");
    const tracing = reader.boolean("apiTracing", false);

    const logRetentionDays = reader.integer("logRetentionDays", { min: 1, max: 3653 }, 30);
    reader.check(
        (LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays),
        "logRetentionDays",
        `must be one of the values CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")}`,
        String(logRetentionDays),
    );

    const domainName = reader.optionalString("customDomainName", DOMAIN_NAME);
    const hostedZoneId = reader.optionalString("hostedZoneId", HOSTED_ZONE_ID);
    reader.check(
        domainName === undefined || hostedZoneId !== undefined,
        "hostedZoneId",
        "is required when customDomainName is set (the certificate is validated through that Route 53 zone)",
    );
    reader.check(
        hostedZoneId === undefined || domainName !== undefined,
        "customDomainName",
        "is required when hostedZoneId is set (set both or neither)",
    );

    // Quotas AWS would refuse at create time, half-way through a deploy: checked against the declarations here.
    const apiResourcesQuota = reader.integer("apiResourcesQuota", { min: 300, max: 100_000 }, 300);
    const onDemandStreamsQuota = reader.integer("onDemandStreamsQuota", { min: 50, max: 100_000 }, 50);
    const apiResources = restApiResourceCount(pipelines.length);
    reader.check(
        apiResources <= apiResourcesQuota,
        "apiResourcesQuota",
        `${pipelines.length} pipelines need ${apiResources} API Gateway resources in one REST API, over the quota of ${apiResourcesQuota} ` +
            '(API Gateway "Resources per API", default 300): request an increase for this stack\'s API in Service Quotas, then set apiResourcesQuota to the granted value',
        apiResourcesQuota,
    );
    reader.check(
        mode !== "ON_DEMAND" || pipelines.length <= onDemandStreamsQuota,
        "onDemandStreamsQuota",
        `${pipelines.length} pipelines need ${pipelines.length} on-demand Kinesis streams, over the quota of ${onDemandStreamsQuota} ` +
            '(Kinesis "on-demand data streams per account", default 50, raised by a support case): set onDemandStreamsQuota to what the account may still create, or use streamMode PROVISIONED',
        onDemandStreamsQuota,
    );

    const alarmTopic = readAlarmTopic(reader, { partition, region, accountId });
    const thresholds = readAlarmThresholds(reader);
    // Firehose holds a record up to the buffering interval on purpose: a freshness threshold at or below
    // it would fire on healthy traffic.
    reader.check(
        thresholds.firehoseDataFreshnessSeconds > bufferSeconds,
        "alarmThresholds.firehoseDataFreshnessSeconds",
        `must exceed firehoseBufferSeconds (${bufferSeconds} s), or every healthy buffer would fire the alarm`,
        thresholds.firehoseDataFreshnessSeconds,
    );

    reader.done();

    return {
        stack,
        accountId,
        region,
        partition,
        dataPlatformAccountId,
        dataPlatformStack,
        deployerRoleArn: roleArn(partition, accountId, DEPLOYER_ROLE_NAME),
        readOnlyRoleArns: [PREVIEWER_ROLE_NAME, DRIFT_READER_ROLE_NAME].map((role) =>
            roleArn(partition, accountId, role),
        ),
        workloadBoundaryArn: workloadBoundaryArn(partition, accountId),
        stream: { mode, ...(mode === "PROVISIONED" ? { shardCount } : {}), retentionHours },
        firehose: { bufferSeconds, bufferMiB, compression, rawBackup },
        api: {
            stageName,
            rateLimit,
            burstLimit,
            quotaLimit,
            quotaPeriod,
            tracing,
            ...(domainName !== undefined && hostedZoneId !== undefined
                ? { customDomain: { domainName, hostedZoneId } }
                : {}),
        },
        logRetentionDays,
        quotas: { apiResources: apiResourcesQuota, onDemandStreams: onDemandStreamsQuota },
        alarms: { ...alarmTopic, thresholds },
    };
}
