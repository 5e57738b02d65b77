import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import {
    architectureSection,
    ARCHITECTURE_DOC,
    ARCHITECTURE_SECTION,
    componentsSection,
    COMPONENTS_DOC,
    COMPONENTS_SECTION,
    isCurrent,
} from "../../tools/diagram/cli";
import { componentsOfFile } from "../../tools/diagram/components-doc";
import { readSection, REGENERATE_COMMAND, writeSection } from "../../tools/diagram/generated-section";
import { ArchitectureGraph, buildGraph, REDSHIFT_TABLE_TYPE, staticPrefix } from "../../tools/diagram/graph";
import { renderMermaid } from "../../tools/diagram/mermaid";
import { readPlannedSettings } from "../../tools/cost/settings";
import { PRECHECK_MAX_CAPACITY } from "../../shared/glue-load-job";
import { repoRoot } from "../../tools/plan/runner";
import { PlannedResource, StackPlan } from "../../tools/plan/types";
import { pipelines } from "../../shared/pipelines";
import { currentPlans } from "./support/plans";

const ROOT = repoRoot();

function res(type: string, name: string, id: string, outputs: Record<string, unknown>): PlannedResource {
    return {
        urn: `urn:pulumi:dev::p::${type}::${name}`,
        type,
        name,
        custom: true,
        id,
        options: { protect: false, dependsOn: [] },
        inputs: {},
        outputs,
    };
}

/** A two-account pipeline "clicks", wired by ARNs and paths; `tweak` lets a test break one reference. */
function syntheticPlans(tweak: (r: Record<string, Record<string, unknown>>) => void = () => undefined): StackPlan[] {
    const streamArn = "arn:aws:kinesis:eu-central-1:111111111111:stream/t-clicks";
    const bucketArn = "arn:aws:s3:::t-landing";
    const o: Record<string, Record<string, unknown>> = {
        api: { name: "t-ingest", rootResourceId: "root" },
        streams: { pathPart: "streams", parentId: "root" },
        clicks: { pathPart: "clicks", parentId: "r1" },
        record: { pathPart: "record", parentId: "r2" },
        integration: {
            restApi: "api1",
            resourceId: "r3",
            httpMethod: "PUT",
            uri: "arn:aws:apigateway:eu-central-1:kinesis:action/PutRecord",
            requestTemplates: { "application/json": '{ "StreamName": "t-clicks", "Data": "..." }' },
        },
        stream: { name: "t-clicks", arn: streamArn },
        // A decoy with a similar name and another ARN: names must not be what links things.
        decoy: { name: "t-clicks-old", arn: "arn:aws:kinesis:eu-central-1:111111111111:stream/t-clicks-old" },
        firehose: {
            name: "t-clicks-landing",
            kinesisSourceConfiguration: { kinesisStreamArn: streamArn },
            extendedS3Configuration: {
                bucketArn,
                prefix: "clicks/year=!{timestamp:yyyy}/",
                bufferingInterval: 60,
                bufferingSize: 64,
                compressionFormat: "GZIP",
            },
        },
        bucket: { bucket: "t-landing", arn: bucketArn },
        crawler: { name: "t-clicks-s3", databaseName: "landed", s3Targets: [{ path: "s3://t-landing/clicks/" }] },
        table: { name: "clicks", databaseName: "landed", storageDescriptor: { location: "s3://t-landing/clicks/" } },
        job: {
            name: "t-clicks-load",
            defaultArguments: { "--source_path": "s3://t-landing/clicks/", "--target_table": "web.clicks" },
            numberOfWorkers: 2,
            workerType: "G.1X",
        },
        trigger: { type: "SCHEDULED", schedule: "cron(0/5 * * * ? *)", actions: [{ jobName: "t-clicks-load" }] },
        ddl: {
            declaration: {
                pipeline: "clicks",
                table: { schema: "web", name: "clicks" },
                columns: [{ name: "id", type: "char", length: 36, nullable: false }],
            },
        },
    };
    tweak(o);
    const eng: StackPlan = {
        project: "t-engineering",
        stack: "dev",
        account: "111111111111",
        region: "eu-central-1",
        outputs: {},
        resources: [
            res("aws:apigateway/restApi:RestApi", "api", "api1", o.api),
            res("aws:apigateway/resource:Resource", "streams", "r1", o.streams),
            res("aws:apigateway/resource:Resource", "clicks", "r2", o.clicks),
            res("aws:apigateway/resource:Resource", "record", "r3", o.record),
            res("aws:apigateway/integration:Integration", "clicks-record", "i1", o.integration),
            res("aws:kinesis/stream:Stream", "clicks", "t-clicks", o.stream),
            res("aws:kinesis/stream:Stream", "decoy", "t-clicks-old", o.decoy),
            res("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", "clicks", "t-clicks-landing", o.firehose),
        ],
    };
    const dp: StackPlan = {
        project: "t-data-platform",
        stack: "dev",
        account: "222222222222",
        region: "eu-central-1",
        outputs: {},
        resources: [
            res("aws:s3/bucket:Bucket", "landing", "t-landing", o.bucket),
            res("aws:glue/crawler:Crawler", "clicks-s3", "t-clicks-s3", o.crawler),
            res("aws:glue/catalogTable:CatalogTable", "clicks", "landed:clicks", o.table),
            res("aws:glue/job:Job", "clicks-load", "t-clicks-load", o.job),
            res("aws:glue/trigger:Trigger", "clicks-load", "t-clicks-load", o.trigger),
            res(REDSHIFT_TABLE_TYPE, "ddl", "web.clicks", o.ddl),
        ],
    };
    return [eng, dp];
}

function edge(graph: ArchitectureGraph, fromLabel: RegExp, toLabel: RegExp): boolean {
    const byId = new Map(graph.nodes.map((n) => [n.id, n.label]));
    return graph.edges.some((e) => fromLabel.test(byId.get(e.from) ?? "") && toLabel.test(byId.get(e.to) ?? ""));
}

describe("architecture diagram: derived from references between planned resources", () => {
    it("follows one pipeline from route to Redshift table across the two accounts", () => {
        const graph = buildGraph(syntheticPlans());
        expect(graph.problems).to.deep.equal([]);
        expect(edge(graph, /^PUT \/streams\/clicks\/record$/, /^Kinesis t-clicks$/)).to.equal(true);
        expect(edge(graph, /^Kinesis t-clicks$/, /^Firehose t-clicks-landing/)).to.equal(true);
        expect(edge(graph, /^Firehose t-clicks-landing/, /^s3:\/\/t-landing\/clicks\/$/)).to.equal(true);
        expect(edge(graph, /^s3:\/\/t-landing\/clicks\/$/, /^S3 crawler t-clicks-s3/)).to.equal(true);
        expect(edge(graph, /^S3 crawler t-clicks-s3/, /^Glue table landed\.clicks$/)).to.equal(true);
        expect(
            edge(
                graph,
                /^s3:\/\/t-landing\/clicks\/$/,
                /^Glue job t-clicks-load<br\/>cron\(0\/5 \* \* \* \? \*\), 2 x G\.1X$/,
            ),
        ).to.equal(true);
        expect(edge(graph, /^Glue job t-clicks-load/, /^Redshift web\.clicks$/)).to.equal(true);
        // Nodes sit in the account of the plan that creates them; the decoy stream is not wired to anything.
        expect(graph.nodes.find((n) => n.kind === "prefix")?.account).to.equal("222222222222");
        expect(graph.nodes.find((n) => n.kind === "firehose")?.account).to.equal("111111111111");
        expect(graph.nodes.some((n) => n.label.includes("t-clicks-old"))).to.equal(false);
        const mermaid = renderMermaid(graph);
        expect(mermaid.split("\n")[0]).to.equal("flowchart LR");
        expect(mermaid)
            .to.match(/subgraph account0\["t-engineering\/dev - account 111111111111"\]/)
            .and.match(/subgraph account1\["t-data-platform\/dev - account 222222222222"\]/);
    });

    it("a Firehose reading another stream's ARN is drawn from that stream, and the route's chain is reported broken", () => {
        const graph = buildGraph(
            syntheticPlans(
                (o) =>
                    ((o.firehose.kinesisSourceConfiguration as Record<string, unknown>).kinesisStreamArn = o.decoy.arn),
            ),
        );
        expect(edge(graph, /^Kinesis t-clicks$/, /^Firehose/)).to.equal(false);
        expect(edge(graph, /^Kinesis t-clicks-old$/, /^Firehose t-clicks-landing/)).to.equal(true);
        expect(graph.problems).to.deep.equal(["route PUT /streams/clicks/record: no data path to a Redshift table"]);
        const gone = buildGraph(
            syntheticPlans(
                (o) =>
                    ((o.firehose.kinesisSourceConfiguration as Record<string, unknown>).kinesisStreamArn =
                        "arn:aws:kinesis:eu-central-1:111111111111:stream/nowhere"),
            ),
        );
        expect(gone.problems).to.include(
            "Firehose t-clicks-landing: reads arn:aws:kinesis:eu-central-1:111111111111:stream/nowhere, which no plan creates",
        );
    });

    it("a job reads the prefix its --source_path names, or the one under the catalog table it names", () => {
        const elsewhere = buildGraph(
            syntheticPlans(
                (o) => ((o.job.defaultArguments as Record<string, unknown>)["--source_path"] = "s3://t-landing/other/"),
            ),
        );
        expect(edge(elsewhere, /^s3:\/\/t-landing\/clicks\/$/, /^Glue job/)).to.equal(false);
        expect(elsewhere.problems).to.deep.equal([
            "route PUT /streams/clicks/record: no data path to a Redshift table",
        ]);
        const throughCatalog = buildGraph(
            syntheticPlans(
                (o) =>
                    (o.job.defaultArguments = {
                        "--catalog_database": "landed",
                        "--catalog_table": "clicks",
                        "--target_table": "web.clicks",
                    }),
            ),
        );
        expect(throughCatalog.problems).to.deep.equal([]);
        expect(edge(throughCatalog, /^s3:\/\/t-landing\/clicks\/$/, /^Glue job t-clicks-load/)).to.equal(true);
        expect(edge(throughCatalog, /^Glue table landed\.clicks$/, /^Glue job t-clicks-load/)).to.equal(true);
        expect(
            edge(buildGraph(syntheticPlans()), /^Glue table landed\.clicks$/, /^Glue job t-clicks-load/),
            "a job reading S3 directly has no catalog edge",
        ).to.equal(false);
    });

    it("a job writing a table no Redshift table resource keeps, or a bucket no plan has, is reported", () => {
        const noTable = buildGraph(
            syntheticPlans(
                (o) => ((o.job.defaultArguments as Record<string, unknown>)["--target_table"] = "web.missing"),
            ),
        );
        expect(noTable.problems).to.include(
            "Glue job t-clicks-load: writes web.missing, which no planned Redshift table keeps",
        );
        const noBucket = buildGraph(
            syntheticPlans(
                (o) =>
                    ((o.firehose.extendedS3Configuration as Record<string, unknown>).bucketArn =
                        "arn:aws:s3:::elsewhere"),
            ),
        );
        expect(noBucket.problems).to.include(
            "Firehose t-clicks-landing: delivers to arn:aws:s3:::elsewhere, which no plan creates",
        );
    });

    it("keeps the fixed part of a Firehose prefix", () => {
        expect(staticPrefix("user-events/year=!{timestamp:yyyy}/month=!{timestamp:MM}/")).to.equal("user-events/");
        expect(staticPrefix("a/b/c-!{firehose:random-string}/")).to.equal("a/b/");
        expect(staticPrefix("plain/")).to.equal("plain/");
    });
});

describe("generated sections", () => {
    it("replace only their own section and leave the rest of the file as written", () => {
        const first = writeSection("# Title\n\nProse.\n", "demo", "one");
        expect(first).to.match(/^# Title\n\nProse\.\n\n<!-- BEGIN GENERATED demo: do not edit/);
        const second = writeSection(`${first}\nMore prose.\n`, "demo", "two");
        expect(readSection(second, "demo")).to.equal("two");
        expect(second).to.include("More prose.").and.include("Prose.").and.not.include("one\n");
    });
});

describe("docs generated from the current code", () => {
    let plans: StackPlan[];
    before(async function () {
        this.timeout(300000);
        plans = await currentPlans();
    });

    it(`${ARCHITECTURE_DOC} shows the current plans (else run \`${REGENERATE_COMMAND}\`)`, () => {
        const expected = architectureSection(plans);
        expect(
            isCurrent(ROOT, ARCHITECTURE_DOC, ARCHITECTURE_SECTION, expected),
            `${ARCHITECTURE_DOC} is stale: run \`${REGENERATE_COMMAND}\``,
        ).to.equal(true);
    });

    it("every declared pipeline is drawn end to end, route to Redshift table, with no broken reference", () => {
        const graph = buildGraph(plans);
        expect(graph.problems, graph.problems.join("\n")).to.deep.equal([]);
        for (const p of pipelines) {
            const table = `${p.table.schema}.${p.table.name}`;
            expect(
                graph.nodes.some((n) => n.kind === "table" && n.label === `Redshift ${table}`),
                table,
            ).to.equal(true);
            expect(
                graph.nodes.filter((n) => n.kind === "route" && n.label.includes(`/${p.name}/`)),
                p.name,
            ).to.have.length.greaterThan(0);
        }
        expect(graph.accounts).to.have.length(2);
    });

    it("draws every planned crawler, S3 and JDBC, beside what it crawls", () => {
        const graph = buildGraph(plans);
        const crawlers = plans.flatMap((plan) => plan.resources.filter((r) => r.type === "aws:glue/crawler:Crawler"));
        expect(crawlers.length).to.be.greaterThan(0);
        for (const crawler of crawlers) {
            const node = graph.nodes.find(
                (n) => n.kind === "crawler" && n.label.includes(`crawler ${String(crawler.outputs.name)}<br/>`),
            );
            expect(node, `crawler ${String(crawler.outputs.name)}`).to.not.equal(undefined);
            expect(
                graph.edges.some((e) => e.to === node!.id && e.label === "crawls"),
                `what ${String(crawler.outputs.name)} crawls`,
            ).to.equal(true);
        }
    });

    it("the cost model prices what the programs create (buffering, compression, job schedule and workers)", () => {
        const settings = readPlannedSettings(ROOT);
        const all = plans.flatMap((p) => p.resources);
        const firehoses = all.filter((r) => r.type === "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream");
        expect(firehoses).to.have.length(pipelines.length);
        for (const f of firehoses) {
            const s3 = f.outputs.extendedS3Configuration as Record<string, unknown>;
            expect(s3, f.name).to.include({
                bufferingInterval: settings.firehoseBufferSeconds,
                bufferingSize: settings.firehoseBufferMiB,
                compressionFormat: settings.firehoseCompression,
            });
        }
        const allJobs = all.filter((r) => r.type === "aws:glue/job:Job");
        const jobs = allJobs.filter((j) => (j.outputs.command as { name: string }).name === "glueetl");
        expect(jobs).to.have.length(pipelines.length);
        for (const j of jobs)
            expect(j.outputs, j.name).to.include({ numberOfWorkers: settings.jobWorkers, workerType: "G.1X" });
        // With new-data, each scheduled trigger starts a pre-check of the size the model prices, never a load job.
        const prechecks = allJobs.filter((j) => (j.outputs.command as { name: string }).name === "pythonshell");
        expect(prechecks.length, "a pre-check per pipeline with jobTrigger new-data").to.equal(
            settings.jobTrigger === "new-data" ? pipelines.length : 0,
        );
        for (const j of prechecks) expect(j.outputs.maxCapacity, j.name).to.equal(PRECHECK_MAX_CAPACITY);
        const triggers = all.filter((r) => r.type === "aws:glue/trigger:Trigger");
        for (const t of triggers)
            expect(t.outputs.schedule, t.name).to.equal(
                settings.jobTrigger === "crawler" ? undefined : settings.jobSchedule,
            );
        for (const t of triggers.filter((t) => settings.jobTrigger === "new-data" && t.outputs.type === "SCHEDULED")) {
            for (const action of t.outputs.actions as { jobName: string }[])
                expect(
                    prechecks.map((j) => j.outputs.name),
                    t.name,
                ).to.include(action.jobName);
        }
        const crawlers = all.filter((r) => r.type === "aws:glue/crawler:Crawler");
        for (const c of crawlers)
            expect(c.outputs.schedule, c.name).to.be.oneOf([settings.s3CrawlerSchedule, settings.jdbcCrawlerSchedule]);
        // The latency model's partition gate needs both: a job reading through an hour-partitioned catalog
        // table, and partitions that only the S3 crawler registers (no partition projection).
        const catalogTables = all.filter((r) => r.type === "aws:glue/catalogTable:CatalogTable");
        const crawlerRegistered = catalogTables.every(
            (t) =>
                (t.outputs.partitionKeys as unknown[] | undefined)?.length &&
                !String(JSON.stringify(t.outputs.parameters ?? {})).includes("projection.enabled"),
        );
        expect(catalogTables.length).to.be.greaterThan(0);
        expect(
            settings.partitionsRegisteredByCrawler,
            "tools/cost/settings.ts partitionsRegisteredByCrawler no longer matches the catalog tables",
        ).to.equal(Boolean(crawlerRegistered));
        const crawledPaths = all
            .filter((r) => r.type === "aws:glue/crawler:Crawler")
            .flatMap((c) => ((c.outputs.s3Targets ?? []) as { path: string }[]).map((t) => t.path));
        const readsThroughCatalog = (j: PlannedResource) => {
            const args = j.outputs.defaultArguments as Record<string, unknown>;
            if ("--catalog_table" in args) return true;
            expect(
                crawledPaths,
                `${j.name} reads --source_path ${String(args["--source_path"])}, a crawled landing prefix`,
            ).to.include(args["--source_path"]);
            return false;
        };
        for (const j of jobs)
            expect(
                settings.jobReadsThroughCatalog,
                `tools/cost/settings.ts jobReadsThroughCatalog no longer matches job ${j.name}`,
            ).to.equal(readsThroughCatalog(j));
        const streams = all.filter((r) => r.type === "aws:kinesis/stream:Stream");
        for (const s of streams)
            expect((s.outputs.streamModeDetails as Record<string, unknown>).streamMode, s.name).to.equal(
                settings.streamMode,
            );
    });

    it(`${COMPONENTS_DOC} lists every component's current inputs and outputs (else run \`${REGENERATE_COMMAND}\`)`, () => {
        const expected = componentsSection(ROOT);
        expect(
            isCurrent(ROOT, COMPONENTS_DOC, COMPONENTS_SECTION, expected),
            `${COMPONENTS_DOC} is stale: run \`${REGENERATE_COMMAND}\``,
        ).to.equal(true);
        for (const file of fs.readdirSync(path.join(ROOT, "shared")).filter((f) => f.endsWith(".ts"))) {
            const text = fs.readFileSync(path.join(ROOT, "shared", file), "utf8");
            for (const match of text.matchAll(/export class (\w+) extends pulumi\.ComponentResource/g))
                expect(expected, match[1]).to.include(`### ${match[1]}`);
        }
    });
});

describe("component docs: read from the source with the TypeScript parser", () => {
    const source = [
        'import * as pulumi from "@pulumi/pulumi";',
        "/** Where to put it. */",
        "export interface Place {",
        "    /** The bucket. */",
        "    readonly bucket: pulumi.Input<string>;",
        "}",
        "export interface WidgetArgs {",
        "    /** Its size | in bytes. */",
        "    readonly size: number;",
        "    /** Where, see {@link Place}. */",
        "    readonly place?: Place;",
        "}",
        "/** A widget. */",
        "export class Widget extends pulumi.ComponentResource {",
        "    /** The widget's ARN. */",
        "    readonly arn: pulumi.Output<string>;",
        "    private readonly secret = 1;",
        "    constructor(name: string, args: WidgetArgs, opts?: pulumi.ComponentResourceOptions) {",
        '        super("test:Widget", name, {}, opts);',
        "        this.arn = pulumi.output(String(args.size) + this.secret);",
        "    }",
        "}",
        "class NotExported extends pulumi.ComponentResource {}",
    ].join("\n");

    it("finds exported components, their Args fields (required or not, with docs), nested inputs and public outputs", () => {
        const [widget, ...rest] = componentsOfFile("shared/widget.ts", source);
        expect(rest).to.deep.equal([]);
        expect(widget).to.include({ className: "Widget", typeToken: "test:Widget", doc: "A widget." });
        expect(widget.args?.fields).to.deep.equal([
            { name: "size", type: "number", optional: false, doc: "Its size | in bytes." },
            { name: "place", type: "Place", optional: true, doc: "Where, see `Place`." },
        ]);
        expect(widget.nested.map((n) => n.name)).to.deep.equal(["Place"]);
        expect(widget.outputs).to.deep.equal([
            { name: "arn", type: "pulumi.Output<string>", optional: false, doc: "The widget's ARN." },
        ]);
    });
});
