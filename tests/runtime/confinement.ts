/**
 * Run-time requests on planned roles, decided by iam-simulate over everything AWS evaluates (identity
 * policies, boundary, trust, bucket or key policy), and the same requests aimed at a neighbouring
 * pipeline's stream or folders, which a role confined to its own pipeline must be refused.
 */
import { AccountView } from "../bootstrap/support/plans";
import { decide, Decision, Request } from "../support/iam-decision";
import { CallRow } from "./calls";
import { Caller, policyLookup } from "./world";

/** A request with what a failure message should name. */
export interface LabelledRequest {
    readonly label: string;
    readonly request: Request;
}

export interface RuntimeSimulator {
    readonly lookup: ReturnType<typeof policyLookup>;
    /** The request as the planned principal sends it: its tags, the resource's account. */
    readonly requestOf: (
        principal: string,
        account: string,
        action: string,
        resource: string,
        context?: Record<string, string | string[]>,
    ) => Request;
    readonly ask: (request: Request) => Promise<Decision>;
}

export function runtimeSimulator(views: readonly AccountView[]): RuntimeSimulator {
    const lookup = policyLookup(views);
    return {
        lookup,
        requestOf: (principal, account, action, resource, context) => ({
            principal,
            principalTags: lookup.principalTags(principal),
            action,
            resource,
            resourceAccount: lookup.resourceAccount(resource, account),
            ...(context ? { context } : {}),
        }),
        ask: (request) =>
            decide(request, {
                identity: lookup.identity(request.principal),
                boundary: lookup.boundary(request.principal),
                resource: lookup.resourcePolicy(request.resource),
            }),
    };
}

/** Every row that applies to the caller, as the request its role sends. */
export function rowRequests<W extends { readonly roleArn: string; readonly account: string }>(
    simulator: RuntimeSimulator,
    caller: Caller<W>,
    rows: readonly CallRow<W>[],
): LabelledRequest[] {
    return rows
        .filter((row) => row.when === undefined || row.when(caller.world))
        .map((row) => {
            const resource = row.resource(caller.world);
            return {
                label: `${caller.label}: ${row.action} on ${resource} (${row.call})`,
                request: simulator.requestOf(
                    caller.world.roleArn,
                    caller.world.account,
                    row.action,
                    resource,
                    row.context?.(caller.world),
                ),
            };
        });
}

/**
 * Each of the caller's row requests that names its own value of one of `fields` (its stream, its objects),
 * with the neighbour's value in its place, in the resource and the context alike: the same call, aimed at
 * the neighbour's stream or folder. A role confined to its own must be refused every one.
 */
export function aimedAtNeighbour<W extends { readonly roleArn: string; readonly account: string }>(
    simulator: RuntimeSimulator,
    caller: Caller<W>,
    neighbour: W,
    rows: readonly CallRow<W>[],
    fields: readonly (keyof W & string)[],
): LabelledRequest[] {
    const swaps = new Map(fields.map((field) => [String(caller.world[field]), String(neighbour[field])]));
    const swap = (value: string): string => swaps.get(value) ?? value;
    const names = (request: Request) =>
        swaps.has(request.resource) ||
        Object.values(request.context ?? {})
            .flat()
            .some((value) => swaps.has(value));
    return rowRequests(simulator, caller, rows)
        .filter(({ request }) => names(request))
        .map(({ label, request }) => ({
            label: `${label}, aimed at the neighbour's: ${swap(request.resource)}`,
            request: {
                ...request,
                resource: swap(request.resource),
                resourceAccount: simulator.lookup.resourceAccount(swap(request.resource), caller.world.account),
                ...(request.context
                    ? {
                          context: Object.fromEntries(
                              Object.entries(request.context).map(([key, value]) => [
                                  key,
                                  Array.isArray(value) ? value.map(swap) : swap(value),
                              ]),
                          ),
                      }
                    : {}),
            },
        }));
}
