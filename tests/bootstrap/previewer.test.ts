import { expect } from "chai";
import { applicable, effectiveTags, tagContext } from "./support/context";
import { AccountView, accounts, PolicyDocument } from "./support/plans";
import { REQUIREMENTS } from "./support/requirements";
import { samplesFor } from "./support/samples";
import { decide, decideUnvalidated, Decision } from "./support/simulate";
import { accessLevelOf, allowGrants, contextSatisfying, isReadLevel, resourceAccountOf, resourcePolicyFor } from "./support/statements";
import { backendAccess, READ_ONLY_BACKEND, stateAccountOf } from "./support/backend";
import { refreshReads } from "./support/refresh";

/**
 * The pull-request role cannot create, change or delete anything: every non-read action the deployer
 * holds, on every resource and under every condition the deployer's grant names, and every create,
 * change and delete call of every planned resource, is denied to the previewer by iam-simulate. Nor can
 * it read what only the drift check's refresh reads (scripts, the sandbox's secret value).
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
        let checked = 0;
        for (const view of views) {
            const state = stateAccountOf(view);
            if (state === undefined) continue;
            expect(views.find((v) => v.account === state), `bootstrap of the state account ${state}`).to.not.equal(undefined);
            expect(await backendAccess(view, views, view.previewer, state), view.bootstrapStack).to.deep.equal(READ_ONLY_BACKEND);
            checked++;
        }
        expect(checked, "bootstrap stacks using the shared backend").to.be.greaterThan(0);
    });

    it("has none of the refresh-only reads: no Glue script, no sandbox secret value, no data-key decryption for either", async function () {
        // The same requests the drift reader is allowed (drift-reader.test.ts): pull requests never see them.
        const allowed: string[] = [];
        let checked = 0;
        for (const view of views) {
            for (const plan of view.pipelines) {
                for (const read of refreshReads(plan)) {
                    checked++;
                    const request = { ...read.request, principal: view.previewer.arn, context: await applicable(read.request.action, read.request.resource, read.request.context ?? {}) };
                    if ((await decide(request, view.previewer.policies, read.resourcePolicy)) === "Allowed") allowed.push(read.label);
                }
            }
        }
        expect(allowed).to.deep.equal([]);
        expect(checked, "refresh-only reads in the plans (scripts, secret versions)").to.be.greaterThan(4);
    });
});
