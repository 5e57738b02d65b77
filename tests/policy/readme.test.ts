import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { isStackPolicy, policies } from "../../policy-pack/policies";

const README = path.resolve(__dirname, "..", "..", "..", "policy-pack", "README.md");

describe("policy pack: README", () => {
    const rows = new Map<string, string[]>();
    before(() => {
        for (const line of fs.readFileSync(README, "utf8").split("\n")) {
            const match = /^\| `([a-z0-9-]+)` \|(.*)\|\s*$/.exec(line);
            if (match)
                rows.set(
                    match[1],
                    match[2].split("|").map((cell) => cell.trim()),
                );
        }
    });

    it("has one table row per policy and no row for a policy that does not exist", () => {
        expect([...rows.keys()]).to.have.members(policies.map((p) => p.name));
    });

    it("gives each policy its Security Hub control id and its kind", () => {
        for (const policy of policies) {
            const [, control, kind] = rows.get(policy.name) ?? [];
            expect(control, policy.name).to.include(policy.control?.id ?? "—");
            expect(kind, policy.name).to.equal(isStackPolicy(policy) ? "stack" : "resource");
            if (policy.control) expect(policy.description, policy.name).to.include(policy.control.id);
        }
    });
});
