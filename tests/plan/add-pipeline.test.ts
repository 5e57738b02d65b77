import { expect } from "chai";
import { PipelineDefinition } from "../../shared/pipeline/definition";
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
    it("adds a stream, Firehose, routes, crawlers, job and table for the new pipeline, and nothing else", async () => {
        const before = await devPlan();
        pipelines.push(probe);
        let after;
        try {
            after = await runPlan({ stack: "dev", write: false });
        } finally {
            pipelines.splice(pipelines.indexOf(probe), 1);
        }
        for (const project of ["tracking-engineering", "tracking-data-platform"]) {
            const planBefore = before.plans.find((p) => p.project === project)!;
            const planAfter = after.plans.find((p) => p.project === project)!;
            const urnsBefore = new Set(planBefore.resources.filter((r) => r.custom).map((r) => r.urn));
            const added = planAfter.resources.filter((r) => r.custom && !urnsBefore.has(r.urn));
            const removed = [...urnsBefore].filter((urn) => !planAfter.resources.some((r) => r.urn === urn));
            expect(removed, `${project}: nothing may disappear`).to.deep.equal([]);
            expect(added.length, `${project}: the new pipeline adds resources`).to.be.greaterThan(0);
            expect(added.map((r) => r.urn), `${project}: every added resource belongs to the new pipeline`).to.have.members(ownedBy(planAfter, probe).map((r) => r.urn));
            expect(typeCounts(added), `${project}: the new pipeline gets the same resources as the first`).to.deep.equal(typeCounts(ownedBy(planBefore, pipelines[0])));
        }
        const engineering = after.plans.find((p) => p.project === "tracking-engineering")!;
        const streams = engineering.resources.filter((r) => r.type === "aws:kinesis/stream:Stream");
        expect(streams.some((s) => String(s.outputs.name).includes(probe.name))).to.equal(true);
    });
});

describe("pipelines: adding one to a deployed system works in the order CI deploys", function () {
    it("data-platform grants a pipeline engineering has not deployed yet through the pinned root, and names deployed roles", () => {
        const { checkEngineeringFirehoseRoles, firehoseGrant, landingBucketGrants, sidPart } = require("../../data-platform/grants") as typeof import("../../data-platform/grants");
        const roleOf = (name: string) => `arn:aws:iam::111111111111:role/tracking-dev-${name}-firehose`;
        const declared = [...pipelines, probe];
        const pinned = Object.fromEntries(declared.map((def) => [def.name, roleOf(def.name)]));
        // Engineering's last deploy predates the new pipeline: its export lacks it.
        const exported = Object.fromEntries(pipelines.map((def) => [def.name, roleOf(def.name)]));
        const deployedRoleArns = checkEngineeringFirehoseRoles("organization/tracking-engineering/dev", exported, pinned);
        const statements = landingBucketGrants(
            { partition: "aws", principals: { engineeringAccountId: "111111111111", deployedRoleArns }, firehoseRolePattern: roleOf("*") },
            "arn:aws:s3:::landing",
            declared.map((def) => firehoseGrant(def, roleOf(def.name))),
        );
        const grantOf = (sid: string) => statements.find((st) => st.Sid === sid)!;
        const newGrant = `FirehoseWrites${sidPart(probe.name)}`;
        for (const def of pipelines) {
            expect(grantOf(`FirehoseWrites${sidPart(def.name)}`).Principal, `${def.name}: deployed, its role`).to.deep.equal({ AWS: roleOf(def.name) });
        }
        expect(grantOf(newGrant).Principal, "not deployed yet: the account root").to.deep.equal({ AWS: "arn:aws:iam::111111111111:root" });
        expect(grantOf(newGrant).Condition, "pinned to the role that will exist").to.deep.equal({ ArnEquals: { "aws:PrincipalArn": roleOf(probe.name) } });
        expect(grantOf("FirehoseBucketLevel").Principal, "a shared statement waits for every role").to.deep.equal({ AWS: "arn:aws:iam::111111111111:root" });
    });
});
