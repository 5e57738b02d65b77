/**
 * The S3 bucket baseline. AWS provider v7 keeps each bucket setting in a resource of its own, so these are
 * stack policies: each bucket must have its companion resource, found by the `bucket` input (which is the
 * bucket's id, i.e. its name) or by CrossGuard's property dependencies during a preview.
 *
 * Settings given inline on a (deprecated-style) bucket count as well, but only as evidence for: the
 * provider reports S3's own defaults in the bucket's outputs, which must not mask a missing companion.
 */
import { asArray, asObject, asString, isUnknown, Plain, UNKNOWN, Unknown } from "./support/plain";
import { companionsOf, globMatches, knownIdentities } from "./support/companions";
import { StackContext, StackResource, stackPolicy } from "./support/define";
import { conditionsOn, parseDocument, Statement } from "./support/iam-document";

export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const PUBLIC_ACCESS_BLOCK_TYPES = ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"];
const ENCRYPTION_TYPES = [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];
const VERSIONING_TYPES = ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"];
const OWNERSHIP_TYPES = ["aws:s3/bucketOwnershipControls:BucketOwnershipControls"];
const BUCKET_POLICY_TYPES = ["aws:s3/bucketPolicy:BucketPolicy"];

interface BucketFacts {
    readonly bucket: StackResource;
    readonly identities: ReadonlySet<string>;
    /** The bucket's name when known. */
    readonly name: string | undefined;
}

function buckets(resources: readonly StackResource[]): BucketFacts[] {
    return resources
        .filter((r) => BUCKET_TYPES.includes(r.type))
        .map((bucket) => {
            const identities = knownIdentities(bucket, ["id", "bucket"]);
            return { bucket, identities, name: asString(bucket.props.bucket) ?? asString(bucket.props.id) };
        });
}

/**
 * Runs `judge` on each bucket's companions of `types`; when there is none, and the bucket's inline
 * settings do not satisfy the rule either, reports `missing`.
 */
function forEachBucket(
    context: StackContext<object>,
    types: readonly string[],
    missing: string,
    judge: (facts: BucketFacts, companions: StackResource[]) => void,
    inlineSatisfies: (bucket: StackResource) => boolean = () => false,
): void {
    for (const facts of buckets(context.resources)) {
        const companions = companionsOf(facts.bucket, facts.identities, context.resources, types, "bucket");
        if (isUnknown(companions)) {
            context.undetermined.note(`bucket of the companions of ${facts.bucket.name}`);
            continue;
        }
        if (companions.length === 0) {
            if (!inlineSatisfies(facts.bucket)) context.report(facts.bucket, missing);
            continue;
        }
        judge(facts, companions);
    }
}

export const s3BlockPublicAccess = stackPolicy({
    name: "s3-block-public-access",
    description:
        "Every S3 bucket has a BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and " +
        "restrictPublicBuckets all true (new buckets default to this; setting it makes the plan show and keep it).",
    control: { id: "S3.8", title: "S3 general purpose buckets should block public access" },
    severity: "critical",
    remediation: "Add an aws.s3.BucketPublicAccessBlock for the bucket with all four settings true.",
    types: [...BUCKET_TYPES, ...PUBLIC_ACCESS_BLOCK_TYPES],
    check: (context) => {
        const settings = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
        forEachBucket(
            context,
            PUBLIC_ACCESS_BLOCK_TYPES,
            "Bucket has no BucketPublicAccessBlock.",
            (facts, companions) => {
                // Several blocks for one bucket would fight; the strictest reading is that each must be complete.
                for (const block of companions) {
                    const off = settings.filter((s) => block.props[s] !== true && !isUnknown(block.props[s]));
                    if (settings.some((s) => isUnknown(block.props[s])))
                        context.undetermined.note(`${block.name} settings`);
                    if (off.length > 0)
                        context.report(
                            facts.bucket,
                            `BucketPublicAccessBlock "${block.name}" leaves ${off.join(", ")} off.`,
                        );
                }
            },
        );
    },
});

function sseAlgorithms(rules: Plain): (string | Unknown)[] {
    if (isUnknown(rules)) return [UNKNOWN];
    return asArray(rules).map((rule) => {
        const byDefault = asObject(rule as Plain)?.applyServerSideEncryptionByDefault;
        if (isUnknown(byDefault)) return UNKNOWN;
        const algorithm = asObject(byDefault as Plain)?.sseAlgorithm;
        return isUnknown(algorithm) ? UNKNOWN : (asString(algorithm as Plain) ?? "none");
    });
}

function kmsKeyIds(rules: Plain): Plain[] {
    return asArray(rules).map(
        (rule) => asObject(asObject(rule as Plain)?.applyServerSideEncryptionByDefault as Plain)?.kmsMasterKeyId,
    );
}

const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

export const s3SseKms = stackPolicy({
    name: "s3-sse-kms",
    description:
        "Every S3 bucket's default encryption is SSE-KMS (aws:kms or aws:kms:dsse) with a named customer-managed key " +
        "(kmsMasterKeyId), so the key policy controls who can read the data, across accounts too.",
    control: { id: "S3.17", title: "S3 general purpose buckets should be encrypted at rest with AWS KMS keys" },
    severity: "high",
    remediation:
        'Add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms" and kmsMasterKeyId set to the key ARN.',
    types: [...BUCKET_TYPES, ...ENCRYPTION_TYPES],
    check: (context) => {
        const inlineKms = (bucket: StackResource) => {
            const rule = asObject(asObject(bucket.props.serverSideEncryptionConfiguration)?.rule as Plain);
            const byDefault = asObject(rule?.applyServerSideEncryptionByDefault as Plain);
            return (
                KMS_ALGORITHMS.includes(asString(byDefault?.sseAlgorithm as Plain) ?? "") &&
                typeof byDefault?.kmsMasterKeyId === "string"
            );
        };
        forEachBucket(
            context,
            ENCRYPTION_TYPES,
            "Bucket has no BucketServerSideEncryptionConfiguration (SSE-KMS).",
            (facts, companions) => {
                for (const config of companions) {
                    const algorithms = sseAlgorithms(config.props.rules);
                    if (algorithms.some(isUnknown)) context.undetermined.note(`${config.name}.rules`);
                    const notKms = algorithms.filter(
                        (a): a is string => typeof a === "string" && !KMS_ALGORITHMS.includes(a),
                    );
                    if (algorithms.length === 0 || notKms.length > 0) {
                        context.report(
                            facts.bucket,
                            `Default encryption "${config.name}" uses ${notKms.length > 0 ? notKms.join(", ") : "no algorithm"}, not SSE-KMS.`,
                        );
                        continue;
                    }
                    const keys = kmsKeyIds(config.props.rules);
                    if (keys.some(isUnknown)) context.undetermined.note(`${config.name}.rules kmsMasterKeyId`);
                    if (keys.some((k) => k === undefined || k === null || k === "")) {
                        context.report(
                            facts.bucket,
                            `Default encryption "${config.name}" uses SSE-KMS without kmsMasterKeyId (the AWS-managed aws/s3 key cannot be shared across accounts or governed by a key policy).`,
                        );
                    }
                }
            },
            inlineKms,
        );
    },
});

export const s3Versioning = stackPolicy({
    name: "s3-versioning",
    description:
        "Every S3 bucket has versioning Enabled (a BucketVersioning resource), so an overwritten or deleted landing object can be recovered.",
    control: { id: "S3.14", title: "S3 general purpose buckets should have versioning enabled" },
    severity: "medium",
    remediation: 'Add an aws.s3.BucketVersioning with versioningConfiguration.status "Enabled".',
    types: [...BUCKET_TYPES, ...VERSIONING_TYPES],
    check: (context) => {
        forEachBucket(
            context,
            VERSIONING_TYPES,
            "Bucket has no BucketVersioning.",
            (facts, companions) => {
                for (const versioning of companions) {
                    const configuration = versioning.props.versioningConfiguration;
                    const status = isUnknown(configuration) ? UNKNOWN : asObject(configuration)?.status;
                    if (isUnknown(status))
                        context.undetermined.note(`${versioning.name}.versioningConfiguration.status`);
                    else if (status !== "Enabled")
                        context.report(
                            facts.bucket,
                            `BucketVersioning "${versioning.name}" has status ${JSON.stringify(status ?? null)}, not "Enabled".`,
                        );
                }
            },
            (bucket) => asObject(bucket.props.versioning)?.enabled === true,
        );
    },
});

export const s3OwnershipEnforced = stackPolicy({
    name: "s3-ownership-enforced",
    description:
        "Every S3 bucket has BucketOwnershipControls with objectOwnership BucketOwnerEnforced: ACLs are disabled and the bucket owner owns every object, including those written by another account.",
    control: { id: "S3.12", title: "ACLs should not be used to manage user access to S3 general purpose buckets" },
    severity: "medium",
    remediation: 'Add an aws.s3.BucketOwnershipControls with rule.objectOwnership "BucketOwnerEnforced".',
    types: [...BUCKET_TYPES, ...OWNERSHIP_TYPES],
    check: (context) => {
        forEachBucket(
            context,
            OWNERSHIP_TYPES,
            "Bucket has no BucketOwnershipControls (BucketOwnerEnforced).",
            (facts, companions) => {
                for (const ownership of companions) {
                    const rule = ownership.props.rule;
                    const setting = isUnknown(rule) ? UNKNOWN : asObject(rule)?.objectOwnership;
                    if (isUnknown(setting)) context.undetermined.note(`${ownership.name}.rule.objectOwnership`);
                    else if (setting !== "BucketOwnerEnforced")
                        context.report(
                            facts.bucket,
                            `BucketOwnershipControls "${ownership.name}" sets ${JSON.stringify(setting ?? null)}, not "BucketOwnerEnforced".`,
                        );
                }
            },
        );
    },
});

function deniesEveryone(statement: Statement): boolean {
    return statement.effect === "Deny" && statement.principal?.everyone === true;
}

function coversAllS3(statement: Statement): boolean {
    return (statement.actions ?? []).some((a) => typeof a === "string" && (a === "*" || a.toLowerCase() === "s3:*"));
}

function requiresSecureTransport(statement: Statement): boolean {
    return conditionsOn(statement, "aws:SecureTransport").some(
        (c) =>
            /^Bool(IfExists)?$/.test(c.operator) &&
            c.values.length > 0 &&
            c.values.every((v) => typeof v === "string" && v.toLowerCase() === "false"),
    );
}

/** Whether the statement's resources cover both the bucket and every object in it. */
function coversBucketAndObjects(statement: Statement, bucketName: string): boolean {
    const resources = (statement.resources ?? []).filter((r): r is string => typeof r === "string");
    const bucketArn = `arn:aws:s3:::${bucketName}`;
    const covers = (arn: string) =>
        resources.some((pattern) => globMatches(pattern.replace(/^arn:aws[a-z-]*:/, "arn:aws:"), arn));
    return covers(bucketArn) && covers(`${bucketArn}/any/object/key`);
}

/** The TLS-only statement of one policy document: found, absent, or not yet known. */
function tlsOnlyState(policy: Plain, bucketName: string | undefined): "present" | "absent" | "partial" | Unknown {
    const document = parseDocument(policy);
    if (document.state === "unknown") return UNKNOWN;
    if (document.state === "invalid") return "absent";
    const candidates = document.statements.filter(
        (s) => deniesEveryone(s) && coversAllS3(s) && requiresSecureTransport(s),
    );
    if (candidates.length === 0) return "absent";
    if (bucketName === undefined) return UNKNOWN;
    return candidates.some((s) => coversBucketAndObjects(s, bucketName)) ? "present" : "partial";
}

export const s3TlsOnly = stackPolicy({
    name: "s3-tls-only",
    description:
        'Every S3 bucket has a bucket policy with a Deny of s3:* to Principal "*" when aws:SecureTransport is false, ' +
        "covering the bucket and its objects, so nothing reaches the data over plain HTTP.",
    control: { id: "S3.5", title: "S3 general purpose buckets should require requests to use SSL" },
    severity: "high",
    remediation:
        'Add to the bucket policy: {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [<bucket ARN>, <bucket ARN>/*], ' +
        '"Condition": {"Bool": {"aws:SecureTransport": "false"}}}.',
    types: [...BUCKET_TYPES, ...BUCKET_POLICY_TYPES],
    check: (context) => {
        for (const facts of buckets(context.resources)) {
            const companions = companionsOf(
                facts.bucket,
                facts.identities,
                context.resources,
                BUCKET_POLICY_TYPES,
                "bucket",
            );
            if (isUnknown(companions)) {
                context.undetermined.note(`bucket of the bucket policies of ${facts.bucket.name}`);
                continue;
            }
            const documents: Array<{ readonly source: string; readonly policy: Plain }> = companions.map((c) => ({
                source: `bucket policy "${c.name}"`,
                policy: c.props.policy,
            }));
            if (
                facts.bucket.props.policy !== undefined &&
                facts.bucket.props.policy !== null &&
                facts.bucket.props.policy !== ""
            ) {
                documents.push({ source: "the bucket's inline policy", policy: facts.bucket.props.policy });
            }
            if (documents.length === 0) {
                context.report(
                    facts.bucket,
                    "Bucket has no bucket policy, so nothing denies requests without TLS (aws:SecureTransport = false).",
                );
                continue;
            }
            const states = documents.map((d) => ({ ...d, state: tlsOnlyState(d.policy, facts.name) }));
            if (states.some((s) => s.state === "present")) continue;
            if (states.some((s) => isUnknown(s.state))) {
                context.undetermined.note(`policy of ${facts.bucket.name}`);
                continue;
            }
            const partial = states.find((s) => s.state === "partial");
            context.report(
                facts.bucket,
                partial
                    ? `${partial.source} denies non-TLS requests but not on both arn:aws:s3:::${facts.name} and arn:aws:s3:::${facts.name}/*.`
                    : `${states.map((s) => s.source).join(" and ")} has no Deny of s3:* to "*" when aws:SecureTransport is false.`,
            );
        }
    },
});

export const s3Policies = [s3BlockPublicAccess, s3TlsOnly, s3SseKms, s3Versioning, s3OwnershipEnforced];
