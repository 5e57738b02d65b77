/**
 * In AWS provider v7 a bucket's settings (public access block, encryption, versioning, ownership, policy)
 * and an API stage's method settings are separate resources that point at their parent through an input
 * (`bucket`, `restApi` + `stageName`). Stack policies pair them: by value when the value is known, and by
 * CrossGuard's property dependencies (the input was computed from the parent's output) when it is not.
 */
import type { StackResource } from "./define";
import { asString, isUnknown, UNKNOWN, Unknown } from "./plain";

/** The known string values of `properties` on a resource (`id`, `bucket`, `name`...). */
export function knownIdentities(resource: StackResource, properties: readonly string[]): Set<string> {
    const identities = new Set<string>();
    for (const property of properties) {
        const value = asString(resource.props[property]);
        if (value !== undefined && value !== "") identities.add(value);
    }
    return identities;
}

/**
 * The resources of `types` whose `property` refers to `parent`. UNKNOWN when none matched but some
 * candidate's reference cannot be resolved yet, so the caller reports "cannot judge" rather than "missing".
 */
export function companionsOf(
    parent: StackResource,
    parentIdentities: ReadonlySet<string>,
    resources: readonly StackResource[],
    types: readonly string[],
    property: string,
): StackResource[] | Unknown {
    const matched: StackResource[] = [];
    let unresolved = false;
    for (const candidate of resources) {
        if (!types.includes(candidate.type)) continue;
        const dependsOnParent = (candidate.propertyDependencies[property] ?? []).includes(parent.urn);
        const value = candidate.props[property];
        if (dependsOnParent || (typeof value === "string" && parentIdentities.has(value))) {
            matched.push(candidate);
        } else if (isUnknown(value) && (candidate.propertyDependencies[property] ?? []).length === 0) {
            unresolved = true;
        }
    }
    return matched.length === 0 && unresolved ? UNKNOWN : matched;
}

/** Glob match with `*` and `?`, as IAM matches ARNs. */
export function globMatches(pattern: string, value: string): boolean {
    const source = pattern
        .split("")
        .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
        .join("");
    return new RegExp(`^${source}$`).test(value);
}
