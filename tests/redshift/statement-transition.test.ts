import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { pipelines } from "../../shared/pipelines";
import { repoRoot } from "../../tools/plan/runner";
import { StackPlan } from "../../tools/plan/types";
import { DATA_PLATFORM, devPlan, finalPlan } from "../data-platform/support/plan";

/**
 * Stacks deployed with `aws.redshiftdata.Statement` hold protected statements under the RedshiftSchema
 * component. The README's transition must select exactly those (as `pulumi stack --show-urns` prints
 * them), only unprotect them, and deploy without a refresh; the new program must register nothing under
 * their URNs, so that deploy deletes them (a no-op delete in the provider) and nothing else.
 */
const STATEMENT = "aws:redshiftdata/statement:Statement";
const COMPONENT = "tracking:shared:RedshiftSchema";

function transitionScript(): string {
    const readme = fs.readFileSync(path.join(repoRoot(), "README.md"), "utf8");
    const section =
        readme.split("### Stacks deployed with `aws.redshiftdata.Statement`")[1]?.split(/\n#{2,3} /)[0] ?? "";
    const script = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
    if (script === undefined)
        throw new Error('README: no sh block under "Stacks deployed with `aws.redshiftdata.Statement`"');
    return script;
}

/** The statements a stack deployed by the earlier program holds: one per schema, one per table. */
function earlierStatementUrns(stack: string): string[] {
    const urn = (name: string) => `urn:pulumi:${stack}::${DATA_PLATFORM}::${COMPONENT}$${STATEMENT}::${name}`;
    const schemas = [...new Set(pipelines.map((def) => def.table.schema))];
    return [
        ...schemas.map((schema) => urn(`redshift-${schema.replace(/_/g, "-")}-schema`)),
        ...pipelines.map((def) =>
            urn(`redshift-${def.table.schema.replace(/_/g, "-")}-${def.table.name.replace(/_/g, "-")}`),
        ),
    ];
}

describe("Redshift: the transition from aws.redshiftdata.Statement (README)", function () {
    let plan: StackPlan;
    before(async () => {
        plan = finalPlan(await devPlan(), DATA_PLATFORM);
    });

    it("selects exactly the earlier statements from `pulumi stack --show-urns`, with the README's own grep", () => {
        const script = transitionScript();
        const pattern = /grep -o '([^']+)'/.exec(script)?.[1];
        expect(pattern, "the README selects URNs with grep -o").to.be.a("string");
        const old = earlierStatementUrns(plan.stack);
        // What `pulumi stack --show-urns` prints for the stack mid-transition: every resource with its URN.
        const listing =
            [...plan.resources.map((r) => r.urn), ...old].map((urn) => `    │  URN: ${urn}`).join("\n") + "\n";
        const selected = execFileSync("grep", ["-o", pattern!], { input: listing, encoding: "utf8" })
            .trim()
            .split("\n");
        expect(selected.sort()).to.deep.equal(old.sort());
    });

    it("only unprotects them, then deploys without --refresh", () => {
        const commands = transitionScript()
            .split("\n")
            .map((line) => line.trim())
            .filter((line) => line.startsWith("pulumi "));
        expect(
            commands.filter((c) => c.startsWith("pulumi state ")).every((c) => c.startsWith("pulumi state unprotect ")),
            "no state delete (the Glue triggers and crawlers depend on the statements)",
        ).to.equal(true);
        const up = commands.filter((c) => c.startsWith("pulumi up "));
        expect(up).to.have.length(1);
        expect(up[0]).to.not.match(/--refresh|-r\b/);
        expect(up[0]).to.match(/--policy-pack \.\.\/policy-pack/);
    });

    it("the new program registers no statement and nothing under an earlier statement's URN", () => {
        const urns = new Set(plan.resources.map((r) => r.urn));
        expect(plan.resources.filter((r) => r.type === STATEMENT)).to.deep.equal([]);
        for (const urn of earlierStatementUrns(plan.stack)) expect(urns.has(urn), urn).to.equal(false);
        // What depended on the statements (Glue triggers, crawlers) now depends on the table resources.
        const tables = new Set(
            plan.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/redshift:Table").map((r) => r.urn),
        );
        const triggers = plan.resources.filter((r) => r.type === "aws:glue/trigger:Trigger");
        expect(triggers.length).to.be.greaterThan(0);
        for (const trigger of triggers)
            expect(
                trigger.options.dependsOn.some((urn) => tables.has(urn)),
                trigger.urn,
            ).to.equal(true);
    });
});
