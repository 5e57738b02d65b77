/**
 * Small hand-made stack plans for the policy tests, in the shape `npm run plan` writes (tools/plan/types.ts).
 */
import type { PolicyPackConfig } from "@pulumi/policy";
import { PlannedResource, StackPlan } from "../../tools/plan/types";
import { evaluatePlansDetailed, PolicyEvaluation, PolicyViolation } from "../../tools/policy/evaluate";
import type { Statement } from "../support/policy-document";

export const ACCOUNT = "111111111111";
export const OTHER_ACCOUNT = "222222222222";
export const REGION = "eu-central-1";
const PROJECT = "policy-test";
const STACK = "test";

export interface ResourceOptions {
    readonly protect?: boolean;
    /** Outputs beyond the inputs and the id (the mocks' computed values). */
    readonly outputs?: Record<string, unknown>;
    readonly id?: string;
    readonly provider?: string;
}

export function urnOf(type: string, name: string): string {
    return `urn:pulumi:${STACK}::${PROJECT}::${type}::${name}`;
}

export function resource(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    options: ResourceOptions = {},
): PlannedResource {
    const id = options.id ?? `${name}-id`;
    return {
        urn: urnOf(type, name),
        type,
        name,
        custom: true,
        id,
        options: { protect: options.protect ?? false, dependsOn: [], provider: options.provider },
        inputs,
        outputs: { ...inputs, id, ...(options.outputs ?? {}) },
    };
}

export function plan(resources: readonly PlannedResource[], account: string = ACCOUNT): StackPlan {
    return { project: PROJECT, stack: STACK, account, region: REGION, resources, outputs: {} };
}

/** An IAM policy document as the programs write it: a JSON string of statements in the IAM model. */
export function policyDocument(...statements: readonly Statement[]): string {
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/**
 * A policy document of statements the IAM model (shared/iam.ts) does not write, for the checks that must
 * read them all the same (a bare `Principal: "*"`, a JSON boolean condition value); each caller says which.
 */
export function policyDocumentOutsideModel(...statements: readonly Record<string, unknown>[]): string {
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** Evaluates with `config` (every policy at its default, mandatory, when empty). */
export function evaluate(
    resources: readonly PlannedResource[] | StackPlan,
    config: PolicyPackConfig = {},
): PolicyEvaluation {
    const stackPlan = Array.isArray(resources) ? plan(resources as PlannedResource[]) : (resources as StackPlan);
    return evaluatePlansDetailed([stackPlan], config);
}

/** The violations of one policy. */
export function violationsOf(
    policy: string,
    resources: readonly PlannedResource[] | StackPlan,
    config: PolicyPackConfig = {},
): PolicyViolation[] {
    return evaluate(resources, config).violations.filter((v) => v.policy === policy);
}

/** The undetermined checks of one policy. */
export function undeterminedOf(
    policy: string,
    resources: readonly PlannedResource[] | StackPlan,
    config: PolicyPackConfig = {},
) {
    return evaluate(resources, config).undetermined.filter((u) => u.policy === policy);
}

export const TYPES = {
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    policy: "aws:iam/policy:Policy",
    rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    user: "aws:iam/user:User",
    userPolicy: "aws:iam/userPolicy:UserPolicy",
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    key: "aws:kms/key:Key",
    keyPolicy: "aws:kms/keyPolicy:KeyPolicy",
    stream: "aws:kinesis/stream:Stream",
    firehose: "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
    stage: "aws:apigateway/stage:Stage",
    methodSettings: "aws:apigateway/methodSettings:MethodSettings",
    usagePlan: "aws:apigateway/usagePlan:UsagePlan",
    crawler: "aws:glue/crawler:Crawler",
    job: "aws:glue/job:Job",
    securityConfiguration: "aws:glue/securityConfiguration:SecurityConfiguration",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
} as const;

/** A role whose trust policy is `trust` and whose only inline policy is `inline` (if given). */
export function role(name: string, trust: string, inline?: string, options: ResourceOptions = {}): PlannedResource {
    return resource(
        TYPES.role,
        name,
        { assumeRolePolicy: trust, ...(inline ? { inlinePolicies: [{ name: "inline", policy: inline }] } : {}) },
        options,
    );
}

export const LAMBDA_TRUST = policyDocument({
    Effect: "Allow",
    Principal: { Service: "lambda.amazonaws.com" },
    Action: "sts:AssumeRole",
    Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
});

/** An identity policy attached to a role. */
export function rolePolicy(name: string, ...statements: readonly Statement[]): PlannedResource {
    return resource(TYPES.rolePolicy, name, { role: "some-role", policy: policyDocument(...statements) });
}
