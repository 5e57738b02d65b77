/**
 * Who may assume the three roles: GitHub Actions jobs of one repository, through the account's OIDC
 * provider, each role from its own GitHub environment (the job's `environment:`, which GitHub puts in
 * the token's subject); and the other account's named administrator roles with the ExternalId
 * (deployer only).
 */
import type { BootstrapConfig } from "../config";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST } from "../../shared/naming";
import {
    allowAssumeRole,
    unconditionalServiceTrust,
    type PolicyDocument,
    type PolicyStatement,
} from "../../shared/iam";

/** The bootstrap settings the trust policies admit by, and the OIDC provider they name. */
export type TrustSettings = Pick<
    BootstrapConfig,
    | "partition"
    | "otherAccountId"
    | "externalId"
    | "requireMfa"
    | "githubRepository"
    | "deployBranch"
    | "otherAccountAdminRoleArns"
    | "legacyOidcSubjects"
> & {
    readonly oidcProviderArn: string;
};

/**
 * The GitHub environment of each role's jobs. All three roles run in the same reusable workflow, so
 * neither the branch nor `job_workflow_ref` tells them apart; the environment does, and GitHub enforces
 * its protection rules (required reviewers, deployment branches) before the job gets a token.
 */
export const GITHUB_ENVIRONMENTS = {
    /** `pulumi up` on a push to the deploy branch; deployment branches: the deploy branch only. */
    deployer: "tracking-deploy",
    /** Pull-request previews; required reviewers approve each run before it gets a token. */
    previewer: "tracking-preview",
    /** The daily drift check and the deploy's bootstrap gate; deployment branches: the deploy branch only. */
    driftReader: "tracking-drift",
} as const;

/** A role's trust policy. */
export type TrustPolicy = PolicyDocument;

/** The `sub` claim of a job that declares a GitHub environment (GitHub's default subject template). */
export function environmentSubject(repository: string, environment: string): string {
    return `repo:${repository}:environment:${environment}`;
}

/** The `sub` claim of a push workflow on a branch, without an environment. */
export function branchSubject(repository: string, branch: string): string {
    return `repo:${repository}:ref:refs/heads/${branch}`;
}

/** The `sub` claim of a pull_request workflow, without an environment. */
export function pullRequestSubject(repository: string): string {
    return `repo:${repository}:pull_request`;
}

function githubStatement(sid: string, settings: TrustSettings, subjects: string[]): PolicyStatement {
    return allowAssumeRole(sid, { Federated: settings.oidcProviderArn }, "sts:AssumeRoleWithWebIdentity", {
        // StringEquals, not StringLike: each subject is matched exactly, wildcards would be literal.
        StringEquals: {
            [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
            [`${GITHUB_OIDC_HOST}:sub`]: subjects.length === 1 ? subjects[0] : subjects,
        },
    });
}

/** The role's environment subject, and while `legacyOidcSubjects` is set, the subjects its jobs presented before environments. */
function subjectsOf(settings: TrustSettings, environment: string, legacy: string[]): string[] {
    return [environmentSubject(settings.githubRepository, environment), ...(settings.legacyOidcSubjects ? legacy : [])];
}

export function deployerTrust(settings: TrustSettings): TrustPolicy {
    const github = githubStatement(
        "GitHubDeployEnvironment",
        settings,
        subjectsOf(settings, GITHUB_ENVIRONMENTS.deployer, [
            branchSubject(settings.githubRepository, settings.deployBranch),
        ]),
    );
    if (settings.otherAccountAdminRoleArns.length === 0) return { Version: "2012-10-17", Statement: [github] };
    // The named administrator roles only, not any session of the account that has MFA.
    const people = allowAssumeRole(
        "AdministratorsOfOtherAccount",
        { AWS: `arn:${settings.partition}:iam::${settings.otherAccountId}:root` },
        "sts:AssumeRole",
        {
            StringEquals: { "sts:ExternalId": settings.externalId },
            ArnLike: { "aws:PrincipalArn": [...settings.otherAccountAdminRoleArns] },
            ...(settings.requireMfa ? { Bool: { "aws:MultiFactorAuthPresent": "true" } } : {}),
        },
    );
    return { Version: "2012-10-17", Statement: [github, people] };
}

/**
 * Pull-request previews, from the reviewed environment only: every preview decrypts the stack's state
 * with the backend's key, so no token a pull request gets without a reviewer's approval may assume it.
 */
export function previewerTrust(settings: TrustSettings): TrustPolicy {
    const legacy = [
        pullRequestSubject(settings.githubRepository),
        branchSubject(settings.githubRepository, settings.deployBranch),
    ];
    return {
        Version: "2012-10-17",
        Statement: [
            githubStatement(
                "GitHubPreviewEnvironment",
                settings,
                subjectsOf(settings, GITHUB_ENVIRONMENTS.previewer, legacy),
            ),
        ],
    };
}

/**
 * The scheduled drift check, and the bootstrap gate of the deploy workflow (a refreshing preview of the
 * bootstrap stacks that must find no change), both on the deploy branch. Never a pull request: it must
 * not reach the refresh-only reads (scripts, the sandbox's secret, the API key). No person either.
 */
export function driftReaderTrust(settings: TrustSettings): TrustPolicy {
    return {
        Version: "2012-10-17",
        Statement: [
            githubStatement(
                "GitHubDriftEnvironment",
                settings,
                subjectsOf(settings, GITHUB_ENVIRONMENTS.driftReader, [
                    branchSubject(settings.githubRepository, settings.deployBranch),
                ]),
            ),
        ],
    };
}

/** API Gateway's account-level CloudWatch role. */
export function apiGatewayLogsTrust(): TrustPolicy {
    const reason =
        "API Gateway's documentation for this role shows no aws:SourceAccount/aws:SourceArn condition; one on a key the service does not send would lock it out of logging";
    return {
        Version: "2012-10-17",
        Statement: [unconditionalServiceTrust("apigateway.amazonaws.com", reason, "ApiGateway")],
    };
}
