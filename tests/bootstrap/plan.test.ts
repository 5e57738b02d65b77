import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planFileName, repoRoot, runPlan } from "../../tools/plan/runner";
import { readProjectFile, stackFiles } from "../../tools/plan/stack-files";
import { evaluatePlansDetailed } from "../../tools/policy/evaluate";
import { BOOTSTRAP_PROJECT, plans } from "./support/plans";

/**
 * `npm run plan` plans the bootstrap once per account stack file at the repository root, before the
 * pipeline stacks, writes its plan files, and the policy pack finds nothing wrong in them.
 */
describe("bootstrap: in the plan", function () {
    it("is planned once per Pulumi.<account>.yaml at the root, before the pipeline stacks", async function () {
        const expected = stackFiles(readProjectFile(repoRoot()));
        expect(expected).to.include.members(["data-platform", "engineering"]);
        const result = await plans();
        const bootstrapPasses = result.passes.filter((p) => p.project === BOOTSTRAP_PROJECT);
        expect(bootstrapPasses.map((p) => p.stack).sort()).to.deep.equal([...expected].sort());
        const firstPipeline = result.passes.findIndex((p) => p.project !== BOOTSTRAP_PROJECT);
        const lastBootstrap = result.passes.map((p) => p.project).lastIndexOf(BOOTSTRAP_PROJECT);
        expect(lastBootstrap).to.be.lessThan(firstPipeline);
    });

    it("writes plan/tracking-bootstrap.<account>.json with every resource", async function () {
        const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "bootstrap-plan-"));
        try {
            const result = await runPlan({ stack: "dev", outDir });
            for (const plan of result.plans.filter((p) => p.project === BOOTSTRAP_PROJECT)) {
                const written = JSON.parse(fs.readFileSync(planFileName(outDir, plan), "utf8"));
                expect(written.resources.length, plan.stack).to.equal(plan.resources.length);
                expect(written.resources.map((r: { type: string }) => r.type)).to.include("aws:iam/role:Role");
            }
        } finally {
            fs.rmSync(outDir, { recursive: true, force: true });
        }
    });

    it("passes the policy pack: no violation at any enforcement level, nothing left undetermined", async function () {
        const result = await plans();
        const bootstrap = result.plans.filter((p) => p.project === BOOTSTRAP_PROJECT);
        const evaluation = evaluatePlansDetailed(bootstrap);
        expect(
            evaluation.violations.map((v) => `${v.policy} (${v.enforcementLevel}) ${v.urn}: ${v.message}`),
        ).to.deep.equal([]);
        expect(evaluation.undetermined.map((u) => `${u.policy} ${u.urn}: ${u.message}`)).to.deep.equal([]);
    });
});
