import { expect } from "chai";
import { applicable, effectiveTags, tagContext } from "./support/context";
import { AccountView, accounts, PolicyDocument } from "./support/plans";
import { REQUIREMENTS } from "./support/requirements";
import { samplesFor } from "./support/samples";
import { decide, decideUnvalidated, Decision } from "./support/simulate";
import { accessLevelOf, allowGrants, contextSatisfying, isReadLevel, resourceAccountOf, resourcePolicyFor } from "./support/statements";

/**
 * The pull-request role cannot create, change or delete anything: every non-read action the deployer
 * holds, on every resource and under every condition the deployer's grant names, and every create,
 * change and delete call of every planned resource, is denied to the previewer by iam-simulate.
 */
describe("bootstrap: the previewer cannot change anything", function () {
    let views: AccountView[];

    before(async function () {
        views = await accounts();
    });

    it("is denied every write, tagging and permissions action of the deployer's grants, where the deployer is allowed", async function () {
        const leaks: string[] = [];
        let checked = 0;
        for (const view of views) {
            for (const grant of view.deployer.policies.flatMap((p) => allowGrants(p.policy as PolicyDocument))) {
                for (const action of grant.actions) {
                    if (isReadLevel(await accessLevelOf(action))) continue;
                    for (const resource of grant.resources) {
                        for (const sample of await samplesFor(action, resource)) {
                            const request = {
                                action,
                                resource: sample,
                                resourceAccount: resourceAccountOf(sample, view),
                                context: await applicable(action, sample, contextSatisfying(grant.condition)),
                            };
                            const policy = resourcePolicyFor(sample, grant.condition, view, views);
                            let asDeployer: Decision;
                            try {
                                asDeployer = await decide({ ...request, principal: view.deployer.arn }, view.deployer.policies, policy);
                            } catch (err) {
                                if (/(multiple|no)\.resource\.types/.test((err as Error).message)) continue;
                                throw err;
                            }
                            // Only requests the deployer can make prove anything about the previewer.
                            if (asDeployer !== "Allowed") continue;
                            checked++;
                            const asPreviewer = await decide({ ...request, principal: view.previewer.arn }, view.previewer.policies, policy);
                            const decryptsState = action === "kms:Decrypt" && JSON.stringify(grant.condition).includes("kms:ResourceAliases");
                            if (asPreviewer === "Allowed" && !decryptsState) leaks.push(`${view.bootstrapStack}: ${action} on ${sample}`);
                        }
                    }
                }
            }
        }
        expect(leaks, "non-read requests the previewer is allowed").to.deep.equal([]);
        expect(checked, "requests checked").to.be.greaterThan(200);
    });

    it("is denied every create, change and delete call of every planned resource", async function () {
        const leaks: string[] = [];
        let checked = 0;
        for (const view of views) {
            for (const plan of view.pipelines) {
                for (const r of plan.resources.filter((x) => x.custom && REQUIREMENTS[x.type] !== undefined)) {
                    const facts = { resource: r, plan, partition: view.partition, region: plan.region, account: plan.account, tags: effectiveTags(plan, r) };
                    for (const requirement of REQUIREMENTS[r.type](facts)) {
                        if (isReadLevel(await accessLevelOf(requirement.action))) continue;
                        checked++;
                        const context = { ...(await applicable(requirement.action, requirement.resource, tagContext(effectiveTags(plan, requirement.tagsOf ?? r), requirement.tags))), ...(requirement.context ?? {}) };
                        const request = { principal: view.previewer.arn, action: requirement.action, resource: requirement.resource, resourceAccount: plan.account, context };
                        const decision = requirement.simulatorGap
                            ? decideUnvalidated(request, view.previewer.policies, requirement.resourcePolicy)
                            : await decide(request, view.previewer.policies, requirement.resourcePolicy);
                        if (decision === "Allowed") leaks.push(`${plan.project} ${r.name}: ${requirement.action} on ${requirement.resource}`);
                    }
                }
            }
        }
        expect(leaks).to.deep.equal([]);
        expect(checked).to.be.greaterThan(100);
    });

    it("can read the stacks' state and take their lock, but not write state", async function () {
        for (const view of views) {
            const state = view.config["tracking-bootstrap:stateAccountId"] ?? (view.config["tracking-bootstrap:stateBackend"] === "true" ? view.account : undefined);
            if (state === undefined) continue;
            const owner = views.find((v) => v.account === state);
            expect(owner, `bootstrap of the state account ${state}`).to.not.equal(undefined);
            const bucket = `arn:${view.partition}:s3:::tracking-state-${state}-${view.region}`;
            const object = `${bucket}/.pulumi/stacks/tracking-engineering/dev.json`;
            const policyOf = (arn: string) => resourcePolicyFor(arn, {}, view, views);
            expect(await decide({ principal: view.previewer.arn, action: "s3:GetObject", resource: object, resourceAccount: state }, view.previewer.policies, policyOf(object))).to.equal("Allowed");
            expect(await decide({ principal: view.previewer.arn, action: "s3:ListBucket", resource: bucket, resourceAccount: state }, view.previewer.policies, policyOf(bucket))).to.equal("Allowed");
            expect(await decide({ principal: view.previewer.arn, action: "s3:PutObject", resource: object, resourceAccount: state }, view.previewer.policies, policyOf(object))).to.equal("ImplicitlyDenied");
            expect(await decide({ principal: view.previewer.arn, action: "s3:DeleteObject", resource: object, resourceAccount: state }, view.previewer.policies, policyOf(object))).to.equal("ImplicitlyDenied");
            const lock = `${bucket}/.pulumi/locks/organization/tracking-engineering/dev/0f8fad5b-d9cb-469f-a165-70867728950e.json`;
            for (const action of ["s3:PutObject", "s3:DeleteObject"]) {
                expect(await decide({ principal: view.previewer.arn, action, resource: lock, resourceAccount: state }, view.previewer.policies, policyOf(lock)), `${view.bootstrapStack} ${action} lock`).to.equal("Allowed");
            }
        }
    });
});
