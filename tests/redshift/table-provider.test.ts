import { PGlite } from "@electric-sql/pglite";
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { ColumnDefinition, PipelineDefinition } from "../../shared/pipeline-codegen/definition";
import { schemaVersion, tableDeclaration, TableDeclaration } from "../../shared/pipeline-codegen/schema-migration";
import {
    CrawlerApi,
    DataApiTarget,
    redshiftTableProvider,
    RedshiftTableInputs,
    RedshiftTableOutputs,
} from "../../shared/redshift-data-provider";
import { pipelines } from "../../shared/pipelines";
import { TABLE_PROVIDER } from "../../shared/redshift-schema";
import { PgliteDataApi } from "../support/pglite-data-api";

const TARGET: DataApiTarget = {
    region: "eu-central-1",
    database: "dev",
    workgroupName: "analytics",
    secretArn: "arn:aws:secretsmanager:eu-central-1:222222222222:secret:admin-AbCdEf",
};
const FAST = { pollMilliseconds: 1, timeoutMilliseconds: 5000 };

/** A pipeline of its own, so the tests stay true whatever pipelines the repository declares. */
const PAGE_VIEWS: PipelineDefinition = {
    name: "page-views",
    table: { schema: "migrations", name: "page_views" },
    columns: [
        { name: "request_id", type: "char", length: 36, nullable: false },
        { name: "viewed_at", type: "timestamp", nullable: false },
        { name: "url", type: "varchar", length: 64, nullable: false, encoding: "zstd" },
        { name: "title", type: "varchar", length: 16, nullable: true, encoding: "bytedict" },
    ],
    partitionKeyField: "request_id",
    eventTimeField: "viewed_at",
    mergeKey: "request_id",
};

function inputs(def: PipelineDefinition, afterStatements: string[] = []): RedshiftTableInputs {
    const declaration = tableDeclaration(def);
    return {
        target: TARGET,
        declaration,
        version: schemaVersion(declaration),
        principalStatements: [],
        afterStatements,
    };
}

function withColumns(
    def: PipelineDefinition,
    change: (columns: ColumnDefinition[]) => ColumnDefinition[],
): PipelineDefinition {
    return { ...def, columns: change(def.columns.map((column) => ({ ...column }))) };
}

async function columnsOf(
    db: PGlite,
    declaration: TableDeclaration,
): Promise<Array<{ column_name: string; data_type: string; character_maximum_length: number | null }>> {
    const result = await db.query<{ column_name: string; data_type: string; character_maximum_length: number | null }>(
        "SELECT column_name, data_type, character_maximum_length FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
        [declaration.table.schema, declaration.table.name],
    );
    return result.rows;
}

describe("Redshift tables through the Data API (dynamic provider, on PGlite)", function () {
    this.timeout(120000);
    let db: PGlite;
    let api: PgliteDataApi;
    let provider: ReturnType<typeof redshiftTableProvider>;

    // One engine for the file (starting PGlite is the slow part); each test starts from no tables.
    before(async () => {
        db = await PGlite.create();
    });
    after(async () => db.close());
    beforeEach(async () => {
        const schemas = new Set(["migrations", ...pipelines.map((def) => def.table.schema)]);
        for (const schema of schemas) await db.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        api = new PgliteDataApi(db);
        provider = redshiftTableProvider(() => api, FAST);
    });

    /** Creates the table from `def` and loads two rows, as a deployed stack with data would be. */
    async function deployedWithRows(def: PipelineDefinition): Promise<RedshiftTableOutputs> {
        const created = await provider.create(inputs(def));
        await db.exec(`INSERT INTO migrations.page_views (request_id, viewed_at, url, title) VALUES
            ('00000000-0000-4000-8000-000000000001', '2026-01-01 10:00:00', 'https://example.com/a', 'A'),
            ('00000000-0000-4000-8000-000000000002', '2026-01-01 10:01:00', 'https://example.com/b', NULL)`);
        return created.outs as RedshiftTableOutputs;
    }

    it("creates every declared pipeline's schema and table, and records the version applied", async () => {
        for (const def of pipelines) {
            const created = await provider.create(inputs(def));
            expect(created.id).to.equal(`${def.table.schema}.${def.table.name}`);
            expect((created.outs as RedshiftTableOutputs).appliedVersion).to.equal(inputs(def).version);
            expect((await columnsOf(db, tableDeclaration(def))).map((c) => c.column_name)).to.deep.equal(
                def.columns.map((c) => c.name),
            );
        }
    });

    it("refresh (read) returns the recorded state and calls the Data API not at all", async () => {
        const outs = await deployedWithRows(PAGE_VIEWS);
        const before = api.calls;
        const read = await provider.read!("migrations.page_views", outs);
        expect(read.props).to.deep.equal(outs);
        expect(api.calls, "Data API calls during a refresh").to.equal(before);
    });

    it("no change: check passes, diff reports none, no SQL", async () => {
        const outs = await deployedWithRows(PAGE_VIEWS);
        const before = api.calls;
        expect((await provider.check!(inputs(PAGE_VIEWS), inputs(PAGE_VIEWS))).failures ?? []).to.deep.equal([]);
        expect((await provider.diff!("migrations.page_views", outs, inputs(PAGE_VIEWS))).changes).to.equal(false);
        expect(api.calls).to.equal(before);
    });

    it("adds a nullable column: ALTER TABLE ... ADD COLUMN, rows intact, the new column null; a rerun changes nothing", async () => {
        const outs = await deployedWithRows(PAGE_VIEWS);
        const next = withColumns(PAGE_VIEWS, (columns) => [
            ...columns,
            { name: "duration_ms", type: "integer", nullable: true, encoding: "az64" },
        ]);
        expect((await provider.check!(inputs(PAGE_VIEWS), inputs(next))).failures ?? []).to.deep.equal([]);
        expect((await provider.diff!("migrations.page_views", outs, inputs(next))).changes).to.equal(true);
        const ran = api.executed.length;
        const updated = (await provider.update!("migrations.page_views", outs, inputs(next)))
            .outs as RedshiftTableOutputs;
        expect(api.executed.slice(ran)).to.deep.equal([
            "ALTER TABLE migrations.page_views ADD COLUMN duration_ms INTEGER ENCODE az64",
        ]);
        const rows = await db.query<{ request_id: string; url: string; duration_ms: number | null }>(
            "SELECT request_id, url, duration_ms FROM migrations.page_views ORDER BY request_id",
        );
        expect(rows.rows.map((r) => [r.url, r.duration_ms])).to.deep.equal([
            ["https://example.com/a", null],
            ["https://example.com/b", null],
        ]);
        expect(updated.appliedVersion).to.equal(inputs(next).version);
        expect((await provider.diff!("migrations.page_views", updated, inputs(next))).changes, "rerun").to.equal(false);
    });

    it("widens a VARCHAR: ALTER COLUMN ... TYPE VARCHAR(n) on its own, rows intact", async () => {
        const outs = await deployedWithRows(PAGE_VIEWS);
        const next = withColumns(PAGE_VIEWS, (columns) =>
            columns.map((c) => (c.name === "url" ? { ...c, length: 2048 } : c)),
        );
        const ran = api.executed.length;
        await provider.update!("migrations.page_views", outs, inputs(next));
        expect(api.executed.slice(ran)).to.deep.equal([
            "ALTER TABLE migrations.page_views ALTER COLUMN url TYPE VARCHAR(2048)",
        ]);
        expect(
            (await columnsOf(db, tableDeclaration(next))).find((c) => c.column_name === "url")
                ?.character_maximum_length,
        ).to.equal(2048);
        const long = "https://example.com/" + "x".repeat(100);
        await db.query(
            "INSERT INTO migrations.page_views (request_id, viewed_at, url) VALUES ('00000000-0000-4000-8000-000000000003', '2026-01-01 10:02:00', $1)",
            [long],
        );
        expect((await db.query("SELECT count(*)::int AS n FROM migrations.page_views")).rows).to.deep.equal([{ n: 3 }]);
    });

    /** A Glue crawler that is crawling for `busyPolls` GetCrawler answers, and records each call with the SQL run so far. */
    function fakeCrawler(busyPolls = 0, startError?: string): CrawlerApi & { calls: string[] } {
        let running = busyPolls;
        const calls: string[] = [];
        return {
            calls,
            async startCrawler({ Name }) {
                calls.push(`start ${Name} after ${api.executed.length} statements`);
                if (startError) throw Object.assign(new Error(`${startError} for ${Name}`), { name: startError });
                if (running > 0)
                    throw Object.assign(new Error(`Crawler with name ${Name} has already started`), {
                        name: "CrawlerRunningException",
                    });
                return {};
            },
            async getCrawler({ Name }) {
                calls.push(`get ${Name}`);
                running = Math.max(0, running - 1);
                return { Crawler: { State: running > 0 ? "RUNNING" : "READY" } };
            },
        };
    }

    it("starts the table's JDBC crawler after a migration's SQL ran, and no crawler on a create or a change without SQL", async () => {
        const crawler = fakeCrawler();
        provider = redshiftTableProvider(
            () => api,
            FAST,
            () => crawler,
        );
        const withCrawler = (def: PipelineDefinition, after: string[] = []) => ({
            ...inputs(def, after),
            crawlerName: "tracking-dev-page-views-redshift",
        });
        const created = (await provider.create(withCrawler(PAGE_VIEWS))).outs as RedshiftTableOutputs;
        // Grants only: statements run, the columns stay, the catalog is still right.
        const granted = (
            await provider.update!("migrations.page_views", created, withCrawler(PAGE_VIEWS, ["SELECT 1"]))
        ).outs as RedshiftTableOutputs;
        expect(crawler.calls, "no crawl without a column change").to.deep.equal([]);
        expect(granted.crawlerRun).to.equal(undefined);
        const next = withColumns(PAGE_VIEWS, (columns) => [
            ...columns,
            { name: "duration_ms", type: "integer", nullable: true },
        ]);
        const ran = api.executed.length;
        const updated = (await provider.update!("migrations.page_views", granted, withCrawler(next, ["SELECT 1"])))
            .outs as RedshiftTableOutputs;
        expect(api.executed.length, "the migration and the grants ran").to.equal(ran + 2);
        expect(crawler.calls).to.deep.equal([`start tracking-dev-page-views-redshift after ${ran + 2} statements`]);
        expect(updated.crawlerRun).to.equal(`started tracking-dev-page-views-redshift for ${inputs(next).version}`);
        // Without a crawler name (a stack whose tables name none) nothing is started.
        const bare = redshiftTableProvider(
            () => api,
            FAST,
            () => crawler,
        );
        const again = withColumns(next, (columns) => [
            ...columns,
            { name: "referrer", type: "varchar", length: 64, nullable: true },
        ]);
        await bare.update!("migrations.page_views", { ...updated, crawlerName: undefined }, inputs(again));
        expect(crawler.calls.length).to.equal(1);
    });

    it("waits out a crawl already running (it may have read the old columns) and starts another; a crawler it cannot start fails nothing and says so", async () => {
        const busy = fakeCrawler(2);
        provider = redshiftTableProvider(
            () => api,
            FAST,
            () => busy,
        );
        const outs = await deployedWithRows(PAGE_VIEWS);
        const next = withColumns(PAGE_VIEWS, (columns) => [
            ...columns,
            { name: "duration_ms", type: "integer", nullable: true },
        ]);
        const updated = (await provider.update!("migrations.page_views", outs, { ...inputs(next), crawlerName: "c" }))
            .outs as RedshiftTableOutputs;
        expect(busy.calls.map((c) => c.split(" after")[0])).to.deep.equal(["start c", "get c", "get c", "start c"]);
        expect(updated.crawlerRun).to.match(/^started c for /);
        expect(updated.appliedVersion).to.equal(inputs(next).version);

        const missing = fakeCrawler(0, "EntityNotFoundException");
        provider = redshiftTableProvider(
            () => api,
            FAST,
            () => missing,
        );
        const again = withColumns(next, (columns) => [
            ...columns,
            { name: "referrer", type: "varchar", length: 64, nullable: true },
        ]);
        const kept = (await provider.update!("migrations.page_views", updated, { ...inputs(again), crawlerName: "c" }))
            .outs as RedshiftTableOutputs;
        expect(kept.appliedVersion, "the migration is recorded as applied").to.equal(inputs(again).version);
        expect(kept.crawlerRun).to.match(/^not started: EntityNotFoundException: .*start c by hand$/);

        const stuck = fakeCrawler(1_000_000);
        provider = redshiftTableProvider(
            () => api,
            { pollMilliseconds: 1, timeoutMilliseconds: 30 },
            () => stuck,
        );
        const third = withColumns(again, (columns) => [
            ...columns,
            { name: "device", type: "varchar", length: 16, nullable: true },
        ]);
        const waited = (await provider.update!("migrations.page_views", kept, { ...inputs(third), crawlerName: "c" }))
            .outs as RedshiftTableOutputs;
        expect(waited.crawlerRun).to.match(/^not started: c was still crawling after/);
    });

    const refused: Array<[string, (columns: ColumnDefinition[]) => ColumnDefinition[], RegExp]> = [
        [
            "a dropped column",
            (c) => c.filter((x) => x.name !== "url"),
            /column "url": removed \(or renamed\).*DROP COLUMN url/,
        ],
        [
            "a renamed column",
            (c) => c.map((x) => (x.name === "url" ? { ...x, name: "page_url" } : x)),
            /column "url": removed \(or renamed\)/,
        ],
        [
            "a type change",
            (c) => c.map((x) => (x.name === "url" ? { ...x, type: "char" as const } : x)),
            /column "url": VARCHAR\(64\) NOT NULL ENCODE zstd -> CHAR\(64\) NOT NULL ENCODE zstd is a type change/,
        ],
        [
            "a shorter length",
            (c) => c.map((x) => (x.name === "url" ? { ...x, length: 32 } : x)),
            /column "url": .* is a shorter length/,
        ],
        [
            "NOT NULL on an existing column",
            (c) => c.map((x) => (x.name === "title" ? { ...x, nullable: false } : x)),
            /column "title": .* is NOT NULL on an existing column/,
        ],
        [
            "widening a BYTEDICT column",
            (c) => c.map((x) => (x.name === "title" ? { ...x, length: 64 } : x)),
            /column "title": VARCHAR\(16\) -> VARCHAR\(64\) with ENCODE bytedict: Redshift cannot alter/,
        ],
        [
            "a new NOT NULL column",
            (c) => [...c, { name: "duration_ms", type: "integer", nullable: false }],
            /column "duration_ms": a new column must be nullable/,
        ],
        [
            "a new column before existing ones",
            (c) => [{ name: "duration_ms", type: "integer", nullable: true }, ...c],
            /column "duration_ms": a new column must come after every existing one/,
        ],
    ];
    for (const [what, change, message] of refused) {
        it(`refuses ${what} in preview (check and diff) and in update, naming pipeline, column and the manual step, running no SQL`, async () => {
            const outs = await deployedWithRows(PAGE_VIEWS);
            const next = inputs(withColumns(PAGE_VIEWS, change));
            const ran = api.executed.length;
            const failures = (await provider.check!(inputs(PAGE_VIEWS), next)).failures ?? [];
            expect(failures.map((f) => f.reason).join("\n"))
                .to.match(/^pipeline "page-views"/)
                .and.to.match(message);
            expect(failures.map((f) => f.reason).join("\n")).to.match(/by hand|keep|declare it|move it/);
            await provider.diff!("migrations.page_views", outs, next).then(
                () => expect.fail("diff accepted a refused change"),
                (error: Error) => expect(error.message).to.match(message),
            );
            await provider.update!("migrations.page_views", outs, next).then(
                () => expect.fail("update applied a refused change"),
                (error: Error) => expect(error.message).to.match(message),
            );
            expect(api.executed.length, "SQL run for a refused change").to.equal(ran);
        });
    }

    it("fails the deploy with Redshift's error text, and keeps the old record so the next deploy retries", async () => {
        const outs = await deployedWithRows(PAGE_VIEWS);
        const next = inputs(PAGE_VIEWS, ["GRANT SELECT ON migrations.page_views TO nobody_here"]);
        expect((await provider.diff!("migrations.page_views", outs, next)).changes).to.equal(true);
        await provider.update!("migrations.page_views", outs, next).then(
            () => expect.fail("a failed statement was reported as applied"),
            (error: Error) =>
                expect(error.message).to.match(
                    /^Redshift refused statement [0-9a-f-]+ \(GRANT SELECT ON migrations\.page_views TO nobody_here\): ERROR: role "nobody_here" does not exist/,
                ),
        );
    });

    it("an unknown statement id fails the deploy naming the statement, never reports it applied", async () => {
        api.forgetIssued = true;
        await provider.create(inputs(PAGE_VIEWS)).then(
            () => expect.fail("create succeeded without knowing the outcome"),
            (error: Error) =>
                expect(error.message).to.match(
                    /Redshift Data API does not know statement [0-9a-f-]+ \(CREATE SCHEMA IF NOT EXISTS migrations\)/,
                ),
        );
    });

    it("another database or workgroup replaces the record (the table is created there); delete runs no SQL", async () => {
        const outs = await deployedWithRows(PAGE_VIEWS);
        const moved = { ...inputs(PAGE_VIEWS), target: { ...TARGET, workgroupName: "other" } };
        expect(await provider.diff!("migrations.page_views", outs, moved)).to.deep.include({
            changes: true,
            replaces: ["target"],
        });
        const before = api.calls;
        await provider.delete!("migrations.page_views", outs);
        expect(api.calls).to.equal(before);
        expect((await db.query("SELECT count(*)::int AS n FROM migrations.page_views")).rows).to.deep.equal([{ n: 2 }]);
    });

    it("as Pulumi stores it (serialized into the state), the deployed provider checks, diffs and reads without any AWS call", async () => {
        // The provider the stacks register, over the real SDK: any Data API call here would fail for want
        // of credentials (the SDK's error), so passing means read, check and diff called nothing.
        const serialized = await pulumi.runtime.serializeFunction(() => TABLE_PROVIDER, {
            isFactoryFunction: true,
            allowSecrets: false,
        });
        // Loaded from under the repository, as the dynamic provider host loads it beside the program.
        const file = path.join(__dirname, `serialized-provider-${process.pid}.js`);
        fs.writeFileSync(file, serialized.text);
        try {
            // A factory's module exports what the factory returned: the provider object itself.
            const stored = (require(file) as Record<string, pulumi.dynamic.ResourceProvider>)[serialized.exportName];
            const outs = { ...inputs(PAGE_VIEWS), appliedVersion: inputs(PAGE_VIEWS).version };
            expect((await stored.read!("migrations.page_views", outs)).props).to.deep.equal(outs);
            const widened = inputs(
                withColumns(PAGE_VIEWS, (c) => c.map((x) => (x.name === "url" ? { ...x, length: 128 } : x))),
            );
            expect((await stored.diff!("migrations.page_views", outs, widened)).changes).to.equal(true);
            const dropped = inputs(withColumns(PAGE_VIEWS, (c) => c.slice(0, 3)));
            expect(
                ((await stored.check!(inputs(PAGE_VIEWS), dropped)).failures ?? []).map((f) => f.reason).join(),
            ).to.match(/column "title": removed/);
        } finally {
            fs.rmSync(file, { force: true });
        }
    });
});
