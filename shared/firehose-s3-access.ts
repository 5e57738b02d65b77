/**
 * What a Firehose delivery role does in its destination bucket and with the bucket's KMS key, defined once
 * and rendered for every side that must allow it: the role's own policy (shared/firehose-delivery.ts), the
 * bucket policy and the key policy of the data-platform account (data-platform/grants.ts), and the workload
 * boundary (bootstrap/iam/boundary.ts). Cross-account, S3 and KMS allow a call only when both the caller's
 * account and the resource's owner allow it, so a list kept in one place cannot drift between the two.
 *
 * Source: Amazon Data Firehose developer guide, "Grant Firehose access to an Amazon S3 destination" and
 * "Cross-account delivery to an Amazon S3 destination".
 */
import { Conditions, PolicyStatement, Principal } from "./iam";

/** Bucket-level calls Firehose makes before and while writing. */
export const FIREHOSE_BUCKET_ACTIONS: readonly string[] = ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"];

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

/** The role's PutObjectAcl statement: its own folders of one bucket, only the bucket-owner canned ACL. */
export function firehoseAclIdentityStatement(sid: string, objectArns: readonly string[]): PolicyStatement {
    return { Sid: sid, Effect: "Allow", Action: FIREHOSE_ACL_ACTION, Resource: [...objectArns], Condition: FIREHOSE_ACL_CONDITION };
}

/**
 * The bucket policy's PutObjectAcl statement for every Firehose role of a stack at once: the canned ACL it
 * admits changes nothing under BucketOwnerEnforced, so one statement whose size does not grow with the
 * pipelines (the engineering account's roles named by the stack's Firehose role pattern) is enough; which
 * objects a role may write at all stays with its own per-folder PutObject grant.
 */
export function firehoseAclBucketStatement(bucketArn: string, principal: Principal, roleArnPattern: string): PolicyStatement {
    return {
        Sid: "FirehoseBucketOwnerAcl",
        Effect: "Allow",
        Principal: principal,
        Action: FIREHOSE_ACL_ACTION,
        Resource: `${bucketArn}/*`,
        Condition: { ...FIREHOSE_ACL_CONDITION, ArnLike: { "aws:PrincipalArn": roleArnPattern } },
    };
}
