import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../shared/config";

/** Config changes over a valid base: `key` (bare keys belong to the project) -> value, undefined removes it. */
export type ConfigChanges = Record<string, string | undefined>;

const mocks: pulumi.runtime.Mocks = {
    newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
    call: () => ({}),
};

/**
 * Loads one project's config module as the CLI would run it (stack `stack`, values of `valid` changed by
 * the test), and reads back the problems a ConfigError lists.
 */
export function configTestKit<T>(namespace: string, valid: Readonly<Record<string, string>>, loader: () => T) {
    const qualified = (key: string) => (key.includes(":") ? key : `${namespace}:${key}`);

    /** Loads exactly `values` (e.g. a committed stack file's), nothing of `valid`. */
    async function loadValues(values: Readonly<Record<string, string>>, stack = "dev"): Promise<T> {
        await pulumi.runtime.setMocks(mocks, namespace, stack, true);
        pulumi.runtime.setAllConfig({ ...values });
        return loader();
    }

    async function load(changes: ConfigChanges = {}, stack = "dev"): Promise<T> {
        const values: Record<string, string> = { ...valid };
        for (const [key, value] of Object.entries(changes)) {
            if (value === undefined) delete values[qualified(key)];
            else values[qualified(key)] = value;
        }
        return loadValues(values, stack);
    }

    /** The problems the ConfigError lists; fails the test if the config loads. */
    async function problems(changes: ConfigChanges, stack = "dev"): Promise<readonly string[]> {
        try {
            await load(changes, stack);
        } catch (err) {
            expect(err).to.be.instanceOf(ConfigError);
            return (err as ConfigError).problems;
        }
        throw new Error(`the configuration ${JSON.stringify(changes)} loaded, but it breaks a rule`);
    }

    /** Exactly one problem, naming the key (fully qualified) and matching the rule. */
    async function expectProblem(changes: ConfigChanges, key: string, rule: RegExp, stack = "dev"): Promise<void> {
        const found = await problems(changes, stack);
        expect(found, JSON.stringify(found)).to.have.length(1);
        expect(found[0].startsWith(`${qualified(key)}: `), found[0]).to.equal(true);
        expect(found[0]).to.match(rule);
    }

    return { load, loadValues, problems, expectProblem };
}
