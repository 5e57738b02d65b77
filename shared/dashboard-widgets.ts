/**
 * The pieces of a CloudWatch dashboard body (`{"widgets": [...]}`) the stacks' dashboards share, so every
 * dashboard lays out and validates alike, and the one Dashboard resource each dashboard component registers.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** A CloudWatch metric line: namespace, metric name, dimension name/value pairs, then rendering options. */
export type MetricLine = Array<string | { stat: string; label?: string; yAxis?: "left" | "right" }>;

export interface MetricWidget {
    readonly type: "metric";
    readonly width: number;
    readonly height: number;
    readonly properties: {
        readonly title: string;
        readonly region: string;
        readonly view: "timeSeries";
        readonly stacked: false;
        readonly period: number;
        readonly metrics: MetricLine[];
        readonly yAxis?: { readonly left?: { readonly label?: string; readonly min?: number } };
    };
}

export interface AlarmWidget {
    readonly type: "alarm";
    readonly width: number;
    readonly height: number;
    readonly properties: { readonly title: string; readonly alarms: string[] };
}

export type DashboardWidget = MetricWidget | AlarmWidget;

/** Half the dashboard grid's 24 columns: two graphs side by side. */
export const WIDGET_WIDTH = 12;
export const WIDGET_HEIGHT = 6;
/** The alarms' evaluation period, so a graph shows what an alarm judged. */
export const WIDGET_PERIOD_SECONDS = 300;

/** A time-series graph of `metrics`; with `yLabel`, a left axis so labelled that starts at zero. */
export function metricWidget(title: string, region: string, metrics: MetricLine[], yLabel?: string): MetricWidget {
    return {
        type: "metric",
        width: WIDGET_WIDTH,
        height: WIDGET_HEIGHT,
        properties: {
            title,
            region,
            view: "timeSeries",
            stacked: false,
            period: WIDGET_PERIOD_SECONDS,
            metrics,
            ...(yLabel ? { yAxis: { left: { label: yLabel, min: 0 } } } : {}),
        },
    };
}

/** CloudWatch's dashboard-name rule, checked before any resource is registered. */
function checkDashboardName(component: string, name: string, dashboardName: string): void {
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(dashboardName)) {
        throw new Error(
            `${component} ${name}: dashboardName must be 1-255 letters, digits, '-' or '_' (got ${JSON.stringify(dashboardName)})`,
        );
    }
}

/**
 * The dashboard resource of a dashboard component (`parent`, of type `component`), its name checked
 * against CloudWatch's rule: a dashboard whose body is `{"widgets": [...]}`.
 */
export function componentDashboard(
    parent: pulumi.ComponentResource,
    component: string,
    name: string,
    dashboardName: string,
    widgets: pulumi.Output<DashboardWidget[]>,
): aws.cloudwatch.Dashboard {
    checkDashboardName(component, name, dashboardName);
    const body = widgets.apply((w) => JSON.stringify({ widgets: w }));
    return new aws.cloudwatch.Dashboard(name, { dashboardName, dashboardBody: body }, { parent });
}
