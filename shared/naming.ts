/**
 * Every AWS name this project creates starts with `tracking-<stack>-`, so the bootstrap's deployer
 * roles can be scoped to that prefix and two stacks in one account never collide. Names that another
 * account must know before this stack exists (the Firehose roles, the deployer roles) are deterministic
 * and built here only, so both sides derive the same ARN without a StackReference.
 */
export const NAME_PREFIX = "tracking";

/** `tracking-<stack>-<part>-<part>...`, e.g. `tracking-dev-user-events-firehose`. */
export function resourceName(stack: string, ...parts: string[]): string {
    return [NAME_PREFIX, stack, ...parts].join("-");
}

/** `tracking-<stack>-`: what every name of the stack starts with. */
export function stackPrefix(stack: string): string {
    return `${resourceName(stack)}-`;
}

/** The IAM role the bootstrap creates in each account for `pulumi up` (CI through OIDC, people through ExternalId). */
export const DEPLOYER_ROLE_NAME = `${NAME_PREFIX}-deployer`;
/** The read-only IAM role the bootstrap creates in each account for `pulumi preview` on pull requests. */
export const PREVIEWER_ROLE_NAME = `${NAME_PREFIX}-previewer`;
/**
 * The read-only IAM role the bootstrap creates in each account for the scheduled drift check
 * (`pulumi preview --refresh`): the previewer's reads plus the few reads only a refresh makes.
 */
export const DRIFT_READER_ROLE_NAME = `${NAME_PREFIX}-drift-reader`;

export function partitionOfRegion(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
}

export function roleArn(partition: string, account: string, roleName: string): string {
    return `arn:${partition}:iam::${account}:role/${roleName}`;
}

/** The engineering-account role a pipeline's Firehose assumes; pinned so data-platform can grant it first. */
export function firehoseRoleName(stack: string, pipeline: string): string {
    return resourceName(stack, pipeline, "firehose");
}

/** A pipeline's Glue load job role in the data-platform account; with `"*"`, the stack's pattern. */
export function glueJobRoleName(stack: string, pipeline: string): string {
    return resourceName(stack, pipeline, "glue-job");
}

/** A pipeline's crawler role (S3 and JDBC crawlers) in the data-platform account; with `"*"`, the stack's pattern. */
export function crawlerRoleName(stack: string, pipeline: string): string {
    return resourceName(stack, pipeline, "crawler");
}

/**
 * A streaming pipeline's reader role in the engineering account, which the data-platform account's Redshift
 * chains to; with `"*"`, the stack's pattern. Pinned so both stacks derive it without a StackReference.
 */
export function streamReaderRoleName(stack: string, pipeline: string): string {
    return resourceName(stack, pipeline, "stream-reader");
}

/** The data-platform account's role Redshift assumes for streaming ingestion (one per stack). */
export function redshiftStreamingRoleName(stack: string): string {
    return resourceName(stack, "redshift-streaming");
}

/**
 * The CloudWatch namespace of the load jobs' own metrics (`BadRows`, `TruncatedValues`): the job publishes
 * into it (its `--metrics_namespace` argument), the bad-rows alarm watches it, and IAM allows exactly it.
 */
export const LOAD_METRICS_NAMESPACE = "Tracking/Load";

/** Folder of the Glue bucket holding the job script (shared/glue-job-script.ts); the drift reader may read it. */
export const GLUE_SCRIPT_FOLDER = "scripts/";

/** Second name segments the bootstrap uses (`tracking-deployer`, ...): refused as stack names, so no
 * `tracking-<stack>-*` permission can reach the bootstrap's own roles, policies, bucket or key. */
export const RESERVED_STACK_NAMES = ["deployer", "previewer", "drift", "workload", "state", "apigateway"] as const;

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
    return [
        `${STATE_OBJECT_PREFIX}stacks/${project}/`,
        `${STATE_OBJECT_PREFIX}history/${project}/`,
        `${STATE_OBJECT_PREFIX}backups/${project}/`,
        `${STATE_LOCK_PREFIX}organization/${project}/`,
    ];
}

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

/**
 * A data-platform bucket: `tracking-<stack>-<purpose>-<account>-<region>` (bucket names are global; account
 * and region make them unique and predictable). `stackPrefix` is the stack's `tracking-<stack>-`, or a
 * pattern of it (`tracking-*-`).
 */
export function stackBucketName(stackPrefix: string, purpose: string, account: string, region: string): string {
    return `${stackPrefix}${purpose}-${account}-${region}`;
}

/** The data-platform stack's Glue bucket, whose `scripts/` folder the drift reader reads (the bootstrap cannot ask the stack for it). */
export function glueBucketName(stackPrefix: string, account: string, region: string): string {
    return stackBucketName(stackPrefix, "glue", account, region);
}

/** The Redshift Serverless sandbox's namespace and workgroup: `tracking-<stack>-sandbox`. */
export function sandboxName(stackPrefix: string): string {
    return `${stackPrefix}sandbox`;
}

/** What the sandbox's Redshift-managed admin secret is named with: Redshift names it `redshift!<namespace>-<admin user>`. */
export function sandboxSecretPrefix(stackPrefix: string): string {
    return `redshift!${sandboxName(stackPrefix)}-`;
}

/** The physical names of one pipeline's resources in both accounts, derived here only. */
export interface PipelineNames {
    /** The Kinesis stream (engineering). */
    readonly streamName: string;
    /** The Firehose into the landing bucket, and the raw backup's. */
    readonly deliveryStreamName: string;
    readonly rawDeliveryStreamName: string;
    readonly firehoseRoleName: string;
    /** The stream reader role Redshift chains to (streaming pipelines). */
    readonly streamReaderRoleName: string;
    /** The load job's and the crawlers' roles (data-platform). */
    readonly glueJobRoleName: string;
    readonly crawlerRoleName: string;
}

export function pipelineNames(stack: string, pipeline: string): PipelineNames {
    return {
        streamName: resourceName(stack, pipeline),
        deliveryStreamName: resourceName(stack, pipeline, "landing"),
        rawDeliveryStreamName: resourceName(stack, pipeline, "raw"),
        firehoseRoleName: firehoseRoleName(stack, pipeline),
        streamReaderRoleName: streamReaderRoleName(stack, pipeline),
        glueJobRoleName: glueJobRoleName(stack, pipeline),
        crawlerRoleName: crawlerRoleName(stack, pipeline),
    };
}
