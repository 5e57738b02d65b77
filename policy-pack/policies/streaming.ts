/**
 * Kinesis Data Streams and Firehose: encryption at rest, retention, and where failed records go.
 */
import { resourcePolicy } from "./support/define";
import { asObject, asString, isUnknown, Plain } from "./support/plain";

const STREAM = "aws:kinesis/stream:Stream";
const FIREHOSE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream";

export const kinesisStreamEncrypted = resourcePolicy({
    name: "kinesis-stream-encrypted",
    description: 'Every Kinesis data stream uses server-side encryption: encryptionType "KMS" with a kmsKeyId.',
    control: { id: "Kinesis.1", title: "Kinesis streams should be encrypted at rest" },
    severity: "high",
    remediation: 'Set encryptionType: "KMS" and kmsKeyId to a customer-managed key (or "alias/aws/kinesis").',
    types: [STREAM],
    check: (context) => {
        const { encryptionType, kmsKeyId } = context.props;
        if (isUnknown(encryptionType)) return context.undetermined.note("encryptionType");
        if (encryptionType !== "KMS") {
            context.report(
                `Stream is not encrypted at rest (encryptionType ${JSON.stringify(encryptionType ?? "NONE")}, not "KMS").`,
            );
            return;
        }
        if (isUnknown(kmsKeyId)) return context.undetermined.note("kmsKeyId");
        if (typeof kmsKeyId !== "string" || kmsKeyId === "")
            context.report('encryptionType is "KMS" but kmsKeyId is not set.');
    },
});

interface RetentionConfig {
    readonly minimumRetentionHours: number;
}

/** Security Hub's default for Kinesis.3. */
export const DEFAULT_MINIMUM_RETENTION_HOURS = 168;

export const kinesisStreamRetention = resourcePolicy<RetentionConfig>({
    name: "kinesis-stream-retention",
    description:
        "Every Kinesis data stream keeps records for at least minimumRetentionHours (168 by default, the control's " +
        "default; Kinesis itself defaults to 24), so a delivery outage longer than a day loses nothing.",
    control: { id: "Kinesis.3", title: "Kinesis streams should have an adequate data retention period" },
    severity: "medium",
    remediation:
        "Raise retentionPeriod, or set minimumRetentionHours for this policy in the pack config (documented, not silent).",
    configProperties: {
        minimumRetentionHours: {
            type: "integer",
            minimum: 24,
            maximum: 8760,
            default: DEFAULT_MINIMUM_RETENTION_HOURS,
        },
    },
    types: [STREAM],
    check: (context) => {
        const minimum = context.config.minimumRetentionHours ?? DEFAULT_MINIMUM_RETENTION_HOURS;
        const retention = context.props.retentionPeriod;
        if (isUnknown(retention)) return context.undetermined.note("retentionPeriod");
        const hours = typeof retention === "number" ? retention : 24;
        if (hours < minimum)
            context.report(
                `Stream keeps records ${hours} h${typeof retention === "number" ? "" : " (the default)"}; the minimum is ${minimum} h.`,
            );
    },
});

/** Where a delivery stream reads from: Direct PUT unless a Kinesis or MSK source is configured. */
function sourceOf(props: Record<string, Plain>): "direct-put" | "kinesis" | "msk" {
    if (props.kinesisSourceConfiguration !== undefined && props.kinesisSourceConfiguration !== null) return "kinesis";
    if (props.mskSourceConfiguration !== undefined && props.mskSourceConfiguration !== null) return "msk";
    return "direct-put";
}

export const firehoseEncrypted = resourcePolicy({
    name: "firehose-encrypted",
    description:
        "A Direct PUT delivery stream has server-side encryption enabled (with keyArn when the key is customer-managed). " +
        "A Kinesis- or MSK-sourced stream must not set it - AWS rejects SSE there; its data is protected at rest by the " +
        "source stream's encryption (kinesis-stream-encrypted) and the destination bucket's SSE-KMS (s3-sse-kms).",
    control: { id: "DataFirehose.1", title: "Firehose delivery streams should be encrypted at rest" },
    severity: "high",
    remediation:
        'Direct PUT: serverSideEncryption { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn }. Kinesis source: remove serverSideEncryption.',
    types: [FIREHOSE],
    check: (context) => {
        const sse = context.props.serverSideEncryption;
        if (isUnknown(sse)) return context.undetermined.note("serverSideEncryption");
        const settings = asObject(sse);
        if (settings !== undefined && isUnknown(settings.enabled))
            return context.undetermined.note("serverSideEncryption.enabled");
        const enabled = settings?.enabled === true;
        if (isUnknown(context.props.kinesisSourceConfiguration) || isUnknown(context.props.mskSourceConfiguration)) {
            return context.undetermined.note("kinesisSourceConfiguration");
        }
        const source = sourceOf(context.props);
        if (source !== "direct-put") {
            if (enabled)
                context.report(
                    `serverSideEncryption is enabled on a ${source === "kinesis" ? "Kinesis" : "MSK"}-sourced delivery stream; AWS accepts it only for Direct PUT, so the create fails.`,
                );
            return;
        }
        if (!enabled) {
            context.report(
                "Direct PUT delivery stream has no server-side encryption (serverSideEncryption.enabled is not true).",
            );
            return;
        }
        if (
            settings?.keyType === "CUSTOMER_MANAGED_CMK" &&
            (typeof settings.keyArn !== "string" || settings.keyArn === "")
        ) {
            if (isUnknown(settings.keyArn)) context.undetermined.note("serverSideEncryption.keyArn");
            else context.report('serverSideEncryption.keyType is "CUSTOMER_MANAGED_CMK" but keyArn is not set.');
        }
    },
});

const ERROR_OUTPUT_TYPE = "!{firehose:error-output-type}";

export const firehoseErrorOutputPrefix = resourcePolicy({
    name: "firehose-error-output-prefix",
    description:
        `A delivery stream to S3 sets an errorOutputPrefix that contains ${ERROR_OUTPUT_TYPE}, so records that fail ` +
        "(processing, format conversion, dynamic partitioning) land apart from the data and apart by kind; a prefix " +
        "with !{...} expressions is refused by AWS without one.",
    severity: "medium",
    remediation: `Set extendedS3Configuration.errorOutputPrefix, e.g. "errors/${ERROR_OUTPUT_TYPE}/!{timestamp:yyyy/MM/dd}/".`,
    types: [FIREHOSE],
    check: (context) => {
        const destination = context.props.extendedS3Configuration;
        if (isUnknown(destination)) return context.undetermined.note("extendedS3Configuration");
        const s3 = asObject(destination);
        if (s3 === undefined) return;
        const errorPrefix = s3.errorOutputPrefix;
        if (isUnknown(errorPrefix)) return context.undetermined.note("extendedS3Configuration.errorOutputPrefix");
        const prefix = asString(s3.prefix) ?? "";
        if (typeof errorPrefix !== "string" || errorPrefix.trim() === "") {
            const why = prefix.includes("!{")
                ? " (the prefix uses !{...} expressions, so AWS refuses the stream without one)"
                : "";
            context.report(`extendedS3Configuration has no errorOutputPrefix${why}.`);
            return;
        }
        if (!errorPrefix.includes(ERROR_OUTPUT_TYPE))
            context.report(
                `errorOutputPrefix "${errorPrefix}" does not contain ${ERROR_OUTPUT_TYPE}, so failures of every kind land together.`,
            );
        if (prefix !== "" && errorPrefix.startsWith(prefix.split("!{")[0]) && prefix.split("!{")[0] !== "") {
            context.report(
                `errorOutputPrefix "${errorPrefix}" lies under the data prefix "${prefix}": failed records would be crawled and loaded as data.`,
            );
        }
    },
});

export const streamingPolicies = [
    kinesisStreamEncrypted,
    kinesisStreamRetention,
    firehoseEncrypted,
    firehoseErrorOutputPrefix,
];
