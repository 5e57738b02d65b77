/**
 * The repository files a TypeScript program is built from: its entry and every relative import, followed
 * transitively with the TypeScript compiler's own import scanner. Package imports are not followed; they
 * come from package-lock.json.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

function resolveRelative(fromFile: string, specifier: string): string | undefined {
    const base = path.resolve(path.dirname(fromFile), specifier);
    for (const candidate of [`${base}.ts`, path.join(base, "index.ts"), base]) {
        if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
    }
    return undefined;
}

/** Repository-relative paths (forward slashes) of every file `entry` imports, directly or not, itself included. */
export function transitiveImports(root: string, entry: string): string[] {
    const seen = new Set<string>();
    const queue = [path.resolve(root, entry)];
    while (queue.length > 0) {
        const file = queue.pop() as string;
        if (seen.has(file)) continue;
        seen.add(file);
        const info = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
        for (const imported of info.importedFiles) {
            if (!imported.fileName.startsWith(".")) continue;
            const resolved = resolveRelative(file, imported.fileName);
            if (!resolved)
                throw new Error(`${path.relative(root, file)}: cannot resolve import "${imported.fileName}"`);
            queue.push(resolved);
        }
    }
    return [...seen].map((f) => path.relative(root, f).split(path.sep).join("/")).sort();
}
