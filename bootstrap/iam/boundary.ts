/**
 * The permissions boundary of every role the pipeline stacks create: the most any workload (API
 * Gateway's Kinesis integration, Firehose, Glue crawlers and jobs, Redshift) may ever do. A role's own
 * policies still decide what it does; the boundary only caps them, so the deployer, which may write
 * those policies, cannot mint a role more powerful than the pipeline needs.
 *
 * The same boundary serves both accounts: cross-account resources (the landing bucket, the other
 * account's keys) are named with their own account.
 */
import type { AccountRole } from "../config";
import { document, PolicyDocument, PolicyStatement } from "./document";
import { redshiftManagedSecretPrefix } from "../names";
import { stackLogGroups } from "./permissions";
import { FIREHOSE_ACL_ACTION, FIREHOSE_ACL_CONDITION } from "../../shared/firehose-landing-access";
import { LOAD_METRICS_NAMESPACE } from "../../shared/naming";
import { arn, glueNamePrefixes, perStack, Scope } from "./scope";

function allow(sid: string, actions: readonly string[], resources: readonly string[]): PolicyStatement {
    return { Sid: sid, Effect: "Allow", Action: [...actions].sort(), Resource: [...resources] };
}

export function workloadBoundary(scope: Scope, role: AccountRole): PolicyDocument {
    const own = (service: string, resource: (prefix: string) => string) => perStack(scope, (p) => arn(scope, service, resource(p)));
    // Engineering's Firehose roles write into the data-platform account's landing bucket, under its key.
    const keyAccounts = role === "engineering" ? [scope.account, scope.otherAccount] : [scope.account];
    const buckets = perStack(scope, (p) => `arn:${scope.partition}:s3:::${p}*`);
    const inPair = { StringEquals: { "aws:ResourceAccount": keyAccounts } };
    const glue = (resource: string) => arn(scope, "glue", resource);
    return document([
        allow(
            "KinesisStackStreams",
            ["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:ListShards"],
            own("kinesis", (p) => `stream/${p}*`),
        ),
        allow("FirehoseStackStreams", ["firehose:PutRecord", "firehose:PutRecordBatch"], own("firehose", (p) => `deliverystream/${p}*`)),
        // S3 ARNs name no account, and bucket names are global: only the pair's own buckets count.
        { ...allow("S3StackBuckets", ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], buckets), Condition: inPair },
        // PutObjectAcl: Firehose sends x-amz-acl: bucket-owner-full-control across accounts (Firehose developer
        // guide, "Cross-account delivery to an Amazon S3 destination"), and only that canned ACL.
        {
            ...allow(
                "S3StackObjects",
                ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                buckets.map((b) => `${b}/*`),
            ),
            Condition: inPair,
        },
        { ...allow("S3BucketOwnerAcl", [FIREHOSE_ACL_ACTION], buckets.map((b) => `${b}/*`)), Condition: { ...FIREHOSE_ACL_CONDITION, StringEquals: { ...FIREHOSE_ACL_CONDITION.StringEquals, ...inPair.StringEquals } } },
        // Workload roles name their keys in their own policies; the boundary admits the accounts' keys.
        allow(
            "KmsUseKeys",
            ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"],
            keyAccounts.map((account) => arn(scope, "kms", "key/*", { account })),
        ),
        allow(
            "LogsWrite",
            ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:AssociateKmsKey"],
            [...stackLogGroups(scope), arn(scope, "logs", "log-group:/aws-glue/*")],
        ),
        allow("LogsDescribe", ["logs:DescribeLogGroups"], ["*"]),
        allow(
            "GlueCatalog",
            [
                "glue:GetDatabase",
                "glue:GetDatabases",
                "glue:GetTable",
                "glue:GetTables",
                "glue:CreateTable",
                "glue:UpdateTable",
                "glue:GetPartition",
                "glue:GetPartitions",
                "glue:BatchGetPartition",
                "glue:CreatePartition",
                "glue:BatchCreatePartition",
                "glue:UpdatePartition",
                "glue:BatchUpdatePartition",
                "glue:DeletePartition",
                "glue:BatchDeletePartition",
                "glue:GetUserDefinedFunctions",
            ],
            [glue("catalog"), ...glueNamePrefixes(scope).flatMap((p) => [glue(`database/${p}*`), glue(`table/${p}*/*`), glue(`userDefinedFunction/${p}*/*`)])],
        ),
        allow("GlueConnections", ["glue:GetConnection"], [glue("catalog"), ...perStack(scope, (p) => glue(`connection/${p}*`))]),
        // No resource type for these.
        allow("GlueJobBookmarksAndSecurity", ["glue:GetJobBookmark", "glue:GetSecurityConfiguration"], ["*"]),
        // Glue connections in a VPC: the job's role creates and removes its network interfaces.
        allow(
            "Ec2GlueNetworkInterfaces",
            ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:CreateTags", "ec2:DeleteTags"],
            ["network-interface", "subnet", "security-group"].map((type) => arn(scope, "ec2", `${type}/*`)),
        ),
        allow(
            "Ec2Describe",
            ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeVpcs", "ec2:DescribeVpcEndpoints", "ec2:DescribeRouteTables"],
            ["*"],
        ),
        allow("Ec2VpcAttributes", ["ec2:DescribeVpcAttribute"], [arn(scope, "ec2", "vpc/*")]),
        allow("SecretsStackSecrets", ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], [
            ...perStack(scope, (p) => arn(scope, "secretsmanager", `secret:${p}*`)),
            // The sandbox's admin secret, which Redshift names `redshift!<namespace>-<admin user>`.
            ...perStack(scope, (p) => arn(scope, "secretsmanager", `secret:${redshiftManagedSecretPrefix(p)}*`)),
        ]),
        allow(
            "RedshiftStackWorkgroups",
            ["redshift-serverless:GetCredentials", "redshift-data:ExecuteStatement", "redshift-data:BatchExecuteStatement"],
            [arn(scope, "redshift-serverless", "workgroup/*")],
        ),
        allow("RedshiftDataResults", ["redshift-data:DescribeStatement", "redshift-data:GetStatementResult", "redshift-data:ListStatements"], ["*"]),
        // Glue job metrics and the load job's own (bad rows), published as the job's role; a namespace is the
        // only narrowing IAM offers.
        { ...allow("CloudWatchMetrics", ["cloudwatch:PutMetricData"], ["*"]), Condition: { StringEquals: { "cloudwatch:namespace": ["Glue", LOAD_METRICS_NAMESPACE] } } },
    ]);
}
