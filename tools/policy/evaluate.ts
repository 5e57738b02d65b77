/**
 * Runs the policy pack over plan files, offline: the same policy objects CrossGuard serves
 * (policy-pack/policies), driven with argument objects shaped like the analyzer's, so every rule has one
 * implementation. What of the engine it mirrors: docs/design.md, "The offline policy evaluation".
 */
import * as fs from "fs";
import * as path from "path";
import Ajv, { ValidateFunction } from "ajv";
import type {
    EnforcementLevel,
    PolicyPackConfig,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidation,
    ResourceValidationArgs,
    StackValidationArgs,
} from "@pulumi/policy";
import {
    isStackPolicy,
    PACK_ENFORCEMENT_LEVEL,
    PackPolicy,
    policies as packPolicies,
} from "../../policy-pack/policies";
import { isUnknownValueError, policyProxy } from "../../policy-pack/policies/support/plain";
import { PlannedResource, SECRET, StackPlan, UNKNOWN } from "../plan/types";

export interface PolicyViolation {
    readonly policy: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly project: string;
    readonly stack: string;
    /** The resource in violation; the stack's own URN for a stack-wide finding. */
    readonly urn: string;
    readonly message: string;
}

/** A policy that could not judge a resource because a value it needs is unknown in the plan. */
export interface UndeterminedCheck {
    readonly policy: string;
    readonly project: string;
    readonly stack: string;
    readonly urn: string;
    readonly message: string;
}

export interface PolicyEvaluation {
    readonly violations: PolicyViolation[];
    readonly undetermined: UndeterminedCheck[];
}

/** The pack config is invalid; `problems` name the policy, the field and the rule broken. */
export class PolicyConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`invalid policy pack config:\n  ${problems.join("\n  ")}`);
        this.name = "PolicyConfigError";
    }
}

/** policy-pack/policy-config.json, the file `pulumi up --policy-pack-config` takes. */
export const DEFAULT_CONFIG_FILE = path.resolve(__dirname, "..", "..", "..", "policy-pack", "policy-config.json");

export function loadPackConfig(file: string = DEFAULT_CONFIG_FILE): PolicyPackConfig {
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new PolicyConfigError([`${file}: ${(error as Error).message}`]);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
        throw new PolicyConfigError([`${file}: must be a JSON object keyed by policy name`]);
    return parsed as PolicyPackConfig;
}

const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

let validators: Map<string, ValidateFunction> | undefined;

/** One JSON schema validator per policy: its configSchema plus `enforcementLevel`, as the CLI checks it. */
function configValidators(policies: readonly PackPolicy[]): Map<string, ValidateFunction> {
    if (validators !== undefined && policies === packPolicies) return validators;
    // Compiled once per run for a handful of validations: the generated code is not worth optimising.
    const ajv = new Ajv({ allErrors: true, strict: false, code: { optimize: false } });
    const built = new Map<string, ValidateFunction>();
    // Most policies take only `exceptions`: compile each distinct schema once (compiling is the slow part).
    const bySchema = new Map<string, ValidateFunction>();
    for (const policy of policies) {
        const schema = {
            type: "object",
            properties: {
                enforcementLevel: { enum: [...ENFORCEMENT_LEVELS] },
                ...(policy.configSchema?.properties ?? {}),
            },
            required: policy.configSchema?.required ?? [],
            additionalProperties: false,
        };
        const key = JSON.stringify(schema);
        let validate = bySchema.get(key);
        if (validate === undefined) {
            validate = ajv.compile(schema);
            bySchema.set(key, validate);
        }
        built.set(policy.name, validate);
    }
    if (policies === packPolicies) validators = built;
    return built;
}

/** Every problem with `config`, each naming the policy, the field and the rule; empty when valid. */
export function validatePackConfig(config: PolicyPackConfig, policies: readonly PackPolicy[] = packPolicies): string[] {
    const problems: string[] = [];
    const byName = configValidators(policies);
    for (const [name, value] of Object.entries(config)) {
        const validate = byName.get(name);
        if (validate === undefined) {
            problems.push(`"${name}": no policy of this pack has that name`);
            continue;
        }
        const object = typeof value === "string" ? { enforcementLevel: value } : value;
        if (!validate(object)) {
            for (const error of validate.errors ?? []) {
                const at = error.instancePath === "" ? "" : error.instancePath.slice(1).replace(/\//g, ".");
                const detail =
                    error.keyword === "additionalProperties"
                        ? `unknown field "${String(error.params.additionalProperty)}"`
                        : error.message;
                problems.push(`"${name}"${at ? `.${at}` : ""}: ${detail}`);
            }
        }
    }
    return problems;
}

function normalizedConfig(
    config: PolicyPackConfig,
    name: string,
): { level?: EnforcementLevel; properties: Record<string, unknown> } {
    const value = config[name];
    if (value === undefined) return { properties: {} };
    if (typeof value === "string") return { level: value, properties: {} };
    const { enforcementLevel, ...properties } = value;
    return { level: enforcementLevel, properties };
}

/** Plan values the engine would not know become the analyzer's unknown sentinel. */
function withSentinels(value: unknown): unknown {
    if (value === UNKNOWN || value === SECRET) return policyProxy.unknownStringValue;
    if (Array.isArray(value)) return value.map(withSentinels);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, withSentinels(v)]),
        );
    }
    return value;
}

function holdsUnknown(value: unknown): boolean {
    if (value === UNKNOWN || value === SECRET) return true;
    if (Array.isArray(value)) return value.some(holdsUnknown);
    if (value !== null && typeof value === "object")
        return Object.values(value as Record<string, unknown>).some(holdsUnknown);
    return false;
}

/**
 * What the analyzer hands a policy: values behind its unknown-checking proxy, which throws when a policy
 * reads a value the engine cannot know yet. Values with nothing unknown in them are handed over as they
 * are: there the proxy could never throw, and wrapping every nested read in a new proxy was most of the
 * evaluation's time. (The support code's `toPlain` reads both alike.)
 */
function proxied(value: Record<string, unknown>): Record<string, unknown> {
    if (!holdsUnknown(value)) return value;
    return policyProxy.unknownCheckingProxy(withSentinels(value) as Record<string, unknown>);
}

function options(resource: PlannedResource): PolicyResourceOptions {
    return {
        protect: resource.options.protect === true,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
        parent: resource.parent,
    };
}

/** The provider a resource uses, with the account the plan deploys into when the provider does not name one. */
function providerOf(
    plan: StackPlan,
    resource: PlannedResource,
    byUrn: ReadonlyMap<string, PlannedResource>,
): PolicyProviderResource | undefined {
    if (!resource.custom || resource.type.startsWith("pulumi:providers:")) return undefined;
    const reference = resource.options.provider;
    const providerUrn =
        reference !== undefined && reference.includes("::")
            ? reference.slice(0, reference.lastIndexOf("::"))
            : reference;
    const explicit = providerUrn !== undefined ? byUrn.get(providerUrn) : undefined;
    const inputs: Record<string, unknown> = { region: plan.region, ...(explicit?.inputs ?? {}) };
    if (inputs.allowedAccountIds === undefined && inputs.assumeRole === undefined && inputs.assumeRoles === undefined) {
        inputs.allowedAccountIds = [plan.account];
    }
    const type = explicit?.type ?? `pulumi:providers:${resource.type.split(":")[0]}`;
    return {
        type,
        props: proxied(inputs),
        urn: providerUrn ?? `urn:pulumi:${plan.stack}::${plan.project}::${type}::default`,
        name: explicit?.name ?? "default",
    };
}

class NotApplicable extends Error {}

function typeMatcher(type: string) {
    return (resourceClass: unknown) => (resourceClass as { __pulumiType?: string } | undefined)?.__pulumiType === type;
}

function stackUrn(plan: StackPlan): string {
    const stack = plan.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    return (
        stack?.urn ?? `urn:pulumi:${plan.stack}::${plan.project}::pulumi:pulumi:Stack::${plan.project}-${plan.stack}`
    );
}

function assertSynchronous(result: unknown, policy: string): void {
    if (result !== undefined && typeof (result as { then?: unknown }).then === "function") {
        throw new Error(`policy "${policy}" returned a Promise; the offline evaluator runs policies synchronously`);
    }
}

interface Sink {
    violation(urn: string, message: string): void;
    undetermined(urn: string, message: string): void;
}

/** Runs one validation, sorting what it throws: unknown -> undetermined, not applicable -> nothing. */
function run(policy: string, urn: string, sink: Sink, validate: () => unknown): void {
    try {
        assertSynchronous(validate(), policy);
    } catch (error) {
        if (isUnknownValueError(error))
            sink.undetermined(urn, `cannot judge during preview: ${(error as Error).message}`);
        else if (error instanceof NotApplicable) return;
        else
            throw new Error(`policy "${policy}" failed on ${urn}: ${(error as Error).stack ?? String(error)}`, {
                cause: error,
            });
    }
}

/** What every resource policy sees of one resource; built once per plan and shared by the policies. */
interface ResourceView {
    readonly resource: PlannedResource;
    readonly props: Record<string, unknown>;
    readonly opts: PolicyResourceOptions;
    readonly provider: PolicyProviderResource | undefined;
}

function evaluatePlan(
    plan: StackPlan,
    config: PolicyPackConfig,
    policies: readonly PackPolicy[],
    result: PolicyEvaluation,
): void {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const notApplicable = (reason?: string): never => {
        throw new NotApplicable(reason);
    };
    let views: ResourceView[] | undefined;
    const resourceViews = (): ResourceView[] =>
        (views ??= plan.resources.map((resource) => ({
            resource,
            props: proxied(resource.inputs),
            opts: options(resource),
            provider: providerOf(plan, resource, byUrn),
        })));
    let stackView: PolicyResource[] | undefined;
    const stackResources = (): PolicyResource[] => (stackView ??= buildStackResources());
    const buildStackResources = (): PolicyResource[] => {
        const built = new Map<string, PolicyResource>();
        for (const resource of plan.resources) {
            const props = proxied({ id: resource.id, ...resource.outputs });
            built.set(resource.urn, {
                type: resource.type,
                props,
                urn: resource.urn,
                name: resource.name,
                opts: options(resource),
                provider: providerOf(plan, resource, byUrn),
                dependencies: [],
                propertyDependencies: {},
                isType: typeMatcher(resource.type),
                asType: ((resourceClass: unknown) =>
                    typeMatcher(resource.type)(resourceClass) ? props : undefined) as PolicyResource["asType"],
            });
        }
        for (const resource of plan.resources) {
            const entry = built.get(resource.urn) as PolicyResource;
            if (resource.parent) entry.parent = built.get(resource.parent);
            entry.dependencies = resource.options.dependsOn
                .map((urn) => built.get(urn))
                .filter((r): r is PolicyResource => r !== undefined);
        }
        return [...built.values()];
    };

    for (const policy of policies) {
        const { level: configured, properties } = normalizedConfig(config, policy.name);
        let level = configured ?? policy.enforcementLevel ?? PACK_ENFORCEMENT_LEVEL;
        if (level === "disabled") continue;
        if (level === "remediate") level = "mandatory";
        const enforcementLevel = level;
        const getConfig = <T extends object>() => ({ ...properties }) as T;
        const sink: Sink = {
            violation: (urn, message) =>
                result.violations.push({
                    policy: policy.name,
                    enforcementLevel,
                    project: plan.project,
                    stack: plan.stack,
                    urn,
                    message,
                }),
            undetermined: (urn, message) =>
                result.undetermined.push({
                    policy: policy.name,
                    project: plan.project,
                    stack: plan.stack,
                    urn,
                    message,
                }),
        };

        if (isStackPolicy(policy)) {
            const args: StackValidationArgs = {
                resources: stackResources(),
                stackTags: new Map(),
                getConfig,
                notApplicable,
            };
            const fallbackUrn = stackUrn(plan);
            run(policy.name, fallbackUrn, sink, () =>
                policy.validateStack(args, (message, urn) => sink.violation(urn ?? fallbackUrn, message)),
            );
            continue;
        }
        const validations: ResourceValidation[] = Array.isArray(policy.validateResource)
            ? policy.validateResource
            : policy.validateResource
              ? [policy.validateResource]
              : [];
        for (const { resource, props, opts, provider } of resourceViews()) {
            const args: ResourceValidationArgs = {
                type: resource.type,
                props,
                urn: resource.urn,
                name: resource.name,
                opts,
                provider,
                stackTags: new Map(),
                isType: typeMatcher(resource.type),
                asType: ((resourceClass: unknown) =>
                    typeMatcher(resource.type)(resourceClass) ? props : undefined) as ResourceValidationArgs["asType"],
                getConfig,
                notApplicable,
            };
            for (const validate of validations) {
                // The resource's URN is always the one reported, as the analyzer does for resource policies.
                run(policy.name, resource.urn, sink, () =>
                    validate(args, (message) => sink.violation(resource.urn, message)),
                );
            }
        }
    }
}

/**
 * Every violation and every undetermined check of the pack over `plans`. Throws PolicyConfigError when
 * the config is invalid (for example an exception without a reason), as the Pulumi CLI refuses to run.
 */
export function evaluatePlansDetailed(
    plans: readonly StackPlan[],
    config: PolicyPackConfig = loadPackConfig(),
    policies: readonly PackPolicy[] = packPolicies,
): PolicyEvaluation {
    const problems = validatePackConfig(config, policies);
    if (problems.length > 0) throw new PolicyConfigError(problems);
    const result: PolicyEvaluation = { violations: [], undetermined: [] };
    for (const plan of plans) evaluatePlan(plan, config, policies, result);
    return result;
}

/** The violations of the pack over `plans` (config: policy-pack/policy-config.json by default). */
export function evaluatePlans(plans: readonly StackPlan[], config?: PolicyPackConfig): PolicyViolation[] {
    return evaluatePlansDetailed(plans, config).violations;
}
