import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "../../tools/plan/runner";

interface BuildResult {
    readonly transpiled: string[];
    readonly removed: number;
}
type Build = (options?: { quiet: boolean }) => BuildResult;

/**
 * `npm run build` (tools/build.js) skips what did not change, so it must notice what did: on a scratch copy
 * of the repository (build/ included, node_modules linked), an edited program shows up in the next plan,
 * a deleted source takes its output with it, and a syntax error names the file and line.
 */
describe("build: only what changed, and always what changed", function () {
    const root = repoRoot();
    let scratch: string;
    let build: Build;

    before(() => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "tracking-build-"));
        const skip = new Set(["node_modules", ".git", "plan"].map((d) => path.join(root, d)));
        fs.cpSync(root, scratch, { recursive: true, filter: (source) => !skip.has(source) });
        fs.symlinkSync(path.join(root, "node_modules"), path.join(scratch, "node_modules"), "dir");
        build = (require(path.join(scratch, "tools", "build.js")) as { build: Build }).build;
    });
    after(() => {
        if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    it("transpiles nothing when nothing changed", () => {
        build({ quiet: true });
        expect(build({ quiet: true })).to.deep.equal({ transpiled: [], removed: 0 });
    });

    it("--then runs the script as `node <script> args` would: its main module, its arguments", () => {
        const probe = path.join(scratch, "main-probe.js");
        fs.writeFileSync(probe, "console.log(JSON.stringify({ main: require.main === module, args: process.argv.slice(2) }));\n");
        const run = spawnSync(process.execPath, [path.join(scratch, "tools", "build.js"), "--quiet", "--then", probe, "--out", "x"], { encoding: "utf8" });
        expect(run.status, run.stderr).to.equal(0);
        expect(JSON.parse(run.stdout)).to.deep.equal({ main: true, args: ["--out", "x"] });
    });

    it("an edited stack program is what the next plan evaluates", async () => {
        const program = path.join(scratch, "engineering", "index.ts");
        // A component registered when the program loads: the smallest edit a plan must show.
        fs.appendFileSync(program, '\nnew (require("@pulumi/pulumi") as typeof import("@pulumi/pulumi")).ComponentResource("test:index:Probe", "build-probe");\n');
        expect(build({ quiet: true }).transpiled).to.deep.equal(["engineering/index.ts"]);

        const runner = require(path.join(scratch, "build", "tools", "plan", "runner")) as typeof import("../../tools/plan/runner");
        const { plans } = await runner.runPlan({ root: scratch, write: false });
        const engineering = plans.find((p) => p.project === "tracking-engineering")!;
        expect(engineering.resources.filter((r) => r.type === "test:index:Probe").map((r) => r.name)).to.deep.equal(["build-probe"]);
    });

    it("removes the output of a deleted source, so a deleted test no longer runs", () => {
        const test = path.join("tests", "plan", "build.test");
        fs.rmSync(path.join(scratch, `${test}.ts`));
        expect(build({ quiet: true })).to.deep.equal({ transpiled: [], removed: 2 });
        expect(fs.existsSync(path.join(scratch, "build", `${test}.js`))).to.equal(false);
    });

    it("refuses a syntax error, naming file and line, and builds it once fixed", () => {
        const file = path.join(scratch, "shared", "build-probe.ts");
        fs.writeFileSync(file, "export const ok = 1;\nexport const broken = ;\n");
        expect(() => build({ quiet: true })).to.throw(/shared\/build-probe\.ts:2:\d+: Expression expected/);
        fs.writeFileSync(file, "export const ok = 1;\n");
        expect(build({ quiet: true }).transpiled).to.deep.equal(["shared/build-probe.ts"]);
    });
});
