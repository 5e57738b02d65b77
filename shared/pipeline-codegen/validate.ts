import { ColumnDefinition, ColumnEncoding, ColumnType, PipelineDefinition } from "./definition";
import { STREAM_RESERVED_COLUMNS, streamSchemaName, streamViewName } from "./redshift-stream";

/**
 * Checks pipeline declarations before anything is generated from them. Every rule here stands for a limit
 * that AWS or Redshift would otherwise enforce only at deploy or load time (a rejected stream name, a failed
 * CREATE TABLE, a load that truncates or drops rows), so a mistake fails `tsc`-time tests and `npm run plan`
 * with a message naming the pipeline, the field and the rule instead.
 */

/** Thrown with every problem found, one per line: `pipeline "<name>": <field path>: <rule> (got <value>)`. */
export class PipelineDefinitionError extends Error {
    /** Each problem on its own, in the order found. */
    readonly problems: readonly string[];

    constructor(problems: readonly string[]) {
        super(problems.join("\n"));
        this.name = "PipelineDefinitionError";
        this.problems = problems;
    }
}

/**
 * One name serves as Kinesis stream, Firehose stream, Glue crawler/table, S3 prefix and API path segment,
 * so it has to satisfy the narrowest of them: lowercase (S3 prefixes and Glue names are case-sensitive,
 * Glue lowercases table names), hyphens but no underscores or dots, no leading/trailing hyphen.
 */
export const PIPELINE_NAME_PATTERN = /^[a-z][a-z0-9-]*[a-z0-9]$/;

/**
 * Derived IAM role names such as `tracking-<stack, up to 10>-<pipeline>-firehose` must stay under IAM's
 * 64-character limit: 9 + 10 + 1 + 24 + 9 = 53 leaves room for the longest suffix the components use.
 */
export const MAX_PIPELINE_NAME_LENGTH = 24;

/**
 * Redshift standard identifiers also allow `$` and upper case (folded to lower case); the stricter form
 * keeps schema, table and column names identical in Redshift, the Glue catalog (lowercase only), the JSON
 * field names of the event and the Spark job, with no case-folding surprises.
 */
export const REDSHIFT_IDENTIFIER_PATTERN = /^[a-z_][a-z0-9_]*$/;

/** Redshift identifiers are at most 127 bytes (UTF-8). */
export const MAX_REDSHIFT_IDENTIFIER_BYTES = 127;

/** Redshift allows at most 1,600 columns in a table. */
export const MAX_REDSHIFT_COLUMNS = 1600;

/** Redshift CHAR holds at most 4,096 bytes, VARCHAR 65,535 bytes. */
export const MAX_CHAR_BYTES = 4096;
export const MAX_VARCHAR_BYTES = 65535;

/** Redshift DECIMAL precision is 1-38. */
export const MAX_DECIMAL_PRECISION = 38;

/** Kinesis partition keys are at most 256 characters. */
export const MAX_PARTITION_KEY_LENGTH = 256;

const COLUMN_TYPES: readonly ColumnType[] = [
    "char",
    "varchar",
    "timestamp",
    "date",
    "boolean",
    "smallint",
    "integer",
    "bigint",
    "real",
    "double",
    "decimal",
];

/**
 * Which column types each encoding accepts, from the Redshift "Compression encodings" table. A mismatch
 * fails CREATE TABLE in Redshift only, never in the offline PostgreSQL check, so it is caught here.
 */
const ENCODING_TYPES: Readonly<Record<ColumnEncoding, readonly ColumnType[] | "all">> = {
    raw: "all",
    az64: ["smallint", "integer", "bigint", "decimal", "date", "timestamp"],
    bytedict: ["smallint", "integer", "bigint", "decimal", "real", "double", "char", "varchar", "date", "timestamp"],
    delta: ["smallint", "integer", "bigint", "date", "timestamp", "decimal"],
    delta32k: ["integer", "bigint", "date", "timestamp", "decimal"],
    lzo: ["smallint", "integer", "bigint", "decimal", "char", "varchar", "date", "timestamp"],
    mostly8: ["smallint", "integer", "bigint", "decimal"],
    mostly16: ["integer", "bigint", "decimal"],
    mostly32: ["bigint", "decimal"],
    runlength: "all",
    text255: ["varchar"],
    text32k: ["varchar"],
    zstd: "all",
};

const STRING_TYPES: readonly ColumnType[] = ["char", "varchar"];
const EVENT_TIME_TYPES: readonly ColumnType[] = ["timestamp", "date"];

/** Shortest faithful rendering of an offending value for a message: strings quoted, the rest as JSON. */
function shown(value: unknown): string {
    if (value === undefined) {
        return "undefined";
    }
    if (typeof value === "number" && !Number.isFinite(value)) {
        return String(value);
    }
    return JSON.stringify(value) ?? String(value);
}

function utf8Bytes(text: string): number {
    return Buffer.byteLength(text, "utf8");
}

function isIntegerInRange(value: unknown, min: number, max: number): value is number {
    return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

/** Collects problems for one pipeline, each prefixed with the pipeline and the field path. */
class ProblemList {
    readonly problems: string[] = [];

    constructor(private readonly subject: string) {}

    add(path: string, rule: string): void {
        this.problems.push(`${this.subject}: ${path}: ${rule}`);
    }
}

function pipelineSubject(def: PipelineDefinition, index?: number): string {
    if (typeof def?.name === "string" && def.name !== "") {
        return `pipeline ${JSON.stringify(def.name)}`;
    }
    return index === undefined ? "pipeline (unnamed)" : `pipelines[${index}] (unnamed)`;
}

function checkIdentifier(problems: ProblemList, path: string, kind: string, value: unknown): void {
    if (typeof value !== "string" || !REDSHIFT_IDENTIFIER_PATTERN.test(value)) {
        problems.add(
            path,
            `${kind} must match ${REDSHIFT_IDENTIFIER_PATTERN.source} (lowercase letters, digits, underscores; not starting with a digit) (got ${shown(value)})`,
        );
        return;
    }
    if (utf8Bytes(value) > MAX_REDSHIFT_IDENTIFIER_BYTES) {
        problems.add(path, `${kind} must be at most ${MAX_REDSHIFT_IDENTIFIER_BYTES} bytes (got ${utf8Bytes(value)})`);
    }
}

function checkColumn(problems: ProblemList, column: ColumnDefinition, index: number): void {
    const at = `columns[${index}]`;
    if (column == null || typeof column !== "object") {
        problems.add(at, `column must be an object (got ${shown(column)})`);
        return;
    }
    checkIdentifier(problems, `${at}.name`, "column name", column.name);

    if (!COLUMN_TYPES.includes(column.type)) {
        problems.add(`${at}.type`, `type must be one of ${COLUMN_TYPES.join(", ")} (got ${shown(column.type)})`);
        return;
    }
    if (typeof column.nullable !== "boolean") {
        problems.add(`${at}.nullable`, `nullable must be true or false (got ${shown(column.nullable)})`);
    }

    if (column.type === "char" || column.type === "varchar") {
        const max = column.type === "char" ? MAX_CHAR_BYTES : MAX_VARCHAR_BYTES;
        if (!isIntegerInRange(column.length, 1, max)) {
            problems.add(
                `${at}.length`,
                `${column.type} length must be an integer from 1 to ${max} bytes (got ${shown(column.length)})`,
            );
        }
    } else if (column.length !== undefined) {
        problems.add(
            `${at}.length`,
            `length applies only to char and varchar columns, not ${column.type} (got ${shown(column.length)})`,
        );
    }

    if (column.type === "decimal") {
        if (!isIntegerInRange(column.precision, 1, MAX_DECIMAL_PRECISION)) {
            problems.add(
                `${at}.precision`,
                `decimal precision must be an integer from 1 to ${MAX_DECIMAL_PRECISION} (got ${shown(column.precision)})`,
            );
        } else if (column.scale !== undefined && !isIntegerInRange(column.scale, 0, column.precision)) {
            problems.add(
                `${at}.scale`,
                `decimal scale must be an integer from 0 to the precision ${column.precision} (got ${shown(column.scale)})`,
            );
        }
    } else {
        if (column.precision !== undefined) {
            problems.add(
                `${at}.precision`,
                `precision applies only to decimal columns, not ${column.type} (got ${shown(column.precision)})`,
            );
        }
        if (column.scale !== undefined) {
            problems.add(
                `${at}.scale`,
                `scale applies only to decimal columns, not ${column.type} (got ${shown(column.scale)})`,
            );
        }
    }

    if (column.encoding !== undefined) {
        const accepted = ENCODING_TYPES[column.encoding];
        if (accepted === undefined) {
            problems.add(
                `${at}.encoding`,
                `encoding must be one of ${Object.keys(ENCODING_TYPES).join(", ")} (got ${shown(column.encoding)})`,
            );
        } else if (accepted !== "all" && !accepted.includes(column.type)) {
            problems.add(
                `${at}.encoding`,
                `encoding ${column.encoding} does not support ${column.type} columns (Redshift accepts it for ${accepted.join(", ")})`,
            );
        }
    }

    if (column.format !== undefined) {
        if (column.format !== "uuid" && column.format !== "none") {
            problems.add(`${at}.format`, `format must be "uuid" or "none" (got ${shown(column.format)})`);
        } else if (!STRING_TYPES.includes(column.type)) {
            problems.add(
                `${at}.format`,
                `format applies only to char and varchar columns, not ${column.type} (got ${shown(column.format)})`,
            );
        } else if (column.format === "uuid" && typeof column.length === "number" && column.length < 36) {
            problems.add(
                `${at}.format`,
                `format "uuid" needs a length of at least 36 bytes (got length ${column.length})`,
            );
        }
    }
}

/** The column a field reference points to, or a problem naming the reference and the rule. */
function referencedColumn(
    problems: ProblemList,
    def: PipelineDefinition,
    field: "partitionKeyField" | "eventTimeField" | "mergeKey",
): ColumnDefinition | undefined {
    const name = def[field];
    const column = def.columns.find((c) => c?.name === name);
    if (column === undefined) {
        problems.add(field, `${field} must name one of the pipeline's columns (got ${shown(name)})`);
    }
    return column;
}

function checkOne(def: PipelineDefinition, index?: number): string[] {
    const problems = new ProblemList(pipelineSubject(def, index));
    if (def == null || typeof def !== "object") {
        problems.add("(definition)", `pipeline definition must be an object (got ${shown(def)})`);
        return problems.problems;
    }

    if (typeof def.name !== "string" || !PIPELINE_NAME_PATTERN.test(def.name)) {
        problems.add(
            "name",
            `pipeline name must match ${PIPELINE_NAME_PATTERN.source} (lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen), as it names the Kinesis stream, Firehose stream, Glue resources, S3 prefix and API path (got ${shown(def.name)})`,
        );
    } else if (def.name.length > MAX_PIPELINE_NAME_LENGTH) {
        problems.add(
            "name",
            `pipeline name must be at most ${MAX_PIPELINE_NAME_LENGTH} characters so derived IAM role names stay under 64 (got ${def.name.length})`,
        );
    }

    if (def.table == null || typeof def.table !== "object") {
        problems.add("table", `table must be { schema, name } (got ${shown(def.table)})`);
    } else {
        checkIdentifier(problems, "table.schema", "schema name", def.table.schema);
        checkIdentifier(problems, "table.name", "table name", def.table.name);
    }

    if (!Array.isArray(def.columns) || def.columns.length === 0) {
        problems.add(
            "columns",
            `a pipeline needs at least one column (got ${Array.isArray(def.columns) ? 0 : shown(def.columns)})`,
        );
        return problems.problems;
    }
    if (def.columns.length > MAX_REDSHIFT_COLUMNS) {
        problems.add(
            "columns",
            `a Redshift table has at most ${MAX_REDSHIFT_COLUMNS} columns (got ${def.columns.length})`,
        );
    }

    const firstIndexByName = new Map<string, number>();
    def.columns.forEach((column, columnIndex) => {
        checkColumn(problems, column, columnIndex);
        const name = column?.name;
        if (typeof name !== "string") {
            return;
        }
        const earlier = firstIndexByName.get(name);
        if (earlier === undefined) {
            firstIndexByName.set(name, columnIndex);
        } else {
            problems.add(`columns[${columnIndex}].name`, `duplicate column ${shown(name)} (also columns[${earlier}])`);
        }
    });

    const partitionKey = referencedColumn(problems, def, "partitionKeyField");
    if (partitionKey !== undefined) {
        if (partitionKey.nullable) {
            problems.add(
                "partitionKeyField",
                `partitionKeyField column ${shown(partitionKey.name)} must be NOT NULL (nullable: false): the API falls back to it when a record has no PartitionKey`,
            );
        }
        if (
            STRING_TYPES.includes(partitionKey.type) &&
            typeof partitionKey.length === "number" &&
            partitionKey.length > MAX_PARTITION_KEY_LENGTH
        ) {
            problems.add(
                "partitionKeyField",
                `partitionKeyField column ${shown(partitionKey.name)} may hold up to ${partitionKey.length} bytes but a Kinesis partition key is at most ${MAX_PARTITION_KEY_LENGTH} characters`,
            );
        }
    }

    if (def.eventTimeField !== undefined) {
        const eventTime = referencedColumn(problems, def, "eventTimeField");
        if (eventTime !== undefined && !EVENT_TIME_TYPES.includes(eventTime.type)) {
            problems.add(
                "eventTimeField",
                `eventTimeField column ${shown(eventTime.name)} must be of type timestamp or date (got ${shown(eventTime.type)})`,
            );
        }
    }

    const mergeKey = referencedColumn(problems, def, "mergeKey");
    if (mergeKey !== undefined && mergeKey.nullable) {
        problems.add(
            "mergeKey",
            `mergeKey column ${shown(mergeKey.name)} must be NOT NULL (nullable: false): rows are matched on it, and NULL never matches`,
        );
    }

    if (def.streaming !== undefined && typeof def.streaming !== "boolean") {
        problems.add("streaming", `streaming must be true or false (got ${shown(def.streaming)})`);
    } else if (def.streaming === true) {
        // The view keeps the stream's metadata columns beside the declared ones (shared/pipeline-codegen/redshift-stream.ts).
        def.columns.forEach((column, index) => {
            if (STREAM_RESERVED_COLUMNS.includes(column?.name)) {
                problems.add(
                    `columns[${index}].name`,
                    `with streaming: true, column ${shown(column.name)} would clash with the Kinesis metadata column of that name in the stream view (reserved: ${STREAM_RESERVED_COLUMNS.join(", ")})`,
                );
            }
        });
        if (def.table != null && typeof def.table.name === "string" && typeof def.table.schema === "string") {
            for (const [what, name] of [
                ["stream view name", streamViewName(def)],
                ["stream schema name", streamSchemaName(def)],
            ] as const) {
                if (utf8Bytes(name) > MAX_REDSHIFT_IDENTIFIER_BYTES) {
                    problems.add(
                        "table.name",
                        `with streaming: true, the ${what} ${shown(name)} must be at most ${MAX_REDSHIFT_IDENTIFIER_BYTES} bytes (got ${utf8Bytes(name)}): shorten table.name or table.schema`,
                    );
                }
            }
        }
    }

    return problems.problems;
}

/** Validates one pipeline; throws {@link PipelineDefinitionError} listing every problem found. */
export function validatePipeline(def: PipelineDefinition): void {
    const problems = checkOne(def);
    if (problems.length > 0) {
        throw new PipelineDefinitionError(problems);
    }
}

/**
 * Validates each pipeline and the set: pipeline names and target tables must be unique, since two
 * pipelines sharing either would share a stream, a prefix or a table and mix their events.
 */
export function validatePipelines(defs: readonly PipelineDefinition[]): void {
    if (!Array.isArray(defs) || defs.length === 0) {
        throw new PipelineDefinitionError([
            `pipelines: at least one pipeline must be declared (got ${Array.isArray(defs) ? 0 : shown(defs)})`,
        ]);
    }
    const problems: string[] = [];
    const firstIndexByName = new Map<string, number>();
    const firstIndexByTable = new Map<string, number>();

    defs.forEach((def, index) => {
        problems.push(...checkOne(def, index));
        if (def == null || typeof def !== "object") {
            return;
        }
        const subject = pipelineSubject(def, index);
        if (typeof def.name === "string") {
            const earlier = firstIndexByName.get(def.name);
            if (earlier === undefined) {
                firstIndexByName.set(def.name, index);
            } else {
                problems.push(
                    `${subject}: name: duplicate pipeline name (pipelines[${earlier}] and pipelines[${index}] share it)`,
                );
            }
        }
        if (def.table != null && typeof def.table.schema === "string" && typeof def.table.name === "string") {
            const table = `${def.table.schema}.${def.table.name}`;
            const views = defs
                .filter((other) => other?.streaming === true && other.table?.schema === def.table.schema)
                .map((other) => [other, `${other.table.schema}.${streamViewName(other)}`] as const);
            const clash = views.find(([, view]) => view === table);
            if (clash !== undefined) {
                problems.push(
                    `${subject}: table: target table ${table} is the stream view of ${pipelineSubject(clash[0], defs.indexOf(clash[0]))} (streaming: true): rename one of them`,
                );
            }
            const earlier = firstIndexByTable.get(table);
            if (earlier === undefined) {
                firstIndexByTable.set(table, index);
            } else {
                problems.push(
                    `${subject}: table: duplicate target table ${table} (also the target of ${pipelineSubject(defs[earlier], earlier)})`,
                );
            }
        }
    });

    if (problems.length > 0) {
        throw new PipelineDefinitionError(problems);
    }
}
