import { PGlite } from "@electric-sql/pglite";
import { expect } from "chai";
import { PipelineDefinition } from "../../shared/pipeline-codegen/definition";
import {
    createPrincipalStatements,
    grantStatements,
    iamRoleDatabaseUser,
    PipelinePrincipals,
    readerUser,
    stagingTableName,
} from "../../shared/pipeline-codegen/redshift-principals";
import { qualifiedTableName, quoteIdentifier } from "../../shared/pipeline-codegen/redshift-ddl";
import { schemaVersion, tableDeclaration } from "../../shared/pipeline-codegen/schema-migration";
import { redshiftTableProvider, RedshiftTableInputs } from "../../shared/redshift-data-provider";
import { PgliteDataApi } from "../support/pglite-data-api";

/** Two pipelines of their own in one schema, so the tests stay true whatever the repository declares. */
const column = (name: string, nullable: boolean) => ({ name, type: "varchar" as const, length: 64, nullable });
const VIEWS: PipelineDefinition = {
    name: "page-views",
    table: { schema: "grants", name: "page_views" },
    columns: [column("request_id", false), column("url", true)],
    partitionKeyField: "request_id",
    mergeKey: "request_id",
};
const CLICKS: PipelineDefinition = {
    name: "clicks",
    table: { schema: "grants", name: "clicks" },
    columns: [column("request_id", false), column("target", true)],
    partitionKeyField: "request_id",
    mergeKey: "request_id",
};
const principalsOf = (def: PipelineDefinition): PipelinePrincipals => ({
    loader: iamRoleDatabaseUser(`tracking-dev-${def.name}-glue-job`),
    reader: readerUser("tracking-dev"),
});

function inputs(def: PipelineDefinition): RedshiftTableInputs {
    const declaration = tableDeclaration(def);
    return {
        target: {
            region: "eu-central-1",
            database: "dev",
            workgroupName: "analytics",
            secretArn: "arn:aws:secretsmanager:eu-central-1:222222222222:secret:admin-AbCdEf",
        },
        declaration,
        version: schemaVersion(declaration),
        principalStatements: createPrincipalStatements(principalsOf(def)),
        afterStatements: grantStatements(def, principalsOf(def)),
    };
}

describe("Redshift principals: generated from the declarations, run by the table provider, enforced by PostgreSQL (PGlite)", function () {
    this.timeout(120000);
    let db: PGlite;
    let api: PgliteDataApi;

    before(async () => {
        db = await PGlite.create();
        api = new PgliteDataApi(db);
        const provider = redshiftTableProvider(() => api, { pollMilliseconds: 1, timeoutMilliseconds: 5000 });
        // Both tables, as two deploys would create them; the reader of the shared schema is created once
        // and found "already exists" the second time, which the provider counts as done.
        for (const def of [VIEWS, CLICKS]) await provider.create(inputs(def));
        // A rerun (an update with the same declaration) applies the same statements again without error.
        await provider.update!(
            "grants.page_views",
            { ...inputs(VIEWS), appliedVersion: inputs(VIEWS).version },
            inputs(VIEWS),
        );
        await db.exec(
            `INSERT INTO ${qualifiedTableName(VIEWS)} VALUES ('r1', 'https://example.com/old'), ('r2', 'https://example.com/2')`,
        );
        await db.exec(`INSERT INTO ${qualifiedTableName(CLICKS)} VALUES ('c1', 'buy')`);
    });
    after(async () => db.close());

    /** Runs `sql` as `user` (SET ROLE), resetting afterwards; the error text when the engine refuses. */
    async function as(user: string, sql: string): Promise<string | undefined> {
        await db.exec(`SET ROLE ${quoteIdentifier(user)}`);
        try {
            await db.exec(sql);
            return undefined;
        } catch (error) {
            return (error as Error).message;
        } finally {
            await db.exec("RESET ROLE");
        }
    }

    it("creates the loader as the job role's IAM database user, without a password", () => {
        expect(api.executed).to.include(`CREATE USER "IAMR:tracking-dev-page-views-glue-job" PASSWORD DISABLE`);
    });

    it("the loader runs the job's staging merge on its own table", async () => {
        const loader = principalsOf(VIEWS).loader;
        const target = qualifiedTableName(VIEWS);
        const staging = stagingTableName(VIEWS);
        // The connector's preactions, COPY (an INSERT here) and postactions (data-platform/glue/load_to_redshift.py build_sql).
        const merge = [
            `DROP TABLE IF EXISTS ${staging}`,
            `CREATE TABLE ${staging} (LIKE ${target})`,
            `INSERT INTO ${staging} VALUES ('r1', 'https://example.com/new'), ('r3', 'https://example.com/3')`,
            "BEGIN",
            `DELETE FROM ${target} USING ${staging} WHERE page_views.request_id = page_views_staging.request_id`,
            `INSERT INTO ${target} (request_id, url) SELECT request_id, url FROM ${staging}`,
            `DELETE FROM ${staging}`,
            "COMMIT",
        ].join(";\n");
        expect(await as(loader, merge)).to.equal(undefined);
        const rows = await db.query<{ request_id: string; url: string }>(
            `SELECT request_id, url FROM ${target} ORDER BY request_id`,
        );
        expect(rows.rows.map((r) => `${r.request_id}=${r.url}`)).to.deep.equal([
            "r1=https://example.com/new",
            "r2=https://example.com/2",
            "r3=https://example.com/3",
        ]);
    });

    const denied: Array<[string, (def: PipelineDefinition) => string, RegExp]> = [
        [
            "another pipeline's table",
            () => `INSERT INTO ${qualifiedTableName(CLICKS)} VALUES ('x', 'y')`,
            /permission denied for table clicks/,
        ],
        [
            "reading another pipeline's table",
            () => `SELECT * FROM ${qualifiedTableName(CLICKS)}`,
            /permission denied for table clicks/,
        ],
        [
            "UPDATE on its own table",
            (def) => `UPDATE ${qualifiedTableName(def)} SET url = NULL`,
            /permission denied for table page_views/,
        ],
        [
            "dropping its own table",
            (def) => `DROP TABLE ${qualifiedTableName(def)}`,
            /must be owner of table page_views/,
        ],
        [
            "altering its own table",
            (def) => `ALTER TABLE ${qualifiedTableName(def)} ADD COLUMN extra INTEGER`,
            /must be owner of table page_views/,
        ],
        ["creating a user", () => `CREATE USER intruder`, /permission denied to create role/],
    ];
    for (const [what, sql, message] of denied) {
        it(`the loader is refused ${what}`, async () => {
            expect(await as(principalsOf(VIEWS).loader, sql(VIEWS))).to.match(message);
        });
    }

    it("the reader reads every table of its schema and changes none", async () => {
        const reader = principalsOf(VIEWS).reader;
        expect(
            await as(
                reader,
                `SELECT count(*) FROM ${qualifiedTableName(VIEWS)}; SELECT count(*) FROM ${qualifiedTableName(CLICKS)}`,
            ),
        ).to.equal(undefined);
        expect(await as(reader, `INSERT INTO ${qualifiedTableName(VIEWS)} VALUES ('x', 'y')`)).to.match(
            /permission denied for table page_views/,
        );
        expect(await as(reader, `DELETE FROM ${qualifiedTableName(CLICKS)}`)).to.match(
            /permission denied for table clicks/,
        );
        expect(await as(reader, `CREATE TABLE grants.mine (id INTEGER)`)).to.match(
            /permission denied for schema grants/,
        );
    });
});
