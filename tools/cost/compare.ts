/**
 * `npm run cost -- --compare [--p99 MINUTES]`: the planned configuration next to the cheapest one, among
 * the settings the stack files control, whose modeled p99 latency is at most the given one (today's p99
 * by default). The fixed charges counted from the plan are the same for every candidate, so candidates
 * are ranked by the traffic model's total.
 */
import { Estimate, estimate, Workload } from "./model";
import { PlannedSettings, StreamMode } from "./settings";

/** Job cadences `cron(0/N * * * ? *)` (N divides 60, so every gap is N minutes). */
export const COMPARED_JOB_MINUTES = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60];
/**
 * Firehose buffering intervals (seconds). Not below 15: the model does not price the load job's per-object
 * overhead, which a buffer of a few seconds (an object per pipeline every few seconds) would make dominant.
 */
export const COMPARED_BUFFER_SECONDS = [15, 30, 60, 120, 300, 900];
export const COMPARED_STREAM_MODES: readonly StreamMode[] = ["ON_DEMAND", "PROVISIONED"];

export interface Candidate {
    readonly settings: PlannedSettings;
    readonly estimate: Estimate;
}

/** What differs between two configurations, as `key: a -> b`. */
export function settingsDiff(a: PlannedSettings, b: PlannedSettings): string[] {
    return (Object.keys(a) as (keyof PlannedSettings)[])
        .filter((k) => a[k] !== b[k])
        .map((k) => `${k}: ${String(a[k])} -> ${String(b[k])}`);
}

/** Every candidate configuration: the planned one with cadence, buffer, stream mode, trigger, tracing and base capacity varied. */
export function candidates(planned: PlannedSettings): PlannedSettings[] {
    const out: PlannedSettings[] = [];
    const capacities = planned.redshiftMode === "sandbox" ? [4, 8] : [planned.redshiftBaseCapacity];
    for (const minutes of COMPARED_JOB_MINUTES)
        for (const buffer of COMPARED_BUFFER_SECONDS)
            for (const streamMode of COMPARED_STREAM_MODES)
                for (const jobTrigger of ["new-data", "schedule"] as const)
                    for (const redshiftBaseCapacity of capacities) {
                        out.push({
                            ...planned,
                            jobSchedule: minutes === 60 ? "cron(0 * * * ? *)" : `cron(0/${minutes} * * * ? *)`,
                            firehoseBufferSeconds: buffer,
                            streamMode,
                            // Sized to the load by the model (1 shard per MiB/s or 1,000 records/s).
                            shardCount: undefined,
                            jobTrigger,
                            apiTracing: false,
                            redshiftBaseCapacity,
                        });
                    }
    return out;
}

/** The cheapest candidate whose p99 is at most `p99Seconds`, or undefined when none is. */
export function cheapestMeeting(
    workload: Workload,
    planned: PlannedSettings,
    p99Seconds: number,
): Candidate | undefined {
    let best: Candidate | undefined;
    for (const settings of candidates(planned)) {
        let e: Estimate;
        try {
            e = estimate({ ...workload, shardMode: undefined }, settings);
        } catch {
            continue; // a cadence the workers cannot keep up with
        }
        if (e.latency.p99Seconds > p99Seconds) continue;
        if (best === undefined || e.totalMonthlyUsd < best.estimate.totalMonthlyUsd - 1e-9)
            best = { settings, estimate: e };
    }
    return best;
}

const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const minutes = (s: number) => `${(s / 60).toFixed(1)} min`;

/** Today's configuration and the cheapest one meeting the p99, line by line. */
export function formatComparison(today: Estimate, best: Candidate | undefined, p99Seconds: number): string {
    const out = [
        "",
        `Compared: the planned configuration and the cheapest one with p99 <= ${minutes(p99Seconds)} (traffic lines; the fixed charges are the same):`,
    ];
    if (best === undefined) {
        out.push(
            `  none of the ${candidates(today.settings).length} candidate configurations reaches p99 <= ${minutes(p99Seconds)}.`,
        );
        return out.join("\n");
    }
    const components = [...new Set([...today.lines, ...best.estimate.lines].map((l) => l.component))];
    const width = Math.max(...components.map((c) => c.length), "Total".length) + 2;
    out.push(`  ${"Component".padEnd(width)}${"planned".padStart(14)}${"cheapest".padStart(14)}`);
    const of = (e: Estimate, c: string) => e.lines.find((l) => l.component === c)?.monthlyUsd ?? 0;
    for (const c of components)
        out.push(`  ${c.padEnd(width)}${usd(of(today, c)).padStart(14)}${usd(of(best.estimate, c)).padStart(14)}`);
    out.push(
        `  ${"Total".padEnd(width)}${usd(today.totalMonthlyUsd).padStart(14)}${usd(best.estimate.totalMonthlyUsd).padStart(14)}`,
    );
    out.push(
        `  ${"p99 latency".padEnd(width)}${minutes(today.latency.p99Seconds).padStart(14)}${minutes(best.estimate.latency.p99Seconds).padStart(14)}`,
    );
    const diff = settingsDiff(today.settings, best.settings);
    out.push(diff.length === 0 ? "  The planned configuration is the cheapest." : `  Changes: ${diff.join("; ")}`);
    return out.join("\n");
}
