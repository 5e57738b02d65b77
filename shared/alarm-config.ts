/**
 * The alarm settings both stacks read from their stack files, under the same key names in each project's
 * namespace: where notifications go (`alarmTopicArn`, `alarmEmail`) and, for the engineering stack, the
 * alarm thresholds (`alarmThresholds`). Read through the stack's ConfigReader, so a bad value is reported
 * with every other problem of the file, naming the key (and the field) and the rule.
 */
import { ConfigReader } from "./config";
import { DEFAULT_THRESHOLDS, PipelineAlarmThresholds, THRESHOLD_RULES } from "./pipeline-alarms";

/** Where a stack's alarms and failure notifications go. */
export interface AlarmTopicConfig {
    /**
     * An existing SNS topic to notify instead of the topic the stack creates. Its policy (and, with SSE-KMS,
     * its key's policy) stays its owner's, who must let this account's `cloudwatch.amazonaws.com` (and, on
     * the data-platform side, the Glue failure rule's `events.amazonaws.com`) publish.
     */
    readonly topicArn?: string;
    /** An email address subscribed to the topic the stack creates; the recipient confirms the subscription. */
    readonly email?: string;
}

/** A pragmatic address check: one `@`, no spaces, a dotted domain; SNS sends the confirmation there. */
export const EMAIL_RULE = {
    pattern:
        /^(?=.{6,254}$)[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/,
    description: "an email address such as ops@example.com",
};

/** Where the topic and the alarms live: both must be of the stack's own account and region. */
export interface TopicScope {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
}

/**
 * The ARN rule of `alarmTopicArn`: a standard (not FIFO) topic of the stack's own partition, region and
 * account. CloudWatch alarm actions name a topic of the alarm's region; the data-platform stack's
 * EventBridge target has no role, which limits it to a topic of its own account; keeping both stacks to
 * the same rule keeps "where do the alarms go" a question with one answer per account.
 */
export function alarmTopicArnRule(scope: TopicScope): { pattern: RegExp; description: string } {
    const escape = (value: string) => value.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
    return {
        pattern: new RegExp(
            `^arn:${escape(scope.partition)}:sns:${escape(scope.region)}:${escape(scope.accountId)}:[A-Za-z0-9_-]{1,256}$`,
        ),
        description:
            `an SNS standard topic ARN of this stack's account (${scope.accountId || "accountId"}) and region (${scope.region || "aws:region"}), ` +
            `e.g. arn:${scope.partition}:sns:${scope.region || "<region>"}:${scope.accountId || "<account>"}:ops-alerts`,
    };
}

/**
 * Reads `alarmTopicArn` (optional; default: the stack creates `tracking-<stack>-alarms`) and `alarmEmail`
 * (optional; default: no subscription). The email subscribes to the topic the stack creates only: an
 * existing topic's subscriptions are its owner's to manage (and the deployer may not subscribe to topics
 * outside the stack's `tracking-<stack>-` names).
 */
export function readAlarmTopic(reader: ConfigReader, scope: TopicScope): AlarmTopicConfig {
    const topicArn = reader.optionalString("alarmTopicArn", alarmTopicArnRule(scope));
    const email = reader.optionalString("alarmEmail", EMAIL_RULE);
    reader.check(
        topicArn === undefined || email === undefined,
        "alarmEmail",
        "only applies to the topic this stack creates; with alarmTopicArn set, subscribe to that topic where it is managed",
        email,
    );
    return { ...(topicArn !== undefined ? { topicArn } : {}), ...(email !== undefined ? { email } : {}) };
}

const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/**
 * Reads `alarmThresholds` (optional): a YAML object whose fields override {@link DEFAULT_THRESHOLDS}, e.g.
 *
 * ```yaml
 * tracking-engineering:alarmThresholds:
 *   api5xxErrorRate: 0.05
 *   apiLatencyP99Milliseconds: 2000
 * ```
 *
 * Every field must be a known threshold and a plain number within that threshold's range
 * (`THRESHOLD_RULES`); each bad field is reported as `<namespace>:alarmThresholds.<field>`. Fields not
 * given keep their documented default (see `PipelineAlarmThresholds` for each one's reasoning).
 */
export function readAlarmThresholds(reader: ConfigReader, key = "alarmThresholds"): PipelineAlarmThresholds {
    const resolved: { -readonly [K in keyof PipelineAlarmThresholds]: number } = { ...DEFAULT_THRESHOLDS };
    const value = reader.object<unknown>(key);
    if (value === undefined) return resolved;
    const known = Object.keys(THRESHOLD_RULES).join(", ");
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        reader.check(false, key, `must be a YAML object of threshold overrides (fields: ${known})`, value);
        return resolved;
    }
    for (const [field, given] of Object.entries(value as Record<string, unknown>)) {
        if (!hasOwn(THRESHOLD_RULES, field)) {
            reader.check(false, `${key}.${field}`, `is not a known threshold (known: ${known})`);
            continue;
        }
        const name = field as keyof PipelineAlarmThresholds;
        const { min, max, rule } = THRESHOLD_RULES[name];
        if (typeof given !== "number" || !Number.isFinite(given) || given < min || given > max) {
            reader.check(
                false,
                `${key}.${field}`,
                `must be ${rule}${typeof given === "number" ? "" : " (a YAML number, not a string)"}`,
                given,
            );
            continue;
        }
        resolved[name] = given;
    }
    return resolved;
}
