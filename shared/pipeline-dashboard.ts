import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    componentDashboard,
    DashboardWidget,
    MetricLine,
    metricWidget as widget,
    WIDGET_WIDTH as WIDTH,
} from "./dashboard-widgets";
import { ApiRoute } from "./pipeline-alarms";

export type { DashboardWidget } from "./dashboard-widgets";

export interface PipelineDashboardArgs {
    /** The dashboard's name, e.g. `tracking-dev-user-events` (letters, digits, `-` and `_`, at most 255). */
    readonly dashboardName: string;
    /** The region whose metrics the widgets show (the stack's `aws:region`). */
    readonly region: string;
    /** The pipeline's Kinesis stream name. */
    readonly streamName: pulumi.Input<string>;
    /** The pipeline's Firehose stream name. */
    readonly deliveryStreamName: pulumi.Input<string>;
    /** The REST API's name and stage, and the pipeline's routes (per-route graphs need detailed metrics on the stage). */
    readonly api?: {
        readonly apiName: pulumi.Input<string>;
        readonly stageName: pulumi.Input<string>;
        readonly routes?: readonly ApiRoute[];
    };
    /** Alarms to show in an alarm-status widget, e.g. `PipelineAlarms.alarmArns`. */
    readonly alarmArns?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Resolved names the widgets are built from. */
export interface DashboardNames {
    readonly region: string;
    readonly streamName: string;
    readonly deliveryStreamName: string;
    readonly api?: { readonly apiName: string; readonly stageName: string; readonly routes: readonly ApiRoute[] };
    readonly alarmArns: readonly string[];
}

function metric(
    namespace: string,
    name: string,
    dimensions: Array<[string, string]>,
    stat: string,
    label?: string,
): MetricLine {
    return [namespace, name, ...dimensions.flat(), { stat, ...(label ? { label } : {}) }];
}

/**
 * The widgets of one pipeline's dashboard, top to bottom in the order data flows: API requests and errors,
 * API latency, Kinesis in/throttled, Kinesis consumer lag, Firehose delivery, Firehose freshness, alarms.
 * The same metric names and dimensions as the pipeline's alarms ({@link pipelineAlarmSpecs}).
 */
export function dashboardWidgets(names: DashboardNames): DashboardWidget[] {
    const { region } = names;
    const stream: Array<[string, string]> = [["StreamName", names.streamName]];
    const delivery: Array<[string, string]> = [["DeliveryStreamName", names.deliveryStreamName]];
    const widgets: DashboardWidget[] = [];
    if (names.api) {
        const base: Array<[string, string]> = [
            ["ApiName", names.api.apiName],
            ["Stage", names.api.stageName],
        ];
        const targets: Array<{ label: string; dims: Array<[string, string]> }> =
            names.api.routes.length > 0
                ? names.api.routes.map((r) => ({
                      label: `${r.httpMethod} ${r.resourcePath}`,
                      dims: [...base, ["Resource", r.resourcePath], ["Method", r.httpMethod]],
                  }))
                : [{ label: "stage", dims: base }];
        widgets.push(
            widget(
                "API requests and errors",
                region,
                targets.flatMap((t) => [
                    metric("AWS/ApiGateway", "Count", t.dims, "Sum", `${t.label} requests`),
                    metric("AWS/ApiGateway", "4XXError", t.dims, "Sum", `${t.label} 4xx`),
                    metric("AWS/ApiGateway", "5XXError", t.dims, "Sum", `${t.label} 5xx`),
                ]),
                "requests / 5 min",
            ),
            widget(
                "API latency (ms)",
                region,
                targets.flatMap((t) => [
                    metric("AWS/ApiGateway", "Latency", t.dims, "p50", `${t.label} p50`),
                    metric("AWS/ApiGateway", "Latency", t.dims, "p99", `${t.label} p99`),
                    metric("AWS/ApiGateway", "IntegrationLatency", t.dims, "p99", `${t.label} Kinesis p99`),
                ]),
                "ms",
            ),
        );
    }
    widgets.push(
        widget(
            "Kinesis: records in, throttled",
            region,
            [
                metric("AWS/Kinesis", "IncomingRecords", stream, "Sum", "records in"),
                metric("AWS/Kinesis", "WriteProvisionedThroughputExceeded", stream, "Sum", "throttled"),
            ],
            "records / 5 min",
        ),
        widget(
            "Kinesis: consumer (Firehose) lag",
            region,
            [metric("AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", stream, "Maximum", "iterator age max")],
            "ms",
        ),
        widget("Firehose: records read and delivered", region, [
            metric("AWS/Firehose", "DataReadFromKinesisStream.Records", delivery, "Sum", "read from stream"),
            metric("AWS/Firehose", "DeliveryToS3.Records", delivery, "Sum", "delivered to S3"),
            metric("AWS/Firehose", "DeliveryToS3.Success", delivery, "Average", "S3 put success ratio"),
        ]),
        widget(
            "Firehose: data freshness (s)",
            region,
            [metric("AWS/Firehose", "DeliveryToS3.DataFreshness", delivery, "Maximum", "oldest record age")],
            "s",
        ),
    );
    if (names.alarmArns.length > 0) {
        widgets.push({
            type: "alarm",
            width: 2 * WIDTH,
            height: 4,
            properties: { title: "Alarms", alarms: [...names.alarmArns] },
        });
    }
    return widgets;
}

/**
 * One CloudWatch dashboard for one pipeline's engineering side, built from the same metrics as its
 * alarms. The dashboard body is plain JSON (`{"widgets": [...]}`) derived by {@link dashboardWidgets}.
 */
export class PipelineDashboard extends pulumi.ComponentResource {
    readonly dashboard: aws.cloudwatch.Dashboard;
    readonly dashboardArn: pulumi.Output<string>;

    constructor(name: string, args: PipelineDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:PipelineDashboard", name, {}, opts);
        this.dashboard = componentDashboard(
            this,
            "PipelineDashboard",
            name,
            args.dashboardName,
            pulumi
                .all([
                    args.streamName,
                    args.deliveryStreamName,
                    args.api ? pulumi.all([args.api.apiName, args.api.stageName]) : undefined,
                    args.alarmArns ?? [],
                ])
                .apply(([streamName, deliveryStreamName, api, alarmArns]) =>
                    dashboardWidgets({
                        region: args.region,
                        streamName,
                        deliveryStreamName,
                        api: api ? { apiName: api[0], stageName: api[1], routes: args.api?.routes ?? [] } : undefined,
                        alarmArns,
                    }),
                ),
        );
        this.dashboardArn = this.dashboard.dashboardArn;
        this.registerOutputs({ dashboardArn: this.dashboardArn });
    }
}
