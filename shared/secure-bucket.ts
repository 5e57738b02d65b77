import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { denyPrincipal, policyDocument, PolicyStatement, PolicyStatementInput } from "./iam";

/** One lifecycle rule, in the terms this project needs. */
export interface SecureBucketLifecycleRule {
    /** Rule id, unique in the bucket. */
    readonly id: string;
    /** Objects the rule applies to; the whole bucket when omitted. */
    readonly prefix?: string;
    /** Current versions expire (become noncurrent) after this many days. */
    readonly expirationDays?: number;
}

export interface SecureBucketArgs {
    /**
     * The bucket's physical name. Given, not auto-named: the deployer role's permissions are scoped to
     * `tracking-<stack>-*` names, and the other stack must be able to name the bucket in its policies.
     */
    readonly bucketName: string;
    /** The customer-managed KMS key for SSE-KMS (with S3 Bucket Keys on). */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Expiration rules; noncurrent versions and incomplete uploads are always cleaned up as well. */
    readonly lifecycleRules: readonly SecureBucketLifecycleRule[];
    /** Days a noncurrent (overwritten or deleted) version is kept. */
    readonly noncurrentVersionExpirationDays: number;
    /** Grants added to the bucket policy after the TLS-only deny, e.g. a cross-account writer's prefix. */
    readonly policyStatements?: pulumi.Input<PolicyStatementInput[]>;
    /** Protects the bucket itself from `pulumi destroy`. Default true. */
    readonly protect?: boolean;
}

/** Days after which an incomplete multipart upload's parts are removed. */
const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;

/**
 * The TLS-only statement every bucket policy starts with: a Deny on `s3:*` is the documented way to refuse
 * every plain-HTTP request, whatever the action (the model refuses a service-wide wildcard only in an Allow).
 */
export function denyInsecureTransport(bucketArn: string): PolicyStatement {
    return denyPrincipal("DenyInsecureTransport", { AWS: "*" }, ["s3:*"], [bucketArn, `${bucketArn}/*`], {
        Bool: { "aws:SecureTransport": "false" },
    });
}

/** The bucket policy JSON: the TLS-only deny, then the grants (all checked by `policyDocument`). */
export function bucketPolicyJson(bucketArn: string, grants: readonly PolicyStatement[]): string {
    if (grants.some((statement) => statement.Sid === "DenyInsecureTransport")) {
        throw new Error(
            `bucket policy of ${bucketArn}: the Sid DenyInsecureTransport is reserved for the TLS-only deny`,
        );
    }
    return policyDocument([denyInsecureTransport(bucketArn), ...grants], `bucket policy of ${bucketArn}`);
}

/**
 * An S3 bucket with every protection set explicitly, each as its own resource (the @pulumi/aws v7
 * model): Block Public Access (all four), ACLs disabled (BucketOwnerEnforced), SSE-KMS with a
 * customer-managed key and S3 Bucket Keys, versioning, lifecycle rules, and one bucket policy holding
 * the TLS-only deny plus the caller's grants. New buckets already block public access and disable ACLs;
 * they are set anyway so the plan shows them and the policy pack can check them.
 */
export class SecureBucket extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    readonly bucketName: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    readonly policy: aws.s3.BucketPolicy;
    readonly encryption: aws.s3.BucketServerSideEncryptionConfiguration;
    /** What an object written at deploy waits for: the default encryption and the policy (`dependsOn`). */
    readonly ready: pulumi.Resource[];

    constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:SecureBucket", name, {}, opts);

        if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(args.bucketName) || args.bucketName.includes("..")) {
            throw new Error(
                `SecureBucket ${name}: bucketName must be 3-63 lowercase letters, digits, dots and hyphens (got "${args.bucketName}")`,
            );
        }
        const ids = new Set<string>();
        for (const rule of args.lifecycleRules) {
            if (ids.has(rule.id)) throw new Error(`SecureBucket ${name}: lifecycle rule id "${rule.id}" is used twice`);
            ids.add(rule.id);
            if (
                rule.expirationDays !== undefined &&
                (!Number.isInteger(rule.expirationDays) || rule.expirationDays < 1)
            ) {
                throw new Error(
                    `SecureBucket ${name}: lifecycle rule "${rule.id}": expirationDays must be a positive integer (got ${rule.expirationDays})`,
                );
            }
        }

        this.bucket = new aws.s3.Bucket(
            name,
            { bucket: args.bucketName, forceDestroy: false },
            { parent: this, protect: args.protect ?? true },
        );
        const bucketId = this.bucket.id;

        const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(
            name,
            {
                bucket: bucketId,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            { parent: this },
        );

        new aws.s3.BucketOwnershipControls(
            name,
            {
                bucket: bucketId,
                rule: { objectOwnership: "BucketOwnerEnforced" },
            },
            { parent: this },
        );

        this.encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
            name,
            {
                bucket: bucketId,
                rules: [
                    {
                        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn },
                        // One data key per bucket instead of per object: fewer KMS calls, and the encryption
                        // context KMS sees is the bucket ARN (what the key policy's conditions name).
                        bucketKeyEnabled: true,
                    },
                ],
            },
            { parent: this },
        );

        const versioning = new aws.s3.BucketVersioning(
            name,
            {
                bucket: bucketId,
                versioningConfiguration: { status: "Enabled" },
            },
            { parent: this },
        );

        new aws.s3.BucketLifecycleConfiguration(
            name,
            {
                bucket: bucketId,
                rules: [
                    {
                        id: "noncurrent-versions-and-incomplete-uploads",
                        status: "Enabled",
                        filter: { prefix: "" },
                        noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionExpirationDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS },
                        expiration: { expiredObjectDeleteMarker: true },
                    },
                    ...args.lifecycleRules.map((rule) => ({
                        id: rule.id,
                        status: "Enabled",
                        filter: { prefix: rule.prefix ?? "" },
                        ...(rule.expirationDays !== undefined ? { expiration: { days: rule.expirationDays } } : {}),
                    })),
                ],
            },
            { parent: this, dependsOn: [versioning] },
        );

        this.arn = this.bucket.arn;
        this.bucketName = this.bucket.bucket;
        const grants = pulumi.output((args.policyStatements ?? []) as pulumi.Input<PolicyStatement[]>);
        this.policy = new aws.s3.BucketPolicy(
            name,
            {
                bucket: bucketId,
                policy: pulumi.all([this.arn, grants]).apply(([arn, statements]) => bucketPolicyJson(arn, statements)),
            },
            { parent: this, dependsOn: [publicAccessBlock] },
        );
        this.ready = [this.encryption, this.policy];

        this.registerOutputs({ bucketName: this.bucketName, arn: this.arn });
    }
}
