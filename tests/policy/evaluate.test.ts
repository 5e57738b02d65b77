import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ResourceValidationArgs } from "@pulumi/policy";
import { isStackPolicy, PACK_NAME, policies } from "../../policy-pack/policies";
import { evaluatePlans, loadPackConfig, PolicyConfigError, validatePackConfig } from "../../tools/policy/evaluate";
import { allow } from "../../shared/iam";
import { plan, policyDocument, resource, rolePolicy, TYPES, urnOf, violationsOf } from "./fixtures";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const CLI = path.join(ROOT, "build", "tools", "policy-cli.js");

const WIDE = rolePolicy("wide", allow("Everything", ["*"], ["*"]));

describe("policy pack: config, enforcement and exceptions", () => {
    it("has unique, valid policy names, each with a description and a config schema that takes exceptions", () => {
        expect(PACK_NAME).to.match(/^[A-Za-z0-9_.-]+$/);
        const names = policies.map((p) => p.name);
        expect(new Set(names).size).to.equal(names.length);
        for (const policy of policies) {
            expect(policy.name).to.match(/^[a-z0-9-]+$/);
            expect(policy.description.length, policy.name).to.be.greaterThan(40);
            expect(policy.configSchema?.properties, policy.name).to.have.property("exceptions");
        }
    });

    it("the repository's policy-config.json is valid and sets every policy's enforcement level explicitly", () => {
        const config = loadPackConfig();
        expect(validatePackConfig(config)).to.deep.equal([]);
        for (const policy of policies) {
            const entry = config[policy.name];
            expect(entry, policy.name).to.not.equal(undefined);
            expect(typeof entry === "string" ? entry : entry.enforcementLevel, policy.name).to.be.oneOf([
                "advisory",
                "mandatory",
                "remediate",
                "disabled",
            ]);
        }
    });

    it("takes the enforcement level from config: mandatory by default, advisory or disabled when configured", () => {
        expect(violationsOf("iam-no-wildcard-actions", [WIDE])[0].enforcementLevel).to.equal("mandatory");
        expect(
            violationsOf("iam-no-wildcard-actions", [WIDE], {
                "iam-no-wildcard-actions": { enforcementLevel: "advisory" },
            })[0].enforcementLevel,
        ).to.equal("advisory");
        expect(
            violationsOf("iam-no-wildcard-actions", [WIDE], { "iam-no-wildcard-actions": "disabled" }),
        ).to.deep.equal([]);
    });

    it("honours an exception that names the resource and gives a reason, by name or by URN pattern", () => {
        const byName = {
            "iam-no-wildcard-actions": {
                exceptions: [{ name: "wi*", reason: "break-glass role, reviewed quarterly" }],
            },
        };
        expect(violationsOf("iam-no-wildcard-actions", [WIDE], byName)).to.deep.equal([]);
        const byUrn = {
            "iam-no-wildcard-actions": {
                exceptions: [
                    { urn: "urn:pulumi:test::*::aws:iam/rolePolicy:RolePolicy::wide", reason: "test stack only" },
                ],
            },
        };
        expect(violationsOf("iam-no-wildcard-actions", [WIDE], byUrn)).to.deep.equal([]);
        const other = { "iam-no-wildcard-actions": { exceptions: [{ name: "other", reason: "does not match" }] } };
        expect(violationsOf("iam-no-wildcard-actions", [WIDE], other)).to.have.length(1);
    });

    it("narrows an exception to one IAM statement by Sid; the document's other statements are still judged", () => {
        const twoStatements = rolePolicy(
            "metrics",
            allow("Metrics", ["cloudwatch:PutMetricData"], ["*"]),
            allow("Streams", ["kinesis:PutRecords"], ["*"]),
        );
        expect(violationsOf("iam-no-wildcard-resources", [twoStatements])).to.have.length(2);
        const config = {
            "iam-no-wildcard-resources": {
                exceptions: [
                    { name: "metrics", statement: "Metrics", reason: "PutMetricData's only resource type is optional" },
                ],
            },
        };
        const remaining = violationsOf("iam-no-wildcard-resources", [twoStatements], config);
        expect(remaining).to.have.length(1);
        expect(remaining[0].message).to.include('"Streams"');
    });

    it("honours exceptions of stack policies on the resource they name", () => {
        const bucket = resource(TYPES.bucket, "scratch", { bucket: "scratch" }, { id: "scratch", protect: true });
        const config = {
            "s3-versioning": { exceptions: [{ name: "scratch", reason: "temporary files, nothing to recover" }] },
        };
        expect(violationsOf("s3-versioning", [bucket])).to.have.length(1);
        expect(violationsOf("s3-versioning", [bucket], config)).to.deep.equal([]);
    });

    it("refuses an exception without a reason, naming the policy and the field", () => {
        for (const exception of [{ name: "wide" }, { name: "wide", reason: "" }, { name: "wide", reason: "   " }]) {
            const config = { "iam-no-wildcard-actions": { exceptions: [exception] } };
            const problems = validatePackConfig(config);
            expect(problems.join("\n"), JSON.stringify(exception)).to.match(/"iam-no-wildcard-actions"\.exceptions\.0/);
            expect(() => evaluatePlans([plan([WIDE])], config)).to.throw(PolicyConfigError, "iam-no-wildcard-actions");
        }
    });

    it("refuses unknown policies, unknown fields and bad enforcement levels", () => {
        const problems = validatePackConfig({
            "no-such-policy": "mandatory",
            "kms-key-rotation": { enforcementLevel: "strict" as "mandatory" },
            "s3-versioning": { exceptions: [{ name: "x", reason: "y", ticket: "Z-1" }] },
        });
        expect(problems.join("\n"))
            .to.include('"no-such-policy"')
            .and.to.include('"kms-key-rotation".enforcementLevel')
            .and.to.include('unknown field "ticket"');
    });

    it("a reasonless exception that reaches a policy (config not validated) is not honoured, and the violation says so", () => {
        const policy = policies.find((p) => p.name === "iam-no-wildcard-actions");
        if (policy === undefined || isStackPolicy(policy) || typeof policy.validateResource !== "function")
            throw new Error("policy missing");
        const reported: string[] = [];
        const args = {
            type: WIDE.type,
            props: WIDE.inputs,
            urn: WIDE.urn,
            name: WIDE.name,
            opts: {
                protect: false,
                ignoreChanges: [],
                aliases: [],
                customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
                additionalSecretOutputs: [],
            },
            stackTags: new Map(),
            isType: () => false,
            asType: () => undefined,
            getConfig: () => ({ exceptions: [{ name: "wide" }] }),
            notApplicable: () => {
                throw new Error("not applicable");
            },
        } as unknown as ResourceValidationArgs;
        policy.validateResource(args, (message) => reported.push(message));
        expect(reported).to.have.length(1);
        expect(reported[0]).to.include("exceptions[0]").and.to.include("not honored");
    });
});

describe("policy pack: the CLI (npm run policy)", () => {
    let dir: string;
    const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
    const write = (name: string, content: unknown) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
        return file;
    };

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-cli-"));
    });
    after(() => {
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("exits 1 on a mandatory violation, printing the stack, the resource and the policy", () => {
        const result = run(write("wide.json", plan([WIDE])));
        expect(result.status, result.stderr).to.equal(1);
        expect(result.stdout)
            .to.include("policy-test/test")
            .and.to.include(urnOf(TYPES.rolePolicy, "wide"))
            .and.to.include("iam-no-wildcard-actions");
    });

    it("exits 0 when the violations are advisory under the given config", () => {
        const config = write("advisory.json", {
            ...loadPackConfig(),
            "iam-no-wildcard-actions": { enforcementLevel: "advisory" },
        });
        const narrow = rolePolicy("narrow", allow("CallerIdentity", ["sts:GetCallerIdentity"], ["*"]));
        const result = run(
            "--config",
            config,
            write(
                "advisory-plan.json",
                plan([
                    narrow,
                    resource(TYPES.rolePolicy, "stream-all", {
                        role: "r",
                        policy: policyDocument(
                            allow(
                                "AllStreamActions",
                                ["kinesis:*"],
                                ["arn:aws:kinesis:eu-central-1:111111111111:stream/s"],
                            ),
                        ),
                    }),
                ]),
            ),
        );
        expect(result.status, result.stdout + result.stderr).to.equal(0);
        expect(result.stdout).to.include("[advisory]");
    });

    it("exits 2 on usage errors, naming the problem", () => {
        expect(run().status).to.equal(2);
        const missing = run(path.join(dir, "missing.json"));
        expect(missing.status).to.equal(2);
        expect(missing.stderr).to.include("missing.json");
        const malformed = run(
            write("malformed.json", {
                project: "p",
                stack: "s",
                account: "1",
                region: "r",
                resources: [{ urn: "u", type: "t", name: "n" }],
            }),
        );
        expect(malformed.status).to.equal(2);
        expect(malformed.stderr).to.include("resources[0].inputs");
        const badConfig = run(
            "--config",
            write("bad-config.json", { "iam-no-wildcard-actions": { exceptions: [{ name: "x" }] } }),
            write("ok.json", plan([])),
        );
        expect(badConfig.status).to.equal(2);
        expect(badConfig.stderr).to.include("reason");
    });
});
