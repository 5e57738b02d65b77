import { PGlite } from "@electric-sql/pglite";
import { expect } from "chai";
import { Parser } from "node-sql-parser";
import { ColumnDefinition, PipelineDefinition } from "../../shared/pipeline-codegen/definition";
import {
    REDSHIFT_RESERVED_WORDS,
    createSchemaSql,
    createTableSql,
    quoteIdentifier,
    redshiftColumnType,
    stripRedshiftOnlyClauses,
} from "../../shared/pipeline-codegen/redshift-ddl";
import { validatePipeline } from "../../shared/pipeline-codegen/validate";
import { pipelines } from "../../shared/pipelines";
import { userEvents } from "../../shared/pipelines/user-events";
import { userUtm } from "../../shared/pipelines/user-utm";
import { SAMPLE_USER_EVENTS_BODY, SAMPLE_USER_UTM_BODY } from "../support/sample-bodies";

/** A column as node-sql-parser reads it from a CREATE TABLE, normalised for comparison. */
interface ParsedColumn {
    name: string;
    /** Upper-case type with its suffix words, e.g. `TIMESTAMP WITHOUT TIME ZONE`, `VARCHAR`. */
    type: string;
    length?: number;
    scale?: number;
    notNull: boolean;
}

interface ParsedCreateTable {
    schema: string;
    table: string;
    columns: ParsedColumn[];
}

// Minimal shapes of node-sql-parser's CREATE TABLE AST (its typings leave create_definitions loosely typed).
interface AstColumnDefinition {
    resource: string;
    column: { column: { expr: { value: string } } };
    definition: { dataType: string; length?: number; scale?: number; suffix?: string[] | null };
    nullable?: { type: string } | null;
}
interface AstCreateTable {
    type: string;
    keyword: string;
    table: Array<{ db: string | null; table: string }>;
    create_definitions: AstColumnDefinition[];
}

const parser = new Parser();

/** Parses one CREATE TABLE with node-sql-parser's Redshift grammar (Redshift-only clauses must be stripped first). */
function parseCreateTable(sql: string): ParsedCreateTable {
    const ast = parser.astify(sql, { database: "redshift" });
    const statement = (Array.isArray(ast) ? ast[0] : ast) as unknown as AstCreateTable;
    expect(statement.type).to.equal("create");
    expect(statement.keyword).to.equal("table");
    return {
        schema: statement.table[0].db ?? "",
        table: statement.table[0].table,
        columns: statement.create_definitions
            .filter((definition) => definition.resource === "column")
            .map((definition) => ({
                name: definition.column.column.expr.value,
                type: [definition.definition.dataType, ...(definition.definition.suffix ?? [])].join(" ").toUpperCase(),
                ...(definition.definition.length !== undefined ? { length: definition.definition.length } : {}),
                ...(definition.definition.scale !== undefined ? { scale: definition.definition.scale } : {}),
                notNull: definition.nullable?.type === "not null",
            })),
    };
}

/**
 * Column name -> ENCODE value from the unstripped text: the column list is split at top-level commas and
 * each definition's first token (bare or quoted) is its name.
 */
function encodingsOf(sql: string): Map<string, string | undefined> {
    const open = sql.indexOf("(");
    let depth = 0;
    let close = open;
    for (let i = open; i < sql.length; i++) {
        depth += sql[i] === "(" ? 1 : sql[i] === ")" ? -1 : 0;
        if (depth === 0) {
            close = i;
            break;
        }
    }
    const definitions: string[] = [];
    let current = "";
    depth = 0;
    for (const char of sql.slice(open + 1, close)) {
        depth += char === "(" ? 1 : char === ")" ? -1 : 0;
        if (char === "," && depth === 0) {
            definitions.push(current);
            current = "";
        } else {
            current += char;
        }
    }
    definitions.push(current);
    const encodings = new Map<string, string | undefined>();
    for (const definition of definitions) {
        const name = /^\s*("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_]*)/.exec(definition)?.[1] ?? "";
        encodings.set(
            name.replace(/^"|"$/g, "").toLowerCase(),
            /\bENCODE\s+([A-Za-z0-9]+)/i.exec(definition)?.[1]?.toLowerCase(),
        );
    }
    return encodings;
}

/** What node-sql-parser should read back for a declared column. */
function expectedParsedColumn(column: ColumnDefinition): ParsedColumn {
    const byType: Record<ColumnDefinition["type"], Omit<ParsedColumn, "name" | "notNull">> = {
        char: { type: "CHAR", length: column.length },
        varchar: { type: "VARCHAR", length: column.length },
        timestamp: { type: "TIMESTAMP WITHOUT TIME ZONE" },
        date: { type: "DATE" },
        boolean: { type: "BOOLEAN" },
        smallint: { type: "SMALLINT" },
        integer: { type: "INTEGER" },
        bigint: { type: "BIGINT" },
        real: { type: "REAL" },
        double: { type: "DOUBLE PRECISION" },
        decimal: { type: "DECIMAL", length: column.precision, scale: column.scale ?? 0 },
    };
    return { name: column.name, ...byType[column.type], notNull: !column.nullable };
}

/**
 * A pipeline with every column type, and columns named after reserved words of Redshift and PostgreSQL.
 * Its names are ones no user would pick, so it never collides with a declared pipeline.
 */
const awkward: PipelineDefinition = {
    name: "zz-fixture-awkward",
    table: { schema: "tracking", name: "zz_fixture_awkward" },
    columns: [
        { name: "id", type: "char", length: 36, nullable: false, encoding: "raw" },
        { name: "timestamp", type: "timestamp", nullable: false, encoding: "az64" },
        { name: "user", type: "varchar", length: 256, nullable: true, encoding: "text255" },
        { name: "select", type: "smallint", nullable: true, encoding: "delta" },
        { name: "window", type: "integer", nullable: true, encoding: "mostly16" },
        { name: "offset", type: "bigint", nullable: true, encoding: "mostly32" },
        { name: "open", type: "real", nullable: true },
        { name: "partition", type: "double", nullable: true, encoding: "runlength" },
        { name: "encode", type: "decimal", precision: 12, scale: 2, nullable: true, encoding: "zstd" },
        { name: "sortkey", type: "date", nullable: true, encoding: "delta32k" },
        { name: "distkey", type: "boolean", nullable: true },
        { name: "order", type: "varchar", length: 10, nullable: true, encoding: "bytedict" },
    ],
    partitionKeyField: "id",
    eventTimeField: "timestamp",
    mergeKey: "id",
};

describe("Redshift DDL", () => {
    describe("quoteIdentifier", () => {
        it("quotes Redshift reserved words (location, network, timestamp, user) and leaves plain names bare", () => {
            expect(quoteIdentifier("location")).to.equal('"location"');
            expect(quoteIdentifier("network")).to.equal('"network"');
            expect(quoteIdentifier("timestamp")).to.equal('"timestamp"');
            expect(quoteIdentifier("user")).to.equal('"user"');
            expect(quoteIdentifier("request_id")).to.equal("request_id");
            expect(quoteIdentifier("source")).to.equal("source");
            expect(quoteIdentifier("sortkey"), "unreserved, but a Redshift table attribute").to.equal('"sortkey"');
        });

        it("quotes anything that is not a plain lowercase identifier, doubling embedded quotes", () => {
            expect(quoteIdentifier("Mixed")).to.equal('"Mixed"');
            expect(quoteIdentifier("with space")).to.equal('"with space"');
            expect(quoteIdentifier("1st")).to.equal('"1st"');
            expect(quoteIdentifier('we"ird')).to.equal('"we""ird"');
        });

        it("quotes every word PostgreSQL reserves (asked of the real engine), so the same DDL runs in PGlite", async () => {
            const db = await PGlite.create();
            try {
                const result = await db.query<{ word: string }>(
                    "SELECT word FROM pg_get_keywords() WHERE catcode IN ('R', 'T')",
                );
                expect(result.rows.length).to.be.greaterThan(50);
                const bare = result.rows.map((row) => row.word).filter((word) => quoteIdentifier(word) === word);
                expect(bare, "reserved in PostgreSQL but left unquoted").to.deep.equal([]);
            } finally {
                await db.close();
            }
        });
    });

    describe("generated CREATE TABLE", () => {
        it("writes the declared types, lengths, NOT NULL and ENCODE, with a sort key on the event time", () => {
            const events = createTableSql(userEvents);
            expect(events).to.match(/^CREATE TABLE IF NOT EXISTS tracking\.events\n\(/);
            expect(events).to.include('    "location" VARCHAR(5000),');
            expect(events).to.include("    request_timestamp TIMESTAMP WITHOUT TIME ZONE NOT NULL,");
            expect(events).to.match(/\)\nSORTKEY \(request_timestamp\)$/);
            const utm = createTableSql(userUtm);
            expect(utm).to.include('    "network" VARCHAR(255) ENCODE zstd,');
            expect(utm).to.include("    request_id VARCHAR(56) NOT NULL ENCODE zstd,");
            expect(utm, "no event time, no sort key").to.not.match(/SORTKEY/);
            expect(createSchemaSql("tracking")).to.equal("CREATE SCHEMA IF NOT EXISTS tracking");
        });

        it("the test pipeline with every type and reserved-word columns is itself valid", () =>
            validatePipeline(awkward));

        for (const def of [...pipelines, awkward]) {
            it(`${def.name}: stripped DDL parses with node-sql-parser and declares exactly the pipeline's columns`, () => {
                const parsed = parseCreateTable(stripRedshiftOnlyClauses(createTableSql(def)));
                expect({ schema: parsed.schema, name: parsed.table }).to.deep.equal(def.table);
                expect(parsed.columns).to.deep.equal(def.columns.map(expectedParsedColumn));
            });

            it(`${def.name}: unstripped DDL carries each column's ENCODE`, () => {
                const encodings = encodingsOf(createTableSql(def));
                expect([...encodings.keys()]).to.deep.equal(def.columns.map((c) => c.name));
                for (const column of def.columns) {
                    expect(encodings.get(column.name), column.name).to.equal(column.encoding);
                }
            });
        }
    });

    describe("stripRedshiftOnlyClauses", () => {
        it("removes ENCODE, DISTSTYLE, DISTKEY, [COMPOUND|INTERLEAVED] SORTKEY and BACKUP, leaving quoted names and strings alone", () => {
            const sql = [
                "CREATE TABLE IF NOT EXISTS t (",
                '    "encode" VARCHAR(10) NOT NULL ENCODE zstd DISTKEY,',
                "    b INTEGER ENCODE az64 SORTKEY,",
                "    c VARCHAR(20) DEFAULT 'ENCODE lzo SORTKEY(c)' encode   LZO",
                ') BACKUP NO DISTSTYLE KEY DISTKEY (b) COMPOUND SORTKEY (b, "encode") ENCODE AUTO',
            ].join("\n");
            const stripped = stripRedshiftOnlyClauses(sql);
            expect(stripped).to.equal(
                [
                    "CREATE TABLE IF NOT EXISTS t (",
                    '    "encode" VARCHAR(10) NOT NULL,',
                    "    b INTEGER,",
                    "    c VARCHAR(20) DEFAULT 'ENCODE lzo SORTKEY(c)'",
                    ")",
                ].join("\n"),
            );
        });

        it("keeps a bare column that happens to be named like a clause", () => {
            expect(
                stripRedshiftOnlyClauses(
                    "CREATE TABLE t (sortkey DATE ENCODE delta32k, distkey BOOLEAN DISTKEY, compound INT) SORTKEY (sortkey)",
                ),
            ).to.equal("CREATE TABLE t (sortkey DATE, distkey BOOLEAN, compound INT)");
        });

        it("handles INTERLEAVED and AUTO sort keys", () => {
            expect(stripRedshiftOnlyClauses("CREATE TABLE t (a INT) INTERLEAVED SORTKEY (a)")).to.equal(
                "CREATE TABLE t (a INT)",
            );
            expect(stripRedshiftOnlyClauses("CREATE TABLE t (a INT) DISTSTYLE AUTO SORTKEY AUTO")).to.equal(
                "CREATE TABLE t (a INT)",
            );
        });

        it("leaves SQL without such clauses untouched", () => {
            const sql = createTableSql({
                ...userUtm,
                columns: userUtm.columns.map(({ encoding: _encoding, ...column }) => column),
            });
            expect(stripRedshiftOnlyClauses(sql)).to.equal(sql);
        });
    });

    describe("runs in PostgreSQL (PGlite)", () => {
        let db: PGlite;

        // Every table exists before any test, so each test stands on its own (and runs alone under --grep).
        before(async () => {
            db = await PGlite.create();
            await createAll([...pipelines, awkward]);
        });
        after(async () => {
            await db.close();
        });

        async function createAll(defs: readonly PipelineDefinition[]): Promise<void> {
            for (const schema of new Set(defs.map((def) => def.table.schema))) {
                await db.exec(createSchemaSql(schema));
            }
            for (const def of defs) {
                await db.exec(stripRedshiftOnlyClauses(createTableSql(def)));
            }
        }

        it("creates the schema and every table, and running the DDL again changes nothing", async () => {
            await createAll([...pipelines, awkward]);
            const tables = await db.query<{ table_name: string }>(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'tracking' ORDER BY table_name",
            );
            const declared = [...pipelines, awkward]
                .filter((def) => def.table.schema === "tracking")
                .map((def) => def.table.name);
            expect(tables.rows.map((row) => row.table_name).sort()).to.deep.equal([...declared].sort());
        });

        for (const def of [...pipelines, awkward]) {
            it(`${def.name}: the created columns have the declared names, types, lengths and nullability`, async () => {
                const result = await db.query<{
                    column_name: string;
                    data_type: string;
                    character_maximum_length: number | null;
                    numeric_precision: number | null;
                    numeric_scale: number | null;
                    is_nullable: string;
                }>(
                    `SELECT column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable
                     FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
                    [def.table.schema, def.table.name],
                );
                const postgresType: Record<ColumnDefinition["type"], string> = {
                    char: "character",
                    varchar: "character varying",
                    timestamp: "timestamp without time zone",
                    date: "date",
                    boolean: "boolean",
                    smallint: "smallint",
                    integer: "integer",
                    bigint: "bigint",
                    real: "real",
                    double: "double precision",
                    decimal: "numeric",
                };
                expect(
                    result.rows.map((row) => ({
                        name: row.column_name,
                        type: row.data_type,
                        length: row.character_maximum_length,
                        ...(row.data_type === "numeric"
                            ? { precision: row.numeric_precision, scale: row.numeric_scale }
                            : {}),
                        nullable: row.is_nullable === "YES",
                    })),
                ).to.deep.equal(
                    def.columns.map((column) => ({
                        name: column.name,
                        type: postgresType[column.type],
                        length: column.length ?? null,
                        ...(column.type === "decimal" ? { precision: column.precision, scale: column.scale ?? 0 } : {}),
                        nullable: column.nullable,
                    })),
                );
                // The type text the job mapping carries is one PostgreSQL understands too.
                for (const column of def.columns) {
                    await db.query(`SELECT CAST(NULL AS ${redshiftColumnType(column)})`);
                }
            });
        }

        it("loads the sample bodies, reserved-word columns included, and reads them back", async () => {
            for (const [def, body] of [
                [userEvents, SAMPLE_USER_EVENTS_BODY],
                [userUtm, SAMPLE_USER_UTM_BODY],
            ] as const) {
                const data = (JSON.parse(body) as { Data: Record<string, unknown> }).Data;
                const names = def.columns.map((column) => column.name);
                await db.query(
                    `INSERT INTO ${def.table.schema}.${def.table.name} (${names.map(quoteIdentifier).join(", ")}) VALUES (${names.map((_, i) => `$${i + 1}`).join(", ")})`,
                    names.map((name) => data[name] ?? null),
                );
            }
            const events = await db.query<{ location: string; request_timestamp: Date; website_id: string | null }>(
                'SELECT "location", request_timestamp, website_id FROM tracking.events',
            );
            expect(events.rows).to.have.length(1);
            expect(events.rows[0].location).to.equal("https://cms.data.com/wizard/color-palette/");
            expect(events.rows[0].website_id).to.equal(null);
            const utm = await db.query<{ network: string; content: string | null }>(
                'SELECT "network", content FROM tracking.utm',
            );
            expect(utm.rows).to.deep.equal([{ network: "g", content: null }]);
        });

        it("refuses NULL in a NOT NULL column, as Redshift would", async () => {
            let failure: unknown;
            try {
                await db.query(
                    "INSERT INTO tracking.events (request_id) VALUES ('fc417c2b-fe7a-4737-afe2-bec49c0ebd6f')",
                );
            } catch (error) {
                failure = error;
            }
            expect(String(failure)).to.match(/null value in column "request_timestamp"/);
        });

        it("creates a table whose columns are all Redshift reserved words", async () => {
            const reserved: PipelineDefinition = {
                name: "reserved",
                table: { schema: "tracking", name: "reserved_words" },
                columns: [...REDSHIFT_RESERVED_WORDS].map((word, i) => ({
                    name: word,
                    type: "varchar",
                    length: 8,
                    nullable: i > 0,
                })),
                partitionKeyField: [...REDSHIFT_RESERVED_WORDS][0],
                mergeKey: [...REDSHIFT_RESERVED_WORDS][0],
            };
            validatePipeline(reserved);
            const sql = stripRedshiftOnlyClauses(createTableSql(reserved));
            expect(parseCreateTable(sql).columns.map((c) => c.name)).to.deep.equal([...REDSHIFT_RESERVED_WORDS]);
            await db.exec(sql);
            const count = await db.query<{ n: number }>(
                "SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = 'tracking' AND table_name = 'reserved_words'",
            );
            expect(count.rows[0].n).to.equal(REDSHIFT_RESERVED_WORDS.size);
        });
    });
});
