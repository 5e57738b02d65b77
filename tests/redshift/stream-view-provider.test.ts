import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { PipelineDefinition } from "../../shared/pipeline-codegen/definition";
import {
    createStreamSchemaSql,
    createStreamViewSql,
    dropStreamSchemaSql,
    dropStreamViewSql,
    qualifiedStreamViewName,
    streamViewGrantStatements,
    streamViewVersion,
} from "../../shared/pipeline-codegen/redshift-stream";
import {
    DataApi,
    DataApiTarget,
    redshiftStreamViewProvider,
    RedshiftStreamViewInputs,
    RedshiftStreamViewOutputs,
} from "../../shared/redshift-data-provider";
import { STREAM_VIEW_PROVIDER } from "../../shared/redshift-schema";

const TARGET: DataApiTarget = {
    region: "eu-central-1",
    database: "dev",
    workgroupName: "analytics",
    secretArn: "arn:aws:secretsmanager:eu-central-1:222222222222:secret:admin-AbCdEf",
};
const FAST = { pollMilliseconds: 1, timeoutMilliseconds: 5000 };
const CHAIN = [
    "arn:aws:iam::222222222222:role/tracking-dev-redshift-streaming",
    "arn:aws:iam::111111111111:role/tracking-dev-page-views-stream-reader",
];

const PAGE_VIEWS: PipelineDefinition = {
    name: "page-views",
    table: { schema: "tracking", name: "page_views" },
    columns: [
        { name: "request_id", type: "char", length: 36, nullable: false },
        { name: "viewed_at", type: "timestamp", nullable: false },
    ],
    partitionKeyField: "request_id",
    mergeKey: "request_id",
    streaming: true,
};

/** The inputs data-platform/index.ts gives a stream view. */
function inputs(def: PipelineDefinition, chain = CHAIN): RedshiftStreamViewInputs {
    const create = [createStreamSchemaSql(def, chain), createStreamViewSql(def, `tracking-dev-${def.name}`)];
    return {
        target: TARGET,
        view: qualifiedStreamViewName(def),
        dropStatements: [dropStreamViewSql(def), dropStreamSchemaSql(def)],
        createStatements: create,
        afterStatements: streamViewGrantStatements(def, "tracking_dev_reader"),
        version: streamViewVersion(create),
    };
}

/** A Data API that records each statement and finishes it, or refuses the ones matching `refuse`. */
class RecordingDataApi implements DataApi {
    readonly executed: string[] = [];
    calls = 0;
    constructor(private readonly refuse?: RegExp) {}
    async executeStatement(input: { Sql: string }): Promise<{ Id?: string }> {
        this.calls++;
        this.executed.push(input.Sql);
        return { Id: String(this.executed.length) };
    }
    async describeStatement(input: { Id: string }): Promise<{ Status?: string; Error?: string }> {
        this.calls++;
        const sql = this.executed[Number(input.Id) - 1];
        return this.refuse?.test(sql)
            ? { Status: "FAILED", Error: "ERROR: not authorized to assume the role" }
            : { Status: "FINISHED" };
    }
}

describe("Redshift stream views through the Data API (dynamic provider)", () => {
    const headlines = (api: RecordingDataApi) => api.executed.map((sql) => sql.split("\n")[0]);

    it("creates: drops what may be left, creates the schema and view, grants the reader; records the version", async () => {
        const api = new RecordingDataApi();
        const created = await redshiftStreamViewProvider(() => api, FAST).create(inputs(PAGE_VIEWS));
        expect(created.id).to.equal("tracking.page_views_stream");
        expect((created.outs as RedshiftStreamViewOutputs).appliedVersion).to.equal(inputs(PAGE_VIEWS).version);
        expect(headlines(api)).to.deep.equal([
            "DROP MATERIALIZED VIEW IF EXISTS tracking.page_views_stream",
            "DROP SCHEMA IF EXISTS tracking_page_views_kinesis",
            "CREATE EXTERNAL SCHEMA IF NOT EXISTS tracking_page_views_kinesis",
            "CREATE MATERIALIZED VIEW tracking.page_views_stream",
            "GRANT USAGE ON SCHEMA tracking TO tracking_dev_reader",
            "GRANT SELECT ON tracking.page_views_stream TO tracking_dev_reader",
        ]);
    });

    it("refresh (read) returns the recorded state and calls the Data API not at all; no change diffs to none", async () => {
        const api = new RecordingDataApi();
        const provider = redshiftStreamViewProvider(() => api, FAST);
        const outs = { ...inputs(PAGE_VIEWS), appliedVersion: inputs(PAGE_VIEWS).version };
        expect((await provider.read!("tracking.page_views_stream", outs)).props).to.deep.equal(outs);
        expect((await provider.diff!("tracking.page_views_stream", outs, inputs(PAGE_VIEWS))).changes).to.equal(false);
        expect(api.calls).to.equal(0);
    });

    it("a declaration or role-chain change drops and creates the view; a grant change only grants", async () => {
        const api = new RecordingDataApi();
        const provider = redshiftStreamViewProvider(() => api, FAST);
        const outs = { ...inputs(PAGE_VIEWS), appliedVersion: inputs(PAGE_VIEWS).version };
        const wider = inputs({
            ...PAGE_VIEWS,
            columns: [...PAGE_VIEWS.columns, { name: "url", type: "varchar", length: 64, nullable: true }],
        });
        expect((await provider.diff!("tracking.page_views_stream", outs, wider)).changes).to.equal(true);
        await provider.update!("tracking.page_views_stream", outs, wider);
        expect(headlines(api).slice(0, 4)).to.deep.equal([
            "DROP MATERIALIZED VIEW IF EXISTS tracking.page_views_stream",
            "DROP SCHEMA IF EXISTS tracking_page_views_kinesis",
            "CREATE EXTERNAL SCHEMA IF NOT EXISTS tracking_page_views_kinesis",
            "CREATE MATERIALIZED VIEW tracking.page_views_stream",
        ]);
        expect(api.executed[3]).to.include("JSON_EXTRACT_PATH_TEXT(FROM_VARBYTE(kinesis_data, 'utf-8'), 'url', TRUE)");
        const rechained = inputs(PAGE_VIEWS, [CHAIN[0], CHAIN[1].replace("111111111111", "333333333333")]);
        expect(
            (await provider.diff!("tracking.page_views_stream", outs, rechained)).changes,
            "another reader role",
        ).to.equal(true);
        const regranted = {
            ...inputs(PAGE_VIEWS),
            afterStatements: streamViewGrantStatements(PAGE_VIEWS, "tracking_prod_reader"),
        };
        expect((await provider.diff!("tracking.page_views_stream", outs, regranted)).changes).to.equal(true);
        api.executed.length = 0;
        await provider.update!("tracking.page_views_stream", outs, regranted);
        expect(headlines(api)).to.deep.equal([
            "GRANT USAGE ON SCHEMA tracking TO tracking_prod_reader",
            "GRANT SELECT ON tracking.page_views_stream TO tracking_prod_reader",
        ]);
    });

    it("fails the deploy with Redshift's error text when the view cannot read the stream, recording nothing applied", async () => {
        const api = new RecordingDataApi(/^CREATE MATERIALIZED VIEW/);
        const provider = redshiftStreamViewProvider(() => api, FAST);
        let failure: Error | undefined;
        await provider.create(inputs(PAGE_VIEWS)).catch((error: Error) => (failure = error));
        expect(failure?.message).to.match(
            /Redshift refused statement \d+ \(CREATE MATERIALIZED VIEW tracking\.page_views_stream\): ERROR: not authorized/,
        );
        expect(headlines(api).some((line) => line.startsWith("GRANT"))).to.equal(false);
    });

    it("delete drops the view and its external schema, nothing else; another target replaces", async () => {
        const api = new RecordingDataApi();
        const provider = redshiftStreamViewProvider(() => api, FAST);
        const outs = { ...inputs(PAGE_VIEWS), appliedVersion: inputs(PAGE_VIEWS).version };
        await provider.delete!("tracking.page_views_stream", outs);
        expect(headlines(api)).to.deep.equal([
            "DROP MATERIALIZED VIEW IF EXISTS tracking.page_views_stream",
            "DROP SCHEMA IF EXISTS tracking_page_views_kinesis",
        ]);
        const elsewhere = { ...inputs(PAGE_VIEWS), target: { ...TARGET, database: "analytics" } };
        expect((await provider.diff!("tracking.page_views_stream", outs, elsewhere)).replaces).to.deep.equal([
            "target",
        ]);
    });

    it("as Pulumi stores it (serialized into the state), the deployed provider reads and diffs without any AWS call", async () => {
        // Over the real SDK: any Data API call here would fail for want of credentials.
        const serialized = await pulumi.runtime.serializeFunction(() => STREAM_VIEW_PROVIDER, {
            isFactoryFunction: true,
            allowSecrets: false,
        });
        const file = path.join(__dirname, `serialized-stream-provider-${process.pid}.js`);
        fs.writeFileSync(file, serialized.text);
        try {
            const stored = (require(file) as Record<string, pulumi.dynamic.ResourceProvider>)[serialized.exportName];
            const outs = { ...inputs(PAGE_VIEWS), appliedVersion: inputs(PAGE_VIEWS).version };
            expect((await stored.read!("tracking.page_views_stream", outs)).props).to.deep.equal(outs);
            expect((await stored.diff!("tracking.page_views_stream", outs, inputs(PAGE_VIEWS))).changes).to.equal(
                false,
            );
        } finally {
            fs.rmSync(file, { force: true });
        }
    });
});
