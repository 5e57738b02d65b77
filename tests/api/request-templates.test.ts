/**
 * The request templates rendered by a real Velocity engine, without Kinesis: argument checks, the fixed
 * stream name, the partition-key fallback and the shape of the Kinesis request. Round trips through
 * Kinesis itself are in kinesis-roundtrip.test.ts.
 */
import { expect } from "chai";
import {
    KINESIS_CONTENT_TYPE,
    KINESIS_INTEGRATION_REQUEST_PARAMETERS,
    methodResponseStatusCodes,
    putRecordRequestTemplate,
    putRecordResponseTemplates,
    putRecordsRequestTemplate,
    putRecordsResponseTemplates,
} from "../../shared/api/templates";
import { renderMappingTemplate } from "./support/api-gateway-emulation";

interface KinesisPutRecordRequest {
    StreamName: string;
    Data: string;
    PartitionKey: string;
}

interface KinesisPutRecordsRequest {
    StreamName: string;
    Records: { Data: string; PartitionKey: string }[];
}

const decode = (data: string): unknown => JSON.parse(Buffer.from(data, "base64").toString("utf8"));

function renderPutRecord(clientBody: unknown, params = {}): KinesisPutRecordRequest {
    const { output } = renderMappingTemplate(putRecordRequestTemplate("tracking-test-user-events", "cookie_id"), {
        body: JSON.stringify(clientBody),
        params,
    });
    return JSON.parse(output) as KinesisPutRecordRequest;
}

describe("API request templates: arguments", () => {
    it("rejects a stream name Kinesis would refuse, naming the argument and the rule", () => {
        for (const streamName of ["", "has space", 'quote"', "$context.stage", "a".repeat(129)]) {
            expect(() => putRecordRequestTemplate(streamName, "cookie_id")).to.throw(
                /streamName .* \(rule: 1-128 characters from \[a-zA-Z0-9_\.-\]\)/,
            );
            expect(() => putRecordsRequestTemplate(streamName, "cookie_id")).to.throw(/streamName/);
        }
    });

    it("rejects a partition-key field that is not a plain identifier, naming the argument and the rule", () => {
        for (const field of ["", "a.b", "a['b']", "1abc", "x$y", "a#b", "has space"]) {
            expect(() => putRecordRequestTemplate("s", field)).to.throw(
                /partitionKeyField .*\(rule: a letter or underscore/,
            );
            expect(() => putRecordsRequestTemplate("s", field)).to.throw(/partitionKeyField/);
        }
    });
});

describe("API request templates: PutRecord", () => {
    const data = { cookie_id: "a09c4ca3-d142-4312-ba78-029c3355b8ef", topic: "t" };

    it("writes to the stream fixed at deploy time, whatever the path says", () => {
        const request = renderPutRecord(
            { Data: data },
            { path: { "stream-name": "someone-elses-stream", pipeline: "other" } },
        );
        expect(request.StreamName).to.equal("tracking-test-user-events");
    });

    it("sends Data as base64 of the JSON text of Data", () => {
        const request = renderPutRecord({ Data: data, PartitionKey: "pk" });
        expect(decode(request.Data)).to.deep.equal(data);
    });

    it("uses the client's PartitionKey when given", () => {
        expect(
            renderPutRecord({ Data: data, PartitionKey: "92ebe247-77f5-4a3c-a7f1-d22af67bf71d" }).PartitionKey,
        ).to.equal("92ebe247-77f5-4a3c-a7f1-d22af67bf71d");
    });

    it("falls back to the pipeline's partition-key field when PartitionKey is absent, empty or null", () => {
        for (const body of [{ Data: data }, { Data: data, PartitionKey: "" }, { Data: data, PartitionKey: null }]) {
            expect(renderPutRecord(body).PartitionKey).to.equal(data.cookie_id);
        }
    });

    it("keeps a partition key with quotes, backslashes and non-ASCII intact", () => {
        const partitionKey = 'k "q" \\ é 😀';
        expect(renderPutRecord({ Data: data, PartitionKey: partitionKey }).PartitionKey).to.equal(partitionKey);
    });

    it("renders exactly one JSON object and nothing else", () => {
        const { output } = renderMappingTemplate(putRecordRequestTemplate("s", "cookie_id"), {
            body: JSON.stringify({ Data: data }),
        });
        expect(output.trim().startsWith("{")).to.equal(true);
        expect(output.trim().endsWith("}")).to.equal(true);
        expect(Object.keys(JSON.parse(output) as object)).to.deep.equal(["StreamName", "Data", "PartitionKey"]);
    });
});

describe("API request templates: PutRecords", () => {
    it("keeps every record, in order, each with its own Data and partition key", () => {
        const records = [
            { Data: { cookie_id: "c0", n: 0 }, PartitionKey: "explicit-0" },
            { Data: { cookie_id: "c1", n: 1 } },
            { Data: { cookie_id: "c2", n: 2, text: 'a "b" \\ 汉' }, PartitionKey: "" },
        ];
        const { output } = renderMappingTemplate(putRecordsRequestTemplate("tracking-test-user-events", "cookie_id"), {
            body: JSON.stringify({ Records: records }),
            params: { path: { "stream-name": "other" } },
        });
        const request = JSON.parse(output) as KinesisPutRecordsRequest;
        expect(request.StreamName).to.equal("tracking-test-user-events");
        expect(request.Records.map((record) => decode(record.Data))).to.deep.equal(
            records.map((record) => record.Data),
        );
        expect(request.Records.map((record) => record.PartitionKey)).to.deep.equal(["explicit-0", "c1", "c2"]);
    });
});

describe("API integration wiring", () => {
    it("sets the Content-Type Kinesis requires as a static (quoted) integration header", () => {
        expect(KINESIS_INTEGRATION_REQUEST_PARAMETERS).to.deep.equal({
            "integration.request.header.Content-Type": `'${KINESIS_CONTENT_TYPE}'`,
        });
    });

    it("declares a method response for every status a route can answer with, overrides included", () => {
        expect(methodResponseStatusCodes(putRecordResponseTemplates)).to.deep.equal([
            "200",
            "400",
            "429",
            "500",
            "502",
        ]);
        expect(methodResponseStatusCodes(putRecordsResponseTemplates)).to.deep.equal([
            "200",
            "400",
            "429",
            "500",
            "502",
        ]);
    });

    it("has exactly one default integration response per route", () => {
        for (const responses of [putRecordResponseTemplates, putRecordsResponseTemplates]) {
            expect(responses.filter((response) => response.selectionPattern === undefined)).to.have.length(1);
        }
    });
});
