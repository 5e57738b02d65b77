import { PlanPass, PlanResult } from "../../../tools/plan/runner";
import { devPlan as sharedDevPlan } from "../../support/dev-plan";
import { PlannedResource, StackPlan } from "../../../tools/plan/types";
import { parseDocument, PolicyDocument } from "../../support/policy-document";

export const DATA_PLATFORM = "tracking-data-platform";
export const ENGINEERING = "tracking-engineering";

export const TYPES = {
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    bucketObject: "aws:s3/bucketObjectv2:BucketObjectv2",
    key: "aws:kms/key:Key",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    crawler: "aws:glue/crawler:Crawler",
    job: "aws:glue/job:Job",
    trigger: "aws:glue/trigger:Trigger",
    catalogTable: "aws:glue/catalogTable:CatalogTable",
    metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    redshiftTable: "pulumi-nodejs:dynamic/redshift:Table",
} as const;

let planned: Promise<PlanResult> | undefined;

/** `npm run plan` for the dev stacks (not written to plan/), once per test process. */
export function devPlan(): Promise<PlanResult> {
    planned ??= sharedDevPlan();
    return planned;
}

/** The final plan of a project's dev stack (for data-platform: its second pass, with engineeringStack). */
export function finalPlan(result: PlanResult, project: string): StackPlan {
    const plan = result.plans.find((p) => p.project === project && p.stack === "dev");
    if (!plan) throw new Error(`no plan for ${project}/dev`);
    return plan;
}

/** data-platform's first-deploy pass: planned without engineeringStack, before engineering exists. */
export function firstDeployPass(result: PlanResult): PlanPass {
    const pass = result.passes.find((p) => p.project === DATA_PLATFORM && p.purpose.startsWith("first deploy"));
    if (!pass)
        throw new Error(
            "the plan has no first-deploy pass of data-platform (is engineeringStack set in data-platform/Pulumi.dev.yaml?)",
        );
    return pass;
}

export function ofType(plan: StackPlan, type: string): PlannedResource[] {
    return plan.resources.filter((r) => r.type === type);
}

/** The one resource of a type whose input `field` equals `value`; fails naming what it looked for. */
export function findBy(plan: StackPlan, type: string, field: string, value: unknown): PlannedResource {
    const found = ofType(plan, type).filter((r) => r.inputs[field] === value);
    if (found.length !== 1)
        throw new Error(
            `${plan.project}: expected one ${type} with ${field} = ${JSON.stringify(value)}, found ${found.length}`,
        );
    return found[0];
}

/** IAM documents are planned as JSON text. */
export const documentOf = (value: unknown): PolicyDocument => parseDocument(value);

/** The inline policies (RolePolicy documents) of the role with this name. */
export function inlinePoliciesOf(plan: StackPlan, roleName: string): { name: string; policy: PolicyDocument }[] {
    const policies = ofType(plan, TYPES.rolePolicy)
        .filter((p) => p.inputs.role === roleName)
        .map((p) => ({ name: String(p.inputs.name), policy: documentOf(p.inputs.policy) }));
    if (policies.length === 0) throw new Error(`${plan.project}: no inline policy for role ${roleName}`);
    return policies;
}

/** The tags the plan gives the role with this name (IAM's `aws:PrincipalTag/<key>` when it calls). */
export function roleTagsOf(plan: StackPlan, roleName: string): Record<string, string> {
    const tags = findBy(plan, TYPES.role, "name", roleName).inputs.tags;
    return Object.fromEntries(
        Object.entries((tags ?? {}) as Record<string, unknown>).map(([key, value]) => [key, String(value)]),
    );
}

/** The policy of the bucket with this name. */
export function bucketPolicyOf(plan: StackPlan, bucketName: string): PolicyDocument {
    return documentOf(findBy(plan, TYPES.bucketPolicy, "bucket", bucketName).inputs.policy);
}

/** The key policy of the key with this ARN. */
export function keyPolicyOf(plan: StackPlan, keyArn: string): PolicyDocument {
    const key = ofType(plan, TYPES.key).find((k) => k.outputs.arn === keyArn);
    if (!key) throw new Error(`${plan.project}: no key ${keyArn}`);
    return documentOf(key.inputs.policy);
}

/** An object key Firehose could write under a prefix: its `!{...}` expressions filled in. */
export function objectKeyUnder(prefix: string, file = "tracking-delivery-1-2026-01-02-03-04-05-abc.gz"): string {
    const values: Record<string, string> = {
        "timestamp:yyyy": "2026",
        "timestamp:MM": "01",
        "timestamp:dd": "02",
        "timestamp:HH": "03",
        "firehose:error-output-type": "processing-failed",
    };
    return (
        prefix.replace(/!\{([^}]+)\}/g, (_, expression: string) => {
            const value = values[expression];
            if (value === undefined) throw new Error(`the test cannot expand !{${expression}} in ${prefix}`);
            return value;
        }) + file
    );
}
