/**
 * `npm run bench`: wall time of the whole offline plan against the floor of merely loading @pulumi/aws,
 * measured in the same run on the same machine, reported as ratios (absolute seconds vary by machine).
 * Goals (issue "Foundation"): plan at 2 pipelines <= 1.5x the floor; 100 pipelines <= 3x the 2-pipeline plan.
 */
import { spawnSync } from "child_process";
import * as path from "path";

const RUNS = 5;
/**
 * The plan allocates millions of short-lived promises (the SDK's outputs); a larger young generation lets
 * them die there instead of being promoted and marked again and again. `npm run plan` runs with the same.
 */
const PLAN_NODE_FLAGS = ["--max-semi-space-size=32"];
const root = path.resolve(__dirname, "..", "..");

function timeNode(args: string[]): { seconds: number; stdout: string } {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0) throw new Error(`node ${args.join(" ")} failed:\n${result.stderr}`);
    return { seconds, stdout: result.stdout };
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)];
}

function measure(label: string, args: string[]): { seconds: number; stdout: string } {
    const runs = Array.from({ length: RUNS }, () => timeNode(args));
    const seconds = median(runs.map((r) => r.seconds));
    console.log(`${label.padEnd(44)} median ${seconds.toFixed(3)} s over ${RUNS} runs  ${runs[0].stdout.trim()}`);
    return { seconds, stdout: runs[0].stdout };
}

function main(): void {
    const benchPlan = path.join(__dirname, "bench-plan.js");
    const floor = measure("floor: node -e require('@pulumi/aws')", ["-e", "require('@pulumi/aws')"]);
    const two = measure("plan, all stacks + policy, 2 pipelines", [...PLAN_NODE_FLAGS, benchPlan, "2"]);
    const hundred = measure("plan, all stacks + policy, 100 pipelines", [...PLAN_NODE_FLAGS, benchPlan, "100"]);
    const ratioTwo = two.seconds / floor.seconds;
    const ratioHundred = hundred.seconds / two.seconds;
    console.log("");
    console.log(`plan(2) / floor      = ${ratioTwo.toFixed(2)}x  (goal <= 1.5x)  ${ratioTwo <= 1.5 ? "met" : "NOT met"}`);
    console.log(`plan(100) / plan(2)  = ${ratioHundred.toFixed(2)}x  (goal <= 3x)    ${ratioHundred <= 3 ? "met" : "NOT met"}`);
}

main();
