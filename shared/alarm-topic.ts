import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { allowPrincipal, policyDocument, PolicyStatement } from "./iam";

export interface AlarmTopicArgs {
    /** Physical name of the topic this component creates, e.g. `tracking-dev-alarms` (1-256 letters, digits, `-`, `_`). */
    readonly topicName: string;
    /** The account and region of the topic, which are those of the alarms and rules that publish to it. */
    readonly scope: { readonly partition: string; readonly region: string; readonly accountId: string };
    /**
     * Notify this existing topic instead: nothing is created, and neither its policy nor its subscriptions
     * are touched (they are its owner's). See {@link cloudWatchAlarmsPublishStatement} for what the owner
     * must allow.
     */
    readonly existingTopicArn?: string;
    /** An email address subscribed to the created topic; the recipient confirms by email. Not with `existingTopicArn`. */
    readonly email?: string;
    /**
     * Write the created topic's policy, letting CloudWatch alarms of this account whose names start with
     * `alarmNamePrefix` publish. Omit it when another component writes the topic's whole policy (an SNS
     * topic has exactly one; `GlueJobFailureAlarm` writes one that admits this account's alarms too).
     */
    readonly cloudWatchAlarms?: { readonly alarmNamePrefix: string };
    /** Shown as the sender name of email notifications (at most 100 characters). */
    readonly displayName?: string;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const TOPIC_ARN = /^arn:(aws|aws-cn|aws-us-gov):sns:([a-z0-9-]+):(\d{12}):[A-Za-z0-9_-]{1,256}$/;

export function topicArnOf(scope: AlarmTopicArgs["scope"], topicName: string): string {
    return `arn:${scope.partition}:sns:${scope.region}:${scope.accountId}:${topicName}`;
}

/**
 * What lets CloudWatch alarms publish to a topic whose policy is not the default one: the service
 * principal, narrowed to alarms of this account (`aws:SourceAccount`) whose names carry the stack's prefix
 * (`aws:SourceArn`), the confused-deputy conditions the CloudWatch user guide shows for SNS alarm actions.
 * Identity policies of the account keep managing the topic; nothing else may publish.
 */
export function cloudWatchAlarmsPublishStatement(
    topicArn: string,
    scope: AlarmTopicArgs["scope"],
    alarmNamePrefix: string,
): PolicyStatement {
    return allowPrincipal(
        "CloudWatchAlarmsOfThisStack",
        { Service: "cloudwatch.amazonaws.com" },
        ["sns:Publish"],
        [topicArn],
        {
            ArnLike: {
                "aws:SourceArn": `arn:${scope.partition}:cloudwatch:${scope.region}:${scope.accountId}:alarm:${alarmNamePrefix}*`,
            },
            StringEquals: { "aws:SourceAccount": scope.accountId },
        },
    );
}

/**
 * The SNS topic a stack's alarms and failure notifications go to: created here (`tracking-<stack>-alarms`),
 * with an optional email subscription and, when asked, the policy that lets the stack's CloudWatch alarms
 * publish - or an existing topic, used as it is.
 *
 * Encryption: the created topic is not SSE-KMS encrypted, on purpose. SNS encryption at rest covers a
 * message only for the seconds SNS holds it before delivery, and these messages are operational metadata
 * (alarm name, metric, threshold, state change; a Glue job name, run id and state) delivered in plain text
 * to an email inbox anyway. An SSE-KMS topic would add a key whose policy must admit
 * `cloudwatch.amazonaws.com` and `events.amazonaws.com` (kms:GenerateDataKey, kms:Decrypt), and a
 * mistake there drops notifications silently - the failure mode an alarm topic must not have. The
 * AWS-managed `alias/aws/sns` key is no alternative: its policy cannot be changed to admit those services.
 * An existing topic given by `existingTopicArn` may be encrypted; its key policy is then its owner's.
 */
export class AlarmTopic extends pulumi.ComponentResource {
    /** The ARN every alarm and rule notifies (created or existing). */
    readonly topicArn: pulumi.Output<string>;
    /** Whether this component created the topic (false: `existingTopicArn`). */
    readonly created: boolean;
    readonly topic?: aws.sns.Topic;
    readonly policy?: aws.sns.TopicPolicy;
    readonly subscription?: aws.sns.TopicSubscription;

    constructor(name: string, args: AlarmTopicArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:AlarmTopic", name, {}, opts);
        const where = `AlarmTopic ${name}`;
        const { scope } = args;

        if (args.existingTopicArn !== undefined) {
            const match = TOPIC_ARN.exec(args.existingTopicArn);
            if (!match)
                throw new Error(
                    `${where}: existingTopicArn must be an SNS standard topic ARN (arn:<partition>:sns:<region>:<account>:<name>), got "${args.existingTopicArn}"`,
                );
            if (match[1] !== scope.partition || match[2] !== scope.region || match[3] !== scope.accountId) {
                throw new Error(
                    `${where}: existingTopicArn must be a topic of ${scope.accountId} in ${scope.region} (alarm actions name a topic of their own region), got "${args.existingTopicArn}"`,
                );
            }
            if (args.email !== undefined)
                throw new Error(
                    `${where}: email only applies to a topic this component creates; subscribe to ${args.existingTopicArn} where it is managed`,
                );
            if (args.cloudWatchAlarms !== undefined)
                throw new Error(
                    `${where}: cloudWatchAlarms writes the policy of a topic this component creates; an existing topic's policy is its owner's`,
                );
            this.created = false;
            this.topicArn = pulumi.output(args.existingTopicArn);
            this.registerOutputs({ topicArn: this.topicArn });
            return;
        }

        if (!TOPIC_NAME.test(args.topicName))
            throw new Error(
                `${where}: topicName must be 1-256 letters, digits, '-' or '_', got ${JSON.stringify(args.topicName)}`,
            );
        if (args.displayName !== undefined && args.displayName.length > 100)
            throw new Error(`${where}: displayName must be at most 100 characters`);
        if (
            args.cloudWatchAlarms !== undefined &&
            !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(args.cloudWatchAlarms.alarmNamePrefix)
        ) {
            throw new Error(
                `${where}: cloudWatchAlarms.alarmNamePrefix must be letters, digits, '.', '_' or '-', got ${JSON.stringify(args.cloudWatchAlarms.alarmNamePrefix)}`,
            );
        }

        // No kmsMasterKeyId: see the class comment for why this topic is not SSE-KMS encrypted.
        this.topic = new aws.sns.Topic(
            name,
            {
                name: args.topicName,
                ...(args.displayName !== undefined ? { displayName: args.displayName } : {}),
                tags: args.tags,
            },
            { parent: this },
        );
        this.created = true;
        this.topicArn = this.topic.arn;

        const alarms = args.cloudWatchAlarms;
        if (alarms !== undefined) {
            this.policy = new aws.sns.TopicPolicy(
                name,
                {
                    arn: this.topic.arn,
                    policy: this.topic.arn.apply((topicArn) =>
                        policyDocument(
                            [cloudWatchAlarmsPublishStatement(topicArn, scope, alarms.alarmNamePrefix)],
                            `topic policy of AlarmTopic "${name}"`,
                        ),
                    ),
                },
                { parent: this },
            );
        }

        if (args.email !== undefined) {
            // Pending until the recipient follows the confirmation link; SNS removes it if nobody ever does.
            this.subscription = new aws.sns.TopicSubscription(
                `${name}-email`,
                {
                    topic: this.topic.arn,
                    protocol: "email",
                    endpoint: args.email,
                },
                { parent: this },
            );
        }

        this.registerOutputs({ topicArn: this.topicArn });
    }
}
