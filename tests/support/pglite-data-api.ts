import { PGlite } from "@electric-sql/pglite";
import { randomUUID } from "crypto";
import { stripRedshiftOnlyClauses } from "../../shared/pipeline-codegen/redshift-ddl";
import { DataApi } from "../../shared/redshift-data-provider";

/**
 * Redshift SQL as PostgreSQL runs it: the storage clauses stripped, and `PASSWORD DISABLE` (Redshift's
 * user without a password) dropped: a PostgreSQL user created without a password has none either, and
 * PostgreSQL takes a password away with `PASSWORD NULL`.
 */
export function toPostgres(sql: string): string {
    return stripRedshiftOnlyClauses(sql)
        .replace(/^(CREATE USER \S+) PASSWORD DISABLE$/, "$1")
        .replace(/^(ALTER USER \S+) PASSWORD DISABLE$/, "$1 PASSWORD NULL");
}

/**
 * The Redshift Data API over a real PostgreSQL engine (PGlite): ExecuteStatement starts the SQL (with the
 * Redshift-only clauses turned into PostgreSQL's, {@link toPostgres}) and returns an id; DescribeStatement reports FINISHED or FAILED
 * with the engine's own error text, and an id it never issued is a ResourceNotFoundException, as the Data
 * API answers once a statement's result has expired.
 */
export class PgliteDataApi implements DataApi {
    /** Every statement executed, in order, as sent. */
    readonly executed: string[] = [];
    /** Every call, for tests that prove a path calls nothing. */
    calls = 0;
    private readonly outcomes = new Map<string, Promise<{ Status: string; Error?: string }>>();
    /** Ids that DescribeStatement no longer knows (the result expired). */
    readonly forgotten = new Set<string>();
    /** When set, every id issued from now on is unknown to DescribeStatement at once. */
    forgetIssued = false;

    constructor(readonly db: PGlite) {}

    async executeStatement(input: { Sql: string; Database: string }): Promise<{ Id?: string }> {
        this.calls++;
        const id = randomUUID();
        this.executed.push(input.Sql);
        if (this.forgetIssued) this.forgotten.add(id);
        this.outcomes.set(
            id,
            this.db.exec(toPostgres(input.Sql)).then(
                () => ({ Status: "FINISHED" }),
                (error: Error) => ({ Status: "FAILED", Error: `ERROR: ${error.message}` }),
            ),
        );
        return { Id: id };
    }

    async describeStatement(input: { Id: string }): Promise<{ Status?: string; Error?: string }> {
        this.calls++;
        const outcome = this.outcomes.get(input.Id);
        if (outcome === undefined || this.forgotten.has(input.Id)) {
            throw Object.assign(new Error(`Query does not exist.`), { name: "ResourceNotFoundException" });
        }
        return outcome;
    }
}
