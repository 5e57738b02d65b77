/**
 * Checks the API Gateway emulation itself against the examples the developer guide publishes, so the
 * template tests rest on variables that behave as documented, and on a harness that refuses what it
 * does not emulate.
 */
import { expect } from "chai";
import {
    escapeJavaScript,
    evaluateJsonPath,
    javaUrlDecode,
    javaUrlEncode,
    renderGatewayResponse,
    renderMappingTemplate,
    selectIntegrationResponse,
} from "./support/api-gateway-emulation";

const PETS = JSON.stringify({
    pets: [
        { id: 1, type: "dog", price: 249.99 },
        { id: 2, type: "cat", price: 124.99 },
        { id: 3, type: "fish", price: 0.99 },
    ],
});

describe("API Gateway emulation: $input (developer guide examples)", () => {
    it("$input.json('$.pets') returns the JSON text of the selected structure", () => {
        const { output } = renderMappingTemplate(`{"body": $input.json('$.pets')}`, { body: PETS });
        expect(JSON.parse(output)).to.deep.equal({ body: JSON.parse(PETS).pets });
    });

    it("$input.path('$.pets') returns an object VTL can size and walk", () => {
        const template = `{"count": "$input.path('$.pets').size()", "first": "$input.path('$.pets')[0].type"}`;
        const { output } = renderMappingTemplate(template, { body: PETS });
        expect(JSON.parse(output)).to.deep.equal({ count: "3", first: "dog" });
    });

    it("$input.json of a string member yields a quoted, escaped JSON string literal", () => {
        const body = JSON.stringify({ key: 'say "hi" \\ now' });
        const { output } = renderMappingTemplate(`{"key": $input.json('$.key')}`, { body });
        expect(JSON.parse(output)).to.deep.equal({ key: 'say "hi" \\ now' });
    });

    it("$input.body is the raw payload", () => {
        const body = '{ "a" :\t1 }';
        const { output } = renderMappingTemplate("$input.body", { body });
        expect(output).to.equal(body);
    });

    it("$input.params() maps path, querystring and header (the guide's pass-all-parameters template)", () => {
        const template = [
            "#set($allParams = $input.params())",
            "{",
            '  "params" : {',
            "    #foreach($type in $allParams.keySet())",
            "    #set($params = $allParams.get($type))",
            '    "$type" : {',
            "      #foreach($paramName in $params.keySet())",
            '      "$paramName" : "$util.escapeJavaScript($params.get($paramName))"',
            "      #if($foreach.hasNext),#end",
            "      #end",
            "    }",
            "    #if($foreach.hasNext),#end",
            "    #end",
            "  }",
            "}",
        ].join("\n");
        const params = { path: { pipeline: "user-events" }, querystring: { q: "1" }, header: { "X-Trace": "abc" } };
        const { output } = renderMappingTemplate(template, { body: "{}", params });
        expect(JSON.parse(output)).to.deep.equal({ params });
    });

    it("$input.params(x) searches path, then query string, then header", () => {
        const params = {
            path: { name: "from-path" },
            querystring: { name: "from-query", q: "query" },
            header: { "X-Only": "header" },
        };
        const { output } = renderMappingTemplate(`$input.params('name')|$input.params('q')|$input.params('x-only')`, {
            body: "{}",
            params,
        });
        expect(output).to.equal("from-path|query|header");
    });

    it("the emulated JSONPath subset covers members, quoted members and indexes, and refuses the rest", () => {
        const document = { Records: [{ Data: { "odd key": 1 } }] };
        expect(evaluateJsonPath(document, "$.Records[0].Data['odd key']")).to.equal(1);
        expect(() => evaluateJsonPath(document, "$.Records[*].Data")).to.throw(/outside the emulated subset/);
        expect(() => evaluateJsonPath(document, "$..Data")).to.throw(/outside the emulated subset/);
        expect(() => evaluateJsonPath(document, "$.Records[1]")).to.throw(/no element/);
        expect(() => evaluateJsonPath(document, "$.Missing")).to.throw(/no member/);
    });
});

describe("API Gateway emulation: $util (developer guide examples)", () => {
    it("$util.parseJson turns stringified JSON into an object (the guide's errorMessage example)", () => {
        const body = JSON.stringify({ errorMessage: JSON.stringify({ key1: "var1", key2: { arr: [1, 2, 3] } }) });
        const template = [
            "#set ($errorMessageObj = $util.parseJson($input.path('$.errorMessage')))",
            "{",
            '   "errorMessageObjKey2ArrVal" : $errorMessageObj.key2.arr[0]',
            "}",
        ].join("\n");
        const { output } = renderMappingTemplate(template, { body });
        expect(JSON.parse(output)).to.deep.equal({ errorMessageObjKey2ArrVal: 1 });
    });

    it("$util.escapeJavaScript escapes single quotes as \\' (documented), quotes, backslashes, slashes, controls and non-ASCII", () => {
        expect(escapeJavaScript(`it's "a/b" \\ x\n\t`)).to.equal(`it\\'s \\"a\\/b\\" \\\\ x\\n\\t`);
        expect(escapeJavaScript("é😀\u0001")).to.equal("\\u00E9\\uD83D\\uDE00\\u0001");
    });

    it("$util.base64Encode encodes UTF-8 and $util.base64Decode reverses it", () => {
        const text = '汉字 😀 "q"';
        const { output } = renderMappingTemplate(
            "$util.base64Decode($util.base64Encode($input.path('$.t')))|$util.base64Encode($input.path('$.t'))",
            {
                body: JSON.stringify({ t: text }),
            },
        );
        expect(output).to.equal(`${text}|${Buffer.from(text, "utf8").toString("base64")}`);
    });

    it("$util.urlEncode/urlDecode use application/x-www-form-urlencoded (space as +)", () => {
        expect(javaUrlEncode("a b&c=é*")).to.equal("a+b%26c%3D%C3%A9*");
        expect(javaUrlDecode("a+b%26c%3D%C3%A9*")).to.equal("a b&c=é*");
    });

    it("refuses Java String methods whose JavaScript namesakes differ", () => {
        expect(() =>
            renderMappingTemplate(`$input.path('$.s').replaceAll("\\\\'", "'")`, { body: '{"s": "x"}' }),
        ).to.throw(/Java semantics/);
    });
});

describe("API Gateway emulation: $context overrides and response selection", () => {
    it("$context.responseOverride.status is reported as the method status", () => {
        const result = renderMappingTemplate("#set($context.responseOverride.status = 429){}", { body: "{}" });
        expect(result.statusOverride).to.equal(429);
    });

    it("overriding the status twice fails, as API Gateway answers 5XX", () => {
        const template = "#set($context.responseOverride.status = 400)#set($context.responseOverride.status = 500)";
        expect(() => renderMappingTemplate(template, { body: "{}" })).to.throw(/overridden twice/);
    });

    it("selects the integration response whose pattern matches the whole status code, else the default", () => {
        const responses = [
            { statusCode: "200", responseTemplates: {} },
            { selectionPattern: "4\\d{2}", statusCode: "400", responseTemplates: {} },
            { selectionPattern: "5\\d{2}", statusCode: "502", responseTemplates: {} },
        ];
        expect(selectIntegrationResponse(responses, 200).statusCode).to.equal("200");
        expect(selectIntegrationResponse(responses, 429).statusCode).to.equal("400");
        expect(selectIntegrationResponse(responses, 503).statusCode).to.equal("502");
        expect(selectIntegrationResponse(responses, 302).statusCode).to.equal("200");
    });

    it("gateway responses are substitution only: directives and $util are refused", () => {
        expect(() => renderGatewayResponse('#set($x = 1){"a": 1}', {})).to.throw(/not Velocity/);
        expect(() => renderGatewayResponse('{"a": "$util.escapeJavaScript(x)"}', {})).to.throw(/cannot use/);
        expect(
            renderGatewayResponse('{"m": $context.error.messageString}', {
                error: { message: "Missing Authentication Token" },
            }),
        ).to.equal('{"m": "Missing Authentication Token"}');
    });
});
