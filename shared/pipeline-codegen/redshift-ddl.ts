import { ColumnDefinition, PipelineDefinition } from "./definition";

/**
 * Redshift DDL for a pipeline's target table (types, lengths, NOT NULL, ENCODE), so the table the Glue job
 * loads is created from the same declaration as the API model that feeds it.
 */

/**
 * Amazon Redshift reserved words, as listed on the Redshift Database Developer Guide page "Reserved words"
 * (r_pg_keywords). As column or table names they must be double-quoted.
 */
export const REDSHIFT_RESERVED_WORDS: ReadonlySet<string> = new Set(
    `aes128 aes256 all allowoverwrite analyse analyze and any array as asc authorization az64 backup between binary
    blanksasnull both bytedict bzip2 case cast check collate column constraint create credentials cross current_date
    current_time current_timestamp current_user current_user_id default deferrable deflate defrag delta delta32k desc
    disable distinct do else emptyasnull enable encode encrypt encryption end except explicit false for foreign freeze
    from full globaldict256 globaldict64k grant group gzip having identity ignore ilike in initially inner intersect
    interval into is isnull join leading left like limit localtime localtimestamp lun luns lzo lzop minus mostly16
    mostly32 mostly8 natural new not notnull null nulls off offline offset oid old on only open or order outer overlaps
    parallel partition percent permissions pivot placing primary raw readratio recover references rejectlog resort
    respect restore right select session_user similar snapshot some sysdate system table tag tdes text255 text32k then
    timestamp to top trailing true truncatecolumns union unique unnest unpivot user using verbose wallet when where
    with without`.split(/\s+/),
);

/**
 * PostgreSQL's reserved keywords (`pg_get_keywords()` categories R and T) that Redshift does not reserve.
 * The offline tests run the same DDL in PostgreSQL (PGlite), and quoting a lowercase name never changes
 * what it refers to, so these are quoted too.
 */
export const POSTGRESQL_ONLY_RESERVED_WORDS: ReadonlySet<string> = new Set(
    `asymmetric collation concurrently current_catalog current_role current_schema fetch lateral returning symmetric
    system_user tablesample variadic window`.split(/\s+/),
);

/**
 * Not reserved in Redshift but words with a meaning in its grammar (LOCATION in CREATE EXTERNAL TABLE,
 * NETWORK), so they are quoted as well: `"location"`, `"network"`.
 */
export const GRAMMAR_QUOTED_WORDS: ReadonlySet<string> = new Set(["location", "network"]);

/**
 * Words of Redshift's table attributes that are not reserved (ENCODE and BACKUP are): a column with one of
 * these names is quoted so it can never be read as the clause, by Redshift or by
 * {@link stripRedshiftOnlyClauses}.
 */
export const REDSHIFT_CLAUSE_WORDS: ReadonlySet<string> = new Set([
    "sortkey",
    "distkey",
    "diststyle",
    "compound",
    "interleaved",
]);

const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * Every word {@link quoteIdentifier} quotes, space-separated with a space at each end: the deploy-time
 * table provider (shared/redshift-data-provider.ts) is serialized into the Pulumi state, and Pulumi's
 * function serialization carries a string but not a Set.
 */
const QUOTED_WORDS = ` ${[REDSHIFT_RESERVED_WORDS, POSTGRESQL_ONLY_RESERVED_WORDS, GRAMMAR_QUOTED_WORDS, REDSHIFT_CLAUSE_WORDS].flatMap((words) => [...words]).join(" ")} `;

/**
 * A name as it must appear in SQL: bare when it is a plain lowercase identifier and no keyword, otherwise
 * double-quoted with embedded quotes doubled. Quoting never changes a lowercase name's meaning, so erring
 * towards quoting is safe; a name with capitals is quoted so Redshift does not fold it.
 */
export function quoteIdentifier(name: string): string {
    const needsQuotes = !PLAIN_IDENTIFIER.test(name) || QUOTED_WORDS.includes(` ${name} `);
    return needsQuotes ? `"${name.replace(/"/g, '""')}"` : name;
}

/** `schema.table`, each part quoted as needed. */
export function qualifiedTableName(def: Pick<PipelineDefinition, "table">): string {
    return `${quoteIdentifier(def.table.schema)}.${quoteIdentifier(def.table.name)}`;
}

/**
 * The column's SQL type in lowercase, e.g. `varchar(3128)`, `char(36)`, `timestamp without time zone`,
 * `decimal(12,2)`: valid in Redshift and PostgreSQL alike. CHAR/VARCHAR lengths are bytes in Redshift.
 */
export function redshiftColumnType(column: ColumnDefinition): string {
    switch (column.type) {
        case "char":
        case "varchar":
            return `${column.type}(${column.length})`;
        case "timestamp":
            return "timestamp without time zone";
        case "double":
            return "double precision";
        case "decimal":
            // Redshift's default for a bare DECIMAL is (18,0); spelled out so the DDL says what it means.
            return `decimal(${column.precision ?? 18},${column.scale ?? 0})`;
        case "date":
        case "boolean":
        case "smallint":
        case "integer":
        case "bigint":
        case "real":
            return column.type;
    }
}

/** `CREATE SCHEMA IF NOT EXISTS tracking`: no AUTHORIZATION, the schema belongs to whoever runs the DDL. */
export function createSchemaSql(schema: string): string {
    return `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`;
}

/** One column as CREATE TABLE and ADD COLUMN spell it: name, type, NOT NULL, ENCODE. */
export function columnSql(column: ColumnDefinition): string {
    const parts = [quoteIdentifier(column.name), redshiftColumnType(column).toUpperCase()];
    if (!column.nullable) {
        parts.push("NOT NULL");
    }
    if (column.encoding !== undefined) {
        parts.push(`ENCODE ${column.encoding}`);
    }
    return parts.join(" ");
}

/**
 * `CREATE TABLE IF NOT EXISTS <schema>.<table> (...)`, one column per line in declaration order, without a
 * trailing semicolon (callers join statements as their runner needs).
 *
 * A pipeline with an event time gets `SORTKEY (<eventTimeField>)`: analysis filters and groups events by
 * time, and with the table sorted on it Redshift's zone maps skip every block outside the queried range;
 * loads arrive roughly in event-time order, so new rows mostly extend the sorted region rather than
 * leaving an unsorted one for VACUUM. (IF NOT EXISTS leaves a table created earlier, and its sort key, as is.)
 */
export function createTableSql(def: Pick<PipelineDefinition, "table" | "columns" | "eventTimeField">): string {
    const columns = def.columns.map((column) => `    ${columnSql(column)}`).join(",\n");
    const sortKey = def.eventTimeField !== undefined ? `\nSORTKEY (${quoteIdentifier(def.eventTimeField)})` : "";
    return `CREATE TABLE IF NOT EXISTS ${qualifiedTableName(def)}\n(\n${columns}\n)${sortKey}`;
}

type Token = { kind: "space" | "comment" | "quoted" | "string" | "word" | "symbol"; text: string };

const TOKEN_PATTERNS: ReadonlyArray<[Token["kind"], RegExp]> = [
    ["space", /^\s+/],
    ["comment", /^--[^\n]*/],
    ["comment", /^\/\*[\s\S]*?\*\//],
    ["quoted", /^"(?:[^"]|"")*"/],
    ["string", /^'(?:[^']|'')*'/],
    ["word", /^[A-Za-z_][A-Za-z0-9_$]*/],
    ["symbol", /^[\s\S]/],
];

function tokenize(sql: string): Token[] {
    const tokens: Token[] = [];
    let rest = sql;
    while (rest.length > 0) {
        for (const [kind, pattern] of TOKEN_PATTERNS) {
            const match = pattern.exec(rest);
            if (match !== null) {
                tokens.push({ kind, text: match[0] });
                rest = rest.slice(match[0].length);
                break;
            }
        }
    }
    return tokens;
}

/**
 * Removes the Redshift-only storage clauses - `ENCODE <encoding>`, `DISTSTYLE <style>`, `DISTKEY [(...)]`,
 * `[COMPOUND | INTERLEAVED] SORTKEY [(...) | AUTO]`, `BACKUP YES|NO` - so the statement runs in PostgreSQL
 * (PGlite) and parses with node-sql-parser. Works on tokens, so quoted identifiers, string literals and
 * comments that contain those words are left alone.
 */
export function stripRedshiftOnlyClauses(sql: string): string {
    const tokens = tokenize(sql);
    const output: Token[] = [];
    const isInsignificant = (token: Token | undefined) =>
        token !== undefined && (token.kind === "space" || token.kind === "comment");
    const nextSignificant = (from: number): number => {
        let index = from;
        while (isInsignificant(tokens[index])) {
            index++;
        }
        return index;
    };
    const upperWord = (index: number): string | undefined =>
        tokens[index]?.kind === "word" ? tokens[index].text.toUpperCase() : undefined;
    /** Index just past the parenthesised list starting at `open`. */
    const pastParentheses = (open: number): number => {
        let depth = 0;
        for (let index = open; index < tokens.length; index++) {
            if (tokens[index].text === "(") {
                depth++;
            } else if (tokens[index].text === ")" && --depth === 0) {
                return index + 1;
            }
        }
        return tokens.length;
    };
    const dropTrailingSpace = () => {
        while (output.length > 0 && output[output.length - 1].kind === "space") {
            output.pop();
        }
    };

    /** The last significant token already emitted: `(` or `,` before a word makes that word a column name. */
    const previousSignificant = (): Token | undefined => {
        for (let i = output.length - 1; i >= 0; i--) {
            if (!isInsignificant(output[i])) {
                return output[i];
            }
        }
        return undefined;
    };

    let index = 0;
    while (index < tokens.length) {
        const before = previousSignificant();
        const startsColumn =
            before !== undefined && before.kind === "symbol" && (before.text === "(" || before.text === ",");
        const word = startsColumn ? undefined : upperWord(index);
        const next = nextSignificant(index + 1);
        let resumeAt: number | undefined;

        if (word === "ENCODE" || word === "DISTSTYLE") {
            resumeAt = upperWord(next) !== undefined ? next + 1 : index + 1;
        } else if (word === "BACKUP" && (upperWord(next) === "YES" || upperWord(next) === "NO")) {
            resumeAt = next + 1;
        } else if ((word === "COMPOUND" || word === "INTERLEAVED") && upperWord(next) === "SORTKEY") {
            // Dropped together with the SORTKEY that follows.
            resumeAt = next;
        } else if (word === "DISTKEY" || word === "SORTKEY") {
            if (tokens[next]?.text === "(") {
                resumeAt = pastParentheses(next);
            } else if (word === "SORTKEY" && upperWord(next) === "AUTO") {
                resumeAt = next + 1;
            } else {
                resumeAt = index + 1;
            }
        }

        if (resumeAt === undefined) {
            output.push(tokens[index]);
            index++;
        } else {
            dropTrailingSpace();
            index = resumeAt;
        }
    }
    return output.map((token) => token.text).join("");
}
