/**
 * The typed declaration of one event type ("pipeline"). Everything that depends on an event's shape -
 * the API request model, the Redshift DDL, the Glue catalog columns, the Glue job mapping, the S3 prefix -
 * is generated from one of these, so adding an event type is one declaration and nothing else.
 */

/** Redshift column types the pipelines use; each maps to a JSON Schema type, a Hive type and a SQL type. */
export type ColumnType =
    | "char"
    | "varchar"
    | "timestamp"
    | "date"
    | "boolean"
    | "smallint"
    | "integer"
    | "bigint"
    | "real"
    | "double"
    | "decimal";

/** Redshift column compression encodings (ENCODE ...). */
export type ColumnEncoding =
    | "raw"
    | "az64"
    | "bytedict"
    | "delta"
    | "delta32k"
    | "lzo"
    | "mostly8"
    | "mostly16"
    | "mostly32"
    | "runlength"
    | "text255"
    | "text32k"
    | "zstd";

export interface ColumnDefinition {
    /** Column name in Redshift and field name in the event's `Data` object. */
    readonly name: string;
    readonly type: ColumnType;
    /** For char/varchar: the Redshift length, which counts bytes (UTF-8), not characters. */
    readonly length?: number;
    /** For decimal: precision (1-38) and scale (0-precision). */
    readonly precision?: number;
    readonly scale?: number;
    /** Whether the event may omit the field or send null. */
    readonly nullable: boolean;
    /** Redshift compression; omitted means Redshift chooses. */
    readonly encoding?: ColumnEncoding;
    /**
     * A stricter textual format the API enforces. "uuid" for identifiers stored as CHAR(36);
     * when omitted, a CHAR(36) column is assumed to hold a UUID.
     */
    readonly format?: "uuid" | "none";
}

export interface PipelineDefinition {
    /** Pipeline name: the API path segment, and part of the Kinesis, Firehose, Glue and S3 names. */
    readonly name: string;
    /** Target Redshift table. */
    readonly table: { readonly schema: string; readonly name: string };
    /** Ordered columns, as in the Redshift table. */
    readonly columns: readonly ColumnDefinition[];
    /** The `Data` field used as Kinesis partition key when the client sends no `PartitionKey`. */
    readonly partitionKeyField: string;
    /**
     * The `Data` field holding the event time (a timestamp or date column): the Redshift table's sort key.
     * The landed data is partitioned by Firehose arrival time instead (see s3-prefix.ts for why).
     */
    readonly eventTimeField?: string;
    /** The column that identifies an event: a retried load replaces rows with the same key instead of adding them. */
    readonly mergeKey: string;
    /**
     * Also ingest the pipeline's Kinesis stream straight into Redshift (streaming ingestion): a materialized
     * view `<schema>.<table>_stream`, refreshed automatically, seconds behind the API, beside the batch
     * table, which stays the deduplicated source of truth. Both stacks read it: engineering creates the
     * role that reads the stream, data-platform the Redshift role that chains to it and the view. Costs a
     * Redshift that keeps refreshing (README, "Streaming tier"). Default false.
     */
    readonly streaming?: boolean;
}
