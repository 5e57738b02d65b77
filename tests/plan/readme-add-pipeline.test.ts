import { expect } from "chai";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { PipelineDefinition } from "../../shared/pipeline-codegen/definition";
import { pipelines } from "../../shared/pipelines";
import { repoRoot } from "../../tools/plan/runner";
import { codeBlocks, readmeSection } from "../support/readme";
import { scratchCopy } from "../support/scratch";

/**
 * The README's "Add a pipeline" steps, followed verbatim on a scratch copy of the repository: its ```ts
 * blocks (each headed `// <file>`) are applied, the files they touch are type-checked and transpiled
 * in-process (the rest of build/ is reused), then the plan with the policy pack and the pipeline tests run
 * there. README and code cannot drift apart, and a user following the steps stays green.
 */

const SECTION = "Add a pipeline";

interface FileEdit {
    /** Relative to the repository root. */
    readonly file: string;
    readonly lines: readonly string[];
}

/** The README's ```ts blocks of the section, each headed by `// <file>`. */
function readmeEdits(section: string): FileEdit[] {
    return codeBlocks(section, "ts").map((block) => {
        const [header, ...lines] = block.text.replace(/\n$/, "").split("\n");
        const file = /^\/\/ (\S+\.ts)$/.exec(header)?.[1];
        if (!file) throw new Error(`README "${SECTION}": a ts block must start with "// <file>" (got ${JSON.stringify(header)})`);
        return { file, lines };
    });
}

/**
 * Applies one block as its words say: a new file is written as shown; in an existing file an `import` line
 * is added after the imports and an `export const NAME ...;` line replaces that declaration. A repository
 * where the user already followed the steps is left as it is.
 */
export function applyEdit(root: string, edit: FileEdit): void {
    const file = path.join(root, edit.file);
    const whole = edit.lines.join("\n") + "\n";
    if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === whole) return;
    if (!fs.existsSync(file) || edit.lines.some((line) => /^export const \w+: PipelineDefinition = \{$/.test(line))) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, whole);
        return;
    }
    let text = fs.readFileSync(file, "utf8");
    for (const line of edit.lines) {
        if (line.trim() === "") continue;
        if (line.startsWith("import ")) {
            if (text.includes(line)) continue;
            const imports = [...text.matchAll(/^import .*;$/gm)];
            const at = imports.length > 0 ? imports[imports.length - 1].index! + imports[imports.length - 1][0].length + 1 : 0;
            text = text.slice(0, at) + line + "\n" + text.slice(at);
            continue;
        }
        const name = /^export const (\w+)\b/.exec(line)?.[1];
        const declaration = name === undefined ? null : new RegExp(`^export const ${name}\\b[\\s\\S]*?;$`, "m").exec(text);
        if (!declaration) throw new Error(`README "${SECTION}", ${edit.file}: cannot apply ${JSON.stringify(line)} (neither an import nor a declaration the file has)`);
        // "Append it to the list": what the file lists already stays, whatever else the user declared.
        const items = (statement: string) => /=\s*\[([\w\s,]*)\];$/.exec(statement)?.[1].split(",").map((x) => x.trim()).filter((x) => x !== "");
        const [current, wanted] = [items(declaration[0]), items(line)];
        const merged = current && wanted ? line.replace(/\[[\w\s,]*\];$/, `[${[...current, ...wanted.filter((x) => !current.includes(x))].join(", ")}];`) : line;
        text = text.slice(0, declaration.index) + merged + text.slice(declaration.index + declaration[0].length);
    }
    fs.writeFileSync(file, text);
}

function compilerOptions(root: string): ts.CompilerOptions {
    const configFile = path.join(root, "tsconfig.json");
    const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configFile, ts.sys.readFile).config, ts.sys, root);
    return { ...parsed.options, incremental: false, tsBuildInfoFile: undefined, sourceMap: false };
}

/** Type-checks the edited files (and what they import), then writes their JavaScript into build/. */
function compileEdited(root: string, files: readonly string[]): void {
    const options = compilerOptions(root);
    const program = ts.createProgram(files.map((f) => path.join(root, f)), { ...options, noEmit: true });
    const diagnostics = ts.getPreEmitDiagnostics(program);
    const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" };
    expect(diagnostics.length, ts.formatDiagnostics(diagnostics, host)).to.equal(0);
    for (const file of files) {
        const source = fs.readFileSync(path.join(root, file), "utf8");
        const output = ts.transpileModule(source, { compilerOptions: options, fileName: file }).outputText;
        const target = path.join(root, "build", file.replace(/\.ts$/, ".js"));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, output);
    }
}

/** Runs the tests of `files` whose title matches `grep`, in a process of their own. */
function runMocha(root: string, files: readonly string[], grep: string): Promise<{ status: number | null; output: string }> {
    const mocha = path.join(root, "node_modules", "mocha", "bin", "mocha.js");
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [mocha, "--no-config", "--reporter", "dot", "--timeout", "120000", "--grep", grep, ...files], { cwd: root });
        let output = "";
        child.stdout.on("data", (chunk) => (output += chunk));
        child.stderr.on("data", (chunk) => (output += chunk));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, output }));
    });
}

describe("README: Add a pipeline, followed verbatim", function () {
    const root = repoRoot();
    const section = readmeSection(SECTION);
    let scratch: string;

    before(() => {
        scratch = scratchCopy(root, "readme-add-pipeline");
    });
    after(() => {
        if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    it("lists every command to run after the edit: the diagram, the tests and the plan", () => {
        const commands = codeBlocks(section, "sh").map((b) => b.text).join("\n");
        for (const command of ["npm run diagram", "npm test", "npm run plan"]) expect(commands, command).to.include(command);
        const scripts = Object.keys((JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);
        for (const [, script] of commands.matchAll(/npm run (\w+)/g)) expect(scripts, `npm run ${script}`).to.include(script);
    });

    it("plans the new pipeline in both stacks with no policy violation, and the pipeline tests pass", async () => {
        const edits = readmeEdits(section);
        expect(edits.map((e) => e.file), "the declaration and the list").to.include("shared/pipelines/index.ts");
        for (const edit of edits) applyEdit(scratch, edit);
        compileEdited(scratch, edits.map((e) => e.file));

        // The pipelines the README's blocks declare (whether or not this repository already has them).
        const declared = (require(path.join(scratch, "build", "shared", "pipelines")) as { pipelines: PipelineDefinition[] }).pipelines;
        const blocks = edits.map((e) => e.lines.join("\n")).join("\n");
        const added = declared.filter((def) => blocks.includes(`name: "${def.name}"`));
        expect(added.length, "the README adds a pipeline").to.be.greaterThan(0);
        expect(declared.length, "and keeps every declared one").to.be.at.least(pipelines.length);

        // The pipeline tests run per declared pipeline, titled by its name: those of the new one run,
        // beside the plan (the suite's time budget has no room for the whole folder twice).
        const tests = fs.readdirSync(path.join(scratch, "build", "tests", "pipeline")).filter((f) => f.endsWith(".test.js")).map((f) => path.join("build", "tests", "pipeline", f));
        const pipelineTests = runMocha(scratch, tests, added.map((def) => def.name.replace(/[^a-z0-9]/g, "\\$&")).join("|"));

        const runner = require(path.join(scratch, "build", "tools", "plan", "runner")) as typeof import("../../tools/plan/runner");
        const { result, violations } = await runner.planAndEnforce({ write: false });
        expect(violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => `${v.policy}: ${v.message}`)).to.deep.equal([]);
        const engineering = result.plans.find((p) => p.project === "tracking-engineering")!;
        const dataPlatform = result.plans.find((p) => p.project === "tracking-data-platform")!;
        for (const def of added) {
            const streams = engineering.resources.filter((r) => r.type === "aws:kinesis/stream:Stream" && String(r.outputs.name).endsWith(`-${def.name}`));
            expect(streams, `${def.name}: its stream`).to.have.length(1);
            const ddl = dataPlatform.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/redshift:Table" && r.id === `${def.table.schema}.${def.table.name}`);
            expect(ddl.length, `${def.name}: its Redshift table`).to.equal(1);
        }
        const { buildGraph } = require(path.join(scratch, "build", "tools", "diagram", "graph")) as typeof import("../../tools/diagram/graph");
        expect(buildGraph(result.plans).problems, "npm run diagram draws every chain").to.deep.equal([]);

        const { status, output } = await pipelineTests;
        expect(status, output.slice(-4000)).to.equal(0);
        expect(Number(/(\d+) passing/.exec(output)?.[1] ?? 0), `the new pipeline's own tests ran:\n${output.slice(-2000)}`).to.be.greaterThan(added.length);
    });
});
