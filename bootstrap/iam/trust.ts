/**
 * Who may assume the three roles: GitHub Actions of one repository through the account's OIDC provider
 * (the deploy branch for the deployer; pull requests and the deploy branch's bootstrap preview for the
 * previewer; the deploy branch's scheduled drift check for the drift reader), and people of the other
 * account with the ExternalId (deployer only).
 */
import type { BootstrapConfig } from "../config";
import { GITHUB_OIDC_AUDIENCE, GITHUB_OIDC_HOST } from "../names";

/** The bootstrap settings the trust policies admit by, and the OIDC provider they name. */
export type TrustSettings = Pick<BootstrapConfig, "partition" | "otherAccountId" | "externalId" | "requireMfa" | "githubRepository" | "deployBranch"> & {
    readonly oidcProviderArn: string;
};

interface TrustStatement {
    readonly Sid: string;
    readonly Effect: "Allow";
    readonly Principal: { readonly Federated: string } | { readonly AWS: string } | { readonly Service: string };
    readonly Action: string;
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface TrustPolicy {
    readonly Version: "2012-10-17";
    readonly Statement: readonly TrustStatement[];
}

/** The `sub` claim of a push workflow on a branch (GitHub's OIDC subject format). */
export function branchSubject(repository: string, branch: string): string {
    return `repo:${repository}:ref:refs/heads/${branch}`;
}

/** The `sub` claim of a pull_request workflow. */
export function pullRequestSubject(repository: string): string {
    return `repo:${repository}:pull_request`;
}

function githubStatement(sid: string, settings: TrustSettings, subjects: string[]): TrustStatement {
    return {
        Sid: sid,
        Effect: "Allow",
        Principal: { Federated: settings.oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
            // StringEquals, not StringLike: each subject is matched exactly, wildcards would be literal.
            StringEquals: {
                [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
                [`${GITHUB_OIDC_HOST}:sub`]: subjects.length === 1 ? subjects[0] : subjects,
            },
        },
    };
}

export function deployerTrust(settings: TrustSettings): TrustPolicy {
    const people: TrustStatement = {
        Sid: "PeopleOfOtherAccount",
        Effect: "Allow",
        Principal: { AWS: `arn:${settings.partition}:iam::${settings.otherAccountId}:root` },
        Action: "sts:AssumeRole",
        Condition: {
            StringEquals: { "sts:ExternalId": settings.externalId },
            ...(settings.requireMfa ? { Bool: { "aws:MultiFactorAuthPresent": "true" } } : {}),
        },
    };
    return { Version: "2012-10-17", Statement: [githubStatement("GitHubDeployBranch", settings, [branchSubject(settings.githubRepository, settings.deployBranch)]), people] };
}

/**
 * Pull requests preview their change; a push to the deploy branch previews the bootstrap stacks (which CI
 * never applies, see deploy.yml). Both only read, so both use the previewer.
 */
export function previewerTrust(settings: TrustSettings): TrustPolicy {
    const subjects = [pullRequestSubject(settings.githubRepository), branchSubject(settings.githubRepository, settings.deployBranch)];
    return { Version: "2012-10-17", Statement: [githubStatement("GitHubPreviews", settings, subjects)] };
}

/**
 * The scheduled drift check runs on the deploy branch, whose workflows present the branch's subject
 * (`schedule` and `workflow_dispatch` events carry the ref they run on). Never a pull request's subject:
 * a pull request must not reach the refresh-only reads (scripts, the sandbox's secret). No person either.
 */
export function driftReaderTrust(settings: TrustSettings): TrustPolicy {
    return { Version: "2012-10-17", Statement: [githubStatement("GitHubDriftCheck", settings, [branchSubject(settings.githubRepository, settings.deployBranch)])] };
}

/** API Gateway's account-level CloudWatch role. */
export function apiGatewayLogsTrust(): TrustPolicy {
    // API Gateway's documentation for this role shows no aws:SourceAccount/aws:SourceArn condition, and a
    // positive condition on a key the service does not send would lock it out of logging (aws-facts).
    return { Version: "2012-10-17", Statement: [{ Sid: "ApiGateway", Effect: "Allow", Principal: { Service: "apigateway.amazonaws.com" }, Action: "sts:AssumeRole" }] };
}
