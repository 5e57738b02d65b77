/**
 * IAM policy documents: where each resource type keeps them, and a normalized form the rules read.
 *
 * Documents arrive as JSON strings (what `pulumi.jsonStringify` / `aws.iam.getPolicyDocument` produce)
 * or, when a program passes an object, as that object. `Action`, `Resource` and the principal lists may
 * each be a string or an array; condition keys are case-insensitive in IAM and are compared lowercased.
 */
import { asArray, asObject, isUnknown, Plain, PlainObject, UNKNOWN, Unknown } from "./plain";

/**
 * identity: attached to a role, user or group (or a managed policy). trust: a role's assume-role policy.
 * bucket: an S3 bucket policy. key: a KMS key policy (there `Resource: "*"` means "this key").
 * resource: another service's resource-based policy.
 */
export type DocumentKind = "identity" | "trust" | "bucket" | "key" | "resource";

interface DocumentLocation {
    readonly kind: DocumentKind;
    /** Property path; `[]` expands an array. */
    readonly path: readonly string[];
}

const POLICY = (kind: DocumentKind): DocumentLocation => ({ kind, path: ["policy"] });

/** Every resource type whose inputs hold an IAM document, and where. */
export const DOCUMENT_LOCATIONS: Readonly<Record<string, readonly DocumentLocation[]>> = {
    "aws:iam/role:Role": [
        { kind: "trust", path: ["assumeRolePolicy"] },
        { kind: "identity", path: ["inlinePolicies", "[]", "policy"] },
    ],
    "aws:iam/rolePolicy:RolePolicy": [POLICY("identity")],
    "aws:iam/policy:Policy": [POLICY("identity")],
    "aws:iam/userPolicy:UserPolicy": [POLICY("identity")],
    "aws:iam/groupPolicy:GroupPolicy": [POLICY("identity")],
    "aws:s3/bucketPolicy:BucketPolicy": [POLICY("bucket")],
    "aws:s3/bucket:Bucket": [POLICY("bucket")],
    "aws:s3/bucketV2:BucketV2": [POLICY("bucket")],
    "aws:kms/key:Key": [POLICY("key")],
    "aws:kms/keyPolicy:KeyPolicy": [POLICY("key")],
    "aws:kinesis/resourcePolicy:ResourcePolicy": [POLICY("resource")],
    "aws:glue/resourcePolicy:ResourcePolicy": [POLICY("resource")],
    "aws:apigateway/restApi:RestApi": [POLICY("resource")],
    "aws:apigateway/restApiPolicy:RestApiPolicy": [POLICY("resource")],
    "aws:sqs/queuePolicy:QueuePolicy": [POLICY("resource")],
    "aws:sns/topicPolicy:TopicPolicy": [POLICY("resource")],
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": [{ kind: "resource", path: ["policyDocument"] }],
};

export const DOCUMENT_TYPES: readonly string[] = Object.keys(DOCUMENT_LOCATIONS);

export interface Condition {
    /** As written, e.g. `StringEquals`, `ForAnyValue:StringLike`, `Bool`. */
    readonly operator: string;
    /** Lowercased, e.g. `aws:sourceaccount`. */
    readonly key: string;
    readonly values: readonly (string | Unknown)[];
}

export interface Principal {
    /** `"Principal": "*"` or `{"AWS": "*"}`. */
    readonly everyone: boolean;
    readonly aws: readonly (string | Unknown)[];
    readonly service: readonly (string | Unknown)[];
    readonly federated: readonly (string | Unknown)[];
    readonly canonicalUser: readonly (string | Unknown)[];
}

export interface Statement {
    readonly index: number;
    readonly sid?: string;
    readonly effect: string;
    readonly actions?: readonly (string | Unknown)[];
    readonly notActions?: readonly (string | Unknown)[];
    readonly resources?: readonly (string | Unknown)[];
    readonly notResources?: readonly (string | Unknown)[];
    readonly principal?: Principal;
    readonly notPrincipal?: Principal;
    readonly conditions: readonly Condition[];
}

export type ParsedDocument =
    | { readonly state: "parsed"; readonly statements: readonly Statement[] }
    | { readonly state: "unknown" }
    | { readonly state: "invalid"; readonly error: string };

export interface LocatedDocument {
    readonly kind: DocumentKind;
    /** Where it sits in the resource's properties, e.g. `inlinePolicies[1].policy`. */
    readonly path: string;
    readonly document: ParsedDocument;
}

/** A plan file writes an unknown value as this literal; inside a parsed document it means the same. */
const UNKNOWN_LITERAL = "<unknown>";

function stringList(value: unknown): (string | Unknown)[] {
    const items = Array.isArray(value) ? value : [value];
    return items
        .filter((item) => item !== undefined && item !== null)
        .map((item) => (isUnknown(item) || item === UNKNOWN_LITERAL ? UNKNOWN : String(item)));
}

function parsePrincipal(value: unknown): Principal {
    if (value === "*") return { everyone: true, aws: [], service: [], federated: [], canonicalUser: [] };
    const principal = (value !== null && typeof value === "object" ? value : {}) as Record<string, unknown>;
    const get = (key: string) =>
        stringList(principal[Object.keys(principal).find((k) => k.toLowerCase() === key) ?? ""]);
    const aws = get("aws");
    return {
        everyone: aws.includes("*"),
        aws: aws.filter((p) => p !== "*"),
        service: get("service"),
        federated: get("federated"),
        canonicalUser: get("canonicaluser"),
    };
}

function parseConditions(value: unknown): Condition[] {
    const conditions: Condition[] = [];
    if (value === null || typeof value !== "object") return conditions;
    for (const [operator, block] of Object.entries(value as Record<string, unknown>)) {
        if (block === null || typeof block !== "object") continue;
        for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
            conditions.push({ operator, key: key.toLowerCase(), values: stringList(values) });
        }
    }
    return conditions;
}

function field(statement: Record<string, unknown>, name: string): unknown {
    return statement[name];
}

function parseStatement(raw: unknown, index: number): Statement {
    const statement = (raw !== null && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
    const has = (name: string) => field(statement, name) !== undefined;
    return {
        index,
        sid: typeof statement.Sid === "string" ? statement.Sid : undefined,
        effect: String(field(statement, "Effect") ?? ""),
        actions: has("Action") ? stringList(field(statement, "Action")) : undefined,
        notActions: has("NotAction") ? stringList(field(statement, "NotAction")) : undefined,
        resources: has("Resource") ? stringList(field(statement, "Resource")) : undefined,
        notResources: has("NotResource") ? stringList(field(statement, "NotResource")) : undefined,
        principal: has("Principal") ? parsePrincipal(field(statement, "Principal")) : undefined,
        notPrincipal: has("NotPrincipal") ? parsePrincipal(field(statement, "NotPrincipal")) : undefined,
        conditions: parseConditions(field(statement, "Condition")),
    };
}

/** Replaces the plan's "<unknown>" literal and the UNKNOWN marker alike, so parsing sees one form. */
export function parseDocument(value: Plain): ParsedDocument {
    if (isUnknown(value) || value === UNKNOWN_LITERAL || value === "<secret>") return { state: "unknown" };
    let document: unknown = value;
    if (typeof value === "string") {
        try {
            document = JSON.parse(value);
        } catch (error) {
            return { state: "invalid", error: `is not valid JSON (${(error as Error).message})` };
        }
    }
    const object = asObject(document as Plain);
    if (object === undefined) return { state: "invalid", error: "is not a JSON object" };
    const statements = object.Statement;
    if (isUnknown(statements)) return { state: "unknown" };
    if (statements === undefined) return { state: "invalid", error: "has no Statement" };
    return { state: "parsed", statements: asArray(statements).map(parseStatement) };
}

function collect(value: Plain, path: readonly string[], at: string, out: Array<{ path: string; value: Plain }>): void {
    if (path.length === 0) {
        if (value !== undefined && value !== null && value !== "") out.push({ path: at, value });
        return;
    }
    if (isUnknown(value)) {
        out.push({ path: at, value: UNKNOWN });
        return;
    }
    const [head, ...rest] = path;
    if (head === "[]") {
        asArray(value).forEach((item, i) => collect(item, rest, `${at}[${i}]`, out));
        return;
    }
    const object = asObject(value);
    if (object === undefined) return;
    collect(object[head], rest, at === "" ? head : `${at}.${head}`, out);
}

/** The documents a resource of `type` holds, parsed. */
export function documentsOf(type: string, props: PlainObject): LocatedDocument[] {
    const located: LocatedDocument[] = [];
    for (const location of DOCUMENT_LOCATIONS[type] ?? []) {
        const found: Array<{ path: string; value: Plain }> = [];
        collect(props, location.path, "", found);
        for (const { path, value } of found)
            located.push({ kind: location.kind, path, document: parseDocument(value) });
    }
    return located;
}

/** The conditions of a statement on one key (lowercase), any operator. */
export function conditionsOn(statement: Statement, key: string): Condition[] {
    return statement.conditions.filter((c) => c.key === key.toLowerCase());
}

/** A short name for a statement in messages: its Sid, or its position. */
export function statementLabel(path: string, statement: Statement): string {
    return `${path} statement ${statement.sid ? `"${statement.sid}"` : `#${statement.index + 1}`}`;
}

export function isAllow(statement: Statement): boolean {
    return statement.effect === "Allow";
}
