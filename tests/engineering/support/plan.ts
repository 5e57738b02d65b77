import { PlanError, PlanOptions, PlanResult, runPlan } from "../../../tools/plan/runner";
import { settleRegistrations } from "../../../tools/plan/sdk-adapter";
import { devPlan as sharedDevPlan } from "../../support/dev-plan";
import { PlannedResource, StackPlan } from "../../../tools/plan/types";
import { parseDocument, PolicyDocument } from "../../support/policy-document";

export const ENGINEERING = "tracking-engineering";
export const DATA_PLATFORM = "tracking-data-platform";

let planned: Promise<PlanResult> | undefined;

/** `npm run plan` for the dev stacks, run once per test process (every suite here reads the same plan). */
export function devPlan(): Promise<PlanResult> {
    planned ??= sharedDevPlan();
    return planned;
}

/**
 * Runs a plan that must fail and returns its PlanError. A failed program leaves the SDK's last RPCs
 * (the stack's own outputs) and their rejections in flight when runPlan returns; they would land in the
 * next plan run of this process and fail it with this error. They are awaited and absorbed here, while
 * the failed run's mocks are still installed.
 */
export async function planFailure(options: PlanOptions): Promise<PlanError> {
    let failure: unknown;
    try {
        await runPlan(options);
    } catch (err) {
        failure = err;
    }
    const absorb = () => undefined;
    process.on("unhandledRejection", absorb);
    try {
        await settleRegistrations().catch(absorb);
        await new Promise((resolve) => setImmediate(resolve));
    } finally {
        process.off("unhandledRejection", absorb);
    }
    if (failure === undefined) throw new Error("the plan succeeded, but it was expected to fail");
    if (!(failure instanceof PlanError)) throw failure;
    return failure;
}

/** The final plan of a project's dev stack. */
export function planOf(result: PlanResult, project: string): StackPlan {
    const plan = result.plans.find((p) => p.project === project && p.stack === "dev");
    if (!plan) throw new Error(`no plan for ${project}/dev`);
    return plan;
}

export function ofType(plan: StackPlan, type: string): PlannedResource[] {
    return plan.resources.filter((r) => r.type === type);
}

/** The one resource of a type whose input `field` equals `value`; fails naming what it looked for. */
export function findBy(plan: StackPlan, type: string, field: string, value: unknown): PlannedResource {
    const found = ofType(plan, type).filter((r) => r.inputs[field] === value);
    if (found.length !== 1)
        throw new Error(`expected one ${type} with ${field} = ${JSON.stringify(value)}, found ${found.length}`);
    return found[0];
}

export const TYPES = {
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    key: "aws:kms/key:Key",
    stream: "aws:kinesis/stream:Stream",
    firehose: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
    apiResource: "aws:apigateway/resource:Resource",
    method: "aws:apigateway/method:Method",
    integration: "aws:apigateway/integration:Integration",
    restApi: "aws:apigateway/restApi:RestApi",
    deployment: "aws:apigateway/deployment:Deployment",
    stage: "aws:apigateway/stage:Stage",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
} as const;

/** IAM documents are planned as JSON text. */
export const documentOf = (value: unknown): PolicyDocument => parseDocument(value);

/** The inline policies (RolePolicy documents) attached to the role with this name. */
export function inlinePoliciesOf(
    plan: StackPlan,
    roleName: string,
): { name: string; policy: ReturnType<typeof documentOf> }[] {
    return ofType(plan, TYPES.rolePolicy)
        .filter((p) => p.inputs.role === roleName)
        .map((p) => ({ name: String(p.inputs.name), policy: documentOf(p.inputs.policy) }));
}
