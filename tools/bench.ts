/**
 * `npm run bench [-- --rounds N]`: how long users wait, as ratios to a floor measured in the same run.
 * Goals: npm run plan <= 2x the floor; plan(2) <= 1.5x the floor; plan(100) <= 3x plan(2). Subjects and
 * how the rounds interleave: docs/design.md, "The benchmark".
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const USAGE = `usage: npm run bench [-- --rounds N]

Times, in N interleaved rounds (default 7):
  floor            node -e "require('@pulumi/aws')"
  npm run plan     end to end, rerun with nothing changed (plan files to a temporary folder)
  plan(2)          every stack, every pass, the policy pack, files written, at 2 pipelines
  plan(100)        the same at 100 pipelines (synthetic copies of user-events)
and prints each round as it goes, then the medians of the paired per-round ratios against the goals
(npm run plan <= 2x floor, plan(2) <= 1.5x floor, plan(100) <= 3x plan(2)).`;

/** The plan's many short-lived promises die young in a larger young generation; `npm run plan` uses the same. */
const PLAN_NODE_FLAGS = ["--max-semi-space-size=32"];
const root = path.resolve(__dirname, "..", "..");

interface Subject {
    readonly label: string;
    readonly command: string;
    readonly args: string[];
    readonly seconds: number[];
    note: string;
}

function time(subject: Subject): number {
    const started = process.hrtime.bigint();
    const result = spawnSync(subject.command, subject.args, { cwd: root, encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0)
        throw new Error(
            `${subject.label} failed (${[subject.command, ...subject.args].join(" ")}):\n${result.stderr}${result.stdout}`,
        );
    subject.seconds.push(seconds);
    const last = result.stdout.trim().split("\n").pop() ?? "";
    if (last.startsWith("{")) subject.note = last;
    return seconds;
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function parseArgs(argv: string[]): { rounds: number } | "help" {
    let rounds = 7;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--help" || argv[i] === "-h") return "help";
        if (argv[i] === "--rounds") {
            rounds = Number(argv[++i]);
            if (!Number.isInteger(rounds) || rounds < 1)
                throw new Error(`--rounds needs a whole number >= 1 (got ${argv[i] ?? "nothing"})`);
        } else {
            throw new Error(`unknown argument ${argv[i]}\n\n${USAGE}`);
        }
    }
    return { rounds };
}

function main(): number {
    let args: { rounds: number } | "help";
    try {
        args = parseArgs(process.argv.slice(2));
    } catch (err) {
        console.error(`bench: ${(err as Error).message}`);
        return 2;
    }
    if (args === "help") {
        console.log(USAGE);
        return 0;
    }
    const { rounds } = args;
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "tracking-bench-plan-"));
    const benchPlan = path.join(__dirname, "bench-plan.js");
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const floor: Subject = {
        label: "floor",
        command: process.execPath,
        args: ["-e", "require('@pulumi/aws')"],
        seconds: [],
        note: "",
    };
    const npmPlan: Subject = {
        label: "npm run plan",
        command: npm,
        args: ["run", "--silent", "plan", "--", "--out", outDir],
        seconds: [],
        note: "",
    };
    const two: Subject = {
        label: "plan(2)",
        command: process.execPath,
        args: [...PLAN_NODE_FLAGS, benchPlan, "2"],
        seconds: [],
        note: "",
    };
    const hundred: Subject = {
        label: "plan(100)",
        command: process.execPath,
        args: [...PLAN_NODE_FLAGS, benchPlan, "100"],
        seconds: [],
        note: "",
    };
    const subjects = [floor, npmPlan, two, hundred];
    try {
        console.log(
            `node ${process.version}, ${os.cpus().length} cores, load average ${os
                .loadavg()
                .map((l) => l.toFixed(2))
                .join(" ")}`,
        );
        // Brings build/ up to date, so every timed `npm run plan` is a rerun with nothing changed.
        console.log("warm-up: npm run plan (builds what changed)");
        time({ ...npmPlan, seconds: [] });
        for (let round = 1; round <= rounds; round++) {
            const line = subjects.map((s) => `${s.label} ${time(s).toFixed(2)} s`);
            console.log(`round ${round}/${rounds}: ${line.join(", ")}`);
        }
    } catch (err) {
        console.error(`bench: ${(err as Error).message}`);
        return 1;
    } finally {
        fs.rmSync(outDir, { recursive: true, force: true });
    }

    console.log("");
    for (const s of subjects) {
        console.log(
            `${s.label.padEnd(13)} median ${median(s.seconds).toFixed(3)} s (${Math.min(...s.seconds).toFixed(2)}-${Math.max(...s.seconds).toFixed(2)})  ${s.note}`,
        );
    }
    const paired = (a: Subject, b: Subject) => median(a.seconds.map((v, i) => v / b.seconds[i]));
    const goals: Array<[string, number, number]> = [
        ["npm run plan / floor", paired(npmPlan, floor), 2],
        ["plan(2) / floor", paired(two, floor), 1.5],
        ["plan(100) / plan(2)", paired(hundred, two), 3],
    ];
    console.log("");
    for (const [label, ratio, goal] of goals) {
        console.log(
            `${label.padEnd(22)} = ${ratio.toFixed(2)}x  (goal <= ${goal}x)  ${ratio <= goal ? "met" : "NOT met"}`,
        );
    }
    console.log(
        `load average at the end ${os
            .loadavg()
            .map((l) => l.toFixed(2))
            .join(" ")}`,
    );
    return 0;
}

process.exitCode = main();
