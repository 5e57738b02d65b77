import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { allowPrincipal, policyDocumentOutput, PolicyStatementInput } from "./iam";

/** Glue job run states that mean the load did not happen. STOPPED is a person's decision, not a failure. */
export const DEFAULT_FAILURE_STATES: readonly string[] = ["FAILED", "TIMEOUT", "ERROR"];

export interface GlueJobFailureAlarmArgs {
    /** The Glue jobs to watch (their names, the `detail.jobName` of the event); at least one. */
    readonly jobNames: pulumi.Input<pulumi.Input<string>[]>;
    /** The SNS topic that receives one message per failed run (the Glue event, as JSON). */
    readonly topicArn: pulumi.Input<string>;
    /** Physical name of the EventBridge rule, e.g. `tracking-dev-glue-job-failed`. */
    readonly ruleName: string;
    /** Run states that notify. Default {@link DEFAULT_FAILURE_STATES}. */
    readonly failureStates?: readonly string[];
    /**
     * Also let CloudWatch alarms of the topic's own account and region publish (`cloudwatch.amazonaws.com`
     * with `aws:SourceAccount` and an `aws:SourceArn` alarm pattern). Default true: this component writes
     * the topic's whole policy, which replaces the default one that alarms otherwise rely on.
     */
    readonly allowCloudWatchAlarms?: boolean;
    /**
     * Write the topic's policy (default true). False for a topic this stack does not own (an existing
     * topic from config): its owner must then allow `events.amazonaws.com` to publish with `aws:SourceArn`
     * = this rule's ARN (`arn:<partition>:events:<region>:<account>:rule/<ruleName>`, see
     * {@link glueAlarmTopicPolicyStatements}), or the failure events are dropped.
     */
    readonly manageTopicPolicy?: boolean;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

const TOPIC_ARN = /^arn:(aws|aws-cn|aws-us-gov):sns:([a-z0-9-]+):(\d{12}):[A-Za-z0-9_-]{1,256}$/;
const GLUE_STATES = [
    "STARTING",
    "RUNNING",
    "STOPPING",
    "STOPPED",
    "SUCCEEDED",
    "FAILED",
    "TIMEOUT",
    "ERROR",
    "WAITING",
    "EXPIRED",
];

/** The EventBridge pattern for Glue "Glue Job State Change" events of the given jobs in the given states. */
export function glueJobStateChangePattern(jobNames: readonly string[], states: readonly string[]): string {
    return JSON.stringify({
        source: ["aws.glue"],
        "detail-type": ["Glue Job State Change"],
        detail: { jobName: [...jobNames], state: [...states] },
    });
}

/**
 * The topic policy: EventBridge may publish only for this rule (`aws:SourceArn` = the rule's ARN, the
 * condition the EventBridge user guide shows for SNS targets), and optionally CloudWatch alarms of the
 * topic's account. Identity policies in the account keep managing the topic; nothing else may publish.
 */
export function glueAlarmTopicPolicyStatements(
    topicArn: string,
    ruleArn: pulumi.Input<string>,
    allowCloudWatchAlarms: boolean,
): PolicyStatementInput[] {
    const match = TOPIC_ARN.exec(topicArn);
    if (!match)
        throw new Error(
            `GlueJobFailureAlarm: topicArn must be an SNS topic ARN (arn:<partition>:sns:<region>:<account>:<name>), got "${topicArn}"`,
        );
    const [, partition, region, account] = match;
    const statements: PolicyStatementInput[] = [
        allowPrincipal("EventBridgeGlueJobFailures", { Service: "events.amazonaws.com" }, ["sns:Publish"], [topicArn], {
            ArnEquals: { "aws:SourceArn": ruleArn },
        }),
    ];
    if (allowCloudWatchAlarms) {
        statements.push(
            allowPrincipal(
                "CloudWatchAlarmsOfThisAccount",
                { Service: "cloudwatch.amazonaws.com" },
                ["sns:Publish"],
                [topicArn],
                {
                    ArnLike: { "aws:SourceArn": `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
                    StringEquals: { "aws:SourceAccount": account },
                },
            ),
        );
    }
    return statements;
}

/**
 * Notifies an SNS topic when a Glue load job run fails: an EventBridge rule on "Glue Job State Change"
 * for the named jobs and failure states, the topic as its target, and the topic policy that lets this
 * rule (and only this rule) publish.
 *
 * One instance per topic: an SNS topic has one policy, and this component writes all of it. Watch every
 * job of a stack with one instance (`jobNames`). With an SSE-KMS topic, the key policy must also let
 * `events.amazonaws.com` use the key (kms:GenerateDataKey*, kms:Decrypt) - without `aws:SourceArn`, which
 * the KMS request from EventBridge does not carry - or the notifications are dropped.
 */
export class GlueJobFailureAlarm extends pulumi.ComponentResource {
    readonly rule: aws.cloudwatch.EventRule;
    readonly target: aws.cloudwatch.EventTarget;
    /** The topic policy this component writes; undefined with `manageTopicPolicy: false`. */
    readonly topicPolicy?: aws.sns.TopicPolicy;
    readonly ruleArn: pulumi.Output<string>;

    constructor(name: string, args: GlueJobFailureAlarmArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:GlueJobFailureAlarm", name, {}, opts);
        const where = `GlueJobFailureAlarm ${name}`;
        if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(args.ruleName)) {
            throw new Error(
                `${where}: ruleName must be 1-64 letters, digits, '.', '-' or '_' (EventBridge rule names), got ${JSON.stringify(args.ruleName)}`,
            );
        }
        const states = args.failureStates ?? DEFAULT_FAILURE_STATES;
        if (states.length === 0) throw new Error(`${where}: failureStates must name at least one state`);
        for (const state of states) {
            if (!GLUE_STATES.includes(state))
                throw new Error(
                    `${where}: failureStates: "${state}" is not a Glue job run state (one of ${GLUE_STATES.join(", ")})`,
                );
        }

        const pattern = pulumi.output(args.jobNames).apply((jobNames) => {
            if (jobNames.length === 0) throw new Error(`${where}: jobNames must name at least one Glue job`);
            return glueJobStateChangePattern(jobNames, states);
        });
        this.rule = new aws.cloudwatch.EventRule(
            name,
            {
                name: args.ruleName,
                description: `Glue load job runs ending in ${states.join("/")}`,
                eventPattern: pattern,
                state: "ENABLED",
                tags: args.tags,
            },
            { parent: this },
        );
        this.ruleArn = this.rule.arn;

        if (args.manageTopicPolicy ?? true) {
            this.topicPolicy = new aws.sns.TopicPolicy(
                name,
                {
                    arn: args.topicArn,
                    policy: pulumi
                        .output(args.topicArn)
                        .apply((topicArn) =>
                            policyDocumentOutput(
                                glueAlarmTopicPolicyStatements(
                                    topicArn,
                                    this.rule.arn,
                                    args.allowCloudWatchAlarms ?? true,
                                ),
                                `topic policy of GlueJobAlarm "${name}"`,
                            ),
                        ),
                },
                { parent: this },
            );
        }

        // The policy first: a target EventBridge cannot publish to would drop the first failure events.
        this.target = new aws.cloudwatch.EventTarget(
            name,
            { rule: this.rule.name, arn: args.topicArn, targetId: "sns" },
            { parent: this, dependsOn: this.topicPolicy ? [this.topicPolicy] : [] },
        );

        this.registerOutputs({ ruleArn: this.ruleArn });
    }
}
