import * as pulumi from "@pulumi/pulumi";

/**
 * Small typed builders for IAM policy documents. Every document in this project is built here from
 * concrete ARNs and serialised with JSON.stringify, so there is one place that refuses an empty action
 * list, a duplicate Sid or a wildcard action in a grant, and one JSON shape the offline tests and the
 * policy pack read back. Field names follow the IAM JSON grammar (`Effect`, `Action`, ...) so a reader can compare a
 * statement here with the AWS documentation one to one.
 *
 * Two entry points:
 * - `policyDocument(statements)`: plain values in, JSON string out (use inside `apply`, and in tests);
 * - `policyDocumentOutput(statements)`: statements whose fields may be `pulumi.Input`s (ARNs of
 *   resources not created yet), out comes a `pulumi.Output<string>` for a `policy` / `assumeRolePolicy`.
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
export type Conditions = Partial<Record<ConditionOperator, Record<string, string | string[]>>>;

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
    readonly Action?: string | string[];
    readonly NotAction?: string | string[];
    readonly Resource?: string | string[];
    readonly NotResource?: string | string[];
    readonly Condition?: Conditions;
}

/** A whole IAM policy document, as written by `policyDocument`. */
export interface PolicyDocument {
    readonly Version: typeof POLICY_VERSION;
    readonly Statement: PolicyStatement[];
}

/** Recursively allows `pulumi.Input` anywhere a value appears, so statements can be written from outputs. */
export type DeepInput<T> = T extends string | number | boolean
    ? pulumi.Input<T>
    : T extends readonly (infer U)[]
        ? pulumi.Input<DeepInput<U>[]>
        : T extends object
            ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
            : pulumi.Input<T>;

/** A statement whose ARNs, accounts and condition values may still be unresolved outputs. */
export type PolicyStatementInput = DeepInput<PolicyStatement>;

/** IAM's Sid grammar: ASCII letters and digits only. */
const SID = /^[A-Za-z0-9]+$/;

function asList(value: string | string[] | undefined): string[] {
    if (value === undefined) return [];
    return Array.isArray(value) ? value : [value];
}

/** Throws a message naming the statement (by Sid or position) and the rule it breaks. */
function checkStatement(statement: PolicyStatement, index: number): void {
    const where = `policy statement ${statement.Sid ?? `#${index + 1}`}`;
    if (statement.Sid !== undefined && !SID.test(statement.Sid)) {
        throw new Error(`${where}: Sid must contain only ASCII letters and digits (got ${JSON.stringify(statement.Sid)})`);
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
            throw new Error(`${where}: wildcard action ${JSON.stringify(action)} is not allowed; enumerate the actions`);
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
        return (inBuild ? `${inBuild[1].split(/[\\/]/).join("/")}.ts` : file);
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
        throw new Error(`${where ? `${where}: ` : ""}${(err as Error).message}${source ? ` (built in ${source})` : ""}`, { cause: err });
    }
    return { Version: POLICY_VERSION, Statement: statements.map(normalise) };
}

/** The JSON text of a policy document built from fully resolved statements (`where`: the resource it is for). */
export function policyDocument(statements: readonly PolicyStatement[], where?: string): string {
    return JSON.stringify(buildPolicyDocument(statements, where));
}

/** The JSON text of a policy document whose statements may contain `pulumi.Input` values. */
export function policyDocumentOutput(statements: readonly PolicyStatementInput[], where?: string): pulumi.Output<string> {
    return pulumi.output(statements as unknown as pulumi.Input<PolicyStatement[]>).apply((resolved) =>
        policyDocument(resolved as unknown as PolicyStatement[], where),
    );
}

/** `Allow` the actions on the resources, optionally under conditions. */
export function allow(sid: string, actions: string[], resources: string[], condition?: Conditions): PolicyStatement {
    return { Sid: sid, Effect: "Allow", Action: actions, Resource: resources, Condition: condition };
}

/** `Deny` the actions on the resources, optionally under conditions. */
export function deny(sid: string, actions: string[], resources: string[], condition?: Conditions): PolicyStatement {
    return { Sid: sid, Effect: "Deny", Action: actions, Resource: resources, Condition: condition };
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
    return { Sid: sid, Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole", Condition: condition };
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
