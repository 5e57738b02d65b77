/**
 * Resource properties as the policies read them: plain data, with every value the engine cannot know yet
 * replaced by the `UNKNOWN` marker.
 *
 * CrossGuard hands a policy its properties wrapped in a proxy that throws `UnknownValueError` on any read
 * of a value that is unknown during preview (an ARN of a resource not created yet, a document built from
 * one). A policy that lets that error escape is reported by the engine as "can't run during preview" for
 * the whole resource, so a single unknown field would hide every other finding. Copying the properties
 * into plain data first lets each rule judge what it can, and say precisely what it could not.
 */

/** The slice of `@pulumi/policy`'s proxy module the pack relies on. */
interface PolicyProxyModule {
    readonly UnknownValueError: new (unknownTypeSentinel: string, props: string[]) => Error;
    readonly unknownCheckingProxy: <T extends object>(value: T) => T;
    /** Property names the proxy answers itself: "am I a proxy", and "the object behind me". */
    readonly isSpecialProxy: string;
    readonly getSpecialProxyTarget: string;
    readonly unknownStringValue: string;
    readonly unknownBooleanValue: string;
    readonly unknownNumberValue: string;
    readonly unknownArrayValue: string;
    readonly unknownObjectValue: string;
    readonly unknownAssetValue: string;
    readonly unknownArchiveValue: string;
}

/**
 * Loaded from its own file rather than the package index: the index pulls in @pulumi/pulumi and gRPC
 * (about a second), and this file is the very module the analyzer server checks `instanceof` against.
 */
export const policyProxy: PolicyProxyModule = require("@pulumi/policy/proxy");

/** Stands for a value the engine cannot know yet. */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");
export type Unknown = typeof UNKNOWN;

export type Plain = string | number | boolean | null | undefined | Unknown | Plain[] | PlainObject;
export interface PlainObject {
    [key: string]: Plain;
}

export function isUnknown(value: unknown): value is Unknown {
    return value === UNKNOWN;
}

export function isUnknownValueError(error: unknown): boolean {
    return error instanceof policyProxy.UnknownValueError;
}

const UNKNOWN_SENTINELS = new Set<unknown>([
    policyProxy.unknownStringValue,
    policyProxy.unknownBooleanValue,
    policyProxy.unknownNumberValue,
    policyProxy.unknownArrayValue,
    policyProxy.unknownObjectValue,
    policyProxy.unknownAssetValue,
    policyProxy.unknownArchiveValue,
]);

/** Reads one property, turning the proxy's "unknown" exception into the marker. */
function readProperty(container: Record<string | number, unknown>, key: string | number): unknown {
    try {
        const value = container[key];
        return UNKNOWN_SENTINELS.has(value) ? UNKNOWN : value;
    } catch (error) {
        if (isUnknownValueError(error)) return UNKNOWN;
        throw error;
    }
}

/**
 * Deep-copies (possibly proxied) properties into plain data. Works the same on CrossGuard's proxies, on
 * raw deserialized properties (sentinel strings) and on the offline evaluator's values.
 */
export function toPlain(value: unknown): Plain {
    if (value !== null && typeof value === "object") {
        // Unwrapping the proxy once reads the raw values, sentinels included, without an exception (and its
        // stack trace) per unknown field; the nested values behind it are raw too.
        const proxied = value as Record<string, unknown>;
        if (proxied[policyProxy.isSpecialProxy] === true) value = proxied[policyProxy.getSpecialProxyTarget];
    }
    if (value === UNKNOWN || UNKNOWN_SENTINELS.has(value)) return UNKNOWN;
    if (value === null || value === undefined) return value;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
    if (Array.isArray(value)) {
        const items: Plain[] = [];
        const length = readProperty(value as unknown as Record<string, unknown>, "length");
        if (typeof length !== "number") return UNKNOWN;
        for (let i = 0; i < length; i++)
            items.push(toPlain(readProperty(value as unknown as Record<number, unknown>, i)));
        return items;
    }
    if (typeof value === "object") {
        const result: PlainObject = {};
        for (const key of Object.keys(value))
            result[key] = toPlain(readProperty(value as Record<string, unknown>, key));
        return result;
    }
    // Functions, symbols, bigints: nothing a resource property can legitimately hold.
    return undefined;
}

/** `value` as an object, or undefined when it is absent, unknown or not an object. */
export function asObject(value: Plain): PlainObject | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as PlainObject) : undefined;
}

/** `value` as an array; a single non-array value becomes a one-element array; absent becomes empty. */
export function asArray(value: Plain): Plain[] {
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value : [value];
}

/** A known string, or undefined (absent, unknown, or another type). */
export function asString(value: Plain): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/**
 * Collects what a validation could not judge. `finish()` rethrows it as the engine's own
 * `UnknownValueError`, so CrossGuard reports "can't run ... during preview" (advisory) next to any
 * violation already found, instead of a silent pass; the offline evaluator records the same as
 * "undetermined".
 */
export class Undetermined {
    private readonly reasons: string[] = [];

    /** `what` names the property path or fact that was unknown, e.g. `assumeRolePolicy`. */
    note(what: string): void {
        if (!this.reasons.includes(what)) this.reasons.push(what);
    }

    get any(): boolean {
        return this.reasons.length > 0;
    }

    finish(): void {
        if (this.reasons.length === 0) return;
        throw new policyProxy.UnknownValueError(policyProxy.unknownStringValue, [this.reasons.join(", .")]);
    }
}
