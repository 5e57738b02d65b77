import { expect } from "chai";
import {
    APIGATEWAY_LOGS_ROLE_NAME,
    DEPLOYER_ROLE_NAME,
    DRIFT_READER_ROLE_NAME,
    PREVIEWER_ROLE_NAME,
    STACK_TAG_KEY,
    STATE_KEY_ALIAS,
    stateBucketName,
    WORKLOAD_BOUNDARY_NAME,
} from "../../shared/naming";
import { applicable } from "./support/context";
import { AccountView, accounts, PolicyDocument } from "./support/plans";
import { samplesFor } from "./support/samples";
import { decide, Decision, decideSample, Request } from "./support/simulate";
import { allowGrants, contextSatisfying, Grant, resourceAccountOf, resourcePolicyFor } from "./support/statements";

/**
 * What the deployer cannot do, decided by iam-simulate over its planned policies: anything named for a
 * stack it does not host or outside the project's prefix, anything tagged for another stack or not at
 * all, IAM users, passing a role that is not the stacks' or to a service that does not need it, roles
 * without the workload boundary, its own identities, and the shared state backend's bucket and key.
 */

const THIRD_ACCOUNT = "999999999999";

function stacksOf(view: AccountView): string[] {
    return JSON.parse(view.config["tracking-bootstrap:stackNames"]) as string[];
}

/** A stack name the account does not host. */
function foreignStack(view: AccountView): string {
    return ["qa", "qa2", "qa3"].find((s) => !stacksOf(view).includes(s)) as string;
}

const tagConditioned = (grant: Grant) => JSON.stringify(grant.condition).includes(`Tag/${STACK_TAG_KEY}`);

describe("bootstrap: what the deployer cannot do", function () {
    let views: AccountView[];

    before(async function () {
        views = await accounts();
    });

    function deployerRequest(
        view: AccountView,
        action: string,
        resource: string,
        context: Record<string, string | string[]> = {},
    ): Request {
        return {
            principal: view.deployer.arn,
            action,
            resource,
            resourceAccount: resourceAccountOf(resource, view),
            context,
        };
    }
    async function asDeployer(
        view: AccountView,
        action: string,
        resource: string,
        context: Record<string, string | string[]> = {},
        resourcePolicy?: unknown,
    ): Promise<Decision> {
        return decide(deployerRequest(view, action, resource, context), view.deployer.policies, resourcePolicy);
    }

    it("act on names of a stack it does not host, or outside the tracking- prefix", async function () {
        const allowed: string[] = [];
        let checked = 0;
        for (const view of views) {
            const other = foreignStack(view);
            for (const grant of view.deployer.policies.flatMap((p) => allowGrants(p.policy as PolicyDocument))) {
                for (const stack of stacksOf(view)) {
                    const named = grant.resources.filter(
                        (r) => r.includes(`tracking-${stack}-`) || r.includes(`tracking_${stack}_`),
                    );
                    const renamed = named.flatMap((r) => [
                        r
                            .replace(`tracking-${stack}-`, `tracking-${other}-`)
                            .replace(`tracking_${stack}_`, `tracking_${other}_`),
                        r
                            .replace(`tracking-${stack}-`, `acme-${stack}-`)
                            .replace(`tracking_${stack}_`, `acme_${stack}_`),
                    ]);
                    for (const pattern of renamed) {
                        for (const action of grant.actions) {
                            for (const sample of await samplesFor(action, pattern)) {
                                const context = await applicable(action, sample, contextSatisfying(grant.condition));
                                const decision = await decideSample(
                                    deployerRequest(view, action, sample, context),
                                    view.deployer.policies,
                                    resourcePolicyFor(sample, grant.condition, view, views),
                                );
                                if (decision === undefined) continue;
                                checked++;
                                if (decision === "Allowed")
                                    allowed.push(`${view.bootstrapStack} ${grant.sid}: ${action} on ${sample}`);
                            }
                        }
                    }
                }
            }
        }
        expect(allowed).to.deep.equal([]);
        expect(checked).to.be.greaterThan(300);
    });

    it("act on generated-id resources tagged for another stack, or not tagged", async function () {
        const allowed: string[] = [];
        let checked = 0;
        for (const view of views) {
            const other = foreignStack(view);
            for (const grant of view.deployer.policies
                .flatMap((p) => allowGrants(p.policy as PolicyDocument))
                .filter(tagConditioned)) {
                const satisfying = contextSatisfying(grant.condition);
                const tagKeys = Object.keys(satisfying).filter((k) => k.endsWith(`Tag/${STACK_TAG_KEY}`));
                const variants = [
                    { ...satisfying, ...Object.fromEntries(tagKeys.map((k) => [k, other])) },
                    Object.fromEntries(Object.entries(satisfying).filter(([k]) => !tagKeys.includes(k))),
                ];
                for (const action of grant.actions) {
                    for (const resource of grant.resources) {
                        for (const sample of await samplesFor(action, resource)) {
                            for (const variant of variants) {
                                const context = await applicable(action, sample, variant);
                                const decision = await decideSample(
                                    deployerRequest(view, action, sample, context),
                                    view.deployer.policies,
                                    resourcePolicyFor(sample, grant.condition, view, views),
                                );
                                if (decision === undefined) continue;
                                checked++;
                                if (decision === "Allowed")
                                    allowed.push(
                                        `${view.bootstrapStack} ${grant.sid}: ${action} on ${sample} with ${JSON.stringify(context)}`,
                                    );
                            }
                        }
                    }
                }
            }
        }
        expect(allowed).to.deep.equal([]);
        expect(checked).to.be.greaterThan(100);
    });

    it("create or manage IAM users, groups or access keys", async function () {
        for (const view of views) {
            const iam = (resource: string) => `arn:${view.partition}:iam::${view.account}:${resource}`;
            const attempts: Array<[string, string]> = [
                ["iam:CreateUser", iam("user/tracking-dev-ci")],
                ["iam:CreateAccessKey", iam("user/tracking-dev-ci")],
                ["iam:CreateLoginProfile", iam("user/tracking-dev-ci")],
                ["iam:PutUserPolicy", iam("user/tracking-dev-ci")],
                ["iam:AttachUserPolicy", iam("user/tracking-dev-ci")],
                ["iam:AddUserToGroup", iam("group/tracking-dev-admins")],
                ["iam:CreateGroup", iam("group/tracking-dev-admins")],
            ];
            for (const [action, resource] of attempts)
                expect(await asDeployer(view, action, resource), `${view.bootstrapStack} ${action}`).to.not.equal(
                    "Allowed",
                );
        }
    });

    it("pass a role that is not the stacks', or to a service the stacks do not hand roles to", async function () {
        for (const view of views) {
            const role = (name: string) => `arn:${view.partition}:iam::${view.account}:role/${name}`;
            const stack = stacksOf(view)[0];
            const service =
                view.config["tracking-bootstrap:accountRole"] === "engineering"
                    ? "firehose.amazonaws.com"
                    : "glue.amazonaws.com";
            // The positive control: without it the denials below would prove nothing.
            expect(
                await asDeployer(view, "iam:PassRole", role(`tracking-${stack}-pipeline`), {
                    "iam:PassedToService": service,
                }),
            ).to.equal("Allowed");
            const denied = [
                await asDeployer(view, "iam:PassRole", role("unrelated-admin"), { "iam:PassedToService": service }),
                await asDeployer(view, "iam:PassRole", role(`tracking-${foreignStack(view)}-pipeline`), {
                    "iam:PassedToService": service,
                }),
                await asDeployer(view, "iam:PassRole", role(DEPLOYER_ROLE_NAME), { "iam:PassedToService": service }),
                await asDeployer(view, "iam:PassRole", role(`tracking-${stack}-pipeline`), {
                    "iam:PassedToService": "ec2.amazonaws.com",
                }),
                await asDeployer(view, "iam:PassRole", role(`tracking-${stack}-pipeline`), {
                    "iam:PassedToService": "lambda.amazonaws.com",
                }),
                await asDeployer(
                    view,
                    "iam:PassRole",
                    `arn:${view.partition}:iam::${THIRD_ACCOUNT}:role/tracking-${stack}-pipeline`,
                    { "iam:PassedToService": service },
                ),
            ];
            expect(denied, view.bootstrapStack).to.not.include("Allowed");
        }
    });

    it("create or widen a role without the workload boundary, or lift the boundary", async function () {
        for (const view of views) {
            const stackRole = `arn:${view.partition}:iam::${view.account}:role/tracking-${stacksOf(view)[0]}-worker`;
            const ours = { "iam:PermissionsBoundary": view.boundaryArn };
            const another = { "iam:PermissionsBoundary": `arn:${view.partition}:iam::aws:policy/AdministratorAccess` };
            expect(await asDeployer(view, "iam:CreateRole", stackRole, ours), "control: with the boundary").to.equal(
                "Allowed",
            );
            expect(await asDeployer(view, "iam:PutRolePolicy", stackRole, ours), "control: with the boundary").to.equal(
                "Allowed",
            );
            const denied = [
                await asDeployer(view, "iam:CreateRole", stackRole),
                await asDeployer(view, "iam:CreateRole", stackRole, another),
                await asDeployer(view, "iam:PutRolePolicy", stackRole),
                await asDeployer(view, "iam:AttachRolePolicy", stackRole, {
                    "iam:PolicyARN": `arn:${view.partition}:iam::aws:policy/AdministratorAccess`,
                }),
                await asDeployer(view, "iam:PutRolePermissionsBoundary", stackRole, another),
                await asDeployer(view, "iam:DeleteRolePermissionsBoundary", stackRole, ours),
            ];
            expect(denied, view.bootstrapStack).to.not.include("Allowed");
        }
    });

    it("touch the identities that govern it: its own role and policies, the previewer, the drift reader, the boundary, the OIDC provider", async function () {
        for (const view of views) {
            const iam = (resource: string) => `arn:${view.partition}:iam::${view.account}:${resource}`;
            const boundary = { "iam:PermissionsBoundary": view.boundaryArn };
            const attempts: Array<[string, string, Record<string, string>]> = [
                ["iam:PutRolePolicy", iam(`role/${DEPLOYER_ROLE_NAME}`), boundary],
                ["iam:AttachRolePolicy", iam(`role/${DEPLOYER_ROLE_NAME}`), boundary],
                ["iam:UpdateAssumeRolePolicy", iam(`role/${DEPLOYER_ROLE_NAME}`), {}],
                ["iam:DeleteRole", iam(`role/${PREVIEWER_ROLE_NAME}`), {}],
                ["iam:PutRolePolicy", iam(`role/${APIGATEWAY_LOGS_ROLE_NAME}`), boundary],
                ["iam:CreatePolicyVersion", iam(`policy/${DEPLOYER_ROLE_NAME}-1`), {}],
                ["iam:CreatePolicyVersion", iam(`policy/${WORKLOAD_BOUNDARY_NAME}`), {}],
                ["iam:DeletePolicy", iam(`policy/${PREVIEWER_ROLE_NAME}-1`), {}],
                ["iam:UpdateAssumeRolePolicy", iam(`role/${DRIFT_READER_ROLE_NAME}`), {}],
                ["iam:AttachRolePolicy", iam(`role/${DRIFT_READER_ROLE_NAME}`), boundary],
                ["iam:CreatePolicyVersion", iam(`policy/${DRIFT_READER_ROLE_NAME}-1`), {}],
                ["iam:DeleteOpenIDConnectProvider", iam("oidc-provider/token.actions.githubusercontent.com"), {}],
                [
                    "iam:UpdateOpenIDConnectProviderThumbprint",
                    iam("oidc-provider/token.actions.githubusercontent.com"),
                    {},
                ],
            ];
            for (const [action, resource, context] of attempts)
                expect(
                    await asDeployer(view, action, resource, context),
                    `${view.bootstrapStack} ${action} on ${resource}`,
                ).to.not.equal("Allowed");
        }
    });

    it("delete or take over the shared state backend: its bucket, its policy, its key", async function () {
        const owner = views.find((v) => v.config["tracking-bootstrap:stateBackend"] === "true");
        expect(owner, "a bootstrap stack creates the state backend").to.not.equal(undefined);
        if (owner === undefined) return;
        const bucket = `arn:${owner.partition}:s3:::${stateBucketName(owner.account, owner.region)}`;
        const keyPolicy = resourcePolicyFor(
            `arn:${owner.partition}:kms:${owner.region}:${owner.account}:key/x`,
            { "ForAnyValue:StringEquals": { "kms:ResourceAliases": [STATE_KEY_ALIAS] } },
            owner,
            views,
        );
        const bucketPolicy = resourcePolicyFor(bucket, {}, owner, views);
        const key = `arn:${owner.partition}:kms:${owner.region}:${owner.account}:key/0b0b0b0b-0000-4000-8000-000000000000`;
        for (const view of views) {
            for (const action of [
                "s3:DeleteBucket",
                "s3:PutBucketPolicy",
                "s3:DeleteBucketPolicy",
                "s3:PutBucketVersioning",
                "s3:PutLifecycleConfiguration",
            ]) {
                expect(
                    await asDeployer(view, action, bucket, {}, bucketPolicy),
                    `${view.bootstrapStack} ${action}`,
                ).to.not.equal("Allowed");
            }
            // Even if the key carried a stack tag (the deployer may tag keys on create), its policy refuses.
            const tagged = {
                "kms:ResourceAliases": [STATE_KEY_ALIAS],
                [`aws:ResourceTag/${STACK_TAG_KEY}`]: stacksOf(view)[0],
            };
            for (const action of [
                "kms:ScheduleKeyDeletion",
                "kms:PutKeyPolicy",
                "kms:DisableKey",
                "kms:TagResource",
                "kms:UntagResource",
            ]) {
                expect(
                    await asDeployer(view, action, key, tagged, keyPolicy),
                    `${view.bootstrapStack} ${action}`,
                ).to.not.equal("Allowed");
            }
            // ...while it can use the key for the stacks' state, which is what it is for.
            expect(
                await asDeployer(view, "kms:Decrypt", key, { "kms:ResourceAliases": [STATE_KEY_ALIAS] }, keyPolicy),
                `${view.bootstrapStack} control`,
            ).to.equal("Allowed");
        }
    });
});
