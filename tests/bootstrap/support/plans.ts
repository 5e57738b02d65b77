/**
 * The plans the bootstrap tests judge, from `npm run plan`'s runner: the bootstrap stack of each account
 * (one per top-level Pulumi.<account>.yaml) and the pipeline stacks deployed into the same account.
 */
import * as path from "path";
import { PlanResult, repoRoot } from "../../../tools/plan/runner";
import { allStacksPlan } from "../../support/dev-plan";
import { readProjectFile, readStackConfig } from "../../../tools/plan/stack-files";
import { PlannedResource, StackPlan } from "../../../tools/plan/types";
import {
    DEPLOYER_ROLE_NAME,
    DRIFT_READER_ROLE_NAME,
    PREVIEWER_ROLE_NAME,
    WORKLOAD_BOUNDARY_NAME,
} from "../../../shared/naming";
import type { IdentityPolicy } from "./simulate";
import { list, parseDocument, PolicyDocument } from "../../support/policy-document";

export const BOOTSTRAP_PROJECT = "tracking-bootstrap";
let planned: Promise<PlanResult> | undefined;

/** `npm run plan` of every committed stack, once per test process: each account's deployer must deploy all of them. */
export function plans(): Promise<PlanResult> {
    planned ??= allStacksPlan();
    return planned;
}

export { list, parseDocument } from "../../support/policy-document";
export type { PolicyDocument, Statement } from "../../support/policy-document";

export interface RoleView {
    readonly name: string;
    readonly arn: string;
    readonly resource: PlannedResource;
    readonly trust: PolicyDocument;
    /** Every identity policy the role holds: attached managed policies, inline policies. */
    readonly policies: IdentityPolicy[];
    /** Attached policy ARNs that are not planned in the stack (AWS-managed or foreign). */
    readonly unplannedPolicyArns: string[];
    /** Policies whose document the plan cannot know yet (it depends on a resource not yet created). */
    readonly unknownPolicies: string[];
}

const UNKNOWN = "<unknown>";

/** The identity policies of the planned role with this name. */
export function roleView(plan: StackPlan, roleName: string): RoleView {
    const role = plan.resources.find((r) => r.type === "aws:iam/role:Role" && r.outputs.name === roleName);
    if (!role) throw new Error(`${plan.project}/${plan.stack}: no role named ${roleName}`);
    const policies: IdentityPolicy[] = [];
    const unplanned: string[] = [];
    const unknown: string[] = [];
    const add = (name: string, document: unknown, where: string) => {
        if (document === UNKNOWN) unknown.push(name);
        else policies.push({ name, policy: parseDocument(document, where) });
    };
    const managedByArn = new Map(
        plan.resources.filter((r) => r.type === "aws:iam/policy:Policy").map((p) => [String(p.outputs.arn), p]),
    );
    const attach = (policyArn: string, via: string) => {
        const managed = managedByArn.get(policyArn);
        if (managed) add(String(managed.outputs.name), managed.inputs.policy, `${via} ${policyArn}`);
        else unplanned.push(policyArn);
    };
    for (const attachment of plan.resources.filter(
        (r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && r.inputs.role === roleName,
    )) {
        attach(String(attachment.inputs.policyArn), `attachment ${attachment.name}`);
    }
    for (const arn of list(role.inputs.managedPolicyArns as string[] | undefined))
        attach(arn, `role ${roleName} managedPolicyArns`);
    for (const inline of plan.resources.filter(
        (r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.inputs.role === roleName,
    )) {
        add(String(inline.outputs.name ?? inline.name), inline.inputs.policy, `inline policy ${inline.name}`);
    }
    for (const [i, inline] of (
        (role.inputs.inlinePolicies as { name?: string; policy?: string }[] | undefined) ?? []
    ).entries()) {
        if (inline.policy) add(inline.name ?? `inline-${i}`, inline.policy, `role ${roleName} inlinePolicies[${i}]`);
    }
    return {
        name: roleName,
        arn: String(role.outputs.arn),
        resource: role,
        trust: parseDocument(role.inputs.assumeRolePolicy, `trust of ${roleName}`),
        policies,
        unplannedPolicyArns: unplanned,
        unknownPolicies: unknown,
    };
}

export interface AccountView {
    readonly account: string;
    readonly region: string;
    readonly partition: string;
    /** The bootstrap stack's name (`engineering`, `data-platform`). */
    readonly bootstrapStack: string;
    readonly bootstrap: StackPlan;
    /** tracking-bootstrap:* config of the bootstrap stack, as the CLI hands it to the program. */
    readonly config: Record<string, string>;
    readonly deployer: RoleView;
    readonly previewer: RoleView;
    readonly driftReader: RoleView;
    readonly boundary: PolicyDocument;
    readonly boundaryArn: string;
    /** The pipeline stacks deployed into this account. */
    readonly pipelines: StackPlan[];
}

export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
}

/** One view per bootstrap stack file, with the pipeline plans of the same account (of every committed stack, or of `planned`). */
export async function accounts(planned?: PlanResult): Promise<AccountView[]> {
    const result = planned ?? (await plans());
    const project = readProjectFile(repoRoot());
    return result.plans
        .filter((p) => p.project === BOOTSTRAP_PROJECT)
        .map((bootstrap) => {
            const boundary = bootstrap.resources.find(
                (r) => r.type === "aws:iam/policy:Policy" && r.outputs.name === WORKLOAD_BOUNDARY_NAME,
            );
            if (!boundary) throw new Error(`bootstrap ${bootstrap.stack}: no ${WORKLOAD_BOUNDARY_NAME} policy`);
            return {
                account: bootstrap.account,
                region: bootstrap.region,
                partition: partitionOf(bootstrap.region),
                bootstrapStack: bootstrap.stack,
                bootstrap,
                config: readStackConfig(project, bootstrap.stack).values,
                deployer: roleView(bootstrap, DEPLOYER_ROLE_NAME),
                previewer: roleView(bootstrap, PREVIEWER_ROLE_NAME),
                driftReader: roleView(bootstrap, DRIFT_READER_ROLE_NAME),
                boundary: parseDocument(boundary.inputs.policy, WORKLOAD_BOUNDARY_NAME),
                boundaryArn: String(boundary.outputs.arn),
                pipelines: result.plans.filter(
                    (p) => p.project !== BOOTSTRAP_PROJECT && p.account === bootstrap.account,
                ),
            };
        });
}

/** The Pulumi.<stack>.yaml config of a pipeline project (for `aws:defaultTags`). */
export function pipelineConfig(plan: StackPlan): Record<string, string> {
    const dir = path.join(repoRoot(), plan.project.replace(/^tracking-/, ""));
    return readStackConfig(readProjectFile(dir), plan.stack).values;
}
