import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { iamScopeOfPrefix } from "../../shared/firehose-delivery";
import {
    allow,
    buildPolicyDocument,
    deny,
    policyDocument,
    policyDocumentOutput,
    serviceTrust,
    unconditionalServiceTrust,
} from "../../shared/iam";

const STREAM = "arn:aws:kinesis:eu-central-1:111111111111:stream/tracking-dev-user-events";

/** The value of an Output, under the SDK's test mode (no engine needed for plain values). */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((value) => resolve(value)));
}

describe("engineering: shared/iam policy documents", () => {
    it("writes IAM's JSON grammar, collapsing one-element lists and dropping unset fields", () => {
        const json = policyDocument([
            allow("Put", ["kinesis:PutRecord"], [STREAM]),
            { Effect: "Allow", Action: ["kinesis:PutRecords"], Resource: [STREAM], Condition: undefined },
        ]);
        expect(JSON.parse(json)).to.deep.equal({
            Version: "2012-10-17",
            Statement: [
                { Sid: "Put", Effect: "Allow", Action: "kinesis:PutRecord", Resource: STREAM },
                { Effect: "Allow", Action: "kinesis:PutRecords", Resource: STREAM },
            ],
        });
    });

    it("refuses wildcard grants, naming the statement, but allows a Deny of everything", () => {
        expect(() => policyDocument([allow("All", ["kinesis:*"], [STREAM])])).to.throw(
            /policy statement All: wildcard action "kinesis:\*" is not allowed/,
        );
        expect(() => policyDocument([allow("Star", ["*"], [STREAM])])).to.throw(
            /policy statement Star: wildcard action "\*"/,
        );
        expect(
            () => policyDocument([allow("Describe", ["logs:Describe*"], [STREAM])]),
            "a prefix wildcard stays legal",
        ).to.not.throw();
        expect(() =>
            policyDocument([deny("DenyAll", ["s3:*"], ["arn:aws:s3:::b", "arn:aws:s3:::b/*"])]),
        ).to.not.throw();
    });

    it("refuses empty lists, empty ARNs, malformed actions, bad and duplicate Sids", () => {
        expect(() => policyDocument([])).to.throw(/at least one statement/);
        expect(() => policyDocument([allow("NoActions", [], [STREAM])])).to.throw(
            /NoActions: the action list is empty/,
        );
        expect(() => policyDocument([allow("NoResources", ["kinesis:PutRecord"], [])])).to.throw(
            /NoResources: the resource list is empty/,
        );
        expect(() => policyDocument([allow("Unresolved", ["kinesis:PutRecord"], [""])])).to.throw(
            /Unresolved: a resource ARN is empty/,
        );
        expect(() => policyDocument([allow("Bad", ["PutRecord"], [STREAM])])).to.throw(
            /Bad: action "PutRecord" must look like service:Action/,
        );
        expect(() => policyDocument([allow("has-dash", ["kinesis:PutRecord"], [STREAM])])).to.throw(
            /Sid must contain only ASCII letters and digits/,
        );
        expect(() =>
            policyDocument([
                allow("Twice", ["kinesis:PutRecord"], [STREAM]),
                allow("Twice", ["kinesis:PutRecords"], [STREAM]),
            ]),
        ).to.throw(/Twice: duplicate Sid/);
        expect(() =>
            buildPolicyDocument([
                { Effect: "Allow", Action: "kinesis:PutRecord", NotAction: "kinesis:GetRecords", Resource: STREAM },
            ]),
        ).to.throw(/exactly one of Action or NotAction/);
        expect(() =>
            policyDocument([
                allow("EmptyCondition", ["kinesis:PutRecord"], [STREAM], { StringEquals: { "aws:SourceAccount": "" } }),
            ]),
        ).to.throw(/condition StringEquals aws:SourceAccount has an empty value/);
    });

    it("requires a confused-deputy condition on a service trust, or a stated reason for its absence", () => {
        expect(() => serviceTrust("firehose.amazonaws.com", {})).to.throw(
            /a condition \(aws:SourceAccount \/ aws:SourceArn\) is required/,
        );
        const trust = JSON.parse(
            policyDocument([
                serviceTrust("firehose.amazonaws.com", { StringEquals: { "sts:ExternalId": "111111111111" } }),
            ]),
        );
        expect(trust.Statement[0]).to.deep.include({
            Principal: { Service: "firehose.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": "111111111111" } },
        });
        expect(() => unconditionalServiceTrust("apigateway.amazonaws.com", "")).to.throw(/needs a stated reason/);
        expect(
            unconditionalServiceTrust(
                "apigateway.amazonaws.com",
                "the service sends no source keys when it assumes this role",
            ).Condition,
        ).to.equal(undefined);
    });

    it("resolves outputs anywhere in a statement before checking and serialising", async () => {
        const streamArn = pulumi.output(STREAM);
        const json = await valueOf(
            policyDocumentOutput([
                allow("Put", ["kinesis:PutRecord"], [streamArn], {
                    StringEquals: { "aws:ResourceAccount": pulumi.output("111111111111") },
                }),
            ]),
        );
        expect(JSON.parse(json).Statement[0]).to.deep.equal({
            Sid: "Put",
            Effect: "Allow",
            Action: "kinesis:PutRecord",
            Resource: STREAM,
            Condition: { StringEquals: { "aws:ResourceAccount": "111111111111" } },
        });
    });

    it("scopes a Firehose prefix to its fixed folder, and refuses a prefix with none", () => {
        expect(iamScopeOfPrefix("user-events/year=!{timestamp:yyyy}/month=!{timestamp:MM}/")).to.equal("user-events/");
        expect(
            iamScopeOfPrefix("_firehose-errors/user-events/!{firehose:error-output-type}/year=!{timestamp:yyyy}/"),
        ).to.equal("_firehose-errors/user-events/");
        expect(iamScopeOfPrefix("static/folder/")).to.equal("static/folder/");
        expect(() => iamScopeOfPrefix("!{timestamp:yyyy}/")).to.throw(/no fixed folder before its first expression/);
    });
});
