/**
 * Everything the plan runner needs from the Pulumi SDK beyond running a program, in one place. It uses the
 * SDK's exported runtime API only (`pulumi.runtime.setMocks`, `getMonitor`, `disconnect`, the wire-format
 * constants of `runtime/rpc`, `pulumi.log`); `tests/plan/sdk-adapter.test.ts` checks each piece, so an SDK
 * upgrade that moves one fails there with its name instead of somewhere inside a plan.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Alias } from "@pulumi/pulumi/proto/alias_pb";
import type { RegisterResourceOutputsRequest, RegisterResourceRequest, RegisterResourceResponse } from "@pulumi/pulumi/proto/resource_pb";

/** The markers of the engine's wire format (sdk/nodejs/runtime/rpc.ts), as the SDK exports them. */
export const WIRE = {
    sigKey: pulumi.runtime.specialSigKey,
    secret: pulumi.runtime.specialSecretSig,
    resource: pulumi.runtime.specialResourceSig,
    asset: pulumi.runtime.specialAssetSig,
    archive: pulumi.runtime.specialArchiveSig,
    output: pulumi.runtime.specialOutputValueSig,
    unknown: pulumi.runtime.unknownValue,
} as const;

/**
 * One `aliases` entry as the SDK sends it to the engine: a whole URN, or a spec whose empty fields the
 * engine fills from the resource itself (its name, type, parent, project and stack).
 */
export type AliasRecord =
    | { readonly urn: string }
    | { readonly name?: string; readonly type?: string; readonly stack?: string; readonly project?: string; readonly parentUrn?: string; readonly noParent?: true };

/** One resource as the program registered it, in wire form. */
export interface Registration {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    id?: string;
    parent?: string;
    protect: boolean;
    dependsOn: string[];
    provider?: string;
    aliases: AliasRecord[];
    inputs: unknown;
    outputs: unknown;
}

function aliasRecord(alias: Alias): AliasRecord {
    if (alias.hasUrn()) return { urn: alias.getUrn() };
    const spec = alias.getSpec();
    if (!spec) return {};
    return {
        ...(spec.getName() ? { name: spec.getName() } : {}),
        ...(spec.getType() ? { type: spec.getType() } : {}),
        ...(spec.getStack() ? { stack: spec.getStack() } : {}),
        ...(spec.getProject() ? { project: spec.getProject() } : {}),
        ...(spec.getParenturn() ? { parentUrn: spec.getParenturn() } : {}),
        ...(spec.getNoparent() ? { noParent: true as const } : {}),
    };
}

/**
 * Starts a mock deployment of one stack and records every registration the program makes: what the
 * program asked for (type, name, parent, options, serialized inputs) and what the mocks answered, plus
 * the outputs a component or the stack registers later. The mock monitor's own record keeps no parent,
 * options or dependencies, so the monitor the SDK exposes is wrapped instead.
 */
export async function startMockDeployment(
    mocks: pulumi.runtime.Mocks,
    project: string,
    stack: string,
    config: { values: Record<string, string>; secretKeys: string[] },
    preview: boolean,
): Promise<Map<string, Registration>> {
    await pulumi.runtime.setMocks(mocks, project, stack, preview);
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);
    const monitor = pulumi.runtime.getMonitor();
    if (!monitor) throw new Error("@pulumi/pulumi: runtime.getMonitor() returned nothing after runtime.setMocks()");
    const registrations = new Map<string, Registration>();
    // The protocol's two-argument form, the one the SDK calls (sdk/nodejs/runtime/resource.ts).
    type Callback<T> = (err: unknown, resp?: T) => void;
    const register = monitor.registerResource.bind(monitor) as unknown as (req: RegisterResourceRequest, cb: Callback<RegisterResourceResponse>) => unknown;
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor) as unknown as (req: RegisterResourceOutputsRequest, cb: Callback<unknown>) => unknown;
    Object.assign(monitor, {
        registerResource: (req: RegisterResourceRequest, cb: Callback<RegisterResourceResponse>) =>
            register(req, (err, resp) => {
                if (!err && resp) {
                    registrations.set(resp.getUrn(), {
                        urn: resp.getUrn(),
                        type: req.getType(),
                        name: req.getName(),
                        custom: req.getCustom(),
                        id: req.getCustom() ? resp.getId() : undefined,
                        parent: req.getParent() || undefined,
                        protect: req.getProtect() === true,
                        dependsOn: [...req.getDependenciesList()].sort(),
                        provider: req.getProvider() || undefined,
                        aliases: [...req.getAliasesList().map(aliasRecord), ...req.getAliasurnsList().map((urn) => ({ urn }))],
                        inputs: req.getObject()?.toJavaScript() ?? {},
                        outputs: resp.getObject()?.toJavaScript() ?? {},
                    });
                }
                cb(err, resp);
            }),
        registerResourceOutputs: (req: RegisterResourceOutputsRequest, cb: Callback<unknown>) => {
            const reg = registrations.get(req.getUrn());
            if (reg) reg.outputs = req.getOutputs()?.toJavaScript() ?? {};
            return registerOutputs(req, cb);
        },
    });
    return registrations;
}

/** Resolves once every registration the program queued has been answered (the SDK's own shutdown wait). */
export function settleRegistrations(): Promise<void> {
    return pulumi.runtime.disconnect();
}

/**
 * Routes what the SDK logs as an error (an apply that threw, an invalid input) to `onError` until the
 * returned function is called. `pulumi.log.error` is the SDK's one funnel for such errors; a deployment
 * prints them and fails, and so does a plan.
 */
export function captureSdkErrors(onError: (message: string) => void): () => void {
    const log = pulumi.log as { error: typeof pulumi.log.error };
    const original = log.error;
    log.error = async (msg: string) => onError(msg);
    return () => {
        log.error = original;
    };
}

export function sdkHasLoggedErrors(): boolean {
    return pulumi.log.hasErrors();
}
