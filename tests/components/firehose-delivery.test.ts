import { expect } from "chai";
import { PIPELINE_TAG_KEY } from "../../shared/firehose-landing-access";
import {
    DELIVERY_LOG_STREAM,
    FirehoseDelivery,
    FirehoseDeliveryArgs,
    RAW_DELIVERY_LOG_STREAM,
} from "../../shared/firehose-delivery";
import { allowEverythingTo, decide } from "../support/iam-decision";
import {
    ofType,
    RecordedResource,
    recordResources,
    refusal,
    TEST_ACCOUNT,
    TEST_REGION,
    valueOf,
} from "../support/mock-runtime";

const DATA_ACCOUNT = "222222222222";
const STREAM = `arn:aws:kinesis:${TEST_REGION}:${TEST_ACCOUNT}:stream/tracking-test-user-events`;
const STREAM_KEY = `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/aaaaaaaa-0000-0000-0000-000000000000`;
const DATA_KEY = `arn:aws:kms:${TEST_REGION}:${DATA_ACCOUNT}:key/bbbbbbbb-0000-0000-0000-000000000000`;
const LANDING = "arn:aws:s3:::tracking-test-landing";
const RAW = "arn:aws:s3:::tracking-test-raw";
const ROLE_ARN = `arn:aws:iam::${TEST_ACCOUNT}:role/tracking-test-user-events-firehose`;
const STREAM_TYPE = "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream";

function args(overrides: Partial<FirehoseDeliveryArgs> = {}): FirehoseDeliveryArgs {
    return {
        pipeline: "user-events",
        roleName: "tracking-test-user-events-firehose",
        deliveryStreamName: "tracking-test-user-events",
        accountId: TEST_ACCOUNT,
        region: TEST_REGION,
        partition: "aws",
        source: { streamArn: STREAM, streamKeyArn: STREAM_KEY },
        landing: {
            bucketArn: LANDING,
            prefix: "user-events/!{timestamp:yyyy}/",
            errorPrefix: "_firehose-errors/user-events/!{firehose:error-output-type}/",
        },
        dataKeyArn: DATA_KEY,
        buffering: { intervalSeconds: 60, sizeMiB: 64 },
        compression: "GZIP",
        logRetentionDays: 14,
        ...overrides,
    };
}

function rolePolicy(resources: readonly RecordedResource[]): unknown {
    const [policy] = ofType(resources, "aws:iam/rolePolicy:RolePolicy");
    return JSON.parse(String(policy.inputs.policy));
}

/** Whether the role's own policy lets it write this object (the bucket's side isolated: it allows everything). */
function put(policy: unknown, objectArn: string): Promise<string> {
    return decide(
        { principal: ROLE_ARN, action: "s3:PutObject", resource: objectArn, resourceAccount: DATA_ACCOUNT },
        { identity: [{ name: "delivery", policy }], resource: allowEverythingTo(ROLE_ARN) },
    );
}

describe("FirehoseDelivery (component, under pulumi.runtime.setMocks)", () => {
    it("delivers the Kinesis stream into the landing prefix with the given buffering, compression and data key, one JSON line per record", async () => {
        let delivery: FirehoseDelivery | undefined;
        const resources = await recordResources(() => {
            delivery = new FirehoseDelivery(
                "user-events",
                args({ buffering: { intervalSeconds: 300, sizeMiB: 5 }, compression: "Snappy" }),
            );
        });
        const [stream] = ofType(resources, STREAM_TYPE);
        expect(stream.inputs).to.include({ name: "tracking-test-user-events", destination: "extended_s3" });
        expect(stream.inputs.kinesisSourceConfiguration).to.deep.equal({ kinesisStreamArn: STREAM, roleArn: ROLE_ARN });
        // Firehose accepts server-side encryption only for Direct PUT sources.
        expect(stream.inputs).to.not.have.property("serverSideEncryption");
        expect(stream.inputs.extendedS3Configuration).to.deep.include({
            bucketArn: LANDING,
            prefix: "user-events/!{timestamp:yyyy}/",
            bufferingInterval: 300,
            bufferingSize: 5,
            compressionFormat: "Snappy",
            kmsKeyArn: DATA_KEY,
            roleArn: ROLE_ARN,
            processingConfiguration: { enabled: true, processors: [{ type: "AppendDelimiterToRecord" }] },
            cloudwatchLoggingOptions: {
                enabled: true,
                logGroupName: "/aws/kinesisfirehose/tracking-test-user-events",
                logStreamName: DELIVERY_LOG_STREAM,
            },
        });
        expect(await valueOf(delivery!.arn)).to.equal(
            `arn:aws:firehose:${TEST_REGION}:${TEST_ACCOUNT}:deliverystream/tracking-test-user-events`,
        );
        expect(ofType(resources, "aws:cloudwatch/logGroup:LogGroup").map((r) => r.inputs)).to.deep.equal([
            { name: "/aws/kinesisfirehose/tracking-test-user-events", retentionInDays: 14 },
        ]);
    });

    it("lets only Firehose of its own account assume the role (sts:ExternalId = the account), tagged with its pipeline", async () => {
        const resources = await recordResources(() => new FirehoseDelivery("user-events", args()));
        const [role] = ofType(resources, "aws:iam/role:Role");
        const trust = JSON.parse(String(role.inputs.assumeRolePolicy)) as unknown;
        const assume = (principal: string, externalId: string) =>
            decide(
                {
                    principal,
                    action: "sts:AssumeRole",
                    resource: ROLE_ARN,
                    resourceAccount: TEST_ACCOUNT,
                    context: { "sts:ExternalId": externalId },
                },
                { identity: [], resource: trust },
            );
        expect(await assume("firehose.amazonaws.com", TEST_ACCOUNT)).to.equal("Allowed");
        expect(await assume("firehose.amazonaws.com", DATA_ACCOUNT)).to.equal("ImplicitlyDenied");
        expect(await assume("glue.amazonaws.com", TEST_ACCOUNT)).to.equal("ImplicitlyDenied");
        // The bucket's account admits a role to a pipeline's folders by this tag.
        expect(role.inputs.tags).to.deep.include({ [PIPELINE_TAG_KEY]: "user-events" });
    });

    it("lets the role write under its own prefixes only, and deletes nothing", async () => {
        const resources = await recordResources(() => new FirehoseDelivery("user-events", args()));
        const policy = rolePolicy(resources);
        expect(await put(policy, `${LANDING}/user-events/2026/12/05/part.gz`)).to.equal("Allowed");
        expect(await put(policy, `${LANDING}/_firehose-errors/user-events/processing-failed/x`)).to.equal("Allowed");
        expect(await put(policy, `${LANDING}/user-utm/2026/12/05/part.gz`)).to.equal("ImplicitlyDenied");
        expect(await put(policy, `${RAW}/user-events/part.gz`)).to.equal("ImplicitlyDenied");
        const del = await decide(
            {
                principal: ROLE_ARN,
                action: "s3:DeleteObject",
                resource: `${LANDING}/user-events/2026/x`,
                resourceAccount: DATA_ACCOUNT,
            },
            { identity: [{ name: "delivery", policy }], resource: allowEverythingTo(ROLE_ARN) },
        );
        expect(del).to.equal("ImplicitlyDenied");
    });

    it("with rawBackup, adds a second delivery stream into the raw bucket, its own log stream, and the raw prefix to the role", async () => {
        const resources = await recordResources(
            () =>
                new FirehoseDelivery(
                    "user-events",
                    args({
                        rawBackup: {
                            bucketArn: RAW,
                            prefix: "user-events/",
                            errorPrefix: "_firehose-errors/user-events/",
                            deliveryStreamName: "tracking-test-user-events-raw",
                        },
                    }),
                ),
        );
        const streams = ofType(resources, STREAM_TYPE);
        expect(streams.map((s) => s.inputs.name)).to.have.members([
            "tracking-test-user-events",
            "tracking-test-user-events-raw",
        ]);
        const raw = streams.find((s) => s.inputs.name === "tracking-test-user-events-raw")!;
        expect(raw.inputs.kinesisSourceConfiguration).to.deep.include({ kinesisStreamArn: STREAM });
        expect(raw.inputs.extendedS3Configuration).to.deep.include({ bucketArn: RAW, prefix: "user-events/" });
        expect(
            (raw.inputs.extendedS3Configuration as Record<string, unknown>).cloudwatchLoggingOptions,
        ).to.deep.include({ logStreamName: RAW_DELIVERY_LOG_STREAM });
        expect(ofType(resources, "aws:cloudwatch/logStream:LogStream").map((s) => s.inputs.name)).to.have.members([
            DELIVERY_LOG_STREAM,
            RAW_DELIVERY_LOG_STREAM,
        ]);
        expect(await put(rolePolicy(resources), `${RAW}/user-events/2026/part.gz`)).to.equal("Allowed");
        expect(await put(rolePolicy(resources), `${RAW}/user-utm/2026/part.gz`)).to.equal("ImplicitlyDenied");
    });

    it("without rawBackup, has one delivery stream and one log stream", async () => {
        const resources = await recordResources(() => new FirehoseDelivery("user-events", args()));
        expect(ofType(resources, STREAM_TYPE)).to.have.length(1);
        expect(ofType(resources, "aws:cloudwatch/logStream:LogStream").map((s) => s.inputs.name)).to.deep.equal([
            DELIVERY_LOG_STREAM,
        ]);
    });

    it("refuses buffering Firehose would reject (interval 0-900 s, size 1-128 MiB) before registering anything", async () => {
        const cases: Array<[FirehoseDeliveryArgs["buffering"], RegExp]> = [
            [
                { intervalSeconds: 901, sizeMiB: 64 },
                /FirehoseDelivery user-events: buffering.intervalSeconds must be an integer from 0 to 900 \(got 901\)/,
            ],
            [{ intervalSeconds: 1.5, sizeMiB: 64 }, /buffering.intervalSeconds/],
            [{ intervalSeconds: 60, sizeMiB: 0 }, /buffering.sizeMiB must be an integer from 1 to 128 \(got 0\)/],
            [{ intervalSeconds: 60, sizeMiB: 129 }, /buffering.sizeMiB must be an integer from 1 to 128 \(got 129\)/],
        ];
        for (const [buffering, message] of cases) {
            const { error, resources } = await refusal(() => new FirehoseDelivery("user-events", args({ buffering })));
            expect(String(error)).to.match(message);
            expect(resources).to.deep.equal([]);
        }
        // The bounds themselves are accepted.
        const edges = await recordResources(
            () => new FirehoseDelivery("user-events", args({ buffering: { intervalSeconds: 0, sizeMiB: 128 } })),
        );
        expect(ofType(edges, STREAM_TYPE)[0].inputs.extendedS3Configuration).to.deep.include({
            bufferingInterval: 0,
            bufferingSize: 128,
        });
    });
});
