/**
 * `npm run bench`: wall time of the whole offline plan against the floor of merely loading @pulumi/aws,
 * measured in the same run on the same machine, reported as ratios (absolute seconds vary by machine).
 * Goals (issue "Foundation"): plan at 2 pipelines <= 1.5x the floor; 100 pipelines <= 3x the 2-pipeline plan.
 */
import { spawnSync } from "child_process";
import * as path from "path";

/**
 * Rounds of the three subjects, interleaved (floor, 2, 100, floor, ...) so a slow spell of a shared
 * machine lands on all three alike; each reports its median.
 */
const RUNS = 7;
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

interface Subject {
    readonly label: string;
    readonly args: string[];
    readonly seconds: number[];
    stdout: string;
}

function main(): void {
    const benchPlan = path.join(__dirname, "bench-plan.js");
    const subjects: Subject[] = [
        { label: "floor: node -e require('@pulumi/aws')", args: ["-e", "require('@pulumi/aws')"], seconds: [], stdout: "" },
        { label: "plan, all stacks + policy, 2 pipelines", args: [...PLAN_NODE_FLAGS, benchPlan, "2"], seconds: [], stdout: "" },
        { label: "plan, all stacks + policy, 100 pipelines", args: [...PLAN_NODE_FLAGS, benchPlan, "100"], seconds: [], stdout: "" },
    ];
    for (let round = 0; round < RUNS; round++) {
        for (const subject of subjects) {
            const run = timeNode(subject.args);
            subject.seconds.push(run.seconds);
            subject.stdout = run.stdout.trim();
        }
    }
    const [floor, two, hundred] = subjects.map((subject) => {
        const seconds = median(subject.seconds);
        const spread = `${Math.min(...subject.seconds).toFixed(2)}-${Math.max(...subject.seconds).toFixed(2)}`;
        console.log(`${subject.label.padEnd(44)} median ${seconds.toFixed(3)} s over ${RUNS} runs (${spread})  ${subject.stdout}`);
        return seconds;
    });
    const ratioTwo = two / floor;
    const ratioHundred = hundred / two;
    console.log("");
    console.log(`plan(2) / floor      = ${ratioTwo.toFixed(2)}x  (goal <= 1.5x)  ${ratioTwo <= 1.5 ? "met" : "NOT met"}`);
    console.log(`plan(100) / plan(2)  = ${ratioHundred.toFixed(2)}x  (goal <= 3x)    ${ratioHundred <= 3 ? "met" : "NOT met"}`);
}

main();
