import { expect } from "chai";
import { firehoseRoleName, streamReaderRoleName } from "../../shared/naming";
import { PipelineDefinition } from "../../shared/pipeline-codegen/definition";
import { pipelines } from "../../shared/pipelines";
import { raisedQuotas, syntheticPipelines } from "../../tools/bench-plan";
import { planAndEnforce, PlanResult } from "../../tools/plan/runner";
import { PolicyViolation } from "../../tools/policy/evaluate";
import { AccountView, accounts } from "../bootstrap/support/plans";
import { FIREHOSE_CALLS, REDSHIFT_STREAMING_CALLS, STREAM_READER_CALLS } from "./calls";
import { aimedAtNeighbour, LabelledRequest, rowRequests, RuntimeSimulator, runtimeSimulator } from "./confinement";
import { Caller, plannedServices, plannedStreaming } from "./world";

/**
 * The dev stacks at 100 pipelines per stack (the declared ones topped up with `npm run bench`'s synthetic
 * copies, the quotas raised that this many need), three of them streaming: the whole policy pack passes,
 * and for a sample of pipelines the simulator lets each Firehose role make its run-time calls on its own
 * stream and folders and refuses it the same calls on a neighbour's, and each stream reader likewise.
 */
const PIPELINES = 100;
const STACK = "dev";

/** Where the sample sits among the synthetic pipelines: the first, one in the middle, the last. */
function sampleOf(synthetic: readonly PipelineDefinition[]): PipelineDefinition[] {
    return [synthetic[0], synthetic[Math.floor(synthetic.length / 2)], synthetic[synthetic.length - 1]];
}

/** The sampled callers, in sample order; fails when one is not planned. */
function sampled<W extends { readonly roleName: string }>(
    callers: readonly Caller<W>[],
    roleNames: readonly string[],
): Caller<W>[] {
    return roleNames.map((name) => {
        const caller = callers.find((c) => c.world.roleName === name);
        if (!caller) throw new Error(`no planned caller with role ${name}`);
        return caller;
    });
}

async function refusedOf(simulator: RuntimeSimulator, requests: readonly LabelledRequest[]): Promise<string[]> {
    const refused: string[] = [];
    for (const { label, request } of requests) {
        const decision = await simulator.ask(request);
        if (decision !== "Allowed") refused.push(`${label}: ${decision}`);
    }
    return refused;
}

async function allowedOf(simulator: RuntimeSimulator, requests: readonly LabelledRequest[]): Promise<string[]> {
    const allowed: string[] = [];
    for (const { label, request } of requests) if ((await simulator.ask(request)) === "Allowed") allowed.push(label);
    return allowed;
}

describe(`scale: ${PIPELINES} pipelines per stack, a sample of them streaming`, function () {
    this.timeout(600_000);
    let result: PlanResult;
    let violations: PolicyViolation[];
    let views: AccountView[];
    let simulator: RuntimeSimulator;
    let sample: PipelineDefinition[];

    before(async function () {
        const declared = pipelines.length;
        const synthetic = syntheticPipelines(PIPELINES - declared);
        const streaming = sampleOf(synthetic).map((def) => ({ ...def, streaming: true }));
        pipelines.push(...synthetic.map((def) => streaming.find((s) => s.name === def.name) ?? def));
        try {
            ({ result, violations } = await planAndEnforce({
                stack: STACK,
                write: false,
                configOverrides: raisedQuotas(PIPELINES),
            }));
        } finally {
            pipelines.splice(declared, pipelines.length - declared);
        }
        sample = [pipelines[0], ...streaming];
        views = await accounts(result);
        simulator = runtimeSimulator(views);
    });

    it("plans every pipeline, and passes the policy pack with no mandatory violation", function () {
        const engineering = result.plans.find((p) => p.project === "tracking-engineering" && p.stack === STACK)!;
        expect(engineering.resources.filter((r) => r.type === "aws:kinesis/stream:Stream")).to.have.length(PIPELINES);
        expect(plannedStreaming(views).readers, "stream views").to.have.length(3);
        expect(
            violations
                .filter((v) => v.enforcementLevel === "mandatory")
                .map((v) => `${v.policy}: ${v.urn}: ${v.message}`),
        ).to.deep.equal([]);
    });

    it("lets each sampled Firehose role read its stream and write its folders, and refuses it the same calls on its neighbour's", async function () {
        const firehose = sampled(
            plannedServices(views).firehose,
            sample.map((def) => firehoseRoleName(STACK, def.name)),
        );
        expect(
            await refusedOf(
                simulator,
                firehose.flatMap((caller) => rowRequests(simulator, caller, FIREHOSE_CALLS)),
            ),
        ).to.deep.equal([]);
        const trespasses = firehose.flatMap((caller, index) =>
            aimedAtNeighbour(simulator, caller, firehose[(index + 1) % firehose.length].world, FIREHOSE_CALLS, [
                "streamArn",
                "dataFolder",
                "dataObject",
                "errorObject",
                "logStreamArn",
            ]),
        );
        expect(await allowedOf(simulator, trespasses)).to.deep.equal([]);
        const writes = trespasses.filter(({ request }) => request.action === "s3:PutObject");
        expect(writes, "a data and an error write aimed at each neighbour").to.have.length(2 * firehose.length);
    });

    it("lets each streaming pipeline's reader read its stream for Redshift, and refuses it its neighbour's", async function () {
        const streaming = plannedStreaming(views);
        const readers = sampled(
            streaming.readers,
            sample.filter((def) => def.streaming === true).map((def) => streamReaderRoleName(STACK, def.name)),
        );
        expect(readers, "the sampled streaming pipelines' readers").to.have.length(3);
        const own = [
            ...readers.flatMap((caller) => rowRequests(simulator, caller, STREAM_READER_CALLS)),
            ...streaming.redshift.flatMap((caller) => rowRequests(simulator, caller, REDSHIFT_STREAMING_CALLS)),
        ];
        expect(await refusedOf(simulator, own)).to.deep.equal([]);
        const trespasses = readers.flatMap((caller, index) =>
            aimedAtNeighbour(simulator, caller, readers[(index + 1) % readers.length].world, STREAM_READER_CALLS, [
                "streamArn",
            ]),
        );
        expect(await allowedOf(simulator, trespasses)).to.deep.equal([]);
        expect(
            trespasses.filter(({ request }) => request.action === "kinesis:GetRecords"),
            "a record read aimed at each neighbour",
        ).to.have.length(readers.length);
    });
});
