/**
 * Request contexts the way AWS builds them: tags of the resource (with the stacks' provider default
 * tags), carried as aws:RequestTag on a create and aws:ResourceTag afterwards, but only where the action
 * and resource type accept the key (IAM evaluates nothing else, so neither does the simulation).
 */
import { allowedContextKeysForRequest } from "@cloud-copilot/iam-simulate";
import { PlannedResource, StackPlan } from "../../../tools/plan/types";
import { pipelineConfig } from "./plans";

export type Context = Record<string, string | string[]>;

/** A value as the plan holds it: an object, or its JSON text (undefined when the text is not JSON). */
function parsedIfText(value: unknown): unknown {
    if (typeof value !== "string") return value;
    try {
        return JSON.parse(value);
    } catch {
        return undefined;
    }
}

function tagMap(value: unknown): Record<string, string> {
    const parsed = parsedIfText(value);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return {};
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) if (typeof v === "string") out[k] = v;
    return out;
}

/** `{ tags: {...} }` as the stack file or a provider's `defaultTags` holds it. */
function defaultTagsOf(value: unknown): Record<string, string> {
    const parsed = parsedIfText(value);
    return tagMap((parsed as { tags?: unknown } | null | undefined)?.tags);
}

/**
 * The tags AWS would see on a resource: the default provider's `aws:defaultTags` from the stack file, an
 * explicit provider's `defaultTags`, then the resource's own `tags`.
 */
export function effectiveTags(plan: StackPlan, resource: PlannedResource): Record<string, string> {
    let defaults: Record<string, string>;
    const providerRef = resource.options.provider;
    if (providerRef) {
        const providerUrn = providerRef.slice(0, providerRef.lastIndexOf("::"));
        const provider = plan.resources.find((r) => r.urn === providerUrn);
        defaults = defaultTagsOf(provider?.inputs.defaultTags);
    } else {
        defaults = defaultTagsOf(pipelineConfig(plan)["aws:defaultTags"]);
    }
    return { ...defaults, ...tagMap(resource.inputs.tags) };
}

/** `aws:resourcetag/${tagkey}` -> `aws:resourcetag/`; `kms:encryptioncontext:${encryptioncontextkey}` -> `kms:encryptioncontext:`. */
function variablePrefix(key: string): string | undefined {
    const variable = key.indexOf("${");
    return variable > 0 ? key.slice(0, variable) : undefined;
}

/** Keeps the entries of `context` that the action accepts on this resource. */
export async function applicable(action: string, resource: string, context: Context): Promise<Context> {
    const [service, name] = action.split(":");
    let allowed: string[];
    try {
        allowed = await allowedContextKeysForRequest(service, name, resource, false, undefined);
    } catch {
        // An ARN the data cannot place (the simulation reports it); keep the context as given.
        return context;
    }
    const exact = new Set(allowed);
    const prefixes = allowed.map(variablePrefix).filter((p): p is string => p !== undefined);
    const out: Context = {};
    for (const [key, value] of Object.entries(context)) {
        const lower = key.toLowerCase();
        if (exact.has(lower) || prefixes.some((p) => lower.startsWith(p))) out[key] = value;
    }
    return out;
}

export function tagContext(tags: Record<string, string>, kind: "request" | "resource" | "none"): Context {
    if (kind === "none") return {};
    const out: Context = {};
    for (const [key, value] of Object.entries(tags))
        out[`aws:${kind === "request" ? "Request" : "Resource"}Tag/${key}`] = value;
    if (kind === "request" && Object.keys(tags).length > 0) out["aws:TagKeys"] = Object.keys(tags);
    return out;
}
