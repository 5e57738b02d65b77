/**
 * API Gateway (REST) mapping templates between the ingestion API and Kinesis Data Streams, and the
 * gateway-response templates for API Gateway's own errors: pure functions, no resources. Routes, wiring
 * and the status code of each outcome are described in docs/ingestion-api.md.
 */

/** The client content type the mapping templates apply to. */
export const MAPPING_TEMPLATE_CONTENT_TYPE = "application/json";

/** The content type Kinesis' JSON 1.1 protocol requires on every call. */
export const KINESIS_CONTENT_TYPE = "application/x-amz-json-1.1";

/** Integration request parameters for every Kinesis integration: a static Content-Type header. */
export const KINESIS_INTEGRATION_REQUEST_PARAMETERS: Readonly<Record<string, string>> = {
    "integration.request.header.Content-Type": `'${KINESIS_CONTENT_TYPE}'`,
};

/** Kinesis stream names: 1-128 characters from `[a-zA-Z0-9_.-]` (Kinesis API reference, StreamName). */
const STREAM_NAME_PATTERN = /^[a-zA-Z0-9_.-]{1,128}$/;

/**
 * A partition-key field is written into a JSONPath (`$.Data.<field>`) inside a VTL string, so it must be
 * a plain identifier: no `.`, `[`, quotes, `$` or `#` that JSONPath or VTL would interpret.
 */
const FIELD_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,126}$/;

function checkStreamName(caller: string, streamName: string): void {
    if (!STREAM_NAME_PATTERN.test(streamName)) {
        throw new Error(
            `${caller}: streamName ${JSON.stringify(streamName)} is not a Kinesis stream name ` +
                "(rule: 1-128 characters from [a-zA-Z0-9_.-])",
        );
    }
}

function checkPartitionKeyField(caller: string, partitionKeyField: string): void {
    if (!FIELD_NAME_PATTERN.test(partitionKeyField)) {
        throw new Error(
            `${caller}: partitionKeyField ${JSON.stringify(partitionKeyField)} cannot be used in a JSONPath ` +
                "(rule: a letter or underscore, then letters, digits or underscores, at most 127 characters)",
        );
    }
}

/**
 * Request template for `PUT /streams/<pipeline>/record` -> Kinesis PutRecord.
 *
 * @param streamName the Kinesis stream this route writes to, fixed at deploy time.
 * @param partitionKeyField the `Data` field used as partition key when the client sends no `PartitionKey`
 *   (or an empty one); the request model requires it, so it is present once the body validated.
 */
export function putRecordRequestTemplate(streamName: string, partitionKeyField: string): string {
    checkStreamName("putRecordRequestTemplate", streamName);
    checkPartitionKeyField("putRecordRequestTemplate", partitionKeyField);
    return [
        `## PutRecord into ${streamName}: the stream is fixed at deploy time, never taken from the path.`,
        "#set($body = $input.path('$'))",
        "{",
        `  "StreamName": "${streamName}",`,
        `  "Data": "$util.base64Encode($input.json('$.Data'))",`,
        `#if("$!body.PartitionKey" == "")`,
        `  "PartitionKey": $input.json('$.Data.${partitionKeyField}')`,
        "#else",
        `  "PartitionKey": $input.json('$.PartitionKey')`,
        "#end",
        "}",
        "",
    ].join("\n");
}

/**
 * Request template for `PUT /streams/<pipeline>/records` -> Kinesis PutRecords, records in request order.
 * Each record's `Data` is addressed by index (`$.Records[i].Data`), because only `$input.json` turns a
 * JSON object back into JSON text: a VTL map would print as `{key=value}`.
 */
export function putRecordsRequestTemplate(streamName: string, partitionKeyField: string): string {
    checkStreamName("putRecordsRequestTemplate", streamName);
    checkPartitionKeyField("putRecordsRequestTemplate", partitionKeyField);
    return [
        `## PutRecords into ${streamName}: the stream is fixed at deploy time, never taken from the path.`,
        "#set($body = $input.path('$'))",
        "{",
        `  "StreamName": "${streamName}",`,
        `  "Records": [`,
        "#foreach($record in $body.Records)",
        "    {",
        `      "Data": "$util.base64Encode($input.json("$.Records[$foreach.index].Data"))",`,
        `#if("$!record.PartitionKey" == "")`,
        `      "PartitionKey": $input.json("$.Records[$foreach.index].Data.${partitionKeyField}")`,
        "#else",
        `      "PartitionKey": $input.json("$.Records[$foreach.index].PartitionKey")`,
        "#end",
        "    }#if($foreach.hasNext),#end",
        "#end",
        "  ]",
        "}",
        "",
    ].join("\n");
}

/** One integration response: how a Kinesis reply (selected by its HTTP status) becomes the client's reply. */
export interface IntegrationResponseTemplate {
    /**
     * Regular expression matched against Kinesis' HTTP status code (for AWS-service integrations API
     * Gateway selects on the status, not the body). Absent on the default response, which catches the rest.
     */
    readonly selectionPattern?: string;
    /** Method response status used unless the template overrides it. */
    readonly statusCode: string;
    /** Response body templates by content type. */
    readonly responseTemplates: Readonly<Record<string, string>>;
    /** Statuses the template may set through `$context.responseOverride.status`. */
    readonly overrideStatusCodes: readonly string[];
}

/**
 * Kinesis answers every client-side and configuration error with HTTP 400 and names it in `__type`, so
 * throttling, the client's bad record and our own misconfiguration are told apart here, not by selection.
 * The Kinesis message is passed on only for the client's own errors (400): for the others it names the
 * account and stream, which the client has no use for.
 */
function kinesisErrorTemplate(): string {
    return [
        "## Kinesis 4xx: tell throttling (429) and the client's bad record (400) from our configuration (500).",
        "#set($error = $input.path('$'))",
        `#set($errorType = "$!error.get('__type')")`,
        `#if($errorType.endsWith("ProvisionedThroughputExceededException") || $errorType.endsWith("ThrottlingException") || $errorType.endsWith("LimitExceededException"))`,
        "#set($status = 429)",
        `#set($message = "throttled by Kinesis: retry with exponential backoff")`,
        `#elseif($errorType.endsWith("ValidationException") || $errorType.endsWith("InvalidArgumentException"))`,
        "#set($status = 400)",
        `#set($message = "Kinesis rejected the request: see detail")`,
        "#else",
        "#set($status = 500)",
        `#set($message = "the stream could not accept the request")`,
        "#end",
        "#set($context.responseOverride.status = $status)",
        "{",
        `  "message": "$message",`,
        `#if($errorType != "")`,
        `  "error": "$errorType",`,
        "#end",
        `#if($status == 400 && "$!error.message" != "")`,
        `  "detail": $input.json('$.message'),`,
        `#elseif($status == 400 && "$!error.Message" != "")`,
        `  "detail": $input.json('$.Message'),`,
        "#end",
        `  "requestId": "$context.requestId"`,
        "}",
        "",
    ].join("\n");
}

/** Kinesis 5xx (InternalFailure, ServiceUnavailable): not the client's fault, and worth a retry. */
function kinesisUnavailableTemplate(): string {
    return [
        "{",
        `  "message": "Kinesis is unavailable: retry with exponential backoff",`,
        `  "requestId": "$context.requestId"`,
        "}",
        "",
    ].join("\n");
}

function putRecordSuccessTemplate(): string {
    return [
        "{",
        `  "SequenceNumber": "$input.path('$.SequenceNumber')",`,
        `  "ShardId": "$input.path('$.ShardId')",`,
        `  "requestId": "$context.requestId"`,
        "}",
        "",
    ].join("\n");
}

/**
 * PutRecords answers 200 even when records failed. The status is decided before the body is written, and
 * set once: 429 when every failure is a throughput failure (back off and resend those records), 502 when
 * any failure is something else (`InternalFailure`). Each result keeps its request position and carries
 * either `SequenceNumber`/`ShardId` or `ErrorCode` (Kinesis' `ErrorMessage` names the account, so it stays out).
 */
function putRecordsSuccessTemplate(): string {
    return [
        "## PutRecords: a 200 with failed records must not reach the client as 200.",
        "#set($result = $input.path('$'))",
        "#set($failed = $result.FailedRecordCount)",
        "#set($throttled = 0)",
        "#foreach($record in $result.Records)",
        `#if("$!record.ErrorCode" == "ProvisionedThroughputExceededException")`,
        "#set($throttled = $throttled + 1)",
        "#end",
        "#end",
        "#if($failed > 0 && $throttled == $failed)",
        "#set($context.responseOverride.status = 429)",
        "#elseif($failed > 0)",
        "#set($context.responseOverride.status = 502)",
        "#end",
        "{",
        `  "FailedRecordCount": $failed,`,
        `  "Records": [`,
        "#foreach($record in $result.Records)",
        `#if("$!record.ErrorCode" != "")`,
        `    {"ErrorCode": "$record.ErrorCode"}#if($foreach.hasNext),#end`,
        "#else",
        `    {"SequenceNumber": "$record.SequenceNumber", "ShardId": "$record.ShardId"}#if($foreach.hasNext),#end`,
        "#end",
        "#end",
        "  ],",
        `  "requestId": "$context.requestId"`,
        "}",
        "",
    ].join("\n");
}

const kinesisErrorResponse: IntegrationResponseTemplate = {
    selectionPattern: "4\\d{2}",
    statusCode: "400",
    responseTemplates: { [MAPPING_TEMPLATE_CONTENT_TYPE]: kinesisErrorTemplate() },
    overrideStatusCodes: ["429", "500"],
};

const kinesisUnavailableResponse: IntegrationResponseTemplate = {
    selectionPattern: "5\\d{2}",
    statusCode: "502",
    responseTemplates: { [MAPPING_TEMPLATE_CONTENT_TYPE]: kinesisUnavailableTemplate() },
    overrideStatusCodes: [],
};

/** Integration responses of the PutRecord route: default (200), Kinesis 4xx, Kinesis 5xx. */
export const putRecordResponseTemplates: readonly IntegrationResponseTemplate[] = [
    {
        statusCode: "200",
        responseTemplates: { [MAPPING_TEMPLATE_CONTENT_TYPE]: putRecordSuccessTemplate() },
        overrideStatusCodes: [],
    },
    kinesisErrorResponse,
    kinesisUnavailableResponse,
];

/** Integration responses of the PutRecords route: default (200, overridden on partial failure), 4xx, 5xx. */
export const putRecordsResponseTemplates: readonly IntegrationResponseTemplate[] = [
    {
        statusCode: "200",
        responseTemplates: { [MAPPING_TEMPLATE_CONTENT_TYPE]: putRecordsSuccessTemplate() },
        overrideStatusCodes: ["429", "502"],
    },
    kinesisErrorResponse,
    kinesisUnavailableResponse,
];

/** Every status a route can answer with, sorted: the method responses to declare. */
export function methodResponseStatusCodes(responses: readonly IntegrationResponseTemplate[]): string[] {
    const codes = new Set<string>();
    for (const response of responses) {
        codes.add(response.statusCode);
        response.overrideStatusCodes.forEach((code) => codes.add(code));
    }
    return [...codes].sort();
}

/**
 * A customised gateway response. Its template is NOT Velocity: API Gateway only substitutes `$context`,
 * `$stageVariables` and method-request values into it, so it holds no directives and no `$util`/`$input`.
 */
export interface GatewayResponseTemplate {
    /** Status to answer with; absent on DEFAULT_4XX/DEFAULT_5XX, where setting one would overwrite every other 4XX/5XX status. */
    readonly statusCode?: string;
    /** Response body templates by content type. */
    readonly responseTemplates: Readonly<Record<string, string>>;
}

export type CustomizedGatewayResponseType =
    | "BAD_REQUEST_BODY"
    | "MISSING_AUTHENTICATION_TOKEN"
    | "RESOURCE_NOT_FOUND"
    | "THROTTLED"
    | "QUOTA_EXCEEDED"
    | "REQUEST_TOO_LARGE"
    | "UNSUPPORTED_MEDIA_TYPE"
    | "INTEGRATION_FAILURE"
    | "INTEGRATION_TIMEOUT"
    | "DEFAULT_4XX"
    | "DEFAULT_5XX";

function jsonGatewayResponse(
    statusCode: string | undefined,
    fields: readonly (readonly [string, string])[],
): GatewayResponseTemplate {
    const body = ["{", fields.map(([name, value]) => `  "${name}": ${value}`).join(",\n"), "}", ""].join("\n");
    return {
        ...(statusCode === undefined ? {} : { statusCode }),
        responseTemplates: { [MAPPING_TEMPLATE_CONTENT_TYPE]: body },
    };
}

const REQUEST_ID: readonly [string, string] = ["requestId", `"$context.requestId"`];

const NO_SUCH_STREAM = jsonGatewayResponse("404", [
    ["message", `"no such stream"`],
    [
        "detail",
        `"only declared pipelines are routable: PUT /streams/{pipeline}/record or PUT /streams/{pipeline}/records"`,
    ],
    REQUEST_ID,
]);

/**
 * Gateway responses (API Gateway's own errors), all JSON, keyed by response type.
 *
 * - BAD_REQUEST_BODY carries `$context.error.validationErrorString` (e.g.
 *   `[object has missing required properties (["cookie_id"])]`) inside a JSON string, so the client sees
 *   which field failed. Gateway-response substitution is not VTL, so nothing here can escape the value:
 *   the body is valid JSON on the premise that API Gateway escapes it for a JSON string, as published
 *   examples of this template show. Check it once on a deployed stage (send a body without `Data`).
 * - MISSING_AUTHENTICATION_TOKEN is what a REST API answers for a path or method it does not have, so an
 *   unknown stream becomes 404. This holds while the methods use no IAM authorization: with AWS_IAM, an
 *   unsigned request to a real stream would also read as 404.
 * - Free-text values are API Gateway's own fixed messages (`$context.error.message`) or literals: nothing
 *   from the request is echoed except through validationErrorString.
 */
export const gatewayResponseTemplates: Readonly<Record<CustomizedGatewayResponseType, GatewayResponseTemplate>> = {
    BAD_REQUEST_BODY: jsonGatewayResponse("400", [
        ["message", `"invalid request body"`],
        ["detail", `"$context.error.validationErrorString"`],
        REQUEST_ID,
    ]),
    MISSING_AUTHENTICATION_TOKEN: NO_SUCH_STREAM,
    RESOURCE_NOT_FOUND: NO_SUCH_STREAM,
    THROTTLED: jsonGatewayResponse("429", [
        ["message", `"too many requests: retry with exponential backoff"`],
        REQUEST_ID,
    ]),
    QUOTA_EXCEEDED: jsonGatewayResponse("429", [["message", `"usage plan quota exceeded"`], REQUEST_ID]),
    REQUEST_TOO_LARGE: jsonGatewayResponse("413", [
        ["message", `"request body too large: split the batch"`],
        REQUEST_ID,
    ]),
    UNSUPPORTED_MEDIA_TYPE: jsonGatewayResponse("415", [
        ["message", `"unsupported media type: send Content-Type: application/json"`],
        REQUEST_ID,
    ]),
    INTEGRATION_FAILURE: jsonGatewayResponse("502", [
        ["message", `"the stream could not be reached: retry with exponential backoff"`],
        REQUEST_ID,
    ]),
    INTEGRATION_TIMEOUT: jsonGatewayResponse("504", [
        ["message", `"the stream did not answer in time: retry with exponential backoff"`],
        REQUEST_ID,
    ]),
    DEFAULT_4XX: jsonGatewayResponse(undefined, [["message", `"$context.error.message"`], REQUEST_ID]),
    DEFAULT_5XX: jsonGatewayResponse(undefined, [["message", `"$context.error.message"`], REQUEST_ID]),
};
