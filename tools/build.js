/**
 * `npm run build`: the runnable JavaScript of every TypeScript source under tsconfig.json's `include`, in
 * `build/`, one file at a time, without type-checking, rebuilt only when a content hash changed.
 * Usage: node tools/build.js [--quiet] [--then <script.js> [args...]]. Details: docs/design.md, "The build".
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const OUT = path.join(ROOT, "build");
const MANIFEST = path.join(OUT, ".build-manifest.json");
const SKIP_DIRS = new Set(["node_modules"]);
/** Node's on-disk compile cache (`module.enableCompileCache`, `NODE_COMPILE_CACHE`), inside build/. */
const COMPILE_CACHE = path.join(OUT, ".node-compile-cache");
/** package.json engines.node, the SDK's own minimum. */
const MIN_NODE_MAJOR = 22;

function hash(text) {
    return crypto.createHash("sha1").update(text).digest("hex");
}

/** Every file tsc would emit from: .ts sources (not declarations) and the JSON files they may import. */
function sources(includeDirs) {
    const found = [];
    const walk = (dir) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                if (!SKIP_DIRS.has(entry.name)) walk(full);
            } else if (
                (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) ||
                (entry.name.endsWith(".json") && entry.name !== "package.json")
            ) {
                found.push(path.relative(ROOT, full));
            }
        }
    };
    for (const dir of includeDirs) if (fs.existsSync(path.join(ROOT, dir))) walk(path.join(ROOT, dir));
    return found.sort();
}

function outputsOf(rel) {
    if (rel.endsWith(".json")) return [rel];
    const js = rel.replace(/\.ts$/, ".js");
    return [js, `${js}.map`];
}

function readManifest() {
    try {
        return JSON.parse(fs.readFileSync(MANIFEST, "utf8"));
    } catch {
        return { settings: "", files: {} };
    }
}

/** Deletes outputs under the include dirs that no current source produces. */
function removeOrphans(includeDirs, expected) {
    let removed = 0;
    const walk = (dir) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) walk(full);
            else if (!expected.has(path.relative(OUT, full))) {
                fs.rmSync(full);
                removed++;
            }
        }
    };
    for (const dir of includeDirs) if (fs.existsSync(path.join(OUT, dir))) walk(path.join(OUT, dir));
    return removed;
}

/** Brings build/ up to date; returns the sources it transpiled and how many stale outputs it removed. */
function build({ quiet } = { quiet: false }) {
    const tsconfigText = fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8");
    const tsconfig = JSON.parse(tsconfigText);
    const includeDirs = tsconfig.include;
    const tsVersion = JSON.parse(
        fs.readFileSync(require.resolve("typescript/package.json", { paths: [ROOT] }), "utf8"),
    ).version;
    const settings = hash([tsconfigText, fs.readFileSync(__filename, "utf8"), tsVersion].join("\0"));

    const manifest = readManifest();
    const previous = manifest.settings === settings ? manifest.files : {};
    const files = {};
    const stale = [];
    for (const rel of sources(includeDirs)) {
        const text = fs.readFileSync(path.join(ROOT, rel), "utf8");
        const digest = hash(text);
        files[rel] = digest;
        if (previous[rel] !== digest || !outputsOf(rel).every((o) => fs.existsSync(path.join(OUT, o))))
            stale.push({ rel, text });
    }

    if (stale.length > 0) {
        // Loaded only when something changed: TypeScript itself takes longer to load than the check above.
        const ts = require("typescript");
        const { options, errors } = ts.convertCompilerOptionsFromJson(tsconfig.compilerOptions, ROOT);
        if (errors.length > 0)
            throw new Error(
                `tsconfig.json: ${errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, "\n")).join("; ")}`,
            );
        // No "type": "module" in package.json, so every file is CommonJS, as tsc emits it under node20.
        const compilerOptions = {
            ...options,
            module: ts.ModuleKind.CommonJS,
            moduleResolution: ts.ModuleResolutionKind.Node10,
            ignoreDeprecations: "6.0",
            incremental: false,
            tsBuildInfoFile: undefined,
            declaration: false,
            noEmit: false,
        };
        for (const { rel, text } of stale) {
            const outFile = path.join(OUT, outputsOf(rel)[0]);
            fs.mkdirSync(path.dirname(outFile), { recursive: true });
            if (rel.endsWith(".json")) {
                fs.writeFileSync(outFile, text);
                continue;
            }
            const result = ts.transpileModule(text, {
                compilerOptions,
                fileName: path.join(ROOT, rel),
                reportDiagnostics: true,
            });
            const syntaxErrors = (result.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
            if (syntaxErrors.length > 0) {
                delete files[rel];
                const d = syntaxErrors[0];
                const where =
                    d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
                throw new Error(
                    `${rel}${where ? `:${where.line + 1}:${where.character + 1}` : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
                );
            }
            // The map names its source relative to the output, as tsc writes it.
            const map = JSON.parse(result.sourceMapText);
            map.file = path.basename(outFile);
            map.sources = [path.relative(path.dirname(outFile), path.join(ROOT, rel)).split(path.sep).join("/")];
            fs.writeFileSync(outFile, result.outputText);
            fs.writeFileSync(`${outFile}.map`, JSON.stringify(map));
        }
    }
    const expected = new Set(Object.keys(files).flatMap(outputsOf));
    const removed = removeOrphans(includeDirs, expected);
    if (stale.length > 0 || removed > 0 || manifest.settings !== settings) {
        fs.mkdirSync(OUT, { recursive: true });
        fs.writeFileSync(MANIFEST, JSON.stringify({ settings, files }, null, 1) + "\n");
    }
    if (!quiet && (stale.length > 0 || removed > 0)) {
        console.error(
            `build: ${stale.length} file(s) transpiled${removed > 0 ? `, ${removed} stale output(s) removed` : ""}`,
        );
    }
    return { transpiled: stale.map((s) => s.rel), removed };
}

function main() {
    const args = process.argv.slice(2);
    const then = args.indexOf("--then");
    const own = then >= 0 ? args.slice(0, then) : args;
    const quiet = own.includes("--quiet");
    const major = Number(process.versions.node.split(".")[0]);
    if (major < MIN_NODE_MAJOR) {
        console.error(
            `Node.js ${MIN_NODE_MAJOR}+ is required (the Pulumi SDK needs it); this is ${process.version} at ${process.execPath}.\n` +
                "On Linux x64/arm64 `npm ci` installs Node 24 for npm scripts; elsewhere install Node 24 (`nvm install` reads .nvmrc).",
        );
        process.exit(1);
    }
    try {
        build({ quiet });
    } catch (err) {
        console.error(`build failed: ${err.message}`);
        process.exit(1);
    }
    if (then >= 0) {
        const script = path.resolve(args[then + 1]);
        process.argv = [process.argv[0], script, ...args.slice(then + 2)];
        // V8's compiled code of every module loaded (the provider SDKs are thousands of files), kept
        // between runs: a tenth of a plan's CPU. Node drops entries whose source changed.
        require("module").enableCompileCache?.(process.env.NODE_COMPILE_CACHE ?? COMPILE_CACHE);
        // As `node <script>` would: the script is the main module (its `require.main === module` holds).
        require("module").runMain(script);
    }
}

if (require.main === module) main();
module.exports = { build, COMPILE_CACHE };
