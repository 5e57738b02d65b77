import * as fs from "fs";
import * as path from "path";

/**
 * Access to the seed design that sits beside the repository (../shared/reference/seed-design.md), for tests
 * that compare generated artefacts with the seed's own text. Absent outside this workspace: callers skip.
 */

/** The repository root: the nearest folder above the compiled test that holds package.json. */
export function repoRoot(): string {
    let dir = __dirname;
    while (!fs.existsSync(path.join(dir, "package.json"))) {
        const parent = path.dirname(dir);
        if (parent === dir) {
            throw new Error(`no package.json above ${__dirname}`);
        }
        dir = parent;
    }
    return dir;
}

export const SEED_DESIGN_PATH = path.resolve(repoRoot(), "..", "shared", "reference", "seed-design.md");

/** The seed design's text, or undefined when the file is not there. */
export function readSeedDesign(): string | undefined {
    return fs.existsSync(SEED_DESIGN_PATH) ? fs.readFileSync(SEED_DESIGN_PATH, "utf8") : undefined;
}

/** The seed's `CREATE TABLE` statements from its ```sql blocks, keyed by `schema.table` as written. */
export function seedCreateTableStatements(markdown: string): Map<string, string> {
    const statements = new Map<string, string>();
    for (const block of markdown.matchAll(/```sql\n([\s\S]*?)```/g)) {
        const sql = block[1].trim();
        const table = /^CREATE\s+TABLE\s+IF\s+NOT\s+EXISTS\s+([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)/i.exec(sql);
        if (table !== null) {
            statements.set(table[1].toLowerCase(), sql);
        }
    }
    return statements;
}
