import { expect } from "chai";
import { StackPlan } from "../../tools/plan/types";
import { allStacksPlan } from "../support/dev-plan";

/**
 * No database credential is planned: no generated password (random:*), no secret value written by the
 * program (SecretVersion with secretString), no admin password on a namespace or cluster. The sandbox's
 * admin password is Redshift's own (manageAdminPassword), so neither a plan nor the Pulumi state holds it.
 */
export function credentialFindings(plans: readonly StackPlan[]): string[] {
    const findings: string[] = [];
    for (const plan of plans) {
        for (const r of plan.resources) {
            const where = `${plan.project}/${plan.stack} ${r.urn}`;
            if (r.type.startsWith("random:")) findings.push(`${where}: a generated value (${r.type})`);
            if (
                r.type === "aws:secretsmanager/secretVersion:SecretVersion" &&
                (r.inputs.secretString !== undefined || r.inputs.secretBinary !== undefined)
            ) {
                findings.push(`${where}: a secret value written by the program`);
            }
            for (const key of [
                "adminUserPassword",
                "adminPasswordWo",
                "masterPassword",
                "masterPasswordWo",
                "password",
            ]) {
                if (r.inputs[key] !== undefined) findings.push(`${where}: ${key}`);
            }
            if (r.type === "aws:redshiftserverless/namespace:Namespace" && r.inputs.manageAdminPassword !== true)
                findings.push(`${where}: admin password not managed by Redshift`);
        }
    }
    return findings;
}

describe("Redshift credentials: none in any plan", function () {
    it("the plans of every committed stack (every pass) hold no database credential, as a value or as a placeholder for a generated one", async () => {
        const result = await allStacksPlan();
        expect(credentialFindings(result.passes.map((pass) => pass.plan))).to.deep.equal([]);
        expect([...new Set(result.plans.map((p) => p.stack))], "every Redshift mode's example").to.include.members([
            "dev",
            "serverless",
            "cluster",
        ]);
        // Statements the Data API keeps for a day only: none in any plan (their refresh depends on an expiring result).
        const expiring = result.plans
            .flatMap((p) => p.resources)
            .filter(
                (r) =>
                    r.type === "aws:redshiftdata/statement:Statement" || r.type === "aws:lambda/invocation:Invocation",
            );
        expect(expiring.map((r) => r.urn)).to.deep.equal([]);
        const namespaces = result.plans
            .flatMap((p) => p.resources)
            .filter((r) => r.type === "aws:redshiftserverless/namespace:Namespace");
        expect(namespaces.length, "the dev stack plans a sandbox").to.be.greaterThan(0);
        for (const namespace of namespaces) {
            expect(namespace.inputs).to.deep.include({ manageAdminPassword: true });
            expect(
                String(namespace.inputs.adminPasswordSecretKmsKeyId),
                "its secret under the stack's data key",
            ).to.match(/^arn:aws:kms:/);
            expect(String(namespace.outputs.adminPasswordSecretArn)).to.match(/:secret:redshift!/);
        }
    });

    it("finds a planted credential (the check can fail)", () => {
        const plan: StackPlan = {
            project: "p",
            stack: "s",
            account: "222222222222",
            region: "eu-central-1",
            outputs: {},
            resources: [
                {
                    urn: "u1",
                    type: "random:index/randomPassword:RandomPassword",
                    name: "pw",
                    custom: true,
                    id: "x",
                    parent: undefined,
                    options: { protect: false, dependsOn: [] },
                    inputs: {},
                    outputs: {},
                },
                {
                    urn: "u2",
                    type: "aws:secretsmanager/secretVersion:SecretVersion",
                    name: "v",
                    custom: true,
                    id: "x",
                    parent: undefined,
                    options: { protect: false, dependsOn: [] },
                    inputs: { secretString: "<secret>" },
                    outputs: {},
                },
                {
                    urn: "u3",
                    type: "aws:redshiftserverless/namespace:Namespace",
                    name: "n",
                    custom: true,
                    id: "x",
                    parent: undefined,
                    options: { protect: false, dependsOn: [] },
                    inputs: { adminUserPassword: "<secret>" },
                    outputs: {},
                },
            ],
        } as unknown as StackPlan;
        expect(credentialFindings([plan])).to.have.length(4);
    });
});
