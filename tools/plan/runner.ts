/**
 * `npm run plan`: evaluates every stack's real program, from the entry point its Pulumi.yaml names and
 * with the config its Pulumi.<stack>.yaml holds, under the Pulumi SDK's mock runtime, in the order a
 * first deploy from nothing takes. Each StackReference resolves to the outputs the referenced stack's
 * plan just produced, so the cross-stack contract is checked before anyone deploys.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { hasTypeMock, mockCall, mockResource, MockContext } from "./aws-mocks";
import { AliasRecord, captureSdkErrors, sdkHasLoggedErrors, settleRegistrations, startMockDeployment, WIRE } from "./sdk-adapter";
import { ProjectFile, readProjectFile, readStackConfig, StackConfig, stackAccount, StackFileError, stackFiles } from "./stack-files";
import { PlannedAlias, PlannedResource, SECRET, StackPlan, UNKNOWN } from "./types";
import { evaluatePlans, PolicyViolation } from "../policy/evaluate";

export interface PlanOptions {
    /**
     * The environment stack of the two pipeline projects; by default every one committed (each
     * `Pulumi.<stack>.yaml` of data-platform/, which engineering/ must have too).
     */
    readonly stack?: string;
    /** Repository root (holding the top-level Pulumi.yaml). */
    readonly root?: string;
    /** Where plan files go; `plan/` under the root by default. */
    readonly outDir?: string;
    /** Write plan files (default true). */
    readonly write?: boolean;
    /** Replace a stack's config values before it runs: `{ "tracking-engineering": { "tracking-engineering:x": "1" } }`. */
    readonly configOverrides?: Record<string, Record<string, string | undefined>>;
    /** Run the programs as `pulumi preview` does (`pulumi.runtime.isDryRun()`), the default, or as `pulumi up`. */
    readonly preview?: boolean;
    /** Called after each pass (progress lines). */
    readonly onPass?: (pass: PlanPass) => void;
    /**
     * Drop exports from a stack's outputs before later stacks read them, as if the program no longer
     * exported them: `{ "tracking-data-platform/dev": ["dataKeyArn"] }`, or one entry of an object export
     * (`"pipelines.user-events"`). For testing the cross-stack contract.
     */
    readonly withoutOutputs?: Record<string, readonly string[]>;
}

export interface PlanPass {
    readonly project: string;
    readonly stack: string;
    /** What the pass stands for in a real deploy. */
    readonly purpose: string;
    readonly plan: StackPlan;
    /** Wall time of the program's evaluation. */
    readonly milliseconds: number;
}

export interface PlanResult {
    /** The final plan of every stack, in deploy order (what the plan files hold). */
    readonly plans: StackPlan[];
    /** Every program evaluation, including first-deploy passes that are not written. */
    readonly passes: PlanPass[];
}

/** A stack program failed; the message names the project, the stack (and its file) and the cause. */
export class PlanError extends Error {
    constructor(readonly project: string, readonly stack: string, readonly causes: readonly string[], readonly stackFile?: string) {
        super(`${project} (stack ${stack}${stackFile ? `, ${stackFile}` : ""}) failed:\n  ${causes.join("\n  ")}`);
        this.name = "PlanError";
    }
}

/**
 * What failed passes reported. A failed program leaves rejected promises behind (every output that
 * depended on the failure), which surface after its pass is over: one already reported is not news.
 */
const reportedFailures = new Set<string>();
/** Passes running now: each records every rejection as its own failure. */
let passesRunning = 0;

/** Whether a rejection is a running pass's failure, or repeats one a PlanError already reported. */
function isReportedFailure(reason: unknown): boolean {
    return passesRunning > 0 || reportedFailures.has(describe(reason));
}

/**
 * For a command that plans: a rejection nobody handled fails the command (exit code 1, `<command>: late
 * failure: ...`) unless it repeats a failure a pass already reported.
 */
export function failOnLateRejections(command: string): void {
    process.on("unhandledRejection", (reason) => {
        if (isReportedFailure(reason)) return;
        console.error(`${command}: late failure: ${reason instanceof Error ? reason.message : String(reason)}`);
        process.exitCode = 1;
    });
}

/**
 * A config key that names a stack deployed later in the first deploy. Such a stack is planned once
 * without it (its first deploy, before the other stack exists) and once more with it after the other
 * stack (the documented second `pulumi up`), so neither deploy needs a stack that does not exist yet.
 */
const SECOND_PASS_KEYS: Record<string, string> = {
    "tracking-data-platform": "tracking-data-platform:engineeringStack",
};

const BOOTSTRAP_DIR = ".";
const PIPELINE_PROJECT_DIRS = ["data-platform", "engineering"];

type Mode = "plan" | "reference";

/**
 * The mock monitor prefixes the root stack's type onto its children's URNs; the engine does not
 * (`urn:pulumi:dev::proj::aws:kinesis/stream:Stream::x`). Plans carry the engine's form.
 */
function engineUrn(urn: string): string {
    return urn.replace("::pulumi:pulumi:Stack$", "::");
}

/** Turns wire values into plan values: unknowns and secrets marked, keys sorted for stable diffs. */
function fromWire(value: unknown, mode: Mode, root: string): unknown {
    if (value === WIRE.unknown) return UNKNOWN;
    if (Array.isArray(value)) return value.map((v) => fromWire(v, mode, root));
    if (value === null || typeof value !== "object") return value;
    const obj = value as Record<string, unknown>;
    switch (obj[WIRE.sigKey]) {
        case WIRE.secret:
            return mode === "plan" ? SECRET : fromWire(obj.value, mode, root);
        case WIRE.resource:
            return { $resource: engineUrn(String(obj.urn)) };
        case WIRE.asset:
            return { $asset: typeof obj.path === "string" ? path.relative(root, path.resolve(obj.path)) : obj.uri ?? "<text>" };
        case WIRE.archive:
            return { $archive: typeof obj.path === "string" ? path.relative(root, path.resolve(obj.path)) : "<archive>" };
        case WIRE.output:
            if (obj.secret === true && mode === "plan") return SECRET;
            return "value" in obj ? fromWire(obj.value, mode, root) : UNKNOWN;
        default: {
            const out: Record<string, unknown> = {};
            for (const key of Object.keys(obj).sort()) out[key] = fromWire(obj[key], mode, root);
            return out;
        }
    }
}

interface RunContext extends MockContext {
    readonly root: string;
    readonly outputsByStack: Map<string, Record<string, unknown>>;
    readonly secretOutputsByStack: Map<string, string[]>;
    readonly withoutOutputs: Record<string, readonly string[]>;
    readonly preview: boolean;
}

/** `organization/<project>/<stack>`, `<org>/<project>/<stack>` and `<project>/<stack>` all name one stack. */
function stackKey(name: string): string {
    const parts = name.split("/");
    return parts.slice(-2).join("/");
}

class PlanMocks implements pulumi.runtime.Mocks {
    constructor(private readonly ctx: RunContext) {}

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
        if (args.type === "pulumi:pulumi:StackReference") {
            const name = String(args.inputs.name);
            const outputs = this.ctx.outputsByStack.get(stackKey(name));
            if (!outputs) {
                const planned = [...this.ctx.outputsByStack.keys()].join(", ") || "none";
                throw new Error(`StackReference "${name}": that stack does not exist yet at this point of the deploy order (planned so far: ${planned})`);
            }
            return { id: name, state: { name, outputs, secretOutputNames: this.ctx.secretOutputsByStack.get(stackKey(name)) ?? [] } };
        }
        if (!args.custom && !hasTypeMock(args.type)) return { id: undefined, state: {} };
        return mockResource(args.type, args.name, args.inputs as Record<string, unknown>, this.ctx);
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        return mockCall(args.token, args.inputs as Record<string, unknown>, this.ctx);
    }
}

/** Runs one stack program under the mock runtime and returns what it would create. */
async function planStack(project: ProjectFile, stack: string, config: StackConfig, ctx: RunContext, program?: () => unknown): Promise<StackPlan> {
    const account = stackAccount(config, `${project.name} (stack ${stack})`);
    const region = config.values["aws:region"];
    if (!region) throw new PlanError(project.name, stack, ["aws:region is not set in the stack file"], path.relative(process.cwd(), path.join(project.dir, `Pulumi.${stack}.yaml`)));
    const runCtx: RunContext = { ...ctx, account, region, project: project.name, stack };

    const registrations = await startMockDeployment(new PlanMocks(runCtx), project.name, stack, config, ctx.preview);

    const failures: string[] = [];
    // A rejected input leaves the SDK's keep-alive for that registration open for good, so waiting for
    // every RPC would hang: the first failure ends the wait instead.
    let reportFailure = () => {};
    const firstFailure = new Promise<void>((resolve) => (reportFailure = resolve));
    const fail = (reason: unknown) => {
        failures.push(describe(reason));
        reportedFailures.add(describe(reason));
        reportFailure();
    };
    process.on("unhandledRejection", fail);
    passesRunning++;
    const hadLoggedErrors = sdkHasLoggedErrors();
    const restoreSdkErrors = captureSdkErrors(fail);
    // The SDK records a stack trace on each of its internal promises (four per resource property) for a
    // leak report at exit that a plan never prints; capturing none halves a large plan's time. Failures
    // are reported by message, as PlanError shows them.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        forgetProgramModules(ctx.root);
        const run = pulumi.runtime.runInPulumiStack(async () => {
            if (program) return await program();
            const entry = require(project.entry) as { default?: unknown } & Record<string, unknown>;
            return typeof entry.default === "function" ? await (entry.default as () => unknown)() : entry;
        });
        await Promise.race([run.then(() => settleRegistrations()), firstFailure]);
        // Let rejections raised inside apply callbacks reach the handler before judging the run.
        await new Promise((resolve) => setImmediate(resolve));
    } catch (err) {
        fail(err);
    } finally {
        // A failed run's stragglers must land here, not in the next run's handler.
        if (failures.length > 0) await new Promise((resolve) => setTimeout(resolve, 100));
        process.off("unhandledRejection", fail);
        passesRunning--;
        restoreSdkErrors();
        Error.stackTraceLimit = stackTraceLimit;
    }
    if (!hadLoggedErrors && sdkHasLoggedErrors()) failures.push("the program logged errors (see above)");
    if (failures.length > 0) {
        throw new PlanError(project.name, stack, [...new Set(failures)], path.relative(process.cwd(), path.join(project.dir, `Pulumi.${stack}.yaml`)));
    }

    const stackUrn = [...registrations.values()].find((r) => r.type === "pulumi:pulumi:Stack")?.urn;
    const stackReg = stackUrn ? registrations.get(stackUrn) : undefined;
    const resources: PlannedResource[] = [...registrations.values()]
        .filter((r) => r.type !== "pulumi:pulumi:Stack")
        .map((r) => ({
            urn: engineUrn(r.urn),
            type: r.type,
            name: r.name,
            custom: r.custom,
            ...(r.id !== undefined ? { id: r.id } : {}),
            ...(r.parent && r.parent !== stackUrn ? { parent: engineUrn(r.parent) } : {}),
            options: {
                protect: r.protect,
                dependsOn: r.dependsOn.map(engineUrn),
                ...(r.provider ? { provider: r.provider } : {}),
                ...(r.aliases.length > 0 ? { aliases: r.aliases.map(plannedAlias) } : {}),
            },
            inputs: fromWire(r.inputs, "plan", ctx.root) as Record<string, unknown>,
            outputs: fromWire(r.outputs, "plan", ctx.root) as Record<string, unknown>,
        }))
        .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));

    const rawOutputs = (stackReg?.outputs ?? {}) as Record<string, unknown>;
    const key = `${project.name}/${stack}`;
    const referenceOutputs = fromWire(rawOutputs, "reference", ctx.root) as Record<string, unknown>;
    for (const dropped of ctx.withoutOutputs[key] ?? []) {
        const [name, entry] = dropped.split(/\.(.*)/s);
        if (entry === undefined) delete referenceOutputs[name];
        else delete (referenceOutputs[name] as Record<string, unknown> | undefined)?.[entry];
    }
    ctx.outputsByStack.set(key, referenceOutputs);
    ctx.secretOutputsByStack.set(key, Object.keys(rawOutputs).filter((k) => isSecretWire(rawOutputs[k])));
    return { project: project.name, stack, account, region, resources, outputs: fromWire(rawOutputs, "plan", ctx.root) as Record<string, unknown> };
}

/** An alias with its URNs in the engine's form, as the plan's own URNs are. */
function plannedAlias(alias: AliasRecord): PlannedAlias {
    if ("urn" in alias) return { urn: engineUrn(alias.urn) };
    return alias.parentUrn ? { ...alias, parentUrn: engineUrn(alias.parentUrn) } : alias;
}

function isSecretWire(value: unknown): boolean {
    if (value === null || typeof value !== "object") return false;
    const obj = value as Record<string, unknown>;
    return obj[WIRE.sigKey] === WIRE.secret || (obj[WIRE.sigKey] === WIRE.output && obj.secret === true);
}

function describe(err: unknown): string {
    if (err instanceof Error) return err.message;
    return String(err);
}

/** Programs run once per pass: forget their compiled modules (not the shared library's) between passes. */
function forgetProgramModules(root: string): void {
    const programDirs = ["bootstrap", ...PIPELINE_PROJECT_DIRS].map((d) => path.join(root, "build", d) + path.sep);
    for (const file of Object.keys(require.cache)) {
        if (programDirs.some((dir) => file.startsWith(dir))) delete require.cache[file];
    }
}

/** The repository root: the folder holding the top-level (bootstrap) Pulumi.yaml and package.json. */
export function repoRoot(): string {
    return path.resolve(__dirname, "..", "..", "..");
}

/**
 * The environment stacks committed for the two pipeline projects: every `Pulumi.<stack>.yaml` of either.
 * A stack has a file in both or the deploy order breaks (engineering reads data-platform's outputs and
 * data-platform's second pass reads engineering's), so a file in one project only is an error naming it.
 */
export function environmentStacks(projects: readonly ProjectFile[]): string[] {
    const stacks = [...new Set(projects.flatMap((project) => stackFiles(project)))].sort();
    const missing = projects.flatMap((project) => stacks.filter((stack) => !stackFiles(project).includes(stack)).map((stack) => path.relative(process.cwd(), path.join(project.dir, `Pulumi.${stack}.yaml`))));
    if (missing.length > 0) {
        throw new StackFileError(`every environment stack needs a file in both ${PIPELINE_PROJECT_DIRS.join("/ and ")}/: ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing`);
    }
    return stacks;
}

export async function runPlan(options: PlanOptions = {}): Promise<PlanResult> {
    const root = options.root ?? repoRoot();
    const ctx: RunContext = { root, account: "", region: "", project: "", stack: "", outputsByStack: new Map(), secretOutputsByStack: new Map(), withoutOutputs: options.withoutOutputs ?? {}, preview: options.preview ?? true };
    const passes: PlanPass[] = [];
    const finalPlans = new Map<string, StackPlan>();

    const configFor = (project: ProjectFile, stack: string): StackConfig => {
        const config = readStackConfig(project, stack);
        const overrides = options.configOverrides?.[project.name] ?? {};
        const values = { ...config.values };
        for (const [k, v] of Object.entries(overrides)) {
            if (v === undefined) delete values[k];
            else values[k] = v;
        }
        return { values, secretKeys: config.secretKeys };
    };
    const run = async (project: ProjectFile, stack: string, config: StackConfig, purpose: string) => {
        const started = Date.now();
        const plan = await planStack(project, stack, config, ctx);
        const pass = { project: project.name, stack, purpose, plan, milliseconds: Date.now() - started };
        passes.push(pass);
        options.onPass?.(pass);
        finalPlans.set(`${project.name}/${stack}`, plan);
        return plan;
    };

    // Every stack file is read before the first pass, so a missing stack or a YAML mistake fails at once.
    const pipelineProjects = PIPELINE_PROJECT_DIRS.map((dir) => readProjectFile(path.join(root, dir)));
    const envStacks = options.stack !== undefined ? [options.stack] : environmentStacks(pipelineProjects);
    const configsByStack = envStacks.map((envStack) => ({ envStack, configs: pipelineProjects.map((project) => configFor(project, envStack)) }));

    // 1. The bootstrap: one stack per account, independent of the environment stacks.
    const bootstrap = readProjectFile(path.join(root, BOOTSTRAP_DIR));
    for (const stack of stackFiles(bootstrap)) await run(bootstrap, stack, configFor(bootstrap, stack), "bootstrap (deployed once per account)");

    // 2. Per environment stack: data-platform, then engineering; a stack that names a later one gets its
    // second pass after it.
    for (const { envStack, configs: pipelineConfigs } of configsByStack) {
        const deferred: Array<{ project: ProjectFile; config: StackConfig }> = [];
        for (const [index, project] of pipelineProjects.entries()) {
            const config = pipelineConfigs[index];
            const laterKey = SECOND_PASS_KEYS[project.name];
            if (laterKey && config.values[laterKey] !== undefined) {
                const firstDeploy = { values: { ...config.values }, secretKeys: config.secretKeys };
                delete firstDeploy.values[laterKey];
                await run(project, envStack, firstDeploy, `first deploy (without ${laterKey})`);
                deferred.push({ project, config });
            } else {
                await run(project, envStack, config, "deploy");
            }
        }
        for (const { project, config } of deferred) await run(project, envStack, config, `second pass (with ${SECOND_PASS_KEYS[project.name]})`);
    }

    const plans = [...finalPlans.values()];
    if (options.write !== false) {
        const outDir = options.outDir ?? path.join(root, "plan");
        fs.mkdirSync(outDir, { recursive: true });
        for (const plan of plans) fs.writeFileSync(planFileName(outDir, plan), JSON.stringify(plan, null, 2) + "\n");
    }
    return { plans, passes };
}

/**
 * Plans a program given as a function, exactly as `npm run plan` plans a stack's entry point, with the
 * stack config given as `namespace:key` values (`aws:allowedAccountIds` and `aws:region` required). For
 * tests that compare what two versions of the code would do to one deployed stack.
 */
export async function planProgram(
    program: () => unknown,
    options: { project: string; stack: string; config: Record<string, string>; root?: string; preview?: boolean },
): Promise<StackPlan> {
    const root = options.root ?? repoRoot();
    const ctx: RunContext = { root, account: "", region: "", project: "", stack: "", outputsByStack: new Map(), secretOutputsByStack: new Map(), withoutOutputs: {}, preview: options.preview ?? true };
    const project: ProjectFile = { name: options.project, dir: root, entry: "" };
    return planStack(project, options.stack, { values: options.config, secretKeys: [] }, ctx, program);
}

export function planFileName(outDir: string, plan: { project: string; stack: string }): string {
    return path.join(outDir, `${plan.project}.${plan.stack}.json`);
}

/**
 * What `npm run plan` does, end to end: every pass planned (files written unless `write: false`), then the
 * policy pack over every pass, the first-deploy ones included - each is a deploy someone will run. A
 * violation found in two passes is reported once. `npm run bench` times exactly this.
 */
export async function planAndEnforce(options: PlanOptions = {}): Promise<{ result: PlanResult; violations: PolicyViolation[] }> {
    const result = await runPlan(options);
    const seen = new Set<string>();
    const violations = evaluatePlans(result.passes.map((p) => p.plan)).filter((v) => {
        const key = `${v.policy}|${v.project}|${v.stack}|${v.urn}|${v.message}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
    });
    return { result, violations };
}
