import { expect } from "chai";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST } from "../../bootstrap/names";
import { AccountView, accounts } from "./support/plans";
import { Decision, decideAssume, IdentityPolicy } from "./support/simulate";

/**
 * Who may assume the planned roles, decided by iam-simulate over the planned trust policies: GitHub
 * Actions of the configured repository (deploy branch -> deployer; pull requests and the deploy branch's
 * bootstrap preview -> previewer; the deploy branch's scheduled drift check -> drift reader), people of
 * the other account with the ExternalId (and MFA, deployer only); nobody else.
 */

const THIRD_ACCOUNT = "999999999999";

/** A person's own account lets them call sts:AssumeRole; the trust policy is what is being tested. */
const mayAssumeRoles: IdentityPolicy[] = [
    { name: "may-assume-roles", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" }] } },
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
    };
}

type Role = "deployer" | "previewer" | "driftReader";

describe("bootstrap: who may assume the deployer, the previewer and the drift reader", function () {
    let views: AccountView[];

    before(async function () {
        views = await accounts();
    });

    function viaGitHub(view: AccountView, role: Role, sub: string, aud?: string, provider?: string): Decision {
        const target = view[role];
        const principal = provider ?? settingOf(view).provider;
        return decideAssume({ principal, action: "sts:AssumeRoleWithWebIdentity", resource: target.arn, resourceAccount: view.account, context: claims(sub, aud) }, target.trust);
    }

    function asPerson(view: AccountView, role: Role, account: string, context: Record<string, string>): Decision {
        const target = view[role];
        const principal = `arn:${view.partition}:iam::${account}:role/engineer`;
        return decideAssume({ principal, action: "sts:AssumeRole", resource: target.arn, resourceAccount: view.account, context }, target.trust, mayAssumeRoles);
    }

    it("the deployer: pushes to the deploy branch of the repository, through this account's GitHub provider", function () {
        for (const view of views) {
            const s = settingOf(view);
            expect(viaGitHub(view, "deployer", `repo:${s.repository}:ref:refs/heads/${s.branch}`), view.bootstrapStack).to.equal("Allowed");
        }
    });

    it("the deployer: not another branch, another repository, a pull request, a tag, another audience or another provider", function () {
        for (const view of views) {
            const s = settingOf(view);
            const [owner, repo] = s.repository.split("/");
            const denied = [
                viaGitHub(view, "deployer", `repo:${s.repository}:ref:refs/heads/${s.branch}-hotfix`),
                viaGitHub(view, "deployer", `repo:${s.repository}:ref:refs/heads/feature/x`),
                viaGitHub(view, "deployer", `repo:${owner}/${repo}-fork:ref:refs/heads/${s.branch}`),
                viaGitHub(view, "deployer", `repo:someone-else/${repo}:ref:refs/heads/${s.branch}`),
                viaGitHub(view, "deployer", `repo:${s.repository}:pull_request`),
                viaGitHub(view, "deployer", `repo:${s.repository}:ref:refs/tags/v1`),
                viaGitHub(view, "deployer", `repo:${s.repository}:environment:production`),
                viaGitHub(view, "deployer", `repo:${s.repository}:ref:refs/heads/${s.branch}`, "api://other-audience"),
                viaGitHub(view, "deployer", `repo:${s.repository}:ref:refs/heads/${s.branch}`, undefined, `arn:${view.partition}:iam::${THIRD_ACCOUNT}:oidc-provider/${GITHUB_OIDC_HOST}`),
            ];
            expect(denied, view.bootstrapStack).to.deep.equal(denied.map(() => "ImplicitlyDenied"));
        }
    });

    it("the deployer: a person of the other account with the ExternalId (and MFA when required)", function () {
        for (const view of views) {
            const s = settingOf(view);
            const mfa: Record<string, string> = s.requireMfa ? { "aws:MultiFactorAuthPresent": "true" } : {};
            expect(asPerson(view, "deployer", s.otherAccount, { "sts:ExternalId": s.externalId, ...mfa }), view.bootstrapStack).to.equal("Allowed");
        }
    });

    it("the deployer: not with a wrong or missing ExternalId, without MFA, or from a third account", function () {
        for (const view of views) {
            const s = settingOf(view);
            const mfa = { "aws:MultiFactorAuthPresent": "true" };
            const denied = [
                asPerson(view, "deployer", s.otherAccount, { "sts:ExternalId": `${s.externalId}x`, ...mfa }),
                asPerson(view, "deployer", s.otherAccount, { "sts:ExternalId": s.externalId.slice(0, -1), ...mfa }),
                asPerson(view, "deployer", s.otherAccount, { ...mfa }),
                asPerson(view, "deployer", THIRD_ACCOUNT, { "sts:ExternalId": s.externalId, ...mfa }),
                ...(s.requireMfa ? [asPerson(view, "deployer", s.otherAccount, { "sts:ExternalId": s.externalId, "aws:MultiFactorAuthPresent": "false" }), asPerson(view, "deployer", s.otherAccount, { "sts:ExternalId": s.externalId })] : []),
            ];
            expect(denied, view.bootstrapStack).to.deep.equal(denied.map(() => "ImplicitlyDenied"));
        }
    });

    it("the previewer: pull requests of the repository, and the deploy branch's bootstrap preview (deploy.yml)", function () {
        for (const view of views) {
            const s = settingOf(view);
            const [owner, repo] = s.repository.split("/");
            expect(viaGitHub(view, "previewer", `repo:${s.repository}:pull_request`), view.bootstrapStack).to.equal("Allowed");
            expect(viaGitHub(view, "previewer", `repo:${s.repository}:ref:refs/heads/${s.branch}`), view.bootstrapStack).to.equal("Allowed");
            const denied = [
                viaGitHub(view, "previewer", `repo:${owner}/${repo}-fork:pull_request`),
                viaGitHub(view, "previewer", `repo:someone-else/${repo}:pull_request`),
                viaGitHub(view, "previewer", `repo:${s.repository}:ref:refs/heads/feature/x`),
                viaGitHub(view, "previewer", `repo:${s.repository}:environment:production`),
                viaGitHub(view, "previewer", `repo:${s.repository}:pull_request`, "api://other-audience"),
                asPerson(view, "previewer", s.otherAccount, { "sts:ExternalId": s.externalId, "aws:MultiFactorAuthPresent": "true" }),
            ];
            expect(denied, view.bootstrapStack).to.deep.equal(denied.map(() => "ImplicitlyDenied"));
        }
    });

    it("the drift reader: the deploy branch's subject (what its scheduled drift check presents), and nothing else", function () {
        for (const view of views) {
            const s = settingOf(view);
            const [owner, repo] = s.repository.split("/");
            expect(viaGitHub(view, "driftReader", `repo:${s.repository}:ref:refs/heads/${s.branch}`), view.bootstrapStack).to.equal("Allowed");
            const denied = [
                // Never a pull request: it must not reach the scripts or the sandbox's secret.
                viaGitHub(view, "driftReader", `repo:${s.repository}:pull_request`),
                viaGitHub(view, "driftReader", `repo:${s.repository}:ref:refs/heads/${s.branch}-hotfix`),
                viaGitHub(view, "driftReader", `repo:${s.repository}:ref:refs/heads/feature/x`),
                viaGitHub(view, "driftReader", `repo:${s.repository}:ref:refs/tags/v1`),
                viaGitHub(view, "driftReader", `repo:${s.repository}:environment:production`),
                viaGitHub(view, "driftReader", `repo:${owner}/${repo}-fork:ref:refs/heads/${s.branch}`),
                viaGitHub(view, "driftReader", `repo:someone-else/${repo}:ref:refs/heads/${s.branch}`),
                viaGitHub(view, "driftReader", `repo:${s.repository}:ref:refs/heads/${s.branch}`, "api://other-audience"),
                viaGitHub(view, "driftReader", `repo:${s.repository}:ref:refs/heads/${s.branch}`, undefined, `arn:${view.partition}:iam::${THIRD_ACCOUNT}:oidc-provider/${GITHUB_OIDC_HOST}`),
                // No person, not even with the deployer's ExternalId and MFA.
                asPerson(view, "driftReader", s.otherAccount, { "sts:ExternalId": s.externalId, "aws:MultiFactorAuthPresent": "true" }),
                asPerson(view, "driftReader", view.account, { "sts:ExternalId": s.externalId, "aws:MultiFactorAuthPresent": "true" }),
            ];
            expect(denied, view.bootstrapStack).to.deep.equal(denied.map(() => "ImplicitlyDenied"));
            // One statement, one subject: nothing beyond the deploy branch could be admitted by a condition this test does not try.
            const statements = view.driftReader.trust.Statement;
            expect(statements.map((st) => st.Condition?.StringEquals?.[`${GITHUB_OIDC_HOST}:sub`]), view.bootstrapStack).to.deep.equal([`repo:${s.repository}:ref:refs/heads/${s.branch}`]);
        }
    });

    it("trusts the provider the stack creates, or the one the stack file names", function () {
        for (const view of views) {
            const configured = view.config["tracking-bootstrap:githubOidcProviderArn"];
            const created = view.bootstrap.resources.filter((r) => r.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
            expect(created.length, view.bootstrapStack).to.equal(configured ? 0 : 1);
            for (const provider of created) {
                expect(provider.inputs.url).to.equal(`https://${GITHUB_OIDC_HOST}`);
                expect(provider.inputs.clientIdLists).to.deep.equal([GITHUB_OIDC_AUDIENCE]);
                expect(provider.outputs.arn).to.equal(settingOf(view).provider);
            }
        }
    });
});
