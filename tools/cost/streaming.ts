/**
 * The streaming tier (pipelines declared `streaming: true`): what keeping a stream view refreshed costs and
 * how fresh it is, beside the batch path of model.ts. The model, its one assumption (the refresh duration)
 * and the AWS sources: docs/cost.md, "Streaming tier model".
 */
import { STREAMING_INTERFACE_ENDPOINT_SERVICES } from "../../shared/glue-network";
import { CostLine, Estimate, PARTITION_KEY_BYTES, Workload } from "./model";
import { HOURS_PER_MONTH, Price, PRICES, SECONDS_PER_MONTH } from "./prices";
import { PlannedSettings } from "./settings";

/**
 * A record put is readable by GetRecords within about a second (Kinesis Data Streams developer guide,
 * "Reading data from Kinesis Data Streams": propagation delay typically under 1 second).
 */
export const KINESIS_PROPAGATION_SECONDS = 1;

/** ASSUMED, not documented: one auto refresh of a small stream view, from start to commit. */
export const ASSUMED_REFRESH_SECONDS = 10;

/** Redshift Serverless bills at least 60 seconds each time it runs queries ("Billing for Amazon Redshift Serverless"). */
export const SERVERLESS_MINIMUM_SECONDS = 60;

/** Interface endpoints a created VPC adds for streaming (Kinesis and STS, shared/glue-network.ts), each in one AZ. */
export const STREAMING_ENDPOINTS = STREAMING_INTERFACE_ENDPOINT_SERVICES.length;

const GB = 1024 ** 3;

export interface StreamingEstimate {
    /** Streaming pipelines priced: the declared ones, or 1 to show the tier when none streams. */
    readonly streamingPipelines: number;
    readonly declared: boolean;
    readonly lines: CostLine[];
    readonly totalMonthlyUsd: number;
    /** Share of the month Redshift is kept running by refreshes. */
    readonly busyFraction: number;
    readonly latency: {
        readonly p50Seconds: number;
        readonly p99Seconds: number;
        readonly propagationSeconds: number;
        readonly refreshSeconds: number;
    };
}

/** The q-quantile of propagation + R + U(0, R). */
export function streamingLatencyQuantile(q: number, refreshSeconds = ASSUMED_REFRESH_SECONDS): number {
    return KINESIS_PROPAGATION_SECONDS + refreshSeconds + q * refreshSeconds;
}

/**
 * The streaming tier's monthly cost at the workload, with `streamingPipelines` of the workload's pipelines
 * streaming (traffic spread evenly, as in the batch model), and the batch estimate it comes on top of.
 */
export function streamingEstimate(
    w: Workload,
    s: PlannedSettings,
    batch: Estimate,
    declaredStreaming: number,
): StreamingEstimate {
    const streamingPipelines = Math.max(1, Math.min(declaredStreaming, w.pipelines));
    const share = streamingPipelines / w.pipelines;
    const recordsPerSecond = w.eventsPerSecond * share;
    const busyFraction = 1 - Math.exp(-SERVERLESS_MINIMUM_SECONDS * recordsPerSecond);
    const lines: CostLine[] = [];
    const add = (component: string, monthlyUsd: number, detail: string, ...prices: Price[]) =>
        lines.push({ component, monthlyUsd, detail, standInPrice: prices.some((p) => p.region !== "eu-central-1") });

    if (s.redshiftMode === "sandbox" || s.redshiftMode === "serverless") {
        const rpu = PRICES.redshiftServerless.rpuHour;
        const busyUsd = busyFraction * HOURS_PER_MONTH * s.redshiftBaseCapacity * rpu.usd;
        // The batch loads' minutes fall inside the busy hours: only what they do not already pay is added.
        const loads = batch.lines.find((l) => l.component.startsWith("Redshift Serverless"))?.monthlyUsd ?? 0;
        const added = Math.max(0, busyUsd - loads * busyFraction);
        add(
            "Redshift Serverless kept refreshing (AUTO REFRESH)",
            added,
            `${(busyFraction * 100).toFixed(busyFraction > 0.999 || busyFraction === 0 ? 0 : 1)}% of ${HOURS_PER_MONTH} h x ${s.redshiftBaseCapacity} RPU (busy while records arrive, 60 s minimum), less the batch loads' minutes inside them`,
            rpu,
        );
    } else {
        add(
            "Redshift cluster refreshes",
            0,
            "a provisioned cluster is billed per node-hour anyway; the refreshes use its capacity",
            PRICES.redshiftServerless.rpuHour,
        );
    }

    const mode = w.shardMode ?? s.streamMode;
    const gbRead = (recordsPerSecond * SECONDS_PER_MONTH * (w.eventBytes + PARTITION_KEY_BYTES)) / GB;
    if (mode === "ON_DEMAND") {
        add(
            "Kinesis retrievals by the stream views",
            gbRead * PRICES.kinesis.onDemandRetrievalPerGB.usd,
            `${gbRead.toFixed(2)} GB read a second time (on demand bills each consumer's reads)`,
            PRICES.kinesis.onDemandRetrievalPerGB,
        );
    } else {
        add(
            "Kinesis retrievals by the stream views",
            0,
            "provisioned shards serve a second reader within their 2 MB/s read throughput, shared with Firehose",
            PRICES.kinesis.provisionedShardHour,
        );
    }
    const endpoint = PRICES.vpc.interfaceEndpointAzHour;
    // Once a pipeline streams, the plan holds the endpoint and its fixed charges count it.
    if (s.redshiftMode === "sandbox" && declaredStreaming === 0) {
        add(
            "Interface endpoints (created VPC)",
            STREAMING_ENDPOINTS * HOURS_PER_MONTH * endpoint.usd,
            `${STREAMING_ENDPOINTS} endpoint(s) (${STREAMING_INTERFACE_ENDPOINT_SERVICES.join(", ")}) x 1 AZ x ${HOURS_PER_MONTH} h`,
            endpoint,
        );
    }

    return {
        streamingPipelines,
        declared: declaredStreaming > 0,
        lines,
        totalMonthlyUsd: lines.reduce((sum, l) => sum + l.monthlyUsd, 0),
        busyFraction,
        latency: {
            p50Seconds: streamingLatencyQuantile(0.5),
            p99Seconds: streamingLatencyQuantile(0.99),
            propagationSeconds: KINESIS_PROPAGATION_SECONDS,
            refreshSeconds: ASSUMED_REFRESH_SECONDS,
        },
    };
}
