/**
 * Response templates against the Kinesis replies kinesalite cannot produce: throttling, PutRecords partial
 * failures and 5xx, in the body shapes the Kinesis API reference documents (`{"__type", "message"}` errors,
 * the PutRecords partial-failure example). Replies kinesalite does produce (success, ValidationException,
 * ResourceNotFoundException) are covered on real bodies in kinesis-roundtrip.test.ts.
 */
import { expect } from "chai";
import { putRecordResponseTemplates, putRecordsResponseTemplates } from "../../shared/api/templates";
import { respond } from "./support/api-gateway-emulation";

const REQUEST_ID = "5d9f1f00-1111-4222-8333-444455556666";
const ACCOUNT = "111111111111";

interface ErrorBody {
    message: string;
    error?: string;
    detail?: string;
    requestId: string;
}

interface PutRecordsBody {
    FailedRecordCount: number;
    Records: Record<string, string>[];
    requestId: string;
}

const kinesisError = (type: string, message: string, status = 400) => ({
    status,
    body: JSON.stringify({ __type: type, message }),
});

/** The PutRecords partial-failure response of the Kinesis API reference, with its record entries. */
function putRecordsReply(entries: ("ok" | "ProvisionedThroughputExceededException" | "InternalFailure")[]) {
    const records = entries.map((entry, index) =>
        entry === "ok"
            ? {
                  SequenceNumber: `4954346307654800757710509270303956035997522851839501268${index}`,
                  ShardId: `shardId-00000000000${index % 4}`,
              }
            : {
                  ErrorCode: entry,
                  ErrorMessage:
                      entry === "InternalFailure"
                          ? "Internal service failure."
                          : `Rate exceeded for shard shardId-000000000001 in stream exampleStreamName under account ${ACCOUNT}.`,
              },
    );
    return {
        status: 200,
        body: JSON.stringify({ FailedRecordCount: entries.filter((entry) => entry !== "ok").length, Records: records }),
    };
}

describe("API response templates: PutRecord errors (documented Kinesis error bodies)", () => {
    for (const throttling of [
        "ProvisionedThroughputExceededException",
        "KMSThrottlingException",
        "LimitExceededException",
    ]) {
        it(`answers 429 for ${throttling}, without Kinesis' message (it names the account)`, () => {
            const reply = kinesisError(
                throttling,
                `Rate exceeded for shard shardId-000000000001 in stream exampleStreamName under account ${ACCOUNT}.`,
            );
            const response = respond(putRecordResponseTemplates, reply, { requestId: REQUEST_ID });
            expect(response.status).to.equal(429);
            const body = JSON.parse(response.body) as ErrorBody;
            expect(body).to.include({ error: throttling, requestId: REQUEST_ID });
            expect(body.message).to.match(/retry/);
            expect(response.body).to.not.include(ACCOUNT);
        });
    }

    it("answers 429 for a namespaced throttling type", () => {
        const reply = kinesisError("com.amazonaws.kinesis#ProvisionedThroughputExceededException", "Rate exceeded");
        expect(respond(putRecordResponseTemplates, reply).status).to.equal(429);
    });

    it("answers 400 with Kinesis' reason for InvalidArgumentException, escaped into valid JSON", () => {
        const message = `Value "x'y\\z" at 'partitionKey' failed\nto satisfy constraint`;
        const response = respond(putRecordResponseTemplates, kinesisError("InvalidArgumentException", message));
        expect(response.status).to.equal(400);
        expect(JSON.parse(response.body)).to.include({ error: "InvalidArgumentException", detail: message });
    });

    for (const configurationError of [
        "AccessDeniedException",
        "KMSAccessDeniedException",
        "KMSDisabledException",
        "ResourceNotFoundException",
        "SerializationException",
    ]) {
        it(`answers 500 for ${configurationError}: our configuration, not the client's request`, () => {
            const response = respond(
                putRecordResponseTemplates,
                kinesisError(configurationError, `arn:aws:kinesis:eu-central-1:${ACCOUNT}:stream/x`),
            );
            expect(response.status).to.equal(500);
            const body = JSON.parse(response.body) as ErrorBody;
            expect(body.error).to.equal(configurationError);
            expect(body).to.not.have.property("detail");
            expect(response.body).to.not.include(ACCOUNT);
        });
    }

    it("answers 500 for a 4xx body that names no error type", () => {
        const response = respond(putRecordResponseTemplates, { status: 403, body: "{}" });
        expect(response.status).to.equal(500);
        expect(JSON.parse(response.body)).to.not.have.property("error");
    });

    for (const [status, type] of [
        [500, "InternalFailure"],
        [503, "ServiceUnavailable"],
    ] as const) {
        it(`answers 502 for Kinesis ${status} ${type}`, () => {
            for (const responses of [putRecordResponseTemplates, putRecordsResponseTemplates]) {
                const response = respond(responses, kinesisError(type, "Internal service failure.", status), {
                    requestId: REQUEST_ID,
                });
                expect(response.status).to.equal(502);
                expect(JSON.parse(response.body)).to.include({ requestId: REQUEST_ID });
            }
        });
    }

    it("never answers 200 to a Kinesis error, whatever its status", () => {
        for (let status = 400; status < 600; status++) {
            for (const responses of [putRecordResponseTemplates, putRecordsResponseTemplates]) {
                const response = respond(responses, kinesisError("SomeFutureException", "x", status));
                expect(response.status, `Kinesis ${status}`).to.be.at.least(400);
                JSON.parse(response.body);
            }
        }
    });
});

describe("API response templates: PutRecords partial failures (documented response shape)", () => {
    it("turns the documented mixed failure (throughput + InternalFailure) into 502 with per-record results in order", () => {
        const reply = putRecordsReply(["ok", "ProvisionedThroughputExceededException", "InternalFailure"]);
        const response = respond(putRecordsResponseTemplates, reply, { requestId: REQUEST_ID });
        expect(response.status).to.equal(502);
        const body = JSON.parse(response.body) as PutRecordsBody;
        const sent = JSON.parse(reply.body) as { Records: Record<string, string>[] };
        expect(body.FailedRecordCount).to.equal(2);
        expect(body.Records).to.deep.equal([
            { SequenceNumber: sent.Records[0].SequenceNumber, ShardId: sent.Records[0].ShardId },
            { ErrorCode: "ProvisionedThroughputExceededException" },
            { ErrorCode: "InternalFailure" },
        ]);
        expect(response.body).to.not.include(ACCOUNT);
    });

    it("answers 429 when every failed record was throttled, so the client backs off and resends those", () => {
        const reply = putRecordsReply([
            "ProvisionedThroughputExceededException",
            "ok",
            "ProvisionedThroughputExceededException",
            "ok",
        ]);
        const response = respond(putRecordsResponseTemplates, reply);
        expect(response.status).to.equal(429);
        const body = JSON.parse(response.body) as PutRecordsBody;
        expect(body.FailedRecordCount).to.equal(2);
        expect(body.Records.map((record) => record.ErrorCode ?? "ok")).to.deep.equal([
            "ProvisionedThroughputExceededException",
            "ok",
            "ProvisionedThroughputExceededException",
            "ok",
        ]);
    });

    it("answers 429 when the whole batch was throttled", () => {
        const response = respond(
            putRecordsResponseTemplates,
            putRecordsReply(["ProvisionedThroughputExceededException", "ProvisionedThroughputExceededException"]),
        );
        expect(response.status).to.equal(429);
    });

    it("answers 502 when only InternalFailure occurred", () => {
        expect(respond(putRecordsResponseTemplates, putRecordsReply(["ok", "InternalFailure"])).status).to.equal(502);
    });

    it("answers 200 only when FailedRecordCount is 0", () => {
        const response = respond(putRecordsResponseTemplates, putRecordsReply(["ok", "ok"]), { requestId: REQUEST_ID });
        expect(response.status).to.equal(200);
        expect(JSON.parse(response.body)).to.include({ FailedRecordCount: 0, requestId: REQUEST_ID });
    });

    it("answers 400 with Kinesis' reason when the whole batch is invalid", () => {
        const message =
            "1 validation error detected: Value '[...]' at 'records' failed to satisfy constraint: Member must have length less than or equal to 500";
        const response = respond(putRecordsResponseTemplates, kinesisError("ValidationException", message));
        expect(response.status).to.equal(400);
        expect(JSON.parse(response.body)).to.include({ error: "ValidationException", detail: message });
    });
});
