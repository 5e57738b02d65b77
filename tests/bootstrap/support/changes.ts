/**
 * Every create, change and delete call the deployer makes for the planned pipeline resources
 * (support/requirements.ts), asked of a read-only role: the calls it is allowed are leaks.
 */
import { STATE_LOCK_PREFIX } from "../../../shared/naming";
import { PlannedResource } from "../../../tools/plan/types";
import { applicable, effectiveTags, tagContext } from "./context";
import { AccountView, PolicyDocument, RoleView } from "./plans";
import { Requirement, REQUIREMENTS } from "./requirements";
import { samplesFor } from "./samples";
import { decide, decideSample, decideUnvalidated, Request } from "./simulate";
import {
    accessLevelOf,
    allowGrants,
    contextSatisfying,
    isReadLevel,
    resourceAccountOf,
    resourcePolicyFor,
} from "./statements";

export interface ChangeCheck {
    /** `<project> <resource>: <action> on <arn>` of every non-read call the role is allowed. */
    readonly leaks: string[];
    /** How many calls were asked, so a test can tell "none allowed" from "none asked". */
    readonly checked: number;
}

/** Asks `role` every non-read call of every planned resource of the account's pipeline stacks; `exempt` skips a call. */
export async function allowedChanges(
    view: AccountView,
    role: RoleView,
    exempt: (requirement: Requirement, resource: PlannedResource) => boolean = () => false,
): Promise<ChangeCheck> {
    const leaks: string[] = [];
    let checked = 0;
    for (const plan of view.pipelines) {
        for (const r of plan.resources.filter((x) => x.custom && REQUIREMENTS[x.type] !== undefined)) {
            const facts = {
                resource: r,
                plan,
                partition: view.partition,
                region: plan.region,
                account: plan.account,
                tags: effectiveTags(plan, r),
            };
            for (const requirement of REQUIREMENTS[r.type](facts)) {
                if (isReadLevel(await accessLevelOf(requirement.action)) || exempt(requirement, r)) continue;
                checked++;
                const context = {
                    ...(await applicable(
                        requirement.action,
                        requirement.resource,
                        tagContext(effectiveTags(plan, requirement.tagsOf ?? r), requirement.tags),
                    )),
                    ...(requirement.context ?? {}),
                };
                const request = {
                    principal: role.arn,
                    action: requirement.action,
                    resource: requirement.resource,
                    resourceAccount: plan.account,
                    context,
                };
                const decision = requirement.simulatorGap
                    ? decideUnvalidated(request, role.policies, requirement.resourcePolicy)
                    : await decide(request, role.policies, requirement.resourcePolicy);
                if (decision === "Allowed")
                    leaks.push(`${plan.project} ${r.name}: ${requirement.action} on ${requirement.resource}`);
            }
        }
    }
    return { leaks, checked };
}

/** A non-read request the deployer is allowed, sampled from one of its grants. */
export interface DeployerRequest {
    readonly action: string;
    readonly sample: string;
    /** The grant's condition, as written. */
    readonly condition: unknown;
    readonly request: Omit<Request, "principal">;
    readonly resourcePolicy: ReturnType<typeof resourcePolicyFor>;
}

/**
 * Every write, tagging and permissions request the deployer's grants allow, sampled per resource pattern.
 * Only requests the deployer can make prove anything about a read-only role asked the same.
 */
export async function deployerChangeRequests(
    view: AccountView,
    views: readonly AccountView[],
): Promise<DeployerRequest[]> {
    const requests: DeployerRequest[] = [];
    for (const grant of view.deployer.policies.flatMap((p) => allowGrants(p.policy as PolicyDocument))) {
        for (const action of grant.actions) {
            if (isReadLevel(await accessLevelOf(action))) continue;
            for (const resource of grant.resources) {
                for (const sample of await samplesFor(action, resource)) {
                    const request = {
                        action,
                        resource: sample,
                        resourceAccount: resourceAccountOf(sample, view),
                        context: await applicable(action, sample, contextSatisfying(grant.condition)),
                    };
                    const resourcePolicy = resourcePolicyFor(sample, grant.condition, view, views);
                    const asDeployer = await decideSample(
                        { ...request, principal: view.deployer.arn },
                        view.deployer.policies,
                        resourcePolicy,
                    );
                    if (asDeployer === "Allowed")
                        requests.push({ action, sample, condition: grant.condition, request, resourcePolicy });
                }
            }
        }
    }
    return requests;
}

/** Taking or releasing a stack's lock in the backend (`.pulumi/locks/`): every preview does it, and it changes no state. */
export function takesLock(request: DeployerRequest): boolean {
    return (
        ["s3:PutObject", "s3:DeleteObject"].includes(request.action) && request.sample.includes(`/${STATE_LOCK_PREFIX}`)
    );
}

/** Decrypting the stack's state secrets with the backend key: every preview does it. */
export function decryptsState(request: DeployerRequest): boolean {
    return request.action === "kms:Decrypt" && JSON.stringify(request.condition).includes("kms:ResourceAliases");
}
