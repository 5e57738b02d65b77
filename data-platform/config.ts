import { AlarmTopicConfig, readAlarmTopic } from "../shared/alarm-config";
import { ConfigReader, LOG_RETENTION_DAYS } from "../shared/config";
import {
    DEPLOYER_ROLE_NAME,
    DRIFT_READER_ROLE_NAME,
    partitionOfRegion,
    PREVIEWER_ROLE_NAME,
    roleArn,
    STACK_TAG_KEY,
    workloadBoundaryArn,
} from "../shared/naming";
import { PipelineDefinition } from "../shared/pipeline-codegen/definition";
import { validatePipelines } from "../shared/pipeline-codegen/validate";
import { DEFAULT_USAGE_LIMIT_RPU_HOURS, isRedshiftBaseCapacity, RedshiftUsageLimit } from "../shared/redshift-sandbox";
import { pipelines as declaredPipelines } from "../shared/pipelines";

/** The config namespace of this project (`tracking-data-platform:<key>` in Pulumi.<stack>.yaml). */
export const DATA_PLATFORM_NAMESPACE = "tracking-data-platform";

/** How the Glue load job of each pipeline is started; see `JobTrigger`. */
export const JOB_TRIGGERS = ["new-data", "schedule", "crawler"] as const;
/**
 * What starts each pipeline's Glue load job. The job lists its own S3 prefix and reads only objects its
 * bookmark has not seen, so it does not depend on the crawler: the S3 crawler keeps the catalog of the
 * landed data (partitions, schema changes) for users and Athena.
 *
 * - `new-data` (default): a pre-check (a Glue Python shell job of 1/16 DPU, data-platform/glue/load_precheck.py)
 *   runs on `jobSchedule` (every 5 minutes) and starts the job only when objects were written to the
 *   pipeline's prefix since its last successful run; it also registers their hour folders as partitions of
 *   the landing table, so the S3 crawler is only a safety crawl. Latency as `schedule` (the Spark run still
 *   lists after it starts); cost: a pre-check run (about $0.0005) every 5 minutes, and a job run (2 G.1X
 *   workers, 1-minute minimum) and a Redshift wake-up only when something landed.
 * - `schedule`: the job runs on `jobSchedule` whatever landed. Latency: Firehose's buffer plus up to 5
 *   minutes plus the run. Cost: a job run (2 G.1X workers, 1-minute minimum billing) every 5 minutes even
 *   when nothing arrived.
 * - `crawler`: the job runs when the S3 crawler SUCCEEDED (a conditional trigger), for users who want the
 *   catalog refreshed before each load; data then loads once per crawl (hourly by default), and shortening
 *   the crawl interval costs a crawl (10-minute minimum billing) each time.
 */
export type JobTrigger = (typeof JOB_TRIGGERS)[number];

/** Which Redshift the DDL and the Glue connection target; see `RedshiftTarget`. */
export const REDSHIFT_MODES = ["serverless", "cluster", "sandbox"] as const;
export type RedshiftMode = (typeof REDSHIFT_MODES)[number];

/** An existing Redshift Serverless workgroup or provisioned cluster, reached with an existing secret. */
export interface ExistingRedshift {
    readonly mode: "serverless" | "cluster";
    /** `redshiftWorkgroupName` (serverless) or `redshiftClusterIdentifier` (cluster). */
    readonly workgroupName?: string;
    readonly clusterIdentifier?: string;
    /** Endpoint host name (JDBC URL of the Glue connection). */
    readonly host: string;
    readonly port: number;
    readonly database: string;
    /** The admin's Secrets Manager secret (`username`, `password`): the deploy's Data API calls use it. */
    readonly secretArn: string;
    /** The KMS key that secret is encrypted with, when not the AWS managed `aws/secretsmanager`. */
    readonly secretKmsKeyArn?: string;
    /**
     * Whether an administrator has attached the stack's Redshift streaming role (`redshiftStreamingRoleArn`
     * output) to this Redshift: only then are stream views created in it (README, "Streaming tier").
     */
    readonly streamingRoleAttached: boolean;
}

/** A Redshift Serverless namespace + workgroup this stack creates for users without Redshift. */
export interface SandboxRedshift {
    readonly mode: "sandbox";
    readonly database: string;
    readonly port: number;
    readonly adminUsername: string;
    /** Redshift Processing Units: 4, or 8-512 in steps of 8. */
    readonly baseCapacity: number;
    /** With a configured VPC: the workgroup's subnets (Redshift Serverless needs 3 in 3 AZs). */
    readonly subnetIds?: readonly string[];
    /** The workgroup's compute usage limit; undefined: none. */
    readonly usageLimit?: RedshiftUsageLimit;
}

export type RedshiftTarget = ExistingRedshift | SandboxRedshift;

/** The Redshift VPC, when config names one; otherwise this stack creates a VPC (see `GlueNetwork`). */
export interface ConfiguredNetwork {
    readonly vpcId: string;
    /** The subnet the Glue connection (its ENIs) lives in: must reach Redshift. */
    readonly subnetId: string;
    readonly availabilityZone: string;
    /** Route tables that get the S3 gateway endpoint (the Glue subnet's must be among them). */
    readonly routeTableIds: readonly string[];
    /** Redshift's security group, opened to the Glue security group on the Redshift port; optional. */
    readonly redshiftSecurityGroupId?: string;
}

export interface LifecycleDays {
    /** Landed data (the replay source for the Redshift tables). */
    readonly landing: number;
    /** The raw source-record backup. */
    readonly raw: number;
    /** Overwritten or deleted versions in every bucket. */
    readonly noncurrentVersions: number;
    /** The Glue jobs' TempDir (Redshift COPY staging). */
    readonly glueTemp: number;
}

export interface DataPlatformConfig {
    /** Short stack name used in every resource name (`tracking-<stack>-...`). */
    readonly stack: string;
    readonly accountId: string;
    readonly region: string;
    readonly partition: string;
    readonly engineeringAccountId: string;
    /** `organization/tracking-engineering/<stack>`: set for the second deploy, once engineering exists. */
    readonly engineeringStack?: string;
    /** The bootstrap's deployer role in this account (key administrator, DDL runner). */
    readonly deployerRoleArn: string;
    /** The pull-request previewer and the drift reader: read-only roles that refresh (`pulumi preview`). */
    readonly readOnlyRoleArns: readonly string[];
    /** The bootstrap's permissions boundary, which every role this stack creates must carry. */
    readonly workloadBoundaryArn: string;
    readonly protectStatefulResources: boolean;
    readonly lifecycleDays: LifecycleDays;
    readonly s3CrawlerSchedule: string;
    readonly jdbcCrawlerSchedule: string;
    readonly jobTrigger: JobTrigger;
    readonly jobSchedule: string;
    readonly jobWorkers: number;
    readonly jobTimeoutMinutes: number;
    readonly jobMaxRetries: number;
    /** Retention of the load jobs' log groups, in days (a value CloudWatch Logs accepts). */
    readonly logRetentionDays: number;
    readonly redshift: RedshiftTarget;
    readonly network?: ConfiguredNetwork;
    /** Where failed load runs are notified (see `alarmTopicArn`, `alarmEmail` below). */
    readonly alarms: AlarmTopicConfig;
    readonly pipelines: readonly PipelineDefinition[];
}

/** `cron(<6 fields>)`, the schedule syntax of Glue crawlers and triggers (UTC). */
export const GLUE_CRON_RULE = {
    pattern: /^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$/,
    description: "a Glue cron expression with six fields, e.g. cron(0/5 * * * ? *)",
};
const STACK_REFERENCE_RULE = {
    pattern: /^([A-Za-z0-9][A-Za-z0-9_.-]*\/)?[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/,
    description: "a stack reference such as organization/tracking-engineering/dev",
};
const DATABASE_RULE = {
    pattern: /^[a-z_][a-z0-9_]{0,62}$/,
    description: "a lowercase Redshift database name (letters, digits, _; at most 63)",
};
const USERNAME_RULE = { pattern: /^[a-z_][a-z0-9_]{0,126}$/, description: "a lowercase Redshift user name" };
const HOST_RULE = {
    pattern: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/,
    description: "a DNS host name such as wg.123456789012.eu-central-1.redshift-serverless.amazonaws.com",
};
const WORKGROUP_RULE = {
    pattern: /^[a-z0-9-]{3,64}$/,
    description: "a Redshift Serverless workgroup name (3-64 lowercase letters, digits, -)",
};
const CLUSTER_RULE = {
    pattern: /^[a-z][a-z0-9-]{0,62}$/,
    description: "a Redshift cluster identifier (lowercase, starting with a letter)",
};
const VPC_RULE = { pattern: /^vpc-[0-9a-f]{8,17}$/, description: "a VPC id (vpc-...)" };
const SUBNET_PATTERN = /^subnet-[0-9a-f]{8,17}$/;
const SUBNET_RULE = { pattern: SUBNET_PATTERN, description: "a subnet id (subnet-...)" };
const SECURITY_GROUP_RULE = { pattern: /^sg-[0-9a-f]{8,17}$/, description: "a security group id (sg-...)" };
const ROUTE_TABLE_PATTERN = /^rtb-[0-9a-f]{8,17}$/;

/** Keys that only make sense for one Redshift mode. */
const MODE_KEYS: Record<RedshiftMode, readonly string[]> = {
    serverless: [
        "redshiftWorkgroupName",
        "redshiftHost",
        "redshiftSecretArn",
        "redshiftSecretKmsKeyArn",
        "redshiftStreamingRoleAttached",
    ],
    cluster: [
        "redshiftClusterIdentifier",
        "redshiftHost",
        "redshiftSecretArn",
        "redshiftSecretKmsKeyArn",
        "redshiftStreamingRoleAttached",
    ],
    sandbox: [
        "redshiftAdminUsername",
        "redshiftBaseCapacity",
        "redshiftSubnetIds",
        "redshiftUsageLimitRpuHours",
        "redshiftUsageLimitPeriod",
        "redshiftUsageLimitBreachAction",
    ],
};
const NETWORK_KEYS = ["vpcId", "subnetId", "availabilityZone", "routeTableIds"] as const;

/**
 * Reads and checks this project's stack configuration. Every problem is collected and thrown together as
 * one `ConfigError` naming each key and its rule, before any resource is declared. Keys (all under
 * `tracking-data-platform:` unless written with another namespace):
 */
export function loadDataPlatformConfig(): DataPlatformConfig {
    const reader = new ConfigReader(DATA_PLATFORM_NAMESPACE, "data-platform/config.ts");

    const stack = reader.stackName();

    /** `accountId` (required): this data-platform account; `aws:allowedAccountIds` must be exactly [it]. */
    const accountId = reader.accountId("accountId");
    if (accountId !== "") reader.pinnedAccount("accountId", accountId);
    /** `aws:region` (required). */
    const region = reader.region();
    /** `engineeringAccountId` (required): the account whose Firehose roles write the landing data. */
    const engineeringAccountId = reader.accountId("engineeringAccountId");
    reader.check(
        accountId === "" || engineeringAccountId === "" || accountId !== engineeringAccountId,
        "engineeringAccountId",
        "must differ from accountId (the two stacks live in two accounts)",
        engineeringAccountId,
    );
    /**
     * `engineeringStack` (optional, unset on the first deploy): the engineering stack, once it exists.
     * With it, engineering's `firehoseRoleArns` export is checked against the roles the grants admit.
     */
    const engineeringStack = reader.optionalString("engineeringStack", STACK_REFERENCE_RULE);

    /**
     * `aws:defaultTags` (required): `{ tags: { "tracking:stack": <stack name> } }`. The provider puts it on
     * every resource, and the bootstrap's deployer may create and change only resources carrying it.
     */
    reader.stackTagged(STACK_TAG_KEY, stack);

    /** `protectStatefulResources` (default true): buckets, key, catalog and Redshift objects survive `pulumi destroy`. */
    const protectStatefulResources = reader.boolean("protectStatefulResources", true);

    /** `landingExpirationDays` (default 730): landed objects are deleted after this many days. */
    const landing = reader.integer("landingExpirationDays", { min: 1, max: 36500 }, 730);
    /** `rawExpirationDays` (default 365): raw backup objects are deleted after this many days. */
    const raw = reader.integer("rawExpirationDays", { min: 1, max: 36500 }, 365);
    /** `noncurrentVersionExpirationDays` (default 30): old object versions are kept this long. */
    const noncurrentVersions = reader.integer("noncurrentVersionExpirationDays", { min: 1, max: 3650 }, 30);
    /** `glueTempExpirationDays` (default 7): Glue TempDir objects are deleted after this many days. */
    const glueTemp = reader.integer("glueTempExpirationDays", { min: 1, max: 365 }, 7);

    /** `jobTrigger` (default `new-data`): `new-data`, `schedule` or `crawler`; see `JobTrigger` for the trade-off. */
    const jobTrigger = reader.oneOf("jobTrigger", JOB_TRIGGERS, "new-data");
    /**
     * `s3CrawlerSchedule`: the incremental S3 crawl. Default with `jobTrigger: new-data`, whose pre-check
     * registers each new hour partition, a weekly safety crawl (`cron(15 4 ? * SUN *)`); otherwise hourly at
     * :15 (`cron(15 * * * ? *)`). Each crawl is billed at least 10 minutes of 2 DPUs.
     */
    const s3CrawlerSchedule =
        reader.optionalString("s3CrawlerSchedule", GLUE_CRON_RULE) ??
        (jobTrigger === "new-data" ? "cron(15 4 ? * SUN *)" : "cron(15 * * * ? *)");
    /**
     * `jdbcCrawlerSchedule` (default `cron(0 3 ? * SUN *)`, weekly): the Redshift-table crawl (catalog for
     * users). The tables change only when a deploy migrates them; run the crawler after such a deploy
     * (`aws glue start-crawler --name tracking-<stack>-<pipeline>-redshift`) to see the change at once.
     */
    const jdbcCrawlerSchedule = reader.optionalString("jdbcCrawlerSchedule", GLUE_CRON_RULE) ?? "cron(0 3 ? * SUN *)";
    /** `jobSchedule` (default `cron(0/5 * * * ? *)`): when `jobTrigger` is `new-data` (the checks) or `schedule` (the runs). */
    const configuredJobSchedule = reader.optionalString("jobSchedule", GLUE_CRON_RULE);
    reader.check(
        !(jobTrigger === "crawler" && configuredJobSchedule !== undefined),
        "jobSchedule",
        "only applies when jobTrigger is new-data or schedule (with crawler the job runs after each S3 crawl)",
        configuredJobSchedule,
    );
    const jobSchedule = configuredJobSchedule ?? "cron(0/5 * * * ? *)";
    /** `jobWorkers` (default 2, G.1X workers, 2-100). */
    const jobWorkers = reader.integer("jobWorkers", { min: 2, max: 100 }, 2);
    /** `jobTimeoutMinutes` (default 30, 1-2880): a stuck run is stopped after this. */
    const jobTimeoutMinutes = reader.integer("jobTimeoutMinutes", { min: 1, max: 2880 }, 30);
    /**
     * `jobMaxRetries` (0-10; default 0 with `jobTrigger: new-data`, else 1): a failed run is retried this often
     * (the merge makes retries safe). With new-data the next check starts a failed load again, and a job
     * without retries can queue when the account's concurrent-run quota is reached instead of failing.
     */
    const jobMaxRetries = reader.integer("jobMaxRetries", { min: 0, max: 10 }, jobTrigger === "new-data" ? 0 : 1);
    /** `logRetentionDays` (default 30): the load jobs' and crawlers' own log groups; one of LOG_RETENTION_DAYS. */
    const logRetentionDays = reader.integer("logRetentionDays", { min: 1, max: 3653 }, 30);
    reader.check(
        (LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays),
        "logRetentionDays",
        `must be one of the values CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")}`,
        String(logRetentionDays),
    );

    /**
     * `alarmTopicArn` (optional; default: this stack creates the SNS topic `tracking-<stack>-alarms`): an
     * existing standard topic of this account and region to notify instead. This stack then leaves its
     * policy alone, and its owner must let `events.amazonaws.com` publish with aws:SourceArn = the rule
     * `arn:<partition>:events:<region>:<account>:rule/tracking-<stack>-glue-job-failed`.
     * `alarmEmail` (optional, default none): an email address subscribed to the created topic (it must
     * confirm); an error together with `alarmTopicArn`.
     * There are no thresholds on this side: a failed, timed-out or errored load run notifies, every time;
     * `alarmThresholds` set here is an error rather than silently ignored.
     */
    const alarms = readAlarmTopic(reader, { partition: partitionOfRegion(region), region, accountId });
    const misplacedThresholds = reader.optionalString("alarmThresholds");
    reader.check(
        misplacedThresholds === undefined,
        "alarmThresholds",
        "does not apply to this stack (its only notification is a failed load run, which has no threshold); the pipeline alarm thresholds are tracking-engineering:alarmThresholds",
        misplacedThresholds,
    );

    const redshift = readRedshift(reader, region, accountId);
    const network = readNetwork(reader, region);
    if (redshift?.mode === "sandbox" && network !== undefined) {
        reader.check(
            redshift.subnetIds !== undefined,
            "redshiftSubnetIds",
            "is required when redshiftMode is sandbox and vpcId is set (Redshift Serverless needs 3 subnets in 3 Availability Zones)",
        );
    }
    if (redshift?.mode === "sandbox" && network === undefined) {
        reader.check(
            redshift.subnetIds === undefined,
            "redshiftSubnetIds",
            "only applies with a configured vpcId (without one the sandbox uses the VPC this stack creates)",
        );
    }

    reader.done();

    // Pipeline declarations are code, not config, but they are checked just as early: before any resource.
    validatePipelines(declaredPipelines);

    const partition = partitionOfRegion(region);
    return {
        stack,
        accountId,
        region,
        partition,
        engineeringAccountId,
        engineeringStack,
        deployerRoleArn: roleArn(partition, accountId, DEPLOYER_ROLE_NAME),
        readOnlyRoleArns: [PREVIEWER_ROLE_NAME, DRIFT_READER_ROLE_NAME].map((role) =>
            roleArn(partition, accountId, role),
        ),
        workloadBoundaryArn: workloadBoundaryArn(partition, accountId),
        protectStatefulResources,
        lifecycleDays: { landing, raw, noncurrentVersions, glueTemp },
        s3CrawlerSchedule,
        jdbcCrawlerSchedule,
        jobTrigger,
        jobSchedule,
        jobWorkers,
        jobTimeoutMinutes,
        jobMaxRetries,
        logRetentionDays,
        redshift: redshift as RedshiftTarget,
        network,
        alarms,
        pipelines: declaredPipelines,
    };
}

function readRedshift(reader: ConfigReader, region: string, accountId: string): RedshiftTarget | undefined {
    /**
     * `redshiftMode` (required): `serverless` (an existing workgroup: `redshiftWorkgroupName`, `redshiftHost`,
     * `redshiftSecretArn`), `cluster` (an existing cluster: `redshiftClusterIdentifier`, `redshiftHost`,
     * `redshiftSecretArn`) or `sandbox` (this stack creates a Redshift Serverless namespace and workgroup).
     */
    const modeValue = reader.requireString("redshiftMode", {
        pattern: /^(serverless|cluster|sandbox)$/,
        description: `one of ${REDSHIFT_MODES.join(", ")}`,
    });
    const mode = (REDSHIFT_MODES as readonly string[]).includes(modeValue) ? (modeValue as RedshiftMode) : undefined;

    /** `redshiftDatabase` (default `dev`): the database holding the pipeline tables. */
    const database = reader.optionalString("redshiftDatabase", DATABASE_RULE) ?? "dev";
    /** `redshiftPort` (default 5439). */
    const port = reader.integer("redshiftPort", { min: 1150, max: 65535 }, 5439);

    // A key of another mode is a mistake worth reporting (a typo in redshiftMode, or a half-edited file).
    if (mode !== undefined) {
        const foreignKeys = new Set(
            Object.values(MODE_KEYS)
                .flat()
                .filter((key) => !MODE_KEYS[mode].includes(key)),
        );
        for (const key of foreignKeys) {
            const value = reader.optionalString(key);
            const modes = REDSHIFT_MODES.filter((m) => MODE_KEYS[m].includes(key)).join(" or ");
            reader.check(
                value === undefined,
                key,
                `only applies when redshiftMode is ${modes} (redshiftMode is ${mode})`,
                value,
            );
        }
    }
    if (mode === undefined) {
        // redshiftMode itself is wrong: its keys are not read, and not unknown either.
        reader.acknowledge(Object.values(MODE_KEYS).flat());
        return undefined;
    }

    const requiredFor = (key: string, rule: { pattern: RegExp; description: string }): string => {
        const value = reader.optionalString(key, rule);
        reader.check(value !== undefined, key, `is required when redshiftMode is ${mode} (${rule.description})`);
        return value ?? "";
    };

    if (mode === "sandbox") {
        /** `redshiftAdminUsername` (sandbox, default `tracking_admin`): the namespace's admin user. */
        const adminUsername = reader.optionalString("redshiftAdminUsername", USERNAME_RULE) ?? "tracking_admin";
        reader.check(
            adminUsername !== "admin" && adminUsername !== "rdsadmin",
            "redshiftAdminUsername",
            "must not be a name Redshift reserves (admin, rdsadmin)",
            adminUsername,
        );
        /**
         * `redshiftBaseCapacity` (sandbox, default 4): RPUs, 4 or 8-512 in steps of 8 ("Compute capacity for
         * Amazon Redshift Serverless": 4 RPU serves warehouses under 32 TB). The loads are billed per RPU for
         * each active minute, so the smallest base halves every load's Redshift charge against 8.
         */
        const baseCapacity = reader.integer("redshiftBaseCapacity", { min: 4, max: 512 }, 4);
        reader.check(
            isRedshiftBaseCapacity(baseCapacity),
            "redshiftBaseCapacity",
            "must be 4, or a multiple of 8 from 8 to 512",
            baseCapacity,
        );
        /** `redshiftSubnetIds` (sandbox with `vpcId`): 3 subnets in 3 AZs for the workgroup. */
        const subnetIds = reader.object<unknown>("redshiftSubnetIds");
        let checkedSubnets: string[] | undefined;
        if (subnetIds !== undefined) {
            const ok =
                Array.isArray(subnetIds) &&
                subnetIds.length >= 3 &&
                subnetIds.every((s) => typeof s === "string" && SUBNET_PATTERN.test(s));
            reader.check(
                ok,
                "redshiftSubnetIds",
                "must be a list of at least 3 subnet ids (subnet-...) in 3 Availability Zones",
                subnetIds,
            );
            checkedSubnets = ok ? (subnetIds as string[]) : [];
        }
        /**
         * `redshiftUsageLimitRpuHours` (sandbox, default 720; 0: no limit), `redshiftUsageLimitPeriod`
         * (`monthly` default, `weekly`, `daily`) and `redshiftUsageLimitBreachAction` (`emit-metric` default,
         * or `log`): a usage limit on the workgroup's compute ("Setting usage limits, including setting RPU
         * limits"). `deactivate` (turn off user queries) is refused: AWS reads it back as `disable`, so every
         * refreshing preview would plan a change (terraform-provider-aws #29455, closed as an AWS-side fault;
         * the provider still stores what AWS returns); and a sandbox that stops answering would stop the loads.
         */
        const rpuHours = reader.integer(
            "redshiftUsageLimitRpuHours",
            { min: 0, max: 1_000_000 },
            DEFAULT_USAGE_LIMIT_RPU_HOURS,
        );
        const period = reader.oneOf("redshiftUsageLimitPeriod", ["daily", "weekly", "monthly"] as const, "monthly");
        const rawAction = reader.optionalString("redshiftUsageLimitBreachAction");
        reader.check(
            rawAction !== "deactivate",
            "redshiftUsageLimitBreachAction",
            "must not be deactivate: AWS reads it back as disable, so every refreshing preview would plan a change (terraform-provider-aws #29455); use emit-metric and act on the alert",
            rawAction,
        );
        const breachAction =
            rawAction === "deactivate"
                ? "emit-metric"
                : reader.oneOf("redshiftUsageLimitBreachAction", ["log", "emit-metric"] as const, "emit-metric");
        if (rpuHours === 0) {
            reader.check(
                rawAction === undefined && reader.optionalString("redshiftUsageLimitPeriod") === undefined,
                "redshiftUsageLimitRpuHours",
                "is 0 (no usage limit): leave redshiftUsageLimitPeriod and redshiftUsageLimitBreachAction unset",
                rpuHours,
            );
        }
        const usageLimit = rpuHours > 0 ? { rpuHours, period, breachAction } : undefined;
        return {
            mode,
            database,
            port,
            adminUsername,
            baseCapacity,
            subnetIds: checkedSubnets,
            ...(usageLimit ? { usageLimit } : {}),
        };
    }

    const host = requiredFor("redshiftHost", HOST_RULE);
    /**
     * `redshiftSecretArn` (serverless, cluster): the full ARN (with the 6 characters Secrets Manager appends)
     * of a secret in this account and region holding the admin's `username` and `password`: one you keep,
     * or the one Redshift keeps for a cluster or namespace with a managed admin password (named
     * `redshift!<cluster or namespace>-<admin user>`). Only the deploy's Data API calls use it.
     */
    const secretRule = {
        pattern: new RegExp(
            `^arn:aws(-cn|-us-gov)?:secretsmanager:${region}:${accountId}:secret:[A-Za-z0-9/_+=.@!-]+-[A-Za-z0-9]{6}$`,
        ),
        description: `the full ARN (ending in -<6 characters>) of a Secrets Manager secret in this account (${accountId || "accountId"}) and region (${region || "aws:region"})`,
    };
    const secretArn = requiredFor("redshiftSecretArn", secretRule);
    /**
     * `redshiftSecretKmsKeyArn` (serverless, cluster; optional): the KMS key that secret is encrypted with,
     * when it is not the AWS managed key `aws/secretsmanager`. The deployer decrypts with it through
     * Secrets Manager only; the bootstrap's `redshiftSecretKmsKeyArns` must name it.
     */
    const secretKmsKeyArn = reader.optionalString("redshiftSecretKmsKeyArn", {
        pattern: new RegExp(`^arn:aws(-cn|-us-gov)?:kms:${region}:\\d{12}:key/(mrk-)?[0-9a-f-]{32,36}$`),
        description: `a KMS key ARN in ${region || "aws:region"} (arn:aws:kms:<region>:<account>:key/<id>), not an alias`,
    });
    /**
     * `redshiftStreamingRoleAttached` (serverless, cluster; default false): set true once an administrator
     * has attached the `redshiftStreamingRoleArn` output to the workgroup's namespace or the cluster. The
     * stack does not attach it itself: `aws.redshift.ClusterIamRoles` (and a namespace's `iamRoles`) hold
     * the whole list, and would detach the roles the Redshift already has. Until then no stream view is made.
     */
    const streamingRoleAttached = reader.boolean("redshiftStreamingRoleAttached", false);
    const secret = { secretArn, ...(secretKmsKeyArn !== undefined ? { secretKmsKeyArn } : {}), streamingRoleAttached };
    if (mode === "serverless") {
        /** `redshiftWorkgroupName` (serverless): the existing workgroup the DDL runs against. */
        return {
            mode,
            workgroupName: requiredFor("redshiftWorkgroupName", WORKGROUP_RULE),
            host,
            port,
            database,
            ...secret,
        };
    }
    /** `redshiftClusterIdentifier` (cluster): the existing cluster the DDL runs against. */
    return {
        mode,
        clusterIdentifier: requiredFor("redshiftClusterIdentifier", CLUSTER_RULE),
        host,
        port,
        database,
        ...secret,
    };
}

function readNetwork(reader: ConfigReader, region: string): ConfiguredNetwork | undefined {
    /**
     * `vpcId`, `subnetId`, `availabilityZone`, `routeTableIds` (all or none): the Redshift VPC, the subnet
     * for the Glue connection, its AZ, and the route tables for the S3 gateway endpoint. Without them this
     * stack creates a VPC (see shared/glue-network.ts). A configured VPC must also let the Glue subnet
     * reach CloudWatch Logs, Secrets Manager, Glue, KMS, CloudWatch and the Redshift API the load jobs
     * sign in through (`redshift` for a cluster, `redshift-serverless` for a workgroup) with interface
     * endpoints or NAT: this stack only adds the S3 gateway endpoint there.
     */
    const vpcId = reader.optionalString("vpcId", VPC_RULE);
    const subnetId = reader.optionalString("subnetId", SUBNET_RULE);
    const availabilityZone = reader.optionalString("availabilityZone", {
        pattern: new RegExp(`^${region.replace(/[-]/g, "\\-")}[a-z]$`),
        description: `an Availability Zone of ${region || "aws:region"}, e.g. ${region || "eu-central-1"}a`,
    });
    const routeTables = reader.object<unknown>("routeTableIds");
    /** `redshiftSecurityGroupId` (optional, with `vpcId`): Redshift's security group, opened to Glue. */
    const redshiftSecurityGroupId = reader.optionalString("redshiftSecurityGroupId", SECURITY_GROUP_RULE);

    const given = { vpcId, subnetId, availabilityZone, routeTableIds: routeTables };
    const present = NETWORK_KEYS.filter((key) => given[key] !== undefined);
    if (present.length > 0 && present.length < NETWORK_KEYS.length) {
        for (const key of NETWORK_KEYS.filter((k) => given[k] === undefined)) {
            reader.check(
                false,
                key,
                `is required when ${present.join(", ")} ${present.length === 1 ? "is" : "are"} set (the network keys ${NETWORK_KEYS.join(", ")} go together: all or none)`,
            );
        }
    }
    if (present.length === 0) {
        reader.check(
            redshiftSecurityGroupId === undefined,
            "redshiftSecurityGroupId",
            "only applies with a configured vpcId",
            redshiftSecurityGroupId,
        );
        return undefined;
    }
    const routeTablesOk =
        Array.isArray(routeTables) &&
        routeTables.length > 0 &&
        routeTables.every((r) => typeof r === "string" && ROUTE_TABLE_PATTERN.test(r));
    if (routeTables !== undefined) {
        reader.check(
            routeTablesOk,
            "routeTableIds",
            "must be a non-empty list of route table ids (rtb-...)",
            routeTables,
        );
    }
    return {
        vpcId: vpcId ?? "",
        subnetId: subnetId ?? "",
        availabilityZone: availabilityZone ?? "",
        routeTableIds: routeTablesOk ? (routeTables as string[]) : [],
        redshiftSecurityGroupId,
    };
}
