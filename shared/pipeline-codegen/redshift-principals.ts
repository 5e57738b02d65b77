import { createHash } from "crypto";
import { PipelineDefinition } from "./definition";
import { qualifiedTableName, quoteIdentifier } from "./redshift-ddl";

/**
 * The database principals of a pipeline as SQL, run by the admin at deploy through the table provider:
 * the loader (the Glue job's IAM-authenticated user, its own table only) and the stack's read-only
 * reader for the JDBC crawlers, both PASSWORD DISABLE. What each may do and why: docs/design.md,
 * "Database principals".
 */

export interface PipelinePrincipals {
    /** `IAMR:<job role name>`. */
    readonly loader: string;
    /** The crawler's read-only user. */
    readonly reader: string;
}

/** The database user Redshift maps an IAM role to when it signs in with IAM credentials. */
export function iamRoleDatabaseUser(roleName: string): string {
    return `IAMR:${roleName}`;
}

/**
 * The read-only user of a stack's pipeline tables (`tracking-dev` -> `tracking_dev_reader`): one per stack,
 * since the crawlers share one connection, and named after the stack so two stacks in one database never
 * set each other's password.
 */
export function readerUser(namePrefix: string): string {
    return `${namePrefix.replace(/-/g, "_")}_reader`;
}

/**
 * A password as Redshift stores it, given pre-hashed: `md5` followed by the MD5 of the password and the
 * user name ("CREATE USER": PASSWORD 'md5hash'). The statement that sets it then carries no password.
 */
export function md5PasswordHash(user: string, password: string): string {
    return `md5${createHash("md5").update(`${password}${user}`, "utf8").digest("hex")}`;
}

/** Sets a user's password from its hash ({@link md5PasswordHash}). */
export function setPasswordStatement(user: string, hash: string): string {
    if (!/^md5[0-9a-f]{32}$/.test(hash)) throw new Error(`setPasswordStatement: not an MD5 password hash for ${user}`);
    return `ALTER USER ${quoteIdentifier(user)} PASSWORD '${hash}'`;
}

/** Takes a user's password away: it can no longer sign in with one. */
export function disablePasswordStatement(user: string): string {
    return `ALTER USER ${quoteIdentifier(user)} PASSWORD DISABLE`;
}

/** `CREATE USER`s: each fails with "already exists" on a rerun, which the provider tolerates. */
export function createPrincipalStatements(principals: PipelinePrincipals): string[] {
    return [
        `CREATE USER ${quoteIdentifier(principals.loader)} PASSWORD DISABLE`,
        `CREATE USER ${quoteIdentifier(principals.reader)} PASSWORD DISABLE`,
    ];
}

/** The staging table the Glue job's connector writes (data-platform/glue/load_to_redshift.py, `STAGING_SUFFIX`). */
export function stagingTableName(def: PipelineDefinition): string {
    return `${quoteIdentifier(def.table.schema)}.${quoteIdentifier(`${def.table.name}_staging`)}`;
}

/** The grants, idempotent (GRANT of a privilege held is a no-op), run after every create and change. */
export function grantStatements(def: PipelineDefinition, principals: PipelinePrincipals): string[] {
    const schema = quoteIdentifier(def.table.schema);
    const table = qualifiedTableName(def);
    const loader = quoteIdentifier(principals.loader);
    const reader = quoteIdentifier(principals.reader);
    return [
        `GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${loader}`,
        `GRANT SELECT, INSERT, DELETE ON ${table} TO ${loader}`,
        // A staging table left by another user (the admin, before the loader existed) would stop the
        // loader's DROP/CREATE; it holds nothing between runs (each merge empties it).
        `DROP TABLE IF EXISTS ${stagingTableName(def)}`,
        `GRANT USAGE ON SCHEMA ${schema} TO ${reader}`,
        `GRANT SELECT ON ${table} TO ${reader}`,
    ];
}
