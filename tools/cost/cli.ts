/**
 * `npm run cost -- --events-per-second N [--event-bytes B] [--batch K] [--pipelines P]
 *  [--shard-mode on-demand|provisioned] [--stack dev] [--compare [--p99 MINUTES]]`: the monthly cost per
 * component and the modeled end-to-end latency of the planned configuration, next to a baseline's
 * (Firehose 300 s, load every 5 min), and with --compare the cheapest configuration meeting a p99 (tools/cost/compare.ts). See tools/cost/model.ts.
 */
import { pipelines } from "../../shared/pipelines";
import { checkStackFlag, CommandSpec, helpText, parseFlags, usageLine, UsageError } from "../cli-args";
import { PlanError, repoRoot, runPlan } from "../plan/runner";
import { StackFileError } from "../plan/stack-files";
import { passLine } from "../plan/summary";
import { cheapestMeeting, formatComparison } from "./compare";
import { FixedCosts, fixedCosts } from "./fixed";
import { Estimate, estimate, BASELINE_DESIGN, Workload } from "./model";
import { PRICES, PRICES_DATE, PRICES_REGION } from "./prices";
import { StreamingEstimate, streamingEstimate } from "./streaming";
import { readPlannedSettings, StreamMode } from "./settings";

export const COST_COMMAND: CommandSpec = {
    command: "npm run cost",
    summary:
        "Prints the monthly list-price cost per component of the planned configuration at a given traffic, and the\n" +
        "modelled end-to-end latency (API -> Redshift) next to a 5-minute baseline's. --events-per-second is required.",
    flags: [
        {
            name: "--events-per-second",
            value: "N",
            help: "events per second into the API, all pipelines together (required; 0 shows the idle floor)",
            required: true,
        },
        { name: "--event-bytes", value: "B", help: "bytes of one event (default 1024)" },
        { name: "--batch", value: "K", help: "events per request, 1-500 (default 1: PutRecord)" },
        { name: "--pipelines", value: "P", help: "pipelines sharing the traffic (default: the declared ones)" },
        { name: "--shard-mode", value: "on-demand|provisioned", help: "overrides the stack's streamMode" },
        { name: "--stack", value: "NAME", help: "the stacks whose Pulumi.<stack>.yaml files are priced (default dev)" },
        {
            name: "--compare",
            help: "also print the cheapest configuration (job cadence, Firehose buffer, stream mode, trigger, base capacity) meeting the p99",
        },
        {
            name: "--p99",
            value: "MINUTES",
            help: "with --compare: the p99 latency to meet (default: the planned configuration's)",
        },
    ],
};

export const USAGE = usageLine(COST_COMMAND);

export interface CostArgs {
    readonly workload: Workload;
    readonly stack: string;
    /** With --compare: the p99 to meet, in seconds (undefined: the planned configuration's). */
    readonly compare?: { readonly p99Seconds?: number };
}

export { UsageError };

function nonNegativeNumber(flag: string, raw: string): number {
    const value = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(value) || value < 0)
        throw new UsageError(`${flag} must be a number of at least 0 (got "${raw}")`);
    return value;
}

function positiveMinutes(flag: string, raw: string): number {
    const value = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(value) || value <= 0)
        throw new UsageError(`${flag} must be a number of minutes above 0 (got "${raw}")`);
    return value;
}

function integerIn(flag: string, raw: string, min: number, max: number, why: string): number {
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max)
        throw new UsageError(`${flag} must be an integer from ${min} to ${max}${why} (got "${raw}")`);
    return value;
}

/** Parses the flags; every problem is a UsageError naming the flag. */
export function parseCostArgs(argv: readonly string[], defaultPipelines = pipelines.length): CostArgs {
    const { values } = parseFlags(COST_COMMAND, argv);
    const eps = values.get("--events-per-second");
    if (eps === undefined) throw new UsageError("--events-per-second is required");
    const shardMode = values.get("--shard-mode");
    if (shardMode !== undefined && shardMode !== "on-demand" && shardMode !== "provisioned") {
        throw new UsageError(`--shard-mode must be on-demand or provisioned (got "${shardMode}")`);
    }
    const stack = checkStackFlag(values.get("--stack") ?? "dev");
    if (values.has("--p99") && !values.has("--compare")) throw new UsageError("--p99 only applies with --compare");
    const p99 = values.get("--p99");
    const compare = values.has("--compare")
        ? { p99Seconds: p99 === undefined ? undefined : positiveMinutes("--p99", p99) * 60 }
        : undefined;
    const modes: Record<string, StreamMode> = { "on-demand": "ON_DEMAND", provisioned: "PROVISIONED" };
    return {
        stack,
        ...(compare ? { compare } : {}),
        workload: {
            eventsPerSecond: nonNegativeNumber("--events-per-second", eps),
            eventBytes: values.has("--event-bytes")
                ? integerIn(
                      "--event-bytes",
                      values.get("--event-bytes") as string,
                      1,
                      1048576,
                      " (a Kinesis record is at most 1 MiB)",
                  )
                : 1024,
            batch: values.has("--batch")
                ? integerIn(
                      "--batch",
                      values.get("--batch") as string,
                      1,
                      500,
                      " (PutRecords takes at most 500 records)",
                  )
                : 1,
            pipelines: values.has("--pipelines")
                ? integerIn("--pipelines", values.get("--pipelines") as string, 1, 1000, "")
                : defaultPipelines,
            shardMode: shardMode === undefined ? undefined : modes[shardMode],
        },
    };
}

const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const duration = (s: number) => (s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`);

/** The report the CLI prints. */
export function formatEstimate(e: Estimate, stack: string): string {
    const w = e.workload;
    const s = e.settings;
    const width = Math.max(...e.lines.map((l) => l.component.length), "Total".length) + 2;
    const out: string[] = [];
    out.push(
        `Tracking pipeline, stack ${stack}: ${w.eventsPerSecond} events/s of ${w.eventBytes} B, ${w.batch} per request, ${w.pipelines} pipeline(s), Kinesis ${e.streamMode}`,
        `Firehose buffer ${s.firehoseBufferSeconds} s / ${s.firehoseBufferMiB} MiB ${s.firehoseCompression}; Glue job ${s.jobTrigger === "new-data" ? `started by a pre-check on ${s.jobSchedule} when something landed` : s.jobTrigger === "schedule" ? s.jobSchedule : `after each S3 crawl ${s.s3CrawlerSchedule}`}, ${s.jobWorkers} G.1X workers`,
        `List prices ${PRICES_REGION}, ${PRICES_DATE}; * = a us-east-1 rate stands in (see tools/cost/prices.ts)`,
        "",
        `${"Component".padEnd(width)}${"USD/month".padStart(14)}  Basis`,
    );
    for (const line of e.lines)
        out.push(
            `${line.component.padEnd(width)}${usd(line.monthlyUsd).padStart(14)}${line.standInPrice ? "*" : " "} ${line.detail}`,
        );
    out.push(`${"Total".padEnd(width)}${usd(e.totalMonthlyUsd).padStart(14)}`);
    if (w.eventsPerSecond === 0) {
        const setters = [...e.lines].filter((l) => l.monthlyUsd >= 0.005).sort((a, b) => b.monthlyUsd - a.monthlyUsd);
        out.push(
            `Idle floor: ${usd(e.totalMonthlyUsd)}/month with no traffic, set by ${setters.map((l) => `${l.component} ${usd(l.monthlyUsd)}`).join(", ")} (plus the fixed charges below).`,
        );
    }
    out.push(...whatSetsIt(e));
    out.push(
        `S3 storage once landing objects expire (${s.landingExpirationDays} d): ${usd(e.steadyStateStorageUsd)}/month instead of the first month's figure.`,
    );
    out.push("");
    const l = e.latency;
    const gaps = [...new Set(l.jobGapsSeconds)].map((g) => duration(g)).join("/");
    out.push(
        `Latency API -> Redshift (modeled): p50 ${duration(l.p50Seconds)}, p99 ${duration(l.p99Seconds)}`,
        `  = ${duration(l.fixedSeconds)} fixed (Kinesis poll, S3 write, job run ${duration(l.jobRunSeconds)})` +
            ` + U(0, ${duration(l.bufferPeriodSeconds)}) Firehose buffer + U(0, ${gaps}) wait for the next job run` +
            (l.partitionGate
                ? `,\n    and an object of a new hour also waits for the S3 crawler (${s.s3CrawlerSchedule}) to register the hour's partition`
                : s.jobTrigger !== "crawler" && !s.jobReadsThroughCatalog
                  ? ";\n    the job lists its S3 prefix itself (job bookmark), so a new hour waits for no crawl"
                  : ""),
        `Baseline: Firehose ${BASELINE_DESIGN.firehoseBufferSeconds} s, load every 5 min (expected "${BASELINE_DESIGN.expected}"): ` +
            `p50 ${duration(e.baselineLatency.p50Seconds)}, p99 ${duration(e.baselineLatency.p99Seconds)}`,
    );
    return out.join("\n");
}

/** The streaming tier's block: its cost on top of the batch path, and its latency next to the batch path's. */
export function formatStreaming(st: StreamingEstimate, batch: Estimate): string {
    const width = Math.max(...st.lines.map((l) => l.component.length)) + 2;
    const out: string[] = [
        "",
        st.declared
            ? `Streaming tier: ${st.streamingPipelines} pipeline(s) declare streaming: true (stream views over their Kinesis streams, AUTO REFRESH), on top of the batch path:`
            : "Streaming tier: no pipeline declares streaming: true; what one stream view (AUTO REFRESH) would add on top of the batch path:",
    ];
    for (const line of st.lines)
        out.push(
            `  ${line.component.padEnd(width)}${usd(line.monthlyUsd).padStart(12)}${line.standInPrice ? "*" : " "} ${line.detail}`,
        );
    out.push(`  ${"Streaming total".padEnd(width)}${usd(st.totalMonthlyUsd).padStart(12)}`);
    const l = st.latency;
    out.push(
        `Latency API -> stream view (modeled): p50 ${duration(l.p50Seconds)}, p99 ${duration(l.p99Seconds)}, against the batch table's p50 ${duration(batch.latency.p50Seconds)}, p99 ${duration(batch.latency.p99Seconds)}`,
        `  = ${duration(l.propagationSeconds)} Kinesis propagation + ${duration(l.refreshSeconds)} refresh + U(0, ${duration(l.refreshSeconds)}) for the refresh under way;` +
            " the refresh duration is ASSUMED (AWS documents none), and Redshift may defer auto refresh under load",
        "  The view may hold duplicates and NULLs for values its type refuses; tracking.<table> stays the deduplicated source of truth.",
    );
    return out.join("\n");
}

/**
 * What sets the figure: the lines of at least a tenth of it, largest first (the loads' two lines as one);
 * the charges every loaded trigger pays at its minimum; and the lever on the current AWS pricing pages the
 * planned configuration does not use, with what it would save and why it is not applied.
 */
export function whatSetsIt(e: Estimate): string[] {
    if (e.totalMonthlyUsd <= 0) return [];
    const share = (n: number) => `${((100 * n) / e.totalMonthlyUsd).toFixed(0)}%`;
    const LOADS = ["Glue load jobs", "Redshift Serverless (loads only)"];
    const loads = e.lines.filter((l) => LOADS.includes(l.component)).reduce((sum, l) => sum + l.monthlyUsd, 0);
    // The loads as one item (their minimums are paid together, per trigger), every other line on its own.
    const items = [
        { what: "the loads (Glue load jobs + Redshift Serverless)", usd: loads },
        ...e.lines.filter((l) => !LOADS.includes(l.component)).map((l) => ({ what: l.component, usd: l.monthlyUsd })),
    ]
        .filter((item) => item.usd >= 0.1 * e.totalMonthlyUsd)
        .sort((a, b) => b.usd - a.usd);
    const out = [
        `What sets it: ${items.map((item) => `${item.what} ${usd(item.usd)} (${share(item.usd)})`).join(", ")}.`,
    ];
    const m = e.loadMinimums;
    if (m.triggersPerMonth > 0) {
        const s = e.settings;
        const cents = (n: number) => `$${n.toFixed(4)}`;
        out.push(
            `  the loads: ${count(m.triggersPerMonth)} triggers a month load something, each paying at least ${cents(m.glueUsd + m.redshiftUsd)} ` +
                `(${e.workload.pipelines} Spark run(s) x ${s.jobWorkers} DPU x the 1-minute minimum ${cents(m.glueUsd)}` +
                (m.redshiftUsd > 0
                    ? ` + Redshift's 60-second minimum x ${s.redshiftBaseCapacity} RPU ${cents(m.redshiftUsd)}`
                    : "") +
                `); fewer triggers (a slower cadence) is the lever, at the p99's expense (--compare).`,
        );
    }
    const glue = e.lines.find((l) => l.component === "Glue load jobs")?.monthlyUsd ?? 0;
    if (glue > 0) {
        const flex = glue * (1 - PRICES.glue.flexEtlDpuHour.usd / PRICES.glue.etlDpuHour.usd);
        out.push(
            `  not applied: Glue Flex for the load job would save ${usd(flex)}, but AWS bounds no Flex start ("start and completion times may vary"), so the p99 could not be stated.`,
        );
    }
    return out;
}

const count = (n: number) =>
    n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0);

/** The plan-counted part of the report: fixed charges the traffic model leaves out, and what is left out. */
export function formatFixedCosts(f: FixedCosts, trafficTotalUsd: number): string {
    const out: string[] = [
        "",
        "Fixed monthly charges of the planned resources (every stack of the plan, counted there; not in the lines above):",
    ];
    const width = Math.max(...f.lines.map((l) => l.type.length), 10) + 2;
    for (const l of f.lines)
        out.push(
            `  ${l.type.padEnd(width)}${String(l.count).padStart(4)}${usd(l.monthlyUsd).padStart(12)}${l.price.region === "eu-central-1" ? " " : "*"} ${l.detail}`,
        );
    out.push(`Total with fixed charges: ${usd(trafficTotalUsd + f.totalMonthlyUsd)}`);
    out.push(`Priced by the lines above: ${f.inTrafficModel.map((t) => `${t.count} ${t.type}`).join(", ")}.`);
    const reasons = new Map<string, string[]>();
    for (const t of f.leftOut) reasons.set(t.reason, [...(reasons.get(t.reason) ?? []), `${t.type} (${t.count})`]);
    out.push("Left out, with no charge of their own while idle:");
    for (const [reason, types] of reasons) out.push(`  ${reason}: ${types.join(", ")}`);
    if (f.unclassified.length > 0)
        out.push(`NOT PRICED (unknown to tools/cost/fixed.ts): ${f.unclassified.join(", ")}`);
    return out.join("\n");
}

async function main(): Promise<number> {
    let args: CostArgs;
    try {
        if (parseFlags(COST_COMMAND, process.argv.slice(2)).help) {
            console.log(helpText(COST_COMMAND));
            return 0;
        }
        args = parseCostArgs(process.argv.slice(2));
    } catch (err) {
        console.error(`cost: ${(err as Error).message}\n${USAGE}`);
        return 2;
    }
    try {
        const settings = readPlannedSettings(repoRoot(), args.stack);
        const e = estimate(args.workload, settings);
        const { plans } = await runPlan({
            stack: args.stack,
            write: false,
            onPass: (pass) => console.error(passLine(pass)),
        });
        const streaming = streamingEstimate(
            args.workload,
            settings,
            e,
            pipelines.filter((def) => def.streaming === true).length,
        );
        console.log(
            formatEstimate(e, args.stack) +
                "\n" +
                formatStreaming(streaming, e) +
                "\n" +
                formatFixedCosts(
                    fixedCosts(plans),
                    e.totalMonthlyUsd + (streaming.declared ? streaming.totalMonthlyUsd : 0),
                ),
        );
        if (args.compare) {
            const p99 = args.compare.p99Seconds ?? e.latency.p99Seconds;
            console.log(formatComparison(e, cheapestMeeting(args.workload, settings, p99), p99));
        }
        return 0;
    } catch (err) {
        if (err instanceof PlanError || err instanceof StackFileError) {
            console.error(`cost: the plan failed: ${err.message}`);
            return 1;
        }
        console.error(`cost: ${(err as Error).message}`);
        return 1;
    }
}

if (require.main === module) {
    main().then((code) => {
        process.exitCode = code;
    });
}
