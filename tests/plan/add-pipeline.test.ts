import { expect } from "chai";
import { PipelineDefinition } from "../../shared/pipeline-codegen/definition";
import { pipelines } from "../../shared/pipelines";
import { runPlan } from "../../tools/plan/runner";
import { devPlan } from "../support/dev-plan";
import { PlannedResource, StackPlan } from "../../tools/plan/types";

/** A pipeline declared as a user would, under names no user would pick (so it never collides with theirs). */
const probe: PipelineDefinition = {
    name: "zz-fixture-views",
    table: { schema: "tracking", name: "zz_fixture_views" },
    columns: [
        { name: "request_id", type: "char", length: 36, nullable: false },
        { name: "viewed_at", type: "timestamp", nullable: false },
        { name: "cookie_id", type: "char", length: 36, nullable: false },
        { name: "url", type: "varchar", length: 2048, nullable: false, encoding: "zstd" },
        { name: "duration_ms", type: "integer", nullable: true, encoding: "az64" },
    ],
    partitionKeyField: "cookie_id",
    eventTimeField: "viewed_at",
    mergeKey: "request_id",
};

/** The resources a pipeline owns: those whose own name or an ancestor's names the pipeline. */
function ownedBy(plan: StackPlan, pipeline: PipelineDefinition): PlannedResource[] {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const names = [pipeline.name, pipeline.table.name];
    const owns = (r: PlannedResource | undefined): boolean => {
        if (!r) return false;
        if (names.some((n) => r.name.includes(n))) return true;
        return r.parent !== undefined && owns(byUrn.get(r.parent));
    };
    return plan.resources.filter((r) => r.custom && owns(r));
}

function typeCounts(resources: PlannedResource[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
    return counts;
}

describe("pipelines: adding one declaration grows both stacks by exactly that pipeline", function () {
    let withoutProbe: Awaited<ReturnType<typeof devPlan>>;
    let withProbe: Awaited<ReturnType<typeof runPlan>>;
    before(async () => {
        withoutProbe = await devPlan();
        pipelines.push(probe);
        try {
            withProbe = await runPlan({ stack: "dev", write: false });
        } finally {
            pipelines.splice(pipelines.indexOf(probe), 1);
        }
    });

    it("adds a stream, Firehose, routes, crawlers, job and table for the new pipeline, and nothing else", () => {
        for (const project of ["tracking-engineering", "tracking-data-platform"]) {
            const planBefore = withoutProbe.plans.find((p) => p.project === project)!;
            const planAfter = withProbe.plans.find((p) => p.project === project)!;
            const urnsBefore = new Set(planBefore.resources.filter((r) => r.custom).map((r) => r.urn));
            const added = planAfter.resources.filter((r) => r.custom && !urnsBefore.has(r.urn));
            const removed = [...urnsBefore].filter((urn) => !planAfter.resources.some((r) => r.urn === urn));
            expect(removed, `${project}: nothing may disappear`).to.deep.equal([]);
            expect(added.length, `${project}: the new pipeline adds resources`).to.be.greaterThan(0);
            expect(added.map((r) => r.urn), `${project}: every added resource belongs to the new pipeline`).to.have.members(ownedBy(planAfter, probe).map((r) => r.urn));
            expect(typeCounts(added), `${project}: the new pipeline gets the same resources as the first`).to.deep.equal(typeCounts(ownedBy(planBefore, pipelines[0])));
        }
        const engineering = withProbe.plans.find((p) => p.project === "tracking-engineering")!;
        const streams = engineering.resources.filter((r) => r.type === "aws:kinesis/stream:Stream");
        expect(streams.some((s) => String(s.outputs.name).includes(probe.name))).to.equal(true);
    });

    it("changes no bucket policy and no key policy of either stack (the grants follow the Firehose role's pipeline tag)", () => {
        const resourcePolicies = (plans: readonly StackPlan[]) =>
            plans.flatMap((plan) =>
                plan.resources
                    .filter((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy" || r.type === "aws:kms/key:Key")
                    .map((r) => [r.urn, String(r.inputs.policy)] as const),
            );
        const policiesBefore = resourcePolicies(withoutProbe.plans);
        expect(policiesBefore.length, "the dev plan has bucket and key policies").to.be.greaterThan(0);
        expect(resourcePolicies(withProbe.plans)).to.deep.equal(policiesBefore);
    });
});
