import { createValidatedPolicy, validateResourcePolicy } from "@cloud-copilot/iam-policy";
import { runSimulation, runUnsafeSimulation, Simulation } from "@cloud-copilot/iam-simulate";

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface AccessRequest {
    /** The calling principal's ARN (a role). */
    readonly principal: string;
    readonly action: string;
    readonly resource: string;
    /** The account that owns the resource (S3 ARNs carry none). */
    readonly resourceAccount: string;
    /** Request context besides aws:PrincipalArn / aws:PrincipalAccount, which are derived from the principal. */
    readonly context?: Record<string, string | string[]>;
}

export interface PolicySet {
    /** The principal's identity policies (its role's inline policies). */
    readonly identity: readonly { readonly name: string; readonly policy: unknown }[];
    /** The resource's policy (bucket policy, key policy), if it has one. */
    readonly resource?: unknown;
}

const ROLE_ARN = /^arn:[a-z-]+:iam::(\d{12}):role\//;
/** KMS encryption-context condition keys, e.g. `kms:EncryptionContext:aws:s3:arn`. */
const ENCRYPTION_CONTEXT_KEY = /^kms:EncryptionContext:.+/i;

/**
 * IAM's decision on one request, by @cloud-copilot/iam-simulate (a real IAM policy evaluator: identity
 * and resource policies together, same- and cross-account rules, KMS key-policy trust). A request the
 * simulator rejects as invalid (an unknown action, a resource type the action does not take, a context
 * key that does not apply) fails the test rather than reading as a denial.
 */
export async function decide(request: AccessRequest, policies: PolicySet): Promise<Decision> {
    const account = ROLE_ARN.exec(request.principal)?.[1];
    if (!account) throw new Error(`the test's principal must be a role ARN (got ${request.principal})`);
    const simulation: Simulation = {
        request: {
            principal: request.principal,
            action: request.action,
            resource: { resource: request.resource, accountId: request.resourceAccount },
            contextVariables: { "aws:PrincipalArn": request.principal, "aws:PrincipalAccount": account, ...(request.context ?? {}) },
        },
        identityPolicies: policies.identity.map((p) => ({ name: p.name, policy: p.policy })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(policies.resource !== undefined ? { resourcePolicy: policies.resource } : {}),
    };
    const result = await runSimulation(simulation, {});
    if (result.resultType === "error") throw new Error(`iam-simulate cannot evaluate ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`);
    if (result.resultType !== "single") throw new Error(`expected a single-resource simulation for ${request.resource}, got ${result.resultType}`);
    const ignored = result.result.ignoredContextKeys ?? [];
    const inapplicable = ignored.filter((key) => !ENCRYPTION_CONTEXT_KEY.test(key));
    if (inapplicable.length > 0) throw new Error(`context keys ${inapplicable.join(", ")} do not apply to ${request.action}: the test request is wrong`);
    if (ignored.length === 0) return result.overallResult as Decision;
    // iam-simulate 0.1.x validates variable condition keys only in the `prefix/name` form, so it drops
    // `kms:EncryptionContext:<key>` from the request and a statement conditioned on it could never match.
    // The request was validated above; evaluate it once more with the context exactly as given.
    const resourcePolicy = policies.resource !== undefined ? { resourcePolicy: createValidatedPolicy(policies.resource, validateResourcePolicy, { name: "resource-policy" }) } : {};
    return runUnsafeSimulation({ ...simulation, ...resourcePolicy }, {});
}
