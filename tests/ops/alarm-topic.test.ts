import { expect } from "chai";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { AlarmTopic, AlarmTopicArgs } from "../../shared/alarm-topic";
import { GlueJobFailureAlarm } from "../../shared/glue-job-alarm";
import { GlueJobDashboard, glueJobDashboardWidgets } from "../../shared/glue-job-dashboard";
import { ofType, recordResources, TEST_ACCOUNT, TEST_REGION, valueOf } from "../support/mock-runtime";

const SCOPE = { partition: "aws", region: TEST_REGION, accountId: TEST_ACCOUNT };
const TOPIC = "aws:sns/topic:Topic";
const POLICY = "aws:sns/topicPolicy:TopicPolicy";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const EXISTING = `arn:aws:sns:${TEST_REGION}:${TEST_ACCOUNT}:ops-alerts`;

function args(overrides: Partial<AlarmTopicArgs> = {}): AlarmTopicArgs {
    return { topicName: "tracking-test-alarms", scope: SCOPE, ...overrides };
}

async function publish(
    policy: unknown,
    topicArn: string,
    service: string,
    context: Record<string, string>,
): Promise<string> {
    const result = await runSimulation(
        {
            identityPolicies: [],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: policy,
            request: {
                principal: service,
                action: "sns:Publish",
                resource: { resource: topicArn, accountId: TEST_ACCOUNT },
                contextVariables: context,
            },
        },
        {},
    );
    if (result.resultType === "error") throw new Error(JSON.stringify(result.errors));
    return result.overallResult;
}

describe("AlarmTopic", () => {
    it("creates an unencrypted standard topic and, when asked, the policy admitting only the stack's alarms", async () => {
        let topicArn: Promise<string> | undefined;
        const resources = await recordResources(() => {
            const topic = new AlarmTopic(
                "alarms",
                args({ cloudWatchAlarms: { alarmNamePrefix: "tracking-test-" }, displayName: "Tracking test alarms" }),
            );
            topicArn = valueOf(topic.topicArn);
        });
        const [topic] = ofType(resources, TOPIC);
        expect(topic.inputs).to.deep.equal({ name: "tracking-test-alarms", displayName: "Tracking test alarms" });
        const arn = await topicArn;
        expect(arn).to.equal(`arn:aws:sns:${TEST_REGION}:${TEST_ACCOUNT}:tracking-test-alarms`);
        const [policy] = ofType(resources, POLICY);
        expect(policy.inputs.arn).to.equal(arn);
        const document = JSON.parse(String(policy.inputs.policy));
        const alarm = (name: string, account = TEST_ACCOUNT) => ({
            "aws:SourceAccount": account,
            "aws:SourceArn": `arn:aws:cloudwatch:${TEST_REGION}:${account}:alarm:${name}`,
        });
        expect(
            await publish(
                document,
                String(arn),
                "cloudwatch.amazonaws.com",
                alarm("tracking-test-user-events-kinesis-iterator-age"),
            ),
        ).to.equal("Allowed");
        expect(await publish(document, String(arn), "cloudwatch.amazonaws.com", alarm("someone-else"))).to.equal(
            "ImplicitlyDenied",
        );
        expect(
            await publish(document, String(arn), "cloudwatch.amazonaws.com", alarm("tracking-test-x", "999999999999")),
        ).to.equal("ImplicitlyDenied");
        // Without the confused-deputy keys (a request CloudWatch would not make): denied, not allowed.
        expect(await publish(document, String(arn), "cloudwatch.amazonaws.com", {})).to.equal("ImplicitlyDenied");
        expect(ofType(resources, SUBSCRIPTION)).to.deep.equal([]);
    });

    it("leaves the policy to whoever writes it (GlueJobFailureAlarm) when cloudWatchAlarms is not given", async () => {
        const resources = await recordResources(() => new AlarmTopic("alarms", args()));
        expect(ofType(resources, TOPIC)).to.have.length(1);
        expect(ofType(resources, POLICY)).to.deep.equal([]);
    });

    it("subscribes an email address to the created topic", async () => {
        const resources = await recordResources(() => new AlarmTopic("alarms", args({ email: "ops@example.com" })));
        const [subscription] = ofType(resources, SUBSCRIPTION);
        expect(subscription.inputs).to.deep.equal({
            topic: `arn:aws:sns:${TEST_REGION}:${TEST_ACCOUNT}:tracking-test-alarms`,
            protocol: "email",
            endpoint: "ops@example.com",
        });
    });

    it("uses an existing topic of the same account and region as it is: nothing created, nothing rewritten", async () => {
        let topicArn: Promise<string> | undefined;
        const resources = await recordResources(() => {
            const topic = new AlarmTopic("alarms", args({ existingTopicArn: EXISTING }));
            expect(topic.created).to.equal(false);
            topicArn = valueOf(topic.topicArn);
        });
        expect(resources).to.deep.equal([]);
        expect(await topicArn).to.equal(EXISTING);
    });

    it("refuses an existing topic elsewhere, or a subscription or policy on a topic it does not own, naming the field", async () => {
        await recordResources(() => undefined);
        expect(
            () => new AlarmTopic("a", args({ existingTopicArn: EXISTING.replace(TEST_ACCOUNT, "999999999999") })),
        ).to.throw(/existingTopicArn must be a topic of 111111111111 in eu-central-1/);
        expect(
            () => new AlarmTopic("b", args({ existingTopicArn: EXISTING.replace(TEST_REGION, "us-east-1") })),
        ).to.throw(/existingTopicArn must be a topic of/);
        expect(() => new AlarmTopic("c", args({ existingTopicArn: `${EXISTING}.fifo` }))).to.throw(
            /existingTopicArn must be an SNS standard topic ARN/,
        );
        expect(() => new AlarmTopic("d", args({ existingTopicArn: EXISTING, email: "ops@example.com" }))).to.throw(
            /email only applies to a topic this component creates/,
        );
        expect(
            () =>
                new AlarmTopic("e", args({ existingTopicArn: EXISTING, cloudWatchAlarms: { alarmNamePrefix: "t-" } })),
        ).to.throw(/cloudWatchAlarms writes the policy of a topic this component creates/);
        expect(() => new AlarmTopic("f", args({ topicName: "has space" }))).to.throw(/topicName must be 1-256 letters/);
        expect(() => new AlarmTopic("g", args({ cloudWatchAlarms: { alarmNamePrefix: "*" } }))).to.throw(
            /alarmNamePrefix/,
        );
    });
});

describe("GlueJobFailureAlarm on a topic it does not own", () => {
    it("targets the topic without writing its policy", async () => {
        const resources = await recordResources(
            () =>
                new GlueJobFailureAlarm("failed", {
                    jobNames: ["job-a"],
                    topicArn: EXISTING,
                    ruleName: "tracking-test-glue-job-failed",
                    manageTopicPolicy: false,
                }),
        );
        expect(ofType(resources, POLICY)).to.deep.equal([]);
        const [target] = ofType(resources, "aws:cloudwatch/eventTarget:EventTarget");
        expect(target.inputs).to.deep.include({ arn: EXISTING, rule: "tracking-test-glue-job-failed" });
    });
});

describe("GlueJobDashboard", () => {
    it("graphs one job's Glue metrics, aggregated over its runs, and the failure rule's deliveries", async () => {
        const resources = await recordResources(() => {
            new GlueJobDashboard("a", {
                dashboardName: "tracking-test-a-load",
                region: TEST_REGION,
                jobName: "tracking-test-a-load",
                failureRuleName: "tracking-test-glue-job-failed",
            });
            new GlueJobDashboard("b", {
                dashboardName: "tracking-test-b-load",
                region: TEST_REGION,
                jobName: "tracking-test-b-load",
            });
        });
        const dashboards = ofType(resources, "aws:cloudwatch/dashboard:Dashboard");
        expect(dashboards.map((d) => d.inputs.dashboardName)).to.deep.equal([
            "tracking-test-a-load",
            "tracking-test-b-load",
        ]);
        const [a, b] = dashboards.map(
            (d) =>
                JSON.parse(String(d.inputs.dashboardBody)) as {
                    widgets: { properties: { region: string; metrics: unknown[][] } }[];
                },
        );
        const linesOf = (body: typeof a) => body.widgets.flatMap((w) => w.properties.metrics);
        const glue = linesOf(a).filter((l) => l[0] === "Glue");
        expect(glue.map((l) => l[1])).to.include.members([
            "glue.driver.aggregate.recordsRead",
            "glue.driver.aggregate.elapsedTime",
            "glue.driver.aggregate.numFailedTasks",
        ]);
        for (const line of glue)
            expect(line.slice(2, 8)).to.deep.equal([
                "JobName",
                "tracking-test-a-load",
                "JobRunId",
                "ALL",
                "Type",
                "count",
            ]);
        expect(
            linesOf(a)
                .filter((l) => l[0] === "AWS/Events")
                .map((l) => l.slice(1, 4)),
        ).to.deep.equal([
            ["TriggeredRules", "RuleName", "tracking-test-glue-job-failed"],
            ["FailedInvocations", "RuleName", "tracking-test-glue-job-failed"],
        ]);
        expect(JSON.stringify(linesOf(b)))
            .to.not.include("AWS/Events")
            .and.not.include("tracking-test-a-load");
        for (const w of a.widgets) expect(w.properties.region).to.equal(TEST_REGION);
    });

    it("refuses a dashboard name CloudWatch would reject", async () => {
        await recordResources(() => undefined);
        expect(
            () => new GlueJobDashboard("x", { dashboardName: "has space", region: TEST_REGION, jobName: "j" }),
        ).to.throw(/dashboardName must be 1-255 letters/);
        expect(glueJobDashboardWidgets({ region: TEST_REGION, jobName: "j" })).to.have.length(3);
    });
});
