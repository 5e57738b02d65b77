import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AccountRole } from "../config";
import { renderDocument } from "../../shared/iam";
import { workloadBoundary } from "../iam/boundary";
import { deployerPolicies, driftReaderPolicies, previewerPolicies } from "../iam/policies";
import type { Scope } from "../iam/scope";
import { deployerTrust, driftReaderTrust, GITHUB_ENVIRONMENTS, previewerTrust, TrustSettings } from "../iam/trust";
import {
    DEPLOYER_ROLE_NAME,
    deployerPolicyName,
    DRIFT_READER_ROLE_NAME,
    driftReaderPolicyName,
    GITHUB_OIDC_AUDIENCE,
    GITHUB_OIDC_HOST,
    PREVIEWER_ROLE_NAME,
    previewerPolicyName,
    WORKLOAD_BOUNDARY_NAME,
} from "../../shared/naming";

export interface DeployIdentitiesArgs {
    /** Which account's stacks the deployer manages. */
    readonly accountRole: AccountRole;
    /** Account, region, hosted stacks and backend the permissions are scoped to. */
    readonly scope: Scope;
    /** Repository, branch, other account and ExternalId the trust policies admit. */
    readonly trust: Omit<TrustSettings, "oidcProviderArn" | "partition">;
    /**
     * An existing GitHub OIDC provider of this account; when absent one is created (IAM allows one
     * provider per URL per account, so a second bootstrap in the same account must reuse the first's).
     */
    readonly existingOidcProviderArn?: string;
}

/**
 * The identities that deploy the pipeline stacks of one account: GitHub's OIDC provider, the deployer
 * role (jobs of the deploy environment, and the other account's named administrators with the
 * ExternalId), the read-only previewer role (jobs of the reviewed preview environment), the read-only
 * drift reader role (jobs of the drift environment: the previewer's reads plus what only a refresh
 * reads), and the permissions boundary every role the deployer creates must carry.
 *
 * Args are plain values, not Inputs: every document here is computed from configuration alone, so the
 * plan (and `pulumi preview`) shows each policy in full before it exists.
 */
export class DeployIdentities extends pulumi.ComponentResource {
    readonly oidcProviderArn: string;
    readonly deployerRole: aws.iam.Role;
    readonly previewerRole: aws.iam.Role;
    readonly driftReaderRole: aws.iam.Role;
    readonly workloadBoundary: aws.iam.Policy;

    constructor(name: string, args: DeployIdentitiesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:bootstrap:DeployIdentities", name, {}, opts);
        const { scope } = args;

        // The provider's ARN is fixed by its URL, so the trust policies can be plain strings either way.
        let provider: aws.iam.OpenIdConnectProvider | undefined;
        if (args.existingOidcProviderArn !== undefined) {
            this.oidcProviderArn = args.existingOidcProviderArn;
        } else {
            provider = new aws.iam.OpenIdConnectProvider(
                `${name}-github`,
                {
                    url: `https://${GITHUB_OIDC_HOST}`,
                    clientIdLists: [GITHUB_OIDC_AUDIENCE],
                    // No thumbprints: IAM validates GitHub's certificate against its own trusted CAs.
                },
                { parent: this },
            );
            this.oidcProviderArn = `arn:${scope.partition}:iam::${scope.account}:oidc-provider/${GITHUB_OIDC_HOST}`;
        }
        const trust: TrustSettings = {
            ...args.trust,
            partition: scope.partition,
            oidcProviderArn: this.oidcProviderArn,
        };
        const afterProvider = provider ? [provider] : [];

        this.workloadBoundary = new aws.iam.Policy(
            `${name}-workload-boundary`,
            {
                name: WORKLOAD_BOUNDARY_NAME,
                description: "Permissions boundary of every role the tracking pipeline stacks create",
                policy: renderDocument(workloadBoundary(scope, args.accountRole)),
            },
            { parent: this },
        );

        this.deployerRole = new aws.iam.Role(
            `${name}-deployer`,
            {
                name: DEPLOYER_ROLE_NAME,
                description: `Deploys the tracking ${args.accountRole} stacks (${scope.stacks.join(", ")}): CI environment ${GITHUB_ENVIRONMENTS.deployer}, administrators of ${args.trust.otherAccountId} with the ExternalId`,
                assumeRolePolicy: renderDocument(deployerTrust(trust)),
                maxSessionDuration: 3600,
            },
            { parent: this, dependsOn: afterProvider },
        );
        this.attachPolicies(
            `${name}-deployer`,
            this.deployerRole,
            deployerPolicies(args.accountRole, scope).map(renderDocument),
            deployerPolicyName,
            "deployer",
        );

        this.previewerRole = new aws.iam.Role(
            `${name}-previewer`,
            {
                name: PREVIEWER_ROLE_NAME,
                description: `Read-only previews of the tracking ${args.accountRole} stacks from reviewed pull requests (CI environment ${GITHUB_ENVIRONMENTS.previewer})`,
                assumeRolePolicy: renderDocument(previewerTrust(trust)),
                maxSessionDuration: 3600,
            },
            { parent: this, dependsOn: afterProvider },
        );
        this.attachPolicies(
            `${name}-previewer`,
            this.previewerRole,
            previewerPolicies(args.accountRole, scope).map(renderDocument),
            previewerPolicyName,
            "previewer",
        );

        this.driftReaderRole = new aws.iam.Role(
            `${name}-drift-reader`,
            {
                name: DRIFT_READER_ROLE_NAME,
                description: `Read-only drift checks (preview --refresh) of the tracking ${args.accountRole} stacks (CI environment ${GITHUB_ENVIRONMENTS.driftReader})`,
                assumeRolePolicy: renderDocument(driftReaderTrust(trust)),
                maxSessionDuration: 3600,
            },
            { parent: this, dependsOn: afterProvider },
        );
        this.attachPolicies(
            `${name}-drift-reader`,
            this.driftReaderRole,
            driftReaderPolicies(args.accountRole, scope).map(renderDocument),
            driftReaderPolicyName,
            "drift reader",
        );

        this.registerOutputs({
            oidcProviderArn: this.oidcProviderArn,
            deployerRoleArn: this.deployerRole.arn,
            previewerRoleArn: this.previewerRole.arn,
            driftReaderRoleArn: this.driftReaderRole.arn,
            workloadBoundaryArn: this.workloadBoundary.arn,
        });
    }

    private attachPolicies(
        prefix: string,
        role: aws.iam.Role,
        documents: string[],
        policyName: (index: number) => string,
        what: string,
    ): void {
        documents.forEach((policy, i) => {
            const index = i + 1;
            const managed = new aws.iam.Policy(
                `${prefix}-${index}`,
                {
                    name: policyName(index),
                    description: `Tracking ${what} permissions, part ${index} of ${documents.length}`,
                    policy,
                },
                { parent: this },
            );
            new aws.iam.RolePolicyAttachment(
                `${prefix}-${index}`,
                { role: role.name, policyArn: managed.arn },
                { parent: this },
            );
        });
    }
}
