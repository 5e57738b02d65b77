/**
 * IAM policy documents as data, rendered to the JSON IAM stores, and split to fit IAM's size quotas.
 */

/** `{ "StringEquals": { "aws:RequestTag/x": ["a", "b"] } }` */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

export interface PolicyStatement {
    readonly Sid: string;
    readonly Effect: "Allow" | "Deny";
    readonly Action: readonly string[];
    readonly Resource: readonly string[];
    readonly Condition?: ConditionBlock;
}

export interface PolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly PolicyStatement[];
}

/**
 * IAM quotas (IAM User Guide, "IAM and AWS STS quotas"): a managed policy holds at most 6,144 characters
 * and a role at most 10 attached managed policies by default. IAM does not count whitespace; the JSON
 * rendered here has none, so its length is what IAM counts.
 */
export const MANAGED_POLICY_MAX_CHARS = 6144;
export const MANAGED_POLICIES_PER_ROLE = 10;

export function document(statements: readonly PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

/** Any IAM document (identity, trust): compact JSON, exactly what IAM stores and counts. */
export function render(doc: { readonly Version: string; readonly Statement: readonly object[] }): string {
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
export function splitIntoManagedPolicies(statements: readonly PolicyStatement[], role: string, maxChars = MANAGED_POLICY_MAX_CHARS): PolicyDocument[] {
    const documents: PolicyStatement[][] = [];
    let current: PolicyStatement[] = [];
    for (const statement of statements) {
        if (render(document([statement])).length > maxChars) {
            throw new PolicySizeError(`statement ${statement.Sid} of ${role} alone exceeds the ${maxChars}-character managed-policy quota: split it`);
        }
        if (render(document([...current, statement])).length > maxChars) {
            documents.push(current);
            current = [];
        }
        current.push(statement);
    }
    if (current.length > 0) documents.push(current);
    if (documents.length > MANAGED_POLICIES_PER_ROLE) {
        throw new PolicySizeError(`${role} needs ${documents.length} managed policies; a role holds at most ${MANAGED_POLICIES_PER_ROLE}`);
    }
    return documents.map(document);
}
