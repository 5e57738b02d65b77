import Ajv from "ajv-draft-04";
import type { ErrorObject, ValidateFunction } from "ajv";
import { expect } from "chai";
import { PipelineDefinition } from "../../shared/pipeline-codegen/definition";
import { jobColumnMapping } from "../../shared/pipeline-codegen/job-mapping";
import {
    JSON_SCHEMA_DRAFT_04,
    JsonSchemaDraft4,
    MAX_BATCH_RECORDS,
    batchRequestModel,
    recordRequestModel,
} from "../../shared/pipeline-codegen/request-model";
import { validatePipeline } from "../../shared/pipeline-codegen/validate";
import { pipelines } from "../../shared/pipelines";
import { userEvents } from "../../shared/pipelines/user-events";
import { userUtm } from "../../shared/pipelines/user-utm";
import { SAMPLE_USER_EVENTS_BODY, SAMPLE_USER_UTM_BODY } from "../support/sample-bodies";

/** Every keyword JSON Schema draft 4 defines (validation and metadata); anything else is draft-06+ or invented. */
const DRAFT_04_KEYWORDS = new Set([
    "$schema",
    "id",
    "$ref",
    "title",
    "description",
    "default",
    "definitions",
    "type",
    "enum",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "additionalItems",
    "items",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "additionalProperties",
    "properties",
    "patternProperties",
    "dependencies",
    "format",
]);

/** Keyword paths of a schema, descending only into sub-schemas (not into `required` lists or `properties` names). */
function keywordsOf(schema: JsonSchemaDraft4, at = "#"): Array<{ path: string; keyword: string }> {
    const found: Array<{ path: string; keyword: string }> = [];
    for (const [keyword, value] of Object.entries(schema)) {
        found.push({ path: `${at}/${keyword}`, keyword });
        if (keyword === "properties") {
            for (const [name, sub] of Object.entries(value as Record<string, JsonSchemaDraft4>)) {
                found.push(...keywordsOf(sub, `${at}/properties/${name}`));
            }
        } else if (keyword === "items") {
            found.push(...keywordsOf(value as JsonSchemaDraft4, `${at}/items`));
        }
    }
    return found;
}

/** A fresh draft-04 validator per test run: the engine API Gateway's models are written for. */
function newAjv(): Ajv {
    return new Ajv({ allErrors: true, strict: true });
}

function compile(schema: JsonSchemaDraft4): ValidateFunction {
    return newAjv().compile(schema);
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
    return JSON.stringify(errors ?? [], null, 1);
}

/** Asserts the body is rejected with an error at `instancePath` of the given keyword (and params, if given). */
function expectRejected(
    validate: ValidateFunction,
    body: unknown,
    expected: { instancePath: string; keyword: string; params?: Record<string, unknown> },
): void {
    const valid = validate(body);
    expect(valid, "expected the body to be rejected").to.equal(false);
    const match = (validate.errors ?? []).find(
        (error) =>
            error.instancePath === expected.instancePath &&
            error.keyword === expected.keyword &&
            Object.entries(expected.params ?? {}).every(
                ([key, value]) => (error.params as Record<string, unknown>)[key] === value,
            ),
    );
    expect(
        match,
        `no ${expected.keyword} error at "${expected.instancePath}"; got ${describeErrors(validate.errors)}`,
    ).to.not.equal(undefined);
}

function expectAccepted(validate: ValidateFunction, body: unknown): void {
    const valid = validate(body);
    expect(valid, `expected the body to be accepted; got ${describeErrors(validate.errors)}`).to.equal(true);
}

type Body = { Data: Record<string, unknown>; PartitionKey?: unknown } & Record<string, unknown>;

const sampleEventsBody = (): Body => JSON.parse(SAMPLE_USER_EVENTS_BODY) as Body;
const sampleUtmBody = (): Body => JSON.parse(SAMPLE_USER_UTM_BODY) as Body;

/** A body built from the user-events sample with one change applied. */
function eventsBodyWith(change: (body: Body) => void): Body {
    const body = sampleEventsBody();
    change(body);
    return body;
}

describe("API request models (JSON Schema draft 4)", () => {
    describe("schema form", () => {
        for (const def of pipelines) {
            for (const [kind, schema] of [
                ["record", recordRequestModel(def)],
                ["batch", batchRequestModel(def)],
            ] as const) {
                it(`${def.name} ${kind} model is valid draft 4 with only draft-04 keywords and no format`, () => {
                    expect(schema.$schema).to.equal(JSON_SCHEMA_DRAFT_04);
                    expect(schema.title).to.match(
                        /^[A-Za-z0-9]+$/,
                        "the title doubles as the API Gateway model name, which must be alphanumeric",
                    );
                    const ajv = newAjv();
                    expect(ajv.validateSchema(schema), describeErrors(ajv.errors)).to.equal(true);
                    for (const { path, keyword } of keywordsOf(schema)) {
                        expect(
                            DRAFT_04_KEYWORDS.has(keyword),
                            `${path}: "${keyword}" is not a draft-04 keyword`,
                        ).to.equal(true);
                        expect(keyword, `${path}: API Gateway does not enforce "format"`).to.not.equal("format");
                    }
                    // Draft 4 forbids an empty "required" list, and its exclusive bounds are booleans.
                    for (const { path, keyword } of keywordsOf(schema)) {
                        if (keyword === "exclusiveMaximum" || keyword === "exclusiveMinimum") {
                            expect(path).to.match(/\/exclusiveM(ax|in)imum$/);
                        }
                    }
                    // Serialises to JSON and back unchanged: what Pulumi sends is what was tested.
                    expect(JSON.parse(JSON.stringify(schema))).to.deep.equal(schema);
                });
            }
        }

        it("requires exactly the NOT NULL columns and allows null only where the column is nullable", () => {
            const data = recordRequestModel(userEvents).properties?.Data;
            expect(data?.required).to.deep.equal(["request_id", "request_timestamp", "cookie_id", "topic"]);
            for (const column of userEvents.columns) {
                const type = data?.properties?.[column.name]?.type;
                expect(Array.isArray(type) && type.includes("null"), column.name).to.equal(column.nullable);
            }
        });
    });

    describe("the sample producer bodies", () => {
        it("user-events sample is accepted by the record model", () => {
            expectAccepted(compile(recordRequestModel(userEvents)), sampleEventsBody());
        });

        it("user-utm sample is accepted by the record model", () => {
            expectAccepted(compile(recordRequestModel(userUtm)), sampleUtmBody());
        });

        it("are accepted inside a batch, and each is rejected by the other pipeline's model", () => {
            expectAccepted(compile(batchRequestModel(userEvents)), {
                Records: [sampleEventsBody(), sampleEventsBody()],
            });
            expectAccepted(compile(batchRequestModel(userUtm)), { Records: [sampleUtmBody()] });
            expectRejected(compile(recordRequestModel(userUtm)), sampleEventsBody(), {
                instancePath: "/Data",
                keyword: "additionalProperties",
                params: { additionalProperty: "topic" },
            });
            expectRejected(compile(recordRequestModel(userEvents)), sampleUtmBody(), {
                instancePath: "/Data",
                keyword: "required",
                params: { missingProperty: "cookie_id" },
            });
        });

        it("accepts a record without PartitionKey and with nullable fields omitted", () => {
            const body = sampleEventsBody();
            delete body.PartitionKey;
            for (const column of userEvents.columns.filter((c) => c.nullable)) {
                delete body.Data[column.name];
            }
            expectAccepted(compile(recordRequestModel(userEvents)), body);
        });
    });

    describe("bad user-events payloads", () => {
        const validate = compile(recordRequestModel(userEvents));
        const cases: Array<{
            name: string;
            body: unknown;
            instancePath: string;
            keyword: string;
            params?: Record<string, unknown>;
        }> = [
            {
                name: "missing required field",
                body: eventsBodyWith((b) => delete b.Data.cookie_id),
                instancePath: "/Data",
                keyword: "required",
                params: { missingProperty: "cookie_id" },
            },
            {
                name: "missing Data",
                body: { PartitionKey: "k" },
                instancePath: "",
                keyword: "required",
                params: { missingProperty: "Data" },
            },
            {
                name: "null in a NOT NULL column",
                body: eventsBodyWith((b) => (b.Data.topic = null)),
                instancePath: "/Data/topic",
                keyword: "type",
            },
            {
                name: "null in a NOT NULL timestamp",
                body: eventsBodyWith((b) => (b.Data.request_timestamp = null)),
                instancePath: "/Data/request_timestamp",
                keyword: "type",
            },
            {
                name: "over-length varchar",
                body: eventsBodyWith((b) => (b.Data.environment = "e".repeat(31))),
                instancePath: "/Data/environment",
                keyword: "maxLength",
                params: { limit: 30 },
            },
            {
                name: "over-length location",
                body: eventsBodyWith((b) => (b.Data.location = "l".repeat(5001))),
                instancePath: "/Data/location",
                keyword: "maxLength",
                params: { limit: 5000 },
            },
            {
                name: "number for a string",
                body: eventsBodyWith((b) => (b.Data.topic = 42)),
                instancePath: "/Data/topic",
                keyword: "type",
            },
            {
                name: "object for a string",
                body: eventsBodyWith((b) => (b.Data.message = { isAffiliate: false })),
                instancePath: "/Data/message",
                keyword: "type",
            },
            {
                name: "malformed UUID",
                body: eventsBodyWith((b) => (b.Data.request_id = "fc417c2b-fe7a-4737-afe2-bec49c0ebd6")),
                instancePath: "/Data/request_id",
                keyword: "pattern",
            },
            {
                name: "36 characters that are not a UUID",
                body: eventsBodyWith((b) => (b.Data.cookie_id = "zz417c2b-fe7a-4737-afe2-bec49c0ebd6f")),
                instancePath: "/Data/cookie_id",
                keyword: "pattern",
            },
            {
                name: "malformed UUID in a nullable column",
                body: eventsBodyWith((b) => (b.Data.website_id = "n/a")),
                instancePath: "/Data/website_id",
                keyword: "pattern",
            },
            {
                name: "timestamp with month 13",
                body: eventsBodyWith((b) => (b.Data.request_timestamp = "2020-13-01 00:00:24.000000")),
                instancePath: "/Data/request_timestamp",
                keyword: "pattern",
            },
            {
                name: "timestamp in another format",
                body: eventsBodyWith((b) => (b.Data.request_timestamp = "01/06/2020 00:00:24")),
                instancePath: "/Data/request_timestamp",
                keyword: "pattern",
            },
            {
                name: "timestamp with a numeric offset",
                body: eventsBodyWith((b) => (b.Data.request_timestamp = "2020-06-01T02:00:24+02:00")),
                instancePath: "/Data/request_timestamp",
                keyword: "pattern",
            },
            {
                name: "timestamp finer than microseconds",
                body: eventsBodyWith((b) => (b.Data.request_timestamp = "2020-06-01 00:00:24.0000001")),
                instancePath: "/Data/request_timestamp",
                keyword: "pattern",
            },
            {
                name: "date without time",
                body: eventsBodyWith((b) => (b.Data.request_timestamp = "2020-06-01")),
                instancePath: "/Data/request_timestamp",
                keyword: "pattern",
            },
            {
                name: "Data a string",
                body: { Data: JSON.stringify(sampleEventsBody().Data), PartitionKey: "k" },
                instancePath: "/Data",
                keyword: "type",
            },
            {
                name: "Data an array",
                body: { Data: [sampleEventsBody().Data] },
                instancePath: "/Data",
                keyword: "type",
            },
            { name: "Data null", body: { Data: null }, instancePath: "/Data", keyword: "type" },
            {
                name: "unknown field in Data",
                body: eventsBodyWith((b) => (b.Data.session_id = "s")),
                instancePath: "/Data",
                keyword: "additionalProperties",
                params: { additionalProperty: "session_id" },
            },
            {
                name: "unknown top-level field",
                body: eventsBodyWith((b) => (b.ExplicitHashKey = "1")),
                instancePath: "",
                keyword: "additionalProperties",
                params: { additionalProperty: "ExplicitHashKey" },
            },
            {
                name: "empty PartitionKey",
                body: eventsBodyWith((b) => (b.PartitionKey = "")),
                instancePath: "/PartitionKey",
                keyword: "minLength",
            },
            {
                name: "PartitionKey over 256 characters",
                body: eventsBodyWith((b) => (b.PartitionKey = "k".repeat(257))),
                instancePath: "/PartitionKey",
                keyword: "maxLength",
            },
            {
                name: "PartitionKey not a string",
                body: eventsBodyWith((b) => (b.PartitionKey = 7)),
                instancePath: "/PartitionKey",
                keyword: "type",
            },
        ];
        for (const { name, body, ...expected } of cases) {
            it(`rejects: ${name}`, () => expectRejected(validate, body, expected));
        }

        it("reports every bad field of one record (allErrors)", () => {
            const body = eventsBodyWith((b) => {
                delete b.Data.topic;
                b.Data.cookie_id = "x";
                b.Data.extra = true;
            });
            expect(validate(body)).to.equal(false);
            const where = (validate.errors ?? []).map((e) => `${e.instancePath}:${e.keyword}`);
            expect(where).to.include.members([
                "/Data:required",
                "/Data/cookie_id:pattern",
                "/Data:additionalProperties",
            ]);
        });
    });

    describe("timestamps", () => {
        const validate = compile(recordRequestModel(userEvents));
        for (const accepted of [
            "2020-06-01 00:00:24.000000",
            "2020-06-01 00:00:24",
            "2020-06-01 23:59:59.5",
            "2020-06-01T00:00:24",
            "2020-06-01T00:00:24.123Z",
            "2020-06-01 00:00:24Z",
            "2020-12-31T23:59:59.999999Z",
        ]) {
            it(`accepts ${accepted}`, () =>
                expectAccepted(
                    validate,
                    eventsBodyWith((b) => (b.Data.request_timestamp = accepted)),
                ));
        }
        for (const rejected of [
            "2020-06-01 24:00:00",
            "2020-06-32 00:00:00",
            "2020-06-01 00:60:00",
            "2020-06-01 00:00:24.",
            "2020-06-01 00:00:24z",
            "2020-06-01T00:00:24-05:00",
            " 2020-06-01 00:00:24",
            "2020-6-1 0:0:24",
        ]) {
            it(`rejects ${JSON.stringify(rejected)}`, () =>
                expectRejected(
                    validate,
                    eventsBodyWith((b) => (b.Data.request_timestamp = rejected)),
                    { instancePath: "/Data/request_timestamp", keyword: "pattern" },
                ));
        }
        it("accepts exactly the calendar's dates: 29 February only in leap years, no 31st in 30-day months, no year 0", () => {
            const pad = (n: number, width: number) => String(n).padStart(width, "0");
            const isCalendarDate = (year: number, month: number, day: number) => {
                const date = new Date(0);
                date.setUTCFullYear(year, month - 1, day);
                return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
            };
            const wrong: string[] = [];
            for (const year of [0, 1, 4, 100, 400, 1600, 1700, 1900, 2000, 2023, 2024, 2100, 2400, 9996, 9999]) {
                for (let month = 1; month <= 12; month++) {
                    for (let day = 1; day <= 31; day++) {
                        const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)} 00:00:00`;
                        const accepted = validate(eventsBodyWith((b) => (b.Data.request_timestamp = text)));
                        if (accepted !== (year > 0 && isCalendarDate(year, month, day)))
                            wrong.push(`${text}: ${accepted ? "accepted" : "rejected"}`);
                    }
                }
            }
            expect(wrong).to.deep.equal([]);
        });
    });

    describe("batches", () => {
        const validate = compile(batchRequestModel(userEvents));

        it(`accepts exactly ${MAX_BATCH_RECORDS} records`, () => {
            expectAccepted(validate, { Records: Array.from({ length: MAX_BATCH_RECORDS }, sampleEventsBody) });
        });
        it("rejects 501 records", () => {
            expectRejected(
                validate,
                { Records: Array.from({ length: MAX_BATCH_RECORDS + 1 }, sampleEventsBody) },
                { instancePath: "/Records", keyword: "maxItems", params: { limit: 500 } },
            );
        });
        it("rejects an empty batch", () => {
            expectRejected(
                validate,
                { Records: [] },
                { instancePath: "/Records", keyword: "minItems", params: { limit: 1 } },
            );
        });
        it("rejects a batch without Records, or with Records not an array", () => {
            expectRejected(
                validate,
                {},
                { instancePath: "", keyword: "required", params: { missingProperty: "Records" } },
            );
            expectRejected(validate, { Records: sampleEventsBody() }, { instancePath: "/Records", keyword: "type" });
        });
        it("names the bad record and field inside a batch", () => {
            const records = [sampleEventsBody(), sampleEventsBody(), eventsBodyWith((b) => (b.Data.topic = null))];
            expectRejected(validate, { Records: records }, { instancePath: "/Records/2/Data/topic", keyword: "type" });
        });
        it("rejects a record whose Data is not an object inside a batch", () => {
            expectRejected(
                validate,
                { Records: [{ Data: "x" }] },
                { instancePath: "/Records/0/Data", keyword: "type" },
            );
        });
    });

    describe("byte limits vs character counts (Redshift VARCHAR counts bytes)", () => {
        const validate = compile(recordRequestModel(userEvents));
        const message = userEvents.columns.find((c) => c.name === "message");

        it("accepts 3,128 characters of a multi-byte script, and the job mapping carries maxBytes 3128 to truncate it", () => {
            const text = "日".repeat(3128);
            expect(Buffer.byteLength(text, "utf8")).to.be.greaterThan(
                3128,
                "the case under test is a string over the byte limit",
            );
            expectAccepted(
                validate,
                eventsBodyWith((b) => (b.Data.message = text)),
            );
            const mapping = jobColumnMapping(userEvents).find((m) => m.target === "message");
            expect(mapping?.maxBytes).to.equal(3128);
            expect(mapping?.maxBytes).to.equal(message?.length);
        });

        it("rejects 3,129 characters, which can never fit 3,128 bytes", () => {
            expectRejected(
                validate,
                eventsBodyWith((b) => (b.Data.message = "日".repeat(3129))),
                { instancePath: "/Data/message", keyword: "maxLength", params: { limit: 3128 } },
            );
            expectRejected(
                validate,
                eventsBodyWith((b) => (b.Data.message = "a".repeat(3129))),
                { instancePath: "/Data/message", keyword: "maxLength", params: { limit: 3128 } },
            );
        });
    });

    describe("column types the committed pipelines do not use", () => {
        const everyType: PipelineDefinition = {
            name: "every-type",
            table: { schema: "tracking", name: "every_type" },
            columns: [
                { name: "code", type: "char", length: 8, nullable: false },
                { name: "legacy_id", type: "char", length: 36, nullable: true, format: "none" },
                { name: "trace_id", type: "varchar", length: 64, nullable: true, format: "uuid" },
                { name: "visit_date", type: "date", nullable: true },
                { name: "consented", type: "boolean", nullable: true },
                { name: "small", type: "smallint", nullable: true },
                { name: "medium", type: "integer", nullable: true },
                { name: "large", type: "bigint", nullable: true },
                { name: "ratio", type: "real", nullable: true },
                { name: "score", type: "double", nullable: true },
                { name: "amount", type: "decimal", precision: 5, scale: 2, nullable: true },
            ],
            partitionKeyField: "code",
            eventTimeField: "visit_date",
            mergeKey: "code",
        };
        const validate = compile(recordRequestModel(everyType));
        const body = (data: Record<string, unknown>) => ({ Data: { code: "AB12", ...data } });
        const rejectedAt = (data: Record<string, unknown>, field: string, keyword: string) =>
            expectRejected(validate, body(data), { instancePath: `/Data/${field}`, keyword });

        before(() => validatePipeline(everyType));

        it("accepts values inside every type's range", () => {
            expectAccepted(
                validate,
                body({
                    legacy_id: "not-a-uuid",
                    trace_id: "FC417C2B-FE7A-4737-AFE2-BEC49C0EBD6F",
                    visit_date: "2020-02-29",
                    consented: false,
                    small: -32768,
                    medium: 2147483647,
                    large: -9007199254740991,
                    ratio: 1.5,
                    score: -1e300,
                    amount: -999.99,
                }),
            );
            expectAccepted(
                validate,
                body({ small: 32767, medium: -2147483648, amount: 999.99, large: 9007199254740991 }),
            );
        });
        it("restricts CHAR without a UUID format to printable ASCII (single-byte), bounded by its length", () => {
            rejectedAt({ code: "ÄB12" }, "code", "pattern");
            rejectedAt({ code: "AB\u000012" }, "code", "pattern");
            rejectedAt({ code: "ABCDEFGHI" }, "code", "maxLength");
            rejectedAt({ legacy_id: "ümlaut" }, "legacy_id", "pattern");
        });
        it("refuses an empty partition key field (Kinesis refuses empty keys)", () =>
            rejectedAt({ code: "" }, "code", "minLength"));
        it("applies the UUID pattern where format is uuid, even on varchar", () =>
            rejectedAt({ trace_id: "trace-1" }, "trace_id", "pattern"));
        it("checks dates", () => {
            rejectedAt({ visit_date: "2020-02-29 00:00:00" }, "visit_date", "pattern");
            rejectedAt({ visit_date: "20200229" }, "visit_date", "pattern");
        });
        it("wants JSON booleans, not strings", () => rejectedAt({ consented: "true" }, "consented", "type"));
        it("bounds smallint", () => {
            rejectedAt({ small: 32768 }, "small", "maximum");
            rejectedAt({ small: -32769 }, "small", "minimum");
        });
        it("bounds integer and refuses fractions", () => {
            rejectedAt({ medium: 2147483648 }, "medium", "maximum");
            rejectedAt({ medium: 1.5 }, "medium", "type");
            rejectedAt({ medium: "7" }, "medium", "type");
        });
        it("bounds bigint without ever admitting an overflow", () => {
            rejectedAt({ large: 2 ** 63 }, "large", "maximum");
            rejectedAt({ large: -(2 ** 63) - 4096 }, "large", "minimum");
            const schema = recordRequestModel(everyType).properties?.Data?.properties?.large;
            // The bounds as written to JSON, read back exactly, lie inside the BIGINT range.
            const serialised = JSON.stringify(schema);
            const maximum = BigInt(/"maximum":(\d+)/.exec(serialised)?.[1] ?? "NaN");
            const minimum = BigInt(/"minimum":(-\d+)/.exec(serialised)?.[1] ?? "NaN");
            expect(maximum <= 2n ** 63n - 1n).to.equal(true);
            expect(minimum >= -(2n ** 63n)).to.equal(true);
        });
        it("takes any number for real and double, not strings", () => rejectedAt({ ratio: "1.5" }, "ratio", "type"));
        it("bounds decimal(5,2) to |x| < 1000", () => {
            rejectedAt({ amount: 1000 }, "amount", "maximum");
            rejectedAt({ amount: -1000 }, "amount", "minimum");
        });
        it("lets null through for nullable columns of every type", () => {
            const nulls = Object.fromEntries(everyType.columns.filter((c) => c.nullable).map((c) => [c.name, null]));
            expectAccepted(validate, body(nulls));
        });
    });

    describe("user-utm specifics", () => {
        const validate = compile(recordRequestModel(userUtm));
        it("keeps its VARCHAR(56) request_id free of a UUID pattern (click ids are not UUIDs)", () => {
            expectAccepted(validate, { Data: { request_id: "gclid-123", source: "adwords", medium: "cpc" } });
        });
        it("bounds it to 56 and refuses it empty, as it is the partition key field", () => {
            expectRejected(
                validate,
                { Data: { request_id: "r".repeat(57), source: "adwords", medium: "cpc" } },
                { instancePath: "/Data/request_id", keyword: "maxLength" },
            );
            expectRejected(
                validate,
                { Data: { request_id: "", source: "adwords", medium: "cpc" } },
                { instancePath: "/Data/request_id", keyword: "minLength" },
            );
        });
        it("lets multi-byte text through within the character limit", () => {
            expectAccepted(validate, {
                Data: { request_id: "r", source: "ñandú", medium: "cpc", campaign: "キャンペーン" },
            });
        });
    });
});
