import { ColumnDefinition, PipelineDefinition } from "./definition";
import { redshiftColumnType } from "./redshift-ddl";

/**
 * Glue Data Catalog (Hive) columns for a pipeline's landed JSON: what the events look like in S3, as
 * opposed to the Redshift table they load into.
 */

/** One Glue table column (`aws.glue.CatalogTable` storageDescriptor.columns). */
export interface GlueColumn {
    readonly name: string;
    /** Hive type name: string, timestamp, date, boolean, smallint, int, bigint, float, double, decimal(p,s). */
    readonly type: string;
    /** The Redshift column it loads into, for whoever reads the catalog; at most 255 characters (Glue's limit). */
    readonly comment?: string;
}

/**
 * The Hive type of a landed field. CHAR/VARCHAR become `string`: Hive's char/varchar count characters and
 * would cut or pad values, whereas the landed data must stay exactly as sent (the Glue job enforces the
 * Redshift byte limit at load). Redshift REAL is a 4-byte float, Hive `float`.
 */
export function hiveType(column: ColumnDefinition): string {
    switch (column.type) {
        case "char":
        case "varchar":
            return "string";
        case "integer":
            return "int";
        case "real":
            return "float";
        case "decimal":
            return `decimal(${column.precision ?? 18},${column.scale ?? 0})`;
        case "timestamp":
        case "date":
        case "boolean":
        case "smallint":
        case "bigint":
        case "double":
            return column.type;
    }
}

/** The pipeline's columns as Glue catalog columns, in declaration order. */
export function glueColumns(def: PipelineDefinition): GlueColumn[] {
    return def.columns.map((column) => ({
        name: column.name,
        type: hiveType(column),
        comment:
            `Redshift ${def.table.schema}.${def.table.name}.${column.name} ${redshiftColumnType(column)}${column.nullable ? "" : " not null"}`.slice(
                0,
                255,
            ),
    }));
}
