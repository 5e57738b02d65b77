/**
 * End to end through a real Kinesis (kinesalite): a client body goes through the request template
 * (velocityjs), is POSTed to Kinesis as API Gateway's AWS integration would, and is read back with the AWS
 * SDK; Kinesis' reply goes through the integration-response selection and the response templates.
 * Every record read back must equal the sent Data as JSON, with the expected partition key.
 */
import { expect } from "chai";
import {
    IntegrationResponseTemplate,
    KINESIS_INTEGRATION_REQUEST_PARAMETERS,
    putRecordRequestTemplate,
    putRecordResponseTemplates,
    putRecordsRequestTemplate,
    putRecordsResponseTemplates,
} from "../../shared/api/templates";
import { userEvents } from "../../shared/pipelines/user-events";
import { userUtm } from "../../shared/pipelines/user-utm";
import { SAMPLE_USER_EVENTS_BODY, SAMPLE_USER_UTM_BODY } from "../support/sample-bodies";
import { MethodResponse, renderMappingTemplate, respond } from "./support/api-gateway-emulation";
import {
    callKinesis,
    createStream,
    KinesisReply,
    LocalKinesis,
    readAllRecords,
    startLocalKinesis,
    StoredRecord,
} from "./support/kinesis";

const EVENTS_STREAM = "tracking-test-user-events";
const UTM_STREAM = "tracking-test-user-utm";

type JsonObject = Record<string, unknown>;

interface PutRecordClientResponse {
    SequenceNumber: string;
    ShardId: string;
    requestId: string;
}

interface PutRecordsClientResponse {
    FailedRecordCount: number;
    Records: { SequenceNumber?: string; ShardId?: string; ErrorCode?: string }[];
    requestId: string;
}

interface ErrorClientResponse {
    message: string;
    error?: string;
    detail?: string;
    requestId: string;
}

interface ApiCall {
    readonly kinesis: KinesisReply;
    readonly client: MethodResponse;
}

/** The Content-Type the integration's request parameters send, without the static-value quotes. */
const integrationContentType = KINESIS_INTEGRATION_REQUEST_PARAMETERS[
    "integration.request.header.Content-Type"
].replace(/^'|'$/g, "");

async function callRoute(
    kinesis: LocalKinesis,
    action: "PutRecord" | "PutRecords",
    requestTemplate: string,
    responses: readonly IntegrationResponseTemplate[],
    clientBody: string,
): Promise<ApiCall> {
    const { output } = renderMappingTemplate(requestTemplate, { body: clientBody });
    const reply = await callKinesis(kinesis, action, output, integrationContentType);
    return { kinesis: reply, client: respond(responses, reply) };
}

function putRecord(
    kinesis: LocalKinesis,
    streamName: string,
    partitionKeyField: string,
    clientBody: string,
): Promise<ApiCall> {
    return callRoute(
        kinesis,
        "PutRecord",
        putRecordRequestTemplate(streamName, partitionKeyField),
        putRecordResponseTemplates,
        clientBody,
    );
}

function putRecords(
    kinesis: LocalKinesis,
    streamName: string,
    partitionKeyField: string,
    clientBody: string,
): Promise<ApiCall> {
    return callRoute(
        kinesis,
        "PutRecords",
        putRecordsRequestTemplate(streamName, partitionKeyField),
        putRecordsResponseTemplates,
        clientBody,
    );
}

async function storedBySequenceNumber(kinesis: LocalKinesis, streamName: string): Promise<Map<string, StoredRecord>> {
    const records = await readAllRecords(kinesis, streamName);
    return new Map(records.map((record) => [record.sequenceNumber, record]));
}

/** Asserts a successful PutRecord: 200 to the client, and the stored record equals the sent Data. */
async function expectStored(
    kinesis: LocalKinesis,
    streamName: string,
    call: ApiCall,
    sentData: unknown,
    partitionKey: string,
): Promise<void> {
    expect(call.kinesis.status, call.kinesis.body).to.equal(200);
    expect(call.client.status).to.equal(200);
    const response = JSON.parse(call.client.body) as PutRecordClientResponse;
    const stored = (await storedBySequenceNumber(kinesis, streamName)).get(response.SequenceNumber);
    expect(stored, `record ${response.SequenceNumber} is in the stream`).to.not.equal(undefined);
    expect(JSON.parse(stored?.data ?? "null")).to.deep.equal(sentData);
    expect(stored?.partitionKey).to.equal(partitionKey);
    expect(stored?.shardId).to.equal(response.ShardId);
}

describe("API -> Kinesis round trip (kinesalite)", function () {
    let kinesis: LocalKinesis;

    before(async () => {
        kinesis = await startLocalKinesis();
        await createStream(kinesis, EVENTS_STREAM, 4);
        await createStream(kinesis, UTM_STREAM, 1);
    });

    after(async () => {
        await kinesis?.close();
    });

    describe("PutRecord", () => {
        it("stores the user-events sample body as sent, under its PartitionKey", async () => {
            const sent = JSON.parse(SAMPLE_USER_EVENTS_BODY) as { Data: JsonObject; PartitionKey: string };
            const call = await putRecord(kinesis, EVENTS_STREAM, userEvents.partitionKeyField, SAMPLE_USER_EVENTS_BODY);
            await expectStored(kinesis, EVENTS_STREAM, call, sent.Data, sent.PartitionKey);
            // The embedded JSON string survives as a string, escapes and all.
            expect(JSON.parse(String(sent.Data.message))).to.have.property("color", "#6d8d79");
        });

        it("stores the user-utm sample body as sent, nulls included", async () => {
            const sent = JSON.parse(SAMPLE_USER_UTM_BODY) as { Data: JsonObject; PartitionKey: string };
            const call = await putRecord(kinesis, UTM_STREAM, userUtm.partitionKeyField, SAMPLE_USER_UTM_BODY);
            await expectStored(kinesis, UTM_STREAM, call, sent.Data, sent.PartitionKey);
        });

        it("stores multi-byte text, quotes, backslashes, newlines and VTL-looking text unchanged", async () => {
            const data = {
                request_id: "3f0c1f8e-8d0a-4a53-9d6e-0c3b7d1c2a10",
                request_timestamp: "2024-02-29 23:59:59.999999",
                cookie_id: "0b7a4c1e-5f7d-4e8b-9a3c-2d1e0f9a8b7c",
                topic: "国际化.テスト.한국어 😀🚀 \u00e9\u0301",
                message:
                    "He said \"hi\" \\ then left\nsecond line\ttab 'single' </script> \u2028 $context.requestId #set($x = 1)",
                environment: "prod",
                website_id: null,
                user_account_id: null,
                location: "https://example.com/路径?q=\"x\"&y='z'",
                user_agent: "Mozilla/5.0 (\\\\server\\share)",
                referrer: "",
            };
            const partitionKey = 'pk "quoted" \\ 鍵 🔑';
            const call = await putRecord(
                kinesis,
                EVENTS_STREAM,
                "cookie_id",
                JSON.stringify({ Data: data, PartitionKey: partitionKey }),
            );
            await expectStored(kinesis, EVENTS_STREAM, call, data, partitionKey);
        });

        it("partitions by the pipeline's partition-key field when the request has no PartitionKey", async () => {
            const sent = JSON.parse(SAMPLE_USER_EVENTS_BODY) as { Data: JsonObject };
            const call = await putRecord(
                kinesis,
                EVENTS_STREAM,
                userEvents.partitionKeyField,
                JSON.stringify({ Data: sent.Data }),
            );
            await expectStored(
                kinesis,
                EVENTS_STREAM,
                call,
                sent.Data,
                String(sent.Data[userEvents.partitionKeyField]),
            );
        });

        it("answers 400 with Kinesis' reason when the record breaks a Kinesis limit (partition key over 256 characters)", async () => {
            const call = await putRecord(
                kinesis,
                EVENTS_STREAM,
                "cookie_id",
                JSON.stringify({ Data: { cookie_id: "c" }, PartitionKey: "k".repeat(257) }),
            );
            expect(call.kinesis.status).to.equal(400);
            expect(call.client.status).to.equal(400);
            const body = JSON.parse(call.client.body) as ErrorClientResponse;
            expect(body.error).to.equal("ValidationException");
            expect(body.detail).to.match(/partitionKey/);
        });

        it("answers 500, without Kinesis' message, when the route's stream does not exist (our configuration)", async () => {
            const call = await putRecord(
                kinesis,
                "tracking-test-not-created",
                "cookie_id",
                JSON.stringify({ Data: { cookie_id: "c" } }),
            );
            expect(JSON.parse(call.kinesis.body)).to.have.property("__type", "ResourceNotFoundException");
            expect(call.client.status).to.equal(500);
            const body = JSON.parse(call.client.body) as ErrorClientResponse;
            expect(body.error).to.equal("ResourceNotFoundException");
            expect(body).to.not.have.property("detail");
            expect(call.client.body).to.not.include("tracking-test-not-created");
        });

        it("needs the integration's Content-Type: Kinesis refuses API Gateway's default application/json", async () => {
            const { output } = renderMappingTemplate(putRecordRequestTemplate(EVENTS_STREAM, "cookie_id"), {
                body: JSON.stringify({ Data: { cookie_id: "c" } }),
            });
            const refused = await callKinesis(kinesis, "PutRecord", output, "application/json");
            expect(refused.status).to.not.equal(200);
            expect(respond(putRecordResponseTemplates, refused).status).to.be.at.least(500);
        });
    });

    describe("PutRecords", () => {
        it("stores a 500-record batch, each record equal to its Data, and returns per-record results in request order", async () => {
            const sampleData = (JSON.parse(SAMPLE_USER_EVENTS_BODY) as { Data: JsonObject }).Data;
            const records = Array.from({ length: 500 }, (_, index) => {
                const data = {
                    ...sampleData,
                    request_id: `00000000-0000-4000-8000-${String(index).padStart(12, "0")}`,
                    cookie_id: `11111111-1111-4111-8111-${String(index % 37).padStart(12, "0")}`,
                    topic: `batch.${index} "引用" \\ ✓`,
                };
                // Every third record relies on the cookie_id fallback.
                return index % 3 === 0 ? { Data: data } : { Data: data, PartitionKey: `explicit-${index}-ключ` };
            });
            const call = await putRecords(
                kinesis,
                EVENTS_STREAM,
                userEvents.partitionKeyField,
                JSON.stringify({ Records: records }),
            );
            expect(call.kinesis.status, call.kinesis.body).to.equal(200);
            expect(call.client.status).to.equal(200);

            const response = JSON.parse(call.client.body) as PutRecordsClientResponse;
            expect(response.FailedRecordCount).to.equal(0);
            expect(response.Records).to.have.length(500);
            const stored = await storedBySequenceNumber(kinesis, EVENTS_STREAM);
            response.Records.forEach((result, index) => {
                const record = stored.get(result.SequenceNumber ?? "");
                expect(record, `record ${index}`).to.not.equal(undefined);
                expect(JSON.parse(record?.data ?? "null"), `record ${index}`).to.deep.equal(records[index].Data);
                expect(record?.partitionKey, `record ${index}`).to.equal(
                    records[index].PartitionKey ?? records[index].Data.cookie_id,
                );
                expect(record?.shardId, `record ${index}`).to.equal(result.ShardId);
            });
        });

        it("answers 400 with Kinesis' reason for more than 500 records", async () => {
            const records = Array.from({ length: 501 }, (_, index) => ({ Data: { cookie_id: `c${index}` } }));
            const call = await putRecords(kinesis, EVENTS_STREAM, "cookie_id", JSON.stringify({ Records: records }));
            expect(call.kinesis.status).to.equal(400);
            expect(call.client.status).to.equal(400);
            const body = JSON.parse(call.client.body) as ErrorClientResponse;
            expect(body.error).to.equal("ValidationException");
            expect(body.detail).to.match(/500/);
        });
    });
});
