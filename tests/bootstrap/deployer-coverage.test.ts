import { expect } from "chai";
import { deployerDenials } from "./support/coverage";
import { AccountView, accounts, plans } from "./support/plans";
import { LOCAL_TYPES, REQUIREMENTS } from "./support/requirements";

/**
 * For every resource the pipeline plans hold, every IAM call its deployment makes (tests/bootstrap/
 * support/requirements.ts) is allowed to that account's planned deployer role, on the planned ARN, with
 * the planned tags - decided by iam-simulate over the deployer's planned managed policies (and the
 * planned key policy where KMS also consults one). Generic over the plans: a new resource, pipeline or
 * type is covered, or named in the failure, without touching this file.
 */

describe("bootstrap: the deployer can deploy every planned resource", function () {
    let views: AccountView[];

    before(async function () {
        views = await accounts();
    });

    it("each pipeline stack deploys into an account that has a bootstrap stack", async function () {
        const result = await plans();
        const pipelineAccounts = result.plans
            .filter((p) => p.project !== "tracking-bootstrap")
            .map((p) => `${p.project}/${p.stack} -> ${p.account}`);
        const orphans = pipelineAccounts.filter((entry) => !views.some((v) => entry.endsWith(`-> ${v.account}`)));
        expect(orphans, "pipeline stacks whose account no Pulumi.<account>.yaml bootstraps").to.deep.equal([]);
        expect(
            views.every((v) => v.pipelines.length > 0),
            "every bootstrapped account hosts a pipeline stack",
        ).to.equal(true);
    });

    it("knows the IAM calls of every planned resource type", function () {
        const unknown = new Set<string>();
        for (const view of views) {
            for (const plan of view.pipelines) {
                for (const r of plan.resources.filter(
                    (x) => x.custom && !x.type.startsWith("pulumi:providers:") && !LOCAL_TYPES.has(x.type),
                )) {
                    if (!REQUIREMENTS[r.type]) unknown.add(`${r.type} (e.g. ${plan.project} ${r.name})`);
                }
            }
        }
        expect(
            [...unknown],
            "types without an entry in tests/bootstrap/support/requirements.ts: add the IAM actions their create, read and delete call",
        ).to.deep.equal([]);
    });

    it("allows every create, read and delete call on the planned ARNs, with the planned tags", async function () {
        const { failures, checked } = await deployerDenials(views);
        expect(
            failures,
            `${failures.length} of ${checked} planned IAM calls are not allowed to the deployer`,
        ).to.deep.equal([]);
        expect(checked).to.be.greaterThan(100);
    });
});
