import { PlanPass, PlanResult } from "./runner";
import { PolicyViolation } from "../policy/evaluate";

/** Resources per type per stack, the passes run, and the policy violations, as a short text report. */
export function summarize(result: PlanResult, violations: readonly PolicyViolation[]): string {
    const lines: string[] = [];
    for (const pass of result.passes) {
        const custom = pass.plan.resources.filter((r) => r.custom);
        lines.push(`${pass.project} (stack ${pass.stack}, account ${pass.plan.account}, ${pass.plan.region}) - ${pass.purpose}: ${custom.length} resources (${pass.milliseconds} ms)`);
    }
    lines.push("");
    for (const plan of result.plans) {
        lines.push(`${plan.project}.${plan.stack}:`);
        const counts = new Map<string, number>();
        for (const r of plan.resources) if (r.custom) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
        for (const [type, count] of [...counts.entries()].sort()) lines.push(`  ${String(count).padStart(4)}  ${type}`);
    }
    lines.push("");
    const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory");
    lines.push(`policy pack: ${mandatory.length} mandatory violation(s), ${violations.length - mandatory.length} advisory`);
    for (const v of violations) lines.push(`  [${v.enforcementLevel}] ${v.policy}: ${v.project}/${v.stack} ${v.urn}: ${v.message}`);
    return lines.join("\n");
}

/** One line per pass as it ends, so a long plan shows where it is. */
export function passLine(pass: PlanPass): string {
    return `plan: ${pass.project}/${pass.stack} ${pass.purpose}: ${pass.plan.resources.length} resources in ${(pass.milliseconds / 1000).toFixed(1)} s`;
}
