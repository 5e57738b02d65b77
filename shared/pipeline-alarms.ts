import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * The alarm thresholds of one pipeline's engineering side. Every value can be overridden per pipeline
 * through `PipelineAlarmsArgs.thresholds`; what is not given comes from {@link DEFAULT_THRESHOLDS}.
 */
export interface PipelineAlarmThresholds {
    /**
     * Kinesis `WriteProvisionedThroughputExceeded`, Sum per 5-minute period, above which the alarm fires.
     * Each throttled PutRecord(s) is a 429 to the client, which retries; 0 means "any throttling in two of
     * three periods", i.e. throttling that lasts, not one burst.
     */
    readonly kinesisWriteThrottledRecords: number;
    /**
     * Kinesis `GetRecords.IteratorAgeMilliseconds`, Maximum per 5 minutes, above which Firehose (the only
     * consumer) is considered to be falling behind. Stream retention is 24 h or more, so 5 minutes behind is
     * early warning, long before data could expire unread.
     */
    readonly iteratorAgeMilliseconds: number;
    /**
     * Firehose `DeliveryToS3.Success` (1 = every S3 put succeeded, 0 = all failed), Average per 5 minutes,
     * below which the alarm fires. 1 means any failed put: Firehose retries, but a failing put is always a
     * configuration fault (bucket policy, KMS key policy) that needs a person.
     */
    readonly firehoseDeliverySuccessRatio: number;
    /**
     * Firehose `DeliveryToS3.DataFreshness`: age in seconds of the oldest record not yet in S3, Maximum per
     * 5 minutes. Must exceed the buffering interval (a record legitimately waits that long); 900 s leaves
     * room for a 60-300 s interval plus S3 retries.
     */
    readonly firehoseDataFreshnessSeconds: number;
    /**
     * API Gateway `5XXError`, Average per 5 minutes: the share of requests answered 5xx (0.01 = 1%). A rate,
     * not a count, so one threshold serves 1 and 10,000 requests per second alike.
     */
    readonly api5xxErrorRate: number;
    /** API Gateway `Latency`, p99 per 5 minutes, in milliseconds (client request to response, Kinesis call included). */
    readonly apiLatencyP99Milliseconds: number;
}

/** Documented defaults for {@link PipelineAlarmThresholds}; see each field for the reasoning. */
export const DEFAULT_THRESHOLDS: Readonly<PipelineAlarmThresholds> = Object.freeze({
    kinesisWriteThrottledRecords: 0,
    iteratorAgeMilliseconds: 5 * 60 * 1000,
    firehoseDeliverySuccessRatio: 1,
    firehoseDataFreshnessSeconds: 900,
    api5xxErrorRate: 0.01,
    apiLatencyP99Milliseconds: 1000,
});

/** One API route of the pipeline, as API Gateway names it in the `Resource` and `Method` metric dimensions. */
export interface ApiRoute {
    /** The full resource path, e.g. `/streams/user-events/record`. */
    readonly resourcePath: string;
    /** The HTTP method, e.g. `PUT`. */
    readonly httpMethod: string;
}

/** The API Gateway (REST) side of a pipeline. */
export interface PipelineApiArgs {
    /** The REST API's name (the `ApiName` dimension is the name, not the id). */
    readonly apiName: pulumi.Input<string>;
    /** The stage name (the `Stage` dimension). */
    readonly stageName: pulumi.Input<string>;
    /**
     * The pipeline's routes. Given: one 5XX and one latency alarm per route, on the `ApiName`, `Stage`,
     * `Resource` and `Method` dimensions, which API Gateway publishes only for stages with detailed
     * metrics on (`metricsEnabled` in the stage's method settings). Empty or omitted: stage-wide alarms
     * (`ApiName`, `Stage`), which exist without detailed metrics but are shared by every pipeline.
     */
    readonly routes?: readonly ApiRoute[];
}

export interface PipelineAlarmsArgs {
    /** Physical-name prefix of every alarm, e.g. `tracking-dev-user-events`: alarm names are unique per account and region. */
    readonly namePrefix: string;
    /** The SNS topic every alarm notifies, on ALARM and on return to OK. */
    readonly topicArn: pulumi.Input<string>;
    /** The pipeline's Kinesis stream name (`StreamName` dimension). */
    readonly streamName: pulumi.Input<string>;
    /** The pipeline's Firehose stream name (`DeliveryStreamName` dimension). */
    readonly deliveryStreamName: pulumi.Input<string>;
    /**
     * The Firehose buffering interval in seconds, when known: the freshness threshold is checked against
     * it, since a threshold at or below the interval would fire on healthy data.
     */
    readonly firehoseBufferIntervalSeconds?: number;
    /** The API side; omitted, no API alarms are created. */
    readonly api?: PipelineApiArgs;
    /** Overrides of {@link DEFAULT_THRESHOLDS}. Plain numbers are range-checked at construction. */
    readonly thresholds?: { readonly [K in keyof PipelineAlarmThresholds]?: pulumi.Input<number> };
    /** Tags for every alarm. */
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * How an alarm treats periods without data. Chosen per metric from what "no data" means for it:
 * - `notBreaching` where the metric is only published when there is traffic, so silence means nothing
 *   went wrong (no writes = no throttles, no requests = no errors, nothing in flight = nothing stale);
 * - `breaching` where the metric is published continuously while the pipeline works, so silence itself
 *   is the failure (Firehose polls the stream every second, so no IteratorAge means no consumer).
 */
export type MissingData = "notBreaching" | "breaching";

/** Everything that defines one alarm; exported so tests and docs read the same table the component builds. */
export interface AlarmSpec {
    /** Suffix of the alarm's name and of its Pulumi resource name. */
    readonly key: string;
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Record<string, pulumi.Input<string>>;
    /** A plain statistic (Sum, Average, Maximum) or a percentile (`p99`) for `extendedStatistic`. */
    readonly statistic: "Sum" | "Average" | "Maximum" | "p99";
    readonly comparison: "GreaterThanThreshold" | "LessThanThreshold";
    readonly threshold: pulumi.Input<number>;
    readonly periodSeconds: number;
    readonly evaluationPeriods: number;
    readonly datapointsToAlarm: number;
    readonly treatMissingData: MissingData;
    readonly description: string;
}

const FIVE_MINUTES = 300;

/** Valid ranges of each threshold, checked when the value is a plain number (and by the stacks' config readers). */
export const THRESHOLD_RULES: {
    readonly [K in keyof PipelineAlarmThresholds]: { min: number; max: number; rule: string };
} = {
    kinesisWriteThrottledRecords: { min: 0, max: Number.MAX_SAFE_INTEGER, rule: "a count of records, 0 or more" },
    iteratorAgeMilliseconds: { min: 1000, max: 7 * 24 * 3600 * 1000, rule: "milliseconds from 1000 to 7 days" },
    firehoseDeliverySuccessRatio: { min: 0.01, max: 1, rule: "a ratio above 0 and at most 1" },
    firehoseDataFreshnessSeconds: { min: 60, max: 24 * 3600, rule: "seconds from 60 to 86400" },
    api5xxErrorRate: { min: 0, max: 1, rule: "a rate from 0 to 1 (0.01 = 1%)" },
    apiLatencyP99Milliseconds: { min: 1, max: 29000, rule: "milliseconds from 1 to 29000 (the integration timeout)" },
};

/** Resolves thresholds (defaults filled in) and throws a message naming the field and the rule on a bad plain number. */
export function resolveThresholds(
    where: string,
    overrides: PipelineAlarmsArgs["thresholds"],
    firehoseBufferIntervalSeconds?: number,
): { readonly [K in keyof PipelineAlarmThresholds]: pulumi.Input<number> } {
    const resolved: { -readonly [K in keyof PipelineAlarmThresholds]: pulumi.Input<number> } = {
        ...DEFAULT_THRESHOLDS,
    };
    for (const key of Object.keys(overrides ?? {}) as (keyof PipelineAlarmThresholds)[]) {
        if (!(key in THRESHOLD_RULES))
            throw new Error(
                `${where}: thresholds.${String(key)} is not a known threshold (known: ${Object.keys(THRESHOLD_RULES).join(", ")})`,
            );
        const value = overrides?.[key];
        if (value === undefined) continue;
        if (typeof value === "number") {
            const { min, max, rule } = THRESHOLD_RULES[key];
            if (!Number.isFinite(value) || value < min || value > max)
                throw new Error(`${where}: thresholds.${key} must be ${rule} (got ${value})`);
        }
        resolved[key] = value;
    }
    const freshness = resolved.firehoseDataFreshnessSeconds;
    if (
        firehoseBufferIntervalSeconds !== undefined &&
        typeof freshness === "number" &&
        freshness <= firehoseBufferIntervalSeconds
    ) {
        throw new Error(
            `${where}: thresholds.firehoseDataFreshnessSeconds must exceed the Firehose buffering interval (${firehoseBufferIntervalSeconds} s), ` +
                `or every healthy buffer would fire it (got ${freshness})`,
        );
    }
    return resolved;
}

/** `/streams/user-events/record` + `PUT` -> `put-streams-user-events-record`. */
export function routeSlug(route: ApiRoute): string {
    return `${route.httpMethod}-${route.resourcePath}`
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "");
}

/** The alarm table of one pipeline: Kinesis, Firehose and (when given) API alarms. */
export function pipelineAlarmSpecs(args: PipelineAlarmsArgs, where = "PipelineAlarms"): AlarmSpec[] {
    const t = resolveThresholds(where, args.thresholds, args.firehoseBufferIntervalSeconds);
    const stream = { StreamName: args.streamName };
    const delivery = { DeliveryStreamName: args.deliveryStreamName };
    const specs: AlarmSpec[] = [
        {
            key: "kinesis-write-throttled",
            namespace: "AWS/Kinesis",
            metricName: "WriteProvisionedThroughputExceeded",
            dimensions: stream,
            statistic: "Sum",
            comparison: "GreaterThanThreshold",
            threshold: t.kinesisWriteThrottledRecords,
            periodSeconds: FIVE_MINUTES,
            evaluationPeriods: 3,
            datapointsToAlarm: 2,
            treatMissingData: "notBreaching",
            description:
                "Kinesis is throttling writes (clients get 429) in 2 of the last 3 five-minute periods: traffic grew faster than the stream scales.",
        },
        {
            key: "kinesis-iterator-age",
            namespace: "AWS/Kinesis",
            metricName: "GetRecords.IteratorAgeMilliseconds",
            dimensions: stream,
            statistic: "Maximum",
            comparison: "GreaterThanThreshold",
            threshold: t.iteratorAgeMilliseconds,
            periodSeconds: FIVE_MINUTES,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            // Firehose calls GetRecords every second even on an idle stream: no datapoint means no consumer.
            treatMissingData: "breaching",
            description:
                "Firehose is falling behind the stream (or has stopped reading it): the oldest unread record is older than the threshold.",
        },
        {
            key: "firehose-delivery-failing",
            namespace: "AWS/Firehose",
            metricName: "DeliveryToS3.Success",
            dimensions: delivery,
            statistic: "Average",
            comparison: "LessThanThreshold",
            threshold: t.firehoseDeliverySuccessRatio,
            periodSeconds: FIVE_MINUTES,
            evaluationPeriods: 3,
            datapointsToAlarm: 2,
            treatMissingData: "notBreaching",
            description:
                "Firehose puts to the landing bucket are failing (bucket policy, KMS key policy or bucket missing); Firehose retries, data waits.",
        },
        {
            key: "firehose-data-stale",
            namespace: "AWS/Firehose",
            metricName: "DeliveryToS3.DataFreshness",
            dimensions: delivery,
            statistic: "Maximum",
            comparison: "GreaterThanThreshold",
            threshold: t.firehoseDataFreshnessSeconds,
            periodSeconds: FIVE_MINUTES,
            evaluationPeriods: 1,
            datapointsToAlarm: 1,
            treatMissingData: "notBreaching",
            description: "Records have waited in Firehose longer than the threshold without reaching S3.",
        },
    ];
    if (args.api) {
        const base = { ApiName: args.api.apiName, Stage: args.api.stageName };
        const targets: Array<{ suffix: string; dimensions: Record<string, pulumi.Input<string>>; what: string }> =
            args.api.routes && args.api.routes.length > 0
                ? args.api.routes.map((route) => ({
                      suffix: routeSlug(route),
                      dimensions: { ...base, Resource: route.resourcePath, Method: route.httpMethod },
                      what: `${route.httpMethod} ${route.resourcePath}`,
                  }))
                : [{ suffix: "stage", dimensions: base, what: "the stage" }];
        for (const target of targets) {
            specs.push(
                {
                    key: `api-${target.suffix}-5xx`,
                    namespace: "AWS/ApiGateway",
                    metricName: "5XXError",
                    dimensions: target.dimensions,
                    statistic: "Average",
                    comparison: "GreaterThanThreshold",
                    threshold: t.api5xxErrorRate,
                    periodSeconds: FIVE_MINUTES,
                    evaluationPeriods: 3,
                    datapointsToAlarm: 2,
                    treatMissingData: "notBreaching",
                    description: `More than the threshold share of requests to ${target.what} get a 5xx (our configuration or Kinesis failing, not the client).`,
                },
                {
                    key: `api-${target.suffix}-latency-p99`,
                    namespace: "AWS/ApiGateway",
                    metricName: "Latency",
                    dimensions: target.dimensions,
                    statistic: "p99",
                    comparison: "GreaterThanThreshold",
                    threshold: t.apiLatencyP99Milliseconds,
                    periodSeconds: FIVE_MINUTES,
                    evaluationPeriods: 3,
                    datapointsToAlarm: 2,
                    treatMissingData: "notBreaching",
                    description: `p99 latency of ${target.what} is above the threshold.`,
                },
            );
        }
    }
    return specs;
}

/**
 * CloudWatch alarms for one pipeline's engineering side (API Gateway route -> Kinesis -> Firehose), all
 * notifying one SNS topic. The table of alarms, with each metric's missing-data treatment and reason, is
 * {@link pipelineAlarmSpecs}; thresholds default to {@link DEFAULT_THRESHOLDS}.
 *
 * The topic is the caller's: with an SSE-KMS topic, its key policy must let `cloudwatch.amazonaws.com`
 * use the key (kms:GenerateDataKey*, kms:Decrypt), or notifications are dropped.
 */
export class PipelineAlarms extends pulumi.ComponentResource {
    /** Every alarm, by its key (e.g. `kinesis-iterator-age`). */
    readonly alarms: Readonly<Record<string, aws.cloudwatch.MetricAlarm>>;
    /** The ARNs of every alarm, e.g. for a dashboard's alarm widget. */
    readonly alarmArns: pulumi.Output<string[]>;

    constructor(name: string, args: PipelineAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:PipelineAlarms", name, {}, opts);
        const where = `PipelineAlarms ${name}`;
        if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/.test(args.namePrefix)) {
            throw new Error(
                `${where}: namePrefix must be 1-200 letters, digits, '.', '_' or '-' (got ${JSON.stringify(args.namePrefix)})`,
            );
        }

        const alarms: Record<string, aws.cloudwatch.MetricAlarm> = {};
        for (const spec of pipelineAlarmSpecs(args, where)) {
            const percentile = spec.statistic === "p99";
            alarms[spec.key] = new aws.cloudwatch.MetricAlarm(
                `${name}-${spec.key}`,
                {
                    name: `${args.namePrefix}-${spec.key}`,
                    alarmDescription: spec.description,
                    namespace: spec.namespace,
                    metricName: spec.metricName,
                    dimensions: spec.dimensions,
                    ...(percentile
                        ? // With few requests in a period a percentile is one request's latency: do not judge it.
                          { extendedStatistic: spec.statistic, evaluateLowSampleCountPercentiles: "ignore" }
                        : { statistic: spec.statistic }),
                    comparisonOperator: spec.comparison,
                    threshold: spec.threshold,
                    period: spec.periodSeconds,
                    evaluationPeriods: spec.evaluationPeriods,
                    datapointsToAlarm: spec.datapointsToAlarm,
                    treatMissingData: spec.treatMissingData,
                    actionsEnabled: true,
                    alarmActions: [args.topicArn],
                    okActions: [args.topicArn],
                    tags: args.tags,
                },
                { parent: this },
            );
        }
        this.alarms = alarms;
        this.alarmArns = pulumi.all(Object.values(alarms).map((alarm) => alarm.arn));
        this.registerOutputs({ alarmArns: this.alarmArns });
    }
}
