/**
 * The pack over the real plans `npm run plan` produces: every stack of the project, and a copy of one plan
 * with a single injected wildcard statement that the CLI must refuse.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PlannedResource, StackPlan } from "../../tools/plan/types";
import { evaluatePlansDetailed } from "../../tools/policy/evaluate";
import { devPlan } from "../support/dev-plan";
import type { Statement } from "../support/policy-document";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const CLI = path.join(ROOT, "build", "tools", "policy-cli.js");

/** Identity-policy resources whose document is a known JSON string: where a statement can be injected. */
function injectable(resource: PlannedResource): boolean {
    const types = ["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy"];
    const policy = resource.inputs.policy;
    if (!types.includes(resource.type) || typeof policy !== "string") return false;
    try {
        return Array.isArray((JSON.parse(policy) as { Statement?: unknown }).Statement);
    } catch {
        return false;
    }
}

describe("policy pack over the planned stacks", function () {
    let plans: StackPlan[] = [];

    before(async function () {
        plans = (await devPlan()).plans;
    });

    it("covers every project of the repository", () => {
        const projects = new Set(plans.map((p) => p.project));
        expect([...projects]).to.include.members([
            "tracking-bootstrap",
            "tracking-engineering",
            "tracking-data-platform",
        ]);
    });

    it("reports zero mandatory violations with the repository's policy config", () => {
        const mandatory = evaluatePlansDetailed(plans).violations.filter((v) => v.enforcementLevel === "mandatory");
        expect(mandatory.map((v) => `${v.policy} ${v.urn}: ${v.message}`)).to.deep.equal([]);
    });

    describe("npm run policy on a plan file", () => {
        let dir: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-plans-"));
        });
        after(() => {
            fs.rmSync(dir, { recursive: true, force: true });
        });

        it("exits 1 naming the resource and the policy when one wildcard statement is injected, and 0 on the original", () => {
            // Prefer a plan that is clean as it stands, so the test is about the injected statement alone;
            // any plan's own findings are the previous test's to report.
            const candidates = plans.filter((p) => p.resources.some(injectable));
            const clean = candidates.find((p) =>
                evaluatePlansDetailed([p]).violations.every((v) => v.enforcementLevel !== "mandatory"),
            );
            const target = clean ?? candidates[0];
            expect(target, "a plan with an identity policy").to.not.equal(undefined);
            const stackPlan = target as StackPlan;
            const victim = stackPlan.resources.find(injectable) as PlannedResource;

            const document = JSON.parse(victim.inputs.policy as string) as { Statement: Statement[] };
            document.Statement.push({ Sid: "Injected", Effect: "Allow", Action: "*", Resource: "*" });
            const tampered: StackPlan = {
                ...stackPlan,
                resources: stackPlan.resources.map((r) =>
                    r === victim ? { ...r, inputs: { ...r.inputs, policy: JSON.stringify(document) } } : r,
                ),
            };

            const originalFile = path.join(dir, `${stackPlan.project}.${stackPlan.stack}.json`);
            const tamperedFile = path.join(dir, `${stackPlan.project}.${stackPlan.stack}.injected.json`);
            fs.writeFileSync(originalFile, JSON.stringify(stackPlan, null, 2));
            fs.writeFileSync(tamperedFile, JSON.stringify(tampered, null, 2));

            const bad = spawnSync(process.execPath, [CLI, tamperedFile], { encoding: "utf8" });
            expect(bad.status, bad.stdout + bad.stderr).to.equal(1);
            const blamed = bad.stdout
                .split("\n[")
                .filter((entry) => entry.includes(victim.urn) && entry.includes("iam-no-wildcard-actions"));
            expect(blamed, bad.stdout).to.have.length(1);
            expect(blamed[0]).to.include('"Injected"');

            const good = spawnSync(process.execPath, [CLI, originalFile], { encoding: "utf8" });
            expect(good.status, good.stdout + good.stderr).to.equal(0);
        });
    });
});
