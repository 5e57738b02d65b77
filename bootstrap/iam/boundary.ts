/**
 * The permissions boundary of every role the pipeline stacks create: the most any workload may ever do,
 * limited to the services of its account (`ACCOUNT_SERVICES`). It caps what the deployer can grant a role.
 * Its only STS action is data-platform's `sts:AssumeRole` on the engineering account's stream readers:
 * Redshift's streaming role assumes them ("Chaining IAM roles in Amazon Redshift"); engineering has none.
 * A managed policy holds at most 6,144 characters, so per-stack patterns that differ only by a separator
 * are folded into one (`tracking?<stack>?`, `*tracking-<stack>-*`); the roles' own policies name exact ARNs.
 */
import type { AccountRole } from "../config";
import {
    allow as allowUnsorted,
    Conditions,
    IdentityStatement,
    identityDocument,
    PolicyDocument,
} from "../../shared/iam";
import { FIREHOSE_ACL_ACTION, FIREHOSE_ACL_CONDITION } from "../../shared/firehose-landing-access";
import { LOAD_METRICS_NAMESPACE, NAME_PREFIX, streamReaderRoleName } from "../../shared/naming";
import { STREAM_LIST_ACTION } from "../../shared/redshift-streaming-access";
import { arn, perStack, Scope } from "./scope";

/** The services whose actions each account's workload roles may ever be granted. */
export const ACCOUNT_SERVICES: Readonly<Record<AccountRole, readonly string[]>> = {
    engineering: ["kinesis", "firehose", "s3", "kms", "logs"],
    "data-platform": [
        "s3",
        "kms",
        "logs",
        "glue",
        "ec2",
        "secretsmanager",
        "redshift",
        "redshift-serverless",
        "redshift-data",
        "cloudwatch",
        "sts",
    ],
};

/** Whether every action of a statement belongs to a service of the account's workloads. */
function servesAccount(statement: IdentityStatement, role: AccountRole): boolean {
    const actions = statement.Action;
    return actions.every((action) => ACCOUNT_SERVICES[role].includes(action.split(":")[0]));
}

/** The boundary lists each statement's actions sorted. */
function allow(
    sid: string,
    actions: readonly string[],
    resources: readonly string[],
    condition?: Conditions,
): IdentityStatement {
    return allowUnsorted(sid, [...actions].sort(), [...resources], condition);
}

export function workloadBoundary(scope: Scope, role: AccountRole): PolicyDocument<IdentityStatement> {
    const own = (service: string, resource: (prefix: string) => string) =>
        perStack(scope, (p) => arn(scope, service, resource(p)));
    // Engineering's Firehose roles write into the data-platform account's landing bucket, under its key.
    const keyAccounts = role === "engineering" ? [scope.account, scope.otherAccount] : [scope.account];
    const buckets = perStack(scope, (p) => `arn:${scope.partition}:s3:::${p}*`);
    const inPair = { StringEquals: { "aws:ResourceAccount": keyAccounts } };
    const glue = (resource: string) => arn(scope, "glue", resource);
    // A stack's Glue names, its log groups and its secrets: one pattern each per stack (see above).
    const glueNames = perStack(scope, (p) => p.replace(/-/g, "?"));
    const named = (service: string, kind: string) => perStack(scope, (p) => arn(scope, service, `${kind}*${p}*`));
    const statements: IdentityStatement[] = [
        allow(
            "KinesisStackStreams",
            [
                "kinesis:PutRecord",
                "kinesis:PutRecords",
                "kinesis:DescribeStream",
                "kinesis:DescribeStreamSummary",
                "kinesis:GetShardIterator",
                "kinesis:GetRecords",
                "kinesis:ListShards",
            ],
            own("kinesis", (p) => `stream/${p}*`),
        ),
        // Redshift's streaming role chains to the engineering account's stream readers, and to nothing else.
        allow(
            "StsChainToStreamReaders",
            ["sts:AssumeRole"],
            [`arn:${scope.partition}:iam::${scope.otherAccount}:role/${streamReaderRoleName("*", "*")}`],
        ),
        allow(
            "FirehoseStackStreams",
            ["firehose:PutRecord", "firehose:PutRecordBatch"],
            own("firehose", (p) => `deliverystream/${p}*`),
        ),
        // S3 ARNs name no account, and bucket names are global: only the pair's own buckets count.
        allow(
            "S3StackBuckets",
            ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
            buckets,
            inPair,
        ),
        // PutObjectAcl: Firehose sends x-amz-acl: bucket-owner-full-control across accounts (Firehose developer
        // guide, "Cross-account delivery to an Amazon S3 destination"), and only that canned ACL.
        allow(
            "S3StackObjects",
            [
                "s3:GetObject",
                "s3:GetObjectVersion",
                "s3:PutObject",
                "s3:DeleteObject",
                "s3:AbortMultipartUpload",
                "s3:ListMultipartUploadParts",
            ],
            buckets.map((b) => `${b}/*`),
            inPair,
        ),
        allow(
            "S3BucketOwnerAcl",
            [FIREHOSE_ACL_ACTION],
            buckets.map((b) => `${b}/*`),
            {
                ...FIREHOSE_ACL_CONDITION,
                StringEquals: { ...FIREHOSE_ACL_CONDITION.StringEquals, ...inPair.StringEquals },
            },
        ),
        // Workload roles name their keys in their own policies; the boundary admits the accounts' keys.
        allow(
            "KmsUseKeys",
            [
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncryptFrom",
                "kms:ReEncryptTo",
                "kms:GenerateDataKey",
                "kms:GenerateDataKeyWithoutPlaintext",
                "kms:DescribeKey",
            ],
            keyAccounts.map((account) => arn(scope, "kms", "key/*", { account })),
        ),
        allow(
            "LogsWrite",
            [
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "logs:DescribeLogStreams",
                "logs:AssociateKmsKey",
            ],
            [...named("logs", "log-group:"), arn(scope, "logs", "log-group:/aws-glue/*")],
        ),
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
            [
                glue("catalog"),
                ...glueNames.flatMap((p) => [
                    glue(`database/${p}*`),
                    glue(`table/${p}*/*`),
                    glue(`userDefinedFunction/${p}*/*`),
                ]),
            ],
        ),
        allow(
            "GlueConnections",
            ["glue:GetConnection"],
            [glue("catalog"), ...perStack(scope, (p) => glue(`connection/${p}*`))],
        ),
        // A load job's pre-check reads the job's runs and starts it (shared/glue-load-job.ts, `new-data`); only the
        // data-platform account has Glue jobs. One pattern for every stack's jobs (the deployer creates jobs only
        // as `tracking-<stack>-*`): a pattern per stack would put this document over IAM's 6,144 characters.
        ...(role === "data-platform"
            ? [allow("GlueJobRuns", ["glue:GetJobRuns", "glue:StartJobRun"], [glue(`job/${NAME_PREFIX}-*`)])]
            : []),
        // Glue connections in a VPC: the job's role creates and removes its network interfaces.
        allow(
            "Ec2GlueNetworkInterfaces",
            ["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:CreateTags", "ec2:DeleteTags"],
            ["network-interface", "subnet", "security-group"].map((type) => arn(scope, "ec2", `${type}/*`)),
        ),
        allow("Ec2VpcAttributes", ["ec2:DescribeVpcAttribute"], [arn(scope, "ec2", "vpc/*")]),
        // The stacks' secrets, and the sandbox's admin secret, which Redshift names `redshift!<namespace>-<admin user>`.
        allow(
            "SecretsStackSecrets",
            ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            named("secretsmanager", "secret:"),
        ),
        allow(
            "RedshiftStackWorkgroups",
            [
                "redshift-serverless:GetCredentials",
                "redshift-serverless:GetWorkgroup",
                "redshift-data:ExecuteStatement",
                "redshift-data:BatchExecuteStatement",
            ],
            [arn(scope, "redshift-serverless", "workgroup/*")],
        ),
        // The load jobs sign in to a provisioned cluster with their own IAM identity (IAMR:<role>), no password.
        allow(
            "RedshiftClusterIamCredentials",
            ["redshift:DescribeClusters", "redshift:GetClusterCredentialsWithIAM"],
            [arn(scope, "redshift", "cluster:*"), arn(scope, "redshift", "dbname:*/*")],
        ),
        // Actions with no resource type, of every service of the account, in one statement (one per service
        // would put the data-platform document over IAM's 6,144 characters): CloudWatch Logs' group listing,
        // Glue's bookmarks and security configurations, the network lookups of a Glue connection, the Data
        // API's results, and the stream listing of Redshift streaming ingestion's readers.
        allow(
            "NoResourceType",
            [
                "logs:DescribeLogGroups",
                "glue:GetJobBookmark",
                "glue:GetSecurityConfiguration",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeVpcs",
                "ec2:DescribeVpcEndpoints",
                "ec2:DescribeRouteTables",
                "redshift-data:DescribeStatement",
                "redshift-data:GetStatementResult",
                "redshift-data:ListStatements",
                STREAM_LIST_ACTION,
            ].filter((action) => ACCOUNT_SERVICES[role].includes(action.split(":")[0])),
            ["*"],
        ),
        // Glue job metrics and the load job's own (bad rows), published as the job's role; a namespace is the
        // only narrowing IAM offers.
        allow("CloudWatchMetrics", ["cloudwatch:PutMetricData"], ["*"], {
            StringEquals: { "cloudwatch:namespace": ["Glue", LOAD_METRICS_NAMESPACE] },
        }),
    ];
    return identityDocument(statements.filter((statement) => servesAccount(statement, role)));
}
