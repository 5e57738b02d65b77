/**
 * Every AWS name this project creates starts with `tracking-<stack>-`, so the bootstrap's deployer
 * roles can be scoped to that prefix and two stacks in one account never collide.
 */
export const NAME_PREFIX = "tracking";

/** `tracking-<stack>-<part>-<part>...`, e.g. `tracking-dev-user-events-firehose`. */
export function resourceName(stack: string, ...parts: string[]): string {
    return [NAME_PREFIX, stack, ...parts].join("-");
}
