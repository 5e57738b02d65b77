/**
 * Names of what the bootstrap itself creates. They share the project's `tracking-` prefix but never the
 * `tracking-<stack>-` prefixes the deployer may manage: `deployer`, `previewer`, `drift`, `workload`,
 * `state` and `apigateway` are refused as stack names (see config.ts), so no deployer permission scoped
 * to `tracking-<stack>-*` can ever reach the bootstrap's own roles, policies, bucket or key.
 */
import { DEPLOYER_ROLE_NAME, DRIFT_READER_ROLE_NAME, GLUE_SCRIPT_FOLDER, NAME_PREFIX, PREVIEWER_ROLE_NAME } from "../shared/naming";

/** Second name segments the bootstrap uses; a stack of one of these names would overlap them. */
export const RESERVED_STACK_NAMES = ["deployer", "previewer", "drift", "workload", "state", "apigateway"] as const;

export { DEPLOYER_ROLE_NAME, DRIFT_READER_ROLE_NAME, PREVIEWER_ROLE_NAME };

/** Managed policies holding the deployer's permissions: `tracking-deployer-1`, `-2`, ... */
export function deployerPolicyName(index: number): string {
    return `${DEPLOYER_ROLE_NAME}-${index}`;
}

/** Managed policies holding the previewer's permissions. */
export function previewerPolicyName(index: number): string {
    return `${PREVIEWER_ROLE_NAME}-${index}`;
}

/** Managed policies holding the drift reader's permissions. */
export function driftReaderPolicyName(index: number): string {
    return `${DRIFT_READER_ROLE_NAME}-${index}`;
}

/**
 * The permissions boundary every role of the pipeline stacks must carry: the deployer may create roles
 * only with it, so a role it creates can never hold more than the workloads need.
 */
export const WORKLOAD_BOUNDARY_NAME = `${NAME_PREFIX}-workload-boundary`;

/** The boundary's ARN, for a pipeline stack's roles: `permissionsBoundary: workloadBoundaryArn(...)`. */
export function workloadBoundaryArn(partition: string, account: string): string {
    return `arn:${partition}:iam::${account}:policy/${WORKLOAD_BOUNDARY_NAME}`;
}

/** The account-level role API Gateway uses to write execution and access logs (engineering account). */
export const APIGATEWAY_LOGS_ROLE_NAME = `${NAME_PREFIX}-apigateway-cloudwatch-logs`;

/** The tag the pipeline stacks put on every resource (provider default tags): its value is the stack name. */
export const STACK_TAG_KEY = `${NAME_PREFIX}:stack`;

/**
 * The self-managed Pulumi backend's bucket. Account and region make the globally unique name predictable,
 * so the other account's bootstrap can grant access to it without a stack reference.
 */
export function stateBucketName(account: string, region: string): string {
    return `${NAME_PREFIX}-state-${account}-${region}`;
}

/** Alias of the KMS key for the state bucket and Pulumi's `awskms://` secrets provider. */
export const STATE_KEY_ALIAS = `alias/${NAME_PREFIX}-state`;

/** `pulumi login` URL of the shared backend. */
export function stateBackendUrl(account: string, region: string): string {
    return `s3://${stateBucketName(account, region)}?region=${region}`;
}

/** `--secrets-provider` URL: the alias ARN, which works from the other account (an alias name does not). */
export function secretsProviderUrl(partition: string, account: string, region: string): string {
    return `awskms://arn:${partition}:kms:${region}:${account}:${STATE_KEY_ALIAS}?region=${region}`;
}

/** Object prefix of the Pulumi DIY backend inside the state bucket. */
export const STATE_OBJECT_PREFIX = ".pulumi/";
/** Where the DIY backend keeps the lock every operation (previews included) takes on its stack. */
export const STATE_LOCK_PREFIX = `${STATE_OBJECT_PREFIX}locks/`;

/**
 * The object prefixes a deploy of one Pulumi project writes in the DIY backend (project-scoped layout):
 * its stacks' checkpoints, their history and backups, and their locks. The bootstrap's own state
 * (`tracking-bootstrap`) is under none of a pipeline project's prefixes: only administrators write it.
 */
export function stateWritePrefixes(project: string): string[] {
    return [`${STATE_OBJECT_PREFIX}stacks/${project}/`, `${STATE_OBJECT_PREFIX}history/${project}/`, `${STATE_OBJECT_PREFIX}backups/${project}/`, `${STATE_LOCK_PREFIX}organization/${project}/`];
}

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

/**
 * What the data-platform stack names, that a refresh must read and the bootstrap cannot ask it for (it
 * is deployed first): its Glue bucket, `tracking-<stack>-glue-<account>-<region>` (data-platform/
 * index.ts), whose `scripts/` folder holds the Glue job script (shared/glue-job-script.ts,
 * `GLUE_SCRIPT_FOLDER`; the uploaded object, not the TempDir beside it). `namePrefix` is the stack's
 * `tracking-<stack>-`. tests/bootstrap/drift-reader.test.ts checks the name against the planned
 * data-platform stack, so a rename there fails here rather than in the drift check.
 */
export function glueBucketName(namePrefix: string, account: string, region: string): string {
    return `${namePrefix}glue-${account}-${region}`;
}
/** The Glue bucket folder of the job script, as the data-platform stack uploads it. */
export const GLUE_SCRIPTS_PREFIX = GLUE_SCRIPT_FOLDER;
/** What Redshift's managed admin secret of the stack's sandbox namespace (`<namePrefix>sandbox`) starts with. */
export function redshiftManagedSecretPrefix(namePrefix: string): string {
    return `redshift!${namePrefix}sandbox-`;
}
