/**
 * Renders API Gateway (REST) mapping templates with a real Velocity engine (velocityjs) and a context that
 * reproduces the variables the API Gateway developer guide documents ("Variables for data transformations",
 * "$util variables", "Override your API's request and response parameters and status codes", "Gateway
 * response types"):
 *
 * - `$input.body`: the raw payload string.
 * - `$input.json(x)`: evaluates JSONPath `x` on the payload and returns the result as JSON text.
 * - `$input.path(x)`: evaluates JSONPath `x` and returns the value itself (maps, lists, strings, numbers)
 *   for use in VTL (`.size()`, property access, `#foreach`).
 * - `$input.params()` / `$input.params(x)`: all parameters `{path, querystring, header}`, or one parameter
 *   looked up in path, then query string, then header.
 * - `$util.escapeJavaScript`, `base64Encode`, `base64Decode`, `parseJson`, `urlEncode`, `urlDecode`.
 * - `$context.requestId`, `httpMethod`, `resourcePath`, `path`, `stage`, `error.*`, `responseOverride.status`
 *   and `responseOverride.header.<name>`, `requestOverride.*`.
 *
 * Limits of the emulation, each chosen so that a template relying on something unproven fails here loudly
 * instead of passing by accident:
 * - JSONPath: only the subset `$`, `.member`, `['member']` / `["member"]` and `[index]`; wildcards, filters,
 *   slices and recursive descent throw.
 * - `$input.json`/`$input.path` on a member the payload does not have throw: API Gateway does not document
 *   what they return, so templates must test presence through a map (`$input.path('$').Member`).
 * - `$input.json` serializes like `JSON.stringify`. API Gateway's serializer may differ in insignificant
 *   ways (escaping of `/` or non-ASCII), so tests compare JSON values, never bytes.
 * - `$util.escapeJavaScript` follows Apache commons-lang `StringEscapeUtils.escapeJavaScript` (what the
 *   documented `'` -> `\'` behaviour comes from): `'`, `"`, `\`, `/` and control characters escaped,
 *   every UTF-16 code unit above 0x7F written as `\uXXXX`.
 * - `$util.urlEncode`/`urlDecode` follow Java's `URLEncoder`/`URLDecoder` with UTF-8 (space as `+`).
 * - Java `String` methods whose JavaScript namesakes behave differently (`replaceAll`, `replace`,
 *   `matches`, `split`) throw; methods with the same meaning in both (`endsWith`, `startsWith`,
 *   `length()`, `toString()`) work. Header lookup in `$input.params(x)` ignores case.
 * - JSON null reaches VTL as a null reference (nothing under `$!`), as in Java Velocity.
 * - Velocity 1.7's whitespace handling (which lines a directive swallows) is not reproduced byte for byte:
 *   templates here render JSON, and tests compare parsed JSON.
 * - Setting `$context.responseOverride.status` (or one override header) twice throws, as API Gateway
 *   answers 5XX in that case.
 * - Gateway responses are rendered by {@link renderGatewayResponse}, a plain substitution and not
 *   Velocity, as the guide states; see its notes for how error variables are substituted.
 */
import { Compile, parse } from "velocityjs";

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

type PathSegment = string | number;

/** Parses the JSONPath subset described above into member names and array indexes. */
export function parseJsonPath(expression: string): PathSegment[] {
    if (!expression.startsWith("$")) {
        throw new Error(`JSONPath ${JSON.stringify(expression)} must start with $`);
    }
    const segments: PathSegment[] = [];
    let rest = expression.slice(1);
    while (rest.length > 0) {
        let match: RegExpMatchArray | null;
        if ((match = rest.match(/^\.([A-Za-z_][A-Za-z0-9_-]*)/))) {
            segments.push(match[1]);
        } else if ((match = rest.match(/^\[(\d+)\]/))) {
            segments.push(Number(match[1]));
        } else if ((match = rest.match(/^\['([^'\\]*)'\]/)) || (match = rest.match(/^\["([^"\\]*)"\]/))) {
            segments.push(match[1]);
        } else {
            throw new Error(
                `JSONPath ${JSON.stringify(expression)}: ${JSON.stringify(rest)} is outside the emulated subset`,
            );
        }
        rest = rest.slice(match[0].length);
    }
    return segments;
}

/** Evaluates the JSONPath subset; throws when a member or index is absent. */
export function evaluateJsonPath(document: JsonValue, expression: string): JsonValue {
    let current: JsonValue = document;
    for (const segment of parseJsonPath(expression)) {
        if (typeof segment === "number") {
            if (!Array.isArray(current) || segment >= current.length) {
                throw new Error(`JSONPath ${expression}: no element [${segment}]`);
            }
            current = current[segment];
        } else {
            if (
                current === null ||
                typeof current !== "object" ||
                Array.isArray(current) ||
                !Object.prototype.hasOwnProperty.call(current, segment)
            ) {
                throw new Error(`JSONPath ${expression}: no member ${JSON.stringify(segment)}`);
            }
            current = current[segment];
        }
    }
    return current;
}

function hex4(codeUnit: number): string {
    return codeUnit.toString(16).toUpperCase().padStart(4, "0");
}

/** commons-lang `StringEscapeUtils.escapeJavaScript`, per UTF-16 code unit as Java iterates a String. */
export function escapeJavaScript(text: string): string {
    let escaped = "";
    for (let i = 0; i < text.length; i++) {
        const codeUnit = text.charCodeAt(i);
        const character = text[i];
        if (codeUnit > 0x7f) {
            escaped += `\\u${hex4(codeUnit)}`;
        } else if (codeUnit < 0x20) {
            const named: Record<number, string> = { 0x08: "\\b", 0x09: "\\t", 0x0a: "\\n", 0x0c: "\\f", 0x0d: "\\r" };
            escaped += named[codeUnit] ?? `\\u${hex4(codeUnit)}`;
        } else if (character === "'" || character === '"' || character === "\\" || character === "/") {
            escaped += `\\${character}`;
        } else {
            escaped += character;
        }
    }
    return escaped;
}

/** Java `URLEncoder.encode(text, "UTF-8")`: letters, digits and `.-*_` kept, space as `+`, the rest %XX. */
export function javaUrlEncode(text: string): string {
    let encoded = "";
    for (const byte of Buffer.from(text, "utf8")) {
        const character = String.fromCharCode(byte);
        if (/[A-Za-z0-9.\-*_]/.test(character)) {
            encoded += character;
        } else if (character === " ") {
            encoded += "+";
        } else {
            encoded += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
        }
    }
    return encoded;
}

/** Java `URLDecoder.decode(text, "UTF-8")`. */
export function javaUrlDecode(text: string): string {
    return decodeURIComponent(text.replace(/\+/g, " "));
}

export interface RequestParameters {
    readonly path?: Record<string, string>;
    readonly querystring?: Record<string, string>;
    readonly header?: Record<string, string>;
}

export interface ContextValues {
    readonly requestId?: string;
    readonly httpMethod?: string;
    readonly resourcePath?: string;
    readonly path?: string;
    readonly stage?: string;
    readonly error?: {
        readonly message?: string;
        readonly validationErrorString?: string;
        readonly responseType?: string;
    };
}

export interface RenderInput {
    /** The payload the template sees as `$input`: the method request body, or the integration response body. */
    readonly body: string;
    readonly params?: RequestParameters;
    readonly context?: ContextValues;
}

export interface RenderResult {
    /** Exactly what the template rendered: what API Gateway would send. */
    readonly output: string;
    /** `$context.responseOverride.status`, when the template set it. */
    readonly statusOverride?: number;
    readonly headerOverrides: Readonly<Record<string, string>>;
}

/**
 * A value as VTL sees it. Java Velocity renders a null reference as nothing under `$!` and as its own text
 * otherwise; velocityjs does that for `undefined` but prints `null` as "null", so JSON nulls become
 * `undefined` on their way into the template.
 */
function toVelocityValue(value: JsonValue): unknown {
    if (value === null) {
        return undefined;
    }
    if (Array.isArray(value)) {
        return value.map(toVelocityValue);
    }
    if (typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, toVelocityValue(member)]));
    }
    return value;
}

/** A map whose keys may each be assigned once, as API Gateway's overrides. */
function singleAssignmentMap(what: string, store: Map<string, unknown>): Record<string, unknown> {
    return new Proxy<Record<string, unknown>>(
        {},
        {
            set(_target, key, value) {
                const name = String(key);
                if (store.has(name)) {
                    throw new Error(`${what}.${name} overridden twice: API Gateway answers 5XX`);
                }
                store.set(name, value);
                return true;
            },
            get(_target, key) {
                return typeof key === "string" ? store.get(key) : undefined;
            },
            has(_target, key) {
                return typeof key === "string" && store.has(key);
            },
        },
    );
}

const JAVA_ONLY_STRING_METHODS = new Set(["replaceAll", "replace", "matches", "split"]);

/** Renders one mapping template as API Gateway would for the given payload, parameters and context. */
export function renderMappingTemplate(template: string, input: RenderInput): RenderResult {
    let parsedBody: JsonValue | undefined;
    const document = (): JsonValue => {
        if (parsedBody === undefined) {
            parsedBody = JSON.parse(input.body) as JsonValue;
        }
        return parsedBody;
    };
    const params = {
        path: { ...(input.params?.path ?? {}) },
        querystring: { ...(input.params?.querystring ?? {}) },
        header: { ...(input.params?.header ?? {}) },
    };

    const overrides = new Map<string, unknown>();
    const headerOverrides = new Map<string, unknown>();
    const headerOverride = singleAssignmentMap("$context.responseOverride.header", headerOverrides);
    const responseOverride = new Proxy<Record<string, unknown>>(
        {},
        {
            get(_target, key) {
                return key === "header" ? headerOverride : typeof key === "string" ? overrides.get(key) : undefined;
            },
            set(_target, key, value) {
                const name = String(key);
                if (name === "header") {
                    throw new Error("$context.responseOverride.header is a map: override one header at a time");
                }
                if (overrides.has(name)) {
                    throw new Error(`$context.responseOverride.${name} overridden twice: API Gateway answers 5XX`);
                }
                overrides.set(name, value);
                return true;
            },
        },
    );

    const contextValues = input.context ?? {};
    const error = contextValues.error ?? {};
    const velocityContext = {
        input: {
            body: input.body,
            json: (path: string): string => JSON.stringify(evaluateJsonPath(document(), path)),
            path: (path: string): unknown => toVelocityValue(evaluateJsonPath(document(), path)),
            params: (name?: string): unknown => {
                if (name === undefined) {
                    return structuredClone(params);
                }
                if (Object.prototype.hasOwnProperty.call(params.path, name)) {
                    return params.path[name];
                }
                if (Object.prototype.hasOwnProperty.call(params.querystring, name)) {
                    return params.querystring[name];
                }
                const header = Object.keys(params.header).find((key) => key.toLowerCase() === name.toLowerCase());
                return header === undefined ? "" : params.header[header];
            },
        },
        util: {
            escapeJavaScript,
            base64Encode: (text: string): string => Buffer.from(String(text), "utf8").toString("base64"),
            base64Decode: (text: string): string => Buffer.from(String(text), "base64").toString("utf8"),
            parseJson: (text: string): unknown => toVelocityValue(JSON.parse(text) as JsonValue),
            urlEncode: javaUrlEncode,
            urlDecode: javaUrlDecode,
        },
        context: {
            requestId: contextValues.requestId ?? "c0ffee00-0000-4000-8000-000000000000",
            httpMethod: contextValues.httpMethod ?? "PUT",
            resourcePath: contextValues.resourcePath ?? "/",
            path: contextValues.path ?? "/",
            stage: contextValues.stage ?? "test",
            error: {
                message: error.message,
                messageString: error.message === undefined ? undefined : `"${error.message}"`,
                validationErrorString: error.validationErrorString,
                responseType: error.responseType,
            },
            responseOverride,
            requestOverride: { header: {}, path: {}, querystring: {} },
        },
    };

    const compiled = new Compile(parse(template), {
        // A property of an undefined reference, or a method that does not exist, throws instead of rendering silently.
        env: "development",
        customMethodHandlers: [
            {
                uid: "java-only string methods",
                match: ({ property, context }) => typeof context === "string" && JAVA_ONLY_STRING_METHODS.has(property),
                resolve: ({ property }) => {
                    throw new Error(`String.${property}() has Java semantics that the emulation does not reproduce`);
                },
            },
            {
                uid: "java String.length()",
                match: ({ property, context }) => typeof context === "string" && property === "length",
                resolve: ({ context }) => (context as string).length,
            },
        ],
    });
    const output = compiled.render(velocityContext);

    const status = overrides.get("status");
    return {
        output,
        ...(status === undefined ? {} : { statusOverride: Number(status) }),
        headerOverrides: Object.fromEntries([...headerOverrides].map(([name, value]) => [name, String(value)])),
    };
}

/** The integration-response shape of shared/api/templates.ts, restated so this helper stays independent. */
export interface IntegrationResponseLike {
    readonly selectionPattern?: string;
    readonly statusCode: string;
    readonly responseTemplates: Readonly<Record<string, string>>;
}

/**
 * API Gateway's integration-response selection for AWS-service integrations: the first response whose
 * `selectionPattern` matches the whole backend status code, else the one without a pattern (the default).
 */
export function selectIntegrationResponse<T extends IntegrationResponseLike>(
    responses: readonly T[],
    backendStatus: number,
): T {
    const matched = responses.find(
        (response) =>
            response.selectionPattern !== undefined &&
            new RegExp(`^(?:${response.selectionPattern})$`).test(String(backendStatus)),
    );
    const selected = matched ?? responses.find((response) => response.selectionPattern === undefined);
    if (selected === undefined) {
        throw new Error(`no integration response matches status ${backendStatus} and none is the default`);
    }
    return selected;
}

export interface MethodResponse {
    readonly status: number;
    readonly body: string;
}

/** What the client receives for a backend reply: selection, template rendering, then the status override. */
export function respond(
    responses: readonly IntegrationResponseLike[],
    backend: { readonly status: number; readonly body: string },
    context: ContextValues = {},
): MethodResponse {
    const selected = selectIntegrationResponse(responses, backend.status);
    const template = selected.responseTemplates["application/json"];
    if (template === undefined) {
        throw new Error(`integration response ${selected.statusCode} has no application/json template`);
    }
    const rendered = renderMappingTemplate(template, { body: backend.body, context });
    return { status: rendered.statusOverride ?? Number(selected.statusCode), body: rendered.output };
}

/**
 * Renders a gateway-response template the way the developer guide describes it: not Velocity, only
 * simple substitution of `$context.<name>` / `$stageVariables.<name>` values. A directive (`#...`), a
 * `$input`/`$util` reference or an unknown variable throws, since API Gateway would not evaluate it.
 *
 * Values are substituted as given, with two exceptions that mirror API Gateway:
 * - `$context.error.messageString` is the message already in double quotes (documented);
 * - `$context.error.validationErrorString` is substituted escaped for a JSON string (backslash before `"`
 *   and `\`, control characters as escapes). This is an ASSUMPTION, taken from the responses published
 *   for `"$context.error.validationErrorString"` templates (`[... ([\"name\"])]`); the guide does not
 *   state it, and it can only be confirmed on a deployed API.
 */
export function renderGatewayResponse(
    template: string,
    context: ContextValues,
    stageVariables: Record<string, string> = {},
): string {
    if (/(^|[^\\])#[a-zA-Z{]/.test(template)) {
        throw new Error("gateway response templates are not Velocity: directives are not evaluated");
    }
    const error = context.error ?? {};
    const values: Record<string, string | undefined> = {
        "context.requestId": context.requestId ?? "c0ffee00-0000-4000-8000-000000000000",
        "context.httpMethod": context.httpMethod,
        "context.resourcePath": context.resourcePath,
        "context.path": context.path,
        "context.stage": context.stage,
        "context.error.message": error.message,
        "context.error.messageString": error.message === undefined ? undefined : `"${error.message}"`,
        "context.error.responseType": error.responseType,
        "context.error.validationErrorString":
            error.validationErrorString === undefined
                ? undefined
                : JSON.stringify(error.validationErrorString).slice(1, -1),
        ...Object.fromEntries(Object.entries(stageVariables).map(([name, value]) => [`stageVariables.${name}`, value])),
    };
    const reference = /\$!?(?:\{([A-Za-z][A-Za-z0-9_.]*)\}|([A-Za-z][A-Za-z0-9_.]*[A-Za-z0-9_]))/g;
    return template.replace(reference, (_whole, braced: string | undefined, bare: string | undefined) => {
        const name = braced ?? bare ?? "";
        const value = values[name];
        if (value === undefined) {
            throw new Error(
                `gateway response template uses $${name}, which this request does not define or a gateway response cannot use`,
            );
        }
        return value;
    });
}
