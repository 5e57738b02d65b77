import { PlannedResource, StackPlan } from "../../../tools/plan/types";
import { applicable, effectiveTags, tagContext } from "./context";
import { AccountView, RoleView } from "./plans";
import { Requirement, REQUIREMENTS } from "./requirements";
import { decide, decideUnvalidated } from "./simulate";
import { accessLevelOf, isReadLevel } from "./statements";

/** One IAM call a planned resource's create, read or delete makes, with where it comes from. */
export interface PlannedCall {
    readonly plan: StackPlan;
    readonly resource: PlannedResource;
    readonly requirement: Requirement;
    /** The tags AWS evaluates for the call (the resource's, or those of `requirement.tagsOf`). */
    readonly tags: Record<string, string>;
}

/** Every IAM call of every planned resource of the account's pipeline stacks (tests/bootstrap/support/requirements.ts). */
export function plannedCalls(view: AccountView): PlannedCall[] {
    const calls: PlannedCall[] = [];
    for (const plan of view.pipelines) {
        for (const resource of plan.resources.filter((x) => x.custom && REQUIREMENTS[x.type] !== undefined)) {
            const requirements = REQUIREMENTS[resource.type]({
                resource,
                plan,
                partition: view.partition,
                region: plan.region,
                account: plan.account,
                tags: effectiveTags(plan, resource),
            });
            for (const requirement of requirements)
                calls.push({ plan, resource, requirement, tags: effectiveTags(plan, requirement.tagsOf ?? resource) });
        }
    }
    return calls;
}

/**
 * Why the role may not make the call (iam-simulate over its identity policies and the planned resource
 * policy, e.g. the key policy), or undefined when it may.
 */
export async function denialOf(role: RoleView, call: PlannedCall): Promise<string | undefined> {
    const { requirement, plan } = call;
    const where = `${plan.project} ${call.resource.type} ${call.resource.name}: ${requirement.action} on ${requirement.resource}`;
    const context = {
        ...(await applicable(requirement.action, requirement.resource, tagContext(call.tags, requirement.tags))),
        ...(requirement.context ?? {}),
    };
    try {
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
        return decision === "Allowed" ? undefined : `${where}: ${decision} (context ${JSON.stringify(context)})`;
    } catch (err) {
        return `${where}: ${(err as Error).message}`;
    }
}

/** Every planned IAM call of the views' pipeline plans the account's deployer is refused, and how many were judged. */
export async function deployerDenials(views: readonly AccountView[]): Promise<{ failures: string[]; checked: number }> {
    const failures: string[] = [];
    let checked = 0;
    for (const view of views) {
        for (const call of plannedCalls(view)) {
            checked++;
            const denial = await denialOf(view.deployer, call);
            if (denial) failures.push(denial);
        }
    }
    return { failures, checked };
}

/** How a read-only role fares on planned calls: the reads it is refused and the changes it is allowed. */
export interface ReadOnlyJudgement {
    readonly refusedReads: string[];
    readonly allowedChanges: string[];
    /** How many reads and changes were asked, so a test can tell "none refused" from "none asked". */
    readonly reads: number;
    readonly changes: number;
}

/**
 * Asks `role` each call: a Read or List call for which `reads` holds must be allowed, a call of any other
 * access level refused (iam-simulate, with the planned resource policy).
 */
export async function judgeReadOnly(
    role: RoleView,
    calls: readonly PlannedCall[],
    reads: (call: PlannedCall) => boolean,
): Promise<ReadOnlyJudgement> {
    const refusedReads: string[] = [];
    const allowedChanges: string[] = [];
    let readsAsked = 0;
    let changesAsked = 0;
    for (const call of calls) {
        if (isReadLevel(await accessLevelOf(call.requirement.action))) {
            if (!reads(call)) continue;
            readsAsked++;
            const refused = await denialOf(role, call);
            if (refused) refusedReads.push(refused);
        } else {
            changesAsked++;
            if ((await denialOf(role, call)) === undefined)
                allowedChanges.push(
                    `${call.plan.project} ${call.resource.type} ${call.resource.name}: ${call.requirement.action} on ${call.requirement.resource}`,
                );
        }
    }
    return { refusedReads, allowedChanges, reads: readsAsked, changes: changesAsked };
}
