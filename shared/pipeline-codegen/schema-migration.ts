import { createHash } from "crypto";
import { ColumnDefinition, ColumnEncoding, PipelineDefinition } from "./definition";
import { columnSql, qualifiedTableName, quoteIdentifier, redshiftColumnType } from "./redshift-ddl";

/**
 * Schema evolution of a pipeline's Redshift table, from the declaration alone: the applied declaration
 * against the current one. New nullable columns and longer VARCHARs are applied; everything else is
 * refused, naming pipeline, column and the manual step (docs/design.md, "Schema migration").
 */

/** What a pipeline's table is declared as: the part of a pipeline declaration that shapes the table. */
export interface TableDeclaration {
    readonly pipeline: string;
    readonly table: { readonly schema: string; readonly name: string };
    readonly columns: readonly ColumnDefinition[];
    readonly eventTimeField?: string;
}

export interface MigrationPlan {
    /** Statements to run, in order, each on its own (never in a transaction block). */
    readonly statements: readonly string[];
    /** Why the change cannot be applied automatically; empty when it can. */
    readonly refusals: readonly string[];
}

/** Encodings on which Redshift refuses ALTER COLUMN ... TYPE (an array: the provider that uses it is serialized, see redshift-ddl.ts). */
export const NO_ALTER_TYPE_ENCODINGS: readonly ColumnEncoding[] = ["bytedict", "runlength", "text255", "text32k"];

/** The table-shaping part of a pipeline declaration, with only the fields that shape it. */
export function tableDeclaration(def: PipelineDefinition): TableDeclaration {
    return normalise({
        pipeline: def.name,
        table: def.table,
        columns: def.columns,
        eventTimeField: def.eventTimeField,
    });
}

/** Only the fields that shape the table, in one order, with no undefined values (state and hashes stay stable). */
function normalise(declaration: TableDeclaration): TableDeclaration {
    const def = declaration;
    return {
        pipeline: def.pipeline,
        table: { schema: def.table.schema, name: def.table.name },
        columns: def.columns.map((column) => ({
            name: column.name,
            type: column.type,
            ...(column.length !== undefined ? { length: column.length } : {}),
            ...(column.precision !== undefined ? { precision: column.precision } : {}),
            ...(column.scale !== undefined ? { scale: column.scale } : {}),
            nullable: column.nullable,
            ...(column.encoding !== undefined ? { encoding: column.encoding } : {}),
        })),
        ...(def.eventTimeField !== undefined ? { eventTimeField: def.eventTimeField } : {}),
    };
}

/** A short, stable version of a declaration: equal declarations, equal versions; field order does not matter. */
export function schemaVersion(declaration: TableDeclaration): string {
    const canonical = (value: unknown): unknown =>
        Array.isArray(value)
            ? value.map(canonical)
            : value !== null && typeof value === "object"
              ? Object.fromEntries(
                    Object.keys(value)
                        .sort()
                        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
                )
              : value;
    return createHash("sha256")
        .update(JSON.stringify(canonical(normalise(declaration))))
        .digest("hex")
        .slice(0, 16);
}

/** `ALTER TABLE ... ADD COLUMN <column>`: the same column text as CREATE TABLE. */
export function addColumnSql(table: TableDeclaration, column: ColumnDefinition): string {
    return `ALTER TABLE ${qualifiedTableName(table)} ADD COLUMN ${columnSql(column)}`;
}

/** `ALTER TABLE ... ALTER COLUMN ... TYPE VARCHAR(n)`. */
export function widenColumnSql(table: TableDeclaration, column: ColumnDefinition): string {
    return `ALTER TABLE ${qualifiedTableName(table)} ALTER COLUMN ${quoteIdentifier(column.name)} TYPE ${redshiftColumnType(column).toUpperCase()}`;
}

function columnText(column: ColumnDefinition): string {
    return `${redshiftColumnType(column).toUpperCase()}${column.nullable ? "" : " NOT NULL"}${column.encoding !== undefined ? ` ENCODE ${column.encoding}` : ""}`;
}

/**
 * The statements that take the table from `applied` to `declared`, or the refusals. A refused change is
 * made by hand: the manual step each refusal names, then `pulumi state delete` of the table's record
 * (README, "Changing a table"), so the next deploy records the declaration as applied.
 */
export function planMigration(applied: TableDeclaration, declared: TableDeclaration): MigrationPlan {
    const where = `pipeline "${declared.pipeline}"`;
    const table = qualifiedTableName(declared);
    const refusals: string[] = [];
    const statements: string[] = [];
    const manual = (step: string) => `${step}, then remove the table's recorded version (README, "Changing a table")`;

    if (applied.table.schema !== declared.table.schema || applied.table.name !== declared.table.name) {
        refusals.push(
            `${where}: table ${qualifiedTableName(applied)} renamed to ${table}: not applied automatically; ${manual(`rename it by hand (ALTER TABLE ${qualifiedTableName(applied)} RENAME TO ...) or keep the old name`)}`,
        );
        return { statements, refusals };
    }
    if (applied.eventTimeField !== declared.eventTimeField) {
        refusals.push(
            `${where}: sort key changed from ${applied.eventTimeField ?? "none"} to ${declared.eventTimeField ?? "none"}: not applied automatically; ${manual(`ALTER TABLE ${table} ALTER SORTKEY (...) by hand`)}`,
        );
    }

    const declaredByName = new Map(declared.columns.map((column) => [column.name, column]));
    const appliedNames = applied.columns.map((column) => column.name);
    for (const old of applied.columns) {
        const column = declaredByName.get(old.name);
        const at = `${where}, column "${old.name}"`;
        if (column === undefined) {
            refusals.push(
                `${at}: removed (or renamed): dropping or renaming a column is not applied automatically; ${manual(`keep it in the declaration, or run ALTER TABLE ${table} DROP COLUMN ${quoteIdentifier(old.name)} (or RENAME COLUMN) by hand`)}`,
            );
            continue;
        }
        if (old.type === "varchar" && column.type === "varchar" && (column.length ?? 0) > (old.length ?? 0)) {
            if (old.encoding !== undefined && NO_ALTER_TYPE_ENCODINGS.includes(old.encoding)) {
                refusals.push(
                    `${at}: VARCHAR(${old.length}) -> VARCHAR(${column.length}) with ENCODE ${old.encoding}: Redshift cannot alter the type of a column with that encoding; ${manual(`add a new column, copy the values over and drop the old one by hand`)}`,
                );
            } else if (old.encoding !== column.encoding || old.nullable !== column.nullable) {
                refusals.push(
                    `${at}: widened together with another change (${columnText(old)} -> ${columnText(column)}): only the length may change in one step`,
                );
            } else {
                statements.push(widenColumnSql(declared, column));
            }
            continue;
        }
        if (columnText(old) !== columnText(column)) {
            const kind =
                old.type !== column.type
                    ? "a type change"
                    : (column.length ?? 0) < (old.length ?? 0)
                      ? "a shorter length"
                      : old.nullable && !column.nullable
                        ? "NOT NULL on an existing column"
                        : !old.nullable && column.nullable
                          ? "dropping NOT NULL"
                          : old.encoding !== column.encoding
                            ? "an encoding change"
                            : "a type change";
            refusals.push(
                `${at}: ${columnText(old)} -> ${columnText(column)} is ${kind}, not applied automatically; ${manual(`keep ${columnText(old)} in the declaration, or change the column by hand (add a new column, copy, drop the old one)`)}`,
            );
        }
    }

    // Existing columns keep their order; new ones are appended, as ADD COLUMN does.
    const kept = declared.columns.filter((column) => appliedNames.includes(column.name)).map((column) => column.name);
    const stillApplied = appliedNames.filter((name) => declaredByName.has(name));
    if (kept.join(",") !== stillApplied.join(",")) {
        refusals.push(
            `${where}: columns reordered (${stillApplied.join(", ")} -> ${kept.join(", ")}): Redshift cannot reorder columns; keep the existing order`,
        );
    }
    const firstNew = declared.columns.findIndex((column) => !appliedNames.includes(column.name));
    if (firstNew !== -1 && declared.columns.slice(firstNew).some((column) => appliedNames.includes(column.name))) {
        refusals.push(
            `${where}, column "${declared.columns[firstNew].name}": a new column must come after every existing one (ADD COLUMN appends it); move it to the end of columns`,
        );
    }
    for (const column of declared.columns.filter((c) => !appliedNames.includes(c.name))) {
        if (!column.nullable) {
            refusals.push(
                `${where}, column "${column.name}": a new column must be nullable (the rows already loaded have no value for it); declare it nullable: true`,
            );
        } else {
            statements.push(addColumnSql(declared, column));
        }
    }
    return { statements: refusals.length > 0 ? [] : statements, refusals };
}
