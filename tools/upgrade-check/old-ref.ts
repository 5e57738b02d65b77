/**
 * The plans of an earlier commit, made by that commit's own code, dependencies and `npm run plan`: its
 * tree is exported (`git archive`, nothing registered in the repository) to a temporary folder, installed
 * there with `npm ci` from its own lockfile and planned there. A commit is planned exactly as it was
 * deployed, whatever the current tree changed in the SDK, the provider or the plan tool.
 */
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { StackPlan } from "../plan/types";

/** A git or npm step that failed; the message names the command and ends with its output. */
export class OldRefError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "OldRefError";
    }
}

function run(
    command: string,
    args: readonly string[],
    cwd: string,
    env: NodeJS.ProcessEnv = process.env,
): SpawnSyncReturns<string> {
    return spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
}

function tail(text: string, lines = 30): string {
    return text.trimEnd().split("\n").slice(-lines).join("\n");
}

export function git(root: string, args: readonly string[]): string {
    const result = run("git", args, root);
    if (result.error) throw new OldRefError(`git ${args.join(" ")}: ${result.error.message}`);
    if (result.status !== 0) throw new OldRefError(`git ${args.join(" ")} failed:\n${tail(result.stderr)}`);
    return result.stdout.trim();
}

/** The commit a ref names, or an error naming the ref. */
export function resolveCommit(root: string, ref: string): string {
    const result = run("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], root);
    if (result.status !== 0 || !result.stdout.trim())
        throw new OldRefError(`--from ${ref}: no such commit in this repository`);
    return result.stdout.trim();
}

/**
 * The default commit to compare with: where the current branch left `main` (or `origin/main`), or, on
 * `main` itself, the commit before HEAD.
 */
export function defaultBase(root: string): { ref: string; commit: string } {
    const head = resolveCommit(root, "HEAD");
    for (const main of ["main", "origin/main"]) {
        const base = run("git", ["merge-base", "HEAD", main], root);
        const commit = base.status === 0 ? base.stdout.trim() : "";
        if (commit && commit !== head) return { ref: `merge-base of HEAD and ${main}`, commit };
    }
    return { ref: "HEAD~1", commit: resolveCommit(root, "HEAD~1") };
}

/** Stack names of a project folder at a commit (`Pulumi.<stack>.yaml` beside its Pulumi.yaml). */
export function stacksAtCommit(root: string, commit: string, dir: string): string[] {
    const listing = git(root, ["ls-tree", "--name-only", `${commit}:${dir}`]);
    return listing
        .split("\n")
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/**
 * The environment a child npm runs in: this process's, without what `npm run` exported about the
 * current package (`npm_package_*`, `npm_lifecycle_*`, the local prefix), so the child works on the
 * exported tree; the user's npm configuration (cache, registry, userconfig) is kept.
 */
function childEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
        const lower = key.toLowerCase();
        if (
            lower.startsWith("npm_package_") ||
            lower.startsWith("npm_lifecycle_") ||
            lower === "npm_config_local_prefix" ||
            lower === "npm_config_prefix" ||
            lower === "init_cwd"
        )
            continue;
        env[key] = value;
    }
    return env;
}

export interface OldPlans {
    readonly plans: StackPlan[];
    /** Where the commit was exported (removed unless kept). */
    readonly dir: string;
}

/**
 * Exports `commit`, installs it and plans each environment stack there (`npm run plan -- --stack <s>
 * --out <dir>`); returns every plan written (the bootstrap stacks once). `log` receives progress lines.
 */
export function planCommit(
    root: string,
    commit: string,
    stacks: readonly string[],
    log: (line: string) => void,
    keep = false,
): OldPlans {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tracking-upgrade-check-"));
    const tree = path.join(dir, "tree");
    try {
        fs.mkdirSync(tree);
        log(`upgrade-check: exporting ${commit.slice(0, 12)} to ${tree}`);
        const archive = run(
            "sh",
            ["-c", `git -C "$1" archive --format=tar "$2" | tar -x -C "$3"`, "sh", root, commit, tree],
            root,
        );
        if (archive.status !== 0) throw new OldRefError(`git archive ${commit} failed:\n${tail(archive.stderr)}`);
        if (!fs.existsSync(path.join(tree, "package-lock.json")))
            throw new OldRefError(
                `${commit.slice(0, 12)} has no package-lock.json: it cannot be installed as it was deployed`,
            );
        log("upgrade-check: npm ci (its own lockfile)");
        const env = childEnv();
        const install = run("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], tree, env);
        if (install.status !== 0)
            throw new OldRefError(`npm ci in ${commit.slice(0, 12)} failed:\n${tail(install.stdout + install.stderr)}`);
        const plans = new Map<string, StackPlan>();
        for (const stack of stacks) {
            const out = path.join(dir, "plans", stack);
            log(`upgrade-check: planning ${commit.slice(0, 12)} stack ${stack}`);
            const plan = run("npm", ["run", "--silent", "plan", "--", "--stack", stack, "--out", out], tree, env);
            if (plan.status !== 0)
                throw new OldRefError(
                    `npm run plan -- --stack ${stack} in ${commit.slice(0, 12)} failed:\n${tail(plan.stdout + plan.stderr)}`,
                );
            for (const file of readPlanDir(out)) plans.set(`${file.project}.${file.stack}`, file);
        }
        return { plans: [...plans.values()], dir };
    } finally {
        if (!keep) fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Every `<project>.<stack>.json` in a folder, checked for the fields the comparison reads. */
export function readPlanDir(dir: string): StackPlan[] {
    if (!fs.existsSync(dir)) throw new OldRefError(`${dir}: no such folder of plan files`);
    const files = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .sort();
    if (files.length === 0) throw new OldRefError(`${dir}: no plan files (<project>.<stack>.json)`);
    return files.map((f) => {
        const file = path.join(dir, f);
        const plan = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<StackPlan>;
        if (typeof plan.project !== "string" || typeof plan.stack !== "string" || !Array.isArray(plan.resources)) {
            throw new OldRefError(`${file}: not a plan file (needs project, stack and resources)`);
        }
        for (const r of plan.resources) {
            if (typeof r.urn !== "string" || typeof r.type !== "string" || typeof r.inputs !== "object")
                throw new OldRefError(`${file}: a resource without urn, type or inputs`);
        }
        return plan as StackPlan;
    });
}
