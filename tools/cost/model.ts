/**
 * Monthly cost per component and end-to-end latency of the planned configuration, as pure functions of
 * a workload and the stack settings (settings.ts), priced with prices.ts. Every estimate that is not a list
 * price is a named constant below, with its reasoning; what is not modeled: docs/cost.md.
 */
import { pipelineAlarmSpecs } from "../../shared/pipeline-alarms";
import { ACCESS_LOG_FORMAT } from "../../shared/ingestion-api";
import { PRECHECK_MAX_CAPACITY } from "../../shared/glue-load-job";
import { HOURS_PER_MONTH, PRICES, Price, SECONDS_PER_MONTH, tieredCost } from "./prices";
import { gapComponents, WaitComponent, waitQuantile } from "./latency";
import {
    dailyTriggerMinutes,
    effectiveGapsSeconds,
    effectiveTriggerSeconds,
    jobWaitComponents,
    runsPerMonth,
} from "./schedule";
import { PlannedSettings, StreamMode } from "./settings";

export interface Workload {
    /** Events per second into the API, all pipelines together, spread evenly over the pipelines. */
    readonly eventsPerSecond: number;
    /** Bytes of one event's `Data` (the record Kinesis stores). */
    readonly eventBytes: number;
    /** Events per API request: 1 = PutRecord, more = PutRecords (at most 500). */
    readonly batch: number;
    readonly pipelines: number;
    /** Overrides the stack's streamMode. */
    readonly shardMode?: StreamMode;
}

const KIB = 1024;
const MIB = 1024 * KIB;
/** AWS bills "GB" of data as 2^30 bytes. */
const GB = 1024 * MIB;

// --- Estimates (not list prices): each is a judgment, kept here so it can be argued with.
/** A UUID partition key: Kinesis counts data + partition key toward a record's size. */
export const PARTITION_KEY_BYTES = 36;
/** Compressed / raw size of JSON events: gzip ~0.15 (6-7x), Hadoop-Snappy ~0.35. */
export const COMPRESSION_RATIO: Readonly<Record<PlannedSettings["firehoseCompression"], number>> = {
    GZIP: 0.15,
    HADOOP_SNAPPY: 0.35,
    UNCOMPRESSED: 1,
};
/** Firehose polls each shard once a second: the mean hop from stream to Firehose buffer. */
export const KINESIS_TO_FIREHOSE_SECONDS = 1;
/** Writing a delivered buffer to S3 (one PUT of a few MiB, cross-account, SSE-KMS). */
export const FIREHOSE_TO_S3_SECONDS = 2;
/** Glue 5.0 Spark start-up until the script runs; not billed, and it overlaps the wait for the run. */
export const JOB_STARTUP_SECONDS = 30;
/** Per run, besides reading: bookmark listing, Spark plan, Redshift COPY from the temp dir, staging merge. */
export const JOB_FIXED_SECONDS = 45;
/** Uncompressed JSON one G.1X worker (1 DPU, 4 vCPU) parses and writes per second. */
export const JOB_BYTES_PER_SECOND_PER_WORKER = 10 * MIB;
/** A crawler run; billed at least 10 minutes anyway. */
export const CRAWLER_RUN_SECONDS = 90;
/** DPUs a small crawl uses (the Glue pricing page's crawler example uses 2). */
export const CRAWLER_DPUS = 2;
/** S3 PUT/LIST-class requests of one job run (bookmark listing, Spark temp files, COPY manifest). */
export const JOB_S3_REQUESTS_PER_RUN = 20;
/** S3 LIST requests of one incremental crawler run. */
export const CRAWLER_S3_REQUESTS_PER_RUN = 50;
/** Redshift Serverless is billed 60 s minimum per active period; one load's COPY+MERGE fits in it. */
export const REDSHIFT_ACTIVE_SECONDS_PER_TRIGGER = 60;
/** A pre-check run (list the prefix, read the job's runs, start it): seconds, but billed the 1-minute minimum. */
export const PRECHECK_BILLED_SECONDS = 60;
/** S3 LIST requests of one pre-check: the hour folders since the last load fit in a page at normal traffic. */
export const PRECHECK_S3_REQUESTS_PER_RUN = 1;
/** An on-demand stream starts at 4 MiB/s of write capacity, i.e. 4 shards. */
export const ON_DEMAND_MIN_SHARDS = 4;
/** KMS calls per shard per 5 minutes: Kinesis' GenerateDataKey (producer side) + Decrypt (Firehose). */
export const KMS_CALLS_PER_SHARD_PER_5_MINUTES = 2;
/** API routes per pipeline: PUT .../record (PutRecord) and PUT .../records (PutRecords). */
export /** PipelineDashboard (engineering) and GlueJobDashboard (data-platform). */
const DASHBOARDS_PER_PIPELINE = 2;
const ROUTES_PER_PIPELINE = 2;
/** API Gateway detailed metrics per method: Count, 4XXError, 5XXError, Latency, IntegrationLatency. */
export const DETAILED_METRICS_PER_ROUTE = 5;
/** X-Ray's default sampling rule: the first request each second, then 5% of the rest. */
export const XRAY_RESERVOIR_PER_SECOND = 1;
export const XRAY_FIXED_RATE = 0.05;
/** The comparison baseline: Firehose's default 300 s buffer and a load every 5 minutes, expected to take "5-10 minutes". */
export const BASELINE_DESIGN = {
    firehoseBufferSeconds: 300,
    jobSchedule: "cron(0/5 * * * ? *)",
    expected: "5-10 minutes",
} as const;

export interface CostLine {
    readonly component: string;
    readonly monthlyUsd: number;
    /** How the figure was reached (quantities x rates). */
    readonly detail: string;
    /** At least one rate is the us-east-1 rate standing in for eu-central-1. */
    readonly standInPrice: boolean;
}

export interface LatencyEstimate {
    readonly p50Seconds: number;
    readonly p99Seconds: number;
    /** The Firehose buffer period E (interval, or fill time if shorter). */
    readonly bufferPeriodSeconds: number;
    /** The gaps between effective job runs over a day. */
    readonly jobGapsSeconds: readonly number[];
    /** Whether objects of a new hour also wait for the crawler to register the hour's partition. */
    readonly partitionGate: boolean;
    readonly fixedSeconds: number;
    readonly jobRunSeconds: number;
}

export interface Estimate {
    readonly workload: Workload;
    readonly settings: PlannedSettings;
    readonly streamMode: StreamMode;
    readonly lines: readonly CostLine[];
    readonly totalMonthlyUsd: number;
    readonly latency: LatencyEstimate;
    readonly baselineLatency: LatencyEstimate;
    /** Storage of the landing data once objects start expiring (after landingExpirationDays). */
    readonly steadyStateStorageUsd: number;
    /**
     * What one trigger that loads costs at the least, whatever it loads: every pipeline's Spark run at its
     * 1-minute minimum and Redshift's 60-second minimum at base capacity; and how many such triggers a month.
     */
    readonly loadMinimums: {
        readonly triggersPerMonth: number;
        readonly glueUsd: number;
        readonly redshiftUsd: number;
    };
}

function standIn(...prices: Price[]): boolean {
    return prices.some((p) => p.region !== "eu-central-1");
}

const count = (n: number) =>
    n >= 1e9
        ? `${(n / 1e9).toFixed(2)}B`
        : n >= 1e6
          ? `${(n / 1e6).toFixed(2)}M`
          : n >= 1e3
            ? `${(n / 1e3).toFixed(1)}k`
            : n.toFixed(n < 10 ? 2 : 0);

/** Checks a workload, with a message naming the field and the rule. */
export function checkWorkload(w: Workload): void {
    if (!(Number.isFinite(w.eventsPerSecond) && w.eventsPerSecond >= 0))
        throw new Error(`eventsPerSecond must be a number of at least 0 (got ${w.eventsPerSecond})`);
    if (!(Number.isInteger(w.eventBytes) && w.eventBytes >= 1 && w.eventBytes <= MIB))
        throw new Error(
            `eventBytes must be an integer from 1 to 1048576 (a Kinesis record is at most 1 MiB; got ${w.eventBytes})`,
        );
    if (!(Number.isInteger(w.batch) && w.batch >= 1 && w.batch <= 500))
        throw new Error(
            `batch must be an integer from 1 to 500 (PutRecords takes at most 500 records; got ${w.batch})`,
        );
    if (!(Number.isInteger(w.pipelines) && w.pipelines >= 1))
        throw new Error(`pipelines must be an integer of at least 1 (got ${w.pipelines})`);
}

/** Per-pipeline quantities shared by the cost lines and the latency. */
function perPipeline(w: Workload, s: PlannedSettings) {
    const rate = w.eventsPerSecond / w.pipelines; // events/s per pipeline
    const recordBytes = w.eventBytes + PARTITION_KEY_BYTES;
    const fillSeconds = (s.firehoseBufferMiB * MIB) / (rate * w.eventBytes);
    // Interval 0 (zero buffering) still delivers in batches; a second is the floor the model keeps.
    const bufferPeriod = Math.max(1, Math.min(s.firehoseBufferSeconds, fillSeconds));
    const triggers =
        s.jobTrigger === "crawler" ? dailyTriggerMinutes(s.s3CrawlerSchedule) : dailyTriggerMinutes(s.jobSchedule);
    const crawlerWait = s.jobTrigger === "crawler" ? CRAWLER_RUN_SECONDS : 0;
    const throughput = s.jobWorkers * JOB_BYTES_PER_SECOND_PER_WORKER;
    if (rate * w.eventBytes >= throughput) {
        throw new Error(
            `jobWorkers: ${s.jobWorkers} G.1X workers read about ${(throughput / MIB).toFixed(0)} MiB/s, less than the ${((rate * w.eventBytes) / MIB).toFixed(1)} MiB/s ` +
                `each pipeline receives: the load job would fall further behind with every run (raise jobWorkers)`,
        );
    }
    // A run reads what arrived since the previous run, so its length depends on the gap, and a run still
    // going when the next trigger fires makes that trigger a no-op (longer gap). Iterate to the fixed
    // point; it exists because a run reads faster than data arrives (checked above).
    let gaps = effectiveGapsSeconds(triggers);
    let runSeconds = 0;
    for (let i = 0; i < 50; i++) {
        const meanGap = gaps.reduce((a, b) => a + b, 0) / gaps.length;
        runSeconds = JOB_FIXED_SECONDS + (rate * w.eventBytes * meanGap) / throughput; // billed (start-up is not)
        const next = effectiveGapsSeconds(triggers, JOB_STARTUP_SECONDS + runSeconds + crawlerWait);
        if (next.length === gaps.length && next.every((g, j) => g === gaps[j])) break;
        gaps = next;
    }
    const runStarts = effectiveTriggerSeconds(triggers, JOB_STARTUP_SECONDS + runSeconds + crawlerWait);
    // A job on a schedule that reads through the catalog table sees an hour's objects only once the S3
    // crawler has registered the hour's partition: the first crawl starting after the hour's folder
    // appears (its first buffer delivered, E + the S3 write after the hour starts), plus the crawl itself.
    // A job listing its S3 prefix itself (the planned design) sees every object on its next run, so no gate;
    // after-crawl triggering waits for the crawl through `crawlerWait` and the crawler's schedule instead.
    const gated = s.jobTrigger === "schedule" && s.jobReadsThroughCatalog && s.partitionsRegisteredByCrawler;
    const crawls = gated ? dailyTriggerMinutes(s.s3CrawlerSchedule).map((m) => m * 60) : [];
    const allCrawls = [0, 1, 2].flatMap((d) => crawls.map((c) => c + d * 86400));
    const registration = (hourStart: number) =>
        (allCrawls.find((c) => c >= hourStart + bufferPeriod + FIREHOSE_TO_S3_SECONDS) as number) + CRAWLER_RUN_SECONDS;
    const components = jobWaitComponents(runStarts, gated ? registration : undefined);
    // Triggers a month; with the pre-check (new-data) each one is a check, and a load runs only when the
    // check finds an object written since the last load: with events arriving as a Poisson stream of this
    // pipeline's rate, P(at least one in the gap g) = 1 - exp(-rate x g). A check while a run is still going is
    // a no-op, like a trigger Glue refuses, so the loads are counted on the effective gaps.
    const checksPerMonth = (triggers.length * HOURS_PER_MONTH) / 24;
    const pNew = (eventsPerSecond: number) =>
        gaps.reduce((sum, g) => sum + (1 - Math.exp(-eventsPerSecond * g)), 0) / gaps.length;
    const effectiveRuns = (gaps.length * HOURS_PER_MONTH) / 24;
    const runsPerMonth = s.jobTrigger === "new-data" ? effectiveRuns * pNew(rate) : effectiveRuns;
    /** Trigger times at which at least one pipeline's load runs (they share Redshift's active minute). */
    const activeTriggersPerMonth =
        s.jobTrigger === "new-data" ? effectiveRuns * pNew(w.eventsPerSecond) : effectiveRuns;
    return {
        rate,
        recordBytes,
        bufferPeriod,
        gaps,
        components,
        gated,
        runSeconds,
        runsPerMonth,
        checksPerMonth,
        activeTriggersPerMonth,
        crawlerWait,
    };
}

export function latencyOf(
    bufferPeriod: number,
    gaps: readonly number[],
    components: readonly WaitComponent[],
    partitionGate: boolean,
    runSeconds: number,
    crawlerWait: number,
): LatencyEstimate {
    const fixed = KINESIS_TO_FIREHOSE_SECONDS + FIREHOSE_TO_S3_SECONDS + crawlerWait + runSeconds;
    return {
        p50Seconds: fixed + waitQuantile(bufferPeriod, components, 0.5),
        p99Seconds: fixed + waitQuantile(bufferPeriod, components, 0.99),
        bufferPeriodSeconds: bufferPeriod,
        jobGapsSeconds: gaps,
        partitionGate,
        fixedSeconds: fixed,
        jobRunSeconds: runSeconds,
    };
}

/** Usage-limit periods a month (a month is HOURS_PER_MONTH hours; a weekly period begins on Sunday). */
export const USAGE_LIMIT_PERIODS_PER_MONTH: Readonly<Record<PlannedSettings["redshiftUsageLimitPeriod"], number>> = {
    daily: HOURS_PER_MONTH / 24,
    weekly: HOURS_PER_MONTH / 168,
    monthly: 1,
};

/**
 * What the sandbox's usage limit caps: the RPU-hours (and their list price) a month it lets run before its
 * breach action, and whether the loads alone reach it. Neither `log` nor `emit-metric` stops a query, so
 * the limit alerts; it does not lower any figure.
 */
export function usageLimitNote(loadRpuHoursPerMonth: number, s: PlannedSettings): string {
    if (s.redshiftUsageLimitRpuHours <= 0) return "no usage limit";
    const perMonth = s.redshiftUsageLimitRpuHours * USAGE_LIMIT_PERIODS_PER_MONTH[s.redshiftUsageLimitPeriod];
    const loadsPerPeriod = loadRpuHoursPerMonth / USAGE_LIMIT_PERIODS_PER_MONTH[s.redshiftUsageLimitPeriod];
    const reached =
        loadsPerPeriod >= s.redshiftUsageLimitRpuHours
            ? `, REACHED by the loads alone (${loadsPerPeriod.toFixed(0)} RPU-h a period)`
            : "";
    const usd = (perMonth * PRICES.redshiftServerless.rpuHour.usd).toFixed(2);
    return `usage limit ${s.redshiftUsageLimitRpuHours} RPU-h ${s.redshiftUsageLimitPeriod} (${perMonth.toFixed(0)} RPU-h = $${usd} a month), ${s.redshiftUsageLimitBreachAction}: alerts, stops nothing${reached}`;
}

/** The size of one API access-log line: the stage's JSON format with typical values filled in. */
export function accessLogLineBytes(): number {
    const typical: Record<string, string> = {
        requestId: "0d6f3c1e-7a2b-4c9d-8e1f-2a3b4c5d6e7f",
        extendedRequestId: "AbCdEfGhIjKlMnO=",
        requestTime: "25/Nov/2026:12:00:00 +0000",
        sourceIp: "203.0.113.10",
        userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Gecko/20100101 Firefox/120.0",
        apiKeyId: "abcdefghij",
        httpMethod: "PUT",
        resourcePath: "/streams/user-events/record",
        protocol: "HTTP/1.1",
        status: "200",
        responseLength: "90",
        responseLatency: "25",
        errorMessage: "-",
        errorResponseType: "-",
        validationError: "-",
        integrationStatus: "200",
        integrationLatency: "20",
        integrationError: "-",
    };
    const line = Object.fromEntries(Object.keys(ACCESS_LOG_FORMAT).map((k) => [k, typical[k] ?? "-"]));
    return Buffer.byteLength(JSON.stringify(line));
}

export function estimate(workload: Workload, settings: PlannedSettings): Estimate {
    checkWorkload(workload);
    const w = workload;
    const s = settings;
    const mode: StreamMode = w.shardMode ?? s.streamMode;
    const P = w.pipelines;
    const pp = perPipeline(w, s);
    const events = w.eventsPerSecond * SECONDS_PER_MONTH;
    const requests = events / w.batch;
    const lines: CostLine[] = [];
    const add = (component: string, monthlyUsd: number, detail: string, ...prices: Price[]) =>
        lines.push({ component, monthlyUsd, detail, standInPrice: standIn(...prices) });

    // API Gateway: one REST API for every pipeline; the request tiers count the whole volume.
    const apiTiers = PRICES.apiGateway.restRequestsPerMillion;
    const apiTierPrices = apiTiers.filter((_tier, i) => i === 0 || requests > apiTiers[i - 1].upTo).map((t) => t.price);
    add(
        "API Gateway (REST requests)",
        tieredCost(requests, apiTiers, 1e6),
        `${count(requests)} requests (${w.batch} event(s) each), tiered`,
        ...apiTierPrices,
    );

    // Access logs: one JSON line per request, kept logRetentionDays.
    const logGB = (requests * accessLogLineBytes()) / GB;
    const storedGB = logGB * Math.min(1, s.logRetentionDays / 30);
    const cw = PRICES.cloudWatch;
    add(
        "CloudWatch Logs (API access logs)",
        logGB * cw.logsIngestPerGB.usd + storedGB * cw.logsStoragePerGBMonth.usd,
        `${logGB.toFixed(1)} GB ingested, ${storedGB.toFixed(1)} GB stored (${s.logRetentionDays} d)`,
        cw.logsIngestPerGB,
        cw.logsStoragePerGBMonth,
    );

    if (s.apiTracing) {
        const rps = requests / SECONDS_PER_MONTH;
        const traces =
            (Math.min(rps, XRAY_RESERVOIR_PER_SECOND) +
                XRAY_FIXED_RATE * Math.max(0, rps - XRAY_RESERVOIR_PER_SECOND)) *
            SECONDS_PER_MONTH;
        add(
            "X-Ray (API tracing)",
            (traces / 1e6) * PRICES.xray.tracesRecordedPerMillion.usd,
            `${count(traces)} traces (default sampling: 1/s + 5%)`,
            PRICES.xray.tracesRecordedPerMillion,
        );
    }

    // Kinesis.
    const k = PRICES.kinesis;
    let shardsPerStream: number;
    if (mode === "ON_DEMAND") {
        const billedGB = (events * Math.ceil(pp.recordBytes / KIB) * KIB) / GB;
        const streamHours = P * HOURS_PER_MONTH;
        const cost =
            streamHours * k.onDemandStreamHour.usd +
            billedGB * (k.onDemandIngestPerGB.usd + k.onDemandRetrievalPerGB.usd);
        add(
            "Kinesis Data Streams (on-demand)",
            cost,
            `${P} stream(s) x ${HOURS_PER_MONTH} h, ${billedGB.toFixed(1)} GB in and out (1 KB rounding)`,
            k.onDemandStreamHour,
            k.onDemandIngestPerGB,
            k.onDemandRetrievalPerGB,
        );
        const needed = Math.max(Math.ceil((pp.rate * pp.recordBytes) / MIB), Math.ceil(pp.rate / 1000));
        shardsPerStream = Math.max(ON_DEMAND_MIN_SHARDS, needed);
    } else {
        const needed = Math.max(1, Math.ceil((pp.rate * pp.recordBytes) / MIB), Math.ceil(pp.rate / 1000));
        shardsPerStream = s.shardCount ?? needed;
        const putUnits = events * Math.ceil(pp.recordBytes / (25 * KIB));
        const cost =
            P * shardsPerStream * HOURS_PER_MONTH * k.provisionedShardHour.usd +
            (putUnits / 1e6) * k.provisionedPutUnitsPerMillion.usd;
        const under =
            s.shardCount !== undefined && s.shardCount < needed ? ` (UNDER-PROVISIONED: the load needs ${needed})` : "";
        add(
            "Kinesis Data Streams (provisioned)",
            cost,
            `${P} x ${shardsPerStream} shard(s)${under}, ${count(putUnits)} PUT payload units`,
            k.provisionedShardHour,
            k.provisionedPutUnitsPerMillion,
        );
    }

    // Firehose: every record rounded up to 5 KB.
    const firehoseGB = (events * Math.ceil(w.eventBytes / (5 * KIB)) * 5 * KIB) / GB;
    add(
        "Firehose (ingestion from Kinesis)",
        firehoseGB * PRICES.firehose.ingestPerGB.usd,
        `${firehoseGB.toFixed(1)} GB billed (5 KB rounding per record)`,
        PRICES.firehose.ingestPerGB,
    );

    // S3: one object per buffer flush per pipeline (twice with the raw backup), plus Glue's requests.
    // A Firehose buffer opens with its first record: a cycle is the buffer period plus the wait for that record.
    const objects =
        pp.rate > 0 ? ((P * SECONDS_PER_MONTH) / (pp.bufferPeriod + 1 / pp.rate)) * (s.rawBackup ? 2 : 1) : 0;
    const s3Crawls = P * runsPerMonth(s.s3CrawlerSchedule, HOURS_PER_MONTH);
    const prechecks = s.jobTrigger === "new-data" ? P * pp.checksPerMonth : 0;
    const s3Requests =
        objects +
        P * pp.runsPerMonth * JOB_S3_REQUESTS_PER_RUN +
        s3Crawls * CRAWLER_S3_REQUESTS_PER_RUN +
        prechecks * PRECHECK_S3_REQUESTS_PER_RUN;
    add(
        "S3 requests",
        (s3Requests / 1000) * PRICES.s3.putCopyPostListPer1000.usd,
        `${count(objects)} Firehose objects + Glue job, pre-check and crawler listing`,
        PRICES.s3.putCopyPostListPer1000,
    );
    const monthGB = ((events * w.eventBytes) / GB) * COMPRESSION_RATIO[s.firehoseCompression] * (s.rawBackup ? 2 : 1);
    add(
        "S3 storage (one month of data)",
        monthGB * PRICES.s3.standardStoragePerGBMonth.usd,
        `${monthGB.toFixed(1)} GB (${s.firehoseCompression}, ratio ${COMPRESSION_RATIO[s.firehoseCompression]})`,
        PRICES.s3.standardStoragePerGBMonth,
    );
    const steadyStateStorageUsd = monthGB * (s.landingExpirationDays / 30) * PRICES.s3.standardStoragePerGBMonth.usd;

    // Glue load jobs: one per pipeline, G.1X workers of 1 DPU, 1-minute minimum per run.
    const billedRunSeconds = Math.max(60, pp.runSeconds);
    const dpuHours = (P * pp.runsPerMonth * s.jobWorkers * billedRunSeconds) / 3600;
    const loadBasis =
        s.jobTrigger === "new-data"
            ? " (only runs whose check found new objects)"
            : " (every trigger, whatever landed)";
    add(
        "Glue load jobs",
        dpuHours * PRICES.glue.etlDpuHour.usd,
        `${P} x ${count(pp.runsPerMonth)} runs x ${s.jobWorkers} DPU x ${billedRunSeconds.toFixed(0)} s = ${dpuHours.toFixed(0)} DPU-h${loadBasis}`,
        PRICES.glue.etlDpuHour,
    );
    if (s.jobTrigger === "new-data") {
        // The pre-check: a Python shell job of 1/16 DPU per check, billed per second with a 1-minute minimum.
        const precheckDpuHours = (prechecks * PRECHECK_MAX_CAPACITY * PRECHECK_BILLED_SECONDS) / 3600;
        add(
            "Glue load pre-checks",
            precheckDpuHours * PRICES.glue.pythonShellDpuHour.usd,
            `${P} x ${count(pp.checksPerMonth)} checks x ${PRECHECK_MAX_CAPACITY} DPU x ${PRECHECK_BILLED_SECONDS} s minimum`,
            PRICES.glue.pythonShellDpuHour,
        );
    }

    // Crawlers: S3 (incremental) and JDBC per pipeline, each run billed at least 10 minutes.
    const jdbcCrawls = P * runsPerMonth(s.jdbcCrawlerSchedule, HOURS_PER_MONTH);
    const crawlerDpuHours = ((s3Crawls + jdbcCrawls) * CRAWLER_DPUS * Math.max(600, CRAWLER_RUN_SECONDS)) / 3600;
    add(
        "Glue crawlers",
        crawlerDpuHours * PRICES.glue.crawlerDpuHour.usd,
        `${count(s3Crawls + jdbcCrawls)} runs x ${CRAWLER_DPUS} DPU x 10 min minimum`,
        PRICES.glue.crawlerDpuHour,
    );

    if (s.redshiftMode === "sandbox" || s.redshiftMode === "serverless") {
        // The pipelines' checks share one schedule, so the loads of one trigger overlap in one active period;
        // a trigger whose checks all find nothing wakes nothing.
        const rpuHours =
            (pp.activeTriggersPerMonth * REDSHIFT_ACTIVE_SECONDS_PER_TRIGGER * s.redshiftBaseCapacity) / 3600;
        add(
            "Redshift Serverless (loads only)",
            rpuHours * PRICES.redshiftServerless.rpuHour.usd,
            `${count(pp.activeTriggersPerMonth)} active minutes x ${s.redshiftBaseCapacity} RPU${s.redshiftMode === "serverless" ? " (assumed: an existing workgroup's base capacity is its own, not in the stack files)" : ""}; queries by users not included` +
                (s.redshiftMode === "sandbox" ? `; ${usageLimitNote(rpuHours, s)}` : ""),
            PRICES.redshiftServerless.rpuHour,
        );
    }

    // Monitoring: the alarms PipelineAlarms creates, one dashboard per pipeline in each account (the
    // engineering side's and the Glue job's), detailed API metrics.
    const alarmsPerPipeline = pipelineAlarmSpecs({
        namePrefix: "count",
        topicArn: "arn:aws:sns:eu-central-1:000000000000:count",
        streamName: "s",
        deliveryStreamName: "d",
        api: {
            apiName: "a",
            stageName: "v1",
            routes: Array.from({ length: ROUTES_PER_PIPELINE }, (_, i) => ({
                resourcePath: `/r${i}`,
                httpMethod: "PUT",
            })),
        },
    }).length;
    // A custom metric is billed for the hours it receives data: API Gateway publishes none without requests.
    const metrics = requests > 0 ? P * ROUTES_PER_PIPELINE * DETAILED_METRICS_PER_ROUTE : 0;
    add(
        "CloudWatch alarms, dashboards, API metrics",
        P * alarmsPerPipeline * cw.alarmMonth.usd +
            DASHBOARDS_PER_PIPELINE * P * cw.dashboardMonth.usd +
            metrics * cw.customMetricMonth.usd,
        `${P * alarmsPerPipeline} alarms, ${DASHBOARDS_PER_PIPELINE * P} dashboards, ${metrics} detailed API metrics`,
        cw.alarmMonth,
        cw.dashboardMonth,
        cw.customMetricMonth,
    );

    // Kinesis asks KMS for data keys for the records it encrypts: none without traffic.
    const kmsRequests = events > 0 ? P * shardsPerStream * KMS_CALLS_PER_SHARD_PER_5_MINUTES * 12 * HOURS_PER_MONTH : 0;
    // The keys' monthly charge is counted from the plan (fixed.ts): every key it creates, the bootstrap's included.
    add(
        "KMS (requests)",
        (kmsRequests / 10000) * PRICES.kms.requestsPer10000.usd,
        `${count(kmsRequests)} requests (S3 Bucket Keys keep S3's share small)`,
        PRICES.kms.requestsPer10000,
    );

    const latency = latencyOf(pp.bufferPeriod, pp.gaps, pp.components, pp.gated, pp.runSeconds, pp.crawlerWait);
    // The baseline runs no crawler before its loads, so no partition gate is modeled.
    const baselineGaps = effectiveGapsSeconds(
        dailyTriggerMinutes(BASELINE_DESIGN.jobSchedule),
        JOB_STARTUP_SECONDS + pp.runSeconds,
    );
    const baselineLatency = latencyOf(
        BASELINE_DESIGN.firehoseBufferSeconds,
        baselineGaps,
        gapComponents(baselineGaps),
        false,
        pp.runSeconds,
        0,
    );

    const redshiftMinute =
        s.redshiftMode === "sandbox" || s.redshiftMode === "serverless"
            ? ((REDSHIFT_ACTIVE_SECONDS_PER_TRIGGER * s.redshiftBaseCapacity) / 3600) *
              PRICES.redshiftServerless.rpuHour.usd
            : 0;
    const loadMinimums = {
        triggersPerMonth: pp.activeTriggersPerMonth,
        glueUsd: ((P * s.jobWorkers * billedRunSeconds) / 3600) * PRICES.glue.etlDpuHour.usd,
        redshiftUsd: redshiftMinute,
    };

    return {
        loadMinimums,
        workload: w,
        settings: s,
        streamMode: mode,
        lines,
        totalMonthlyUsd: lines.reduce((sum, l) => sum + l.monthlyUsd, 0),
        latency,
        baselineLatency,
        steadyStateStorageUsd,
    };
}
