/**
 * `npm run plan [-- --stack dev] [-- --out plan]`: plans every stack, writes plan/<project>.<stack>.json,
 * enforces the policy pack and prints a summary. Exits 1 on a program error or a mandatory violation.
 */
import * as path from "path";
import { PlanError, planAndEnforce, planFileName, repoRoot } from "./runner";
import { summarize } from "./summary";

function parseArgs(argv: string[]): { stack: string; outDir: string } {
    let stack = "dev";
    let outDir = path.join(repoRoot(), "plan");
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = argv[i + 1];
        if ((arg === "--stack" || arg === "--out") && (value === undefined || value.startsWith("--"))) {
            throw new Error(`${arg} needs a value`);
        }
        if (arg === "--stack") stack = argv[++i];
        else if (arg === "--out") outDir = path.resolve(argv[++i]);
        else throw new Error(`unknown argument ${arg} (usage: npm run plan -- [--stack <name>] [--out <dir>])`);
    }
    return { stack, outDir };
}

// A failed program can leave rejections that surface after its pass was already reported as failed;
// they must not crash the report, and they must not pass silently either.
process.on("unhandledRejection", (reason) => {
    console.error(`plan: late failure: ${reason instanceof Error ? reason.message : String(reason)}`);
    process.exitCode = 1;
});

async function main(): Promise<number> {
    let args: { stack: string; outDir: string };
    try {
        args = parseArgs(process.argv.slice(2));
    } catch (err) {
        console.error(`plan: ${(err as Error).message}`);
        return 2;
    }
    try {
        const { result, violations } = await planAndEnforce({ stack: args.stack, outDir: args.outDir });
        console.log(summarize(result, violations));
        for (const plan of result.plans) console.log(`wrote ${path.relative(process.cwd(), planFileName(args.outDir, plan))}`);
        return violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0;
    } catch (err) {
        if (err instanceof PlanError) console.error(`plan failed: ${err.message}`);
        else console.error(`plan failed: ${(err as Error).stack ?? String(err)}`);
        return 1;
    }
}

main().then((code) => {
    process.exitCode = code;
});
