/**
 * What a pipeline's Firehose role may do in the data-platform account's buckets and with their KMS key,
 * defined once and rendered for both accounts' sides (role policy, bucket and key policies, boundary).
 * Why the bucket policy does not grow with the pipelines, and the AWS sources: docs/design.md,
 * "Firehose access to the landing buckets".
 */
import { accountRootArn, allow, allowPrincipal, Conditions, PolicyStatement } from "./iam";
import { FIREHOSE_ERROR_ROOT } from "./pipeline-codegen/s3-prefix";

/**
 * The role tag naming the pipeline a Firehose role delivers for. Only Firehose assumes these roles (their
 * trust policy), and it passes no session tags, so the role's own tag is the principal tag S3 sees.
 */
export const PIPELINE_TAG_KEY = "tracking:pipeline";
const PIPELINE_OF_CALLER = `\${aws:PrincipalTag/${PIPELINE_TAG_KEY}}`;

/** Bucket-level calls Firehose makes before and while writing. */
export const FIREHOSE_BUCKET_ACTIONS: readonly string[] = [
    "s3:GetBucketLocation",
    "s3:ListBucket",
    "s3:ListBucketMultipartUploads",
];

/** Object calls Firehose makes under its prefixes (multipart uploads, their abort, reading back). */
export const FIREHOSE_OBJECT_ACTIONS: readonly string[] = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"];

/**
 * Firehose writes across accounts with `x-amz-acl: bucket-owner-full-control`, which S3 authorizes as
 * s3:PutObjectAcl as well; only that canned ACL is allowed (with ACLs disabled, BucketOwnerEnforced accepts
 * it and nothing else).
 */
export const FIREHOSE_ACL_ACTION = "s3:PutObjectAcl";
export const FIREHOSE_ACL_CONDITION: Conditions = { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control" } };

/** SSE-KMS writes: a data key for each object (or the bucket key), and reading it back for multipart uploads. */
export const FIREHOSE_KEY_ACTIONS: readonly string[] = ["kms:Decrypt", "kms:GenerateDataKey"];

/**
 * The folders one pipeline's Firehose writes in either bucket: its data (`<pipeline>/`, the raw backup
 * uses the same folder in the raw bucket) and its failures (`_firehose-errors/<pipeline>/`).
 */
export function firehoseFolders(pipeline: string): string[] {
    return [`${pipeline}/`, `${FIREHOSE_ERROR_ROOT}${pipeline}/`];
}

/** One bucket a Firehose role writes, with the folders it writes there (fixed parts of its prefixes). */
export interface FirehoseTarget {
    readonly bucketArn: string;
    readonly folders: readonly string[];
}

/**
 * The role side: list and write its own folders of each bucket, the bucket-owner ACL there only, and
 * the data key only through S3 in this region for its own buckets (the encryption context is the bucket
 * ARN with S3 Bucket Keys on, the object ARN without).
 */
export function firehoseRoleS3Statements(
    region: string,
    dataKeyArn: string,
    targets: readonly FirehoseTarget[],
): PolicyStatement[] {
    const objects = (target: FirehoseTarget) => target.folders.map((folder) => `${target.bucketArn}/${folder}*`);
    const statements: PolicyStatement[] = [
        allow(
            "LocateBuckets",
            ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"],
            targets.map((t) => t.bucketArn),
        ),
    ];
    targets.forEach((target, index) => {
        const suffix = index === 0 ? "" : String(index + 1);
        statements.push(
            allow(`ListOwnPrefixes${suffix}`, ["s3:ListBucket"], [target.bucketArn], {
                StringLike: { "s3:prefix": target.folders.map((folder) => `${folder}*`) },
            }),
            allow(`WriteOwnPrefixes${suffix}`, [...FIREHOSE_OBJECT_ACTIONS], objects(target)),
            allow(`BucketOwnerAcl${suffix}`, [FIREHOSE_ACL_ACTION], objects(target), FIREHOSE_ACL_CONDITION),
        );
    });
    statements.push(
        allow("EncryptThroughS3", [...FIREHOSE_KEY_ACTIONS], [dataKeyArn], {
            StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` },
            StringLike: {
                "kms:EncryptionContext:aws:s3:arn": targets.flatMap((target) => [target.bucketArn, ...objects(target)]),
            },
        }),
    );
    return statements;
}

/** The engineering account's Firehose roles of one stack, as the data-platform account names them. */
export interface FirehoseRoles {
    readonly partition: string;
    readonly engineeringAccountId: string;
    /** ARN pattern of the stack's Firehose roles, `roleArn(partition, engineeringAccountId, firehoseRoleName(stack, "*"))`. */
    readonly roleArnPattern: string;
}

/**
 * The bucket side, one set for every pipeline: objects under the caller's own pipeline folders, the
 * bucket-level calls, and the bucket-owner ACL. The principal is the engineering account root, pinned by
 * `aws:PrincipalArn` to the stack's Firehose roles: valid before the roles exist, and a role deleted and
 * re-created keeps its access. A role without the tag matches no folder.
 */
export function firehoseBucketStatements(roles: FirehoseRoles, bucketArn: string): PolicyStatement[] {
    const principal = { AWS: accountRootArn(roles.partition, roles.engineeringAccountId) };
    const onlyFirehoseRoles: Conditions = { ArnLike: { "aws:PrincipalArn": roles.roleArnPattern } };
    const ownFolders = firehoseFolders(PIPELINE_OF_CALLER).map((folder) => `${bucketArn}/${folder}*`);
    return [
        allowPrincipal(
            "FirehoseWritesOwnFolders",
            principal,
            [...FIREHOSE_OBJECT_ACTIONS],
            ownFolders,
            onlyFirehoseRoles,
        ),
        allowPrincipal("FirehoseBucketLevel", principal, [...FIREHOSE_BUCKET_ACTIONS], [bucketArn], onlyFirehoseRoles),
        allowPrincipal("FirehoseBucketOwnerAcl", principal, [FIREHOSE_ACL_ACTION], ownFolders, {
            ...FIREHOSE_ACL_CONDITION,
            ...onlyFirehoseRoles,
        }),
    ];
}

/**
 * The key side: the stack's Firehose roles may have S3 encrypt for them with the data key, only through
 * S3 in this region and only for the given buckets (with Bucket Keys the context is the bucket ARN). Which
 * objects a role writes is confined by the bucket policy and its own policy.
 */
export function firehoseKeyStatement(
    roles: FirehoseRoles,
    region: string,
    bucketArns: readonly string[],
): PolicyStatement {
    return allowPrincipal(
        "FirehoseWritesLandingAndRaw",
        { AWS: accountRootArn(roles.partition, roles.engineeringAccountId) },
        [...FIREHOSE_KEY_ACTIONS],
        ["*"],
        {
            ArnLike: { "aws:PrincipalArn": roles.roleArnPattern },
            StringEquals: {
                "kms:ViaService": `s3.${region}.amazonaws.com`,
                "kms:EncryptionContext:aws:s3:arn": bucketArns.length === 1 ? bucketArns[0] : [...bucketArns],
            },
        },
    );
}
