/**
 * One timed subject of `npm run bench`: what `npm run plan` does (every stack, every pass, the policy
 * pack over every pass, the plan files written - here to a temporary folder) with the declared pipelines
 * topped up to N by synthetic copies of `user-events`, as a user adding event types would, with the
 * service quotas raised that this many pipelines need (`raisedQuotas`).
 * Usage: node build/tools/bench-plan.js <pipelines>
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { restApiResourceCount } from "../shared/api/routes";
import { pipelines } from "../shared/pipelines";
import { userEvents } from "../shared/pipelines/user-events";
import { planAndEnforce } from "./plan/runner";

/**
 * The engineering config of an account whose quotas were raised for `count` pipelines (API Gateway
 * resources per API, on-demand Kinesis streams), as engineering/config.ts asks before planning that many.
 */
export function raisedQuotas(count: number): Record<string, Record<string, string>> {
    return {
        "tracking-engineering": {
            "tracking-engineering:apiResourcesQuota": String(Math.max(300, restApiResourceCount(count))),
            "tracking-engineering:onDemandStreamsQuota": String(Math.max(50, count)),
        },
    };
}

export function syntheticPipelines(count: number) {
    return Array.from({ length: count }, (_, i) => {
        const n = String(i + 1).padStart(3, "0");
        return { ...userEvents, name: `synthetic-${n}`, table: { schema: "tracking", name: `synthetic_${n}` } };
    });
}

async function main(): Promise<void> {
    const target = Number(process.argv[2] ?? pipelines.length);
    if (!Number.isInteger(target) || target < pipelines.length)
        throw new Error(`pipelines must be an integer >= ${pipelines.length}`);
    pipelines.push(...syntheticPipelines(target - pipelines.length));
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "tracking-bench-"));
    const { result, violations } = await planAndEnforce({
        outDir,
        configOverrides: raisedQuotas(pipelines.length),
    }).finally(() => fs.rmSync(outDir, { recursive: true, force: true }));
    const resources = result.plans.reduce((sum, p) => sum + p.resources.length, 0);
    // A count alone does not say why a run fails; the distinct policy names do, in a line that stays short.
    const violatedPolicies = [...new Set(violations.map((v) => v.policy))].sort();
    process.stdout.write(
        JSON.stringify({ pipelines: pipelines.length, resources, violations: violations.length, violatedPolicies }) +
            "\n",
    );
}

if (require.main === module) {
    main().catch((err) => {
        console.error(err instanceof Error ? err.message : err);
        process.exit(1);
    });
}
