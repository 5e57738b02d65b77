import { expect } from "chai";
import { pipelineNames, redshiftStreamingRoleName } from "../../shared/naming";
import { PlannedResource, StackPlan } from "../../tools/plan/types";
import { STREAMING_PROBE, STREAMING_STACK, streamingViews } from "../bootstrap/support/streaming";

/**
 * With streaming on for one pipeline (the bootstrap suites' probe, beside the declared pipelines), the
 * plans hold that pipeline's stream reader role in the engineering account and the stack's Redshift
 * streaming role in the data-platform account, each with its inline policy, and one stream view whose DDL
 * chains the two roles in order over that pipeline's stream and refreshes automatically.
 */

const roleNamed = (plan: StackPlan, name: string): PlannedResource | undefined =>
    plan.resources.find((r) => r.type === "aws:iam/role:Role" && r.outputs.name === name);
const hasInlinePolicy = (plan: StackPlan, roleName: string): boolean =>
    plan.resources.some((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.role === roleName);

describe("streaming on for one pipeline: the plans hold its roles and its view's DDL", function () {
    this.timeout(300_000);
    const names = pipelineNames(STREAMING_STACK, STREAMING_PROBE.name);
    const redshiftRoleName = redshiftStreamingRoleName(STREAMING_STACK);
    let engineering: StackPlan;
    let dataPlatform: StackPlan;

    before(async function () {
        const plans = (await streamingViews()).flatMap((view) => view.pipelines);
        const find = (project: string) => plans.find((p) => p.project === project && p.stack === STREAMING_STACK);
        engineering = find("tracking-engineering")!;
        dataPlatform = find("tracking-data-platform")!;
        expect(engineering, "the engineering plan").to.not.equal(undefined);
        expect(dataPlatform, "the data-platform plan").to.not.equal(undefined);
    });

    it("plans a reader role for that pipeline only and the stack's Redshift streaming role, each with its inline policy", function () {
        const readers = engineering.resources
            .filter((r) => r.type === "aws:iam/role:Role" && String(r.outputs.name).endsWith("-stream-reader"))
            .map((r) => r.outputs.name);
        expect(readers).to.deep.equal([names.streamReaderRoleName]);
        expect(engineering.outputs.streamReaderRoleArns).to.deep.equal({
            [STREAMING_PROBE.name]: roleNamed(engineering, names.streamReaderRoleName)!.outputs.arn,
        });
        expect(hasInlinePolicy(engineering, names.streamReaderRoleName), "the reader's policy").to.equal(true);
        expect(roleNamed(dataPlatform, redshiftRoleName), redshiftRoleName).to.not.equal(undefined);
        expect(hasInlinePolicy(dataPlatform, redshiftRoleName), "the Redshift role's policy").to.equal(true);
    });

    it("plans one stream view: an external schema over Kinesis chaining Redshift's role to the reader, and an auto-refreshed view of that pipeline's stream", function () {
        const views = dataPlatform.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/redshift:StreamView");
        expect(views).to.have.length(1);
        const view = `${STREAMING_PROBE.table.schema}.${STREAMING_PROBE.table.name}_stream`;
        const schema = `${STREAMING_PROBE.table.schema}_${STREAMING_PROBE.table.name}_kinesis`;
        expect(views[0].inputs.view).to.equal(view);
        expect(dataPlatform.outputs.streamViews).to.deep.equal({ [STREAMING_PROBE.name]: view });
        const chain = [
            roleNamed(dataPlatform, redshiftRoleName)!.outputs.arn,
            roleNamed(engineering, names.streamReaderRoleName)!.outputs.arn,
        ].join(",");
        const [createSchema, createView, ...rest] = views[0].inputs.createStatements as string[];
        expect(rest).to.deep.equal([]);
        expect(createSchema).to.equal(
            `CREATE EXTERNAL SCHEMA IF NOT EXISTS ${schema}\nFROM KINESIS\nIAM_ROLE '${chain}'`,
        );
        expect(createView.split("\n").slice(0, 3)).to.deep.equal([
            `CREATE MATERIALIZED VIEW ${view}`,
            "AUTO REFRESH YES",
            "AS",
        ]);
        expect(createView).to.include(`\nFROM ${schema}."${names.streamName}"\n`);
        for (const column of STREAMING_PROBE.columns) expect(createView, column.name).to.include(` AS ${column.name}`);
        expect(views[0].inputs.dropStatements).to.deep.equal([
            `DROP MATERIALIZED VIEW IF EXISTS ${view}`,
            `DROP SCHEMA IF EXISTS ${schema}`,
        ]);
    });
});
