import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readProjectFile, readStackConfig, SECRET_PLACEHOLDER_PREFIX, stackAccount, stackFiles } from "../../tools/plan/stack-files";

function fixture(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-fixture-"));
    for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
}

const projectYaml = "name: demo\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: out/\n";

describe("plan: reading Pulumi.yaml and Pulumi.<stack>.yaml as the CLI does", () => {
    it("resolves main relative to Pulumi.yaml and lists the stack files", () => {
        const dir = fixture({ "Pulumi.yaml": projectYaml, "out/index.js": "", "Pulumi.dev.yaml": "config: {}\n", "Pulumi.prod.yaml": "config: {}\n" });
        const project = readProjectFile(dir);
        expect(project.name).to.equal("demo");
        expect(project.entry).to.equal(path.join(dir, "out"));
        expect(stackFiles(project)).to.deep.equal(["dev", "prod"]);
    });

    it("rejects a project whose main does not exist, or whose runtime is not nodejs", () => {
        expect(() => readProjectFile(fixture({ "Pulumi.yaml": projectYaml }))).to.throw(/main 'out\/' does not exist/);
        expect(() => readProjectFile(fixture({ "Pulumi.yaml": "name: x\nruntime: python\nmain: .\n" }))).to.throw(/runtime must be nodejs/);
    });

    it("hands values over as the CLI does: scalars as text, objects as JSON, secure values as marked placeholders", () => {
        const dir = fixture({
            "Pulumi.yaml": projectYaml,
            "out/index.js": "",
            "Pulumi.dev.yaml": [
                "config:",
                "  aws:region: eu-central-1",
                "  aws:allowedAccountIds:",
                '    - "111111111111"',
                "  demo:count: 3",
                "  demo:enabled: true",
                "  bare: 1",
                "  demo:password:",
                "    secure: AAABADkRrN0l+k0=",
                "",
            ].join("\n"),
        });
        const config = readStackConfig(readProjectFile(dir), "dev");
        expect(config.values["demo:count"]).to.equal("3");
        expect(config.values["demo:enabled"]).to.equal("true");
        expect(config.values["demo:bare"], "a bare key belongs to the project").to.equal("1");
        expect(JSON.parse(config.values["aws:allowedAccountIds"])).to.deep.equal(["111111111111"]);
        expect(config.values["demo:password"]).to.equal(`${SECRET_PLACEHOLDER_PREFIX}demo:password>`);
        expect(config.secretKeys).to.deep.equal(["demo:password"]);
        expect(stackAccount(config, "demo")).to.equal("111111111111");
    });

    it("requires aws:allowedAccountIds to name the stack's one account", () => {
        const dir = fixture({ "Pulumi.yaml": projectYaml, "out/index.js": "", "Pulumi.dev.yaml": "config:\n  aws:region: eu-central-1\n" });
        const config = readStackConfig(readProjectFile(dir), "dev");
        expect(() => stackAccount(config, "demo (stack dev)")).to.throw(/demo \(stack dev\): aws:allowedAccountIds must list exactly/);
    });
});
