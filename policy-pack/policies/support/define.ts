/**
 * How every policy of this pack is declared: one check over plain properties, wrapped into the
 * `ResourceValidationPolicy` / `StackValidationPolicy` shapes CrossGuard runs. The offline evaluator
 * (tools/policy/evaluate.ts) drives these same objects, so each rule has exactly one implementation.
 *
 * Only types are imported from @pulumi/policy: its runtime pulls in the analyzer's gRPC server, which
 * only the pack entry point (policy-pack/index.ts) may start. Checks are synchronous, so the offline
 * evaluator can run inside `npm run plan` without turning it async.
 */
import type {
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";
import { ownAccountFromProvider } from "./account";
import { BaseConfig, exceptionAwareReporter, EXCEPTIONS_SCHEMA } from "./exceptions";
import { asObject, PlainObject, toPlain, Undetermined, Unknown } from "./plain";

/** A control of AWS Security Hub's Foundational Security Best Practices standard (or related). */
export interface SecurityHubControl {
    readonly id: string;
    readonly title: string;
}

interface PolicySpec {
    readonly name: string;
    /** What the policy checks, in one or two sentences. */
    readonly description: string;
    readonly control?: SecurityHubControl;
    readonly severity: Severity;
    /** How to fix a violation. */
    readonly remediation: string;
    /** Policy-specific config, besides `enforcementLevel` and `exceptions`. */
    readonly configProperties?: Record<string, PolicyConfigJSONSchema>;
}

/** One resource as every check sees it. */
interface CheckedResource {
    readonly type: string;
    readonly urn: string;
    readonly name: string;
    readonly props: PlainObject;
    readonly protect: boolean;
    /** The account the resource deploys into: UNKNOWN during some previews, undefined when nothing says. */
    readonly ownAccount: string | Unknown | undefined;
}

/** What a resource check sees. */
export interface ResourceContext<C extends object> extends CheckedResource {
    readonly config: Partial<C> & BaseConfig;
    readonly undetermined: Undetermined;
    /** Reports a violation; `statement` (an IAM statement) lets a config exception name it by Sid. */
    report(message: string, statement?: { readonly sid?: string }): void;
}

/** One resource of the stack, as a stack check sees it; `props` are its outputs (CrossGuard runs stack policies after the resources are planned). */
export interface StackResource extends CheckedResource {
    /** For each input property, the URNs of the resources its value came from. */
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

export interface StackContext<C extends object> {
    readonly resources: readonly StackResource[];
    readonly config: Partial<C> & BaseConfig;
    readonly undetermined: Undetermined;
    report(resource: StackResource, message: string): void;
}

/** The names of this pack's Security Hub references, used in each description. */
function describe(spec: PolicySpec): string {
    const control = spec.control ? ` Security Hub control ${spec.control.id}: ${spec.control.title}.` : "";
    return `${spec.description}${control}`;
}

function configSchema(spec: PolicySpec): ResourceValidationPolicy["configSchema"] {
    return { properties: { exceptions: EXCEPTIONS_SCHEMA, ...(spec.configProperties ?? {}) } };
}

/** Pack-wide default: a violation blocks the deployment unless config says otherwise. */
export const DEFAULT_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

export interface PackResourcePolicy extends ResourceValidationPolicy {
    /** The Security Hub control, for the README table and the CLI. */
    readonly control?: SecurityHubControl;
    /** The resource types the policy looks at; "any" when config decides (the check filters itself). */
    readonly resourceTypes: readonly string[] | "any";
}

export interface PackStackPolicy extends StackValidationPolicy {
    readonly control?: SecurityHubControl;
    readonly resourceTypes: readonly string[];
}

export type PackPolicy = PackResourcePolicy | PackStackPolicy;

/** A resource as every check sees it, from CrossGuard's view of it (resource- and stack-level alike). */
function checkedResource(resource: ResourceValidationArgs | PolicyResource): CheckedResource {
    return {
        type: resource.type,
        urn: resource.urn,
        name: resource.name,
        props: asObject(toPlain(resource.props)) ?? {},
        protect: resource.opts?.protect === true,
        ownAccount: ownAccountFromProvider(resource.provider ? asObject(toPlain(resource.provider.props)) : undefined),
    };
}

/** What CrossGuard shows and validates of every policy, resource- or stack-level alike. */
function policyMetadata<T extends readonly string[] | "any">(spec: PolicySpec, resourceTypes: T) {
    return {
        name: spec.name,
        description: describe(spec),
        severity: spec.severity,
        remediationSteps: spec.remediation,
        configSchema: configSchema(spec),
        control: spec.control,
        resourceTypes,
    };
}

export function resourcePolicy<C extends object = object>(
    spec: PolicySpec & {
        readonly types: readonly string[] | "any";
        check(context: ResourceContext<C>): void;
    },
): PackResourcePolicy {
    const types = spec.types === "any" ? undefined : new Set(spec.types);
    return {
        ...policyMetadata(spec, spec.types),
        validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
            if (types !== undefined && !types.has(args.type)) return;
            const config = (args.getConfig<object>() ?? {}) as Partial<C> & BaseConfig;
            const report = exceptionAwareReporter(spec.name, config, reportViolation);
            const undetermined = new Undetermined();
            const target = { urn: args.urn, name: args.name };
            spec.check({
                ...checkedResource(args),
                config,
                undetermined,
                report: (message, statement) => report({ ...target, sid: statement?.sid }, message),
            });
            undetermined.finish();
        },
    };
}

function dependencyUrns(resource: PolicyResource): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    for (const [property, resources] of Object.entries(resource.propertyDependencies ?? {})) {
        result[property] = resources.map((r) => r.urn);
    }
    return result;
}

export function stackPolicy<C extends object = object>(
    spec: PolicySpec & {
        /** Every type the check reads (the resources it judges and their companions). */
        readonly types: readonly string[];
        check(context: StackContext<C>): void;
    },
): PackStackPolicy {
    const types = new Set(spec.types);
    return {
        ...policyMetadata(spec, spec.types),
        validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
            const config = (args.getConfig<object>() ?? {}) as Partial<C> & BaseConfig;
            const report = exceptionAwareReporter(spec.name, config, reportViolation);
            const undetermined = new Undetermined();
            // Only the types the check reads are copied: copying every resource for every policy is most of the cost.
            const resources: StackResource[] = args.resources
                .filter((resource) => types.has(resource.type))
                .map((resource) => ({
                    ...checkedResource(resource),
                    propertyDependencies: dependencyUrns(resource),
                }));
            spec.check({
                resources,
                config,
                undetermined,
                report: (resource, message) => report(resource, message, true),
            });
            undetermined.finish();
        },
    };
}

export function isStackPolicy(policy: PackPolicy): policy is PackStackPolicy {
    return "validateStack" in policy;
}
