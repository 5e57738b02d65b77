/**
 * `npm run upgrade-check [-- --from <git-ref>]`: plans an earlier commit and the working tree, and fails
 * when `pulumi up` of the working tree would delete or replace a stateful resource of a committed stack
 * (README, "Before merging a rename"), or when a pipeline's table declaration changed in a way the deploy
 * refuses, naming pipeline, column and the manual step (docs/design.md, "Schema migration").
 * Exits 1 on such a finding, 2 when the check cannot run (command line, git, npm or a failing plan).
 */
import * as path from "path";
import { CommandSpec, helpText, parseFlags, usageLine } from "../cli-args";
import { failOnLateRejections, PlanError, repoRoot, runPlan } from "../plan/runner";
import { readProjectFile, StackFileError, stackFiles } from "../plan/stack-files";
import { StackPlan } from "../plan/types";
import { ALLOW_FILE, AllowEntry, AllowFileError, applyAllowList, readAllowFile } from "./allow";
import { compareStacks, failing, Finding, STATEFUL_TYPES } from "./compare";
import { defaultBase, OldRefError, planCommit, readPlanDir, resolveCommit, stacksAtCommit } from "./old-ref";

export const UPGRADE_CHECK_COMMAND: CommandSpec = {
    command: "npm run upgrade-check",
    summary:
        "Plans an earlier commit with its own dependencies and plan tool, plans the working tree, and fails when deploying\n" +
        "the working tree over a stack deployed from that commit would delete or replace a stateful resource (a rename\n" +
        "without `aliases`, or a change to an input that forces replacement). Exits 1 on such a finding, unless an entry\n" +
        "of upgrade-check.allow (URN or pattern, # reason) allows it.",
    flags: [
        {
            name: "--from",
            value: "REF",
            help: "the deployed commit (default: the merge base with main, or HEAD~1 on main)",
        },
        {
            name: "--from-plans",
            value: "DIR",
            help: "compare with plan files already made for the deployed commit instead of planning one",
        },
        { name: "--keep", help: "keep the exported commit and its plans (the folder is printed)" },
    ],
};

/** Environment stacks of the two pipeline projects: the ones both folders have a stack file for. */
const PIPELINE_DIRS = ["data-platform", "engineering"];

function currentStacks(root: string): string[] {
    const [first, ...rest] = PIPELINE_DIRS.map((dir) => new Set(stackFiles(readProjectFile(path.join(root, dir)))));
    return [...first].filter((s) => rest.every((set) => set.has(s))).sort();
}

async function planWorkingTree(stacks: readonly string[], log: (line: string) => void): Promise<StackPlan[]> {
    const plans = new Map<string, StackPlan>();
    for (const stack of stacks) {
        log(`upgrade-check: planning the working tree, stack ${stack}`);
        const { plans: result } = await runPlan({ stack, write: false });
        for (const plan of result) plans.set(`${plan.project}.${plan.stack}`, plan);
    }
    return [...plans.values()];
}

/**
 * The report: one line per finding (allowed ones with the entry that allows them), a note per allow entry
 * that matches nothing, then a verdict naming what was compared; `failed` counts what fails the check.
 */
export function report(
    findings: readonly Finding[],
    compared: { from: string; oldPlans: readonly StackPlan[]; newPlans: readonly StackPlan[] },
    allowEntries: readonly AllowEntry[] = [],
): { text: string; failed: number } {
    const lines: string[] = [];
    const stateful = compared.oldPlans.reduce(
        (n, p) => n + p.resources.filter((r) => r.custom && STATEFUL_TYPES[r.type]).length,
        0,
    );
    const stacks = compared.oldPlans
        .filter((o) => compared.newPlans.some((n) => n.project === o.project && n.stack === o.stack))
        .map((p) => `${p.project}.${p.stack}`);
    const { allowed, unused } = applyAllowList(failing(findings), allowEntries);
    for (const f of findings) {
        const entry = allowed.get(f);
        if (entry) lines.push(`allowed by ${ALLOW_FILE}:${entry.line} (${entry.reason}): ${f.message}`);
        else lines.push(`${f.kind === "unknown" ? "note" : "FAIL"}: ${f.message}`);
    }
    for (const entry of unused)
        lines.push(
            `note: ${ALLOW_FILE}:${entry.line} matches nothing: remove it once the change it allowed is deployed`,
        );
    const failedFindings = failing(findings).filter((f) => !allowed.has(f));
    const failed = failedFindings.length;
    const refused = failedFindings.filter((f) => f.kind === "refused").length;
    const lost = failed - refused;
    lines.push(
        `upgrade-check: ${stateful} stateful resource(s) of ${compared.from} in ${stacks.join(", ") || "no common stack"}: ` +
            (lost > 0 ? `${lost} would be deleted or replaced` : "none would be deleted or replaced") +
            (refused > 0 ? `; ${refused} Redshift table change(s) the deploy refuses` : "") +
            (allowed.size > 0 ? ` (${allowed.size} allowed by ${ALLOW_FILE})` : ""),
    );
    return { text: lines.join("\n"), failed };
}

export async function main(argv: readonly string[], root = repoRoot()): Promise<number> {
    const log = (line: string) => console.error(line);
    let flags;
    try {
        flags = parseFlags(UPGRADE_CHECK_COMMAND, argv);
        if (flags.help) {
            console.log(helpText(UPGRADE_CHECK_COMMAND));
            return 0;
        }
        if (flags.values.has("--from") && flags.values.has("--from-plans"))
            throw new Error("give --from or --from-plans, not both");
    } catch (err) {
        console.error(`upgrade-check: ${(err as Error).message}\n${usageLine(UPGRADE_CHECK_COMMAND)}`);
        return 2;
    }
    try {
        // Read first: a mistake in it is found before anything is planned.
        const allowEntries = readAllowFile(root);
        const stacks = currentStacks(root);
        let oldPlans: StackPlan[];
        let from: string;
        const planDir = flags.values.get("--from-plans");
        if (planDir !== undefined) {
            oldPlans = readPlanDir(path.resolve(planDir));
            from = planDir;
        } else {
            const ref = flags.values.get("--from");
            const base = ref !== undefined ? { ref, commit: resolveCommit(root, ref) } : defaultBase(root);
            from = `${base.ref} (${base.commit.slice(0, 12)})`;
            const oldStacks = PIPELINE_DIRS.map((dir) => new Set(stacksAtCommit(root, base.commit, dir)));
            const common = stacks.filter((s) => oldStacks.every((set) => set.has(s)));
            const old = planCommit(root, base.commit, common, log, flags.values.has("--keep"));
            if (flags.values.has("--keep")) log(`upgrade-check: kept ${old.dir}`);
            oldPlans = old.plans;
        }
        const newPlans = await planWorkingTree(stacks, log);
        const findings = compareStacks(oldPlans, newPlans);
        const { text, failed } = report(findings, { from, oldPlans, newPlans }, allowEntries);
        console.log(text);
        return failed > 0 ? 1 : 0;
    } catch (err) {
        if (
            err instanceof OldRefError ||
            err instanceof PlanError ||
            err instanceof StackFileError ||
            err instanceof AllowFileError
        ) {
            console.error(`upgrade-check: ${err.message}`);
            return 2;
        }
        throw err;
    }
}

if (require.main === module) {
    failOnLateRejections("upgrade-check");
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (err: unknown) => {
            console.error(`upgrade-check failed: ${(err as Error).stack ?? String(err)}`);
            process.exitCode = 1;
        },
    );
}
