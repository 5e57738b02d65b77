import { expect } from "chai";
import { PipelineDefinition } from "../../shared/pipeline-codegen/definition";
import { pipelines } from "../../shared/pipelines";
import { planAndEnforce, PlanResult } from "../../tools/plan/runner";
import { PolicyViolation } from "../../tools/policy/evaluate";
import { fixedCosts } from "../../tools/cost/fixed";
import { deployerDenials } from "../bootstrap/support/coverage";
import { AccountView, accounts } from "../bootstrap/support/plans";
import { decide, Decision, Request } from "../support/iam-decision";
import { REDSHIFT_STREAMING_CALLS, STREAM_READER_CALLS } from "./calls";
import { RuntimeSimulator, runtimeSimulator } from "./confinement";
import { plannedStreaming } from "./world";

/**
 * Streaming pipelines declared as a user would, under names no user would pick. No committed declaration
 * streams (a stream view keeps the Redshift refreshing, a cost a deployment opts into: README, "Streaming
 * tier"), so this suite plans the dev stacks with these added: three, so each has neighbours.
 */
const probes: PipelineDefinition[] = ["zz-stream-a", "zz-stream-b", "zz-stream-c"].map((name) => ({
    name,
    table: { schema: "tracking", name: name.replace(/-/g, "_") },
    columns: [
        { name: "request_id", type: "char", length: 36, nullable: false },
        { name: "seen_at", type: "timestamp", nullable: false },
        { name: "url", type: "varchar", length: 2048, nullable: true },
    ],
    partitionKeyField: "request_id",
    eventTimeField: "seen_at",
    mergeKey: "request_id",
    streaming: true,
}));

describe("runtime calls: Redshift streaming ingestion reads each stream through its own reader only", function () {
    this.timeout(300_000);
    let result: PlanResult;
    let violations: PolicyViolation[];
    let views: AccountView[];
    let simulator: RuntimeSimulator;
    let streaming: ReturnType<typeof plannedStreaming>;
    const ask = (request: Request): Promise<Decision> => simulator.ask(request);
    const requestOf: RuntimeSimulator["requestOf"] = (...args) => simulator.requestOf(...args);

    before(async () => {
        pipelines.push(...probes);
        try {
            ({ result, violations } = await planAndEnforce({ stack: "dev", write: false }));
        } finally {
            pipelines.splice(pipelines.length - probes.length, probes.length);
        }
        views = await accounts(result);
        simulator = runtimeSimulator(views);
        streaming = plannedStreaming(views);
    });

    it("plans a stream view per streaming pipeline, chained through the stack's Redshift role to that pipeline's reader", () => {
        expect(streaming.readers.map((r) => r.world.roleName).sort()).to.deep.equal(
            probes.map((p) => `tracking-dev-${p.name}-stream-reader`),
        );
        expect(new Set(streaming.redshift.map((r) => r.world.roleArn)).size).to.equal(1);
        const dataPlatform = result.plans.find((p) => p.project === "tracking-data-platform" && p.stack === "dev")!;
        expect(Object.keys(dataPlatform.outputs.streamViews as object).sort()).to.deep.equal(probes.map((p) => p.name));
        // The sandbox namespace has the streaming role attached; its VPC reaches Kinesis through an endpoint.
        const namespace = dataPlatform.resources.find((r) => r.type === "aws:redshiftserverless/namespace:Namespace")!;
        expect(namespace.inputs.iamRoles).to.deep.equal([streaming.redshift[0].world.roleArn]);
        const endpoints = dataPlatform.resources
            .filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint")
            .map((r) => String(r.inputs.serviceName));
        expect(
            endpoints.some((name) => name.endsWith(".kinesis-streams")),
            endpoints.join(", "),
        ).to.equal(true);
        expect(endpoints.some((name) => name.endsWith(".sts"))).to.equal(true);
    });

    it("passes the policy pack with no mandatory violation (trust, key and boundary statements included), and npm run cost classifies every resource", () => {
        expect(
            violations
                .filter((v) => v.enforcementLevel === "mandatory")
                .map((v) => `${v.policy}: ${v.urn}: ${v.message}`),
        ).to.deep.equal([]);
        expect(fixedCosts(result.plans).unclassified).to.deep.equal([]);
    });

    it("the bootstrap deployer may deploy every resource of the streaming plan (roles, policies, namespace roles, endpoint, views)", async () => {
        const { failures, checked } = await deployerDenials(views);
        expect(failures).to.deep.equal([]);
        expect(checked).to.be.greaterThan(100);
    });

    it("allows every row on every planned streaming role: identity policy, boundary and trust or key policy together", async () => {
        const refused: string[] = [];
        const callers = [
            ...streaming.redshift.flatMap((c) =>
                REDSHIFT_STREAMING_CALLS.map((row) => ({
                    c: c as { label: string; world: { roleArn: string; account: string } },
                    row,
                    resource: row.resource(c.world),
                    context: row.context?.(c.world),
                })),
            ),
            ...streaming.readers.flatMap((c) =>
                STREAM_READER_CALLS.map((row) => ({
                    c: c as { label: string; world: { roleArn: string; account: string } },
                    row,
                    resource: row.resource(c.world),
                    context: row.context?.(c.world),
                })),
            ),
        ];
        for (const { c, row, resource, context } of callers) {
            const decision = await ask(requestOf(c.world.roleArn, c.world.account, row.action, resource, context));
            if (decision !== "Allowed")
                refused.push(`${c.label}: ${row.action} on ${resource} (${row.call}): ${decision}`);
        }
        expect(refused).to.deep.equal([]);
        expect(callers.length).to.equal(probes.length * (REDSHIFT_STREAMING_CALLS.length + STREAM_READER_CALLS.length));
        for (const row of [...REDSHIFT_STREAMING_CALLS, ...STREAM_READER_CALLS])
            expect(row.source.url).to.match(/^https:\/\/docs\.aws\.amazon\.com\//);
    });

    it("refuses each reader its neighbours' streams, records and key use, and Redshift any other role", async () => {
        const { readers, redshift } = streaming;
        expect(readers.length).to.be.at.least(2);
        for (const [index, reader] of readers.entries()) {
            const neighbour = readers[(index + 1) % readers.length].world;
            const own = reader.world;
            for (const action of ["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream"]) {
                expect(
                    await ask(requestOf(own.roleArn, own.account, action, neighbour.streamArn)),
                    `${own.roleName} ${action} on ${neighbour.streamArn}`,
                ).to.not.equal("Allowed");
            }
            const viaKinesis = (streamArn: string) => ({
                "kms:ViaService": `kinesis.${own.region}.amazonaws.com`,
                "kms:CallerAccount": own.account,
                "kms:EncryptionContext:aws:kinesis:arn": streamArn,
            });
            expect(
                await ask(
                    requestOf(
                        own.roleArn,
                        own.account,
                        "kms:Decrypt",
                        own.streamKeyArn,
                        viaKinesis(neighbour.streamArn),
                    ),
                ),
                "decrypt a neighbour's records",
            ).to.not.equal("Allowed");
            expect(
                await ask(requestOf(own.roleArn, own.account, "kms:Decrypt", own.streamKeyArn)),
                "decrypt directly, not through Kinesis",
            ).to.not.equal("Allowed");
            expect(
                await ask(requestOf(own.roleArn, own.account, "kinesis:PutRecord", own.streamArn)),
                "write its stream",
            ).to.not.equal("Allowed");
        }
        // Redshift's role may assume the readers and nothing else of the engineering account (a Firehose role, say).
        const firehoseRole = readers[0].world.roleArn.replace(/-stream-reader$/, "-firehose");
        const first = redshift[0].world;
        expect(await ask(requestOf(first.roleArn, first.account, "sts:AssumeRole", firehoseRole))).to.not.equal(
            "Allowed",
        );
        // The reader's trust alone: even a role of the data-platform account allowed every AssumeRole by its own
        // policy (a load job's, say) is refused; Redshift's role, with the same policy, is admitted.
        const anyAssume = [
            {
                name: "test-only-any-assume",
                policy: {
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }],
                },
            },
        ];
        const trust = simulator.lookup.resourcePolicy(readers[0].world.roleArn);
        const jobRole = first.roleArn.replace(/redshift-streaming$/, `${probes[0].name}-glue-job`);
        const assume = (principal: string) => ({
            principal,
            action: "sts:AssumeRole",
            resource: readers[0].world.roleArn,
            resourceAccount: readers[0].world.account,
        });
        expect(await decide(assume(jobRole), { identity: anyAssume, resource: trust })).to.not.equal("Allowed");
        expect(await decide(assume(first.roleArn), { identity: anyAssume, resource: trust })).to.equal("Allowed");
    });
});
