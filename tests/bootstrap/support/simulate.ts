import { createValidatedPolicy, validateResourcePolicy, validateTrustPolicy } from "@cloud-copilot/iam-policy";
import { runSimulation, runUnsafeSimulation, Simulation } from "@cloud-copilot/iam-simulate";
import type { Decision, Request } from "../../support/iam-decision";

/** The caller of a bootstrap request is a role ARN (identity policies apply), an OIDC provider ARN, or an account's role. */
export type { Decision, Request };

export interface IdentityPolicy {
    readonly name: string;
    readonly policy: unknown;
}

const ROLE_ARN = /^arn:[a-z-]+:(?:iam|sts)::(\d{12}):(?:role|assumed-role)\//;
/** KMS encryption-context condition keys, e.g. `kms:EncryptionContext:aws:s3:arn`, `kms:EncryptionContext:SecretARN`. */
const ENCRYPTION_CONTEXT_KEY = /^kms:EncryptionContext:.+/i;

function contextOf(request: Request): Record<string, string | string[]> {
    const account = ROLE_ARN.exec(request.principal)?.[1];
    return {
        ...(account ? { "aws:PrincipalArn": request.principal, "aws:PrincipalAccount": account } : {}),
        // AWS sets aws:ResourceAccount on every request to a resource of an account.
        ...(/^\d{12}$/.test(request.resourceAccount) ? { "aws:ResourceAccount": request.resourceAccount } : {}),
        ...(request.context ?? {}),
    };
}

/** The simulator's input for one request: no SCPs or RCPs (the accounts are not in an organization). */
function simulationOf(request: Request, identity: readonly IdentityPolicy[], resourcePolicy?: unknown): Simulation {
    return {
        request: {
            principal: request.principal,
            action: request.action,
            resource: { resource: request.resource, accountId: request.resourceAccount },
            contextVariables: contextOf(request),
        },
        identityPolicies: identity.map((p) => ({ name: p.name, policy: p.policy })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(resourcePolicy !== undefined ? { resourcePolicy } : {}),
    };
}

/**
 * IAM's decision on an identity-policy request, by @cloud-copilot/iam-simulate with full validation: an
 * unknown action, a resource the action does not take, or a context key the action does not accept
 * fails the test (the request is wrong) instead of reading as a denial.
 */
export async function decide(
    request: Request,
    identity: readonly IdentityPolicy[],
    resourcePolicy?: unknown,
): Promise<Decision> {
    const simulation = simulationOf(request, identity, resourcePolicy);
    const result = await runSimulation(simulation, {});
    if (result.resultType === "error") {
        throw new Error(
            `iam-simulate cannot evaluate ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`,
        );
    }
    // "*" for an action whose resource types are all optional is simulated as a wildcard request.
    if (result.resultType === "wildcard") return result.overallResult as Decision;
    const ignored = result.result.ignoredContextKeys ?? [];
    const inapplicable = ignored.filter((key) => !ENCRYPTION_CONTEXT_KEY.test(key));
    if (inapplicable.length > 0)
        throw new Error(
            `context keys ${inapplicable.join(", ")} do not apply to ${request.action} on ${request.resource}: the test request is wrong`,
        );
    if (ignored.length === 0) return result.overallResult as Decision;
    // iam-simulate 0.1.x validates variable condition keys only in the `prefix/name` form, so it drops
    // `kms:EncryptionContext:<key>` from the request, and a statement conditioned on it could never match.
    // Everything else of the request was validated above; evaluate it again with the context as given.
    return decideUnvalidated(request, identity, resourcePolicy);
}

/** How iam-simulate refuses an ARN it cannot match to exactly one resource type of the action. */
const AMBIGUOUS_RESOURCE_TYPE = /(multiple|no)\.resource\.types/;

/**
 * {@link decide} for one sample ARN of a grant's resource pattern, or undefined where the simulator cannot
 * match the sample to one resource type: an ARN two resource types describe (a Kinesis consumer is also
 * under its stream's path), or a type whose reference entry holds two ARN formats. The pattern's other
 * samples decide.
 */
export async function decideSample(
    request: Request,
    identity: readonly IdentityPolicy[],
    resourcePolicy?: unknown,
): Promise<Decision | undefined> {
    try {
        return await decide(request, identity, resourcePolicy);
    } catch (err) {
        if (AMBIGUOUS_RESOURCE_TYPE.test((err as Error).message)) return undefined;
        throw err;
    }
}

/**
 * The same decision without the validating entry point, for a request IAM takes but the reference data
 * behind validation does not describe (each caller says why: `Requirement.simulatorGap`).
 */
export function decideUnvalidated(
    request: Request,
    identity: readonly IdentityPolicy[],
    resourcePolicy?: unknown,
): Decision {
    const named =
        resourcePolicy !== undefined
            ? {
                  resourcePolicy: createValidatedPolicy(resourcePolicy, validateResourcePolicy, {
                      name: "resource-policy",
                  }),
              }
            : {};
    return decisionOf(
        runUnsafeSimulation(
            {
                request: {
                    principal: request.principal,
                    action: request.action,
                    resource: { resource: request.resource, accountId: request.resourceAccount },
                    contextVariables: contextOf(request),
                },
                identityPolicies: identity.map((p) => ({ name: p.name, policy: p.policy })),
                serviceControlPolicies: [],
                resourceControlPolicies: [],
                ...named,
            },
            {},
        ),
        request,
    );
}

function decisionOf(raw: unknown, request: Request): Decision {
    // Typed as the bare decision, but 0.1.x returns the analysis around it.
    const decision = typeof raw === "string" ? raw : (raw as { analysis?: { result?: string } }).analysis?.result;
    if (decision !== "Allowed" && decision !== "ImplicitlyDenied" && decision !== "ExplicitlyDenied") {
        throw new Error(
            `iam-simulate returned no decision for ${request.action} on ${request.resource}: ${JSON.stringify(raw)}`,
        );
    }
    return decision;
}

/**
 * IAM's decision on assuming a role: the trust policy is the resource policy; a caller from another
 * account also needs its own identity policy (passed as `identity`).
 *
 * The unvalidated entry point is used on purpose: IAM documents the generic OIDC keys
 * (`<provider>:aud`, `<provider>:sub`), but the Service Authorization Reference data behind the
 * validating entry point lists only GitHub's extra claims (`...:repository`, `...:ref`), so it would drop
 * `token.actions.githubusercontent.com:sub` and every subject condition would fail for want of a key. The
 * trust policy is validated here instead (IAM's trust-policy grammar), and carries the name the
 * simulator's explanation needs.
 */
export function decideAssume(
    request: Request,
    trustPolicy: unknown,
    identity: readonly IdentityPolicy[] = [],
): Decision {
    const validated = createValidatedPolicy(trustPolicy, validateTrustPolicy, { name: "trust-policy" });
    if (validated.errors.length > 0) throw new Error(`invalid trust policy: ${JSON.stringify(validated.errors)}`);
    const raw: unknown = runUnsafeSimulation(simulationOf(request, identity, validated), {});
    return decisionOf(raw, request);
}
