import { expect } from "chai";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { DEPLOYER_ROLE_NAME } from "../../shared/naming";
import { PlanResult, runPlan } from "../../tools/plan/runner";
import { PlannedResource, StackPlan } from "../../tools/plan/types";
import { applicable, effectiveTags, tagContext } from "../bootstrap/support/context";
import { roleView } from "../bootstrap/support/plans";
import { REQUIREMENTS } from "../bootstrap/support/requirements";
import { decide } from "../bootstrap/support/simulate";
import { currentPlans } from "./support/plans";

/**
 * The alarms and dashboards as the plan shows them: every alarm, dashboard, rule and topic is found in `npm run plan`'s
 * plans and tied to the pipeline's planned resources by what they are (the Firehose reading the stream,
 * the routes whose integration writes to it, the Glue jobs the stack plans), never by the names the
 * program derived, so a wrong dimension, a missing pipeline or a stray alarm fails here.
 */

const ENGINEERING = "tracking-engineering";
const DATA_PLATFORM = "tracking-data-platform";
const TYPES = {
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    dashboard: "aws:cloudwatch/dashboard:Dashboard",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    stream: "aws:kinesis/stream:Stream",
    firehose: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
    restApi: "aws:apigateway/restApi:RestApi",
    stage: "aws:apigateway/stage:Stage",
    apiResource: "aws:apigateway/resource:Resource",
    integration: "aws:apigateway/integration:Integration",
    job: "aws:glue/job:Job",
} as const;

const OTHER_ACCOUNT = "999999999999";

const ofType = (plan: StackPlan, type: string) => plan.resources.filter((r) => r.type === type);
const str = (value: unknown) => String(value);

function planOf(plans: readonly StackPlan[], project: string): StackPlan {
    const plan = plans.find((p) => p.project === project && p.stack === "dev");
    if (!plan) throw new Error(`no plan for ${project}/dev`);
    return plan;
}

function only(plan: StackPlan, type: string): PlannedResource {
    const found = ofType(plan, type);
    if (found.length !== 1) throw new Error(`${plan.project}: expected one ${type}, found ${found.length}`);
    return found[0];
}

interface Route {
    readonly resourcePath: string;
    readonly httpMethod: string;
}

/** One pipeline's engineering resources, found from the stream through what reads and writes it. */
interface PlannedPipeline {
    readonly streamName: string;
    readonly deliveryStreamName: string;
    readonly apiName: string;
    readonly stageName: string;
    readonly routes: Route[];
}

/** The full path of an API Gateway resource, walked up its planned parents to the API's root. */
function resourcePath(plan: StackPlan, rootId: string, id: string): string {
    const byId = new Map(ofType(plan, TYPES.apiResource).map((r) => [r.id, r]));
    const parts: string[] = [];
    let current = id;
    while (current !== rootId) {
        const resource = byId.get(current);
        if (!resource) throw new Error(`API resource ${current} is not planned`);
        parts.unshift(str(resource.inputs.pathPart));
        current = str(resource.inputs.parentId);
    }
    return `/${parts.join("/")}`;
}

function plannedPipelines(eng: StackPlan): PlannedPipeline[] {
    const api = only(eng, TYPES.restApi);
    const stage = only(eng, TYPES.stage);
    const rootId = str(api.outputs.rootResourceId);
    return ofType(eng, TYPES.stream).map((stream) => {
        const streamName = str(stream.outputs.name);
        const readers = ofType(eng, TYPES.firehose).filter(
            (f) =>
                (f.inputs.kinesisSourceConfiguration as { kinesisStreamArn?: string } | undefined)?.kinesisStreamArn ===
                stream.outputs.arn,
        );
        expect(readers, `the Firehose reading ${streamName}`).to.have.length(1);
        // A route belongs to the pipeline whose stream its Kinesis integration writes (the template fixes it).
        const writers = ofType(eng, TYPES.integration).filter((i) =>
            Object.values((i.inputs.requestTemplates as Record<string, string>) ?? {}).some((t) =>
                t.includes(`"StreamName": "${streamName}"`),
            ),
        );
        expect(writers.length, `routes writing ${streamName}`).to.be.greaterThan(0);
        return {
            streamName,
            deliveryStreamName: str(readers[0].outputs.name),
            apiName: str(api.outputs.name),
            stageName: str(stage.inputs.stageName),
            routes: writers.map((i) => ({
                resourcePath: resourcePath(eng, rootId, str(i.inputs.resourceId)),
                httpMethod: str(i.inputs.httpMethod),
            })),
        };
    });
}

interface ExpectedAlarm {
    readonly namespace: string;
    readonly metricName: string;
    readonly dimensions: Record<string, string>;
}

/** The alarms each pipeline gets: throttling and iterator age, delivery success and freshness, 5xx and latency per route. */
function expectedAlarms(p: PlannedPipeline): ExpectedAlarm[] {
    return [
        {
            namespace: "AWS/Kinesis",
            metricName: "WriteProvisionedThroughputExceeded",
            dimensions: { StreamName: p.streamName },
        },
        {
            namespace: "AWS/Kinesis",
            metricName: "GetRecords.IteratorAgeMilliseconds",
            dimensions: { StreamName: p.streamName },
        },
        {
            namespace: "AWS/Firehose",
            metricName: "DeliveryToS3.Success",
            dimensions: { DeliveryStreamName: p.deliveryStreamName },
        },
        {
            namespace: "AWS/Firehose",
            metricName: "DeliveryToS3.DataFreshness",
            dimensions: { DeliveryStreamName: p.deliveryStreamName },
        },
        ...p.routes.flatMap((route) =>
            ["5XXError", "Latency"].map((metricName) => ({
                namespace: "AWS/ApiGateway",
                metricName,
                dimensions: {
                    ApiName: p.apiName,
                    Stage: p.stageName,
                    Resource: route.resourcePath,
                    Method: route.httpMethod,
                },
            })),
        ),
    ];
}

function alarmFor(eng: StackPlan, expected: ExpectedAlarm): PlannedResource {
    const found = ofType(eng, TYPES.alarm).filter(
        (a) =>
            a.inputs.namespace === expected.namespace &&
            a.inputs.metricName === expected.metricName &&
            JSON.stringify(sorted(a.inputs.dimensions)) === JSON.stringify(sorted(expected.dimensions)),
    );
    expect(
        found,
        `one ${expected.namespace} ${expected.metricName} alarm on ${JSON.stringify(expected.dimensions)}`,
    ).to.have.length(1);
    return found[0];
}

function sorted(value: unknown): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries((value as Record<string, unknown>) ?? {}).sort(([a], [b]) => a.localeCompare(b)),
    );
}

type MetricLine = Array<string | Record<string, unknown>>;
interface DashboardBody {
    readonly widgets: Array<{ type: string; properties: { metrics?: MetricLine[]; alarms?: string[] } }>;
}

const bodyOf = (dashboard: PlannedResource) => JSON.parse(str(dashboard.inputs.dashboardBody)) as DashboardBody;
const linesOf = (body: DashboardBody) => body.widgets.flatMap((w) => w.properties.metrics ?? []);
/** Whether a metric line carries the dimension `name` = `value`. */
const hasDimension = (line: MetricLine, name: string, value: string) =>
    line.some((v, i) => i >= 2 && v === name && line[i + 1] === value);

/** sns:Publish as a service principal, decided by iam-simulate over the planned topic policy. */
async function publish(
    policy: unknown,
    topicArn: string,
    service: string,
    context: Record<string, string>,
): Promise<string> {
    const account = topicArn.split(":")[4];
    const result = await runSimulation(
        {
            identityPolicies: [],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: policy,
            request: {
                principal: service,
                action: "sns:Publish",
                resource: { resource: topicArn, accountId: account },
                contextVariables: context,
            },
        },
        {},
    );
    if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
    return result.overallResult;
}

function policyOfTopic(plan: StackPlan, topicArn: string): unknown {
    const policies = ofType(plan, TYPES.topicPolicy).filter((p) => p.inputs.arn === topicArn);
    expect(policies, `${plan.project}: one policy for ${topicArn}`).to.have.length(1);
    return JSON.parse(str(policies[0].inputs.policy));
}

describe("alarms wiring: every pipeline's alarms and dashboards in the plan", function () {
    let eng: StackPlan;
    let dp: StackPlan;
    let pipelines: PlannedPipeline[];

    before(async () => {
        const plans = await currentPlans();
        eng = planOf(plans, ENGINEERING);
        dp = planOf(plans, DATA_PLATFORM);
        pipelines = plannedPipelines(eng);
        expect(pipelines.length, "the checks need at least two pipelines to tell them apart").to.be.greaterThan(1);
    });

    describe("engineering", () => {
        it("plans, per pipeline, one alarm per metric on that pipeline's stream, Firehose and routes, and no other alarm", () => {
            let expectedTotal = 0;
            for (const p of pipelines) {
                expect(
                    p.routes.map((r) => r.httpMethod),
                    `${p.streamName}: record and batch routes`,
                ).to.have.length(2);
                const expected = expectedAlarms(p);
                expectedTotal += expected.length;
                for (const alarm of expected) alarmFor(eng, alarm);
            }
            expect(ofType(eng, TYPES.alarm), "no alarm beyond the pipelines' own").to.have.length(expectedTotal);
        });

        it("notifies the stack's one topic, on ALARM and on OK, from every alarm", () => {
            const topic = only(eng, TYPES.topic);
            expect(topic.inputs.name).to.equal(`tracking-${eng.stack}-alarms`);
            expect(eng.outputs.alarmTopicArn).to.equal(topic.outputs.arn);
            for (const alarm of ofType(eng, TYPES.alarm)) {
                expect(alarm.inputs, str(alarm.inputs.name)).to.deep.include({
                    actionsEnabled: true,
                    alarmActions: [topic.outputs.arn],
                    okActions: [topic.outputs.arn],
                });
            }
        });

        it("lets exactly this stack's alarms publish: CloudWatch with aws:SourceAccount and the alarm's ARN, nobody else", async () => {
            const topicArn = str(only(eng, TYPES.topic).outputs.arn);
            const policy = policyOfTopic(eng, topicArn);
            const own = { "aws:SourceAccount": eng.account };
            for (const alarm of ofType(eng, TYPES.alarm)) {
                expect(
                    await publish(policy, topicArn, "cloudwatch.amazonaws.com", {
                        ...own,
                        "aws:SourceArn": str(alarm.outputs.arn),
                    }),
                    str(alarm.inputs.name),
                ).to.equal("Allowed");
            }
            const elsewhere = `arn:aws:cloudwatch:${eng.region}:${OTHER_ACCOUNT}:alarm:tracking-${eng.stack}-x`;
            expect(
                await publish(policy, topicArn, "cloudwatch.amazonaws.com", {
                    "aws:SourceAccount": OTHER_ACCOUNT,
                    "aws:SourceArn": elsewhere,
                }),
            ).to.equal("ImplicitlyDenied");
            const notOurs = `arn:aws:cloudwatch:${eng.region}:${eng.account}:alarm:billing-alarm`;
            expect(
                await publish(policy, topicArn, "cloudwatch.amazonaws.com", { ...own, "aws:SourceArn": notOurs }),
                "another alarm of the account",
            ).to.equal("ImplicitlyDenied");
            const rule = `arn:aws:events:${eng.region}:${eng.account}:rule/tracking-${eng.stack}-x`;
            expect(
                await publish(policy, topicArn, "events.amazonaws.com", { ...own, "aws:SourceArn": rule }),
                "EventBridge has no business here",
            ).to.equal("ImplicitlyDenied");
        });

        it("plans one dashboard per pipeline, graphing that pipeline's resources and showing exactly its alarms", () => {
            const dashboards = ofType(eng, TYPES.dashboard);
            expect(dashboards).to.have.length(pipelines.length);
            for (const p of pipelines) {
                const mine = dashboards.filter((d) =>
                    linesOf(bodyOf(d)).some((l) => hasDimension(l, "StreamName", p.streamName)),
                );
                expect(mine, `the dashboard of ${p.streamName}`).to.have.length(1);
                const body = bodyOf(mine[0]);
                const lines = linesOf(body);
                expect(
                    lines.some((l) => hasDimension(l, "DeliveryStreamName", p.deliveryStreamName)),
                    "its Firehose",
                ).to.equal(true);
                for (const route of p.routes) {
                    expect(
                        lines.some(
                            (l) =>
                                hasDimension(l, "ApiName", p.apiName) &&
                                hasDimension(l, "Stage", p.stageName) &&
                                hasDimension(l, "Resource", route.resourcePath) &&
                                hasDimension(l, "Method", route.httpMethod),
                        ),
                        route.resourcePath,
                    ).to.equal(true);
                }
                for (const other of pipelines.filter((o) => o !== p)) {
                    expect(JSON.stringify(lines), `no line of ${other.streamName}`).to.not.include(
                        `"${other.streamName}"`,
                    );
                }
                const alarms = body.widgets.filter((w) => w.type === "alarm").flatMap((w) => w.properties.alarms ?? []);
                expect(alarms.sort()).to.deep.equal(
                    expectedAlarms(p)
                        .map((a) => str(alarmFor(eng, a).outputs.arn))
                        .sort(),
                );
                // Nothing across accounts: every line is a metric of this account's services.
                for (const line of lines) expect(["AWS/ApiGateway", "AWS/Kinesis", "AWS/Firehose"]).to.include(line[0]);
            }
        });
    });

    describe("data-platform", () => {
        it("notifies failed, timed-out and errored runs of every planned Glue job through one rule to the stack's topic", () => {
            const jobs = ofType(dp, TYPES.job)
                .map((j) => str(j.outputs.name))
                .sort();
            const spark = ofType(dp, TYPES.job).filter(
                (j) => (j.inputs.command as { name: string }).name === "glueetl",
            );
            expect(spark, "a load job per pipeline").to.have.length(pipelines.length);
            // Each load job's pre-check too: when it fails, nothing loads.
            expect(jobs.length - spark.length, "a pre-check per pipeline").to.equal(pipelines.length);
            const rule = only(dp, TYPES.rule);
            const pattern = JSON.parse(str(rule.inputs.eventPattern));
            expect(pattern.source).to.deep.equal(["aws.glue"]);
            expect(pattern["detail-type"]).to.deep.equal(["Glue Job State Change"]);
            expect([...pattern.detail.jobName].sort()).to.deep.equal(jobs);
            expect(pattern.detail.state).to.have.members(["FAILED", "TIMEOUT", "ERROR"]);
            const topic = only(dp, TYPES.topic);
            expect(dp.outputs.alarmTopicArn).to.equal(topic.outputs.arn);
            const target = only(dp, TYPES.target);
            expect(target.inputs).to.deep.include({ rule: rule.outputs.name, arn: topic.outputs.arn });
        });

        it("lets EventBridge publish for that rule only, and this account's alarms", async () => {
            const topicArn = str(only(dp, TYPES.topic).outputs.arn);
            const ruleArn = str(only(dp, TYPES.rule).outputs.arn);
            const policy = policyOfTopic(dp, topicArn);
            const own = { "aws:SourceAccount": dp.account };
            expect(
                await publish(policy, topicArn, "events.amazonaws.com", { ...own, "aws:SourceArn": ruleArn }),
            ).to.equal("Allowed");
            expect(
                await publish(policy, topicArn, "events.amazonaws.com", {
                    ...own,
                    "aws:SourceArn": ruleArn.replace(/rule\/.*$/, "rule/another-rule"),
                }),
            ).to.equal("ImplicitlyDenied");
            const alarm = `arn:aws:cloudwatch:${dp.region}:${dp.account}:alarm:any`;
            expect(
                await publish(policy, topicArn, "cloudwatch.amazonaws.com", { ...own, "aws:SourceArn": alarm }),
            ).to.equal("Allowed");
            expect(
                await publish(policy, topicArn, "cloudwatch.amazonaws.com", {
                    "aws:SourceAccount": OTHER_ACCOUNT,
                    "aws:SourceArn": alarm.replace(dp.account, OTHER_ACCOUNT),
                }),
            ).to.equal("ImplicitlyDenied");
        });

        it("plans one dashboard per load job, on that job's Glue metrics and the failure rule", () => {
            const rule = only(dp, TYPES.rule);
            const dashboards = ofType(dp, TYPES.dashboard);
            const loadJobs = ofType(dp, TYPES.job).filter(
                (j) => (j.inputs.command as { name: string }).name === "glueetl",
            );
            expect(dashboards).to.have.length(loadJobs.length);
            for (const job of loadJobs) {
                const name = str(job.outputs.name);
                const mine = dashboards.filter((d) =>
                    linesOf(bodyOf(d)).some((l) => l[0] === "Glue" && hasDimension(l, "JobName", name)),
                );
                expect(mine, `the dashboard of ${name}`).to.have.length(1);
                const lines = linesOf(bodyOf(mine[0]));
                const glue = lines.filter((l) => l[0] === "Glue");
                for (const line of glue)
                    expect(
                        hasDimension(line, "JobName", name) && hasDimension(line, "JobRunId", "ALL"),
                        JSON.stringify(line),
                    ).to.equal(true);
                expect(
                    lines.some((l) => l[0] === "AWS/Events" && hasDimension(l, "RuleName", str(rule.outputs.name))),
                ).to.equal(true);
            }
        });
    });

    describe("configured", () => {
        let configured: PlanResult;
        const EMAIL = "data-oncall@example.com";

        before(async function () {
            configured = await runPlan({
                stack: "dev",
                write: false,
                configOverrides: {
                    [ENGINEERING]: {
                        [`${ENGINEERING}:alarmEmail`]: EMAIL,
                        [`${ENGINEERING}:alarmThresholds`]: JSON.stringify({
                            api5xxErrorRate: 0.05,
                            iteratorAgeMilliseconds: 120000,
                        }),
                    },
                    [DATA_PLATFORM]: { [`${DATA_PLATFORM}:alarmEmail`]: EMAIL },
                },
            });
        });

        it("takes the thresholds from alarmThresholds, the documented defaults elsewhere", () => {
            const plan = planOf(configured.plans, ENGINEERING);
            const alarms = ofType(plan, TYPES.alarm);
            for (const alarm of alarms.filter((a) => a.inputs.metricName === "5XXError"))
                expect(alarm.inputs.threshold).to.equal(0.05);
            for (const alarm of alarms.filter((a) => a.inputs.metricName === "GetRecords.IteratorAgeMilliseconds"))
                expect(alarm.inputs.threshold).to.equal(120000);
            for (const alarm of alarms.filter((a) => a.inputs.metricName === "Latency"))
                expect(alarm.inputs.threshold).to.equal(1000);
            // The dev plan, without the key, keeps the defaults.
            for (const alarm of ofType(eng, TYPES.alarm).filter((a) => a.inputs.metricName === "5XXError"))
                expect(alarm.inputs.threshold).to.equal(0.01);
        });

        it("subscribes alarmEmail to each stack's topic, and the deployer may make every call that takes", async () => {
            for (const project of [ENGINEERING, DATA_PLATFORM]) {
                const plan = planOf(configured.plans, project);
                const subscription = only(plan, TYPES.subscription);
                expect(subscription.inputs).to.deep.include({
                    topic: only(plan, TYPES.topic).outputs.arn,
                    protocol: "email",
                    endpoint: EMAIL,
                });
                const bootstrap = configured.plans.find(
                    (p) => p.project === "tracking-bootstrap" && p.account === plan.account,
                );
                if (!bootstrap) throw new Error(`no bootstrap plan for ${plan.account}`);
                const deployer = roleView(bootstrap, DEPLOYER_ROLE_NAME);
                const tags = effectiveTags(plan, subscription);
                const requirements = REQUIREMENTS[TYPES.subscription]({
                    resource: subscription,
                    plan,
                    partition: "aws",
                    region: plan.region,
                    account: plan.account,
                    tags,
                });
                expect(requirements.map((r) => r.action)).to.include.members(["sns:Subscribe", "sns:Unsubscribe"]);
                for (const requirement of requirements) {
                    const context = await applicable(
                        requirement.action,
                        requirement.resource,
                        tagContext(tags, requirement.tags),
                    );
                    const request = {
                        principal: deployer.arn,
                        action: requirement.action,
                        resource: requirement.resource,
                        resourceAccount: plan.account,
                        context,
                    };
                    expect(await decide(request, deployer.policies), `${project} ${requirement.action}`).to.equal(
                        "Allowed",
                    );
                }
            }
            expect(ofType(eng, TYPES.subscription), "no subscription unless alarmEmail is set").to.deep.equal([]);
        });

        it("notifies an existing topic from alarmTopicArn, leaving its policy to its owner", async () => {
            const existing = (account: string) => `arn:aws:sns:eu-central-1:${account}:ops-alerts`;
            const result = await runPlan({
                stack: "dev",
                write: false,
                configOverrides: {
                    [ENGINEERING]: { [`${ENGINEERING}:alarmTopicArn`]: existing(eng.account) },
                    [DATA_PLATFORM]: { [`${DATA_PLATFORM}:alarmTopicArn`]: existing(dp.account) },
                },
            });
            const engineering = planOf(result.plans, ENGINEERING);
            const dataPlatform = planOf(result.plans, DATA_PLATFORM);
            for (const plan of [engineering, dataPlatform]) {
                expect(ofType(plan, TYPES.topic), `${plan.project}: no topic of its own`).to.deep.equal([]);
                expect(
                    ofType(plan, TYPES.topicPolicy),
                    `${plan.project}: the existing topic's policy is untouched`,
                ).to.deep.equal([]);
                expect(plan.outputs.alarmTopicArn).to.equal(existing(plan.account));
            }
            expect(ofType(engineering, TYPES.alarm).length).to.equal(ofType(eng, TYPES.alarm).length);
            for (const alarm of ofType(engineering, TYPES.alarm))
                expect(alarm.inputs.alarmActions).to.deep.equal([existing(eng.account)]);
            expect(only(dataPlatform, TYPES.target).inputs.arn).to.equal(existing(dp.account));
        });
    });
});
