import { expect } from "chai";
import { PlanError, PlanResult, runPlan } from "../../tools/plan/runner";
import { devPlan } from "../support/dev-plan";

async function planError(promise: Promise<unknown>): Promise<PlanError> {
    try {
        await promise;
    } catch (err) {
        if (err instanceof PlanError) return err;
        throw err;
    }
    throw new Error("the plan succeeded, but it was expected to fail");
}

describe("plan: the stacks in first-deploy order, and the cross-stack contract", function () {
    let result: PlanResult;

    before(async () => {
        result = await devPlan();
    });

    it("plans bootstrap, then data-platform without engineering, engineering, then data-platform's second pass", () => {
        const order = result.passes.map((p) => `${p.project}/${p.stack}`);
        expect(order).to.deep.equal([
            "tracking-bootstrap/data-platform",
            "tracking-bootstrap/engineering",
            "tracking-data-platform/dev",
            "tracking-engineering/dev",
            "tracking-data-platform/dev",
        ]);
        expect(result.passes[2].purpose).to.match(/^first deploy/);
        expect(result.passes[4].purpose).to.match(/^second pass/);
        expect(result.plans.map((p) => `${p.project}/${p.stack}`)).to.have.members([
            "tracking-bootstrap/data-platform",
            "tracking-bootstrap/engineering",
            "tracking-data-platform/dev",
            "tracking-engineering/dev",
        ]);
    });

    it("puts every stack's resources in its own account", () => {
        for (const plan of result.plans) {
            for (const resource of plan.resources) {
                const arn = resource.outputs.arn;
                if (typeof arn !== "string") continue;
                const account = arn.split(":")[4];
                if (account === "" || account === undefined) continue; // S3 buckets and API Gateway ARNs carry no account
                expect(account, `${resource.urn} ${arn}`).to.equal(plan.account);
            }
        }
    });

    it("keeps plans stable: two runs produce the same JSON", async () => {
        const again = await runPlan({ stack: "dev", write: false });
        expect(JSON.stringify(again.plans)).to.equal(JSON.stringify(result.plans));
    });

    it("fails engineering, naming the stack and the key, when data-platform stops exporting what it reads", async () => {
        const err = await planError(runPlan({ stack: "dev", write: false, withoutOutputs: { "tracking-data-platform/dev": ["landingBucketArn"] } }));
        expect(err.project).to.equal("tracking-engineering");
        expect(err.message).to.match(/landingBucketArn/);
        expect(err.message).to.match(/tracking-data-platform\/dev/);
    });

    it("fails data-platform's second pass, naming the stack and the key, when engineering stops exporting what it reads", async () => {
        const err = await planError(runPlan({ stack: "dev", write: false, withoutOutputs: { "tracking-engineering/dev": ["firehoseRoleArns"] } }));
        expect(err.project).to.equal("tracking-data-platform");
        expect(err.message).to.match(/firehoseRoleArns/);
        expect(err.message).to.match(/tracking-engineering\/dev/);
    });

    it("refuses a StackReference to a stack that does not exist yet in the deploy order", async () => {
        const err = await planError(
            runPlan({ stack: "dev", write: false, configOverrides: { "tracking-engineering": { "tracking-engineering:dataPlatformStack": "organization/tracking-data-platform/prod" } } }),
        );
        expect(err.project).to.equal("tracking-engineering");
        expect(err.message).to.match(/StackReference "organization\/tracking-data-platform\/prod": that stack does not exist yet/);
    });
});
