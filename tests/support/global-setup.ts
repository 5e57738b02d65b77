/**
 * mocha's global fixtures (`require` in .mocharc.json): they run once in the main process, before the
 * parallel workers start, which inherit its environment. The plan of every committed stack, which most
 * suites read, is planned here once and written to a temporary file (tests/support/dev-plan.ts reads it),
 * instead of once per worker and suite. A failed plan is recorded, not thrown, so the suites that need it fail with its
 * message and every other suite still runs.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runPlan } from "../../tools/plan/runner";
import { DEV_PLAN_FILE_ENV } from "./dev-plan";

let dir: string | undefined;

export async function mochaGlobalSetup(): Promise<void> {
    console.log(`tests run on node ${process.version}`);
    // The workers and every Node process a test starts inherit Node's compile cache (see tools/build.js):
    // each of them loads the provider SDKs, and compiling those is most of a process's start.
    process.env.NODE_COMPILE_CACHE ??= (require("../../../tools/build.js") as { COMPILE_CACHE: string }).COMPILE_CACHE;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tracking-tests-"));
    const file = path.join(dir, "dev-plan.json");
    let saved: string;
    try {
        saved = JSON.stringify({ result: await runPlan({ write: false }) });
    } catch (err) {
        saved = JSON.stringify({ error: err instanceof Error ? err.message : String(err) });
    }
    fs.writeFileSync(file, saved);
    process.env[DEV_PLAN_FILE_ENV] = file;
}

export async function mochaGlobalTeardown(): Promise<void> {
    delete process.env[DEV_PLAN_FILE_ENV];
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
