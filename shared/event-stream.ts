import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountRootArn, PolicyStatement } from "./iam";

export interface EventStreamArgs {
    /** The Kinesis stream name (1-128 of `[a-zA-Z0-9_.-]`), e.g. `tracking-dev-user-events`. */
    readonly streamName: string;
    /**
     * `ON_DEMAND` (scales with traffic, billed per GB) or `PROVISIONED` (fixed shards, billed per shard
     * hour: cheaper at a steady known rate).
     */
    readonly mode: "ON_DEMAND" | "PROVISIONED";
    /** Shards for `PROVISIONED` (1-500); must be absent for `ON_DEMAND`. */
    readonly shardCount?: number;
    /** How long records stay readable, 24-8760 hours. */
    readonly retentionHours: number;
    /** ARN of the customer-managed KMS key that encrypts the records at rest. */
    readonly kmsKeyArn: pulumi.Input<string>;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Protects the stream from `pulumi destroy` and from a refactor that would replace it: records not yet
     * delivered by Firehose would be lost with it. Default true.
     */
    readonly protect?: boolean;
}

const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;

/**
 * One Kinesis data stream, encrypted at rest with a customer-managed key (Security Hub Kinesis.1), in
 * on-demand or provisioned capacity mode.
 */
export class EventStream extends pulumi.ComponentResource {
    readonly stream: aws.kinesis.Stream;
    readonly arn: pulumi.Output<string>;
    readonly name: pulumi.Output<string>;

    constructor(name: string, args: EventStreamArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:EventStream", name, {}, opts);

        if (!STREAM_NAME.test(args.streamName)) {
            throw new Error(`EventStream ${name}: streamName must be 1-128 characters from [a-zA-Z0-9_.-] (got ${JSON.stringify(args.streamName)})`);
        }
        if (args.mode === "PROVISIONED") {
            if (args.shardCount === undefined || !Number.isInteger(args.shardCount) || args.shardCount < 1 || args.shardCount > 500) {
                throw new Error(`EventStream ${name}: shardCount must be an integer from 1 to 500 with mode PROVISIONED (got ${args.shardCount})`);
            }
        } else if (args.shardCount !== undefined) {
            throw new Error(`EventStream ${name}: shardCount is only valid with mode PROVISIONED`);
        }
        if (!Number.isInteger(args.retentionHours) || args.retentionHours < 24 || args.retentionHours > 8760) {
            throw new Error(`EventStream ${name}: retentionHours must be an integer from 24 to 8760 (got ${args.retentionHours})`);
        }

        this.stream = new aws.kinesis.Stream(name, {
            name: args.streamName,
            streamModeDetails: { streamMode: args.mode },
            // The provider rejects a shard count on an on-demand stream, so it is only sent when provisioned.
            ...(args.mode === "PROVISIONED" ? { shardCount: args.shardCount } : {}),
            retentionPeriod: args.retentionHours,
            encryptionType: "KMS",
            kmsKeyId: args.kmsKeyArn,
            // Deleting a stream that still has registered (enhanced fan-out) consumers must be a decision.
            enforceConsumerDeletion: false,
            tags: args.tags,
        }, { parent: this, protect: args.protect ?? true });

        this.arn = this.stream.arn;
        this.name = this.stream.name;
        this.registerOutputs({ arn: this.arn, name: this.name });
    }
}

/** The ARN of a Kinesis stream, derived from its name (names are pinned, so ARNs are known up front). */
export function streamArnOf(partition: string, region: string, accountId: string, streamName: string): string {
    return `arn:${partition}:kinesis:${region}:${accountId}:stream/${streamName}`;
}

export interface StreamKeyUseArgs {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
    /** Roles that put records (kms:GenerateDataKey) into these streams. */
    readonly producers: { readonly roleArn: string; readonly streamArns: readonly string[] };
    /** Roles that read records (kms:Decrypt), each from its own pipeline's stream. */
    readonly consumers: readonly { readonly pipeline: string; readonly roleArn: string; readonly streamArn: string }[];
}

/**
 * Key-policy statements letting the producers and consumers use the stream key, and only as Kinesis
 * documents it: producers kms:GenerateDataKey, consumers kms:Decrypt, both only when Kinesis makes the
 * call for them (`kms:ViaService`) and only for the named streams (Kinesis puts the stream ARN in the
 * encryption context). The roles are named through `aws:PrincipalArn` on the account principal rather
 * than as principals: the key can then be created before the roles (no ordering cycle between key,
 * streams and role policies), and a recreated role keeps working. The roles' own IAM policies must also
 * allow the action on this key: both sides are needed.
 */
export function streamKeyUseStatements(args: StreamKeyUseArgs): PolicyStatement[] {
    const account = { AWS: accountRootArn(args.partition, args.accountId) };
    const viaKinesis = `kinesis.${args.region}.amazonaws.com`;
    return [
        {
            Sid: "ProduceThroughKinesis",
            Effect: "Allow",
            Principal: account,
            Action: "kms:GenerateDataKey",
            Resource: "*",
            Condition: {
                StringEquals: {
                    "kms:ViaService": viaKinesis,
                    "kms:CallerAccount": args.accountId,
                    "kms:EncryptionContext:aws:kinesis:arn": [...args.producers.streamArns],
                },
                ArnEquals: { "aws:PrincipalArn": args.producers.roleArn },
            },
        },
        ...args.consumers.map((consumer): PolicyStatement => ({
            // Sids are alphanumeric: user-events -> ConsumeThroughKinesisUserEvents.
            Sid: `ConsumeThroughKinesis${consumer.pipeline.split("-").map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join("")}`,
            Effect: "Allow",
            Principal: account,
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: {
                StringEquals: {
                    "kms:ViaService": viaKinesis,
                    "kms:CallerAccount": args.accountId,
                    "kms:EncryptionContext:aws:kinesis:arn": consumer.streamArn,
                },
                ArnEquals: { "aws:PrincipalArn": consumer.roleArn },
            },
        })),
    ];
}
