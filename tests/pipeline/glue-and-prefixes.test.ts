import { PGlite } from "@electric-sql/pglite";
import { expect } from "chai";
import { Parser } from "node-sql-parser";
import { ColumnDefinition, PipelineDefinition } from "../../shared/pipeline-codegen/definition";
import { glueColumns } from "../../shared/pipeline-codegen/glue-schema";
import { jobColumnMapping } from "../../shared/pipeline-codegen/job-mapping";
import { createSchemaSql, createTableSql, stripRedshiftOnlyClauses } from "../../shared/pipeline-codegen/redshift-ddl";
import {
    firehoseErrorPrefix,
    firehosePrefix,
    landingPrefix,
    rawBackupErrorPrefix,
    rawBackupPrefix,
} from "../../shared/pipeline-codegen/s3-prefix";
import { MAX_PIPELINE_NAME_LENGTH } from "../../shared/pipeline-codegen/validate";
import { pipelines } from "../../shared/pipelines";
import { userEvents } from "../../shared/pipelines/user-events";
import { userUtm } from "../../shared/pipelines/user-utm";

const everyType: PipelineDefinition = {
    name: "every-type",
    table: { schema: "tracking", name: "every_type" },
    columns: [
        { name: "code", type: "char", length: 8, nullable: false },
        { name: "note", type: "varchar", length: 300, nullable: true },
        { name: "at", type: "timestamp", nullable: true },
        { name: "on_date", type: "date", nullable: true },
        { name: "flag", type: "boolean", nullable: true },
        { name: "small", type: "smallint", nullable: true },
        { name: "medium", type: "integer", nullable: true },
        { name: "large", type: "bigint", nullable: true },
        { name: "ratio", type: "real", nullable: true },
        { name: "score", type: "double", nullable: true },
        { name: "amount", type: "decimal", precision: 12, scale: 2, nullable: true },
    ],
    partitionKeyField: "code",
    mergeKey: "code",
};

/** Hive primitive type names the Glue catalog accepts for these columns. */
const HIVE_TYPE = /^(string|timestamp|date|boolean|smallint|int|bigint|float|double|decimal\((\d+),(\d+)\))$/;

describe("Glue catalog columns", () => {
    it("map every Redshift type to its Hive type", () => {
        expect(glueColumns(everyType).map(({ name, type }) => [name, type])).to.deep.equal([
            ["code", "string"],
            ["note", "string"],
            ["at", "timestamp"],
            ["on_date", "date"],
            ["flag", "boolean"],
            ["small", "smallint"],
            ["medium", "int"],
            ["large", "bigint"],
            ["ratio", "float"],
            ["score", "double"],
            ["amount", "decimal(12,2)"],
        ]);
    });

    for (const def of pipelines) {
        it(`${def.name}: one column per declared column, in order, with Hive types and comments within Glue's 255 characters`, () => {
            const columns = glueColumns(def);
            expect(columns.map((c) => c.name)).to.deep.equal(def.columns.map((c) => c.name));
            for (const column of columns) {
                expect(column.type).to.match(HIVE_TYPE);
                expect((column.comment ?? "").length).to.be.at.most(255);
            }
        });
    }

    it("names the Redshift column each field loads into", () => {
        const message = glueColumns(userEvents).find((c) => c.name === "message");
        expect(message?.comment).to.equal("Redshift tracking.events.message varchar(3128)");
        const requestId = glueColumns(userUtm).find((c) => c.name === "request_id");
        expect(requestId?.comment).to.equal("Redshift tracking.utm.request_id varchar(56) not null");
    });
});

describe("Glue job column mapping", () => {
    it("carries source and target names and types, byte limits for text and nullability", () => {
        const mapping = jobColumnMapping(userEvents);
        expect(mapping.find((m) => m.target === "location")).to.deep.equal({
            source: "location",
            sourceType: "string",
            target: "location",
            targetIdentifier: '"location"',
            targetType: "varchar(5000)",
            maxBytes: 5000,
            nullable: true,
        });
        expect(mapping.find((m) => m.target === "request_timestamp")).to.deep.equal({
            source: "request_timestamp",
            sourceType: "timestamp",
            target: "request_timestamp",
            targetIdentifier: "request_timestamp",
            targetType: "timestamp without time zone",
            nullable: false,
        });
        expect(mapping.find((m) => m.target === "request_id")?.maxBytes).to.equal(36);
    });

    for (const def of [...pipelines, everyType]) {
        it(`${def.name}: survives JSON (it is a job argument) and agrees with the catalog and the columns`, () => {
            const mapping = jobColumnMapping(def);
            expect(JSON.parse(JSON.stringify(mapping))).to.deep.equal(mapping);
            const catalog = glueColumns(def);
            def.columns.forEach((column: ColumnDefinition, i) => {
                expect(mapping[i].source).to.equal(column.name);
                expect(mapping[i].target).to.equal(column.name);
                expect(mapping[i].sourceType).to.equal(catalog[i].type);
                expect(mapping[i].nullable).to.equal(column.nullable);
                expect(mapping[i].maxBytes).to.equal(
                    column.type === "char" || column.type === "varchar" ? column.length : undefined,
                );
                expect("maxBytes" in mapping[i]).to.equal(column.type === "char" || column.type === "varchar");
            });
        });
    }

    it("target types are the ones the DDL creates: a staging table built from them matches the real table in PostgreSQL", async () => {
        const db = await PGlite.create();
        try {
            await db.exec(createSchemaSql("tracking"));
            for (const def of [...pipelines, everyType]) {
                await db.exec(stripRedshiftOnlyClauses(createTableSql(def)));
                const mapping = jobColumnMapping(def);
                const staging = `CREATE TABLE tracking.${def.table.name}_staging (${mapping.map((m) => `${m.targetIdentifier} ${m.targetType}`).join(", ")})`;
                new Parser().astify(staging, { database: "redshift" });
                await db.exec(staging);
                const describe = async (table: string) =>
                    (
                        await db.query<{
                            column_name: string;
                            data_type: string;
                            character_maximum_length: number | null;
                            numeric_precision: number | null;
                            numeric_scale: number | null;
                        }>(
                            `SELECT column_name, data_type, character_maximum_length, numeric_precision, numeric_scale
                         FROM information_schema.columns WHERE table_schema = 'tracking' AND table_name = $1 ORDER BY ordinal_position`,
                            [table],
                        )
                    ).rows.map((row) => ({ ...row }));
                expect(await describe(`${def.table.name}_staging`)).to.deep.equal(await describe(def.table.name));
            }
        } finally {
            await db.close();
        }
    });
});

/**
 * Evaluates a Firehose prefix the way the developer guide's "Custom prefixes" page describes, for one
 * arrival time and error type, checking its semantic rules on the way. Only the pattern letters these
 * prefixes use are supported; anything else fails the test rather than passing unnoticed.
 */
function evaluatePrefix(
    prefix: string,
    kind: "Prefix" | "ErrorOutputPrefix",
    arrival: Date,
    errorType: string,
): string {
    const pad = (value: number, width: number) => String(value).padStart(width, "0");
    const fields: Record<string, string> = {
        yyyy: pad(arrival.getUTCFullYear(), 4),
        MM: pad(arrival.getUTCMonth() + 1, 2),
        dd: pad(arrival.getUTCDate(), 2),
        HH: pad(arrival.getUTCHours(), 2),
    };
    const evaluated = prefix.replace(/!\{([a-zA-Z]+):([^}]*)\}/g, (_, namespace: string, value: string) => {
        if (namespace === "timestamp") {
            expect(fields, `unsupported timestamp pattern ${value}`).to.have.property(value);
            return fields[value];
        }
        expect(namespace).to.equal("firehose");
        expect(value).to.equal("error-output-type");
        expect(kind, "Prefix can't contain !{firehose:error-output-type}").to.equal("ErrorOutputPrefix");
        return errorType;
    });
    expect(evaluated, "the sequence !{ can only appear in !{namespace:value} expressions").to.not.include("!{");
    expect(evaluated.length, "a prefix is at most 512 characters after evaluation").to.be.at.most(512);
    return evaluated;
}

describe("S3 prefixes", () => {
    const arrival = new Date(Date.UTC(2020, 5, 1, 7, 30));

    it("lands each pipeline under its own name, in Hive-style hourly partitions of the arrival time", () => {
        expect(landingPrefix(userEvents)).to.equal("user-events/");
        expect(firehosePrefix(userEvents)).to.equal(
            "user-events/year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/",
        );
        expect(evaluatePrefix(firehosePrefix(userUtm), "Prefix", arrival, "")).to.equal(
            "user-utm/year=2020/month=06/day=01/hour=07/",
        );
        expect(evaluatePrefix(rawBackupPrefix(userEvents), "Prefix", arrival, "")).to.equal(
            "user-events/year=2020/month=06/day=01/hour=07/",
        );
    });

    it("gives an error prefix with the error type whenever the data prefix uses expressions", () => {
        for (const def of pipelines) {
            expect(firehosePrefix(def)).to.include("!{");
            expect(firehoseErrorPrefix(def)).to.include("!{firehose:error-output-type}");
            expect(rawBackupErrorPrefix(def)).to.include("!{firehose:error-output-type}");
            expect(
                evaluatePrefix(firehoseErrorPrefix(def), "ErrorOutputPrefix", arrival, "processing-failed"),
            ).to.equal(`_firehose-errors/${def.name}/processing-failed/year=2020/month=06/day=01/hour=07/`);
        }
    });

    it("keeps every pipeline's errors and data out of every other pipeline's landing prefix, whatever the names", () => {
        // Names chosen to collide if prefixes were naive: one is a prefix of another, one looks like a folder of errors.
        const names = [
            "user-events",
            "user-events-errors",
            "user",
            "errors",
            "firehose-errors",
            "a".repeat(MAX_PIPELINE_NAME_LENGTH),
        ];
        const defs = names.map((name) => ({ ...userEvents, name }));
        for (const def of defs) {
            for (const prefix of [
                firehosePrefix(def),
                rawBackupPrefix(def),
                firehoseErrorPrefix(def),
                rawBackupErrorPrefix(def),
            ]) {
                const kind = prefix.includes("firehose:error-output-type") ? "ErrorOutputPrefix" : "Prefix";
                const key = evaluatePrefix(prefix, kind, arrival, "processing-failed");
                for (const other of defs) {
                    const inside = key.startsWith(landingPrefix(other));
                    const expected = kind === "Prefix" && other.name === def.name;
                    expect(inside, `${key} ${inside ? "is" : "is not"} under ${landingPrefix(other)}`).to.equal(
                        expected,
                    );
                }
            }
        }
    });
});
