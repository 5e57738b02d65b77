/**
 * What a permission table is scoped to: one account, one region, the stacks the account hosts. ARN
 * patterns are built here only, so every table names resources the same way AWS does.
 */
import { NAME_PREFIX, STACK_TAG_KEY } from "../../shared/naming";
import type { Conditions } from "../../shared/iam";

export interface Scope {
    readonly partition: string;
    readonly region: string;
    readonly account: string;
    /** The other account of the pair (engineering <-> data-platform). */
    readonly otherAccount: string;
    /** Environment stacks hosted here: the deployer manages `tracking-<stack>-*` for each. */
    readonly stacks: readonly string[];
    /** The account holding the shared Pulumi backend, when there is one. */
    readonly stateAccount?: string;
    /** Route 53 zone of the API's custom domain, when there is one. */
    readonly hostedZoneId?: string;
    /** The API's custom domain name in that zone (lowercase, no trailing dot), with `hostedZoneId`. */
    readonly customDomainName?: string;
    /** Existing Redshift the hosted data-platform stacks create their tables in (serverless and cluster modes). */
    readonly existingRedshift?: ExistingRedshiftScope;
}

/**
 * What the deployer's Data API calls reach in an existing Redshift: they run on the clusters (any
 * workgroup: its ARN holds a generated id) and sign in with the configured admin secrets, which
 * Secrets Manager decrypts with their keys as the deployer.
 */
export interface ExistingRedshiftScope {
    readonly clusterIdentifiers: readonly string[];
    /** Full secret ARNs, Redshift-managed ones (`secret:redshift!...`) included. */
    readonly secretArns: readonly string[];
    /** The KMS keys of those secrets that are not `aws/secretsmanager`. */
    readonly secretKmsKeyArns: readonly string[];
}

/** `tracking-dev-`, `tracking-prod-`, ...: the name prefixes the deployer may create and manage. */
export function namePrefixes(scope: Scope, separator = "-"): string[] {
    return scope.stacks.map((stack) => `${NAME_PREFIX}${separator}${stack}${separator}`);
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>` */
export function arn(
    scope: Scope,
    service: string,
    resource: string,
    where: { region?: boolean; account?: string | null } = {},
): string {
    const region = where.region === false ? "" : scope.region;
    const account = where.account === null ? "" : (where.account ?? scope.account);
    return `arn:${scope.partition}:${service}:${region}:${account}:${resource}`;
}

/** One ARN pattern per stack: `resource(prefix)` receives `tracking-<stack>-`. */
export function perStack(scope: Scope, build: (prefix: string) => string, separator = "-"): string[] {
    return namePrefixes(scope, separator).map(build);
}

/**
 * Glue catalog names: Athena and Spark prefer underscores, so a stack's databases and tables may be
 * named `tracking_<stack>_...` as well as `tracking-<stack>-...`.
 */
export function glueNamePrefixes(scope: Scope): string[] {
    return [...namePrefixes(scope, "-"), ...namePrefixes(scope, "_")];
}

/** The request must set the stack tag to one of the hosted stacks (create calls). */
export function requestTagged(scope: Scope): Conditions {
    return { StringEquals: { [`aws:RequestTag/${STACK_TAG_KEY}`]: [...scope.stacks] } };
}

/** The resource must already carry the stack tag of one of the hosted stacks. */
export function resourceTagged(scope: Scope): Conditions {
    return { StringEquals: resourceTagEquals(scope) };
}

/** The `StringEquals` entry of `resourceTagged`, for a condition that pins more keys with the same operator. */
export function resourceTagEquals(scope: Scope): Readonly<Record<string, readonly string[]>> {
    return { [`aws:ResourceTag/${STACK_TAG_KEY}`]: [...scope.stacks] };
}
