import * as fs from "fs";
import { PlanResult, runPlan } from "../../tools/plan/runner";

/** The file in which mocha's global setup (tests/support/global-setup.ts) left this test run's dev plan. */
export const DEV_PLAN_FILE_ENV = "TRACKING_TEST_DEV_PLAN";

let planned: Promise<string> | undefined;

/**
 * What `npm run plan` plans for the dev stacks (nothing written to plan/), evaluated once per test run:
 * the global setup plans before mocha starts its workers and each worker reads the file it wrote; a test
 * file run on its own (`npx mocha build/tests/x.test.js`) plans once in its own process. Every call
 * returns a fresh copy, so no suite can change what another one reads.
 */
export async function devPlan(): Promise<PlanResult> {
    const file = process.env[DEV_PLAN_FILE_ENV];
    if (file) {
        const saved = JSON.parse(fs.readFileSync(file, "utf8")) as { result?: PlanResult; error?: string };
        if (saved.error !== undefined) throw new Error(`the dev plan failed in mocha's global setup: ${saved.error}`);
        return saved.result!;
    }
    planned ??= runPlan({ stack: "dev", write: false }).then((result) => JSON.stringify(result));
    return JSON.parse(await planned) as PlanResult;
}
