import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseCostArgs, UsageError, whatSetsIt } from "../../tools/cost/cli";
import { candidates, cheapestMeeting, formatComparison } from "../../tools/cost/compare";
import { fixedCosts } from "../../tools/cost/fixed";
import { gapComponents, sumOfUniformsCdf, waitQuantile } from "../../tools/cost/latency";
import { CostLine, estimate, Estimate, usageLimitNote } from "../../tools/cost/model";
import { HOURS_PER_MONTH, PRICES, tieredCost } from "../../tools/cost/prices";
import { ASSUMED_REFRESH_SECONDS, KINESIS_PROPAGATION_SECONDS, streamingEstimate } from "../../tools/cost/streaming";
import { dailyTriggerMinutes, effectiveGapsSeconds, runsPerMonth } from "../../tools/cost/schedule";
import { DOCUMENTED_DEFAULTS, PlannedSettings, readPlannedSettings } from "../../tools/cost/settings";
import { repoRoot } from "../../tools/plan/runner";
import { StackPlan } from "../../tools/plan/types";
import { currentPlans } from "./support/plans";

// Seconds in AWS's 730-hour month, used in the hand computations below: 730 x 3600 = 2,628,000.

function line(e: Estimate, prefix: string): CostLine {
    const found = e.lines.find((l) => l.component.startsWith(prefix));
    if (!found) throw new Error(`no cost line "${prefix}" in ${e.lines.map((l) => l.component).join(", ")}`);
    return found;
}

// The documented defaults, as the planned stacks use them: the job lists its S3 prefix itself, so the
// closed-form cases have no partition gate. A job reading through the catalog table has its own case.
const defaults: PlannedSettings = DOCUMENTED_DEFAULTS;

describe("cost model: --events-per-second 1000 (1 KiB events, 2 pipelines, documented defaults)", () => {
    const e = estimate({ eventsPerSecond: 1000, eventBytes: 1024, batch: 1, pipelines: 2 }, defaults);

    it("API Gateway: 2.628 B requests across the REST tiers", () => {
        // requests = 1000 x 2,628,000 = 2,628,000,000
        // 333 M x $3.70/M = 1,232.10; 667 M x $2.80/M = 1,867.60; (2,628 M - 1,000 M) = 1,628 M x $2.38/M = 3,874.64
        // total = 6,974.34
        expect(line(e, "API Gateway").monthlyUsd).to.be.closeTo(6974.34, 0.005);
    });

    it("Kinesis on-demand: 1 KiB + 36 B partition key rounds up to 2 KiB per record", () => {
        // stream-hours: 2 x 730 x $0.04 = 58.40
        // GB: 2,628,000,000 x 2,048 B / 2^30 = 5,012.51 GB, in ($0.08) and out ($0.04): 5,012.51 x 0.12 = 601.50
        // total = 659.90
        expect(line(e, "Kinesis").monthlyUsd).to.be.closeTo(659.9, 0.01);
    });

    it("Firehose: each 1 KiB record billed as 5 KB", () => {
        // 2,628,000,000 x 5,120 B / 2^30 = 12,531.28 GB x $0.029 = 363.41
        expect(line(e, "Firehose").monthlyUsd).to.be.closeTo(363.41, 0.01);
    });

    it("Glue load jobs: 1-minute minimum per run, 2 DPUs, every 5 minutes, per pipeline", () => {
        // runs per pipeline: 288 a day x 730/24 = 8,760; a run reads 500 ev/s x 1,024 B x 300 s = 153.6 MB
        // at 2 x 10 MiB/s = 7.32 s, + 45 s fixed = 52.3 s, billed as 60 s.
        // DPU-h = 2 pipelines x 8,760 x 2 DPU x 60 s / 3,600 = 584; x $0.44 = 256.96
        expect(line(e, "Glue load jobs").monthlyUsd).to.be.closeTo(256.96, 0.005);
    });

    it("Glue crawlers: 10-minute minimum per run; weekly safety crawls by default", () => {
        // S3 and JDBC crawlers weekly: 730/168 = 4.345 runs each, x 2 crawlers x 2 pipelines = 17.381 runs
        // 17.381 x 2 DPU x 600 s / 3,600 = 5.794 DPU-h x $0.44 = 2.549
        expect(line(e, "Glue crawlers").monthlyUsd).to.be.closeTo(2.549, 0.001);
        // The schedules before the pre-check registered partitions: S3 hourly (730 runs per pipeline), JDBC daily
        // (30.42): 1,520.83 runs x 2 DPU x 600 s / 3,600 = 506.94 DPU-h x $0.44 = 223.06
        const hourly = estimate(
            { eventsPerSecond: 1000, eventBytes: 1024, batch: 1, pipelines: 2 },
            { ...defaults, s3CrawlerSchedule: "cron(15 * * * ? *)", jdbcCrawlerSchedule: "cron(0 3 * * ? *)" },
        );
        expect(line(hourly, "Glue crawlers").monthlyUsd).to.be.closeTo(223.06, 0.01);
    });

    it("Glue load pre-checks: one Python shell run of 1/16 DPU per check, billed a minute", () => {
        // 2 pipelines x 8,760 checks x 0.0625 DPU x 60 s / 3,600 = 18.25 DPU-h x $0.44 = 8.03
        expect(line(e, "Glue load pre-checks").monthlyUsd).to.be.closeTo(8.03, 0.001);
    });

    it("latency: p50 = fixed + 180 s, p99 = fixed + 341.03 s (60 s buffer, 5-minute job)", () => {
        // Buffer fill time 64 MiB / (500 ev/s x 1,024 B) = 131 s > 60 s, so E = 60 s. Gaps: 300 s.
        // fixed = 1 (Kinesis poll) + 2 (S3 write) + 52.324 (run: 45 + 153,600,000 / 20,971,520) = 55.324 s
        // U(0,60)+U(0,300): median in the flat part, (t - 30)/300 = 0.5 -> t = 180
        // p99 in the top part: 1 - (360 - t)^2 / (2 x 60 x 300) = 0.99 -> (360 - t)^2 = 360 -> t = 341.026
        expect(e.latency.bufferPeriodSeconds).to.equal(60);
        expect(e.latency.fixedSeconds).to.be.closeTo(55.324, 0.001);
        expect(e.latency.p50Seconds).to.be.closeTo(55.324 + 180, 0.01);
        expect(e.latency.p99Seconds).to.be.closeTo(55.324 + 341.026, 0.01);
    });

    it("the baseline (300 s buffer + 5-minute load) models to about its expected 5-10 minutes", () => {
        // U(0,300)+U(0,300) is triangular on [0, 600]: median 300; p99: (600 - t)^2 = 0.01 x 180,000 -> t = 557.57
        expect(e.baselineLatency.p50Seconds).to.be.closeTo(55.324 + 300, 0.01);
        expect(e.baselineLatency.p99Seconds).to.be.closeTo(55.324 + 557.574, 0.01);
        expect(e.baselineLatency.p50Seconds / 60).to.be.within(5, 10);
    });

    it("the planned design reads S3 directly: no partition gate, so p50 and p99 beat the baseline's", () => {
        // Same closed form as above: nothing waits for the hourly crawl.
        for (const settings of [DOCUMENTED_DEFAULTS, readPlannedSettings(repoRoot())]) {
            expect(settings.jobReadsThroughCatalog).to.equal(false);
            const planned = estimate({ eventsPerSecond: 1000, eventBytes: 1024, batch: 1, pipelines: 2 }, settings);
            expect(planned.latency.partitionGate).to.equal(false);
            expect(planned.latency.p50Seconds - planned.latency.fixedSeconds).to.be.closeTo(180, 0.01);
            expect(planned.latency.p99Seconds - planned.latency.fixedSeconds).to.be.closeTo(341.026, 0.01);
            expect(planned.latency.p50Seconds).to.be.lessThan(planned.baselineLatency.p50Seconds);
            expect(planned.latency.p99Seconds).to.be.lessThan(planned.baselineLatency.p99Seconds);
        }
    });

    it("a job reading through the crawler's catalog table would wait for each new hour's partition: p99 about 20 minutes", () => {
        // Hour h's folder appears at h:01:03 (60 s buffer + 2 s write); the crawl at h:15 registers it at h:16:30
        // (90 s crawl); the next run is at h:20. Objects landing in the hour, per run that loads them:
        //   (0, 990 s]   -> run at 1,200 s: wait U(210, 1,200), weight 990/3,600
        //   (990, 1,200] -> run at 1,200 s: wait U(0, 210),     weight 210/3,600
        //   (1,200, 3,600] -> eight 300-s gaps: U(0, 300),     weight 2,400/3,600
        // With F(a,b;t) the CDF of U(0,a)+U(0,b), the CDF of buffer + wait at t = 230 s:
        //   0.275 x F(60,990; 20) + 0.0583 x F(60,210; 230) + 0.6667 x F(60,300; 230)
        //   = 0.275 x 400/118,800 + 0.0583 x (1 - 40^2/25,200) + 0.6667 x 200/300 = 0.00093 + 0.05463 + 0.44444 = 0.5000
        // p99: only the gated part is left: 0.275 x F(60,990; t - 210) = 0.99 - 0.725 -> F = 0.96364,
        //   in the flat part (t' - 30)/990 = 0.96364 -> t' = 984.0 -> t = 1,194.0
        // A job started on the schedule itself, with the S3 crawler registering the hours hourly.
        const throughCatalog: PlannedSettings = {
            ...defaults,
            jobTrigger: "schedule",
            s3CrawlerSchedule: "cron(15 * * * ? *)",
            jobReadsThroughCatalog: true,
        };
        const gated = estimate({ eventsPerSecond: 1000, eventBytes: 1024, batch: 1, pipelines: 2 }, throughCatalog);
        expect(gated.latency.partitionGate).to.equal(true);
        expect(gated.latency.p50Seconds - gated.latency.fixedSeconds).to.be.closeTo(230, 0.01);
        expect(gated.latency.p99Seconds - gated.latency.fixedSeconds).to.be.closeTo(1194, 0.01);
        // Partition projection (partitions not registered by the crawler) would remove the gate as well.
        const projected = estimate(
            { eventsPerSecond: 1000, eventBytes: 1024, batch: 1, pipelines: 2 },
            { ...throughCatalog, partitionsRegisteredByCrawler: false },
        );
        expect(projected.latency.partitionGate).to.equal(false);
        // With jobTrigger "crawler" the job runs after each crawl, so there is no separate gate: it waits for the crawl itself.
        const afterCrawl = estimate(
            { eventsPerSecond: 1000, eventBytes: 1024, batch: 1, pipelines: 2 },
            { ...throughCatalog, jobTrigger: "crawler" },
        );
        expect(afterCrawl.latency.partitionGate).to.equal(false);
    });

    it("triggered after each crawl, the job still waits for the crawler, whichever way it reads", () => {
        // Runs start 90 s (the crawl) after each hourly crawl: one run an hour, so the wait is U(0, 3,600) on top of
        // the crawl, whether or not the job reads S3 directly.
        for (const jobReadsThroughCatalog of [false, true]) {
            const afterCrawl = estimate(
                { eventsPerSecond: 1000, eventBytes: 1024, batch: 1, pipelines: 2 },
                { ...defaults, jobTrigger: "crawler", s3CrawlerSchedule: "cron(15 * * * ? *)", jobReadsThroughCatalog },
            );
            expect([...new Set(afterCrawl.latency.jobGapsSeconds)]).to.deep.equal([3600]);
            expect(afterCrawl.latency.p99Seconds, "after-crawl p99 is most of an hour").to.be.greaterThan(55 * 60);
        }
    });

    it("the total is the sum of the lines, and each line says whether a us-east-1 rate stands in", () => {
        expect(e.totalMonthlyUsd).to.be.closeTo(
            e.lines.reduce((s, l) => s + l.monthlyUsd, 0),
            1e-9,
        );
        // The first API tier is a confirmed Frankfurt rate, the later ones are not.
        expect(line(e, "API Gateway").standInPrice).to.equal(true);
        expect(line(e, "S3 storage").standInPrice).to.equal(false);
    });
});

describe("cost model: other configurations", () => {
    it("provisioned Kinesis: shards sized to the load, PUT payload units in 25 KB", () => {
        // 10 ev/s, batch 100: 5 ev/s per stream -> 1 shard each; 2 x 1 x 730 x $0.015 = 21.90
        // PUT units: 10 x 2,628,000 = 26,280,000 records x 1 unit (1,060 B < 25 KB) x $0.014/M = 0.368
        const e = estimate(
            { eventsPerSecond: 10, eventBytes: 1024, batch: 100, pipelines: 2, shardMode: "PROVISIONED" },
            defaults,
        );
        expect(line(e, "Kinesis Data Streams (provisioned)").monthlyUsd).to.be.closeTo(21.9 + 0.36792, 0.0001);
        // 262,800 requests, all in the first tier: 0.2628 M x $3.70 = 0.97236
        expect(line(e, "API Gateway").monthlyUsd).to.be.closeTo(0.97236, 0.00001);
        expect(line(e, "API Gateway").standInPrice).to.equal(false);
    });

    it("an undersized configured shard count is flagged", () => {
        // 5,000 ev/s of 1,060 B per stream = 5.05 MiB/s -> needs 6 shards (5,000 records/s needs 5).
        const e = estimate(
            { eventsPerSecond: 5000, eventBytes: 1024, batch: 10, pipelines: 1, shardMode: "PROVISIONED" },
            { ...defaults, shardCount: 2 },
        );
        expect(line(e, "Kinesis").detail).to.match(/UNDER-PROVISIONED: the load needs 6/);
    });

    it("the buffer size flushes before the interval under load", () => {
        // 10,000 ev/s x 1,024 B into one Firehose: 64 MiB fills in 67,108,864 / 10,240,000 = 6.5536 s < 60 s
        // p50 of U(0,6.5536)+U(0,300): (t - 3.2768)/300 = 0.5 -> t = 153.2768
        // run = 45 + 10,000 x 1,024 x 300 / 20,971,520 = 45 + 146.484 = 191.484; fixed = 3 + 191.484
        const e = estimate({ eventsPerSecond: 10000, eventBytes: 1024, batch: 10, pipelines: 1 }, defaults);
        expect(e.latency.bufferPeriodSeconds).to.be.closeTo(6.5536, 1e-4);
        expect(e.latency.p50Seconds).to.be.closeTo(194.484 + 153.2768, 0.01);
    });

    it("a run longer than the schedule period skips triggers (one concurrent run), until the rate converges", () => {
        // 18,000 ev/s x 1,024 B = 18,432,000 B/s into 2 x 10 MiB/s:
        // gap 300: run 45 + 263.67 = 308.67 (+30 start) > 300 -> gap 600: run 572.34 (+30) > 600 -> gap 900: run 836.02 (+30) < 900
        const e = estimate({ eventsPerSecond: 18000, eventBytes: 1024, batch: 10, pipelines: 1 }, defaults);
        expect([...new Set(e.latency.jobGapsSeconds)]).to.deep.equal([900]);
        expect(e.latency.jobRunSeconds).to.be.closeTo(836.016, 0.001);
    });

    it("refuses a load the job can never catch up with, naming jobWorkers", () => {
        expect(() =>
            estimate({ eventsPerSecond: 40000, eventBytes: 1024, batch: 10, pipelines: 1 }, defaults),
        ).to.throw(/jobWorkers: 2 G\.1X workers .*\(raise jobWorkers\)/);
    });

    it("a Redshift Serverless sandbox adds one 60-second active period per trigger that loads something", () => {
        // Every trigger loads at 1 event/s (P(no event in 300 s) = e^-300): 8,760 x 60 s x 4 RPU / 3,600 = 584 RPU-h x $0.375 = 219.00
        const e = estimate(
            { eventsPerSecond: 1, eventBytes: 500, batch: 1, pipelines: 2 },
            { ...defaults, redshiftMode: "sandbox" },
        );
        expect(line(e, "Redshift Serverless").monthlyUsd).to.be.closeTo(219, 1e-6);
        // At 8 RPU, started on the schedule whatever landed: 8,760 x 60 s x 8 RPU / 3,600 = 1,168 RPU-h x $0.375 = 438.00
        const eight = estimate(
            { eventsPerSecond: 1, eventBytes: 500, batch: 1, pipelines: 2 },
            { ...defaults, jobTrigger: "schedule", redshiftBaseCapacity: 8, redshiftMode: "sandbox" },
        );
        expect(line(eight, "Redshift Serverless").monthlyUsd).to.be.closeTo(438, 1e-9);
        expect(
            estimate({ eventsPerSecond: 1, eventBytes: 500, batch: 1, pipelines: 2 }, defaults).lines.some((l) =>
                l.component.startsWith("Redshift"),
            ),
        ).to.equal(false);
    });
});

describe("cost model: loads that follow traffic (jobTrigger new-data)", () => {
    const sandbox: PlannedSettings = { ...defaults, redshiftMode: "sandbox" };

    it("an idle pipeline runs no load and wakes no Redshift: the checks are the Glue charge", () => {
        const idle = estimate({ eventsPerSecond: 0, eventBytes: 1024, batch: 1, pipelines: 2 }, sandbox);
        expect(line(idle, "Glue load jobs").monthlyUsd).to.equal(0);
        expect(line(idle, "Redshift Serverless").monthlyUsd).to.equal(0);
        expect(line(idle, "Glue load pre-checks").monthlyUsd).to.be.greaterThan(0);
        expect(line(idle, "API Gateway").monthlyUsd).to.equal(0);
        expect(line(idle, "KMS").monthlyUsd).to.equal(0);
        // Started on the schedule instead, the same idle pipeline pays a load and a Redshift minute per trigger.
        const scheduled = estimate(
            { eventsPerSecond: 0, eventBytes: 1024, batch: 1, pipelines: 2 },
            { ...sandbox, jobTrigger: "schedule" },
        );
        expect(line(scheduled, "Glue load jobs").monthlyUsd).to.be.closeTo(256.96, 0.005);
        expect(line(scheduled, "Redshift Serverless").monthlyUsd).to.be.closeTo(219, 1e-6);
        expect(scheduled.lines.some((l) => l.component === "Glue load pre-checks")).to.equal(false);
    });

    it("a sparse pipeline loads only in the gaps that saw an event (Poisson arrivals)", () => {
        // 0.004 events/s over 2 pipelines: 0.002/s each. P(an event in 300 s) = 1 - e^-0.6 = 0.451188
        // loads: 2 x 8,760 x 0.451188 = 7,904.8 runs x 2 DPU x 60 s / 3,600 = 263.49 DPU-h x $0.44 = 115.94
        // Redshift wakes when either pipeline had an event: 1 - e^-1.2 = 0.698806 -> 6,121.5 min x 4 RPU / 60 x $0.375 = 153.04
        const sparse = estimate({ eventsPerSecond: 0.004, eventBytes: 1024, batch: 1, pipelines: 2 }, sandbox);
        expect(line(sparse, "Glue load jobs").monthlyUsd).to.be.closeTo(115.94, 0.01);
        expect(line(sparse, "Redshift Serverless").monthlyUsd).to.be.closeTo(153.04, 0.01);
        // The latency is the schedule's: the Spark run lists its prefix after it starts, whatever started it.
        const scheduled = estimate(
            { eventsPerSecond: 0.004, eventBytes: 1024, batch: 1, pipelines: 2 },
            { ...sandbox, jobTrigger: "schedule" },
        );
        expect(sparse.latency.p99Seconds).to.equal(scheduled.latency.p99Seconds);
    });
});

describe("cost model: what sets the figure, and the sandbox's usage limit", () => {
    const sandbox: PlannedSettings = { ...defaults, redshiftMode: "sandbox" };
    const steady = estimate({ eventsPerSecond: 1, eventBytes: 1024, batch: 1, pipelines: 2 }, sandbox);

    it("names each loading trigger's minimum charges, times the triggers that load, and the Flex lever with its saving", () => {
        // Per trigger: 2 runs x 2 DPU x 60 s x $0.44/h = $0.029333, + 60 s x 4 RPU x $0.375/h = $0.025;
        // every one of the 8,760 triggers loads at 1 event/s: 8,760 x $0.054333 = $475.96.
        expect(steady.loadMinimums.triggersPerMonth).to.be.closeTo(8760, 1e-6);
        expect(steady.loadMinimums.glueUsd + steady.loadMinimums.redshiftUsd).to.be.closeTo(0.054333, 1e-6);
        const [setBy, loads, flex] = whatSetsIt(steady);
        // $475.96 of $579.00, and the streams ($59.00, 10.2%): the lines of a tenth or more at 1 event/s.
        expect(setBy).to.equal(
            "What sets it: the loads (Glue load jobs + Redshift Serverless) $475.96 (82%), Kinesis Data Streams (on-demand) $59.00 (10%).",
        );
        expect(loads).to.include("8.8k triggers a month load something, each paying at least $0.0543");
        // Flex: $256.96 x (1 - 0.29 / 0.44) = $87.60, named with the reason it is not applied.
        expect(flex).to.include("would save $87.60").and.include("start and completion times may vary");
        // At 1,000 events/s in batches of 100 the streams and Firehose come first: Kinesis $659.90, Firehose $363.41.
        const busy = estimate({ eventsPerSecond: 1000, eventBytes: 1024, batch: 100, pipelines: 2 }, sandbox);
        expect(whatSetsIt(busy)[0]).to.match(
            /^What sets it: Kinesis Data Streams \(on-demand\) \$659\.90 \(40%\), the loads \(Glue load jobs \+ Redshift Serverless\) \$475\.96 \(29%\), Firehose \(ingestion from Kinesis\) \$363\.41 \(22%\)\.$/,
        );
        // Idle, no trigger loads: only the floor's lines of a tenth or more (of $82.68; the pre-checks' $8.03 is 9.7%).
        const idle = whatSetsIt(estimate({ eventsPerSecond: 0, eventBytes: 1024, batch: 1, pipelines: 2 }, sandbox));
        expect(idle).to.deep.equal([
            "What sets it: Kinesis Data Streams (on-demand) $58.40 (71%), CloudWatch alarms, dashboards, API metrics $13.60 (16%).",
        ]);
    });

    it("states what the usage limit caps a month and whether the loads alone reach it; it lowers no figure", () => {
        // The default: 720 RPU-h a month = $270.00, above the loads' 584.
        expect(line(steady, "Redshift Serverless").detail)
            .to.include("usage limit 720 RPU-h monthly (720 RPU-h = $270.00 a month), emit-metric")
            .and.not.include("REACHED");
        // 10 RPU-h a day: 10 x 730 / 24 = 304 RPU-h = $114.06 a month; the loads use 584 / 30.42 = 19 RPU-h a day.
        const daily = estimate(steady.workload, {
            ...sandbox,
            redshiftUsageLimitRpuHours: 10,
            redshiftUsageLimitPeriod: "daily",
        });
        expect(line(daily, "Redshift Serverless").detail)
            .to.include("(304 RPU-h = $114.06 a month)")
            .and.include("REACHED by the loads alone (19 RPU-h a period)");
        expect(line(daily, "Redshift Serverless").monthlyUsd, "neither breach action stops a query").to.equal(
            line(steady, "Redshift Serverless").monthlyUsd,
        );
        expect(usageLimitNote(584, { ...sandbox, redshiftUsageLimitRpuHours: 0 })).to.equal("no usage limit");
    });
});

describe("cost: --compare, the cheapest configuration meeting a p99", () => {
    const workload = { eventsPerSecond: 1, eventBytes: 1024, batch: 1, pipelines: 2 };
    const planned: PlannedSettings = { ...defaults, redshiftMode: "sandbox" };
    const today = estimate(workload, planned);

    it("meets the p99, costs no more than the planned configuration, and nothing cheaper among the candidates meets it", () => {
        const best = cheapestMeeting(workload, planned, today.latency.p99Seconds);
        expect(best, "a candidate").to.not.equal(undefined);
        expect(best!.estimate.latency.p99Seconds).to.be.at.most(today.latency.p99Seconds);
        expect(best!.estimate.totalMonthlyUsd).to.be.at.most(today.totalMonthlyUsd);
        for (const settings of candidates(planned)) {
            const e = estimate(workload, settings);
            if (e.totalMonthlyUsd < best!.estimate.totalMonthlyUsd - 1e-9)
                expect(e.latency.p99Seconds, settings.jobSchedule).to.be.greaterThan(today.latency.p99Seconds);
        }
    });

    it("a looser p99 buys a slower cadence for less; an impossible one is reported as such", () => {
        const best = cheapestMeeting(workload, planned, today.latency.p99Seconds)!;
        const loose = cheapestMeeting(workload, planned, 60 * 60)!;
        expect(loose.estimate.totalMonthlyUsd).to.be.lessThan(best.estimate.totalMonthlyUsd);
        expect(loose.estimate.latency.jobGapsSeconds[0]).to.be.greaterThan(best.estimate.latency.jobGapsSeconds[0]);
        expect(cheapestMeeting(workload, planned, 30)).to.equal(undefined);
        expect(formatComparison(today, undefined, 30)).to.match(
            /none of the \d+ candidate configurations reaches p99 <= 0\.5 min/,
        );
        expect(formatComparison(today, best, today.latency.p99Seconds))
            .to.match(/^\s+Total\s+\$[\d,.]+\s+\$[\d,.]+$/m)
            .and.match(/Changes: |is the cheapest/);
    });

    it("parses --compare and --p99", () => {
        expect(parseCostArgs(["--events-per-second", "1", "--compare"], 2).compare).to.deep.equal({
            p99Seconds: undefined,
        });
        expect(
            parseCostArgs(["--events-per-second", "1", "--compare", "--p99", "6.6"], 2).compare?.p99Seconds,
        ).to.be.closeTo(396, 1e-9);
        expect(parseCostArgs(["--events-per-second", "1"], 2).compare).to.equal(undefined);
        expect(() => parseCostArgs(["--events-per-second", "1", "--p99", "6"], 2)).to.throw(
            UsageError,
            /--p99 only applies with --compare/,
        );
        expect(() => parseCostArgs(["--events-per-second", "1", "--compare", "--p99", "0"], 2)).to.throw(
            UsageError,
            /--p99 must be a number of minutes above 0/,
        );
    });
});

describe("cost model: building blocks", () => {
    it("tiered pricing charges each unit at its tier's rate", () => {
        const tiers = PRICES.apiGateway.restRequestsPerMillion;
        expect(tieredCost(1e6, tiers, 1e6)).to.be.closeTo(3.7, 1e-9);
        // 333 M at 3.70 + 1 M at 2.80
        expect(tieredCost(334e6, tiers, 1e6)).to.be.closeTo(333 * 3.7 + 2.8, 1e-9);
    });

    it("the sum of two uniforms has the textbook CDF", () => {
        expect(sumOfUniformsCdf(60, 300, 30)).to.be.closeTo(900 / 36000, 1e-12); // t^2/(2ab)
        expect(sumOfUniformsCdf(60, 300, 180)).to.be.closeTo(0.5, 1e-12); // (t - a/2)/b
        expect(sumOfUniformsCdf(60, 300, 360)).to.equal(1);
        expect(waitQuantile(0, gapComponents([300]), 0.5)).to.be.closeTo(150, 0.001); // U(0,300) alone
    });

    it("reads Glue cron schedules into trigger times, and refuses what it does not model", () => {
        expect(dailyTriggerMinutes("cron(0/5 * * * ? *)")).to.have.length(288);
        expect(dailyTriggerMinutes("cron(15 * * * ? *)").slice(0, 2)).to.deep.equal([15, 75]);
        expect(dailyTriggerMinutes("cron(0,30 8-9 * * ? *)")).to.deep.equal([480, 510, 540, 570]);
        expect(() => dailyTriggerMinutes("cron(0 3 ? * MON *)")).to.throw(/Day-of-week must be \* or \?/);
        // Runs a month (730 h): daily 30.42, weekly 4.345, twice a week 8.69; other calendars refused.
        expect(runsPerMonth("cron(0 3 * * ? *)", 730)).to.be.closeTo(30.417, 0.001);
        expect(runsPerMonth("cron(0 3 ? * SUN *)", 730)).to.be.closeTo(4.345, 0.001);
        expect(runsPerMonth("cron(0 3 ? * MON,THU *)", 730)).to.equal(runsPerMonth("cron(0 3 ? * 2,5 *)", 730));
        expect(runsPerMonth("cron(0 3 ? * MON-WED *)", 730)).to.be.closeTo(13.036, 0.001);
        expect(() => runsPerMonth("cron(0 3 ? * XYZ *)", 730)).to.throw(/Day-of-week "XYZ"/);
        expect(() => runsPerMonth("cron(0 3 1 * ? *)", 730)).to.throw(/Day-of-month must be \* or \?/);
        expect(() => dailyTriggerMinutes("rate(5 minutes)")).to.throw(/must be a Glue cron expression/);
        // Every 5 minutes with 400-s runs: every other trigger is refused.
        expect([...new Set(effectiveGapsSeconds(dailyTriggerMinutes("cron(0/5 * * * ? *)"), 400))]).to.deep.equal([
            600,
        ]);
    });

    it("reads the stack files where a key is set and the documented default elsewhere", () => {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "cost-"));
        fs.mkdirSync(path.join(root, "engineering"));
        fs.mkdirSync(path.join(root, "data-platform"));
        fs.writeFileSync(
            path.join(root, "engineering", "Pulumi.dev.yaml"),
            "config:\n  tracking-engineering:firehoseBufferSeconds: 120\n  tracking-engineering:streamMode: PROVISIONED\n  tracking-engineering:shardCount: 3\n",
        );
        fs.writeFileSync(
            path.join(root, "data-platform", "Pulumi.dev.yaml"),
            'config:\n  tracking-data-platform:jobSchedule: cron(0/10 * * * ? *)\n  tracking-data-platform:jobWorkers: "4"\n',
        );
        const settings = readPlannedSettings(root);
        expect(settings).to.include({
            firehoseBufferSeconds: 120,
            streamMode: "PROVISIONED",
            shardCount: 3,
            jobSchedule: "cron(0/10 * * * ? *)",
            jobWorkers: 4,
        });
        expect(settings.firehoseBufferMiB).to.equal(DOCUMENTED_DEFAULTS.firehoseBufferMiB);
        fs.writeFileSync(
            path.join(root, "engineering", "Pulumi.dev.yaml"),
            "config:\n  tracking-engineering:streamMode: SOMETIMES\n",
        );
        expect(() => readPlannedSettings(root)).to.throw(
            /tracking-engineering:streamMode must be one of ON_DEMAND, PROVISIONED/,
        );
        fs.rmSync(root, { recursive: true });
    });

    it("the real dev stack files parse", () => {
        const settings = readPlannedSettings(repoRoot());
        expect(settings.firehoseBufferSeconds).to.be.a("number");
        expect(() => dailyTriggerMinutes(settings.jobSchedule)).to.not.throw();
    });
});

describe("npm run cost: arguments", () => {
    it("parses every flag, with defaults", () => {
        const args = parseCostArgs(
            [
                "--events-per-second",
                "1000",
                "--event-bytes=700",
                "--batch",
                "50",
                "--pipelines",
                "3",
                "--shard-mode",
                "provisioned",
            ],
            2,
        );
        expect(args.workload).to.deep.equal({
            eventsPerSecond: 1000,
            eventBytes: 700,
            batch: 50,
            pipelines: 3,
            shardMode: "PROVISIONED",
        });
        expect(parseCostArgs(["--events-per-second", "0.5"], 2).workload).to.include({
            eventBytes: 1024,
            batch: 1,
            pipelines: 2,
            shardMode: undefined,
        });
    });

    const cases: Array<[string[], RegExp]> = [
        [[], /--events-per-second is required/],
        [["--events-per-second", "abc"], /--events-per-second must be a number of at least 0 \(got "abc"\)/],
        [["--events-per-second", "-5"], /--events-per-second must be a number of at least 0/],
        [["--events-per-second"], /--events-per-second needs a value/],
        [
            ["--events-per-second", "10", "--batch", "501"],
            /--batch must be an integer from 1 to 500 \(PutRecords takes at most 500 records\) \(got "501"\)/,
        ],
        [
            ["--events-per-second", "10", "--event-bytes", "2000000"],
            /--event-bytes must be an integer from 1 to 1048576/,
        ],
        [["--events-per-second", "10", "--pipelines", "1.5"], /--pipelines must be an integer/],
        [
            ["--events-per-second", "10", "--shard-mode", "auto"],
            /--shard-mode must be on-demand or provisioned \(got "auto"\)/,
        ],
        [["--events-per-second", "10", "--eps", "1"], /unknown flag --eps/],
        [["--events-per-second", "10", "--batch", "2", "--batch", "3"], /--batch is given twice/],
    ];
    for (const [argv, message] of cases) {
        it(`refuses ${JSON.stringify(argv)}`, () => {
            expect(() => parseCostArgs(argv, 2)).to.throw(UsageError, message);
        });
    }

    it("the CLI exits 2 with the message and the usage on stderr", () => {
        const cli = path.join(repoRoot(), "build", "tools", "cost", "cli.js");
        const bad = spawnSync(process.execPath, [cli, "--events-per-second", "ten"], { encoding: "utf8" });
        expect(bad.status).to.equal(2);
        expect(bad.stderr)
            .to.match(/cost: --events-per-second must be a number of at least 0 \(got "ten"\)/)
            .and.match(/usage: npm run cost/);
        const good = spawnSync(process.execPath, [cli, "--events-per-second", "1000"], { encoding: "utf8" });
        expect(good.status, good.stderr).to.equal(0);
        expect(good.stdout)
            .to.match(/^Total\s+\$[\d,]+\.\d\d$/m)
            .and.match(/Latency API -> Redshift \(modeled\): p50/)
            .and.match(/Baseline: Firehose 300 s, load every 5 min/);
        expect(good.stdout, "only an idle workload prints the idle floor").to.not.match(/Idle floor/);
        expect(good.stdout)
            .to.match(/^Streaming tier: /m)
            .and.match(/Latency API -> stream view \(modeled\): p50 \d+ s, p99 \d+ s, against the batch table's p50/);
        const idle = spawnSync(process.execPath, [cli, "--events-per-second", "0"], { encoding: "utf8" });
        expect(idle.status, idle.stderr).to.equal(0);
        expect(idle.stdout).to.match(
            /^Idle floor: \$[\d,]+\.\d\d\/month with no traffic, set by Kinesis Data Streams/m,
        );
    });
});

describe("cost model: the streaming tier (stream views, AUTO REFRESH)", () => {
    const sandbox: PlannedSettings = { ...defaults, redshiftMode: "sandbox", redshiftBaseCapacity: 8 };
    const workload = { eventsPerSecond: 1000, eventBytes: 1024, batch: 1, pipelines: 2 };
    const batch = estimate(workload, sandbox);

    it("keeps a Serverless workgroup running all month at steady traffic, less the batch loads' minutes inside", () => {
        const st = streamingEstimate(workload, sandbox, batch, 1);
        // 500 records/s into the one streaming pipeline: a billing minute without one has probability e^-30000.
        expect(st.busyFraction).to.be.closeTo(1, 1e-9);
        const loads = batch.lines.find((l) => l.component.startsWith("Redshift Serverless"))!.monthlyUsd;
        const refresh = st.lines.find((l) => l.component.startsWith("Redshift Serverless kept refreshing"))!;
        // 730 h x 8 RPU x $0.375 = $2,190, less the loads' own charge.
        expect(refresh.monthlyUsd).to.be.closeTo(
            HOURS_PER_MONTH * 8 * PRICES.redshiftServerless.rpuHour.usd - loads,
            0.01,
        );
        // On demand, the view reads every record a second time: 500/s x 2,628,000 s x 1,060 B / 2^30 GB x $0.04.
        const retrievals = st.lines.find((l) => l.component.startsWith("Kinesis retrievals"))!;
        expect(retrievals.monthlyUsd).to.be.closeTo(
            ((500 * 2628000 * 1060) / 1024 ** 3) * PRICES.kinesis.onDemandRetrievalPerGB.usd,
            0.01,
        );
    });

    it("costs what the minutes with a record cost at a trickle, and nothing without traffic", () => {
        const trickle = { ...workload, eventsPerSecond: 1 / 600 };
        const st = streamingEstimate(trickle, sandbox, estimate(trickle, sandbox), 1);
        // One record every 20 minutes into the streaming pipeline: P(a minute holds one) = 1 - e^(-60/1200).
        expect(st.busyFraction).to.be.closeTo(1 - Math.exp(-60 / 1200), 1e-12);
        const idle = streamingEstimate(
            { ...workload, eventsPerSecond: 0 },
            sandbox,
            estimate({ ...workload, eventsPerSecond: 0 }, sandbox),
            1,
        );
        expect(idle.busyFraction).to.equal(0);
        expect(idle.lines.find((l) => l.component.startsWith("Redshift Serverless"))!.monthlyUsd).to.equal(0);
    });

    it("is seconds fresh where the batch table is minutes: propagation + a refresh + U(0, refresh)", () => {
        const st = streamingEstimate(workload, sandbox, batch, 1);
        expect(st.latency.p50Seconds).to.equal(KINESIS_PROPAGATION_SECONDS + 1.5 * ASSUMED_REFRESH_SECONDS);
        expect(st.latency.p99Seconds).to.be.closeTo(KINESIS_PROPAGATION_SECONDS + 1.99 * ASSUMED_REFRESH_SECONDS, 1e-9);
        expect(st.latency.p99Seconds).to.be.lessThan(batch.latency.p50Seconds);
        // A provisioned cluster pays nothing more for its refreshes; a provisioned stream no per-GB reads.
        const cluster = streamingEstimate(
            { ...workload, shardMode: "PROVISIONED" },
            { ...sandbox, redshiftMode: "cluster" },
            batch,
            1,
        );
        expect(cluster.totalMonthlyUsd).to.equal(0);
    });
});

describe("cost: fixed monthly charges counted from the plan", function () {
    let plans: StackPlan[];
    before(async () => {
        plans = await currentPlans();
    });

    it("classifies every planned resource type: priced here, priced by the traffic model, or left out with a reason", () => {
        const f = fixedCosts(plans);
        expect(f.unclassified, "add each to tools/cost/fixed.ts").to.deep.equal([]);
        const types = new Set(plans.flatMap((p) => p.resources.filter((r) => r.custom).map((r) => r.type)));
        const accounted = [
            ...f.lines.map((l) => l.type),
            ...f.inTrafficModel.map((t) => t.type),
            ...f.leftOut.map((t) => t.type),
        ];
        expect(accounted.sort()).to.deep.equal([...types].sort());
        for (const t of f.leftOut) expect(t.reason, t.type).to.match(/\w{4,}/);
    });

    it("prices each interface VPC endpoint per AZ-hour and each secret per month; a gateway endpoint is free", () => {
        const f = fixedCosts(plans);
        const endpoints = plans.flatMap((p) => p.resources.filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint"));
        const azHours = endpoints
            .filter((r) => r.inputs.vpcEndpointType === "Interface")
            .reduce((sum, r) => sum + Math.max(1, (r.inputs.subnetIds as unknown[] | undefined)?.length ?? 0) * 730, 0);
        const endpointLine = f.lines.find((l) => l.type === "aws:ec2/vpcEndpoint:VpcEndpoint");
        if (endpoints.length > 0)
            expect(endpointLine?.monthlyUsd).to.be.closeTo(azHours * PRICES.vpc.interfaceEndpointAzHour.usd, 1e-9);
        const secrets = plans.flatMap((p) =>
            p.resources.filter((r) => r.type === "aws:secretsmanager/secret:Secret"),
        ).length;
        expect(f.lines.find((l) => l.type === "aws:secretsmanager/secret:Secret")?.monthlyUsd ?? 0).to.be.closeTo(
            secrets * 0.4,
            1e-9,
        );
        expect(f.totalMonthlyUsd).to.be.closeTo(
            f.lines.reduce((s, l) => s + l.monthlyUsd, 0),
            1e-9,
        );
    });

    it("a type nobody classified is reported, not priced at zero silently", () => {
        const plan = {
            ...plans[0],
            resources: [{ ...plans[0].resources.find((r) => r.custom)!, type: "aws:zz/fixture:Unpriced" }],
        };
        expect(fixedCosts([plan]).unclassified).to.deep.equal(["aws:zz/fixture:Unpriced"]);
    });
});
