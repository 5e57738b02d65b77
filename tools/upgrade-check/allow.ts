/**
 * `upgrade-check.allow` at the repository root: the deletes and replacements a change means to make
 * (a pipeline retired, a raw backup turned off), reviewed with the change. One entry per line:
 * `<URN or URN pattern, * for any run of characters>  # why`; the reason is required. Blank lines and
 * lines starting with `#` are ignored.
 */
import * as fs from "fs";
import * as path from "path";
import { Finding } from "./compare";

export const ALLOW_FILE = "upgrade-check.allow";

export interface AllowEntry {
    readonly line: number;
    readonly pattern: string;
    readonly reason: string;
}

/** A line of the allow file that breaks its rules; the message names file, line and rule. */
export class AllowFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "AllowFileError";
    }
}

export function parseAllowFile(text: string, file = ALLOW_FILE): AllowEntry[] {
    const entries: AllowEntry[] = [];
    text.split("\n").forEach((raw, index) => {
        const line = raw.trim();
        if (line === "" || line.startsWith("#")) return;
        const hash = line.indexOf("#");
        const pattern = (hash < 0 ? line : line.slice(0, hash)).trim();
        const reason = hash < 0 ? "" : line.slice(hash + 1).trim();
        if (!pattern.startsWith("urn:pulumi:") || /\s/.test(pattern)) {
            throw new AllowFileError(
                `${file}:${index + 1}: an entry is one URN or URN pattern (urn:pulumi:<stack>::<project>::<type>::<name>, * for any run of characters), then # and the reason`,
            );
        }
        if (reason === "")
            throw new AllowFileError(
                `${file}:${index + 1}: ${pattern}: give the reason after # (it is what the reviewer approves)`,
            );
        entries.push({ line: index + 1, pattern, reason });
    });
    return entries;
}

/** The allow file of a checkout; none when it does not exist. */
export function readAllowFile(root: string): AllowEntry[] {
    const file = path.join(root, ALLOW_FILE);
    return fs.existsSync(file) ? parseAllowFile(fs.readFileSync(file, "utf8")) : [];
}

function matcher(pattern: string): RegExp {
    return new RegExp(
        `^${pattern
            .split("*")
            .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*")}$`,
        "s",
    );
}

/** Which findings an entry allows (by the old URN), and the entries that allow none. */
export function applyAllowList(
    findings: readonly Finding[],
    entries: readonly AllowEntry[],
): { allowed: Map<Finding, AllowEntry>; unused: AllowEntry[] } {
    const allowed = new Map<Finding, AllowEntry>();
    const used = new Set<AllowEntry>();
    const compiled = entries.map((entry) => ({ entry, regex: matcher(entry.pattern) }));
    for (const finding of findings) {
        const match = compiled.find(({ regex }) => regex.test(finding.oldUrn));
        if (match) {
            allowed.set(finding, match.entry);
            used.add(match.entry);
        }
    }
    return { allowed, unused: entries.filter((e) => !used.has(e)) };
}
