import { PipelineDefinition } from "./definition";
import { qualifiedTableName, quoteIdentifier } from "./redshift-ddl";

/**
 * The database principals of a pipeline, as SQL generated from its declaration and run by the admin at
 * deploy (through the table provider, shared/redshift-data-provider.ts):
 *   - the loader: the Glue job's own database user, `IAMR:<job role name>`, the name Redshift gives an IAM
 *     role that signs in with temporary credentials (`redshift-serverless:GetCredentials`,
 *     `redshift:GetClusterCredentialsWithIAM`; "Using IAM authentication to generate database user
 *     credentials"). Created with PASSWORD DISABLE: it has no password anywhere. It may use the schema,
 *     create in it (the Glue connector creates its staging table, `<table>_staging`, which the loader then
 *     owns and recreates each run), and SELECT, INSERT and DELETE on its own table: what the staging
 *     merge needs, nothing else (no UPDATE, no DDL on the table, no other pipeline's table);
 *   - the reader: the JDBC crawler's read-only user (`<schema>_reader`): USAGE on the schema and SELECT on
 *     the table, nothing else.
 * Every statement is idempotent or tolerated when it finds its object already there (`CREATE USER`).
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

/** The read-only user of a schema's tables (one per schema: the JDBC crawlers only read). */
export function readerUser(schema: string): string {
    return `${schema}_reader`;
}

/** `CREATE USER`s: each fails with "already exists" on a rerun, which the provider tolerates. */
export function createPrincipalStatements(principals: PipelinePrincipals): string[] {
    return [`CREATE USER ${quoteIdentifier(principals.loader)} PASSWORD DISABLE`, `CREATE USER ${quoteIdentifier(principals.reader)} PASSWORD DISABLE`];
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
