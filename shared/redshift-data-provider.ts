import * as pulumi from "@pulumi/pulumi";
import { createSchemaSql, createTableSql } from "./pipeline-codegen/redshift-ddl";
import { planMigration, TableDeclaration } from "./pipeline-codegen/schema-migration";

/**
 * A Pulumi dynamic provider that keeps a pipeline's Redshift table in step with its declaration through
 * the Redshift Data API, and records the declaration it applied in the Pulumi state (a refresh runs no SQL).
 * Why not `aws.redshiftdata.Statement`, and what each operation does: docs/design.md, "The Redshift table provider".
 */

/** Where the SQL runs and as whom: the Data API's connection parameters. */
export interface DataApiTarget {
    readonly region: string;
    readonly database: string;
    readonly workgroupName?: string;
    readonly clusterIdentifier?: string;
    /** The admin's secret (Redshift-managed or configured): the Data API reads it, the deploy never does. */
    readonly secretArn: string;
    /**
     * The KMS key of that secret, when it is not `aws/secretsmanager`: Secrets Manager decrypts with it as
     * the deployer ("Secret encryption and decryption in AWS Secrets Manager"). Recorded, never sent.
     */
    readonly secretKmsKeyArn?: string;
}

/** The two Data API calls the provider makes (the subset of @aws-sdk/client-redshift-data it uses). */
export interface DataApi {
    executeStatement(input: {
        Sql: string;
        Database: string;
        WorkgroupName?: string;
        ClusterIdentifier?: string;
        SecretArn?: string;
        StatementName?: string;
    }): Promise<{ Id?: string }>;
    describeStatement(input: { Id: string }): Promise<{ Status?: string; Error?: string }>;
}

/** The two Glue calls the provider makes to run the JDBC crawler (the subset of @aws-sdk/client-glue it uses). */
export interface CrawlerApi {
    startCrawler(input: { Name: string }): Promise<unknown>;
    getCrawler(input: { Name: string }): Promise<{ Crawler?: { State?: string } }>;
}

export interface RedshiftTableInputs {
    readonly target: DataApiTarget;
    /** The Glue JDBC crawler that catalogs this table: started after a migration ran ("StartCrawler", AWS Glue API). */
    readonly crawlerName?: string;
    readonly declaration: TableDeclaration;
    /** {@link schemaVersion} of `declaration`. */
    readonly version: string;
    /**
     * Statements that create database principals, run after the table exists on every create and update;
     * one that fails because its object "already exists" counts as done (Redshift has no CREATE USER IF
     * NOT EXISTS).
     */
    readonly principalStatements: readonly string[];
    /** Statements run after the principals, on every create and update (idempotent: grants). */
    readonly afterStatements: readonly string[];
}

export interface RedshiftTableOutputs extends RedshiftTableInputs {
    /** The version whose SQL last ran to completion. */
    readonly appliedVersion: string;
    /** What became of the crawler run after the last migration: `started <name> for <version>`, or why not. */
    readonly crawlerRun?: string;
}

export interface RunOptions {
    /** Between DescribeStatement polls. */
    readonly pollMilliseconds: number;
    /** A statement still running after this fails the deploy. */
    readonly timeoutMilliseconds: number;
}

const DEFAULT_RUN: RunOptions = { pollMilliseconds: 1000, timeoutMilliseconds: 15 * 60 * 1000 };

/** The Data API client the deploy uses; required here so only a deploy loads the SDK. */
export function sdkDataApi(region: string): DataApi {
    const sdk = require("@aws-sdk/client-redshift-data") as typeof import("@aws-sdk/client-redshift-data");
    const client = new sdk.RedshiftDataClient({ region });
    return {
        executeStatement: (input) => client.send(new sdk.ExecuteStatementCommand(input)),
        describeStatement: (input) => client.send(new sdk.DescribeStatementCommand(input)),
    };
}

/** The Glue client the deploy uses to start the JDBC crawler; required here so only a deploy loads the SDK. */
export function sdkCrawlerApi(region: string): CrawlerApi {
    const sdk = require("@aws-sdk/client-glue") as typeof import("@aws-sdk/client-glue");
    const client = new sdk.GlueClient({ region });
    return {
        startCrawler: (input) => client.send(new sdk.StartCrawlerCommand(input)),
        getCrawler: (input) => client.send(new sdk.GetCrawlerCommand(input)),
    };
}

/**
 * Starts the crawler once no run of it is going: StartCrawler answers CrawlerRunningException while a crawl
 * runs ("StartCrawler", AWS Glue API), and that crawl may have read the table before the change, so it waits
 * (GetCrawler until the state is READY) and starts again. Returns what happened; throws nothing.
 */
export async function startCrawlerAfterChange(
    api: CrawlerApi,
    name: string,
    version: string,
    options: RunOptions = DEFAULT_RUN,
): Promise<string> {
    const deadline = Date.now() + options.timeoutMilliseconds;
    try {
        for (;;) {
            try {
                await api.startCrawler({ Name: name });
                return `started ${name} for ${version}`;
            } catch (error) {
                if ((error as { name?: string }).name !== "CrawlerRunningException") throw error;
            }
            for (;;) {
                if (Date.now() > deadline)
                    return `not started: ${name} was still crawling after ${options.timeoutMilliseconds / 1000} s; start it by hand`;
                await new Promise((resolve) => setTimeout(resolve, options.pollMilliseconds));
                const state = (await api.getCrawler({ Name: name })).Crawler?.State;
                if (state === "READY") break;
            }
        }
    } catch (error) {
        return `not started: ${(error as { name?: string }).name ?? "Error"}: ${(error as Error).message}; start ${name} by hand`;
    }
}

/** The first line of a statement, for messages. */
function headline(sql: string): string {
    const line = sql.split("\n")[0];
    return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

/**
 * Runs one statement and waits for its outcome (ExecuteStatement is asynchronous). Each statement runs on
 * its own, so ALTER COLUMN ... TYPE is never inside a transaction block.
 */
export async function runStatement(
    api: DataApi,
    target: DataApiTarget,
    sql: string,
    options: RunOptions = DEFAULT_RUN,
    alreadyDone?: RegExp,
): Promise<void> {
    const started = await api.executeStatement({
        Sql: sql,
        Database: target.database,
        ...(target.workgroupName !== undefined
            ? { WorkgroupName: target.workgroupName }
            : { ClusterIdentifier: target.clusterIdentifier }),
        SecretArn: target.secretArn,
        StatementName: "tracking-ddl",
    });
    const id = started.Id;
    if (id === undefined) throw new Error(`Redshift Data API returned no statement id for: ${headline(sql)}`);
    const deadline = Date.now() + options.timeoutMilliseconds;
    for (;;) {
        let status: { Status?: string; Error?: string };
        try {
            status = await api.describeStatement({ Id: id });
        } catch (error) {
            const name = (error as { name?: string }).name ?? "";
            if (name === "ResourceNotFoundException")
                throw new Error(
                    `Redshift Data API does not know statement ${id} (${headline(sql)}): ${(error as Error).message}`,
                    { cause: error },
                );
            throw error;
        }
        if (status.Status === "FINISHED") return;
        if (status.Status === "FAILED" && alreadyDone !== undefined && alreadyDone.test(status.Error ?? "")) return;
        if (status.Status === "FAILED" || status.Status === "ABORTED") {
            throw new Error(
                `Redshift ${status.Status === "FAILED" ? "refused" : "aborted"} statement ${id} (${headline(sql)}): ${status.Error ?? "no error text"}`,
            );
        }
        if (Date.now() > deadline)
            throw new Error(
                `Redshift statement ${id} (${headline(sql)}) still ${status.Status ?? "unknown"} after ${options.timeoutMilliseconds / 1000} s`,
            );
        await new Promise((resolve) => setTimeout(resolve, options.pollMilliseconds));
    }
}

/** The statements of a first deploy: schema and table if missing (the principals and grants follow). */
export function createStatements(inputs: RedshiftTableInputs): string[] {
    return [createSchemaSql(inputs.declaration.table.schema), createTableSql(inputs.declaration)];
}

/** An error that means a principal statement found its object there already. */
const ALREADY_EXISTS = /already exists/i;

function sameTarget(a: DataApiTarget, b: DataApiTarget): boolean {
    return (
        a.database === b.database &&
        a.workgroupName === b.workgroupName &&
        a.clusterIdentifier === b.clusterIdentifier &&
        a.region === b.region
    );
}

function tableId(declaration: TableDeclaration): string {
    return `${declaration.table.schema}.${declaration.table.name}`;
}

/** The provider, over any Data API (tests pass a fake; a deploy, the SDK's). */
export function redshiftTableProvider(
    dataApi: (region: string) => DataApi,
    options: RunOptions = DEFAULT_RUN,
    crawlerApi: (region: string) => CrawlerApi = sdkCrawlerApi,
): pulumi.dynamic.ResourceProvider<RedshiftTableInputs, RedshiftTableOutputs> {
    /** `statements`, then the principals and grants of `inputs`, each on its own and in order. */
    const runAll = async (inputs: RedshiftTableInputs, statements: readonly string[]) => {
        const api = dataApi(inputs.target.region);
        for (const sql of statements) await runStatement(api, inputs.target, sql, options);
        for (const sql of inputs.principalStatements ?? [])
            await runStatement(api, inputs.target, sql, options, ALREADY_EXISTS);
        for (const sql of inputs.afterStatements) await runStatement(api, inputs.target, sql, options);
    };
    const same = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
        JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
    const migration = (olds: RedshiftTableInputs, news: RedshiftTableInputs) =>
        planMigration(olds.declaration, news.declaration);
    return {
        async check(olds, news) {
            if (olds?.declaration === undefined || olds.target === undefined || !sameTarget(olds.target, news.target))
                return { inputs: news };
            const { refusals } = migration(olds, news);
            return refusals.length > 0
                ? { inputs: news, failures: refusals.map((reason) => ({ property: "declaration", reason })) }
                : { inputs: news };
        },
        async diff(_id, olds, news) {
            if (!sameTarget(olds.target, news.target) || tableId(olds.declaration) !== tableId(news.declaration)) {
                // Another database or table: create it there; the old one keeps its rows (delete touches nothing).
                return { changes: true, replaces: ["target"], deleteBeforeReplace: false };
            }
            const { statements, refusals } = migration(olds, news);
            if (refusals.length > 0) throw new Error(refusals.join("\n"));
            // A recorded version that never applied (or another version), SQL to run, or other grants.
            const changed =
                olds.appliedVersion !== news.version ||
                statements.length > 0 ||
                !same(olds.afterStatements, news.afterStatements) ||
                !same(olds.principalStatements, news.principalStatements);
            return { changes: changed };
        },
        async create(inputs) {
            await runAll(inputs, createStatements(inputs));
            return { id: tableId(inputs.declaration), outs: { ...inputs, appliedVersion: inputs.version } };
        },
        async read(id, props) {
            // Refresh: the recorded state is the truth; no Data API call, no SQL.
            return { id, props };
        },
        async update(_id, olds, news) {
            const { statements, refusals } = migration(olds, news);
            if (refusals.length > 0) throw new Error(refusals.join("\n"));
            await runAll(news, statements);
            // The columns changed (migration SQL ran): the catalog's copy of the table is stale until a crawl.
            const crawlerRun =
                statements.length > 0 && news.crawlerName
                    ? await startCrawlerAfterChange(
                          crawlerApi(news.target.region),
                          news.crawlerName,
                          news.version,
                          options,
                      )
                    : olds.crawlerRun;
            return {
                outs: { ...news, appliedVersion: news.version, ...(crawlerRun !== undefined ? { crawlerRun } : {}) },
            };
        },
        async delete() {
            // The table holds the loaded events: never dropped by a deploy.
        },
    };
}

/**
 * A pipeline's stream view (shared/pipeline-codegen/redshift-stream.ts), kept in step with its declaration the same
 * way: `read` returns the recorded state and runs no SQL, so a refresh changes nothing.
 */
export interface RedshiftStreamViewInputs {
    readonly target: DataApiTarget;
    /** The view, `schema.table_stream`: the resource's id. */
    readonly view: string;
    /** Statements that remove the view and its external schema if they exist (idempotent). */
    readonly dropStatements: readonly string[];
    /** Statements that create the external schema and the view. */
    readonly createStatements: readonly string[];
    /** Statements run after every create and update (idempotent: grants). */
    readonly afterStatements: readonly string[];
    /** Fingerprint of `createStatements`: another one means drop and create. */
    readonly version: string;
}

export interface RedshiftStreamViewOutputs extends RedshiftStreamViewInputs {
    /** The version whose statements last ran to completion. */
    readonly appliedVersion: string;
}

/**
 * The provider of the stream views. A materialized view over a stream cannot be altered into another
 * definition (ALTER MATERIALIZED VIEW changes only its refresh and row-level settings), so any change is a
 * drop and create: the new view starts again from the oldest record the stream still holds (its first
 * refresh reads from TRIM_HORIZON, "Streaming ingestion to a materialized view"). Its rows are a copy of
 * the stream's; the batch table is untouched. Deleting the resource drops the view and its schema.
 */
export function redshiftStreamViewProvider(
    dataApi: (region: string) => DataApi,
    options: RunOptions = DEFAULT_RUN,
): pulumi.dynamic.ResourceProvider<RedshiftStreamViewInputs, RedshiftStreamViewOutputs> {
    const run = async (inputs: RedshiftStreamViewInputs, statements: readonly string[]) => {
        const api = dataApi(inputs.target.region);
        for (const sql of statements) await runStatement(api, inputs.target, sql, options);
    };
    const same = (a: readonly string[] | undefined, b: readonly string[] | undefined) =>
        JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
    const recreate = async (inputs: RedshiftStreamViewInputs): Promise<RedshiftStreamViewOutputs> => {
        await run(inputs, [...inputs.dropStatements, ...inputs.createStatements, ...inputs.afterStatements]);
        return { ...inputs, appliedVersion: inputs.version };
    };
    return {
        async diff(_id, olds, news) {
            if (!sameTarget(olds.target, news.target) || olds.view !== news.view) {
                // Another database or view: create it there; delete then drops the old one.
                return { changes: true, replaces: ["target"], deleteBeforeReplace: false };
            }
            return {
                changes: olds.appliedVersion !== news.version || !same(olds.afterStatements, news.afterStatements),
            };
        },
        async create(inputs) {
            return { id: inputs.view, outs: await recreate(inputs) };
        },
        async read(id, props) {
            // Refresh: the recorded state is the truth; no Data API call, no SQL.
            return { id, props };
        },
        async update(_id, olds, news) {
            if (olds.appliedVersion === news.version) {
                await run(news, news.afterStatements);
                return { outs: { ...news, appliedVersion: news.version } };
            }
            return { outs: await recreate(news) };
        },
        async delete(_id, props) {
            await run(props, props.dropStatements);
        },
    };
}
