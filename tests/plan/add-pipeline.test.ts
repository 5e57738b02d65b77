import { expect } from "chai";
import { PipelineDefinition } from "../../shared/pipeline/definition";
import { pipelines } from "../../shared/pipelines";
import { runPlan } from "../../tools/plan/runner";
import { PlannedResource, StackPlan } from "../../tools/plan/types";

/** The README's "Add a pipeline" example, declared exactly as a user would. */
const pageViews: PipelineDefinition = {
    name: "page-views",
    table: { schema: "tracking", name: "page_views" },
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
    it("adds a stream, Firehose, routes, crawlers, job and table for page-views, and nothing else", async () => {
        const before = await runPlan({ stack: "dev", write: false });
        pipelines.push(pageViews);
        let after;
        try {
            after = await runPlan({ stack: "dev", write: false });
        } finally {
            pipelines.splice(pipelines.indexOf(pageViews), 1);
        }
        for (const project of ["tracking-engineering", "tracking-data-platform"]) {
            const planBefore = before.plans.find((p) => p.project === project)!;
            const planAfter = after.plans.find((p) => p.project === project)!;
            const urnsBefore = new Set(planBefore.resources.filter((r) => r.custom).map((r) => r.urn));
            const added = planAfter.resources.filter((r) => r.custom && !urnsBefore.has(r.urn));
            const removed = [...urnsBefore].filter((urn) => !planAfter.resources.some((r) => r.urn === urn));
            expect(removed, `${project}: nothing may disappear`).to.deep.equal([]);
            expect(added.length, `${project}: the new pipeline adds resources`).to.be.greaterThan(0);
            expect(added.map((r) => r.urn), `${project}: every added resource belongs to page-views`).to.have.members(ownedBy(planAfter, pageViews).map((r) => r.urn));
            expect(typeCounts(added), `${project}: page-views gets the same resources as user-events`).to.deep.equal(typeCounts(ownedBy(planBefore, pipelines[0])));
        }
        const engineering = after.plans.find((p) => p.project === "tracking-engineering")!;
        const streams = engineering.resources.filter((r) => r.type === "aws:kinesis/stream:Stream");
        expect(streams.some((s) => String(s.outputs.name).includes("page-views"))).to.equal(true);
    });
});

describe("pipelines: adding one to a deployed system works in the order CI deploys", function () {
    it("data-platform grants a pipeline engineering has not deployed yet through the pinned root, and names deployed roles", () => {
        const { checkEngineeringFirehoseRoles, firehoseGrant, landingBucketGrants } = require("../../data-platform/grants") as typeof import("../../data-platform/grants");
        const roleOf = (name: string) => `arn:aws:iam::111111111111:role/tracking-dev-${name}-firehose`;
        const declared = [...pipelines, pageViews];
        const pinned = Object.fromEntries(declared.map((def) => [def.name, roleOf(def.name)]));
        // Engineering's last deploy predates page-views: its export lacks it.
        const exported = Object.fromEntries(pipelines.map((def) => [def.name, roleOf(def.name)]));
        const deployedRoleArns = checkEngineeringFirehoseRoles("organization/tracking-engineering/dev", exported, pinned);
        const statements = landingBucketGrants(
            { partition: "aws", principals: { engineeringAccountId: "111111111111", deployedRoleArns } },
            "arn:aws:s3:::landing",
            declared.map((def) => firehoseGrant(def, roleOf(def.name))),
        );
        const grantOf = (sid: string) => statements.find((st) => st.Sid === sid)!;
        expect(grantOf("FirehoseWritesUserEvents").Principal).to.deep.equal({ AWS: roleOf("user-events") });
        expect(grantOf("FirehoseWritesPageViews").Principal, "not deployed yet: the account root").to.deep.equal({ AWS: "arn:aws:iam::111111111111:root" });
        expect(grantOf("FirehoseWritesPageViews").Condition, "pinned to the role that will exist").to.deep.equal({ ArnEquals: { "aws:PrincipalArn": roleOf("page-views") } });
        expect(grantOf("FirehoseBucketLevel").Principal, "a shared statement waits for every role").to.deep.equal({ AWS: "arn:aws:iam::111111111111:root" });
    });
});
