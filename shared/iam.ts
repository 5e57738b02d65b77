import * as pulumi from "@pulumi/pulumi";

/**
 * The IAM document model of every project here (stacks, bootstrap, tests): typed statements in the IAM
 * JSON grammar, `allow`/`deny` builders, one check that refuses an empty action list, a duplicate Sid or a
 * wildcard grant, and the renderers: `policyDocument` / `policyDocumentOutput` (inputs may be outputs) and
 * `managedPolicyDocuments` (the bootstrap's managed policies, split to IAM's size quota).
 */

/** The IAM policy grammar version; the only one that supports policy variables and every condition operator. */
export const POLICY_VERSION = "2012-10-17";

/** Condition operators this project uses; `...IfExists` and `ForAnyValue:` / `ForAllValues:` forms included. */
export type ConditionOperator =
    | "StringEquals"
    | "StringNotEquals"
    | "StringEqualsIgnoreCase"
    | "StringLike"
    | "StringNotLike"
    | "ArnEquals"
    | "ArnLike"
    | "ArnNotEquals"
    | "ArnNotLike"
    | "Bool"
    | "NumericEquals"
    | "NumericLessThanEquals"
    | "NumericGreaterThanEquals"
    | "IpAddress"
    | "NotIpAddress"
    | "Null"
    | `${"StringEquals" | "StringLike" | "ArnEquals" | "ArnLike" | "Bool"}IfExists`
    | `${"ForAnyValue" | "ForAllValues"}:${"StringEquals" | "StringLike"}`;

/** `{ "StringEquals": { "aws:SourceAccount": "111122223333" } }`: operator -> condition key -> value(s). */
export type Conditions = Readonly<
    Partial<Record<ConditionOperator, Readonly<Record<string, string | readonly string[]>>>>
>;

/** Who a resource policy or trust policy applies to. */
export interface Principal {
    readonly Service?: string | string[];
    readonly AWS?: string | string[];
    readonly Federated?: string | string[];
}

/** One IAM statement. Exactly one of `Action` / `NotAction`; `Resource` for identity and key policies. */
export interface PolicyStatement {
    readonly Sid?: string;
    readonly Effect: "Allow" | "Deny";
    readonly Principal?: Principal;
    readonly Action?: string | readonly string[];
    readonly NotAction?: string | readonly string[];
    readonly Resource?: string | readonly string[];
    readonly NotResource?: string | readonly string[];
    readonly Condition?: Conditions;
}

/** A statement of an identity policy as `allow`/`deny` build it: a Sid, listed actions and resources. */
export interface IdentityStatement extends PolicyStatement {
    readonly Sid: string;
    readonly Action: readonly string[];
    readonly Resource: readonly string[];
}

/** A whole IAM policy document, as written by `policyDocument`. */
export interface PolicyDocument<S extends PolicyStatement = PolicyStatement> {
    readonly Version: typeof POLICY_VERSION;
    readonly Statement: readonly S[];
}

/** Recursively allows `pulumi.Input` anywhere a value appears, so statements can be written from outputs. */
export type DeepInput<T> = T extends string | number | boolean
    ? pulumi.Input<T>
    : T extends readonly (infer U)[]
      ? pulumi.Input<readonly DeepInput<U>[]>
      : T extends object
        ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
        : pulumi.Input<T>;

/** A statement whose ARNs, accounts and condition values may still be unresolved outputs. */
export type PolicyStatementInput = DeepInput<PolicyStatement>;

/** IAM's Sid grammar: ASCII letters and digits only. */
const SID = /^[A-Za-z0-9]+$/;

function asList(value: string | readonly string[] | undefined): readonly string[] {
    if (value === undefined) return [];
    return typeof value === "string" ? [value] : value;
}

/** Throws a message naming the statement (by Sid or position) and the rule it breaks. */
function checkStatement(statement: PolicyStatement, index: number): void {
    const where = `policy statement ${statement.Sid ?? `#${index + 1}`}`;
    if (statement.Sid !== undefined && !SID.test(statement.Sid)) {
        throw new Error(
            `${where}: Sid must contain only ASCII letters and digits (got ${JSON.stringify(statement.Sid)})`,
        );
    }
    const hasAction = statement.Action !== undefined;
    const hasNotAction = statement.NotAction !== undefined;
    if (hasAction === hasNotAction) throw new Error(`${where}: needs exactly one of Action or NotAction`);
    const actions = asList(hasAction ? statement.Action : statement.NotAction);
    if (actions.length === 0) throw new Error(`${where}: the action list is empty`);
    for (const action of actions) {
        // A service-wide wildcard is what least privilege forbids in a grant; `logs:Describe*`-style prefixes
        // stay legal, and so does a Deny of everything (`s3:*` in a TLS-only deny grants nothing).
        if (statement.Effect === "Allow" && (action === "*" || /^[a-z0-9-]+:\*$/.test(action))) {
            throw new Error(
                `${where}: wildcard action ${JSON.stringify(action)} is not allowed; enumerate the actions`,
            );
        }
        if (action !== "*" && !/^[a-z0-9-]+:[A-Za-z0-9*]+$/.test(action)) {
            throw new Error(`${where}: action ${JSON.stringify(action)} must look like service:Action`);
        }
    }
    if (statement.Resource !== undefined && statement.NotResource !== undefined) {
        throw new Error(`${where}: Resource and NotResource are mutually exclusive`);
    }
    const resources = asList(statement.Resource ?? statement.NotResource);
    if ((statement.Resource !== undefined || statement.NotResource !== undefined) && resources.length === 0) {
        throw new Error(`${where}: the resource list is empty`);
    }
    for (const resource of resources) {
        if (resource === "") throw new Error(`${where}: a resource ARN is empty (an output resolved to nothing?)`);
    }
    if (statement.Principal !== undefined) {
        const principals = [
            ...asList(statement.Principal.Service),
            ...asList(statement.Principal.AWS),
            ...asList(statement.Principal.Federated),
        ];
        if (principals.length === 0 || principals.some((p) => p === "")) {
            throw new Error(`${where}: the principal is empty`);
        }
    }
    for (const [operator, entries] of Object.entries(statement.Condition ?? {})) {
        for (const [key, value] of Object.entries(entries ?? {})) {
            const values = asList(value);
            if (values.length === 0 || values.some((v) => v === "")) {
                throw new Error(`${where}: condition ${operator} ${key} has an empty value`);
            }
        }
    }
}

/** Drops undefined fields and collapses one-element lists, so the JSON reads like hand-written IAM. */
function normalise(statement: PolicyStatement): PolicyStatement {
    const out: Record<string, unknown> = {};
    for (const [field, value] of Object.entries(statement)) {
        if (value === undefined) continue;
        out[field] = Array.isArray(value) && value.length === 1 ? value[0] : value;
    }
    return out as unknown as PolicyStatement;
}

/**
 * The source file (as the repository names it) of the code that asked for a document: the first caller
 * outside this file. Only computed for an error, so it costs nothing otherwise.
 */
function callerSourceFile(): string | undefined {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 30;
    const stack = new Error().stack ?? "";
    Error.stackTraceLimit = limit;
    for (const match of stack.matchAll(/\(?((?:\/|[A-Za-z]:\\)[^():]+\.js):\d+:\d+\)?/g)) {
        const file = match[1];
        if (file === __filename || file.includes("node_modules")) continue;
        const inBuild = /[\\/]build[\\/](.+)\.js$/.exec(file);
        return inBuild ? `${inBuild[1].split(/[\\/]/).join("/")}.ts` : file;
    }
    return undefined;
}

/**
 * The document object (not yet serialised); throws if any statement breaks a rule above, naming `where`
 * (the resource the document is for), the statement and the source file that built it.
 */
export function buildPolicyDocument(statements: readonly PolicyStatement[], where?: string): PolicyDocument {
    try {
        if (statements.length === 0) throw new Error("a policy document needs at least one statement");
        const sids = new Set<string>();
        statements.forEach((statement, index) => {
            checkStatement(statement, index);
            if (statement.Sid !== undefined) {
                if (sids.has(statement.Sid)) throw new Error(`policy statement ${statement.Sid}: duplicate Sid`);
                sids.add(statement.Sid);
            }
        });
    } catch (err) {
        const source = callerSourceFile();
        throw new Error(
            `${where ? `${where}: ` : ""}${(err as Error).message}${source ? ` (built in ${source})` : ""}`,
            { cause: err },
        );
    }
    return { Version: POLICY_VERSION, Statement: statements.map(normalise) };
}

/** The JSON text of a policy document built from fully resolved statements (`where`: the resource it is for). */
export function policyDocument(statements: readonly PolicyStatement[], where?: string): string {
    return JSON.stringify(buildPolicyDocument(statements, where));
}

/** The JSON text of a policy document whose statements may contain `pulumi.Input` values. */
export function policyDocumentOutput(
    statements: readonly PolicyStatementInput[],
    where?: string,
): pulumi.Output<string> {
    return pulumi
        .output(statements as unknown as pulumi.Input<PolicyStatement[]>)
        .apply((resolved) => policyDocument(resolved as unknown as PolicyStatement[], where));
}

/** `Allow` the actions on the resources, optionally under conditions (values may be outputs). */
export function allow(
    sid: string,
    actions: readonly string[],
    resources: readonly string[],
    condition?: Conditions,
): IdentityStatement;
export function allow(
    sid: string,
    actions: readonly string[],
    resources: readonly pulumi.Input<string>[],
    condition?: DeepInput<Conditions>,
): PolicyStatementInput;
export function allow(
    sid: string,
    actions: readonly string[],
    resources: readonly pulumi.Input<string>[],
    condition?: DeepInput<Conditions>,
): PolicyStatementInput {
    return statement("Allow", sid, undefined, actions, resources, condition);
}

/** `Deny` the actions on the resources, optionally under conditions (values may be outputs). */
export function deny(
    sid: string,
    actions: readonly string[],
    resources: readonly string[],
    condition?: Conditions,
): IdentityStatement;
export function deny(
    sid: string,
    actions: readonly string[],
    resources: readonly pulumi.Input<string>[],
    condition?: DeepInput<Conditions>,
): PolicyStatementInput;
export function deny(
    sid: string,
    actions: readonly string[],
    resources: readonly pulumi.Input<string>[],
    condition?: DeepInput<Conditions>,
): PolicyStatementInput {
    return statement("Deny", sid, undefined, actions, resources, condition);
}

/** The statement's keys in the order AWS documents them (Sid, Effect, Principal, Action, Resource, Condition). */
function statement(
    effect: "Allow" | "Deny",
    sid: string,
    principal: DeepInput<Principal> | undefined,
    actions: readonly string[],
    resources: readonly pulumi.Input<string>[],
    condition?: DeepInput<Conditions>,
): PolicyStatementInput {
    return {
        Sid: sid,
        Effect: effect,
        ...(principal !== undefined ? { Principal: principal } : {}),
        Action: actions,
        Resource: resources,
        ...(condition !== undefined ? { Condition: condition } : {}),
    };
}

/** A resource-policy statement (bucket, key, topic): `Allow` the principal the actions on the resources. */
export function allowPrincipal(
    sid: string,
    principal: Principal,
    actions: readonly string[],
    resources: readonly string[],
    condition?: Conditions,
): PolicyStatement;
export function allowPrincipal(
    sid: string,
    principal: DeepInput<Principal>,
    actions: readonly string[],
    resources: readonly pulumi.Input<string>[],
    condition?: DeepInput<Conditions>,
): PolicyStatementInput;
export function allowPrincipal(
    sid: string,
    principal: DeepInput<Principal>,
    actions: readonly string[],
    resources: readonly pulumi.Input<string>[],
    condition?: DeepInput<Conditions>,
): PolicyStatementInput {
    return statement("Allow", sid, principal, actions, resources, condition);
}

/**
 * A resource-policy statement (bucket, key) that `Deny`s the principal the actions on the resources, e.g.
 * `{ AWS: "*" }` under a condition: an explicit deny in a resource policy overrides any allow.
 */
export function denyPrincipal(
    sid: string,
    principal: Principal,
    actions: readonly string[],
    resources: readonly string[],
    condition?: Conditions,
): PolicyStatement {
    return statement("Deny", sid, principal, actions, resources, condition) as PolicyStatement;
}

/**
 * A trust-policy statement letting an account, role or identity provider assume the role (no Resource: a
 * trust policy is the role's own resource policy), always under a condition that names who may.
 */
export function allowAssumeRole(
    sid: string,
    principal: Principal,
    action: "sts:AssumeRole" | "sts:AssumeRoleWithWebIdentity",
    condition: Conditions,
): PolicyStatement {
    return { Sid: sid, Effect: "Allow", Principal: principal, Action: action, Condition: condition };
}

/**
 * A trust-policy statement letting an AWS service assume the role, always with conditions: a service
 * trust without `aws:SourceAccount` / `aws:SourceArn` (or the service's documented equivalent such as
 * `sts:ExternalId`) is open to the confused-deputy problem, so the condition argument is required.
 */
export function serviceTrust(service: string, condition: Conditions, sid = "ServiceAssumeRole"): PolicyStatement {
    if (Object.keys(condition).length === 0) {
        throw new Error(`trust policy for ${service}: a condition (aws:SourceAccount / aws:SourceArn) is required`);
    }
    return allowAssumeRole(sid, { Service: service }, "sts:AssumeRole", condition);
}

/**
 * A trust-policy statement WITHOUT a confused-deputy condition, for the few services that do not send
 * `aws:SourceAccount` / `aws:SourceArn` when they assume a role (a positive condition on a missing key
 * evaluates false and locks the service out). The reason is required so every such exception says why
 * at the call site; the policy pack's configuration lists the same exceptions.
 */
export function unconditionalServiceTrust(service: string, reason: string, sid = "ServiceAssumeRole"): PolicyStatement {
    if (reason.trim().length < 20) {
        throw new Error(`trust policy for ${service}: an unconditional service trust needs a stated reason`);
    }
    return { Sid: sid, Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" };
}

/** The ARN of a whole account as an IAM principal, e.g. in a key policy. */
export function accountRootArn(partition: string, accountId: string): string {
    return `arn:${partition}:iam::${accountId}:root`;
}

/**
 * IAM quotas (IAM User Guide, "IAM and AWS STS quotas"): a managed policy holds at most 6,144 characters
 * and a role at most 10 attached managed policies by default. IAM does not count whitespace; the JSON
 * rendered here has none, so its length is what IAM counts.
 */
export const MANAGED_POLICY_MAX_CHARS = 6144;
export const MANAGED_POLICIES_PER_ROLE = 10;

/** A document of identity statements, every list kept a list (the bootstrap's managed policies and boundary). */
export function identityDocument(statements: readonly IdentityStatement[]): PolicyDocument<IdentityStatement> {
    return { Version: POLICY_VERSION, Statement: statements };
}

/** Any IAM document (identity, trust): compact JSON, exactly what IAM stores and counts. */
export function renderDocument(doc: { readonly Version: string; readonly Statement: readonly object[] }): string {
    return JSON.stringify(doc);
}

/** A statement too large for any managed policy, or too many policies for one role. */
export class PolicySizeError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PolicySizeError";
    }
}

/**
 * Packs statements, in order, into as few managed-policy documents as fit the size quota. Order is kept
 * so a small change to the table moves as few statements between policies as possible.
 */
export function managedPolicyDocuments(
    statements: readonly IdentityStatement[],
    role: string,
    maxChars = MANAGED_POLICY_MAX_CHARS,
): PolicyDocument<IdentityStatement>[] {
    const documents: IdentityStatement[][] = [];
    let current: IdentityStatement[] = [];
    for (const statement of statements) {
        if (renderDocument(identityDocument([statement])).length > maxChars) {
            throw new PolicySizeError(
                `statement ${statement.Sid} of ${role} alone exceeds the ${maxChars}-character managed-policy quota: split it`,
            );
        }
        if (renderDocument(identityDocument([...current, statement])).length > maxChars) {
            documents.push(current);
            current = [];
        }
        current.push(statement);
    }
    if (current.length > 0) documents.push(current);
    if (documents.length > MANAGED_POLICIES_PER_ROLE) {
        throw new PolicySizeError(
            `${role} needs ${documents.length} managed policies; a role holds at most ${MANAGED_POLICIES_PER_ROLE}`,
        );
    }
    return documents.map(identityDocument);
}
