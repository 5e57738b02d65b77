/**
 * The planned configuration the cost model prices: read from the two pipeline stacks' files
 * (engineering/Pulumi.<stack>.yaml, data-platform/Pulumi.<stack>.yaml) where a key is set, else the
 * default the stack's config loader documents (engineering/config.ts, data-platform/config.ts).
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { DEFAULT_USAGE_LIMIT_RPU_HOURS } from "../../shared/redshift-sandbox";

export type StreamMode = "ON_DEMAND" | "PROVISIONED";
export type Compression = "GZIP" | "HADOOP_SNAPPY" | "UNCOMPRESSED";
export type JobTrigger = "new-data" | "schedule" | "crawler";
export type RedshiftMode = "serverless" | "cluster" | "sandbox";

export interface PlannedSettings {
    readonly streamMode: StreamMode;
    /** Only with PROVISIONED; undefined means "sized to the load" by the model. */
    readonly shardCount?: number;
    readonly streamRetentionHours: number;
    readonly firehoseBufferSeconds: number;
    readonly firehoseBufferMiB: number;
    readonly firehoseCompression: Compression;
    readonly rawBackup: boolean;
    readonly apiTracing: boolean;
    readonly logRetentionDays: number;
    readonly jobTrigger: JobTrigger;
    /** Glue cron expression of the load job (used when jobTrigger is schedule). */
    readonly jobSchedule: string;
    readonly s3CrawlerSchedule: string;
    readonly jdbcCrawlerSchedule: string;
    /** G.1X workers (1 DPU each). */
    readonly jobWorkers: number;
    readonly landingExpirationDays: number;
    readonly redshiftMode?: RedshiftMode;
    /** Redshift Serverless base capacity (RPUs), sandbox/serverless modes. */
    readonly redshiftBaseCapacity: number;
    /** The sandbox workgroup's compute usage limit, RPU-hours per period; 0: none (other modes: theirs, unknown). */
    readonly redshiftUsageLimitRpuHours: number;
    readonly redshiftUsageLimitPeriod: "daily" | "weekly" | "monthly";
    readonly redshiftUsageLimitBreachAction: "log" | "emit-metric";
    /**
     * Whether the landing table's hourly partitions appear only when the S3 crawler registers them (no
     * partition projection). A property of the program, not of the stack file (tests/ops/diagram.test.ts
     * checks it on the plan).
     */
    readonly partitionsRegisteredByCrawler: boolean;
    /**
     * Whether the load job finds new objects through that catalog table (`--catalog_table`) rather than by
     * listing its S3 prefix itself (`--source_path`, with a job bookmark). Only a job reading through the
     * table waits for the crawler to register a new hour. A property of the program (shared/glue-load-job.ts),
     * checked on the plan by tests/ops/diagram.test.ts.
     */
    readonly jobReadsThroughCatalog: boolean;
}

/** The defaults the config loaders document, for keys a stack file leaves out. */
export const DOCUMENTED_DEFAULTS: PlannedSettings = {
    streamMode: "ON_DEMAND",
    streamRetentionHours: 24,
    firehoseBufferSeconds: 60,
    firehoseBufferMiB: 64,
    firehoseCompression: "GZIP",
    rawBackup: false,
    apiTracing: false,
    logRetentionDays: 30,
    jobTrigger: "new-data",
    jobSchedule: "cron(0/5 * * * ? *)",
    s3CrawlerSchedule: "cron(15 4 ? * SUN *)",
    jdbcCrawlerSchedule: "cron(0 3 ? * SUN *)",
    jobWorkers: 2,
    landingExpirationDays: 730,
    redshiftBaseCapacity: 4,
    redshiftUsageLimitRpuHours: DEFAULT_USAGE_LIMIT_RPU_HOURS,
    redshiftUsageLimitPeriod: "monthly",
    redshiftUsageLimitBreachAction: "emit-metric",
    partitionsRegisteredByCrawler: true,
    jobReadsThroughCatalog: false,
};

type Config = Record<string, unknown>;

function readConfig(file: string): Config {
    if (!fs.existsSync(file))
        throw new Error(
            `no stack file ${path.relative(process.cwd(), file) || file} (\`--stack\` names a stack with Pulumi.<stack>.yaml in engineering/ and data-platform/)`,
        );
    const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Config };
    return doc.config ?? {};
}

function get(config: Config, namespace: string, key: string): unknown {
    return config[`${namespace}:${key}`] ?? config[key];
}

function num(config: Config, namespace: string, key: string, fallback: number): number {
    const raw = get(config, namespace, key);
    if (raw === undefined || raw === null || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value))
        throw new Error(`cost: ${namespace}:${key} must be a number (got ${JSON.stringify(raw)})`);
    return value;
}

function str<T extends string>(config: Config, namespace: string, key: string, fallback: T, allowed?: readonly T[]): T {
    const raw = get(config, namespace, key);
    if (raw === undefined || raw === null || raw === "") return fallback;
    const value = String(raw) as T;
    if (allowed && !allowed.includes(value))
        throw new Error(`cost: ${namespace}:${key} must be one of ${allowed.join(", ")} (got ${JSON.stringify(raw)})`);
    return value;
}

function bool(config: Config, namespace: string, key: string, fallback: boolean): boolean {
    const raw = get(config, namespace, key);
    if (raw === undefined || raw === null || raw === "") return fallback;
    return raw === true || raw === "true";
}

/** The planned settings of environment stack `stack` (default `dev`). */
export function readPlannedSettings(root: string, stack = "dev"): PlannedSettings {
    const eng = readConfig(path.join(root, "engineering", `Pulumi.${stack}.yaml`));
    const dp = readConfig(path.join(root, "data-platform", `Pulumi.${stack}.yaml`));
    const E = "tracking-engineering";
    const D = "tracking-data-platform";
    const d = DOCUMENTED_DEFAULTS;
    const shards = get(eng, E, "shardCount");
    const redshiftMode = get(dp, D, "redshiftMode");
    return {
        streamMode: str<StreamMode>(eng, E, "streamMode", d.streamMode, ["ON_DEMAND", "PROVISIONED"]),
        shardCount: shards === undefined || shards === "" ? undefined : num(eng, E, "shardCount", 1),
        streamRetentionHours: num(eng, E, "streamRetentionHours", d.streamRetentionHours),
        firehoseBufferSeconds: num(eng, E, "firehoseBufferSeconds", d.firehoseBufferSeconds),
        firehoseBufferMiB: num(eng, E, "firehoseBufferMiB", d.firehoseBufferMiB),
        firehoseCompression: str<Compression>(eng, E, "firehoseCompression", d.firehoseCompression, [
            "GZIP",
            "HADOOP_SNAPPY",
            "UNCOMPRESSED",
        ]),
        rawBackup: bool(eng, E, "rawBackup", d.rawBackup),
        apiTracing: bool(eng, E, "apiTracing", d.apiTracing),
        logRetentionDays: num(eng, E, "logRetentionDays", d.logRetentionDays),
        jobTrigger: str<JobTrigger>(dp, D, "jobTrigger", d.jobTrigger, ["new-data", "schedule", "crawler"]),
        jobSchedule: str(dp, D, "jobSchedule", d.jobSchedule),
        s3CrawlerSchedule: str(
            dp,
            D,
            "s3CrawlerSchedule",
            str(dp, D, "jobTrigger", d.jobTrigger) === "new-data" ? d.s3CrawlerSchedule : "cron(15 * * * ? *)",
        ),
        jdbcCrawlerSchedule: str(dp, D, "jdbcCrawlerSchedule", d.jdbcCrawlerSchedule),
        jobWorkers: num(dp, D, "jobWorkers", d.jobWorkers),
        landingExpirationDays: num(dp, D, "landingExpirationDays", d.landingExpirationDays),
        redshiftMode:
            redshiftMode === undefined
                ? undefined
                : str<RedshiftMode>(dp, D, "redshiftMode", "cluster", ["serverless", "cluster", "sandbox"]),
        redshiftBaseCapacity: num(dp, D, "redshiftBaseCapacity", d.redshiftBaseCapacity),
        // Only the sandbox's limit is the stack's: an existing workgroup's limits are its owner's.
        redshiftUsageLimitRpuHours:
            redshiftMode === "sandbox" ? num(dp, D, "redshiftUsageLimitRpuHours", d.redshiftUsageLimitRpuHours) : 0,
        redshiftUsageLimitPeriod: str(dp, D, "redshiftUsageLimitPeriod", d.redshiftUsageLimitPeriod, [
            "daily",
            "weekly",
            "monthly",
        ]),
        redshiftUsageLimitBreachAction: str(dp, D, "redshiftUsageLimitBreachAction", d.redshiftUsageLimitBreachAction, [
            "log",
            "emit-metric",
        ]),
        partitionsRegisteredByCrawler: d.partitionsRegisteredByCrawler,
        jobReadsThroughCatalog: d.jobReadsThroughCatalog,
    };
}
