import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { DEFAULT_THRESHOLDS, PipelineAlarms, PipelineAlarmsArgs } from "../../shared/pipeline-alarms";
import { DEFAULT_FAILURE_STATES, GlueJobFailureAlarm } from "../../shared/glue-job-alarm";
import { dashboardWidgets, PipelineDashboard } from "../../shared/pipeline-dashboard";
import { pipelines } from "../../shared/pipelines";
import { ofType, recordResources, RecordedResource, TEST_ACCOUNT, TEST_REGION } from "../support/mock-runtime";

const TOPIC = `arn:aws:sns:${TEST_REGION}:${TEST_ACCOUNT}:tracking-test-alerts`;
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

function argsFor(pipeline: string, overrides: Partial<PipelineAlarmsArgs> = {}): PipelineAlarmsArgs {
    return {
        namePrefix: `tracking-test-${pipeline}`,
        topicArn: TOPIC,
        streamName: `tracking-test-${pipeline}`,
        deliveryStreamName: `tracking-test-${pipeline}-delivery`,
        api: {
            apiName: "tracking-test-ingest",
            stageName: "v1",
            routes: [
                { resourcePath: `/streams/${pipeline}/record`, httpMethod: "PUT" },
                { resourcePath: `/streams/${pipeline}/records`, httpMethod: "PUT" },
            ],
        },
        ...overrides,
    };
}

function alarmNamed(resources: RecordedResource[], name: string): Record<string, unknown> {
    const found = ofType(resources, ALARM).find((r) => r.inputs.name === name);
    if (!found)
        throw new Error(
            `no alarm named ${name}; have ${ofType(resources, ALARM)
                .map((r) => r.inputs.name)
                .join(", ")}`,
        );
    return found.inputs;
}

describe("PipelineAlarms", () => {
    it("watches each pipeline's own stream, Firehose and routes with the right namespaces, metrics and dimensions", async () => {
        const names = pipelines.map((p) => p.name);
        const resources = await recordResources(() => {
            for (const name of names) new PipelineAlarms(name, argsFor(name));
        });
        // 4 stream/Firehose alarms + 2 per route (5XX, p99) x 2 routes, per pipeline.
        expect(ofType(resources, ALARM)).to.have.length(names.length * 8);
        for (const name of names) {
            const p = `tracking-test-${name}`;
            const throttled = alarmNamed(resources, `${p}-kinesis-write-throttled`);
            expect(throttled).to.include({
                namespace: "AWS/Kinesis",
                metricName: "WriteProvisionedThroughputExceeded",
                statistic: "Sum",
                comparisonOperator: "GreaterThanThreshold",
            });
            expect(throttled.dimensions).to.deep.equal({ StreamName: p });

            const age = alarmNamed(resources, `${p}-kinesis-iterator-age`);
            expect(age).to.include({
                namespace: "AWS/Kinesis",
                metricName: "GetRecords.IteratorAgeMilliseconds",
                statistic: "Maximum",
            });
            expect(age.dimensions).to.deep.equal({ StreamName: p });

            const success = alarmNamed(resources, `${p}-firehose-delivery-failing`);
            expect(success).to.include({
                namespace: "AWS/Firehose",
                metricName: "DeliveryToS3.Success",
                statistic: "Average",
                comparisonOperator: "LessThanThreshold",
                threshold: 1,
            });
            expect(success.dimensions).to.deep.equal({ DeliveryStreamName: `${p}-delivery` });

            const fresh = alarmNamed(resources, `${p}-firehose-data-stale`);
            expect(fresh).to.include({
                namespace: "AWS/Firehose",
                metricName: "DeliveryToS3.DataFreshness",
                statistic: "Maximum",
            });

            for (const route of ["record", "records"]) {
                const slug = `put-streams-${name}-${route}`;
                const errors = alarmNamed(resources, `${p}-api-${slug}-5xx`);
                expect(errors).to.include({
                    namespace: "AWS/ApiGateway",
                    metricName: "5XXError",
                    statistic: "Average",
                });
                expect(errors.dimensions).to.deep.equal({
                    ApiName: "tracking-test-ingest",
                    Stage: "v1",
                    Resource: `/streams/${name}/${route}`,
                    Method: "PUT",
                });
                const latency = alarmNamed(resources, `${p}-api-${slug}-latency-p99`);
                // Percentiles go in extendedStatistic; `statistic` must then be absent or AWS rejects the alarm.
                expect(latency).to.include({
                    metricName: "Latency",
                    extendedStatistic: "p99",
                    evaluateLowSampleCountPercentiles: "ignore",
                });
                expect(latency).to.not.have.property("statistic");
            }
            // No alarm of this pipeline names another pipeline's stream, Firehose or route.
            const mine = ofType(resources, ALARM).filter((r) => String(r.inputs.name).startsWith(`${p}-`));
            for (const alarm of mine) {
                for (const value of Object.values(alarm.inputs.dimensions as Record<string, string>)) {
                    for (const other of names.filter((n) => n !== name)) expect(value).to.not.include(other);
                }
            }
        }
    });

    it("uses DEFAULT_THRESHOLDS unless the args override them, including with outputs", async () => {
        const resources = await recordResources(() => {
            new PipelineAlarms("defaults", argsFor("user-events", { namePrefix: "d" }));
            new PipelineAlarms(
                "custom",
                argsFor("user-events", {
                    namePrefix: "c",
                    thresholds: {
                        iteratorAgeMilliseconds: 120000,
                        api5xxErrorRate: pulumi.output(0.05),
                        firehoseDataFreshnessSeconds: 1200,
                    },
                }),
            );
        });
        expect(alarmNamed(resources, "d-kinesis-iterator-age").threshold).to.equal(
            DEFAULT_THRESHOLDS.iteratorAgeMilliseconds,
        );
        expect(alarmNamed(resources, "d-firehose-data-stale").threshold).to.equal(
            DEFAULT_THRESHOLDS.firehoseDataFreshnessSeconds,
        );
        expect(alarmNamed(resources, "d-kinesis-write-throttled").threshold).to.equal(
            DEFAULT_THRESHOLDS.kinesisWriteThrottledRecords,
        );
        expect(alarmNamed(resources, "d-api-put-streams-user-events-record-latency-p99").threshold).to.equal(
            DEFAULT_THRESHOLDS.apiLatencyP99Milliseconds,
        );
        expect(alarmNamed(resources, "c-kinesis-iterator-age").threshold).to.equal(120000);
        expect(alarmNamed(resources, "c-firehose-data-stale").threshold).to.equal(1200);
        expect(alarmNamed(resources, "c-api-put-streams-user-events-record-5xx").threshold).to.equal(0.05);
        // Not overridden: still the default.
        expect(alarmNamed(resources, "c-firehose-delivery-failing").threshold).to.equal(
            DEFAULT_THRESHOLDS.firehoseDeliverySuccessRatio,
        );
    });

    it("treats missing data as breaching only where silence is the failure (no consumer reading the stream)", async () => {
        const resources = await recordResources(
            () => new PipelineAlarms("m", argsFor("user-utm", { namePrefix: "m" })),
        );
        for (const alarm of ofType(resources, ALARM)) {
            const expected =
                alarm.inputs.metricName === "GetRecords.IteratorAgeMilliseconds" ? "breaching" : "notBreaching";
            expect(alarm.inputs.treatMissingData, String(alarm.inputs.name)).to.equal(expected);
            expect(alarm.inputs.alarmActions).to.deep.equal([TOPIC]);
            expect(alarm.inputs.okActions).to.deep.equal([TOPIC]);
        }
    });

    it("falls back to stage-wide API alarms when no routes are given", async () => {
        const resources = await recordResources(
            () =>
                new PipelineAlarms(
                    "s",
                    argsFor("user-utm", { namePrefix: "s", api: { apiName: "api", stageName: "v1" } }),
                ),
        );
        const api = ofType(resources, ALARM).filter((r) => r.inputs.namespace === "AWS/ApiGateway");
        expect(api.map((r) => r.inputs.name).sort()).to.deep.equal(["s-api-stage-5xx", "s-api-stage-latency-p99"]);
        for (const alarm of api) expect(alarm.inputs.dimensions).to.deep.equal({ ApiName: "api", Stage: "v1" });
    });

    it("refuses a bad threshold, naming the field and the rule", async () => {
        await recordResources(() => undefined);
        expect(
            () => new PipelineAlarms("bad", argsFor("user-events", { thresholds: { api5xxErrorRate: 5 } })),
        ).to.throw(/thresholds\.api5xxErrorRate must be a rate from 0 to 1 .*got 5/);
        expect(
            () =>
                new PipelineAlarms("bad2", argsFor("user-events", { thresholds: { firehoseDeliverySuccessRatio: 0 } })),
        ).to.throw(/thresholds\.firehoseDeliverySuccessRatio/);
        expect(
            () => new PipelineAlarms("bad3", argsFor("user-events", { firehoseBufferIntervalSeconds: 900 })),
        ).to.throw(/firehoseDataFreshnessSeconds must exceed the Firehose buffering interval \(900 s\).*got 900/);
        expect(() => new PipelineAlarms("bad4", argsFor("user-events", { namePrefix: "has space" }))).to.throw(
            /namePrefix/,
        );
    });
});

describe("GlueJobFailureAlarm", () => {
    const jobs = ["tracking-test-user-events-load", "tracking-test-user-utm-load"];

    async function build(allowCloudWatchAlarms?: boolean) {
        const resources = await recordResources(
            () =>
                new GlueJobFailureAlarm("glue-failed", {
                    jobNames: jobs,
                    topicArn: TOPIC,
                    ruleName: "tracking-test-glue-job-failed",
                    allowCloudWatchAlarms,
                }),
        );
        const [rule] = ofType(resources, "aws:cloudwatch/eventRule:EventRule");
        const [target] = ofType(resources, "aws:cloudwatch/eventTarget:EventTarget");
        const [policy] = ofType(resources, "aws:sns/topicPolicy:TopicPolicy");
        return { rule, target, policy };
    }

    it("matches Glue Job State Change events of exactly these jobs in the failure states, and targets the topic", async () => {
        const { rule, target } = await build();
        const pattern = JSON.parse(String(rule.inputs.eventPattern));
        expect(pattern).to.deep.equal({
            source: ["aws.glue"],
            "detail-type": ["Glue Job State Change"],
            detail: { jobName: jobs, state: [...DEFAULT_FAILURE_STATES] },
        });
        expect(pattern.detail.state).to.include.members(["FAILED", "TIMEOUT", "ERROR"]).and.not.include("SUCCEEDED");
        expect(target.inputs.arn).to.equal(TOPIC);
        expect(target.inputs.rule).to.equal("tracking-test-glue-job-failed");
    });

    it("writes a topic policy that lets EventBridge publish only for this rule (aws:SourceArn = the rule's ARN)", async () => {
        const { rule, policy } = await build();
        const ruleArn = String(rule.state.arn);
        expect(ruleArn).to.equal(`arn:aws:events:${TEST_REGION}:${TEST_ACCOUNT}:rule/tracking-test-glue-job-failed`);
        expect(policy.inputs.arn).to.equal(TOPIC);
        const document = JSON.parse(String(policy.inputs.policy));
        const events = document.Statement.find((s: { Sid: string }) => s.Sid === "EventBridgeGlueJobFailures");
        expect(events.Principal).to.deep.equal({ Service: "events.amazonaws.com" });
        expect(events.Condition).to.deep.equal({ ArnEquals: { "aws:SourceArn": ruleArn } });

        // The real evaluation: this rule may publish, another rule of the same account may not.
        const publish = async (principal: string, context: Record<string, string>) => {
            const result = await runSimulation(
                {
                    identityPolicies: [],
                    serviceControlPolicies: [],
                    resourceControlPolicies: [],
                    resourcePolicy: document,
                    request: {
                        principal,
                        action: "sns:Publish",
                        resource: { resource: TOPIC, accountId: TEST_ACCOUNT },
                        contextVariables: context,
                    },
                },
                {},
            );
            if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
            return result.overallResult;
        };
        expect(
            await publish("events.amazonaws.com", { "aws:SourceArn": ruleArn, "aws:SourceAccount": TEST_ACCOUNT }),
        ).to.equal("Allowed");
        expect(
            await publish("events.amazonaws.com", {
                "aws:SourceArn": `arn:aws:events:${TEST_REGION}:${TEST_ACCOUNT}:rule/someone-elses`,
                "aws:SourceAccount": TEST_ACCOUNT,
            }),
        ).to.equal("ImplicitlyDenied");
        // CloudWatch alarms of this account keep working; another account's alarms do not.
        const alarmArn = `arn:aws:cloudwatch:${TEST_REGION}:${TEST_ACCOUNT}:alarm:tracking-test-x`;
        expect(
            await publish("cloudwatch.amazonaws.com", { "aws:SourceArn": alarmArn, "aws:SourceAccount": TEST_ACCOUNT }),
        ).to.equal("Allowed");
        expect(
            await publish("cloudwatch.amazonaws.com", {
                "aws:SourceArn": `arn:aws:cloudwatch:${TEST_REGION}:999999999999:alarm:x`,
                "aws:SourceAccount": "999999999999",
            }),
        ).to.equal("ImplicitlyDenied");
    });

    it("leaves CloudWatch out of the topic policy when asked", async () => {
        const { policy } = await build(false);
        const document = JSON.parse(String(policy.inputs.policy));
        expect(document.Statement.map((s: { Sid: string }) => s.Sid)).to.deep.equal(["EventBridgeGlueJobFailures"]);
    });

    it("refuses an unknown run state or rule name, naming the field", async () => {
        await recordResources(() => undefined);
        expect(
            () =>
                new GlueJobFailureAlarm("x", {
                    jobNames: jobs,
                    topicArn: TOPIC,
                    ruleName: "r",
                    failureStates: ["FAILD"],
                }),
        ).to.throw(/failureStates: "FAILD" is not a Glue job run state/);
        expect(() => new GlueJobFailureAlarm("y", { jobNames: jobs, topicArn: TOPIC, ruleName: "bad name!" })).to.throw(
            /ruleName/,
        );
    });
});

describe("PipelineDashboard", () => {
    it("graphs the same metrics and dimensions the alarms watch, per pipeline", async () => {
        const resources = await recordResources(() => {
            for (const p of pipelines) {
                new PipelineDashboard(p.name, {
                    dashboardName: `tracking-test-${p.name}`,
                    region: TEST_REGION,
                    streamName: `tracking-test-${p.name}`,
                    deliveryStreamName: `tracking-test-${p.name}-delivery`,
                    api: argsFor(p.name).api,
                    alarmArns: [`arn:aws:cloudwatch:${TEST_REGION}:${TEST_ACCOUNT}:alarm:a-${p.name}`],
                });
            }
        });
        const dashboards = ofType(resources, "aws:cloudwatch/dashboard:Dashboard");
        expect(dashboards.map((d) => d.inputs.dashboardName).sort()).to.deep.equal(
            pipelines.map((p) => `tracking-test-${p.name}`).sort(),
        );
        for (const p of pipelines) {
            const dashboard = dashboards.find((d) => d.inputs.dashboardName === `tracking-test-${p.name}`);
            const body = JSON.parse(String(dashboard?.inputs.dashboardBody)) as {
                widgets: Array<{
                    type: string;
                    properties: { region?: string; metrics?: unknown[][]; alarms?: string[] };
                }>;
            };
            const lines = body.widgets.flatMap((w) => w.properties.metrics ?? []);
            const has = (namespace: string, metric: string, dims: Record<string, string>) =>
                lines.some(
                    (l) =>
                        l[0] === namespace &&
                        l[1] === metric &&
                        Object.entries(dims).every(([k, v]) => l.indexOf(k) >= 2 && l[l.indexOf(k) + 1] === v),
                );
            expect(
                has("AWS/Kinesis", "WriteProvisionedThroughputExceeded", { StreamName: `tracking-test-${p.name}` }),
            ).to.equal(true);
            expect(
                has("AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", { StreamName: `tracking-test-${p.name}` }),
            ).to.equal(true);
            expect(
                has("AWS/Firehose", "DeliveryToS3.Success", { DeliveryStreamName: `tracking-test-${p.name}-delivery` }),
            ).to.equal(true);
            expect(
                has("AWS/Firehose", "DeliveryToS3.DataFreshness", {
                    DeliveryStreamName: `tracking-test-${p.name}-delivery`,
                }),
            ).to.equal(true);
            expect(
                has("AWS/ApiGateway", "5XXError", {
                    ApiName: "tracking-test-ingest",
                    Stage: "v1",
                    Resource: `/streams/${p.name}/record`,
                    Method: "PUT",
                }),
            ).to.equal(true);
            expect(has("AWS/ApiGateway", "Latency", { Resource: `/streams/${p.name}/records` })).to.equal(true);
            // Every metric line belongs to this pipeline: no other pipeline's name appears.
            for (const other of pipelines.filter((o) => o.name !== p.name))
                expect(JSON.stringify(lines)).to.not.include(other.name);
            for (const w of body.widgets) if (w.type === "metric") expect(w.properties.region).to.equal(TEST_REGION);
            expect(body.widgets.find((w) => w.type === "alarm")?.properties.alarms).to.deep.equal([
                `arn:aws:cloudwatch:${TEST_REGION}:${TEST_ACCOUNT}:alarm:a-${p.name}`,
            ]);
        }
    });

    it("omits the API graphs and the alarm widget when the pipeline has neither", () => {
        const widgets = dashboardWidgets({
            region: TEST_REGION,
            streamName: "s",
            deliveryStreamName: "d",
            alarmArns: [],
        });
        expect(JSON.stringify(widgets)).to.not.include("AWS/ApiGateway");
        expect(widgets.some((w) => w.type === "alarm")).to.equal(false);
    });
});
