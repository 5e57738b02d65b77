import { PGlite } from "@electric-sql/pglite";
import { expect } from "chai";
import { Parser } from "node-sql-parser";
import { PipelineDefinition } from "../../shared/pipeline-codegen/definition";
import { createSchemaSql } from "../../shared/pipeline-codegen/redshift-ddl";
import {
    createStreamSchemaSql,
    createStreamViewSql,
    KINESIS_DATA_COLUMN,
    KINESIS_METADATA_COLUMNS,
    qualifiedStreamViewName,
    regexLiteral,
    streamRelation,
    streamSchemaName,
    streamViewName,
    streamViewSelectSql,
} from "../../shared/pipeline-codegen/redshift-stream";
import { DATE_PATTERN, TIMESTAMP_PATTERN } from "../../shared/pipeline-codegen/request-model";
import { pipelines } from "../../shared/pipelines";

/**
 * The stream view's SQL (shared/pipeline-codegen/redshift-stream.ts), on the engines we have.
 *
 * What cannot run here: `CREATE EXTERNAL SCHEMA ... FROM KINESIS` and the Kinesis relation itself, `AUTO
 * REFRESH YES`, and Redshift's own FROM_VARBYTE, CAN_JSON_PARSE and three-argument JSON_EXTRACT_PATH_TEXT.
 * PostgreSQL stands in for what it can: the stream relation is a plain table with the columns the
 * Redshift guide lists ("Getting started with streaming ingestion from Amazon Kinesis Data Streams":
 * kinesis_data VARBYTE, approximate_arrival_timestamp, partition_key, shard_id, sequence_number), and the
 * three functions are small SQL shims with the documented behaviour (UTF-8 text of the bytes; whether the
 * bytes parse as JSON; the field's text, NULL for text that is not JSON). Everything the view adds on top
 * - the guards, the casts, the column order, the filter - is PostgreSQL's own evaluation of the
 * generated SQL, refreshed with REFRESH MATERIALIZED VIEW as Redshift's auto refresh would.
 */

/** Every column type, each with a guard, so one record of bad values exercises them all. */
const everyType: PipelineDefinition = {
    name: "zz-every-type",
    table: { schema: "tracking", name: "zz_every_type" },
    columns: [
        { name: "request_id", type: "char", length: 36, nullable: false },
        { name: "seen_at", type: "timestamp", nullable: false },
        { name: "seen_on", type: "date", nullable: true },
        { name: "label", type: "varchar", length: 8, nullable: true },
        { name: "flag", type: "boolean", nullable: true },
        { name: "small", type: "smallint", nullable: true },
        { name: "count", type: "integer", nullable: true },
        { name: "big", type: "bigint", nullable: true },
        { name: "ratio", type: "real", nullable: true },
        { name: "score", type: "double", nullable: true },
        { name: "price", type: "decimal", precision: 6, scale: 2, nullable: true },
    ],
    partitionKeyField: "request_id",
    eventTimeField: "seen_at",
    mergeKey: "request_id",
    streaming: true,
};

const STREAM = "tracking-dev-zz-every-type";
const ROLES = [
    "arn:aws:iam::222222222222:role/tracking-dev-redshift-streaming",
    "arn:aws:iam::111111111111:role/tracking-dev-zz-every-type-stream-reader",
];

/** PostgreSQL has no `AUTO REFRESH` clause; everything else of the statement runs as generated. */
function forPostgres(sql: string): string {
    expect(sql).to.include("\nAUTO REFRESH YES\n");
    return sql.replace("\nAUTO REFRESH YES\n", "\n");
}

const SHIMS = [
    "CREATE FUNCTION from_varbyte(bytes bytea, format text) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT convert_from(bytes, 'UTF8') $$",
    `CREATE FUNCTION can_json_parse(bytes bytea) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
     BEGIN PERFORM convert_from(bytes, 'UTF8')::json; RETURN true; EXCEPTION WHEN others THEN RETURN false; END $$`,
    `CREATE FUNCTION json_extract_path_text(doc text, field text, null_if_invalid boolean) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
     BEGIN RETURN json_extract_path_text(doc::json, field); EXCEPTION WHEN others THEN RETURN NULL; END $$`,
];

describe("stream view SQL (streaming: true)", () => {
    it("names the view <table>_stream and a per-pipeline external schema, chaining the two roles in order", () => {
        expect(streamViewName(everyType)).to.equal("zz_every_type_stream");
        expect(qualifiedStreamViewName(everyType)).to.equal("tracking.zz_every_type_stream");
        const schema = createStreamSchemaSql(everyType, ROLES);
        expect(schema).to.equal(
            `CREATE EXTERNAL SCHEMA IF NOT EXISTS tracking_zz_every_type_kinesis\nFROM KINESIS\nIAM_ROLE '${ROLES.join(",")}'`,
        );
        expect(() => createStreamSchemaSql(everyType, ["tracking-dev-redshift-streaming"])).to.throw(
            /must be role ARNs/,
        );
        expect(() => createStreamSchemaSql(everyType, [`${ROLES[0]}' --`])).to.throw(/must be role ARNs/);
        const view = createStreamViewSql(everyType, STREAM);
        expect(view.split("\n").slice(0, 3)).to.deep.equal([
            "CREATE MATERIALIZED VIEW tracking.zz_every_type_stream",
            "AUTO REFRESH YES",
            "AS",
        ]);
        expect(view).to.include(`FROM tracking_zz_every_type_kinesis."${STREAM}"`);
    });

    it("parses with node-sql-parser's Redshift grammar, selecting the metadata and then every declared column in order", () => {
        const parser = new Parser();
        for (const def of [...pipelines, everyType]) {
            const ast = parser.astify(streamViewSelectSql(def, streamRelation(def, `tracking-dev-${def.name}`)), {
                database: "redshift",
            });
            const select = (Array.isArray(ast) ? ast[0] : ast) as unknown as {
                type: string;
                columns: Array<{ as: string | null; expr: { column?: string | { expr: { value: string } } } }>;
                from: Array<{ db: string; table: string }>;
            };
            expect(select.type).to.equal("select");
            const names = select.columns.map(
                (c) => c.as ?? (typeof c.expr.column === "string" ? c.expr.column : c.expr.column?.expr.value),
            );
            expect(names, def.name).to.deep.equal([
                ...KINESIS_METADATA_COLUMNS.map((c) => c.name),
                ...def.columns.map((c) => c.name),
            ]);
            expect(select.from[0].db).to.equal(streamSchemaName(def));
            expect(select.from[0].table).to.equal(`tracking-dev-${def.name}`);
        }
    });

    it("writes the API's date and timestamp patterns without a backslash, and refuses one it cannot", () => {
        for (const pattern of [DATE_PATTERN, TIMESTAMP_PATTERN]) expect(regexLiteral(pattern)).not.to.include("\\");
        expect(() => regexLiteral("^\\d+$")).to.throw(/backslash/);
    });

    describe("runs on PostgreSQL (PGlite), the Kinesis relation stood in by a table", () => {
        let db: PGlite;
        const source = streamRelation(everyType, STREAM);
        const put = (data: string | Buffer, sequence: string) =>
            db.query(`INSERT INTO ${source} VALUES ($1, now()::timestamp, 'pk', 'shardId-000000000000', $2)`, [
                typeof data === "string" ? Buffer.from(data, "utf8") : data,
                sequence,
            ]);

        before(async () => {
            db = await PGlite.create();
            for (const sql of SHIMS) await db.exec(sql);
            await db.exec(createSchemaSql(everyType.table.schema));
            await db.exec(`CREATE SCHEMA ${streamSchemaName(everyType)}`);
            const metadata = KINESIS_METADATA_COLUMNS.map((c) => `${c.name} ${c.type}`).join(", ");
            await db.exec(`CREATE TABLE ${source} (${KINESIS_DATA_COLUMN} bytea, ${metadata})`);
            await db.exec(forPostgres(createStreamViewSql(everyType, STREAM)));
        });
        after(async () => {
            await db.close();
        });

        type Row = Record<string, unknown>;
        const rows = async (): Promise<Row[]> =>
            (await db.query<Row>(`SELECT * FROM ${qualifiedStreamViewName(everyType)} ORDER BY sequence_number`)).rows;

        it("turns a well-formed record into typed columns after a refresh, with its Kinesis metadata", async () => {
            await put(
                JSON.stringify({
                    request_id: "0f8fad5b-d9cb-469f-a165-70867728950e",
                    seen_at: "2026-12-04T10:00:00Z",
                    seen_on: "2024-02-29",
                    label: "longer than eight",
                    flag: true,
                    small: 12,
                    count: -7,
                    big: 900000000000,
                    ratio: 0.5,
                    score: 1.5e10,
                    price: 1234.56,
                }),
                "1",
            );
            expect(await rows(), "nothing before the refresh").to.deep.equal([]);
            await db.exec(`REFRESH MATERIALIZED VIEW ${qualifiedStreamViewName(everyType)}`);
            const [row] = await rows();
            expect(row.request_id).to.equal("0f8fad5b-d9cb-469f-a165-70867728950e");
            expect((row.seen_at as Date).toISOString()).to.equal("2026-12-04T10:00:00.000Z");
            expect((row.seen_on as Date).toISOString().slice(0, 10)).to.equal("2024-02-29");
            expect(row.label, "cut to the declared length").to.equal("longer t");
            expect(row).to.include({
                flag: true,
                small: 12,
                count: -7,
                ratio: 0.5,
                score: 1.5e10,
                partition_key: "pk",
                sequence_number: "1",
            });
            expect(String(row.big)).to.equal("900000000000");
            expect(String(row.price)).to.equal("1234.56");
            expect(row.shard_id).to.equal("shardId-000000000000");
        });

        it("refreshes through a record of impossible values (NULLs, never a failed refresh), and leaves out what is not JSON", async () => {
            await put(
                JSON.stringify({
                    request_id: "ünïcödé-not-ascii",
                    seen_at: "2023-02-29 10:00:00",
                    seen_on: "2024-02-30",
                    flag: "yes",
                    small: 99999,
                    count: "five",
                    big: 1e30,
                    ratio: 1e50,
                    score: "NaN",
                    price: 123456.7,
                }),
                "2",
            );
            await put("not json at all", "3");
            await put(Buffer.from([0xff, 0xfe, 0x00]), "4");
            await db.exec(`REFRESH MATERIALIZED VIEW ${qualifiedStreamViewName(everyType)}`);
            const all = await rows();
            expect(all.map((r) => r.sequence_number)).to.deep.equal(["1", "2"]);
            const bad = all[1];
            for (const column of everyType.columns) {
                expect(bad[column.name], column.name).to.equal(null);
            }
        });

        it("keeps a record Kinesis delivered twice twice: the view is not deduplicated (the batch table is)", async () => {
            const payload = JSON.stringify({
                request_id: "1b4e28ba-2fa1-41d2-883f-0016d3cca427",
                seen_at: "2026-12-04 10:00:01",
            });
            await put(payload, "5");
            await put(payload, "6");
            await db.exec(`REFRESH MATERIALIZED VIEW ${qualifiedStreamViewName(everyType)}`);
            const copies = (await rows()).filter((r) => r.request_id === "1b4e28ba-2fa1-41d2-883f-0016d3cca427");
            expect(copies.map((r) => r.sequence_number)).to.deep.equal(["5", "6"]);
        });
    });
});
