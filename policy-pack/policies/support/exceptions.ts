/**
 * Exceptions: a resource a policy does not apply to, recorded in the pack's config with a written reason.
 *
 * An exception lives next to the enforcement level in `policy-pack/policy-config.json`:
 *
 *     "iam-no-wildcard-resources": {
 *         "enforcementLevel": "mandatory",
 *         "exceptions": [{ "name": "tracking-*-glue-job-role", "reason": "cloudwatch:PutMetricData has no resource type" }]
 *     }
 *
 * `urn` and `name` are patterns in which `*` matches any run of characters; an entry needs at least one
 * of them, and every one it gives must match. For the policies that judge IAM documents, `statement` (a
 * Sid pattern) narrows the entry to the statements with a matching Sid, so the rest of the document is
 * still judged. An entry without a non-empty reason is refused by the
 * config schema (the Pulumi CLI validates it before running the pack), and if it reaches a policy anyway
 * it is not honored: the violation is still reported, saying why the exception was ignored.
 */
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

export interface PolicyException {
    readonly urn?: string;
    readonly name?: string;
    readonly statement?: string;
    readonly reason?: string;
}

/** What a violation is about: a resource, and for IAM documents the statement's Sid. */
export interface ViolationTarget {
    readonly urn: string;
    readonly name: string;
    readonly sid?: string;
}

/** The config every policy of this pack accepts, besides `enforcementLevel`. */
export interface BaseConfig {
    readonly exceptions?: readonly PolicyException[];
}

export const EXCEPTIONS_SCHEMA: PolicyConfigJSONSchema = {
    type: "array",
    description:
        "Resources this policy does not apply to. Each entry names the resource by `urn` and/or `name` " +
        "(patterns; `*` matches any run of characters) and must give a non-empty `reason`.",
    items: {
        type: "object",
        properties: {
            urn: { type: "string", minLength: 1, description: "URN pattern of the excepted resource." },
            name: { type: "string", minLength: 1, description: "Logical-name pattern of the excepted resource." },
            statement: {
                type: "string",
                minLength: 1,
                description: "Sid pattern of the excepted IAM statement (IAM document policies).",
            },
            reason: { type: "string", minLength: 1, pattern: "\\S", description: "Why this resource is excepted." },
        },
        required: ["reason"],
        additionalProperties: false,
        // Not in @pulumi/policy's schema type, but JSON Schema (and the CLI's validator) support it.
        ...({ anyOf: [{ required: ["urn"] }, { required: ["name"] }] } as PolicyConfigJSONSchema),
    },
};

function patternToRegExp(pattern: string): RegExp {
    const escaped = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
    return new RegExp(`^${escaped.join(".*")}$`);
}

function matches(exception: PolicyException, target: ViolationTarget): boolean {
    if (exception.urn === undefined && exception.name === undefined) return false;
    if (exception.urn !== undefined && !patternToRegExp(exception.urn).test(target.urn)) return false;
    if (exception.name !== undefined && !patternToRegExp(exception.name).test(target.name)) return false;
    if (
        exception.statement !== undefined &&
        (target.sid === undefined || !patternToRegExp(exception.statement).test(target.sid))
    )
        return false;
    return true;
}

function hasReason(exception: PolicyException): boolean {
    return typeof exception.reason === "string" && exception.reason.trim() !== "";
}

export type ExceptionMatch =
    | { readonly kind: "none" }
    | { readonly kind: "excepted"; readonly reason: string }
    | { readonly kind: "reasonless"; readonly index: number };

/** Whether config excepts the resource; an entry without a reason is reported, never honored. */
export function findException(config: BaseConfig, target: ViolationTarget): ExceptionMatch {
    const exceptions = Array.isArray(config.exceptions) ? config.exceptions : [];
    let reasonless: ExceptionMatch = { kind: "none" };
    for (const [index, exception] of exceptions.entries()) {
        if (!matches(exception, target)) continue;
        if (hasReason(exception)) return { kind: "excepted", reason: exception.reason as string };
        if (reasonless.kind === "none") reasonless = { kind: "reasonless", index };
    }
    return reasonless;
}

/**
 * Wraps CrossGuard's `reportViolation` so excepted resources are skipped and a reasonless exception
 * turns into part of the message.
 */
export function exceptionAwareReporter(
    policyName: string,
    config: BaseConfig,
    reportViolation: (message: string, urn?: string) => void,
): (target: ViolationTarget, message: string, reportUrn?: boolean) => void {
    return (target, message, reportUrn = false) => {
        const match = findException(config, target);
        if (match.kind === "excepted") return;
        const suffix =
            match.kind === "reasonless"
                ? ` (exceptions[${match.index}] of "${policyName}" matches this resource but gives no reason, so it is not honored)`
                : "";
        if (reportUrn) reportViolation(message + suffix, target.urn);
        else reportViolation(message + suffix);
    };
}
