import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The metric the load job publishes once per run: the rows it set aside under `_bad-rows/` (a Count). */
export const BAD_ROWS_METRIC = "BadRows";

export interface GlueBadRowsAlarmArgs {
    /** The alarm's name, e.g. `tracking-dev-user-events-bad-rows`. */
    readonly alarmName: string;
    /** The load job whose runs publish the metric (its `JobName` dimension). */
    readonly jobName: pulumi.Input<string>;
    /** The namespace the job publishes into (its `--metrics_namespace` argument): one constant for both. */
    readonly namespace: string;
    /** The SNS topic notified when rows are set aside, and again when a run sets none aside. */
    readonly topicArn: pulumi.Input<string>;
    /** Evaluation window; a scheduled job publishes once per run, so at least its interval. Default 900 s. */
    readonly periodSeconds?: number;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * Notifies when a load run sets rows aside: the job loaded the rest and advanced its bookmark, so nothing
 * stalls, but someone must read `_bad-rows/<pipeline>/` (each row with its reasons) and replay them once the
 * cause is fixed. Missing data is not breaching: no run, or a run with nothing new, is not a bad row.
 */
export class GlueBadRowsAlarm extends pulumi.ComponentResource {
    readonly alarm: aws.cloudwatch.MetricAlarm;

    constructor(name: string, args: GlueBadRowsAlarmArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:GlueBadRowsAlarm", name, {}, opts);
        const period = args.periodSeconds ?? 900;
        if (!Number.isInteger(period) || period < 60 || period % 60 !== 0) {
            throw new Error(
                `GlueBadRowsAlarm ${name}: periodSeconds must be a positive multiple of 60 (got ${period})`,
            );
        }
        this.alarm = new aws.cloudwatch.MetricAlarm(
            name,
            {
                name: args.alarmName,
                alarmDescription: pulumi.interpolate`Load job ${args.jobName} set rows aside under _bad-rows/ (reasons per row); the rest loaded. Fix the cause, then replay them (README, Operations).`,
                namespace: args.namespace,
                metricName: BAD_ROWS_METRIC,
                dimensions: { JobName: args.jobName },
                statistic: "Sum",
                comparisonOperator: "GreaterThanThreshold",
                threshold: 0,
                period,
                evaluationPeriods: 1,
                datapointsToAlarm: 1,
                treatMissingData: "notBreaching",
                actionsEnabled: true,
                alarmActions: [args.topicArn],
                okActions: [args.topicArn],
                tags: args.tags,
            },
            { parent: this },
        );
        this.registerOutputs({ alarmName: this.alarm.name });
    }
}
