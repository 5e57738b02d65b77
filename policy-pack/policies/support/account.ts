/**
 * The AWS account a resource is deployed into, as far as a policy can tell.
 *
 * CrossGuard tells a policy which provider a resource uses, with the provider's inputs. The project pins
 * each stack's account with `aws:allowedAccountIds` (the default provider carries it); an explicit provider
 * that assumes a role names the account in the role ARN. The offline evaluator fills the same provider
 * inputs from the plan's `account`.
 */
import { asArray, asObject, asString, isUnknown, Plain, PlainObject, UNKNOWN, Unknown } from "./plain";

const ACCOUNT_ID = /^\d{12}$/;

/** The account of an IAM ARN (`arn:aws:iam::123456789012:role/x`), or of a bare account id. */
export function accountOfArnOrId(value: string): string | undefined {
    if (ACCOUNT_ID.test(value)) return value;
    const parts = value.split(":");
    if (parts.length >= 6 && parts[0] === "arn" && ACCOUNT_ID.test(parts[4])) return parts[4];
    return undefined;
}

/** Provider config values arrive either as JSON-encoded strings (default providers) or as values. */
function decoded(value: Plain): Plain {
    if (typeof value !== "string") return value;
    const trimmed = value.trim();
    if (!trimmed.startsWith("[") && !trimmed.startsWith("{")) return value;
    try {
        return JSON.parse(trimmed) as Plain;
    } catch {
        return value;
    }
}

/**
 * The one account the provider may deploy into, UNKNOWN when the engine cannot know it yet, undefined
 * when the provider does not say (or allows several).
 */
export function ownAccountFromProvider(providerProps: PlainObject | undefined): string | Unknown | undefined {
    if (providerProps === undefined) return undefined;
    const allowed = decoded(providerProps.allowedAccountIds);
    if (isUnknown(allowed)) return UNKNOWN;
    const ids = asArray(allowed)
        .map((id) => (typeof id === "string" ? id.trim() : undefined))
        .filter((id): id is string => id !== undefined && id !== "");
    if (ids.length === 1 && ACCOUNT_ID.test(ids[0])) return ids[0];
    if (ids.length > 1) return undefined;

    const assumeRoles = decoded(providerProps.assumeRoles ?? providerProps.assumeRole);
    if (isUnknown(assumeRoles)) return UNKNOWN;
    const roleArns = asArray(assumeRoles)
        .map((entry) => asObject(decoded(entry as Plain))?.roleArn)
        .filter((arn) => arn !== undefined);
    if (roleArns.some(isUnknown)) return UNKNOWN;
    const accounts = new Set(
        roleArns.map((arn) => accountOfArnOrId(asString(arn as Plain) ?? "")).filter((a) => a !== undefined),
    );
    return accounts.size === 1 ? [...accounts][0] : undefined;
}
