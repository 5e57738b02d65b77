import { createValidatedPolicy, validateResourcePolicy } from "@cloud-copilot/iam-policy";
import { runSimulation, runUnsafeSimulation, Simulation } from "@cloud-copilot/iam-simulate";

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface Request {
    /** The calling principal: a role ARN, or a service principal for trust policies. */
    readonly principal: string;
    readonly action: string;
    readonly resource: string;
    /** The account that owns the resource (S3 ARNs carry none). */
    readonly resourceAccount: string;
    /** Request context beyond aws:PrincipalArn / aws:PrincipalAccount, which are filled in for role principals. */
    readonly context?: Record<string, string | string[]>;
    /** The calling role's tags (as planned): IAM puts each in the request as `aws:PrincipalTag/<key>`. */
    readonly principalTags?: Readonly<Record<string, string>>;
    /** The resource's tags (as planned, with the provider's default tags): IAM evaluates each as `aws:ResourceTag/<key>`. */
    readonly resourceTags?: Readonly<Record<string, string>>;
}

export interface Policies {
    /** Identity policies of the principal (its inline role policies). */
    readonly identity: readonly { name: string; policy: unknown }[];
    /** The resource's policy (trust policy, key policy, bucket policy), if any. */
    readonly resource?: unknown;
    /** The principal's permissions boundary, if any: it caps what the identity policies grant. */
    readonly boundary?: unknown;
}

/**
 * A resource policy granting the principal everything, for isolating the identity side: across accounts
 * AWS needs both sides to allow, so with this the decision is exactly the identity policy's.
 */
export function allowEverythingTo(principal: string): unknown {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "TestOnlyAllowAll", Effect: "Allow", Principal: { AWS: principal }, Action: "*", Resource: "*" },
        ],
    };
}

const ROLE_ARN = /^arn:[a-z-]+:iam::(\d{12}):role\//;

/**
 * IAM's decision for one request, evaluated by @cloud-copilot/iam-simulate (a real policy evaluator,
 * AGPL, used in tests only). A request the simulator cannot evaluate (unknown action, a resource type the
 * action does not take, a malformed policy) fails the test instead of reading as a denial.
 */
export async function decide(request: Request, policies: Policies): Promise<Decision> {
    const account = ROLE_ARN.exec(request.principal)?.[1];
    const context: Record<string, string | string[]> = {
        ...(account ? { "aws:PrincipalArn": request.principal, "aws:PrincipalAccount": account } : {}),
        // AWS sets aws:ResourceAccount on every request to a resource of an account.
        ...(/^\d{12}$/.test(request.resourceAccount) ? { "aws:ResourceAccount": request.resourceAccount } : {}),
        ...Object.fromEntries(
            Object.entries(request.principalTags ?? {}).map(([key, value]) => [`aws:PrincipalTag/${key}`, value]),
        ),
        ...Object.fromEntries(
            Object.entries(request.resourceTags ?? {}).map(([key, value]) => [`aws:ResourceTag/${key}`, value]),
        ),
        ...(request.context ?? {}),
    };
    const simulation: Simulation = {
        request: {
            principal: request.principal,
            action: request.action,
            resource: { resource: request.resource, accountId: request.resourceAccount },
            contextVariables: context,
        },
        identityPolicies: policies.identity.map((p) => ({ name: p.name, policy: p.policy })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(policies.resource !== undefined ? { resourcePolicy: policies.resource } : {}),
        ...(policies.boundary !== undefined
            ? { permissionBoundaryPolicies: [{ name: "boundary", policy: policies.boundary }] }
            : {}),
    };
    const result = await runSimulation(simulation, {});
    if (result.resultType === "error") {
        throw new Error(
            `iam-simulate could not evaluate ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`,
        );
    }
    // "*" for an action without a resource type (ec2:Describe*, cloudwatch:PutMetricData) is simulated as a wildcard request.
    if (result.resultType === "wildcard" && request.resource === "*") return result.overallResult as Decision;
    if (result.resultType !== "single")
        throw new Error(`expected one resource, got a ${result.resultType} simulation for ${request.resource}`);
    const ignored = result.result.ignoredContextKeys ?? [];
    const notApplicable = ignored.filter((key) => !ENCRYPTION_CONTEXT_KEY.test(key));
    if (notApplicable.length > 0) {
        throw new Error(
            `context keys ${notApplicable.join(", ")} do not apply to ${request.action}: the test request is wrong`,
        );
    }
    if (ignored.length === 0) return result.overallResult as Decision;
    // iam-simulate (0.1.x) recognises variable condition keys only in the `prefix/name` form (aws:PrincipalTag/x),
    // so it filters out KMS's `kms:EncryptionContext:<name>` keys, and a statement conditioned on them could
    // never match. The request has been validated above; evaluate it again with the context as given (the
    // unvalidated entry point loads the resource policy without a name unless it comes pre-validated).
    const resourcePolicy =
        policies.resource !== undefined
            ? {
                  resourcePolicy: createValidatedPolicy(policies.resource, validateResourcePolicy, {
                      name: "resource-policy",
                  }),
              }
            : {};
    return runUnsafeSimulation({ ...simulation, ...resourcePolicy }, {}) as Decision;
}

/** KMS encryption-context condition keys, e.g. `kms:EncryptionContext:aws:kinesis:arn`. */
const ENCRYPTION_CONTEXT_KEY = /^kms:EncryptionContext:.+/i;
