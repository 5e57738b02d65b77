/**
 * `npm run plan [-- --stack NAME] [-- --out plan]`: plans every stack (or one environment stack), writes plan/<project>.<stack>.json,
 * enforces the policy pack and prints a summary. Exits 1 on a program error or a mandatory violation,
 * 2 on a command-line mistake.
 */
import * as path from "path";
import { checkStackFlag, CommandSpec, helpText, parseFlags, usageLine } from "../cli-args";
import { failOnLateRejections, PlanError, planAndEnforce, planFileName, repoRoot } from "./runner";
import { StackFileError } from "./stack-files";
import { passLine, summarize } from "./summary";

export const PLAN_COMMAND: CommandSpec = {
    command: "npm run plan",
    summary:
        "Runs every stack's program under the Pulumi SDK's mock runtime in first-deploy order (bootstrap, data-platform,\n" +
        "engineering, data-platform again), writes plan/<project>.<stack>.json and enforces the policy pack.\n" +
        "Exits 1 on a program error or a mandatory violation.",
    flags: [
        { name: "--stack", value: "NAME", help: "only this environment stack of data-platform/ and engineering/ (default: every Pulumi.<stack>.yaml)" },
        { name: "--out", value: "DIR", help: "where the plan files go (default plan/)" },
    ],
};

async function main(): Promise<number> {
    failOnLateRejections("plan");
    let stack: string | undefined;
    let outDir: string;
    try {
        const flags = parseFlags(PLAN_COMMAND, process.argv.slice(2));
        if (flags.help) {
            console.log(helpText(PLAN_COMMAND));
            return 0;
        }
        const chosen = flags.values.get("--stack");
        stack = chosen === undefined ? undefined : checkStackFlag(chosen);
        outDir = path.resolve(flags.values.get("--out") ?? path.join(repoRoot(), "plan"));
    } catch (err) {
        console.error(`plan: ${(err as Error).message}\n${usageLine(PLAN_COMMAND)}`);
        return 2;
    }
    try {
        const { result, violations } = await planAndEnforce({ stack, outDir, onPass: (pass) => console.error(passLine(pass)) });
        console.log(summarize(result, violations));
        for (const plan of result.plans) console.log(`wrote ${path.relative(process.cwd(), planFileName(outDir, plan))}`);
        return violations.some((v) => v.enforcementLevel === "mandatory") ? 1 : 0;
    } catch (err) {
        // Mistakes in the stacks are reported by message; anything else is a bug in the tool: its stack helps.
        if (err instanceof PlanError || err instanceof StackFileError) console.error(`plan failed: ${err.message}`);
        else console.error(`plan failed: ${(err as Error).stack ?? String(err)}`);
        return 1;
    }
}

if (require.main === module) {
    main().then((code) => {
        process.exitCode = code;
    });
}
