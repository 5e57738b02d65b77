/** A throwaway copy of the repository, for tests that change files a user would change. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Copies the repository with build/ (node_modules linked; plans and git left out) into a temporary folder. */
export function scratchCopy(root: string, prefix: string): string {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
    const skip = new Set(["node_modules", ".git", "plan"].map((d) => path.join(root, d)));
    fs.cpSync(root, scratch, { recursive: true, filter: (source) => !skip.has(source) });
    fs.symlinkSync(path.join(root, "node_modules"), path.join(scratch, "node_modules"), "dir");
    return scratch;
}
