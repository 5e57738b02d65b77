import { PGlite } from "@electric-sql/pglite";
import { expect } from "chai";
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PipelineDefinition } from "../../shared/pipeline-codegen/definition";
import { JobColumnMapping, jobColumnMapping } from "../../shared/pipeline-codegen/job-mapping";
import { createSchemaSql, createTableSql, stripRedshiftOnlyClauses } from "../../shared/pipeline-codegen/redshift-ddl";
import { userEvents } from "../../shared/pipelines/user-events";
import { userUtm } from "../../shared/pipelines/user-utm";

// The compiled test runs from build/tests/glue/; the Python job lives in the source tree.
const repoRoot = path.resolve(__dirname, "..", "..", "..");
const glueDir = path.join(repoRoot, "data-platform", "glue");
const jobScript = path.join(glueDir, "load_to_redshift.py");

function python(args: string[], input?: string, cacheDir?: string): SpawnSyncReturns<string> {
    // Bytecode goes to a temporary prefix so running the tests leaves no __pycache__ in the tree.
    const env = {
        ...process.env,
        PYTHONPYCACHEPREFIX: cacheDir ?? path.join(os.tmpdir(), "tracking-pipeline-pycache"),
    };
    return spawnSync("python3", args, { cwd: repoRoot, input, encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
}

type Row = Record<string, string | null>;

interface LoadSql {
    readonly stagingTable: string;
    readonly preactions: string;
    readonly postactions: string;
    readonly columns: string[];
    /** Each file's rows after the job's column mapping and UTF-8 truncation, keyed by target column. */
    readonly files: Row[][];
}

/**
 * Runs the job module's own pure functions on the pipeline's generated column mapping: the argument
 * validation and SQL builders the job uses (plan_load -> build_sql), and the truncation it applies to
 * every text value before the write.
 */
const PYTHON_DRIVER = `
import json, sys
sys.path.insert(0, sys.argv[1])
import load_to_redshift as job
request = json.load(sys.stdin)
plan = job.plan_load(request["targetTable"], request["mergeKey"], json.dumps(request["columnMapping"]))
limits = job.byte_limits(plan.mappings)
def prepare(record):
    return {m.target: job.truncate_utf8(record.get(m.source), limits[m.target]) if m.target in limits else record.get(m.source) for m in plan.mappings}
json.dump({
    "stagingTable": plan.staging_table,
    "preactions": plan.preactions,
    "postactions": plan.postactions,
    "columns": plan.target_columns,
    "files": [[prepare(record) for record in records] for records in request["files"]],
}, sys.stdout)
`;

function generateLoadSql(def: PipelineDefinition, mapping: JobColumnMapping[], files: Row[][]): LoadSql {
    const request = {
        targetTable: `${def.table.schema}.${def.table.name}`,
        mergeKey: def.mergeKey,
        columnMapping: mapping,
        files,
    };
    const result = python(["-c", PYTHON_DRIVER, glueDir], JSON.stringify(request));
    expect(result.status, result.stderr).to.equal(0);
    return JSON.parse(result.stdout) as LoadSql;
}

/** The connector's handling of preactions/postactions: Java `String.split(";")` of the trimmed option. */
function splitLikeTheConnector(actions: string): string[] {
    const parts = actions.trim().split(";");
    while (parts.length > 0 && parts[parts.length - 1] === "") {
        parts.pop();
    }
    return parts;
}

function quotedTableName(dotted: string): string {
    return dotted
        .split(".")
        .map((part) => `"${part}"`)
        .join(".");
}

/**
 * One write as the Glue Redshift connector performs it, on one connection: with auto-commit off,
 * CREATE TABLE IF NOT EXISTS <dbtable> from the frame's schema (strings become TEXT), the preactions,
 * the COPY of the frame's rows into <dbtable>, the postactions, then COMMIT; ROLLBACK on any error.
 * `connectorTransaction: false` runs every statement in auto-commit instead, to show that the
 * postactions are atomic on their own.
 */
async function loadLikeTheConnector(db: PGlite, sql: LoadSql, rows: Row[], connectorTransaction = true): Promise<void> {
    const staging = quotedTableName(sql.stagingTable);
    const columnList = sql.columns.map((column) => `"${column}"`).join(", ");
    const placeholders = sql.columns.map((_, index) => `$${index + 1}`).join(", ");
    try {
        if (connectorTransaction) {
            await db.exec("BEGIN");
        }
        await db.exec(
            `CREATE TABLE IF NOT EXISTS ${staging} (${sql.columns.map((column) => `"${column}" TEXT`).join(", ")})`,
        );
        for (const statement of splitLikeTheConnector(sql.preactions)) {
            await db.exec(statement);
        }
        for (const row of rows) {
            await db.query(
                `INSERT INTO ${staging} (${columnList}) VALUES (${placeholders})`,
                sql.columns.map((column) => row[column]),
            );
        }
        for (const statement of splitLikeTheConnector(sql.postactions)) {
            await db.exec(statement);
        }
        if (connectorTransaction) {
            await db.exec("COMMIT");
        }
    } catch (error) {
        await db.exec("ROLLBACK");
        throw error;
    }
}

async function createTarget(db: PGlite, def: PipelineDefinition): Promise<void> {
    await db.exec(createSchemaSql(def.table.schema));
    await db.exec(stripRedshiftOnlyClauses(createTableSql(def)));
}

/** Every column as text (timestamps in `YYYY-MM-DD HH:MI:SS` form), ordered by the merge key. */
async function tableRows(db: PGlite, def: PipelineDefinition, table = def.table.name): Promise<Row[]> {
    const columns = def.columns.map((column) => `"${column.name}"::text AS "${column.name}"`).join(", ");
    const result = await db.query<Row>(
        `SELECT ${columns} FROM "${def.table.schema}"."${table}" ORDER BY "${def.mergeKey}"`,
    );
    return result.rows;
}

async function count(db: PGlite, qualifiedTable: string): Promise<number> {
    const result = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${qualifiedTable}`);
    return result.rows[0].n;
}

/** What the target must hold for an event: its fields as sent, with the timestamp's zero fraction dropped. */
function expectedRow(def: PipelineDefinition, event: Row): Row {
    const row: Row = {};
    for (const column of def.columns) {
        const value = event[column.name] ?? null;
        // PostgreSQL prints a timestamp without trailing fractional zeros: ".250000" -> ".25", ".000000" -> "".
        row[column.name] =
            column.type === "timestamp" && value !== null ? value.replace(/0+$/, "").replace(/\.$/, "") : value;
    }
    return row;
}

function byKey(def: PipelineDefinition, events: Row[]): Row[] {
    const key = def.mergeKey;
    return [...events]
        .sort((a, b) => String(a[key]).localeCompare(String(b[key])))
        .map((event) => expectedRow(def, event));
}

function utf8Bytes(value: string): number {
    return Buffer.byteLength(value, "utf8");
}

describe("Glue job load_to_redshift.py", function () {
    it("compiles with python3 -m py_compile", function () {
        const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "py-compile-"));
        try {
            const result = python(
                ["-m", "py_compile", jobScript, path.join(glueDir, "load_precheck.py")],
                undefined,
                cacheDir,
            );
            expect(result.status, result.stderr).to.equal(0);
        } finally {
            fs.rmSync(cacheDir, { recursive: true, force: true });
        }
    });

    it("passes its Python unit tests (python3 -m unittest discover)", function () {
        const result = python(["-m", "unittest", "discover", "-s", glueDir, "-p", "test_*.py"]);
        expect(result.status, `${result.stdout}\n${result.stderr}`).to.equal(0);
        // unittest reports on stderr; make sure tests actually ran rather than none being discovered.
        expect(result.stderr).to.match(/Ran [1-9]\d* tests?/);
        expect(result.stderr).to.match(/\bOK\b/);
    });
});

describe("Glue job staging/merge SQL on a real PostgreSQL engine (PGlite)", function () {
    describe("user-events", function () {
        const def = userEvents;
        const eventA: Row = {
            request_id: "fc417c2b-fe7a-4737-afe2-bec49c0ebd6f",
            request_timestamp: "2020-06-01 00:00:24.000000",
            cookie_id: "a09c4ca3-d142-4312-ba78-029c3355b8ef",
            topic: "dolphin_cms.wizard.step.color_palette.set",
            message:
                '{"isAffiliate":false,"language":"es","isRecommendedPalette":true,"color":"#6d8d79","paletteIndex":"0"}',
            environment: "dolphin_cms",
            website_id: null,
            user_account_id: "0f36f200-df29-4fbf-8625-39a88b7f778c",
            location: "https://cms.data.com/wizard/color-palette/",
            user_agent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:76.0) Gecko/20100101 Firefox/76.0",
            referrer: "https://register.data.com/es/product",
        };
        const eventB: Row = {
            ...eventA,
            request_id: "0b2f5c1e-3d4a-4e5f-8a9b-0c1d2e3f4a5b",
            request_timestamp: "2020-06-01 00:01:02.250000",
            topic: "dolphin_cms.wizard.step.font.set",
            message: null,
            location: null,
        };
        // Over the byte limits in multi-byte characters while within the API's character limits:
        // 1600 x "é" is 3200 bytes for message VARCHAR(3128); 200 x "€" is 600 bytes for referrer VARCHAR(500).
        const longMessage = "é".repeat(1600);
        const longReferrer = "€".repeat(200);
        const eventLong: Row = {
            ...eventA,
            request_id: "7d6c5b4a-3928-4170-8e6f-5a4b3c2d1e0f",
            request_timestamp: "2020-06-01 00:02:00.000000",
            message: longMessage,
            referrer: longReferrer,
        };
        const eventTwice: Row = {
            ...eventA,
            request_id: "e1d2c3b4-a596-4788-9a0b-1c2d3e4f5a6b",
            topic: "delivered.twice",
        };

        const fileOne = [eventA, eventB, eventLong];
        const fileWithADuplicate = [eventTwice, eventA, eventTwice];

        let db: PGlite;
        let sql: LoadSql;
        let preparedFileOne: Row[];
        let preparedFileWithADuplicate: Row[];

        before(async function () {
            sql = generateLoadSql(def, jobColumnMapping(def), [fileOne, fileWithADuplicate]);
            [preparedFileOne, preparedFileWithADuplicate] = sql.files;
            db = await PGlite.create();
            await createTarget(db, def);
        });

        after(async function () {
            await db?.close();
        });

        it("generates options the connector accepts: one line each, split on ';' into non-blank statements, no '%s'", function () {
            for (const actions of [sql.preactions, sql.postactions]) {
                expect(actions).not.to.match(/[\r\n]/);
                expect(actions).not.to.include("%s");
                for (const statement of splitLikeTheConnector(actions)) {
                    expect(statement.trim()).not.to.equal("");
                }
            }
            expect(sql.stagingTable).to.equal("tracking.events_staging");
            expect(sql.columns).to.deep.equal(def.columns.map((column) => column.name));
        });

        it("loading the same file twice leaves one row per event, with the values sent", async function () {
            await loadLikeTheConnector(db, sql, preparedFileOne);
            await loadLikeTheConnector(db, sql, preparedFileOne);

            const rows = await tableRows(db, def);
            expect(rows.map((row) => row.request_id)).to.have.members(fileOne.map((event) => event.request_id));
            const shortEvents = rows.filter((row) => row.request_id !== eventLong.request_id);
            expect(shortEvents).to.deep.equal(byKey(def, [eventA, eventB]));
            expect(await count(db, `"tracking"."events_staging"`)).to.equal(0);
        });

        it("replaces the connector's TEXT staging table with one LIKE the target", async function () {
            const columnTypes = async (table: string) =>
                (
                    await db.query<{
                        column_name: string;
                        data_type: string;
                        character_maximum_length: number | null;
                        is_nullable: string;
                    }>(
                        `SELECT column_name, data_type, character_maximum_length, is_nullable FROM information_schema.columns
                         WHERE table_schema = 'tracking' AND table_name = $1 ORDER BY ordinal_position`,
                        [table],
                    )
                ).rows;
            expect(await columnTypes("events_staging")).to.deep.equal(await columnTypes("events"));
        });

        it("truncates text over the Redshift byte length to the longest prefix on a character boundary", async function () {
            const [row] = (await tableRows(db, def)).filter(
                (candidate) => candidate.request_id === eventLong.request_id,
            );
            const message = row.message as string;
            const referrer = row.referrer as string;
            // The database's own byte count, not the job's.
            const bytes = await db.query<{ message: number; referrer: number }>(
                `SELECT octet_length("message") AS message, octet_length("referrer") AS referrer FROM "tracking"."events" WHERE "request_id" = $1`,
                [eventLong.request_id],
            );
            expect(bytes.rows[0]).to.deep.equal({ message: 3128, referrer: 498 });
            expect(longMessage.startsWith(message)).to.equal(true);
            expect(longReferrer.startsWith(referrer)).to.equal(true);
            expect(utf8Bytes(longMessage.slice(0, message.length + 1))).to.be.greaterThan(3128);
            expect(utf8Bytes(longReferrer.slice(0, referrer.length + 1))).to.be.greaterThan(500);
            // The other columns arrive untouched.
            expect({ ...row, message: null, referrer: null }).to.deep.equal({
                ...expectedRow(def, eventLong),
                message: null,
                referrer: null,
            });
        });

        it("an event delivered twice in one file is loaded once, and a reload of that file changes nothing", async function () {
            await loadLikeTheConnector(db, sql, preparedFileWithADuplicate);
            const afterFirst = await tableRows(db, def);
            await loadLikeTheConnector(db, sql, preparedFileWithADuplicate);
            const afterSecond = await tableRows(db, def);

            expect(afterSecond).to.deep.equal(afterFirst);
            expect(afterSecond).to.have.length(4);
            expect(afterSecond.filter((row) => row.request_id === eventTwice.request_id)).to.deep.equal([
                expectedRow(def, eventTwice),
            ]);
            expect(afterSecond.filter((row) => row.request_id === eventA.request_id)).to.deep.equal([
                expectedRow(def, eventA),
            ]);
            expect(await count(db, `"tracking"."events_staging"`)).to.equal(0);
        });

        it("a failed merge leaves the target as it was, even outside the connector's transaction", async function () {
            const isolated = await PGlite.create();
            try {
                await createTarget(isolated, def);
                await loadLikeTheConnector(isolated, sql, preparedFileOne);
                const before = await tableRows(isolated, def);

                // Refuse one incoming row at INSERT time, after the DELETE has already removed its predecessor.
                await isolated.exec(`
                    CREATE FUNCTION tracking.refuse_marked_rows() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        IF NEW.topic = 'refused' THEN RAISE EXCEPTION 'refused by test trigger'; END IF;
                        RETURN NEW;
                    END $$;
                    CREATE TRIGGER refuse_marked_rows BEFORE INSERT ON tracking.events
                        FOR EACH ROW EXECUTE FUNCTION tracking.refuse_marked_rows();`);
                const retried = preparedFileOne.map((row) =>
                    row.request_id === eventB.request_id ? { ...row, topic: "refused" } : row,
                );

                let failure: unknown;
                try {
                    await loadLikeTheConnector(isolated, sql, retried, false);
                } catch (error) {
                    failure = error;
                }
                expect(String(failure)).to.include("refused by test trigger");
                expect(await tableRows(isolated, def)).to.deep.equal(before);
            } finally {
                await isolated.close();
            }
        });
    });

    describe("user-utm", function () {
        const def = userUtm;
        const click: Row = {
            request_id: "cbae8544-ab7a-46a5-9253-a5c8f6612115",
            source: "adwords",
            medium: "cpc",
            campaign: "Campaign Brand FR",
            content: null,
            term: "data",
            matchtype: "e",
            network: "g",
            ad_id: "12063526619",
            ad_pos: "1t1",
            placement: null,
            placement_category: null,
            testgroup: null,
            device: "c",
        };
        const other: Row = {
            ...click,
            request_id: "c0ffee00-1234-4abc-9def-0123456789ab",
            network: "s",
            device: "m",
            campaign: "Campagne été",
        };
        const file = [click, other, click];

        it("loads each event once across a duplicate in the file and a reload, reserved-word columns included", async function () {
            const sql = generateLoadSql(def, jobColumnMapping(def), [file]);
            expect(sql.stagingTable).to.equal("tracking.utm_staging");
            const db = await PGlite.create();
            try {
                await createTarget(db, def);
                await loadLikeTheConnector(db, sql, sql.files[0]);
                await loadLikeTheConnector(db, sql, sql.files[0]);

                expect(await tableRows(db, def)).to.deep.equal(byKey(def, [click, other]));
                const networks = await db.query<{ network: string }>(
                    `SELECT "network" FROM "tracking"."utm" ORDER BY "network"`,
                );
                expect(networks.rows.map((row) => row.network)).to.deep.equal(["g", "s"]);
                expect(await count(db, `"tracking"."utm_staging"`)).to.equal(0);
            } finally {
                await db.close();
            }
        });
    });
});
