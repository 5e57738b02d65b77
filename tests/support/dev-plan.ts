import * as fs from "fs";
import { PlanResult, runPlan } from "../../tools/plan/runner";

/** The file in which mocha's global setup (tests/support/global-setup.ts) left this test run's plan. */
export const DEV_PLAN_FILE_ENV = "TRACKING_TEST_DEV_PLAN";

/** The stack most suites judge; the bootstrap suites judge every committed environment stack. */
export const DEV_STACK = "dev";

let planned: Promise<string> | undefined;

/**
 * What `npm run plan` plans for every committed stack (nothing written to plan/), evaluated once per test
 * run: the global setup plans before mocha starts its workers and each worker reads the file it wrote; a
 * test file run on its own (`npx mocha build/tests/x.test.js`) plans once in its own process. Every call
 * returns a fresh copy, so no suite can change what another one reads.
 */
export async function allStacksPlan(): Promise<PlanResult> {
    const file = process.env[DEV_PLAN_FILE_ENV];
    if (file) {
        const saved = JSON.parse(fs.readFileSync(file, "utf8")) as { result?: PlanResult; error?: string };
        if (saved.error !== undefined) throw new Error(`the plan failed in mocha's global setup: ${saved.error}`);
        return saved.result!;
    }
    planned ??= runPlan({ write: false }).then((result) => JSON.stringify(result));
    return JSON.parse(await planned) as PlanResult;
}

/** The bootstrap stacks and the dev environment stack of that plan: what `npm run plan -- --stack dev` plans. */
export async function devPlan(): Promise<PlanResult> {
    const all = await allStacksPlan();
    const isDev = (plan: { project: string; stack: string }) =>
        plan.project === "tracking-bootstrap" || plan.stack === DEV_STACK;
    return { plans: all.plans.filter(isDev), passes: all.passes.filter((pass) => isDev(pass.plan)) };
}
