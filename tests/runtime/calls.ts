/**
 * The runtime-call table: every AWS call a service of the pipeline makes at run time, as the identity it
 * runs as, with its request context, and the AWS page that says the service makes it. Rows are written
 * from those pages, never derived from this project's own policies; `world.ts` instantiates them on the
 * planned ARNs and `runtime-calls.test.ts` simulates each against identity policy + permissions boundary +
 * resource policy (bucket or key policy) together.
 */
import type {
    ApiWorld,
    DeployDdlWorld,
    FirehoseWorld,
    GlueJobWorld,
    JdbcCrawlerWorld,
    PrecheckWorld,
    RedshiftStreamingWorld,
    S3CrawlerWorld,
    StreamReaderWorld,
} from "./world";

export interface Source {
    readonly title: string;
    readonly url: string;
}

export interface CallRow<W> {
    /** What happens, in the service's terms. */
    readonly call: string;
    readonly action: string;
    /** The ARN the call is authorized against ("*" for actions without a resource type). */
    readonly resource: (w: W) => string;
    /** The request context the service sends (condition keys). */
    readonly context?: (w: W) => Record<string, string | string[]>;
    /** Only for some configurations (e.g. a secret under the data key). */
    readonly when?: (w: W) => boolean;
    readonly source: Source;
}

const doc = (title: string, url: string): Source => ({ title, url });

const SOURCES = {
    apiKinesisProxy: doc(
        "Tutorial: Create a REST API as an Amazon Kinesis proxy (API Gateway developer guide)",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/integrating-api-with-aws-services-kinesis.html",
    ),
    kinesisKms: doc(
        "Permissions to use user-generated KMS keys (Kinesis Data Streams developer guide)",
        "https://docs.aws.amazon.com/streams/latest/dev/permissions-user-key-KMS.html",
    ),
    firehoseKinesisSource: doc(
        "Grant Firehose access to your Kinesis data stream (Controlling access with Amazon Data Firehose)",
        "https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html",
    ),
    firehoseS3: doc(
        "Grant Firehose access to an Amazon S3 destination (Controlling access with Amazon Data Firehose)",
        "https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3",
    ),
    firehoseCrossAccount: doc(
        "Cross-account delivery to an Amazon S3 destination (Controlling access with Amazon Data Firehose)",
        "https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#cross-account-delivery-s3",
    ),
    s3Kms: doc(
        "Using server-side encryption with AWS KMS keys (SSE-KMS): permissions (Amazon S3 user guide)",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html",
    ),
    s3BucketKeys: doc(
        "Reducing the cost of SSE-KMS with Amazon S3 Bucket Keys: encryption context (Amazon S3 user guide)",
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html",
    ),
    glueServicePolicy: doc(
        "Step 1: Create an IAM policy for the AWS Glue service (AWS Glue developer guide)",
        "https://docs.aws.amazon.com/glue/latest/dg/create-service-policy.html",
    ),
    glueS3Read: doc(
        "Amazon S3 connections: reading from S3 (AWS Glue developer guide)",
        "https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-connect-s3-home.html",
    ),
    glueEncryption: doc(
        "Setting up encryption in AWS Glue (AWS Glue developer guide)",
        "https://docs.aws.amazon.com/glue/latest/dg/set-up-encryption.html",
    ),
    glueLogging: doc(
        "Logging for AWS Glue jobs (AWS Glue developer guide)",
        "https://docs.aws.amazon.com/glue/latest/dg/monitor-continuous-logging.html",
    ),
    glueJobRunLogGroup: doc(
        "JobRun: LogGroupName (AWS Glue API reference)",
        "https://docs.aws.amazon.com/glue/latest/webapi/API_JobRun.html",
    ),
    glueMetrics: doc(
        "Monitoring AWS Glue using Amazon CloudWatch metrics (AWS Glue developer guide)",
        "https://docs.aws.amazon.com/glue/latest/dg/monitoring-awsglue-with-cloudwatch-metrics.html",
    ),
    glueVpc: doc(
        "Setting up Amazon VPC for JDBC connections to Amazon RDS data stores from AWS Glue (AWS Glue developer guide)",
        "https://docs.aws.amazon.com/glue/latest/dg/setup-vpc-for-glue-access.html",
    ),
    glueRedshift: doc(
        "Redshift connections (AWS Glue developer guide)",
        "https://docs.aws.amazon.com/glue/latest/dg/aws-glue-programming-etl-connect-redshift-home.html",
    ),
    glueConnectionSecret: doc(
        "Storing connection credentials in AWS Secrets Manager (AWS Glue developer guide)",
        "https://docs.aws.amazon.com/glue/latest/dg/connection-properties.html",
    ),
    secretsKms: doc(
        "Secret encryption and decryption in AWS Secrets Manager (Secrets Manager user guide)",
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html",
    ),
    crawlerPrereqs: doc(
        "Prerequisites for crawlers (AWS Glue developer guide)",
        "https://docs.aws.amazon.com/glue/latest/dg/crawler-prereqs.html",
    ),
    crawlerSecurity: doc(
        "Step 3: Configure security settings (crawler; AWS Glue developer guide)",
        "https://docs.aws.amazon.com/glue/latest/dg/define-crawler-configure-security-settings.html",
    ),
    cloudWatchNamespace: doc(
        "Using condition keys to limit access to CloudWatch namespaces (CloudWatch user guide)",
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html",
    ),
    glueJobRuns: doc(
        "Jobs: job runs API, GetJobRuns and StartJobRun (AWS Glue developer guide)",
        "https://docs.aws.amazon.com/glue/latest/dg/aws-glue-api-jobs-runs.html",
    ),
    gluePartitions: doc(
        'BatchCreatePartition and GetTable: catalog API permissions (AWS Glue developer guide, "Specifying AWS Glue resource ARNs")',
        "https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html",
    ),
    s3ListObjects: doc(
        "ListObjectsV2: permissions (Amazon S3 API reference)",
        "https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html",
    ),
    s3PutObject: doc(
        "PutObject (Amazon S3 API reference)",
        "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html",
    ),
    redshiftSparkAuth: doc(
        "Authenticating with the Spark connector (Amazon Redshift management guide)",
        "https://docs.aws.amazon.com/redshift/latest/mgmt/redshift-spark-connector-authentication.html",
    ),
    redshiftStreamingKinesis: doc(
        "Getting started with streaming ingestion from Amazon Kinesis Data Streams (Amazon Redshift database developer guide)",
        "https://docs.aws.amazon.com/redshift/latest/dg/materialized-view-streaming-ingestion-getting-started.html",
    ),
    redshiftChaining: doc(
        "Chaining IAM roles in Amazon Redshift (Amazon Redshift management guide)",
        "https://docs.aws.amazon.com/redshift/latest/mgmt/authorizing-redshift-service-chaining-roles.html",
    ),
    glueStartCrawler: doc(
        "StartCrawler: CrawlerRunningException (AWS Glue API reference)",
        "https://docs.aws.amazon.com/glue/latest/webapi/API_StartCrawler.html",
    ),
    glueGetCrawler: doc(
        "GetCrawler: Crawler.State (AWS Glue API reference)",
        "https://docs.aws.amazon.com/glue/latest/webapi/API_GetCrawler.html",
    ),
    redshiftJdbcOptions: doc(
        "Options for JDBC driver version 2.x configuration: groupFederation (Amazon Redshift management guide)",
        "https://docs.aws.amazon.com/redshift/latest/mgmt/jdbc20-configuration-options.html",
    ),
    dataApiAccess: doc(
        "Authorizing access to the Amazon Redshift Data API (Amazon Redshift management guide)",
        "https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-access.html",
    ),
    dataApiExecute: doc(
        "ExecuteStatement (Amazon Redshift Data API reference)",
        "https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_ExecuteStatement.html",
    ),
    dataApiDescribe: doc(
        "DescribeStatement (Amazon Redshift Data API reference)",
        "https://docs.aws.amazon.com/redshift-data/latest/APIReference/API_DescribeStatement.html",
    ),
    dataApiActions: doc(
        "Actions, resources, and condition keys for Amazon Redshift Data API (Service Authorization Reference)",
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonredshiftdataapi.html",
    ),
    secretsPutValue: doc(
        "PutSecretValue (AWS Secrets Manager API reference)",
        "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html",
    ),
} as const;

const TLS = { "aws:SecureTransport": "true" };
const viaS3 = (region: string, callerAccount: string, bucketArn: string) => ({
    "kms:ViaService": `s3.${region}.amazonaws.com`,
    "kms:CallerAccount": callerAccount,
    // With S3 Bucket Keys on (every bucket here) S3 asks KMS with the bucket ARN as the context.
    "kms:EncryptionContext:aws:s3:arn": bucketArn,
});

const viaSecretsManager = (w: { region: string; account: string }, secretArn: string) => ({
    "kms:ViaService": `secretsmanager.${w.region}.amazonaws.com`,
    "kms:CallerAccount": w.account,
    // Secrets Manager encrypts each secret value with the secret's ARN as the encryption context.
    "kms:EncryptionContext:SecretARN": secretArn,
});

/** API Gateway's execution role for the Kinesis integration (the `credentials` of each integration). */
export const API_GATEWAY_CALLS: CallRow<ApiWorld>[] = [
    {
        call: "PutRecord of a single event",
        action: "kinesis:PutRecord",
        resource: (w) => w.streamArn,
        source: SOURCES.apiKinesisProxy,
    },
    {
        call: "PutRecords of a batch",
        action: "kinesis:PutRecords",
        resource: (w) => w.streamArn,
        source: SOURCES.apiKinesisProxy,
    },
    {
        call: "Kinesis asks for a data key for the producer's records (stream SSE-KMS)",
        action: "kms:GenerateDataKey",
        resource: (w) => w.streamKeyArn,
        context: (w) => ({
            "kms:ViaService": `kinesis.${w.region}.amazonaws.com`,
            "kms:CallerAccount": w.account,
            "kms:EncryptionContext:aws:kinesis:arn": w.streamArn,
        }),
        source: SOURCES.kinesisKms,
    },
];

/** Each Firehose role: reads its stream, writes its prefixes of another account's bucket under that account's key. */
export const FIREHOSE_CALLS: CallRow<FirehoseWorld>[] = [
    ...["kinesis:DescribeStream", "kinesis:GetShardIterator", "kinesis:GetRecords", "kinesis:ListShards"].map(
        (action): CallRow<FirehoseWorld> => ({
            call: "reads the source stream",
            action,
            resource: (w) => w.streamArn,
            source: SOURCES.firehoseKinesisSource,
        }),
    ),
    {
        call: "decrypts the source stream's records (consumer)",
        action: "kms:Decrypt",
        resource: (w) => w.streamKeyArn,
        context: (w) => ({
            "kms:ViaService": `kinesis.${w.region}.amazonaws.com`,
            "kms:CallerAccount": w.account,
            "kms:EncryptionContext:aws:kinesis:arn": w.streamArn,
        }),
        source: SOURCES.kinesisKms,
    },
    ...["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"].map((action): CallRow<FirehoseWorld> => ({
        call: "locates the destination bucket",
        action,
        resource: (w) => w.bucketArn,
        context: () => TLS,
        source: SOURCES.firehoseS3,
    })),
    {
        call: "lists its prefix",
        action: "s3:ListBucket",
        resource: (w) => w.bucketArn,
        context: (w) => ({ ...TLS, "s3:prefix": w.dataFolder }),
        source: SOURCES.firehoseS3,
    },
    ...(["dataObject", "errorObject"] as const).flatMap((object): CallRow<FirehoseWorld>[] => [
        {
            call: `writes a ${object === "dataObject" ? "delivered" : "failed-record"} object with SSE-KMS under the bucket's key, bucket owner full control`,
            action: "s3:PutObject",
            resource: (w) => w[object],
            context: (w) => ({
                ...TLS,
                "s3:x-amz-acl": "bucket-owner-full-control",
                "s3:x-amz-server-side-encryption": "aws:kms",
                "s3:x-amz-server-side-encryption-aws-kms-key-id": w.dataKeyArn,
            }),
            source: SOURCES.firehoseCrossAccount,
        },
        {
            call: "the x-amz-acl header of that write (S3 authorizes it as PutObjectAcl)",
            action: "s3:PutObjectAcl",
            resource: (w) => w[object],
            context: () => ({ ...TLS, "s3:x-amz-acl": "bucket-owner-full-control" }),
            source: SOURCES.firehoseCrossAccount,
        },
        {
            call: "multipart upload of a large object: abort",
            action: "s3:AbortMultipartUpload",
            resource: (w) => w[object],
            context: () => TLS,
            source: SOURCES.firehoseS3,
        },
        {
            call: "reads back what it wrote",
            action: "s3:GetObject",
            resource: (w) => w[object],
            context: () => TLS,
            source: SOURCES.firehoseS3,
        },
    ]),
    ...["kms:GenerateDataKey", "kms:Decrypt"].map((action): CallRow<FirehoseWorld> => ({
        call: "S3 encrypts (GenerateDataKey) and, for multipart uploads, decrypts the data key as the writer",
        action,
        resource: (w) => w.dataKeyArn,
        context: (w) => viaS3(w.region, w.account, w.bucketArn),
        source: SOURCES.s3Kms,
    })),
    {
        call: "reports delivery errors to its log stream",
        action: "logs:PutLogEvents",
        resource: (w) => w.logStreamArn,
        source: SOURCES.firehoseS3,
    },
];

/** Calls every Glue role attached to the security configuration makes: logs encrypted with the data key, in the VPC. */
function glueCommonCalls<
    W extends { readonly logGroupArn: string; readonly logStreamArn: string; readonly ec2Arn: string },
>(): CallRow<W>[] {
    return [
        {
            call: "creates its log group",
            action: "logs:CreateLogGroup",
            resource: (w) => w.logGroupArn,
            source: SOURCES.glueServicePolicy,
        },
        {
            call: "associates the security configuration's key with its log group",
            action: "logs:AssociateKmsKey",
            resource: (w) => w.logGroupArn,
            source: SOURCES.glueEncryption,
        },
        {
            call: "creates its log stream",
            action: "logs:CreateLogStream",
            resource: (w) => w.logStreamArn,
            source: SOURCES.glueServicePolicy,
        },
        {
            call: "writes its logs",
            action: "logs:PutLogEvents",
            resource: (w) => w.logStreamArn,
            source: SOURCES.glueServicePolicy,
        },
        ...["network-interface", "subnet", "security-group"].map((type): CallRow<W> => ({
            call: `creates an elastic network interface in the connection's subnet (${type})`,
            action: "ec2:CreateNetworkInterface",
            resource: (w) => `${w.ec2Arn}:${type}/${type}-0123456789abcdef0`,
            source: SOURCES.glueVpc,
        })),
        {
            call: "deletes that network interface",
            action: "ec2:DeleteNetworkInterface",
            resource: (w) => `${w.ec2Arn}:network-interface/eni-0123456789abcdef0`,
            source: SOURCES.glueVpc,
        },
        {
            call: "tags that network interface",
            action: "ec2:CreateTags",
            resource: (w) => `${w.ec2Arn}:network-interface/eni-0123456789abcdef0`,
            context: () => ({ "aws:TagKeys": ["aws-glue-service-resource"] }),
            source: SOURCES.glueServicePolicy,
        },
        ...[
            "ec2:DescribeSubnets",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeVpcEndpoints",
            "ec2:DescribeRouteTables",
        ].map((action): CallRow<W> => ({
            call: "inspects the connection's network",
            action,
            resource: () => "*",
            source: SOURCES.glueServicePolicy,
        })),
        {
            call: "checks the VPC's DNS attributes",
            action: "ec2:DescribeVpcAttribute",
            resource: (w) => `${w.ec2Arn}:vpc/vpc-0123456789abcdef0`,
            source: SOURCES.glueServicePolicy,
        },
    ];
}

function connectionCalls<W extends { readonly connectionArn: string; readonly catalogArn: string }>(): CallRow<W>[] {
    return [
        {
            call: "reads the Redshift connection",
            action: "glue:GetConnection",
            resource: (w) => w.connectionArn,
            source: SOURCES.glueServicePolicy,
        },
        {
            call: "reads the Redshift connection (catalog)",
            action: "glue:GetConnection",
            resource: (w) => w.catalogArn,
            source: SOURCES.glueServicePolicy,
        },
    ];
}

function secretCalls<
    W extends {
        readonly connectionArn: string;
        readonly catalogArn: string;
        readonly secret?: { readonly arn: string; readonly keyArn?: string };
        readonly region: string;
        readonly account: string;
    },
>(): CallRow<W>[] {
    return [
        ...connectionCalls<W>(),
        {
            call: "reads the connection's credentials",
            action: "secretsmanager:GetSecretValue",
            resource: (w) => w.secret!.arn,
            when: (w) => w.secret !== undefined,
            source: SOURCES.glueConnectionSecret,
        },
        {
            call: "Secrets Manager decrypts the secret under its key as the reader",
            action: "kms:Decrypt",
            resource: (w) => w.secret!.keyArn!,
            context: (w) => viaSecretsManager(w, w.secret!.arn),
            when: (w) => w.secret?.keyArn !== undefined,
            source: SOURCES.secretsKms,
        },
    ];
}

/** Each Glue load job's role: reads the landed prefix, sets bad rows aside, stages through TempDir, loads Redshift. */
export const GLUE_JOB_CALLS: CallRow<GlueJobWorld>[] = [
    {
        call: "reads the job script",
        action: "s3:GetObject",
        resource: (w) => w.scriptArn,
        context: () => TLS,
        source: SOURCES.glueServicePolicy,
    },
    ...["landingBucketArn", "glueBucketArn"].map((bucket): CallRow<GlueJobWorld> => ({
        call: "locates the bucket",
        action: "s3:GetBucketLocation",
        resource: (w) => w[bucket as "landingBucketArn"],
        context: () => TLS,
        source: SOURCES.glueServicePolicy,
    })),
    {
        call: "lists the landing prefix (recursively)",
        action: "s3:ListBucket",
        resource: (w) => w.landingBucketArn,
        context: (w) => ({ ...TLS, "s3:prefix": w.sourcePrefix }),
        source: SOURCES.glueS3Read,
    },
    {
        call: "reads a landed object",
        action: "s3:GetObject",
        resource: (w) => w.landedObject,
        context: () => TLS,
        source: SOURCES.glueS3Read,
    },
    {
        call: "decrypts a landed object (SSE-KMS)",
        action: "kms:Decrypt",
        resource: (w) => w.dataKeyArn,
        context: (w) => viaS3(w.region, w.account, w.landingBucketArn),
        source: SOURCES.s3Kms,
    },
    {
        call: "sets rows it cannot load aside (PutObject from the job's own code)",
        action: "s3:PutObject",
        resource: (w) => w.badRowsObject,
        context: () => TLS,
        source: SOURCES.s3PutObject,
    },
    {
        call: "S3 encrypts the bad rows under the landing bucket's default key",
        action: "kms:GenerateDataKey",
        resource: (w) => w.dataKeyArn,
        context: (w) => viaS3(w.region, w.account, w.landingBucketArn),
        source: SOURCES.s3Kms,
    },
    ...["s3:PutObject", "s3:GetObject", "s3:DeleteObject"].map((action): CallRow<GlueJobWorld> => ({
        call: "stages the load in its TempDir",
        action,
        resource: (w) => w.tempObject,
        context: () => TLS,
        source: SOURCES.glueRedshift,
    })),
    {
        call: "lists its TempDir",
        action: "s3:ListBucket",
        resource: (w) => w.glueBucketArn,
        context: (w) => ({ ...TLS, "s3:prefix": w.tempPrefix }),
        source: SOURCES.glueRedshift,
    },
    ...["kms:GenerateDataKey", "kms:Decrypt"].map((action): CallRow<GlueJobWorld> => ({
        call: "S3 encrypts and decrypts TempDir objects and the script",
        action,
        resource: (w) => w.dataKeyArn,
        context: (w) => viaS3(w.region, w.account, w.glueBucketArn),
        source: SOURCES.s3Kms,
    })),
    ...["kms:GenerateDataKey", "kms:Decrypt"].map((action): CallRow<GlueJobWorld> => ({
        call: "job bookmarks under CSE-KMS: the S3 encryption client asks KMS itself, not through S3",
        action,
        resource: (w) => w.dataKeyArn,
        context: (w) => ({ "kms:CallerAccount": w.account }),
        source: SOURCES.glueEncryption,
    })),
    {
        call: "publishes its job metrics (--enable-metrics)",
        action: "cloudwatch:PutMetricData",
        resource: () => "*",
        context: () => ({ "cloudwatch:namespace": "Glue" }),
        source: SOURCES.glueMetrics,
    },
    {
        call: "publishes its bad-row counts",
        action: "cloudwatch:PutMetricData",
        resource: () => "*",
        context: (w) => ({ "cloudwatch:namespace": w.metricsNamespace }),
        source: SOURCES.cloudWatchNamespace,
    },
    ...connectionCalls<GlueJobWorld>(),
    // The Redshift JDBC driver signs the job in with its own IAM identity (an IAM JDBC URL, groupFederation):
    // temporary credentials for the database user IAMR:<role>, no secret.
    {
        call: "gets temporary database credentials for its role (provisioned cluster)",
        action: "redshift:GetClusterCredentialsWithIAM",
        resource: (w) => (w.redshift.kind === "cluster" ? w.redshift.databaseArn : ""),
        when: (w) => w.redshift.kind === "cluster",
        source: SOURCES.redshiftJdbcOptions,
    },
    {
        call: "looks up the cluster's endpoint",
        action: "redshift:DescribeClusters",
        resource: (w) => (w.redshift.kind === "cluster" ? w.redshift.clusterArn : ""),
        when: (w) => w.redshift.kind === "cluster",
        source: SOURCES.redshiftSparkAuth,
    },
    {
        call: "gets temporary database credentials for its role (Serverless workgroup)",
        action: "redshift-serverless:GetCredentials",
        resource: (w) => (w.redshift.kind === "workgroup" ? w.redshift.workgroupArn : ""),
        when: (w) => w.redshift.kind === "workgroup",
        source: SOURCES.redshiftSparkAuth,
    },
    {
        call: "looks up the workgroup's endpoint",
        action: "redshift-serverless:GetWorkgroup",
        resource: (w) => (w.redshift.kind === "workgroup" ? w.redshift.workgroupArn : ""),
        when: (w) => w.redshift.kind === "workgroup",
        source: SOURCES.redshiftSparkAuth,
    },
    ...glueCommonCalls<GlueJobWorld>(),
];

/**
 * Each load job's pre-check (data-platform/glue/load_precheck.py), a Python shell job run as the load job's
 * role: lists the landing prefix, reads the job's runs, starts it, and adds the new hour partitions.
 */
export const PRECHECK_CALLS: CallRow<PrecheckWorld>[] = [
    {
        call: "reads its script",
        action: "s3:GetObject",
        resource: (w) => w.scriptArn,
        context: () => TLS,
        source: SOURCES.glueServicePolicy,
    },
    {
        call: "S3 decrypts the script",
        action: "kms:Decrypt",
        resource: (w) => w.dataKeyArn,
        context: (w) => viaS3(w.region, w.account, w.glueBucketArn),
        source: SOURCES.s3Kms,
    },
    {
        call: "lists the landing prefix after its last load's hour",
        action: "s3:ListBucket",
        resource: (w) => w.landingBucketArn,
        context: (w) => ({ ...TLS, "s3:prefix": w.sourcePrefix }),
        source: SOURCES.s3ListObjects,
    },
    {
        call: "reads the load job's runs",
        action: "glue:GetJobRuns",
        resource: (w) => w.loadJobArn,
        source: SOURCES.glueJobRuns,
    },
    {
        call: "starts the load job",
        action: "glue:StartJobRun",
        resource: (w) => w.loadJobArn,
        source: SOURCES.glueJobRuns,
    },
    ...["glue:GetTable", "glue:BatchCreatePartition"].flatMap((action): CallRow<PrecheckWorld>[] =>
        (["catalogArn", "databaseArn", "tableArn"] as const).map((arn) => ({
            call: "adds the new hour partitions to the landing table",
            action,
            resource: (w) => w[arn],
            source: SOURCES.gluePartitions,
        })),
    ),
    {
        call: "creates its log group",
        action: "logs:CreateLogGroup",
        resource: (w) => w.logGroupArn,
        source: SOURCES.glueServicePolicy,
    },
    {
        call: "associates the security configuration's key with its log group",
        action: "logs:AssociateKmsKey",
        resource: (w) => w.logGroupArn,
        source: SOURCES.glueEncryption,
    },
    {
        call: "creates its log stream",
        action: "logs:CreateLogStream",
        resource: (w) => w.logStreamArn,
        source: SOURCES.glueJobRunLogGroup,
    },
    {
        call: "writes its logs",
        action: "logs:PutLogEvents",
        resource: (w) => w.logStreamArn,
        source: SOURCES.glueServicePolicy,
    },
];

/**
 * Redshift's COPY from the job's TempDir: without `aws_iam_role` the Glue Redshift connector hands Redshift
 * the job's own temporary credentials, so Redshift reads (and lists) the staged files as the job role.
 */
export const REDSHIFT_COPY_CALLS: CallRow<GlueJobWorld>[] = [
    {
        call: "COPY lists the staged files",
        action: "s3:ListBucket",
        resource: (w) => w.glueBucketArn,
        context: (w) => ({ ...TLS, "s3:prefix": w.tempPrefix }),
        source: SOURCES.glueRedshift,
    },
    {
        call: "COPY reads a staged file",
        action: "s3:GetObject",
        resource: (w) => w.tempObject,
        context: () => TLS,
        source: SOURCES.glueRedshift,
    },
    {
        call: "COPY decrypts a staged file",
        action: "kms:Decrypt",
        resource: (w) => w.dataKeyArn,
        context: (w) => viaS3(w.region, w.account, w.glueBucketArn),
        source: SOURCES.s3Kms,
    },
];

/** Each S3 crawler: reads the landed prefix, adds partitions to the declared table, no partition index. */
export const S3_CRAWLER_CALLS: CallRow<S3CrawlerWorld>[] = [
    {
        call: "locates the bucket",
        action: "s3:GetBucketLocation",
        resource: (w) => w.bucketArn,
        context: () => TLS,
        source: SOURCES.crawlerPrereqs,
    },
    {
        call: "lists the landing prefix",
        action: "s3:ListBucket",
        resource: (w) => w.bucketArn,
        context: (w) => ({ ...TLS, "s3:prefix": w.prefix }),
        source: SOURCES.crawlerPrereqs,
    },
    {
        call: "samples a landed object",
        action: "s3:GetObject",
        resource: (w) => w.landedObject,
        context: () => TLS,
        source: SOURCES.crawlerPrereqs,
    },
    {
        call: "decrypts it (SSE-KMS)",
        action: "kms:Decrypt",
        resource: (w) => w.dataKeyArn,
        context: (w) => viaS3(w.region, w.account, w.bucketArn),
        source: SOURCES.s3Kms,
    },
    ...[
        "glue:GetDatabase",
        "glue:GetTables",
        "glue:GetTable",
        "glue:UpdateTable",
        "glue:GetPartitions",
        "glue:BatchGetPartition",
        "glue:BatchCreatePartition",
        "glue:BatchUpdatePartition",
    ].flatMap((action): CallRow<S3CrawlerWorld>[] => [
        {
            call: "maintains the table's partitions (catalog)",
            action,
            resource: (w) => w.catalogArn,
            source: SOURCES.crawlerPrereqs,
        },
        {
            call: "maintains the table's partitions (database)",
            action,
            resource: (w) => w.databaseArn,
            source: SOURCES.crawlerPrereqs,
        },
        ...(action === "glue:GetDatabase"
            ? []
            : [
                  {
                      call: "maintains the table's partitions (table)",
                      action,
                      resource: (w: S3CrawlerWorld) => w.tableArn,
                      source: SOURCES.crawlerPrereqs,
                  },
              ]),
    ]),
    ...glueCommonCalls<S3CrawlerWorld>(),
];

/** Each JDBC crawler: catalogs the Redshift table through the connection. */
export const JDBC_CRAWLER_CALLS: CallRow<JdbcCrawlerWorld>[] = [
    ...["glue:GetDatabase", "glue:GetTables", "glue:GetTable", "glue:CreateTable", "glue:UpdateTable"].flatMap(
        (action): CallRow<JdbcCrawlerWorld>[] => [
            {
                call: "catalogs the Redshift table (catalog)",
                action,
                resource: (w) => w.catalogArn,
                source: SOURCES.crawlerPrereqs,
            },
            {
                call: "catalogs the Redshift table (database)",
                action,
                resource: (w) => w.databaseArn,
                source: SOURCES.crawlerPrereqs,
            },
            ...(action === "glue:GetDatabase"
                ? []
                : [
                      {
                          call: "catalogs the Redshift table (table)",
                          action,
                          resource: (w: JdbcCrawlerWorld) => w.tableArn,
                          source: SOURCES.crawlerPrereqs,
                      },
                  ]),
        ],
    ),
    ...secretCalls<JdbcCrawlerWorld>(),
    ...glueCommonCalls<JdbcCrawlerWorld>(),
];

/**
 * The deploy-time DDL (the table and password providers): the bootstrap deployer runs each statement through
 * the Data API with the admin secret, waits for it, and writes the reader's new password as a secret version.
 */
export const DEPLOY_DDL_CALLS: CallRow<DeployDdlWorld>[] = [
    {
        call: "runs a DDL statement on the workgroup or cluster",
        action: "redshift-data:ExecuteStatement",
        resource: (w) => w.targetArn,
        source: SOURCES.dataApiExecute,
    },
    // DescribeStatement has no resource type; the Data API lets only the statement's own caller describe it.
    {
        call: "waits for the statement's outcome",
        action: "redshift-data:DescribeStatement",
        resource: () => "*",
        source: SOURCES.dataApiActions,
    },
    {
        call: "the Data API reads the admin secret as its caller",
        action: "secretsmanager:GetSecretValue",
        resource: (w) => w.adminSecret.arn,
        source: SOURCES.dataApiAccess,
    },
    {
        call: "Secrets Manager decrypts the admin secret under its key as that caller",
        action: "kms:Decrypt",
        resource: (w) => w.adminSecret.keyArn!,
        context: (w) => viaSecretsManager(w, w.adminSecret.arn),
        when: (w) => w.adminSecret.keyArn !== undefined,
        source: SOURCES.secretsKms,
    },
    {
        call: "writes the reader's new password as a secret version",
        action: "secretsmanager:PutSecretValue",
        resource: (w) => w.readerSecret!.arn,
        when: (w) => w.readerSecret !== undefined,
        source: SOURCES.secretsPutValue,
    },
    {
        call: "Secrets Manager encrypts that version under the secret's key as the writer",
        action: "kms:GenerateDataKey",
        resource: (w) => w.readerSecret!.keyArn!,
        context: (w) => viaSecretsManager(w, w.readerSecret!.arn),
        when: (w) => w.readerSecret?.keyArn !== undefined,
        source: SOURCES.secretsKms,
    },
    {
        call: "starts the table's JDBC crawler after a migration ran",
        action: "glue:StartCrawler",
        resource: (w) => w.crawlerArn!,
        when: (w) => w.crawlerArn !== undefined,
        source: SOURCES.glueStartCrawler,
    },
    {
        call: "waits out a crawl already running (its state)",
        action: "glue:GetCrawler",
        resource: (w) => w.crawlerArn!,
        when: (w) => w.crawlerArn !== undefined,
        source: SOURCES.glueGetCrawler,
    },
];

/**
 * Redshift streaming ingestion, first link of the chain: Redshift, as the role attached to it (the first of
 * the external schema's IAM_ROLE list), assumes the next role, in the engineering account.
 */
export const REDSHIFT_STREAMING_CALLS: CallRow<RedshiftStreamingWorld>[] = [
    {
        call: "assumes the next role of the external schema's IAM_ROLE chain",
        action: "sts:AssumeRole",
        resource: (w) => w.chainedRoleArn,
        source: SOURCES.redshiftChaining,
    },
];

/** The end of the chain: every Kinesis call of a stream view's refresh runs as the stream reader. */
export const STREAM_READER_CALLS: CallRow<StreamReaderWorld>[] = [
    ...[
        "kinesis:DescribeStreamSummary",
        "kinesis:DescribeStream",
        "kinesis:ListShards",
        "kinesis:GetShardIterator",
        "kinesis:GetRecords",
    ].map((action): CallRow<StreamReaderWorld> => ({
        call: "reads the pipeline's stream for the view's refresh",
        action,
        resource: (w) => w.streamArn,
        source: SOURCES.redshiftStreamingKinesis,
    })),
    {
        call: "lists streams (the guide's policy grants it; no resource type)",
        action: "kinesis:ListStreams",
        resource: () => "*",
        source: SOURCES.redshiftStreamingKinesis,
    },
    {
        call: "Kinesis decrypts the stream's records for the consumer (stream SSE-KMS)",
        action: "kms:Decrypt",
        resource: (w) => w.streamKeyArn,
        context: (w) => ({
            "kms:ViaService": `kinesis.${w.region}.amazonaws.com`,
            "kms:CallerAccount": w.account,
            "kms:EncryptionContext:aws:kinesis:arn": w.streamArn,
        }),
        source: SOURCES.kinesisKms,
    },
];
