import { expect } from "chai";
import { applicable } from "./support/context";
import { AccountView, accounts, PolicyDocument, roleView } from "./support/plans";
import { samplesFor } from "./support/samples";
import { decideSample } from "./support/simulate";
import { allowGrants, contextSatisfying, resourceAccountOf, resourcePolicyFor } from "./support/statements";

/**
 * The deployer may create roles only under the workload boundary, so the pipeline stacks' roles must
 * carry it and must fit in it: every permission their planned policies grant is one the boundary allows
 * (judged by iam-simulate with the boundary as the role's only policy). Generic over the plans: a new
 * role, or a new grant to an existing one, is checked without touching this file.
 */
describe("bootstrap: the pipeline stacks' roles and the workload boundary", function () {
    let views: AccountView[];

    before(async function () {
        views = await accounts();
    });

    it("every role of the pipeline stacks carries the workload boundary of its account", function () {
        const missing: string[] = [];
        for (const view of views) {
            for (const plan of view.pipelines) {
                for (const role of plan.resources.filter((r) => r.type === "aws:iam/role:Role")) {
                    if (role.inputs.permissionsBoundary !== view.boundaryArn)
                        missing.push(
                            `${plan.project} ${role.outputs.name}: permissionsBoundary is ${JSON.stringify(role.inputs.permissionsBoundary ?? null)}`,
                        );
                }
            }
        }
        expect(missing, "roles the deployer could not create (iam:CreateRole requires the boundary)").to.deep.equal([]);
    });

    it("every permission the roles' planned policies grant fits within the boundary", async function () {
        const outside: string[] = [];
        const undetermined: string[] = [];
        let checked = 0;
        for (const view of views) {
            const boundary = [{ name: "workload-boundary", policy: view.boundary }];
            for (const plan of view.pipelines) {
                for (const role of plan.resources.filter((r) => r.type === "aws:iam/role:Role")) {
                    const rv = roleView(plan, String(role.outputs.name));
                    undetermined.push(
                        ...rv.unknownPolicies.map((p) => `${rv.name}/${p}`),
                        ...rv.unplannedPolicyArns.map((p) => `${rv.name} attaches ${p}`),
                    );
                    for (const grant of rv.policies.flatMap((p) => allowGrants(p.policy as PolicyDocument))) {
                        for (const action of grant.actions) {
                            let tried = false;
                            for (const resource of grant.resources) {
                                for (const sample of await samplesFor(action, resource)) {
                                    const context = await applicable(
                                        action,
                                        sample,
                                        contextSatisfying(grant.condition),
                                    );
                                    const decision = await decideSample(
                                        {
                                            principal: rv.arn,
                                            action,
                                            resource: sample,
                                            resourceAccount: resourceAccountOf(sample, view),
                                            context,
                                        },
                                        boundary,
                                        resourcePolicyFor(sample, {}, view, views),
                                    );
                                    if (decision === undefined) continue;
                                    tried = true;
                                    checked++;
                                    if (decision !== "Allowed")
                                        outside.push(`${plan.project} ${rv.name} ${grant.sid}: ${action} on ${sample}`);
                                }
                            }
                            if (!tried)
                                outside.push(
                                    `${plan.project} ${rv.name} ${grant.sid}: ${action} on ${grant.resources.join(", ")} names no resource the action takes`,
                                );
                        }
                    }
                }
            }
        }
        expect(outside, "grants the boundary would cut off at run time").to.deep.equal([]);
        expect(
            checked,
            `grants checked (not yet known at plan time: ${undetermined.join(", ") || "none"})`,
        ).to.be.greaterThan(10);
    });

    it("grants no role any IAM, STS or Organizations action, but Redshift's chain to the other account's stream readers", function () {
        for (const view of views) {
            const other = String(view.config["tracking-bootstrap:otherAccountId"]);
            for (const statement of view.boundary.Statement) {
                const actions = (Array.isArray(statement.Action) ? statement.Action : [statement.Action])
                    .map(String)
                    .filter((a) => /^(iam|sts|organizations):/.test(a));
                if (view.bootstrapStack === "data-platform" && actions.length > 0) {
                    // Redshift streaming ingestion (shared/redshift-streaming-access.ts): only AssumeRole, only the readers.
                    expect(actions, `${view.bootstrapStack} boundary ${statement.Sid}`).to.deep.equal([
                        "sts:AssumeRole",
                    ]);
                    expect(statement.Resource).to.deep.equal([
                        `arn:${view.partition}:iam::${other}:role/tracking-*-*-stream-reader`,
                    ]);
                    expect(statement.Condition).to.equal(undefined);
                    continue;
                }
                expect(actions, `${view.bootstrapStack} boundary ${statement.Sid}`).to.deep.equal([]);
            }
        }
    });
});
