import { expect } from "chai";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST } from "../../shared/naming";
import {
    deployerTrust,
    driftReaderTrust,
    GITHUB_ENVIRONMENTS,
    previewerTrust,
    TrustSettings,
} from "../../bootstrap/iam/trust";
import { AccountView, accounts } from "./support/plans";
import { Decision, decideAssume, IdentityPolicy } from "./support/simulate";

/**
 * Who may assume the planned roles, decided by iam-simulate over the planned trust policies: GitHub
 * Actions jobs of the configured repository, each role from its own GitHub environment (tracking-deploy
 * -> deployer; tracking-preview, whose required reviewers approve every pull-request preview ->
 * previewer; tracking-drift -> drift reader); the other account's named administrator roles with the
 * ExternalId (and MFA), deployer only; nobody else.
 */

const THIRD_ACCOUNT = "999999999999";

/** A person's own account lets them call sts:AssumeRole; the trust policy is what is being tested. */
const mayAssumeRoles: IdentityPolicy[] = [
    {
        name: "may-assume-roles",
        policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] },
    },
];

function claims(sub: string, aud = GITHUB_OIDC_AUDIENCE): Record<string, string> {
    return { [`${GITHUB_OIDC_HOST}:aud`]: aud, [`${GITHUB_OIDC_HOST}:sub`]: sub };
}

interface Setting {
    readonly repository: string;
    readonly branch: string;
    readonly externalId: string;
    readonly otherAccount: string;
    readonly requireMfa: boolean;
    readonly provider: string;
    readonly admins: string[];
}

function settingOf(view: AccountView): Setting {
    const c = (key: string) => view.config[`tracking-bootstrap:${key}`];
    return {
        repository: c("githubRepository"),
        branch: c("deployBranch") ?? "main",
        externalId: c("externalId"),
        otherAccount: c("otherAccountId"),
        requireMfa: c("requireMfa") !== "false",
        provider: `arn:${view.partition}:iam::${view.account}:oidc-provider/${GITHUB_OIDC_HOST}`,
        admins: c("otherAccountAdminRoleArns") ? (JSON.parse(c("otherAccountAdminRoleArns")) as string[]) : [],
    };
}

/** A role ARN an administrator pattern matches: each `*` filled in, as an SSO role's path and suffix would be. */
function adminArn(pattern: string): string {
    return pattern.replace(/\*/g, "x1");
}

type Role = "deployer" | "previewer" | "driftReader";
const ROLES: readonly Role[] = ["deployer", "previewer", "driftReader"];

describe("bootstrap: who may assume the deployer, the previewer and the drift reader", function () {
    let views: AccountView[];

    before(async function () {
        views = await accounts();
    });

    function viaGitHub(view: AccountView, role: Role, sub: string, aud?: string, provider?: string): Decision {
        const target = view[role];
        const principal = provider ?? settingOf(view).provider;
        return decideAssume(
            {
                principal,
                action: "sts:AssumeRoleWithWebIdentity",
                resource: target.arn,
                resourceAccount: view.account,
                context: claims(sub, aud),
            },
            target.trust,
        );
    }

    function asPerson(view: AccountView, role: Role, principal: string, context: Record<string, string>): Decision {
        const target = view[role];
        return decideAssume(
            { principal, action: "sts:AssumeRole", resource: target.arn, resourceAccount: view.account, context },
            target.trust,
            mayAssumeRoles,
        );
    }

    it("each role: only its own environment's jobs of the repository, through this account's GitHub provider", function () {
        for (const view of views) {
            const s = settingOf(view);
            const [owner, repo] = s.repository.split("/");
            for (const role of ROLES) {
                const own = `repo:${s.repository}:environment:${GITHUB_ENVIRONMENTS[role]}`;
                expect(viaGitHub(view, role, own), `${view.bootstrapStack} ${role}`).to.equal("Allowed");
                const denied = [
                    // Another role's environment: the roles are told apart by it, not by the branch.
                    ...ROLES.filter((r) => r !== role).map((r) =>
                        viaGitHub(view, role, `repo:${s.repository}:environment:${GITHUB_ENVIRONMENTS[r]}`),
                    ),
                    // Jobs without an environment: any workflow on the branch, any pull request.
                    viaGitHub(view, role, `repo:${s.repository}:ref:refs/heads/${s.branch}`),
                    viaGitHub(view, role, `repo:${s.repository}:pull_request`),
                    viaGitHub(view, role, `repo:${s.repository}:ref:refs/tags/v1`),
                    viaGitHub(view, role, `repo:${s.repository}:environment:production`),
                    viaGitHub(view, role, `repo:${owner}/${repo}-fork:environment:${GITHUB_ENVIRONMENTS[role]}`),
                    viaGitHub(view, role, `repo:someone-else/${repo}:environment:${GITHUB_ENVIRONMENTS[role]}`),
                    viaGitHub(view, role, own, "api://other-audience"),
                    viaGitHub(
                        view,
                        role,
                        own,
                        undefined,
                        `arn:${view.partition}:iam::${THIRD_ACCOUNT}:oidc-provider/${GITHUB_OIDC_HOST}`,
                    ),
                ];
                expect(denied, `${view.bootstrapStack} ${role}`).to.deep.equal(denied.map(() => "ImplicitlyDenied"));
            }
        }
    });

    it("the deployer: the other account's named administrator roles with the ExternalId (and MFA when required)", function () {
        let asked = 0;
        for (const view of views) {
            const s = settingOf(view);
            const mfa: Record<string, string> = s.requireMfa ? { "aws:MultiFactorAuthPresent": "true" } : {};
            for (const pattern of s.admins) {
                expect(
                    asPerson(view, "deployer", adminArn(pattern), { "sts:ExternalId": s.externalId, ...mfa }),
                    `${view.bootstrapStack} ${pattern}`,
                ).to.equal("Allowed");
                asked++;
            }
        }
        expect(asked, "administrator roles configured in some stack file").to.be.greaterThan(0);
    });

    it("the deployer: no other role of that account even with MFA and the ExternalId, no wrong or missing ExternalId, no session without MFA, no third account", function () {
        for (const view of views) {
            const s = settingOf(view);
            const mfa = { "aws:MultiFactorAuthPresent": "true" };
            const admin =
                s.admins.length > 0 ? adminArn(s.admins[0]) : `arn:${view.partition}:iam::${s.otherAccount}:role/admin`;
            const denied = [
                asPerson(view, "deployer", `arn:${view.partition}:iam::${s.otherAccount}:role/engineer`, {
                    "sts:ExternalId": s.externalId,
                    ...mfa,
                }),
                asPerson(view, "deployer", admin, { "sts:ExternalId": `${s.externalId}x`, ...mfa }),
                asPerson(view, "deployer", admin, { "sts:ExternalId": s.externalId.slice(0, -1), ...mfa }),
                asPerson(view, "deployer", admin, { ...mfa }),
                asPerson(view, "deployer", admin.replace(`::${s.otherAccount}:`, `::${THIRD_ACCOUNT}:`), {
                    "sts:ExternalId": s.externalId,
                    ...mfa,
                }),
                ...(s.requireMfa
                    ? [
                          asPerson(view, "deployer", admin, {
                              "sts:ExternalId": s.externalId,
                              "aws:MultiFactorAuthPresent": "false",
                          }),
                          asPerson(view, "deployer", admin, { "sts:ExternalId": s.externalId }),
                      ]
                    : []),
            ];
            expect(denied, view.bootstrapStack).to.deep.equal(denied.map(() => "ImplicitlyDenied"));
        }
    });

    it("the previewer and the drift reader: no person, not even an administrator with the deployer's ExternalId and MFA", function () {
        for (const view of views) {
            const s = settingOf(view);
            const admin =
                s.admins.length > 0 ? adminArn(s.admins[0]) : `arn:${view.partition}:iam::${s.otherAccount}:role/admin`;
            for (const role of ["previewer", "driftReader"] as const) {
                expect(
                    asPerson(view, role, admin, {
                        "sts:ExternalId": s.externalId,
                        "aws:MultiFactorAuthPresent": "true",
                    }),
                    `${view.bootstrapStack} ${role}`,
                ).to.equal("ImplicitlyDenied");
                // One statement, one subject: nothing beyond the role's environment could be admitted by a condition this test does not try.
                const subjects = view[role].trust.Statement.map(
                    (st) => st.Condition?.StringEquals?.[`${GITHUB_OIDC_HOST}:sub`],
                );
                expect(subjects, `${view.bootstrapStack} ${role}`).to.deep.equal([
                    `repo:${s.repository}:environment:${GITHUB_ENVIRONMENTS[role]}`,
                ]);
            }
        }
    });

    it("while legacyOidcSubjects is set (the switch to environments), each role also accepts the subject its jobs presented before, and only that", function () {
        const settings: TrustSettings = {
            partition: "aws",
            otherAccountId: "222222222222",
            externalId: "x-external",
            requireMfa: true,
            githubRepository: "o/r",
            deployBranch: "main",
            otherAccountAdminRoleArns: [],
            legacyOidcSubjects: true,
            oidcProviderArn: `arn:aws:iam::111111111111:oidc-provider/${GITHUB_OIDC_HOST}`,
        };
        const subjects = (policy: ReturnType<typeof deployerTrust>) =>
            policy.Statement.flatMap((st) => st.Condition?.StringEquals?.[`${GITHUB_OIDC_HOST}:sub`] ?? []);
        expect(subjects(deployerTrust(settings))).to.deep.equal([
            "repo:o/r:environment:tracking-deploy",
            "repo:o/r:ref:refs/heads/main",
        ]);
        expect(subjects(previewerTrust(settings))).to.deep.equal([
            "repo:o/r:environment:tracking-preview",
            "repo:o/r:pull_request",
            "repo:o/r:ref:refs/heads/main",
        ]);
        expect(subjects(driftReaderTrust(settings))).to.deep.equal([
            "repo:o/r:environment:tracking-drift",
            "repo:o/r:ref:refs/heads/main",
        ]);
        const after = { ...settings, legacyOidcSubjects: false };
        expect([deployerTrust(after), previewerTrust(after), driftReaderTrust(after)].map(subjects)).to.deep.equal([
            ["repo:o/r:environment:tracking-deploy"],
            ["repo:o/r:environment:tracking-preview"],
            ["repo:o/r:environment:tracking-drift"],
        ]);
    });

    it("trusts the provider the stack creates, or the one the stack file names", function () {
        for (const view of views) {
            const configured = view.config["tracking-bootstrap:githubOidcProviderArn"];
            const created = view.bootstrap.resources.filter(
                (r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
            );
            expect(created.length, view.bootstrapStack).to.equal(configured ? 0 : 1);
            for (const provider of created) {
                expect(provider.inputs.url).to.equal(`https://${GITHUB_OIDC_HOST}`);
                expect(provider.inputs.clientIdLists).to.deep.equal([GITHUB_OIDC_AUDIENCE]);
                expect(provider.outputs.arn).to.equal(settingOf(view).provider);
            }
        }
    });
});
