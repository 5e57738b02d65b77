import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { captureSdkErrors, settleRegistrations, startMockDeployment, WIRE } from "../../tools/plan/sdk-adapter";

const sdkVersion = (require("@pulumi/pulumi/package.json") as { version: string }).version;
const moved = (what: string) => `@pulumi/pulumi ${sdkVersion} no longer provides ${what}, which tools/plan/sdk-adapter.ts relies on: adapt that file`;

class Group extends pulumi.ComponentResource {
    constructor(name: string) {
        super("test:index:Group", name);
    }
    publish(outputs: pulumi.Inputs): void {
        this.registerOutputs(outputs);
    }
}

class Thing extends pulumi.CustomResource {
    constructor(name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
        super("test:index:Thing", name, props, opts);
    }
}

/**
 * The plan runner's whole contact with the SDK runtime is tools/plan/sdk-adapter.ts. These tests pin each
 * piece it relies on, so an SDK upgrade that moves one fails here, by name, rather than as a wrong plan.
 */
describe("plan: the SDK surface the runner relies on", () => {
    it("is exported by @pulumi/pulumi", () => {
        const runtime = pulumi.runtime as unknown as Record<string, unknown>;
        for (const fn of ["setMocks", "setAllConfig", "getMonitor", "disconnect", "runInPulumiStack"]) {
            expect(typeof runtime[fn], moved(`runtime.${fn}()`)).to.equal("function");
        }
        for (const [name, value] of Object.entries(WIRE)) expect(value, moved(`the wire-format constant behind WIRE.${name}`)).to.be.a("string").with.length.greaterThan(0);
        expect(typeof pulumi.log.error, moved("log.error()")).to.equal("function");
        expect(typeof pulumi.log.hasErrors, moved("log.hasErrors()")).to.equal("function");
    });

    it("records each registration with its parent, options, inputs and the outputs registered later", async () => {
        const mocks: pulumi.runtime.Mocks = {
            newResource: (args) => ({ id: args.custom ? `${args.name}-id` : undefined, state: args.custom ? { arn: `arn:test:${args.name}` } : {} }),
            call: () => ({}),
        };
        const registrations = await startMockDeployment(mocks, "adapter-test", "dev", { values: { "adapter-test:size": "3" }, secretKeys: [] }, true);
        await pulumi.runtime.runInPulumiStack(async () => {
            const group = new Group("group");
            const first = new Thing("first", { size: new pulumi.Config().requireNumber("size") }, { parent: group, protect: true });
            new Thing("second", { secret: pulumi.secret("s") }, { parent: group, dependsOn: [first] });
            group.publish({ firstArn: first.urn.apply(() => "done") });
            return { exported: "yes" };
        });
        await settleRegistrations();

        const byName = new Map([...registrations.values()].map((r) => [r.name, r]));
        const group = byName.get("group");
        const first = byName.get("first");
        const second = byName.get("second");
        expect(group, moved("registerResource on the monitor of runtime.getMonitor()") + " (no component recorded)").to.not.equal(undefined);
        expect(first?.custom).to.equal(true);
        expect(first?.id).to.equal("first-id");
        expect(first?.parent).to.equal(group!.urn);
        expect(first?.protect).to.equal(true);
        expect(first?.inputs).to.deep.equal({ size: 3 });
        expect(first?.outputs).to.deep.include({ arn: "arn:test:first" });
        expect(second?.dependsOn).to.deep.equal([first!.urn]);
        const secret = (second?.inputs as Record<string, Record<string, unknown>>).secret;
        expect(secret[WIRE.sigKey], "a secret input keeps its wire marker").to.equal(WIRE.secret);
        expect(group?.outputs, moved("registerResourceOutputs on the monitor") + " (component outputs not recorded)").to.deep.equal({ firstArn: "done" });
        const stack = [...registrations.values()].find((r) => r.type === "pulumi:pulumi:Stack");
        expect(stack?.outputs, "the stack's outputs").to.deep.equal({ exported: "yes" });
    });

    it("routes errors the SDK logs to the runner, and hands log.error back", async () => {
        const seen: string[] = [];
        const original = pulumi.log.error;
        const restore = captureSdkErrors((m) => seen.push(m));
        await pulumi.log.error("boom");
        restore();
        expect(seen, moved("log.error() as the funnel of logged errors")).to.deep.equal(["boom"]);
        expect(pulumi.log.error).to.equal(original);
    });
});
