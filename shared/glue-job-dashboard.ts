import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentDashboard, MetricLine, MetricWidget, metricWidget as widget } from "./dashboard-widgets";

export interface GlueJobDashboardArgs {
    /** The dashboard's name, e.g. `tracking-dev-user-events-load` (letters, digits, `-` and `_`, at most 255). */
    readonly dashboardName: string;
    /** The region whose metrics the widgets show (the stack's `aws:region`). */
    readonly region: string;
    /** The pipeline's Glue load job (its job metrics are on: `--enable-metrics`). */
    readonly jobName: pulumi.Input<string>;
    /**
     * The EventBridge rule that notifies failed runs of the stack's jobs (`GlueJobFailureAlarm`), when there
     * is one: its matches and failed deliveries to the topic are graphed too. One rule covers every job, so
     * this graph is the same on every pipeline's dashboard.
     */
    readonly failureRuleName?: pulumi.Input<string>;
}

/**
 * Glue job metrics (`--enable-metrics`) per job, aggregated over its runs: namespace `Glue`, dimensions
 * `JobName`, `JobRunId` = `ALL` and `Type` = `count` for the driver's `aggregate` metrics ("Monitoring AWS
 * Glue using Amazon CloudWatch metrics"). They are emitted every 30 s while a run works, so a run shorter
 * than that, or an idle interval, shows as a gap rather than a zero.
 */
function glueMetric(jobName: string, metric: string, stat: string, label: string): MetricLine {
    return [
        "Glue",
        `glue.driver.aggregate.${metric}`,
        "JobName",
        jobName,
        "JobRunId",
        "ALL",
        "Type",
        "count",
        { stat, label },
    ];
}

/**
 * The widgets of one pipeline's data-platform dashboard, in the order a load goes: what the job read, how
 * long it ran, the Spark tasks that failed or were killed (retried within the run, the early sign of a
 * failing load), and - when given - the failure rule's matches and its failed deliveries to the topic.
 */
export function glueJobDashboardWidgets(names: {
    region: string;
    jobName: string;
    failureRuleName?: string;
}): MetricWidget[] {
    const { region, jobName } = names;
    const widgets = [
        widget(
            "Load job: data read",
            region,
            [
                glueMetric(jobName, "recordsRead", "Sum", "records read"),
                glueMetric(jobName, "bytesRead", "Sum", "bytes read"),
            ],
            "per 5 min",
        ),
        widget(
            "Load job: run time (ms)",
            region,
            [glueMetric(jobName, "elapsedTime", "Maximum", "elapsed time of the longest run")],
            "ms",
        ),
        widget(
            "Load job: failed and killed Spark tasks",
            region,
            [
                glueMetric(jobName, "numFailedTasks", "Sum", "failed tasks"),
                glueMetric(jobName, "numKilledTasks", "Sum", "killed tasks"),
                glueMetric(jobName, "numCompletedTasks", "Sum", "completed tasks"),
            ],
            "tasks / 5 min",
        ),
    ];
    if (names.failureRuleName !== undefined) {
        const rule = ["RuleName", names.failureRuleName];
        widgets.push(
            widget(
                "Failed load runs notified (all jobs of the stack)",
                region,
                [
                    ["AWS/Events", "TriggeredRules", ...rule, { stat: "Sum", label: "failed runs matched" }],
                    [
                        "AWS/Events",
                        "FailedInvocations",
                        ...rule,
                        { stat: "Sum", label: "notifications not delivered to SNS" },
                    ],
                ],
                "events / 5 min",
            ),
        );
    }
    return widgets;
}

/**
 * One CloudWatch dashboard for one pipeline's data-platform side: its Glue load job's metrics and the
 * stack's failure-notification rule. (The S3 crawlers publish no CloudWatch metrics, and Redshift's are
 * per workgroup, not per pipeline, so neither has a place here.)
 */
export class GlueJobDashboard extends pulumi.ComponentResource {
    readonly dashboard: aws.cloudwatch.Dashboard;
    readonly dashboardArn: pulumi.Output<string>;

    constructor(name: string, args: GlueJobDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:GlueJobDashboard", name, {}, opts);
        this.dashboard = componentDashboard(
            this,
            "GlueJobDashboard",
            name,
            args.dashboardName,
            pulumi.all([args.jobName, args.failureRuleName]).apply(([jobName, failureRuleName]) =>
                glueJobDashboardWidgets({
                    region: args.region,
                    jobName,
                    ...(failureRuleName !== undefined ? { failureRuleName } : {}),
                }),
            ),
        );
        this.dashboardArn = this.dashboard.dashboardArn;
        this.registerOutputs({ dashboardArn: this.dashboardArn });
    }
}
