import { expect } from "chai";
import * as path from "path";
import { loadEngineeringConfig } from "../../engineering/config";
import { restApiResourceCount } from "../../shared/api/routes";
import { DEFAULT_THRESHOLDS } from "../../shared/pipeline-alarms";
import { pipelines } from "../../shared/pipelines";
import { syntheticPipelines } from "../../tools/bench-plan";
import { repoRoot } from "../../tools/plan/runner";
import { readProjectFile, readStackConfig } from "../../tools/plan/stack-files";
import { configTestKit } from "../support/config-kit";

const NS = "tracking-engineering";

/** A complete, valid stack configuration (what engineering/Pulumi.dev.yaml holds), as the CLI passes it. */
const VALID: Record<string, string> = {
    "aws:region": "eu-central-1",
    "aws:allowedAccountIds": JSON.stringify(["111111111111"]),
    "aws:defaultTags": JSON.stringify({ tags: { "tracking:stack": "dev" } }),
    [`${NS}:accountId`]: "111111111111",
    [`${NS}:dataPlatformAccountId`]: "222222222222",
    [`${NS}:dataPlatformStack`]: "organization/tracking-data-platform/dev",
};

const { load, loadValues, problems, expectProblem } = configTestKit(NS, VALID, loadEngineeringConfig);

describe("engineering: stack configuration", () => {
    it("loads the dev stack file's values with every documented default", async () => {
        const config = await load();
        expect(config).to.deep.equal({
            stack: "dev",
            accountId: "111111111111",
            region: "eu-central-1",
            partition: "aws",
            dataPlatformAccountId: "222222222222",
            dataPlatformStack: "organization/tracking-data-platform/dev",
            deployerRoleArn: "arn:aws:iam::111111111111:role/tracking-deployer",
            readOnlyRoleArns: [
                "arn:aws:iam::111111111111:role/tracking-previewer",
                "arn:aws:iam::111111111111:role/tracking-drift-reader",
            ],
            workloadBoundaryArn: "arn:aws:iam::111111111111:policy/tracking-workload-boundary",
            stream: { mode: "ON_DEMAND", retentionHours: 24 },
            firehose: { bufferSeconds: 60, bufferMiB: 64, compression: "GZIP", rawBackup: false },
            api: {
                stageName: "v1",
                rateLimit: 100,
                burstLimit: 200,
                quotaLimit: 5_000_000,
                quotaPeriod: "DAY",
                tracing: false,
            },
            logRetentionDays: 30,
            quotas: { apiResources: 300, onDemandStreams: 50 },
            alarms: {
                thresholds: {
                    kinesisWriteThrottledRecords: 0,
                    iteratorAgeMilliseconds: 300000,
                    firehoseDeliverySuccessRatio: 1,
                    firehoseDataFreshnessSeconds: 900,
                    api5xxErrorRate: 0.01,
                    apiLatencyP99Milliseconds: 1000,
                },
            },
        });
    });

    it("loads the committed engineering/Pulumi.dev.yaml as written", async () => {
        const { values } = readStackConfig(readProjectFile(path.join(repoRoot(), "engineering")), "dev");
        const config = await loadValues(values);
        expect(config.accountId).to.equal(JSON.parse(values["aws:allowedAccountIds"])[0]);
        expect(config.dataPlatformStack).to.equal(values[`${NS}:dataPlatformStack`]);
    });

    it("a key the project does not know is an error naming the nearest valid key", async () => {
        await expectProblem(
            { firehoseBufferSecond: "300" },
            "firehoseBufferSecond",
            /is not a key of this project \(did you mean firehoseBufferSeconds\?\); every key is documented in engineering\/config\.ts$/,
        );
        await expectProblem({ streamMod: "FOO" }, "streamMod", /\(did you mean streamMode\?\)/);
    });

    it("derives the partition from the region", async () => {
        const config = await load({ "aws:region": "cn-north-1" });
        expect(config.partition).to.equal("aws-cn");
        expect(config.deployerRoleArn).to.equal("arn:aws-cn:iam::111111111111:role/tracking-deployer");
    });

    describe("accounts and the data-platform stack", () => {
        it("requires accountId, a 12-digit id", async () => {
            await expectProblem({ accountId: undefined }, `${NS}:accountId`, /is required/);
            await expectProblem(
                { accountId: "11111111111", "aws:allowedAccountIds": JSON.stringify(["11111111111"]) },
                `${NS}:accountId`,
                /12-digit AWS account id/,
            );
        });

        it("pins aws:allowedAccountIds to exactly accountId", async () => {
            await expectProblem(
                { "aws:allowedAccountIds": JSON.stringify(["333333333333"]) },
                "aws:allowedAccountIds",
                /must be \["111111111111"\]/,
            );
            await expectProblem(
                { "aws:allowedAccountIds": JSON.stringify(["111111111111", "333333333333"]) },
                "aws:allowedAccountIds",
                /must be \["111111111111"\]/,
            );
            await expectProblem(
                { "aws:allowedAccountIds": undefined },
                "aws:allowedAccountIds",
                /refuses any other account/,
            );
        });

        it("requires aws:defaultTags to tag every resource with the stack name (the deployer's tag conditions)", async () => {
            await expectProblem(
                { "aws:defaultTags": undefined },
                "aws:defaultTags",
                /must be \{ tags: \{ "tracking:stack": "dev" \} \}/,
            );
            await expectProblem(
                { "aws:defaultTags": JSON.stringify({ tags: { "tracking:stack": "prod" } }) },
                "aws:defaultTags",
                /"tracking:stack": "dev"/,
            );
            expect(
                (await load({ "aws:defaultTags": JSON.stringify({ tags: { "tracking:stack": "prod2" } }) }, "prod2"))
                    .stack,
            ).to.equal("prod2");
        });

        it("requires a valid region", async () => {
            await expectProblem({ "aws:region": "europe-1" }, "aws:region", /an AWS region/);
        });

        it("requires dataPlatformAccountId, a 12-digit id", async () => {
            await expectProblem({ dataPlatformAccountId: undefined }, `${NS}:dataPlatformAccountId`, /is required/);
            await expectProblem({ dataPlatformAccountId: "abc" }, `${NS}:dataPlatformAccountId`, /12-digit/);
            await expectProblem(
                { dataPlatformAccountId: "111111111111" },
                `${NS}:dataPlatformAccountId`,
                /must differ from accountId/,
            );
        });

        it("requires dataPlatformStack as <org>/tracking-data-platform/<stack>", async () => {
            await expectProblem({ dataPlatformStack: undefined }, `${NS}:dataPlatformStack`, /is required/);
            await expectProblem(
                { dataPlatformStack: "tracking-data-platform/dev" },
                `${NS}:dataPlatformStack`,
                /<org>\/<project>\/<stack>/,
            );
            await expectProblem(
                { dataPlatformStack: "organization/tracking-engineering/dev" },
                `${NS}:dataPlatformStack`,
                /must name a stack of the tracking-data-platform project/,
            );
        });

        it("requires a short lowercase stack name (it is in every resource name)", async () => {
            const found = await problems(
                { "aws:defaultTags": JSON.stringify({ tags: { "tracking:stack": "Production-EU" } }) },
                "Production-EU",
            );
            expect(found).to.deep.equal([
                `pulumi:stack: the stack name must be 1-10 lowercase letters and digits, starting with a letter (got "Production-EU")`,
            ]);
        });
    });

    describe("service quotas, checked against the declared pipelines", () => {
        const withPipelines = async <T>(count: number, body: () => Promise<T>): Promise<T> => {
            const declared = pipelines.length;
            pipelines.push(...syntheticPipelines(count - declared));
            try {
                return await body();
            } finally {
                pipelines.splice(declared, pipelines.length - declared);
            }
        };

        it("refuses more pipelines than API Gateway's resources per API admit, naming the key to raise", async () => {
            const fits = Math.floor((300 - 2) / 3);
            expect(restApiResourceCount(fits)).to.be.at.most(300);
            expect(restApiResourceCount(fits + 1)).to.be.greaterThan(300);
            await withPipelines(fits, () => load({ streamMode: "PROVISIONED", shardCount: "1" }));
            await withPipelines(fits + 1, () =>
                expectProblem(
                    { streamMode: "PROVISIONED", shardCount: "1" },
                    `${NS}:apiResourcesQuota`,
                    /need 302 API Gateway resources in one REST API, over the quota of 300/,
                ),
            );
            await withPipelines(fits + 1, () =>
                load({ streamMode: "PROVISIONED", shardCount: "1", apiResourcesQuota: "302" }),
            );
        });

        it("refuses more on-demand streams than the account's quota, and counts none for provisioned streams", async () => {
            await withPipelines(50, () => load());
            await withPipelines(51, () =>
                expectProblem(
                    {},
                    `${NS}:onDemandStreamsQuota`,
                    /51 pipelines need 51 on-demand Kinesis streams, over the quota of 50/,
                ),
            );
            await withPipelines(51, () => load({ onDemandStreamsQuota: "51" }));
            await withPipelines(51, () => load({ streamMode: "PROVISIONED", shardCount: "1" }));
            await expectProblem({ onDemandStreamsQuota: "10" }, `${NS}:onDemandStreamsQuota`, /integer from 50/);
        });
    });

    describe("streams", () => {
        it("accepts ON_DEMAND or PROVISIONED only", async () => {
            await expectProblem(
                { streamMode: "on-demand" },
                `${NS}:streamMode`,
                /must be one of ON_DEMAND, PROVISIONED/,
            );
        });

        it("needs shardCount (1-500) with PROVISIONED, and refuses it with ON_DEMAND", async () => {
            expect((await load({ streamMode: "PROVISIONED", shardCount: "4" })).stream).to.deep.equal({
                mode: "PROVISIONED",
                shardCount: 4,
                retentionHours: 24,
            });
            await expectProblem(
                { streamMode: "PROVISIONED" },
                `${NS}:shardCount`,
                /is required with streamMode PROVISIONED/,
            );
            await expectProblem(
                { streamMode: "PROVISIONED", shardCount: "501" },
                `${NS}:shardCount`,
                /integer from 1 to 500/,
            );
            await expectProblem(
                { streamMode: "PROVISIONED", shardCount: "0" },
                `${NS}:shardCount`,
                /integer from 1 to 500/,
            );
            await expectProblem({ shardCount: "2" }, `${NS}:shardCount`, /only valid with streamMode PROVISIONED/);
        });

        it("keeps retention within Kinesis' 24-8760 hours", async () => {
            expect((await load({ streamRetentionHours: "168" })).stream.retentionHours).to.equal(168);
            await expectProblem(
                { streamRetentionHours: "23" },
                `${NS}:streamRetentionHours`,
                /integer from 24 to 8760/,
            );
            await expectProblem(
                { streamRetentionHours: "8761" },
                `${NS}:streamRetentionHours`,
                /integer from 24 to 8760/,
            );
            await expectProblem(
                { streamRetentionHours: "48.5" },
                `${NS}:streamRetentionHours`,
                /integer from 24 to 8760/,
            );
        });
    });

    describe("Firehose", () => {
        it("keeps buffering within Firehose's S3 limits", async () => {
            expect((await load({ firehoseBufferSeconds: "0", firehoseBufferMiB: "128" })).firehose).to.include({
                bufferSeconds: 0,
                bufferMiB: 128,
            });
            await expectProblem(
                { firehoseBufferSeconds: "901" },
                `${NS}:firehoseBufferSeconds`,
                /integer from 0 to 900/,
            );
            await expectProblem(
                { firehoseBufferSeconds: "-1" },
                `${NS}:firehoseBufferSeconds`,
                /integer from 0 to 900/,
            );
            await expectProblem({ firehoseBufferMiB: "0" }, `${NS}:firehoseBufferMiB`, /integer from 1 to 128/);
            await expectProblem({ firehoseBufferMiB: "129" }, `${NS}:firehoseBufferMiB`, /integer from 1 to 128/);
        });

        it("accepts only compressions the Glue job can read", async () => {
            expect((await load({ firehoseCompression: "HADOOP_SNAPPY" })).firehose.compression).to.equal(
                "HADOOP_SNAPPY",
            );
            expect((await load({ firehoseCompression: "UNCOMPRESSED" })).firehose.compression).to.equal("UNCOMPRESSED");
            await expectProblem(
                { firehoseCompression: "Snappy" },
                `${NS}:firehoseCompression`,
                /must be one of GZIP, HADOOP_SNAPPY, UNCOMPRESSED/,
            );
            await expectProblem(
                { firehoseCompression: "ZIP" },
                `${NS}:firehoseCompression`,
                /must be one of GZIP, HADOOP_SNAPPY, UNCOMPRESSED/,
            );
        });

        it("takes rawBackup as true or false", async () => {
            expect((await load({ rawBackup: "true" })).firehose.rawBackup).to.equal(true);
            await expectProblem({ rawBackup: "yes" }, `${NS}:rawBackup`, /must be true or false/);
        });
    });

    describe("API", () => {
        it("bounds throttling and quota", async () => {
            const config = await load({
                apiRateLimit: "50",
                apiBurstLimit: "80",
                apiQuotaLimit: "1000",
                apiQuotaPeriod: "MONTH",
            });
            expect(config.api).to.include({ rateLimit: 50, burstLimit: 80, quotaLimit: 1000, quotaPeriod: "MONTH" });
            await expectProblem({ apiRateLimit: "0" }, `${NS}:apiRateLimit`, /integer from 1 to 10000/);
            await expectProblem({ apiRateLimit: "10001" }, `${NS}:apiRateLimit`, /integer from 1 to 10000/);
            await expectProblem({ apiBurstLimit: "5001" }, `${NS}:apiBurstLimit`, /integer from 1 to 5000/);
            await expectProblem({ apiQuotaLimit: "0" }, `${NS}:apiQuotaLimit`, /integer from 1 to 1000000000/);
            await expectProblem({ apiQuotaPeriod: "YEAR" }, `${NS}:apiQuotaPeriod`, /must be one of DAY, WEEK, MONTH/);
        });

        it("checks the stage name and the tracing switch", async () => {
            expect((await load({ apiStageName: "prod", apiTracing: "true" })).api).to.include({
                stageName: "prod",
                tracing: true,
            });
            await expectProblem({ apiStageName: "v 1" }, `${NS}:apiStageName`, /letters, digits/);
            await expectProblem({ apiTracing: "on" }, `${NS}:apiTracing`, /must be true or false/);
        });

        it("takes a custom domain and its hosted zone together or not at all", async () => {
            const config = await load({
                customDomainName: "ingest.example.com",
                hostedZoneId: "Z0123456789ABCDEFGHIJ",
            });
            expect(config.api.customDomain).to.deep.equal({
                domainName: "ingest.example.com",
                hostedZoneId: "Z0123456789ABCDEFGHIJ",
            });
            await expectProblem(
                { customDomainName: "ingest.example.com" },
                `${NS}:hostedZoneId`,
                /required when customDomainName is set/,
            );
            await expectProblem(
                { hostedZoneId: "Z0123456789ABCDEFGHIJ" },
                `${NS}:customDomainName`,
                /required when hostedZoneId is set/,
            );
            await expectProblem(
                { customDomainName: "Ingest_Example", hostedZoneId: "Z0123456789ABCDEFGHIJ" },
                `${NS}:customDomainName`,
                /fully qualified domain name/,
            );
            await expectProblem(
                { customDomainName: "ingest.example.com", hostedZoneId: "zone-1" },
                `${NS}:hostedZoneId`,
                /Route 53 hosted zone id/,
            );
        });
    });

    describe("alarms", () => {
        const TOPIC = "arn:aws:sns:eu-central-1:111111111111:ops-alerts";

        it("notifies the stack's own topic unless alarmTopicArn names an existing standard topic of this account and region", async () => {
            expect((await load()).alarms).to.not.have.property("topicArn");
            expect((await load({ alarmTopicArn: TOPIC })).alarms.topicArn).to.equal(TOPIC);
            await expectProblem(
                { alarmTopicArn: "arn:aws:sns:eu-central-1:999999999999:ops-alerts" },
                `${NS}:alarmTopicArn`,
                /account \(111111111111\) and region \(eu-central-1\)/,
            );
            await expectProblem(
                { alarmTopicArn: "arn:aws:sns:eu-west-1:111111111111:ops-alerts" },
                `${NS}:alarmTopicArn`,
                /SNS standard topic ARN/,
            );
            await expectProblem(
                { alarmTopicArn: "arn:aws:sns:eu-central-1:111111111111:ops-alerts.fifo" },
                `${NS}:alarmTopicArn`,
                /SNS standard topic ARN/,
            );
            await expectProblem(
                { alarmTopicArn: "arn:aws-cn:sns:eu-central-1:111111111111:ops-alerts" },
                `${NS}:alarmTopicArn`,
                /SNS standard topic ARN/,
            );
            await expectProblem({ alarmTopicArn: "ops-alerts" }, `${NS}:alarmTopicArn`, /got "ops-alerts"/);
        });

        it("subscribes alarmEmail, a valid address, to the created topic only", async () => {
            expect((await load({ alarmEmail: "data-oncall+tracking@example.co.uk" })).alarms.email).to.equal(
                "data-oncall+tracking@example.co.uk",
            );
            for (const bad of ["ops", "ops@example", "ops @example.com", "ops@@example.com", "@example.com"]) {
                await expectProblem(
                    { alarmEmail: bad },
                    `${NS}:alarmEmail`,
                    /must be an email address such as ops@example.com/,
                );
            }
            await expectProblem(
                { alarmEmail: "ops@example.com", alarmTopicArn: TOPIC },
                `${NS}:alarmEmail`,
                /only applies to the topic this stack creates/,
            );
        });

        it("overrides the default thresholds field by field with alarmThresholds", async () => {
            const { thresholds } = (
                await load({
                    alarmThresholds: JSON.stringify({ api5xxErrorRate: 0.05, apiLatencyP99Milliseconds: 2000 }),
                })
            ).alarms;
            expect(thresholds).to.deep.equal({
                ...DEFAULT_THRESHOLDS,
                api5xxErrorRate: 0.05,
                apiLatencyP99Milliseconds: 2000,
            });
            expect((await load({ alarmThresholds: JSON.stringify({}) })).alarms.thresholds).to.deep.equal({
                ...DEFAULT_THRESHOLDS,
            });
        });

        it("names the key and the field of a bad threshold, and the rule it breaks", async () => {
            await expectProblem(
                { alarmThresholds: JSON.stringify({ api5xxErrorRate: 5 }) },
                `${NS}:alarmThresholds.api5xxErrorRate`,
                /must be a rate from 0 to 1 \(0.01 = 1%\) \(got 5\)/,
            );
            await expectProblem(
                { alarmThresholds: JSON.stringify({ apiLatencyP99Milliseconds: 30000 }) },
                `${NS}:alarmThresholds.apiLatencyP99Milliseconds`,
                /milliseconds from 1 to 29000/,
            );
            await expectProblem(
                { alarmThresholds: JSON.stringify({ iteratorAgeMilliseconds: 999 }) },
                `${NS}:alarmThresholds.iteratorAgeMilliseconds`,
                /milliseconds from 1000 to 7 days/,
            );
            await expectProblem(
                { alarmThresholds: JSON.stringify({ firehoseDeliverySuccessRatio: 0 }) },
                `${NS}:alarmThresholds.firehoseDeliverySuccessRatio`,
                /ratio above 0 and at most 1/,
            );
            await expectProblem(
                { alarmThresholds: JSON.stringify({ kinesisWriteThrottledRecords: -1 }) },
                `${NS}:alarmThresholds.kinesisWriteThrottledRecords`,
                /0 or more/,
            );
            await expectProblem(
                { alarmThresholds: JSON.stringify({ api5xxErrorRate: "0.05" }) },
                `${NS}:alarmThresholds.api5xxErrorRate`,
                /a YAML number, not a string/,
            );
        });

        it("refuses an unknown threshold field, and a value that is not an object", async () => {
            await expectProblem(
                { alarmThresholds: JSON.stringify({ api5xxRate: 0.05 }) },
                `${NS}:alarmThresholds.api5xxRate`,
                /is not a known threshold \(known: kinesisWriteThrottledRecords, .*apiLatencyP99Milliseconds\)/,
            );
            await expectProblem(
                { alarmThresholds: JSON.stringify([0.05]) },
                `${NS}:alarmThresholds`,
                /must be a YAML object of threshold overrides/,
            );
            await expectProblem(
                { alarmThresholds: "0.05" },
                `${NS}:alarmThresholds`,
                /must be a YAML object of threshold overrides/,
            );
            const found = await problems({
                alarmThresholds: JSON.stringify({
                    api5xxErrorRate: 2,
                    apiLatency: 1,
                    firehoseDataFreshnessSeconds: 30,
                }),
            });
            expect(found.map((problem) => problem.split(": ")[0])).to.have.members([
                `${NS}:alarmThresholds.api5xxErrorRate`,
                `${NS}:alarmThresholds.apiLatency`,
                `${NS}:alarmThresholds.firehoseDataFreshnessSeconds`,
            ]);
        });

        it("keeps the data freshness threshold above the Firehose buffering interval, default included", async () => {
            expect(
                (
                    await load({
                        firehoseBufferSeconds: "600",
                        alarmThresholds: JSON.stringify({ firehoseDataFreshnessSeconds: 601 }),
                    })
                ).alarms.thresholds.firehoseDataFreshnessSeconds,
            ).to.equal(601);
            await expectProblem(
                {
                    firehoseBufferSeconds: "600",
                    alarmThresholds: JSON.stringify({ firehoseDataFreshnessSeconds: 600 }),
                },
                `${NS}:alarmThresholds.firehoseDataFreshnessSeconds`,
                /must exceed firehoseBufferSeconds \(600 s\).*\(got 600\)/,
            );
            // Unset, the default (900 s) must still exceed the interval.
            await expectProblem(
                { firehoseBufferSeconds: "900" },
                `${NS}:alarmThresholds.firehoseDataFreshnessSeconds`,
                /must exceed firehoseBufferSeconds \(900 s\).*\(got 900\)/,
            );
        });
    });

    it("accepts only the log retention periods CloudWatch Logs offers", async () => {
        expect((await load({ logRetentionDays: "365" })).logRetentionDays).to.equal(365);
        await expectProblem(
            { logRetentionDays: "2" },
            `${NS}:logRetentionDays`,
            /one of the values CloudWatch Logs accepts: 1, 3, 5/,
        );
        await expectProblem({ logRetentionDays: "4000" }, `${NS}:logRetentionDays`, /integer from 1 to 3653/);
    });

    it("reports every problem at once, each naming its key", async () => {
        const found = await problems({
            accountId: undefined,
            streamMode: "FAST",
            firehoseBufferMiB: "500",
            logRetentionDays: "2",
            customDomainName: "ingest.example.com",
        });
        const keys = found.map((problem) => problem.split(": ")[0]);
        expect(keys).to.have.members([
            `${NS}:accountId`,
            `${NS}:streamMode`,
            `${NS}:firehoseBufferMiB`,
            `${NS}:logRetentionDays`,
            `${NS}:hostedZoneId`,
        ]);
    });
});
