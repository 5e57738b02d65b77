/**
 * Keys, logs and the resources that hold data: KMS rotation, log retention, deletion protection.
 */
import { resourcePolicy } from "./support/define";
import { asArray, isUnknown } from "./support/plain";

const KEY = "aws:kms/key:Key";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";

export const kmsKeyRotation = resourcePolicy({
    name: "kms-key-rotation",
    description:
        "Every symmetric encryption KMS key the stack creates has automatic rotation enabled (asymmetric, HMAC and " +
        "external key stores do not support it and are skipped).",
    control: { id: "KMS.4", title: "AWS KMS key rotation should be enabled" },
    severity: "medium",
    remediation: "Set enableKeyRotation: true on the key.",
    types: [KEY],
    check: (context) => {
        const { customerMasterKeySpec, keyUsage, customKeyStoreId, enableKeyRotation } = context.props;
        if (isUnknown(customerMasterKeySpec) || isUnknown(keyUsage) || isUnknown(customKeyStoreId))
            return context.undetermined.note("key spec");
        const symmetric =
            (customerMasterKeySpec ?? "SYMMETRIC_DEFAULT") === "SYMMETRIC_DEFAULT" &&
            (keyUsage ?? "ENCRYPT_DECRYPT") === "ENCRYPT_DECRYPT";
        if (!symmetric || (typeof customKeyStoreId === "string" && customKeyStoreId !== "")) return;
        if (isUnknown(enableKeyRotation)) return context.undetermined.note("enableKeyRotation");
        if (enableKeyRotation !== true)
            context.report("Symmetric KMS key does not rotate (enableKeyRotation is not true).");
    },
});

interface RetentionConfig {
    readonly minimumRetentionDays: number;
}

/** Security Hub's default for CloudWatch.16. */
export const DEFAULT_MINIMUM_LOG_RETENTION_DAYS = 365;

export const logGroupRetention = resourcePolicy<RetentionConfig>({
    name: "cloudwatch-log-group-retention",
    description:
        "Every CloudWatch log group sets retentionInDays (never-expire is not a retention) of at least " +
        `minimumRetentionDays (${DEFAULT_MINIMUM_LOG_RETENTION_DAYS} by default, the control's default).`,
    control: { id: "CloudWatch.16", title: "CloudWatch log groups should be retained for a specified time period" },
    severity: "medium",
    remediation: "Set retentionInDays, or set minimumRetentionDays for this policy in the pack config.",
    configProperties: {
        minimumRetentionDays: {
            type: "integer",
            minimum: 1,
            maximum: 3653,
            default: DEFAULT_MINIMUM_LOG_RETENTION_DAYS,
        },
    },
    types: [LOG_GROUP],
    check: (context) => {
        const minimum = context.config.minimumRetentionDays ?? DEFAULT_MINIMUM_LOG_RETENTION_DAYS;
        const days = context.props.retentionInDays;
        if (isUnknown(days)) return context.undetermined.note("retentionInDays");
        if (typeof days !== "number" || days === 0)
            context.report("Log group never expires its events (retentionInDays is not set).");
        else if (days < minimum) context.report(`Log group keeps events ${days} days; the minimum is ${minimum}.`);
    },
});

/** Resources whose deletion loses data or locks data away (a deleted key makes its ciphertext unreadable). */
export const DEFAULT_STATEFUL_TYPES: readonly string[] = [
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:kms/key:Key",
    "aws:kinesis/stream:Stream",
    "aws:glue/catalogDatabase:CatalogDatabase",
    "aws:glue/catalogTable:CatalogTable",
    "aws:redshift/cluster:Cluster",
    "aws:redshiftserverless/namespace:Namespace",
    "aws:dynamodb/table:Table",
    "aws:rds/cluster:Cluster",
    "aws:rds/instance:Instance",
    "aws:secretsmanager/secret:Secret",
];

interface ProtectionConfig {
    readonly statefulTypes: readonly string[];
}

export const statefulResourcesProtected = resourcePolicy<ProtectionConfig>({
    name: "stateful-resources-protected",
    description:
        "Every resource that holds data (buckets, KMS keys, streams, Glue catalog databases and tables, databases, " +
        "secrets; the list is the statefulTypes config) is created with `protect: true`, so no preview-less " +
        "`pulumi up` or refactor can delete it.",
    severity: "high",
    remediation: "Pass { protect: true } in the resource options (a component can pass it to its stateful children).",
    configProperties: {
        statefulTypes: {
            type: "array",
            items: { type: "string", pattern: "^[a-z0-9-]+:[A-Za-z0-9/]+:[A-Za-z0-9]+$" },
            default: [...DEFAULT_STATEFUL_TYPES],
        },
    },
    // The stateful list comes from config, so the check sees every type.
    types: "any",
    check: (context) => {
        const stateful = asArray((context.config.statefulTypes as string[] | undefined) ?? [...DEFAULT_STATEFUL_TYPES]);
        if (!stateful.includes(context.type)) return;
        if (!context.protect) context.report(`${context.type} holds data but is not protected (protect: true).`);
    },
});

export const operationsPolicies = [kmsKeyRotation, logGroupRetention, statefulResourcesProtected];
