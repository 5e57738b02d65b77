import { expect } from "chai";
import { firehosePrefix } from "../../shared/pipeline-codegen/s3-prefix";
import { pipelines } from "../../shared/pipelines";
import { runPlan } from "../../tools/plan/runner";
import { DATA_PLATFORM, ENGINEERING, ofType, planFailure, planOf } from "../engineering/support/plan";

/**
 * A pull request that adds a pipeline is previewed before data-platform is deployed with it: the
 * data-platform stack's `pipelines` export has no entry for it yet. Simulated by dropping one pipeline's
 * entry from that export (whichever pipeline comes last: the newest).
 */
describe("a pull request adding a pipeline", function () {
    const newest = pipelines[pipelines.length - 1];
    const withoutEntry = { [`${DATA_PLATFORM}/dev`]: [`pipelines.${newest.name}`] };

    it("previews green: the pipeline is planned as data-platform will grant it, with a 'waits for data-platform deploy' note", async () => {
        const warnings: string[] = [];
        const warn = console.warn;
        console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(" "));
        let result;
        try {
            result = await runPlan({ stack: "dev", write: false, withoutOutputs: withoutEntry });
        } finally {
            console.warn = warn;
        }
        const engineering = planOf(result, ENGINEERING);
        const firehoses = ofType(engineering, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream").filter(
            (f) => (f.inputs.extendedS3Configuration as { prefix?: string } | undefined)?.prefix === firehosePrefix(newest),
        );
        expect(firehoses, `${newest.name}: its Firehose delivers where data-platform will grant it`).to.have.length(1);
        const notes = warnings.filter((w) => w.includes(`pipeline "${newest.name}" waits for data-platform deploy`));
        expect(notes, warnings.join("\n")).to.have.length(1);
        expect(notes[0]).to.include("`pulumi up` of this stack fails until data-platform is deployed with it");
    });

    it("fails `pulumi up` before any resource, naming the pipeline and the deploy order", async () => {
        const err = await planFailure({ stack: "dev", write: false, preview: false, withoutOutputs: withoutEntry });
        expect(err.project).to.equal(ENGINEERING);
        expect(err.message).to.include(`export "pipelines" has no entry for pipeline "${newest.name}": deploy the data-platform stack with this pipeline first`);
    });
});
