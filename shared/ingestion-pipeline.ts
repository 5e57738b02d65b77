import * as pulumi from "@pulumi/pulumi";
import { EventStream } from "./event-stream";
import { FirehoseDelivery, S3Target } from "./firehose-delivery";
import { PipelineNames, pipelineNames } from "./naming";
import { PipelineDefinition } from "./pipeline-codegen/definition";

export interface IngestionPipelineArgs {
    readonly definition: PipelineDefinition;
    /** The short stack name in every resource name. */
    readonly stack: string;
    readonly accountId: string;
    readonly region: string;
    readonly partition: string;
    readonly stream: {
        readonly mode: "ON_DEMAND" | "PROVISIONED";
        readonly shardCount?: number;
        readonly retentionHours: number;
        /** The customer-managed key of the streams. */
        readonly kmsKeyArn: pulumi.Input<string>;
    };
    /** The landing bucket prefix data-platform assigned to this pipeline. */
    readonly landing: S3Target;
    /** The data-platform buckets' CMK. */
    readonly dataKeyArn: pulumi.Input<string>;
    /** The raw bucket target, when raw backup is on. */
    readonly rawBackup?: S3Target;
    readonly buffering: { readonly intervalSeconds: number; readonly sizeMiB: number };
    readonly compression: string;
    readonly logRetentionDays: number;
    /** A permissions boundary for the Firehose role (the bootstrap's workload boundary). */
    readonly permissionsBoundaryArn?: string;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * Everything the engineering account runs for one pipeline: its Kinesis stream and the Firehose
 * delivery from that stream into the pipeline's prefix of the data-platform landing bucket (and, when
 * configured, the untouched copy into the raw bucket). The API routes live in the API component.
 */
export class IngestionPipeline extends pulumi.ComponentResource {
    readonly names: PipelineNames;
    readonly stream: EventStream;
    readonly delivery: FirehoseDelivery;
    readonly streamArn: pulumi.Output<string>;
    readonly firehoseArn: pulumi.Output<string>;
    readonly firehoseRoleArn: pulumi.Output<string>;

    constructor(name: string, args: IngestionPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:IngestionPipeline", name, {}, opts);
        const pipeline = args.definition.name;
        this.names = pipelineNames(args.stack, pipeline);
        const tags = pulumi.output(args.tags ?? {}).apply((t) => ({ ...t, pipeline }));

        this.stream = new EventStream(
            pipeline,
            {
                streamName: this.names.streamName,
                mode: args.stream.mode,
                shardCount: args.stream.shardCount,
                retentionHours: args.stream.retentionHours,
                kmsKeyArn: args.stream.kmsKeyArn,
                tags,
            },
            { parent: this },
        );

        this.delivery = new FirehoseDelivery(
            pipeline,
            {
                pipeline,
                roleName: this.names.firehoseRoleName,
                deliveryStreamName: this.names.deliveryStreamName,
                accountId: args.accountId,
                region: args.region,
                partition: args.partition,
                source: { streamArn: this.stream.arn, streamKeyArn: args.stream.kmsKeyArn },
                landing: args.landing,
                dataKeyArn: args.dataKeyArn,
                ...(args.rawBackup
                    ? { rawBackup: { ...args.rawBackup, deliveryStreamName: this.names.rawDeliveryStreamName } }
                    : {}),
                buffering: args.buffering,
                compression: args.compression,
                logRetentionDays: args.logRetentionDays,
                ...(args.permissionsBoundaryArn !== undefined
                    ? { permissionsBoundaryArn: args.permissionsBoundaryArn }
                    : {}),
                tags,
            },
            { parent: this },
        );

        this.streamArn = this.stream.arn;
        this.firehoseArn = this.delivery.arn;
        this.firehoseRoleArn = this.delivery.roleArn;
        this.registerOutputs({
            streamArn: this.streamArn,
            firehoseArn: this.firehoseArn,
            firehoseRoleArn: this.firehoseRoleArn,
        });
    }
}
