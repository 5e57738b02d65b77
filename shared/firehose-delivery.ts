import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { firehoseRoleS3Statements, PIPELINE_TAG_KEY } from "./firehose-landing-access";
import { allow, policyDocument, PolicyStatement, serviceTrust } from "./iam";

/** Where one delivery stream writes in S3. */
export interface S3Target {
    /** ARN of the bucket (possibly in another account). */
    readonly bucketArn: pulumi.Input<string>;
    /** Firehose `Prefix`; may hold `!{timestamp:...}` expressions. */
    readonly prefix: pulumi.Input<string>;
    /** Firehose `ErrorOutputPrefix`; required whenever `prefix` uses expressions. */
    readonly errorPrefix: pulumi.Input<string>;
}

export interface FirehoseDeliveryArgs {
    /** The pipeline delivered; the role carries it as its `tracking:pipeline` tag, which the bucket policy admits to that pipeline's folders. */
    readonly pipeline: string;
    /** The IAM role name; pinned (see `firehoseRoleName`) because the bucket's account grants it by ARN first. */
    readonly roleName: string;
    /** Name of the delivery stream into the landing bucket. */
    readonly deliveryStreamName: string;
    /** The account, region and partition this stack deploys into (trust condition, ARNs). */
    readonly accountId: string;
    readonly region: string;
    readonly partition: string;
    /** The Kinesis stream read, and the KMS key that encrypts it. */
    readonly source: { readonly streamArn: pulumi.Input<string>; readonly streamKeyArn: pulumi.Input<string> };
    /** The data destination, read by the crawlers and the Glue job. */
    readonly landing: S3Target;
    /** The CMK the destination buckets use (SSE-KMS); Firehose writes every object with it. */
    readonly dataKeyArn: pulumi.Input<string>;
    /**
     * When set, a second delivery stream copies every source record untouched into this target (the raw
     * bucket), so data can be reprocessed differently later. Firehose's own "source record backup" only
     * exists with a transformation, which this pipeline does not have, hence a second reader of the stream.
     */
    readonly rawBackup?: S3Target & { readonly deliveryStreamName: string };
    /** Flush after this many seconds (0-900) or this many MiB (1-128), whichever comes first. */
    readonly buffering: { readonly intervalSeconds: number; readonly sizeMiB: number };
    /** `GZIP`, `HADOOP_SNAPPY`, `Snappy`, `ZIP` or `UNCOMPRESSED`. */
    readonly compression: string;
    /** Retention of the delivery-error log group, in days (a CloudWatch-accepted value). */
    readonly logRetentionDays: number;
    /** A permissions boundary for the role (the bootstrap's workload boundary): caps what it can ever be granted. */
    readonly permissionsBoundaryArn?: string;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The log streams Firehose writes delivery errors to, one per delivery stream. */
export const DELIVERY_LOG_STREAM = "DestinationDelivery";
export const RAW_DELIVERY_LOG_STREAM = "RawBackupDelivery";

/**
 * The part of a Firehose prefix that is fixed, cut back to its last `/`: `user-events/year=!{...}/` gives
 * `user-events/`. IAM grants object access under it (`<bucket>/<scope>*`), because the date folders below
 * are only known at delivery time. A prefix without expressions is its own scope.
 */
export function iamScopeOfPrefix(prefix: string): string {
    const expression = prefix.indexOf("!{");
    if (expression < 0) return prefix;
    const fixed = prefix.slice(0, expression);
    const scope = fixed.slice(0, fixed.lastIndexOf("/") + 1);
    if (scope === "") {
        throw new Error(
            `Firehose prefix ${JSON.stringify(prefix)} has no fixed folder before its first expression: IAM could only grant the whole bucket`,
        );
    }
    return scope;
}

/** The trust policy Firehose documents: its service principal, with `sts:ExternalId` = the account id. */
export function firehoseTrustPolicy(accountId: string): string {
    return policyDocument([
        serviceTrust("firehose.amazonaws.com", { StringEquals: { "sts:ExternalId": accountId } }, "FirehoseAssumeRole"),
    ]);
}

/** Resolved inputs of `firehoseRoleStatements`. */
export interface FirehoseRoleScope {
    readonly region: string;
    readonly streamArn: string;
    readonly streamKeyArn: string;
    readonly dataKeyArn: string;
    /** Every bucket written, with the prefixes written in it. */
    readonly targets: readonly { readonly bucketArn: string; readonly prefixes: readonly string[] }[];
    /** ARNs of the log streams the delivery streams report errors to. */
    readonly logStreamArns: readonly string[];
}

/**
 * The Firehose role's permissions, exactly those the Firehose developer guide lists for a Kinesis source
 * and an S3 destination, each on the narrowest resource it supports:
 * - the four Kinesis read actions, on its own stream only, and kms:Decrypt on the stream key only when
 *   Kinesis asks for it, for that stream;
 * - S3 object actions under its own prefixes only, and PutObjectAcl there only for the bucket-owner canned
 *   ACL it sends across accounts; ListBucket only for those prefixes;
 * - the data key only through S3 in this region, and only for its own buckets' encryption context (the
 *   bucket ARN with S3 Bucket Keys on, the object ARN without);
 * - PutLogEvents on its own log streams.
 * No Delete action, and no statement with a wildcard resource.
 */
export function firehoseRoleStatements(scope: FirehoseRoleScope): PolicyStatement[] {
    return [
        allow(
            "ReadSourceStream",
            ["kinesis:DescribeStream", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"],
            [scope.streamArn],
        ),
        allow("DecryptSourceStream", ["kms:Decrypt"], [scope.streamKeyArn], {
            StringEquals: {
                "kms:ViaService": `kinesis.${scope.region}.amazonaws.com`,
                "kms:EncryptionContext:aws:kinesis:arn": scope.streamArn,
            },
        }),
        ...firehoseRoleS3Statements(
            scope.region,
            scope.dataKeyArn,
            scope.targets.map((target) => ({
                bucketArn: target.bucketArn,
                folders: target.prefixes.map(iamScopeOfPrefix),
            })),
        ),
        allow("ReportDeliveryErrors", ["logs:PutLogEvents"], [...scope.logStreamArns]),
    ];
}

/**
 * Delivers one Kinesis stream into an S3 prefix of another account's bucket: the Firehose role (trusted
 * by Firehose for this account only), its exact permissions, a log group for delivery errors, and the
 * delivery stream. Records are compressed, written with SSE-KMS under the bucket's key, and partitioned by
 * arrival time through the prefix's expressions.
 *
 * The delivery stream sets no `serverSideEncryption`: Firehose accepts it only for Direct PUT sources.
 * With a Kinesis source nothing is stored by Firehose at rest; the stream's KMS encryption and SSE-KMS on
 * the bucket cover both ends.
 */
export class FirehoseDelivery extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly rolePolicy: aws.iam.RolePolicy;
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly deliveryStream: aws.kinesis.FirehoseDeliveryStream;
    readonly rawDeliveryStream?: aws.kinesis.FirehoseDeliveryStream;
    readonly roleArn: pulumi.Output<string>;
    readonly arn: pulumi.Output<string>;
    readonly rawArn?: pulumi.Output<string>;

    constructor(name: string, args: FirehoseDeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:FirehoseDelivery", name, {}, opts);

        const { intervalSeconds, sizeMiB } = args.buffering;
        if (!Number.isInteger(intervalSeconds) || intervalSeconds < 0 || intervalSeconds > 900) {
            throw new Error(
                `FirehoseDelivery ${name}: buffering.intervalSeconds must be an integer from 0 to 900 (got ${intervalSeconds})`,
            );
        }
        if (!Number.isInteger(sizeMiB) || sizeMiB < 1 || sizeMiB > 128) {
            throw new Error(
                `FirehoseDelivery ${name}: buffering.sizeMiB must be an integer from 1 to 128 (got ${sizeMiB})`,
            );
        }

        this.role = new aws.iam.Role(
            `${name}-firehose`,
            {
                name: args.roleName,
                description: `Firehose ${args.deliveryStreamName}: reads its Kinesis stream, writes its prefix of the landing bucket`,
                assumeRolePolicy: firehoseTrustPolicy(args.accountId),
                maxSessionDuration: 3600,
                ...(args.permissionsBoundaryArn !== undefined
                    ? { permissionsBoundary: args.permissionsBoundaryArn }
                    : {}),
                tags: pulumi.output(args.tags ?? {}).apply((tags) => ({ ...tags, [PIPELINE_TAG_KEY]: args.pipeline })),
            },
            { parent: this },
        );

        const logGroupName = `/aws/kinesisfirehose/${args.deliveryStreamName}`;
        this.logGroup = new aws.cloudwatch.LogGroup(
            `${name}-firehose`,
            {
                name: logGroupName,
                retentionInDays: args.logRetentionDays,
                tags: args.tags,
            },
            { parent: this },
        );
        const logStreamNames = [DELIVERY_LOG_STREAM, ...(args.rawBackup ? [RAW_DELIVERY_LOG_STREAM] : [])];
        const logStreams = logStreamNames.map(
            (logStreamName) =>
                new aws.cloudwatch.LogStream(
                    `${name}-${logStreamName === DELIVERY_LOG_STREAM ? "delivery" : "raw-delivery"}`,
                    {
                        name: logStreamName,
                        logGroupName: this.logGroup.name,
                    },
                    { parent: this },
                ),
        );
        const logStreamArn = (logStreamName: string) =>
            `arn:${args.partition}:logs:${args.region}:${args.accountId}:log-group:${logGroupName}:log-stream:${logStreamName}`;

        const raw = args.rawBackup;
        const policy = pulumi
            .all([
                args.source.streamArn,
                args.source.streamKeyArn,
                args.dataKeyArn,
                args.landing.bucketArn,
                args.landing.prefix,
                args.landing.errorPrefix,
                raw?.bucketArn ?? "",
                raw?.prefix ?? "",
                raw?.errorPrefix ?? "",
            ])
            .apply(
                ([
                    streamArn,
                    streamKeyArn,
                    dataKeyArn,
                    landingArn,
                    landingPrefix,
                    landingErrorPrefix,
                    rawArn,
                    rawPrefix,
                    rawErrorPrefix,
                ]) =>
                    policyDocument(
                        firehoseRoleStatements({
                            region: args.region,
                            streamArn,
                            streamKeyArn,
                            dataKeyArn,
                            targets: [
                                { bucketArn: landingArn, prefixes: [landingPrefix, landingErrorPrefix] },
                                ...(raw ? [{ bucketArn: rawArn, prefixes: [rawPrefix, rawErrorPrefix] }] : []),
                            ],
                            logStreamArns: logStreamNames.map(logStreamArn),
                        }),
                        `role policy delivery of FirehoseDelivery "${name}"`,
                    ),
            );
        this.rolePolicy = new aws.iam.RolePolicy(
            `${name}-firehose`,
            {
                name: "delivery",
                role: this.role.name,
                policy,
            },
            { parent: this },
        );

        // Firehose checks the role's permissions when the stream is created: the policy must exist first.
        const dependsOn = [this.rolePolicy, ...logStreams];
        const deliver = (logicalName: string, streamName: string, target: S3Target, logStreamName: string) =>
            new aws.kinesis.FirehoseDeliveryStream(
                logicalName,
                {
                    name: streamName,
                    destination: "extended_s3",
                    kinesisSourceConfiguration: { kinesisStreamArn: args.source.streamArn, roleArn: this.role.arn },
                    extendedS3Configuration: {
                        roleArn: this.role.arn,
                        bucketArn: target.bucketArn,
                        prefix: target.prefix,
                        errorOutputPrefix: target.errorPrefix,
                        bufferingInterval: intervalSeconds,
                        bufferingSize: sizeMiB,
                        compressionFormat: args.compression,
                        kmsKeyArn: args.dataKeyArn,
                        cloudwatchLoggingOptions: { enabled: true, logGroupName, logStreamName },
                        // Firehose concatenates records as they came; a newline after each makes every object
                        // JSON Lines, the framing the Glue job's JSON reader, the crawler and Athena expect.
                        processingConfiguration: { enabled: true, processors: [{ type: "AppendDelimiterToRecord" }] },
                        s3BackupMode: "Disabled",
                    },
                    tags: args.tags,
                },
                { parent: this, dependsOn },
            );

        this.deliveryStream = deliver(name, args.deliveryStreamName, args.landing, DELIVERY_LOG_STREAM);
        if (raw) {
            this.rawDeliveryStream = deliver(`${name}-raw`, raw.deliveryStreamName, raw, RAW_DELIVERY_LOG_STREAM);
            this.rawArn = this.rawDeliveryStream.arn;
        }

        this.roleArn = this.role.arn;
        this.arn = this.deliveryStream.arn;
        this.registerOutputs({ roleArn: this.roleArn, arn: this.arn, rawArn: this.rawArn });
    }
}
