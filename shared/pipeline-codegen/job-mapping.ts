import { PipelineDefinition } from "./definition";
import { hiveType } from "./glue-schema";
import { quoteIdentifier, redshiftColumnType } from "./redshift-ddl";

/**
 * The column mapping handed to the Glue job (as a JSON job argument): for each landed field, the Redshift
 * column it loads into and the limits the job enforces on the way.
 */
export interface JobColumnMapping {
    /** Field name in the landed JSON (the `Data` key). */
    readonly source: string;
    /** Hive type of the landed field, as in the Glue catalog (see glue-schema.ts). */
    readonly sourceType: string;
    /** Redshift column name, unquoted. */
    readonly target: string;
    /** The target column name as written in SQL (double-quoted where it is a reserved word, e.g. `"location"`). */
    readonly targetIdentifier: string;
    /** Redshift SQL type, lowercase, e.g. `varchar(3128)`, `timestamp without time zone`. */
    readonly targetType: string;
    /**
     * For char/varchar: the column's size in bytes. The API limits a string to this many characters; a
     * multi-byte string within that may still exceed it, and the job truncates it to this many UTF-8 bytes
     * on a character boundary, counting each truncation (see the decision in request-model.ts).
     */
    readonly maxBytes?: number;
    /** Whether the column accepts NULL. */
    readonly nullable: boolean;
}

/** The pipeline's column mapping, in declaration order; plain data, safe to `JSON.stringify`. */
export function jobColumnMapping(def: PipelineDefinition): JobColumnMapping[] {
    return def.columns.map((column) => ({
        source: column.name,
        sourceType: hiveType(column),
        target: column.name,
        targetIdentifier: quoteIdentifier(column.name),
        targetType: redshiftColumnType(column),
        ...(column.type === "char" || column.type === "varchar" ? { maxBytes: column.length } : {}),
        nullable: column.nullable,
    }));
}
