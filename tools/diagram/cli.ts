/**
 * `npm run diagram [-- --check]`: regenerates the generated sections of docs/architecture.md
 * (the Mermaid diagram, from the offline plans of every stack) and docs/components.md (inputs and outputs
 * of every component, from shared/*.ts). With `--check` nothing is written: exits 1 naming each stale file.
 */
import * as fs from "fs";
import * as path from "path";
import { CommandSpec, helpText, parseFlags, usageLine } from "../cli-args";
import { passLine } from "../plan/summary";
import { PlanError, repoRoot, runPlan } from "../plan/runner";
import { StackFileError } from "../plan/stack-files";
import { StackPlan } from "../plan/types";
import { collectComponents, renderComponentsDoc } from "./components-doc";
import { readSection, REGENERATE_COMMAND, writeSection } from "./generated-section";
import { buildGraph } from "./graph";
import { renderMermaid } from "./mermaid";

export const ARCHITECTURE_DOC = "docs/architecture.md";
export const COMPONENTS_DOC = "docs/components.md";
export const ARCHITECTURE_SECTION = "architecture";
export const COMPONENTS_SECTION = "components";

export const DIAGRAM_COMMAND: CommandSpec = {
    command: "npm run diagram",
    summary:
        "Regenerates the diagram in docs/architecture.md from the offline plans of the dev stacks, and docs/components.md\nfrom the component library (shared/*.ts).",
    flags: [{ name: "--check", help: "write nothing; exit 1 naming each stale file" }],
};

/** The generated part of docs/architecture.md for these plans. */
export function architectureSection(plans: readonly StackPlan[]): string {
    const graph = buildGraph(plans);
    const lines = ["```mermaid", renderMermaid(graph), "```"];
    lines.push("", `Derived from ${plans.map((p) => `\`plan/${p.project}.${p.stack}.json\``).join(", ")}.`);
    if (graph.problems.length > 0)
        lines.push("", "References that lead nowhere:", "", ...graph.problems.map((p) => `- ${p}`));
    return lines.join("\n");
}

export function componentsSection(root: string): string {
    return renderComponentsDoc(collectComponents(root));
}

const HEADERS: Record<string, string> = {
    [ARCHITECTURE_DOC]: [
        "# Architecture",
        "",
        "What the stacks will create, drawn from the plans (`npm run plan`) rather than by hand: one box per",
        "AWS account, one chain per pipeline, API route -> Kinesis stream -> Firehose -> landing prefix ->",
        "Glue load job -> Redshift table, with the S3 crawler and its Glue table beside the prefix and the JDBC",
        "crawler beside the Redshift table (catalogs for users, not the load). Every arrow is a reference between two",
        "planned resources (an ARN, a bucket path, a job argument), so a broken wire shows up here and in",
        "`tests/ops/diagram.test.ts`. Solid arrows carry data; dotted ones carry schema and crawls.",
        "",
    ].join("\n"),
    [COMPONENTS_DOC]: [
        "# Components",
        "",
        "The component library in `shared/`: every `pulumi.ComponentResource`, its inputs (the `...Args`",
        "interface) and its outputs, generated from the source and its doc comments.",
        "",
    ].join("\n"),
};

/** The file's text with its section regenerated (the file is created with its header when missing). */
export function updatedDoc(root: string, doc: string, section: string, content: string): string {
    const file = path.join(root, doc);
    const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : HEADERS[doc];
    return writeSection(current, section, content);
}

/** Whether the file's section equals `content`. */
export function isCurrent(root: string, doc: string, section: string, content: string): boolean {
    const file = path.join(root, doc);
    return fs.existsSync(file) && readSection(fs.readFileSync(file, "utf8"), section) === content;
}

async function main(): Promise<number> {
    let check: boolean;
    try {
        const flags = parseFlags(DIAGRAM_COMMAND, process.argv.slice(2));
        if (flags.help) {
            console.log(helpText(DIAGRAM_COMMAND));
            return 0;
        }
        check = flags.values.has("--check");
    } catch (err) {
        console.error(`diagram: ${(err as Error).message}\n${usageLine(DIAGRAM_COMMAND)}`);
        return 2;
    }
    const root = repoRoot();
    let plans: StackPlan[];
    try {
        plans = (await runPlan({ stack: "dev", write: false, root, onPass: (pass) => console.error(passLine(pass)) }))
            .plans;
    } catch (err) {
        const known = err instanceof PlanError || err instanceof StackFileError;
        console.error(`diagram: the plan failed: ${known ? (err as Error).message : (err as Error).stack}`);
        return 1;
    }
    const sections: Array<[string, string, string]> = [
        [ARCHITECTURE_DOC, ARCHITECTURE_SECTION, architectureSection(plans)],
        [COMPONENTS_DOC, COMPONENTS_SECTION, componentsSection(root)],
    ];
    let stale = 0;
    for (const [doc, section, content] of sections) {
        if (isCurrent(root, doc, section, content)) {
            console.log(`${doc}: current`);
        } else if (check) {
            console.error(`${doc}: stale; run \`${REGENERATE_COMMAND}\``);
            stale++;
        } else {
            fs.mkdirSync(path.dirname(path.join(root, doc)), { recursive: true });
            fs.writeFileSync(path.join(root, doc), updatedDoc(root, doc, section, content));
            console.log(`${doc}: written`);
        }
    }
    return stale > 0 ? 1 : 0;
}

if (require.main === module) {
    main().then((code) => {
        process.exitCode = code;
    });
}
