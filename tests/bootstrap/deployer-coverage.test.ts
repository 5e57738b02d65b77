import { expect } from "chai";
import { StackPlan } from "../../tools/plan/types";
import { applicable, effectiveTags, tagContext } from "./support/context";
import { AccountView, accounts, plans } from "./support/plans";
import { LOCAL_TYPES, Requirement, REQUIREMENTS } from "./support/requirements";
import { decide, decideUnvalidated } from "./support/simulate";

/**
 * For every resource the pipeline plans hold, every IAM call its deployment makes (tests/bootstrap/
 * support/requirements.ts) is allowed to that account's planned deployer role, on the planned ARN, with
 * the planned tags - decided by iam-simulate over the deployer's planned managed policies (and the
 * planned key policy where KMS also consults one). Generic over the plans: a new resource, pipeline or
 * type is covered, or named in the failure, without touching this file.
 */

interface Failure {
    readonly resource: string;
    readonly action: string;
    readonly arn: string;
    readonly why: string;
}

async function check(view: AccountView, plan: StackPlan, requirement: Requirement, resourceName: string, tags: Record<string, string>): Promise<Failure | undefined> {
    const context = {
        ...(await applicable(requirement.action, requirement.resource, tagContext(tags, requirement.tags))),
        ...(requirement.context ?? {}),
    };
    try {
        const request = { principal: view.deployer.arn, action: requirement.action, resource: requirement.resource, resourceAccount: plan.account, context };
        const decision = requirement.simulatorGap
            ? decideUnvalidated(request, view.deployer.policies, requirement.resourcePolicy)
            : await decide(request, view.deployer.policies, requirement.resourcePolicy);
        if (decision === "Allowed") return undefined;
        return { resource: resourceName, action: requirement.action, arn: requirement.resource, why: `${decision} (context ${JSON.stringify(context)})` };
    } catch (err) {
        return { resource: resourceName, action: requirement.action, arn: requirement.resource, why: (err as Error).message };
    }
}

describe("bootstrap: the deployer can deploy every planned resource", function () {
    let views: AccountView[];

    before(async function () {
        views = await accounts();
    });

    it("each pipeline stack deploys into an account that has a bootstrap stack", async function () {
        const result = await plans();
        const pipelineAccounts = result.plans.filter((p) => p.project !== "tracking-bootstrap").map((p) => `${p.project}/${p.stack} -> ${p.account}`);
        const orphans = pipelineAccounts.filter((entry) => !views.some((v) => entry.endsWith(`-> ${v.account}`)));
        expect(orphans, "pipeline stacks whose account no Pulumi.<account>.yaml bootstraps").to.deep.equal([]);
        expect(views.every((v) => v.pipelines.length > 0), "every bootstrapped account hosts a pipeline stack").to.equal(true);
    });

    it("knows the IAM calls of every planned resource type", function () {
        const unknown = new Set<string>();
        for (const view of views) {
            for (const plan of view.pipelines) {
                for (const r of plan.resources.filter((x) => x.custom && !x.type.startsWith("pulumi:providers:") && !LOCAL_TYPES.has(x.type))) {
                    if (!REQUIREMENTS[r.type]) unknown.add(`${r.type} (e.g. ${plan.project} ${r.name})`);
                }
            }
        }
        expect([...unknown], "types without an entry in tests/bootstrap/support/requirements.ts: add the IAM actions their create, read and delete call").to.deep.equal([]);
    });

    it("allows every create, read and delete call on the planned ARNs, with the planned tags", async function () {
        const failures: Failure[] = [];
        let checked = 0;
        for (const view of views) {
            for (const plan of view.pipelines) {
                for (const r of plan.resources.filter((x) => x.custom && REQUIREMENTS[x.type] !== undefined)) {
                    const requirements = REQUIREMENTS[r.type]({ resource: r, plan, partition: view.partition, region: plan.region, account: plan.account, tags: effectiveTags(plan, r) });
                    for (const requirement of requirements) {
                        checked++;
                        const tags = effectiveTags(plan, requirement.tagsOf ?? r);
                        const failure = await check(view, plan, requirement, `${plan.project} ${r.type} ${r.name}`, tags);
                        if (failure) failures.push(failure);
                    }
                }
            }
        }
        const report = failures.map((f) => `${f.resource}: ${f.action} on ${f.arn}: ${f.why}`);
        expect(report, `${failures.length} of ${checked} planned IAM calls are not allowed to the deployer`).to.deep.equal([]);
        expect(checked).to.be.greaterThan(100);
    });
});
