import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { checkDataKeyArn, checkDataPlatformPipelines } from "../../engineering/data-platform";
import { nearestKey } from "../../shared/config";
import { buildPolicyDocument } from "../../shared/iam";
import { parseFlags, UsageError } from "../../tools/cli-args";
import { repoRoot } from "../../tools/plan/runner";
import { scratchCopy } from "../support/scratch";

/**
 * What a user sees when something is wrong: one message per mistake, naming the file, key or resource and
 * the rule. The command-line runs use a scratch copy of the repository whose stack files they break.
 */

const DP_STACK = "organization/tracking-data-platform/dev";

function run(root: string, tool: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, [path.join(root, "build", "tools", ...tool.split("/")), ...args], { cwd: root, encoding: "utf8" });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function occurrences(text: string, needle: string): number {
    return text.split(needle).length - 1;
}

describe("errors: one clear message per mistake", function () {
    describe("npm run plan on broken stack files", function () {
        const root = repoRoot();
        let scratch: string;
        let engineeringFile: string;
        let original: string;

        before(() => {
            scratch = scratchCopy(root, "plan-errors");
            engineeringFile = path.join(scratch, "engineering", "Pulumi.dev.yaml");
            original = fs.readFileSync(engineeringFile, "utf8");
        });
        afterEach(() => fs.writeFileSync(engineeringFile, original));
        after(() => fs.rmSync(scratch, { recursive: true, force: true }));

        it("a misspelled key fails naming the key, the stack file and the nearest valid key, once", () => {
            fs.writeFileSync(engineeringFile, original.replace("tracking-engineering:firehoseBufferSeconds:", "tracking-engineering:firehoseBufferSecond:") + "  tracking-engineering:streamMod: ON_DEMAND\n");
            const { status, stderr } = run(scratch, "plan/cli.js", []);
            expect(status).to.equal(1);
            expect(stderr).to.include("engineering/Pulumi.dev.yaml");
            expect(stderr).to.include("tracking-engineering:firehoseBufferSecond: is not a key of this project (did you mean firehoseBufferSeconds?)");
            expect(stderr).to.include("tracking-engineering:streamMod: is not a key of this project (did you mean streamMode?)");
            expect(occurrences(stderr, "firehoseBufferSecond:"), stderr).to.equal(1);
            expect(stderr).to.not.include("late failure");
        });

        it("a YAML mistake names the file, line and column before any pass runs", () => {
            fs.writeFileSync(engineeringFile, original.replace("\n  aws:region:", "\n aws:region:"));
            const { status, stderr } = run(scratch, "plan/cli.js", []);
            expect(status).to.equal(1);
            expect(stderr).to.match(/^plan failed: engineering\/Pulumi\.dev\.yaml:\d+:\d+: invalid YAML: /m);
            expect(stderr, "no pass ran").to.not.match(/^plan: tracking-/m);
            expect(stderr, "no stack trace").to.not.match(/^\s+at /m);
        });

        it("a stack file in one pipeline project only fails the default plan, naming the missing file, before any pass runs", () => {
            const lonely = path.join(scratch, "data-platform", "Pulumi.solo.yaml");
            fs.copyFileSync(path.join(scratch, "data-platform", "Pulumi.dev.yaml"), lonely);
            try {
                const { status, stderr } = run(scratch, "plan/cli.js", []);
                expect(status).to.equal(1);
                expect(stderr.trim()).to.equal("plan failed: every environment stack needs a file in both data-platform/ and engineering/: engineering/Pulumi.solo.yaml is missing");
            } finally {
                fs.rmSync(lonely);
            }
        });

        it("plans every committed environment stack by default, and only the one --stack names", () => {
            const all = run(scratch, "plan/cli.js", ["--out", path.join(scratch, "plan-all")]);
            expect(all.status, all.stderr).to.equal(0);
            const stacks = fs.readdirSync(path.join(scratch, "data-platform")).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => s !== undefined);
            expect(stacks.length, "committed environment stacks").to.be.greaterThan(1);
            for (const stack of stacks) {
                for (const project of ["tracking-data-platform", "tracking-engineering"]) expect(all.stdout, `${project}.${stack}`).to.include(`plan-all/${project}.${stack}.json`);
            }
            const one = run(scratch, "plan/cli.js", ["--stack", "dev", "--out", path.join(scratch, "plan-dev")]);
            expect(one.status, one.stderr).to.equal(0);
            expect(fs.readdirSync(path.join(scratch, "plan-dev")).filter((f) => !f.startsWith("tracking-bootstrap.")).sort()).to.deep.equal(["tracking-data-platform.dev.json", "tracking-engineering.dev.json"]);
        });

        it("an unknown stack or flag is one line and the usage, never a stack trace", () => {
            const prod = run(scratch, "plan/cli.js", ["--stack", "prod"]);
            expect(prod.status).to.equal(1);
            expect(prod.stderr.trim()).to.match(/^plan failed: tracking-data-platform has no stack "prod": data-platform\/Pulumi\.prod\.yaml does not exist \(its stacks: ([a-z0-9]+, )*dev/);
            expect(prod.stderr).to.not.match(/^\s+at /m);
            const cost = run(scratch, "cost/cli.js", ["--events-per-second", "1", "--stack", "prod"]);
            expect(cost.status).to.equal(1);
            expect(cost.stderr).to.match(/^cost: no stack file engineering\/Pulumi\.prod\.yaml /);
            const flag = run(scratch, "plan/cli.js", ["--stak", "dev"]);
            expect(flag.status).to.equal(2);
            expect(flag.stderr).to.equal("plan: unknown flag --stak (did you mean --stack?)\nusage: npm run plan -- [--stack NAME] [--out DIR]\n");
        });

        it("every tool answers --help on stdout with its flags, and exits 0 without running", () => {
            for (const [tool, flag] of [["plan/cli.js", "--stack NAME"], ["policy-cli.js", "--config FILE"], ["cost/cli.js", "--events-per-second N"], ["diagram/cli.js", "--check"]]) {
                const { status, stdout, stderr } = run(scratch, tool, ["--help"]);
                expect(status, `${tool}: ${stderr}`).to.equal(0);
                expect(stdout, tool).to.match(/^usage: npm run \w+ -- /).and.include(flag).and.include("--help, -h");
            }
            expect(run(scratch, "cost/cli.js", ["-h"]).stdout, "a required flag has no brackets").to.match(/^usage: npm run cost -- --events-per-second N \[--event-bytes B\]/);
        });
    });

    describe("the cross-stack contract names the config key to fix and the rule", () => {
        const keyIn = (region: string, account: string) => `arn:aws:kms:${region}:${account}:key/f92c1c0f-446b-4784-af56-e9bbee8f3b11`;

        it("a wrong dataPlatformAccountId", () => {
            expect(() => checkDataKeyArn(DP_STACK, keyIn("eu-central-1", "222222222222"), "aws", "eu-central-1", "333333333333")).to.throw(
                /export "dataKeyArn" is a key of account 222222222222, but tracking-engineering:dataPlatformAccountId is 333333333333: set dataPlatformAccountId to 222222222222 .*the rule: /,
            );
        });

        it("stacks in two regions", () => {
            expect(() => checkDataKeyArn(DP_STACK, keyIn("eu-central-1", "222222222222"), "aws", "eu-west-1", "222222222222")).to.throw(
                /is a key of region eu-central-1, but this stack's aws:region is eu-west-1: set aws:region to the same region in both stack files; the rule: both stacks deploy to one region/,
            );
        });

        it("data-platform granting another engineering account", () => {
            const own = "arn:aws:iam::111111111111:role/tracking-dev-a-firehose";
            const entry = { prefix: "p/", errorPrefix: "e/", rawBackupPrefix: "r/", firehoseRoleArn: "arn:aws:iam::444444444444:role/tracking-dev-a-firehose" };
            expect(() => checkDataPlatformPipelines(DP_STACK, { a: entry }, [{ pipeline: "a", firehoseRoleArn: own }])).to.throw(
                /set tracking-data-platform:engineeringAccountId to 111111111111 \(this stack's tracking-engineering:accountId\) in the data-platform stack file/,
            );
        });
    });

    describe("program-level IAM mistakes", () => {
        it("name the resource, the statement and the source file that built the document", () => {
            const statement = { Sid: "TooBroad", Effect: "Allow" as const, Action: ["logs:*"], Resource: ["arn:aws:logs:eu-central-1:111111111111:log-group:x"] };
            expect(() => buildPolicyDocument([statement], 'role policy of Demo "x"')).to.throw(
                'role policy of Demo "x": policy statement TooBroad: wildcard action "logs:*" is not allowed; enumerate the actions (built in tests/plan/errors.test.ts)',
            );
        });
    });

    describe("did-you-mean", () => {
        it("suggests the nearest key for a typo, and nothing for a word far from every key", () => {
            expect(nearestKey("firehoseBufferSecond", ["firehoseBufferSeconds", "firehoseBufferMiB"])).to.equal("firehoseBufferSeconds");
            expect(nearestKey("streammode", ["streamMode", "shardCount"])).to.equal("streamMode");
            expect(nearestKey("colour", ["streamMode", "shardCount"])).to.equal(undefined);
        });

        it("the tools' flags: unknown, missing value, repeated, a value on a switch", () => {
            const spec = { command: "npm run demo", summary: "", flags: [{ name: "--stack", value: "NAME", help: "" }, { name: "--check", help: "" }] };
            expect(() => parseFlags(spec, ["--stacks", "dev"])).to.throw(UsageError, "unknown flag --stacks (did you mean --stack?)");
            expect(() => parseFlags(spec, ["--stack"])).to.throw(UsageError, "--stack needs a value (NAME)");
            expect(() => parseFlags(spec, ["--stack", "a", "--stack=b"])).to.throw(UsageError, "--stack is given twice");
            expect(() => parseFlags(spec, ["--check=yes"])).to.throw(UsageError, "--check takes no value");
            expect(() => parseFlags(spec, ["dev"])).to.throw(UsageError, /unexpected argument "dev"/);
            expect(parseFlags(spec, ["--stack=prod", "--check", "-h"])).to.deep.include({ help: true, positionals: [] });
        });
    });
});
