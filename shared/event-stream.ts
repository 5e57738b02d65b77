import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountRootArn, allowPrincipal, Conditions, PolicyStatement } from "./iam";

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
            throw new Error(
                `EventStream ${name}: streamName must be 1-128 characters from [a-zA-Z0-9_.-] (got ${JSON.stringify(args.streamName)})`,
            );
        }
        if (args.mode === "PROVISIONED") {
            if (
                args.shardCount === undefined ||
                !Number.isInteger(args.shardCount) ||
                args.shardCount < 1 ||
                args.shardCount > 500
            ) {
                throw new Error(
                    `EventStream ${name}: shardCount must be an integer from 1 to 500 with mode PROVISIONED (got ${args.shardCount})`,
                );
            }
        } else if (args.shardCount !== undefined) {
            throw new Error(`EventStream ${name}: shardCount is only valid with mode PROVISIONED`);
        }
        if (!Number.isInteger(args.retentionHours) || args.retentionHours < 24 || args.retentionHours > 8760) {
            throw new Error(
                `EventStream ${name}: retentionHours must be an integer from 24 to 8760 (got ${args.retentionHours})`,
            );
        }

        this.stream = new aws.kinesis.Stream(
            name,
            {
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
            },
            { parent: this, protect: args.protect ?? true },
        );

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
    /** ARN pattern of the stack's streams, `streamArnOf(..., resourceName(stack, "*"))`. */
    readonly streamArnPattern: string;
    /** The role that puts records (kms:GenerateDataKey) into the streams: the ingestion API's. */
    readonly producerRoleArn: string;
    /** ARN pattern of the roles that read records (kms:Decrypt): the stack's Firehose roles. */
    readonly consumerRoleArnPattern: string;
}

/**
 * Key-policy statements letting the producer and the consumers use the stream key, and only as Kinesis
 * documents it: the producer kms:GenerateDataKey, consumers kms:Decrypt, both only when Kinesis makes the
 * call for them (`kms:ViaService`) and only for the stack's streams (Kinesis puts the stream ARN in the
 * encryption context). Roles are named through `aws:PrincipalArn` on the account principal rather than as
 * principals: the key can then be created before the roles (no ordering cycle between key, streams and
 * role policies), a recreated role keeps working, and the policy does not grow with the pipelines. Which
 * stream a role may use is its own IAM policy's (each names its own stream): both sides are needed.
 */
export function streamKeyUseStatements(args: StreamKeyUseArgs): PolicyStatement[] {
    const account = { AWS: accountRootArn(args.partition, args.accountId) };
    const throughKinesis = (principalArn: Conditions) => ({
        StringEquals: { "kms:ViaService": `kinesis.${args.region}.amazonaws.com`, "kms:CallerAccount": args.accountId },
        StringLike: { "kms:EncryptionContext:aws:kinesis:arn": args.streamArnPattern },
        ...principalArn,
    });
    return [
        allowPrincipal(
            "ProduceThroughKinesis",
            account,
            ["kms:GenerateDataKey"],
            ["*"],
            throughKinesis({ ArnEquals: { "aws:PrincipalArn": args.producerRoleArn } }),
        ),
        allowPrincipal(
            "ConsumeThroughKinesis",
            account,
            ["kms:Decrypt"],
            ["*"],
            throughKinesis({ ArnLike: { "aws:PrincipalArn": args.consumerRoleArnPattern } }),
        ),
    ];
}
