/**
 * The bootstrap program: deployed once per AWS account (stacks `engineering` and `data-platform`), with
 * an administrator's own credentials the first time, before either pipeline project. It creates what
 * deploys those projects and nothing they create themselves. See README.md, "Deploying for real".
 */
import { readBootstrapConfig } from "./config";
import { ApiGatewayAccountLogging } from "./components/apigateway-logging";
import { DeployIdentities } from "./components/deploy-identities";
import { StateBackend } from "./components/state-backend";
import { PIPELINE_PROJECTS } from "./iam/tables/common";
import type { Scope } from "./iam/scope";
import { secretsProviderUrl, stateBackendUrl, stateBucketName } from "../shared/naming";

const config = readBootstrapConfig();

const scope: Scope = {
    partition: config.partition,
    region: config.region,
    account: config.accountId,
    otherAccount: config.otherAccountId,
    stacks: config.stackNames,
    ...(config.stateAccountId !== undefined ? { stateAccount: config.stateAccountId } : {}),
    ...(config.hostedZoneId !== undefined ? { hostedZoneId: config.hostedZoneId } : {}),
    ...(config.customDomainName !== undefined ? { customDomainName: config.customDomainName } : {}),
    ...(config.existingRedshift !== undefined ? { existingRedshift: config.existingRedshift } : {}),
};

const identities = new DeployIdentities(config.accountRole, {
    accountRole: config.accountRole,
    scope,
    trust: {
        otherAccountId: config.otherAccountId,
        externalId: config.externalId,
        requireMfa: config.requireMfa,
        githubRepository: config.githubRepository,
        deployBranch: config.deployBranch,
        otherAccountAdminRoleArns: config.otherAccountAdminRoleArns,
        legacyOidcSubjects: config.legacyOidcSubjects,
    },
    ...(config.githubOidcProviderArn !== undefined ? { existingOidcProviderArn: config.githubOidcProviderArn } : {}),
});

const backend = config.stateBackend
    ? new StateBackend("pulumi-state", {
          partition: config.partition,
          region: config.region,
          account: config.accountId,
          otherAccount: config.otherAccountId,
          otherAccountAdminRoleArns: config.otherAccountAdminRoleArns,
          otherAccountProject:
              PIPELINE_PROJECTS[config.accountRole === "engineering" ? "data-platform" : "engineering"],
      })
    : undefined;

const apiLogging =
    config.accountRole === "engineering" ? new ApiGatewayAccountLogging("apigateway-account", { scope }) : undefined;

/**
 * The stack's outputs; a key that does not apply to this account is left out rather than exported as
 * undefined. Both accounts export the shared backend they use (`pulumi login`, `--secrets-provider`).
 */
const outputs: Record<string, unknown> = {
    accountRole: config.accountRole,
    deployerRoleArn: identities.deployerRole.arn,
    previewerRoleArn: identities.previewerRole.arn,
    driftReaderRoleArn: identities.driftReaderRole.arn,
    githubOidcProviderArn: identities.oidcProviderArn,
    // Every role of the pipeline stacks sets this as its `permissionsBoundary`.
    workloadBoundaryArn: identities.workloadBoundary.arn,
    // What people of the other account pass to `aws sts assume-role` (not a secret; see config.ts).
    externalId: config.externalId,
};
if (config.stateAccountId !== undefined) {
    outputs.stateBucket = stateBucketName(config.stateAccountId, config.region);
    outputs.stateBackendUrl = stateBackendUrl(config.stateAccountId, config.region);
    outputs.secretsProvider = secretsProviderUrl(config.partition, config.stateAccountId, config.region);
}
if (backend !== undefined) outputs.stateKeyArn = backend.key.arn;
if (apiLogging !== undefined) outputs.apiGatewayCloudWatchRoleArn = apiLogging.role.arn;

export = outputs;
