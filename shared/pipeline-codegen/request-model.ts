import { ColumnDefinition, PipelineDefinition } from "./definition";
import { MAX_PARTITION_KEY_LENGTH } from "./validate";

/**
 * API Gateway request models (JSON Schema draft 4), generated from a pipeline's columns, so the API rejects
 * at the door (400, with the validator's message) any event that the Redshift load would otherwise fail,
 * truncate or drop. Draft-04 limits, bytes versus characters, accepted timestamps: docs/design.md,
 * "Request models".
 */

/** The only `$schema` API Gateway accepts for REST API models. */
export const JSON_SCHEMA_DRAFT_04 = "http://json-schema.org/draft-04/schema#";

/** Kinesis PutRecords takes at most 500 records per call, so a batch request holds 1-500. */
export const MAX_BATCH_RECORDS = 500;

export type JsonSchemaTypeName = "object" | "array" | "string" | "integer" | "number" | "boolean" | "null";

/**
 * The subset of JSON Schema draft 4 these models use. Typed so a draft-06+ keyword (`const`, numeric
 * `exclusiveMaximum`, `propertyNames`, ...) cannot be written by mistake.
 */
export interface JsonSchemaDraft4 {
    $schema?: typeof JSON_SCHEMA_DRAFT_04;
    title?: string;
    description?: string;
    type?: JsonSchemaTypeName | JsonSchemaTypeName[];
    properties?: Record<string, JsonSchemaDraft4>;
    /** Draft 4 requires at least one entry when present. */
    required?: string[];
    additionalProperties?: boolean;
    items?: JsonSchemaDraft4;
    minItems?: number;
    maxItems?: number;
    minLength?: number;
    maxLength?: number;
    pattern?: string;
    minimum?: number;
    maximum?: number;
    /** Draft 4 form: a boolean qualifying `minimum`/`maximum`, not a number. */
    exclusiveMinimum?: boolean;
    exclusiveMaximum?: boolean;
}

/** Canonical textual UUID, either case (Redshift compares CHAR case-sensitively: clients should be consistent). */
export const UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/** Years 0001-9999 (year 0 exists neither in Redshift's calendar nor in the load job's). */
const YEAR = "(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})";
/** Gregorian leap years: divisible by 4 but not by 100 (the last two digits), or by 400 (a century). */
const LEAP_YEAR = "([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[48]|[2468][048]|[13579][26])00)";
/** A calendar-valid date: 31-day months, 30-day months, February to the 28th, and the 29th of leap years. */
const DATE_PART = `(${YEAR}-(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|${YEAR}-(0[469]|11)-(0[1-9]|[12][0-9]|30)|${YEAR}-02-(0[1-9]|1[0-9]|2[0-8])|${LEAP_YEAR}-02-29)`;
const TIME_PART = "([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,6})?";

/**
 * `YYYY-MM-DD`, calendar-valid (2024-02-29 yes, 2023-02-29 and 2024-02-30 no), so an impossible date is a
 * 400 at the API. The load checks every row again and sets aside what fails, so it never depends on this.
 */
export const DATE_PATTERN = `^${DATE_PART}$`;

/** See "Timestamps" above: space or `T` separator, up to 6 fractional digits, optional `Z`, no offset. */
export const TIMESTAMP_PATTERN = `^${DATE_PART}[ T]${TIME_PART}Z?$`;

/** Printable ASCII: Redshift CHAR stores single-byte characters only, and control characters have no place in a fixed-width code. */
export const ASCII_PATTERN = "^[ -~]*$";

/**
 * JSON Schema bounds for integer columns. BIGINT's limits are not representable as JavaScript numbers
 * (2^63 - 1 rounds up to 2^63 and would let an overflowing value through), so its bounds are the largest
 * doubles inside the range, ±(2^63 - 1024): values within ~1,000 of the extremes are refused rather than
 * ever accepting one that overflows.
 */
const INTEGER_BOUNDS = {
    smallint: { minimum: -32768, maximum: 32767 },
    integer: { minimum: -2147483648, maximum: 2147483647 },
    bigint: { minimum: -(2 ** 63 - 1024), maximum: 2 ** 63 - 1024 },
} as const;

/** A CHAR(36) column holds a UUID unless its format says otherwise; `format: "uuid"` says so explicitly. */
export function columnHoldsUuid(column: ColumnDefinition): boolean {
    if (column.format !== undefined) {
        return column.format === "uuid";
    }
    return column.type === "char" && column.length === 36;
}

function withNull(type: JsonSchemaTypeName, nullable: boolean): JsonSchemaTypeName | JsonSchemaTypeName[] {
    return nullable ? [type, "null"] : type;
}

/** The schema of one `Data` field: its JSON type, null only where the column is nullable, and the column's limits. */
export function columnSchema(column: ColumnDefinition, options: { nonEmpty?: boolean } = {}): JsonSchemaDraft4 {
    switch (column.type) {
        case "char":
        case "varchar": {
            const schema: JsonSchemaDraft4 = { type: withNull("string", column.nullable), maxLength: column.length };
            if (options.nonEmpty) {
                schema.minLength = 1;
            }
            if (columnHoldsUuid(column)) {
                schema.pattern = UUID_PATTERN;
            } else if (column.type === "char") {
                schema.pattern = ASCII_PATTERN;
            }
            return schema;
        }
        case "timestamp":
            return { type: withNull("string", column.nullable), pattern: TIMESTAMP_PATTERN };
        case "date":
            return { type: withNull("string", column.nullable), pattern: DATE_PATTERN };
        case "boolean":
            return { type: withNull("boolean", column.nullable) };
        case "smallint":
        case "integer":
        case "bigint":
            return { type: withNull("integer", column.nullable), ...INTEGER_BOUNDS[column.type] };
        case "real":
        case "double":
            return { type: withNull("number", column.nullable) };
        case "decimal": {
            // DECIMAL(p, s) holds |x| < 10^(p-s); extra fractional digits are rounded by Redshift, not rejected.
            const limit = 10 ** ((column.precision ?? 18) - (column.scale ?? 0));
            return {
                type: withNull("number", column.nullable),
                minimum: -limit,
                exclusiveMinimum: true,
                maximum: limit,
                exclusiveMaximum: true,
            };
        }
    }
}

/** The schema of `Data`: an object with exactly the pipeline's columns, the NOT NULL ones required. */
export function dataSchema(def: PipelineDefinition): JsonSchemaDraft4 {
    const properties: Record<string, JsonSchemaDraft4> = {};
    for (const column of def.columns) {
        // The partition key field becomes the Kinesis PartitionKey when the client sends none, and Kinesis
        // refuses an empty one.
        properties[column.name] = columnSchema(column, { nonEmpty: column.name === def.partitionKeyField });
    }
    const required = def.columns.filter((column) => !column.nullable).map((column) => column.name);
    return {
        description: `One ${def.name} event: a row of ${def.table.schema}.${def.table.name}.`,
        type: "object",
        properties,
        ...(required.length > 0 ? { required } : {}),
        // A field the table has no column for would be dropped silently at load: refuse it instead.
        additionalProperties: false,
    };
}

/** `user-events` -> `UserEvents`: API Gateway model names must be alphanumeric. */
function pascalCase(name: string): string {
    return name
        .split("-")
        .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
        .join("");
}

/** Alphanumeric model name (API Gateway requires it), also used as the schema's `title`. */
export function requestModelName(def: PipelineDefinition, kind: "record" | "batch"): string {
    return `${pascalCase(def.name)}${kind === "record" ? "Record" : "Batch"}`;
}

function recordBody(def: PipelineDefinition): JsonSchemaDraft4 {
    return {
        type: "object",
        properties: {
            Data: dataSchema(def),
            PartitionKey: {
                description: `Kinesis partition key; when omitted the API uses Data.${def.partitionKeyField}.`,
                type: "string",
                minLength: 1,
                maxLength: MAX_PARTITION_KEY_LENGTH,
            },
        },
        required: ["Data"],
        // Anything else at the top level would be ignored by the integration's mapping template.
        additionalProperties: false,
    };
}

/** Model for the single-record route: `{"Data": {...}, "PartitionKey": "..."}` (Kinesis PutRecord). */
export function recordRequestModel(def: PipelineDefinition): JsonSchemaDraft4 {
    return {
        $schema: JSON_SCHEMA_DRAFT_04,
        title: requestModelName(def, "record"),
        ...recordBody(def),
    };
}

/** Model for the batch route: `{"Records": [{"Data": {...}, "PartitionKey": "..."}, ...]}`, 1-500 records (Kinesis PutRecords). */
export function batchRequestModel(def: PipelineDefinition): JsonSchemaDraft4 {
    return {
        $schema: JSON_SCHEMA_DRAFT_04,
        title: requestModelName(def, "batch"),
        type: "object",
        properties: {
            Records: {
                type: "array",
                minItems: 1,
                maxItems: MAX_BATCH_RECORDS,
                items: recordBody(def),
            },
        },
        required: ["Records"],
        additionalProperties: false,
    };
}
