/** The README as users read it: its sections and fenced code blocks, for tests that run what it says. */
import * as fs from "fs";
import * as path from "path";
import { repoRoot } from "../../tools/plan/runner";

export interface CodeBlock {
    /** The fence's info string (`ts`, `sh`, `json`, ...). */
    readonly lang: string;
    readonly text: string;
}

export function readme(root = repoRoot()): string {
    return fs.readFileSync(path.join(root, "README.md"), "utf8");
}

/** The text under a `## title` (or deeper) heading, up to the next heading of the same or a higher level. */
export function readmeSection(title: string, text = readme()): string {
    const lines = text.split("\n");
    // A `#` line inside a fenced code block is a shell comment, not a heading.
    let fenced = false;
    const heading = lines.map((line) => {
        if (line.startsWith("```")) fenced = !fenced;
        return !fenced && /^#{1,6} /.test(line) ? /^#+/.exec(line)![0].length : 0;
    });
    const start = lines.findIndex((line, i) => heading[i] >= 2 && line.replace(/^#+ /, "").trim() === title);
    if (start < 0) throw new Error(`README.md has no section "${title}"`);
    const level = heading[start];
    const end = heading.findIndex((h, i) => i > start && h > 0 && h <= level);
    return lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
}

/** Every fenced code block of a text, in order. */
export function codeBlocks(text: string, lang?: string): CodeBlock[] {
    const blocks: CodeBlock[] = [];
    const fence = /^```([\w-]*)\n([\s\S]*?)^```$/gm;
    for (let match = fence.exec(text); match; match = fence.exec(text)) {
        if (lang === undefined || match[1] === lang) blocks.push({ lang: match[1], text: match[2] });
    }
    return blocks;
}
