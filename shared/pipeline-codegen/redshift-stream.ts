import { createHash } from "crypto";
import { ColumnDefinition, PipelineDefinition } from "./definition";
import { quoteIdentifier } from "./redshift-ddl";
import { DATE_PATTERN, TIMESTAMP_PATTERN, ASCII_PATTERN } from "./request-model";

/**
 * The streaming tier of a pipeline (`streaming: true`): Redshift streaming ingestion from its Kinesis
 * stream into a materialized view, generated from the same declaration as the batch table. A bad record
 * becomes NULLs, never a stalled view; the AWS sources: docs/design.md, "Stream views".
 */

/** The suffix of the view beside `<schema>.<table>`. */
export const STREAM_VIEW_SUFFIX = "_stream";

/**
 * The metadata columns Redshift gives a Kinesis stream relation besides `kinesis_data` (VARBYTE), and
 * their types ("Getting started with streaming ingestion from Amazon Kinesis Data Streams"). The view
 * keeps them so a reader can order records and drop the duplicates Kinesis may deliver.
 */
export const KINESIS_METADATA_COLUMNS: ReadonlyArray<{ readonly name: string; readonly type: string }> = [
    { name: "approximate_arrival_timestamp", type: "timestamp without time zone" },
    { name: "partition_key", type: "varchar(256)" },
    { name: "shard_id", type: "char(20)" },
    { name: "sequence_number", type: "varchar(128)" },
];

/** The payload column of a Kinesis stream relation (the record's bytes). */
export const KINESIS_DATA_COLUMN = "kinesis_data";

/** Column names the view takes for itself: a declared column of one of these names would clash. */
export const STREAM_RESERVED_COLUMNS: readonly string[] = [
    ...KINESIS_METADATA_COLUMNS.map((c) => c.name),
    KINESIS_DATA_COLUMN,
    "refresh_time",
];

/** `events_stream` for `tracking.events`. */
export function streamViewName(def: Pick<PipelineDefinition, "table">): string {
    return `${def.table.name}${STREAM_VIEW_SUFFIX}`;
}

/** `tracking.events_stream`, quoted as needed. */
export function qualifiedStreamViewName(def: Pick<PipelineDefinition, "table">): string {
    return `${quoteIdentifier(def.table.schema)}.${quoteIdentifier(streamViewName(def))}`;
}

/**
 * The external schema mapping Kinesis for one pipeline (`tracking_events_kinesis`): one per pipeline,
 * since each chains to the engineering role that may read that pipeline's stream only.
 */
export function streamSchemaName(def: Pick<PipelineDefinition, "table">): string {
    return `${def.table.schema}_${def.table.name}_kinesis`;
}

/** A SQL string literal. */
function literal(text: string): string {
    return `'${text.replace(/'/g, "''")}'`;
}

/**
 * `CREATE EXTERNAL SCHEMA ... FROM KINESIS IAM_ROLE '<redshift role>,<stream reader role>'`: Redshift
 * assumes the first role (attached to the namespace or cluster), which assumes the second, in the
 * engineering account, for every Kinesis call.
 */
export function createStreamSchemaSql(def: Pick<PipelineDefinition, "table">, roleChain: readonly string[]): string {
    if (roleChain.length === 0 || roleChain.some((arn) => !/^arn:[a-z-]+:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(arn))) {
        throw new Error(
            `createStreamSchemaSql: the IAM_ROLE chain must be role ARNs (got ${JSON.stringify(roleChain)})`,
        );
    }
    return `CREATE EXTERNAL SCHEMA IF NOT EXISTS ${quoteIdentifier(streamSchemaName(def))}\nFROM KINESIS\nIAM_ROLE ${literal(roleChain.join(","))}`;
}

/** Drops the pipeline's external schema (the chain in it changed, or the view went away). */
export function dropStreamSchemaSql(def: Pick<PipelineDefinition, "table">): string {
    return `DROP SCHEMA IF EXISTS ${quoteIdentifier(streamSchemaName(def))}`;
}

/** Digits that always fit: 4 in SMALLINT, 9 in INTEGER, 18 in BIGINT (larger values become NULL). */
const INTEGER_DIGITS = { smallint: 4, integer: 9, bigint: 18 } as const;

/**
 * A regular expression as a SQL literal both engines read alike: Redshift consumes one backslash of a
 * literal before the regex sees it (its "POSIX operators" page asks for two), PostgreSQL none, so the
 * patterns carry no backslash at all (`[.]` for a literal dot).
 */
export function regexLiteral(pattern: string): string {
    const plain = pattern.replace(/\\\./g, "[.]");
    if (plain.includes("\\"))
        throw new Error(
            `regexLiteral: pattern ${pattern} needs a backslash, which Redshift and PostgreSQL read differently`,
        );
    return literal(plain);
}

/** The guard and the conversion of one declared column from the record's JSON text. */
function columnExpression(column: ColumnDefinition, json: string): string {
    const value = `JSON_EXTRACT_PATH_TEXT(${json}, ${literal(column.name)}, TRUE)`;
    const guarded = (pattern: string, converted: string) =>
        `CASE WHEN ${value} ~ ${regexLiteral(pattern)} THEN ${converted} END`;
    switch (column.type) {
        case "varchar":
            return `CAST(${value} AS VARCHAR(${column.length}))`;
        case "char":
            // Redshift CHAR holds single-byte characters only: anything else would fail the cast.
            return guarded(ASCII_PATTERN, `CAST(${value} AS CHAR(${column.length}))`);
        case "boolean":
            return guarded("^(true|false)$", `${value} = 'true'`);
        case "smallint":
        case "integer":
        case "bigint":
            return guarded(
                `^-?[0-9]{1,${INTEGER_DIGITS[column.type]}}$`,
                `CAST(${value} AS ${column.type.toUpperCase()})`,
            );
        case "decimal": {
            const whole = (column.precision ?? 18) - (column.scale ?? 0);
            const pattern = whole > 0 ? `^-?[0-9]{1,${whole}}([.][0-9]+)?$` : "^-?0?[.][0-9]+$";
            return guarded(pattern, `CAST(${value} AS DECIMAL(${column.precision ?? 18},${column.scale ?? 0}))`);
        }
        case "real":
            // Within REAL's range whatever the digits: at most 28 before and 20 after the point, no exponent.
            return guarded("^-?[0-9]{1,28}([.][0-9]{1,20})?$", `CAST(${value} AS REAL)`);
        case "double":
            return guarded(
                "^-?[0-9]{1,38}([.][0-9]{1,38})?([eE][-+]?[0-9]{1,2})?$",
                `CAST(${value} AS DOUBLE PRECISION)`,
            );
        case "date":
            return guarded(DATE_PATTERN, `CAST(${value} AS DATE)`);
        case "timestamp":
            // The API admits `T` or space and an optional `Z` (UTC): both engines cast the space form.
            return guarded(TIMESTAMP_PATTERN, `CAST(REPLACE(REPLACE(${value}, 'T', ' '), 'Z', '') AS TIMESTAMP)`);
    }
}

/**
 * The body of the view: the stream's metadata columns, then every declared column in order, read from the
 * record's JSON (`FROM_VARBYTE(kinesis_data, 'utf-8')`; `JSON_EXTRACT_PATH_TEXT(..., TRUE)` gives NULL for
 * text that is not JSON instead of failing). Records that are not JSON at all are left out.
 */
export function streamViewSelectSql(def: Pick<PipelineDefinition, "columns">, source: string): string {
    const json = `FROM_VARBYTE(${KINESIS_DATA_COLUMN}, 'utf-8')`;
    const columns = [
        ...KINESIS_METADATA_COLUMNS.map((c) => c.name),
        ...def.columns.map((column) => `${columnExpression(column, json)} AS ${quoteIdentifier(column.name)}`),
    ];
    return `SELECT\n${columns.map((c) => `    ${c}`).join(",\n")}\nFROM ${source}\nWHERE CAN_JSON_PARSE(${KINESIS_DATA_COLUMN})`;
}

/** The stream relation in the external schema: `<schema>."<stream name>"` (Kinesis names are case-sensitive). */
export function streamRelation(def: Pick<PipelineDefinition, "table">, streamName: string): string {
    return `${quoteIdentifier(streamSchemaName(def))}."${streamName.replace(/"/g, '""')}"`;
}

/** `CREATE MATERIALIZED VIEW <schema>.<table>_stream AUTO REFRESH YES AS SELECT ...`. */
export function createStreamViewSql(def: Pick<PipelineDefinition, "table" | "columns">, streamName: string): string {
    return `CREATE MATERIALIZED VIEW ${qualifiedStreamViewName(def)}\nAUTO REFRESH YES\nAS\n${streamViewSelectSql(def, streamRelation(def, streamName))}`;
}

/** Drops the view (its rows are a copy of the stream's; the batch table is untouched). */
export function dropStreamViewSql(def: Pick<PipelineDefinition, "table">): string {
    return `DROP MATERIALIZED VIEW IF EXISTS ${qualifiedStreamViewName(def)}`;
}

/** A short fingerprint of the view's definition: a change of it means drop and create. */
export function streamViewVersion(statements: readonly string[]): string {
    return createHash("sha256").update(statements.join("\n;\n")).digest("hex").slice(0, 16);
}

/** The stack's read-only user may read the view, as it reads the table (shared/pipeline-codegen/redshift-principals.ts). */
export function streamViewGrantStatements(def: Pick<PipelineDefinition, "table">, reader: string): string[] {
    return [
        `GRANT USAGE ON SCHEMA ${quoteIdentifier(def.table.schema)} TO ${quoteIdentifier(reader)}`,
        `GRANT SELECT ON ${qualifiedStreamViewName(def)} TO ${quoteIdentifier(reader)}`,
    ];
}
