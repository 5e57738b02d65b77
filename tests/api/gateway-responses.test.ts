/**
 * Gateway responses (API Gateway's own errors): status codes, JSON bodies, and templates that stay within
 * what a gateway response can do (simple substitution, no Velocity).
 */
import { expect } from "chai";
import {
    CustomizedGatewayResponseType,
    gatewayResponseTemplates,
    MAPPING_TEMPLATE_CONTENT_TYPE,
} from "../../shared/api/templates";
import { ContextValues, renderGatewayResponse } from "./support/api-gateway-emulation";

const REQUEST_ID = "9a8b7c6d-0000-4111-8222-333344445555";

/** A timestamp pattern as a request model carries it: backslashes and quotes end up in the validator's message. */
const TIMESTAMP_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?Z?$";

/** API Gateway's default message for each response type, as `$context.error.message` carries it. */
const DEFAULT_MESSAGES: Record<CustomizedGatewayResponseType, string> = {
    BAD_REQUEST_BODY: "Invalid request body",
    MISSING_AUTHENTICATION_TOKEN: "Missing Authentication Token",
    RESOURCE_NOT_FOUND: "Resource not found",
    THROTTLED: "Too Many Requests",
    QUOTA_EXCEEDED: "Limit Exceeded",
    REQUEST_TOO_LARGE: "Request Too Long",
    UNSUPPORTED_MEDIA_TYPE: "Unsupported Media Type",
    INTEGRATION_FAILURE: "Internal server error",
    INTEGRATION_TIMEOUT: "Endpoint request timed out",
    DEFAULT_4XX: "Forbidden",
    DEFAULT_5XX: "Internal server error",
};

function render(type: CustomizedGatewayResponseType, error: ContextValues["error"] = {}): Record<string, unknown> {
    const template = gatewayResponseTemplates[type].responseTemplates[MAPPING_TEMPLATE_CONTENT_TYPE];
    expect(template, `${type} has an ${MAPPING_TEMPLATE_CONTENT_TYPE} template`).to.be.a("string");
    const body = renderGatewayResponse(template ?? "", {
        requestId: REQUEST_ID,
        error: { message: DEFAULT_MESSAGES[type], responseType: type, ...error },
    });
    return JSON.parse(body) as Record<string, unknown>;
}

describe("API gateway responses", () => {
    it("BAD_REQUEST_BODY answers 400 with a JSON body naming the missing field", () => {
        const validationErrorString = '[object has missing required properties (["cookie_id"])]';
        const body = render("BAD_REQUEST_BODY", { validationErrorString });
        expect(gatewayResponseTemplates.BAD_REQUEST_BODY.statusCode).to.equal("400");
        expect(body.detail).to.equal(validationErrorString);
        expect(String(body.detail)).to.include("cookie_id");
        expect(body).to.include({ message: "invalid request body", requestId: REQUEST_ID });
    });

    it("BAD_REQUEST_BODY stays valid JSON for validator messages with regexes, backslashes and echoed values", () => {
        const validationErrorString =
            `[ECMA 262 regex "${TIMESTAMP_PATTERN}" does not match input string "2020-06-01 00:00:24\\"x"` +
            ', instance type (integer) does not match any allowed primitive type (allowed: ["string"])]';
        expect(render("BAD_REQUEST_BODY", { validationErrorString }).detail).to.equal(validationErrorString);
    });

    it("MISSING_AUTHENTICATION_TOKEN (an unknown path or method on a REST API) answers 404 no such stream", () => {
        expect(gatewayResponseTemplates.MISSING_AUTHENTICATION_TOKEN.statusCode).to.equal("404");
        expect(render("MISSING_AUTHENTICATION_TOKEN")).to.include({ message: "no such stream", requestId: REQUEST_ID });
        expect(gatewayResponseTemplates.RESOURCE_NOT_FOUND.statusCode).to.equal("404");
    });

    it("THROTTLED and QUOTA_EXCEEDED answer 429", () => {
        for (const type of ["THROTTLED", "QUOTA_EXCEEDED"] as const) {
            expect(gatewayResponseTemplates[type].statusCode, type).to.equal("429");
            expect(render(type)).to.have.property("message").that.is.a("string");
        }
    });

    it("DEFAULT_4XX and DEFAULT_5XX keep each error's own status and pass API Gateway's message on", () => {
        for (const type of ["DEFAULT_4XX", "DEFAULT_5XX"] as const) {
            expect(gatewayResponseTemplates[type], type).to.not.have.property("statusCode");
            expect(render(type)).to.deep.equal({ message: DEFAULT_MESSAGES[type], requestId: REQUEST_ID });
        }
    });

    it("every response is valid JSON, uses only substitution, and echoes nothing from the request but the validation error", () => {
        for (const type of Object.keys(gatewayResponseTemplates) as CustomizedGatewayResponseType[]) {
            const templates = gatewayResponseTemplates[type].responseTemplates;
            expect(Object.keys(templates), type).to.deep.equal([MAPPING_TEMPLATE_CONTENT_TYPE]);
            const template = templates[MAPPING_TEMPLATE_CONTENT_TYPE] ?? "";
            const variables = [...template.matchAll(/\$([A-Za-z][A-Za-z0-9_.]*[A-Za-z0-9_])/g)].map(
                (match) => match[1],
            );
            expect(
                variables.every((name) =>
                    ["context.requestId", "context.error.message", "context.error.validationErrorString"].includes(
                        name,
                    ),
                ),
                `${type}: ${variables.join(", ")}`,
            ).to.equal(true);
            render(type, { validationErrorString: '[object has missing required properties (["Data"])]' });
        }
    });
});
