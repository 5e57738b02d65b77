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
