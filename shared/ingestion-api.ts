import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CustomizedGatewayResponseType, gatewayResponseTemplates } from "./api/templates";
import { allow, policyDocument, PolicyStatement, unconditionalServiceTrust } from "./iam";
import { ApiCustomDomain } from "./api-custom-domain";
import { apiDefinitionHash, pipelineRouteResources, STREAMS_PATH_PART } from "./api/routes";
import { PipelineDefinition } from "./pipeline-codegen/definition";

/** One routable pipeline: its declaration and the stream its two routes write to. */
export interface ApiRoute {
    readonly pipeline: PipelineDefinition;
    /** The Kinesis stream name, written into the mapping templates at deploy time. */
    readonly streamName: string;
    readonly streamArn: pulumi.Input<string>;
}

export interface IngestionApiArgs {
    /** Name of the REST API, also the prefix of its key, usage plan and log groups. */
    readonly apiName: string;
    /** Name of the role API Gateway assumes to call Kinesis. */
    readonly roleName: string;
    readonly accountId: string;
    readonly region: string;
    readonly partition: string;
    /** Every pipeline that gets routes; nothing else is routable. */
    readonly routes: readonly ApiRoute[];
    /** The KMS key of the streams: PutRecord needs kms:GenerateDataKey on it. */
    readonly streamKeyArn: pulumi.Input<string>;
    /** ARN pattern of the stack's streams (`stream/tracking-<stack>-*`): the key's encryption context when Kinesis asks. */
    readonly streamArnPattern: string;
    /** Stage name, the first path segment of the invoke URL. */
    readonly stageName: string;
    /** Requests per second and burst, for the usage plan and the stage's default method throttle. */
    readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
    /** Requests per period for the API key (usage plan quota). */
    readonly quota: { readonly limit: number; readonly period: "DAY" | "WEEK" | "MONTH" };
    /** X-Ray tracing on the stage. */
    readonly tracing: boolean;
    /** Retention of the access and execution log groups, in days (a CloudWatch-accepted value). */
    readonly logRetentionDays: number;
    /** A permissions boundary for the execution role (the bootstrap's workload boundary). */
    readonly permissionsBoundaryArn?: string;
    /** A custom domain with an ACM certificate, DNS-validated in this Route 53 zone. */
    readonly customDomain?: { readonly domainName: string; readonly hostedZoneId: string };
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * Stage access log line, one JSON object per request. Every value is quoted: API Gateway writes `-` for
 * a missing value, which would break a bare number. `validationError` is the model's message for a 400,
 * `integrationError`/`integrationStatus` what Kinesis answered.
 */
export const ACCESS_LOG_FORMAT: Readonly<Record<string, string>> = {
    requestId: "$context.requestId",
    extendedRequestId: "$context.extendedRequestId",
    requestTime: "$context.requestTime",
    sourceIp: "$context.identity.sourceIp",
    userAgent: "$context.identity.userAgent",
    apiKeyId: "$context.identity.apiKeyId",
    httpMethod: "$context.httpMethod",
    resourcePath: "$context.resourcePath",
    protocol: "$context.protocol",
    status: "$context.status",
    responseLength: "$context.responseLength",
    responseLatency: "$context.responseLatency",
    errorMessage: "$context.error.message",
    errorResponseType: "$context.error.responseType",
    validationError: "$context.error.validationErrorString",
    integrationStatus: "$context.integration.status",
    integrationLatency: "$context.integration.latency",
    integrationError: "$context.integration.error",
};

/**
 * API Gateway's trust policy, without aws:SourceAccount / aws:SourceArn. API Gateway does not put those
 * keys in the AssumeRole request when it assumes an AWS-integration credentials role, so a positive
 * condition on them makes every integration call fail (500 "API Gateway does not have permission to
 * assume the provided role"), and its developer guide shows the trust policy without conditions. The
 * confused-deputy risk is bounded instead by iam:PassRole: only a principal of this account allowed to
 * pass this role can attach it to an integration (roles cannot be passed across accounts), and the
 * role can do nothing but put records into these streams.
 */
export function apiTrustPolicy(): string {
    return policyDocument([
        unconditionalServiceTrust(
            "apigateway.amazonaws.com",
            "API Gateway sends no aws:SourceAccount/aws:SourceArn when assuming integration credentials",
            "ApiGatewayAssumeRole",
        ),
    ]);
}

/**
 * The API role's permissions: PutRecord/PutRecords on exactly the pipelines' streams, and the
 * kms:GenerateDataKey Kinesis needs from a producer of an encrypted stream, only when Kinesis asks for it
 * (`kms:ViaService`) and only for the stack's streams (the encryption context is the stream ARN; Kinesis
 * asks only for a stream the role may put into, so a pattern keeps the policy from growing per pipeline).
 */
export function apiRoleStatements(scope: {
    region: string;
    streamArns: readonly string[];
    streamArnPattern: string;
    streamKeyArn: string;
}): PolicyStatement[] {
    return [
        allow("PutIntoPipelineStreams", ["kinesis:PutRecord", "kinesis:PutRecords"], [...scope.streamArns]),
        allow("EncryptThroughKinesis", ["kms:GenerateDataKey"], [scope.streamKeyArn], {
            StringEquals: { "kms:ViaService": `kinesis.${scope.region}.amazonaws.com` },
            StringLike: { "kms:EncryptionContext:aws:kinesis:arn": scope.streamArnPattern },
        }),
    ];
}

/**
 * The public ingestion API: a regional REST API whose only routes are `PUT /streams/<pipeline>/record`
 * (Kinesis PutRecord) and `PUT /streams/<pipeline>/records` (PutRecords, up to 500 records) for each
 * declared pipeline, each an AWS-service integration with the stream name fixed in its template. Bodies
 * are validated against the pipeline's generated model before Kinesis is called; every method needs an
 * API key, which a usage plan throttles and caps. The stage writes JSON access logs.
 *
 * Account-level prerequisite: the CloudWatch Logs role of API Gateway (`aws.apigateway.Account`) is set
 * once per account and region by the bootstrap stack, not here; without it the stage's logging fails.
 */
export class IngestionApi extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly restApi: aws.apigateway.RestApi;
    readonly stage: aws.apigateway.Stage;
    readonly apiKey: aws.apigateway.ApiKey;
    readonly usagePlan: aws.apigateway.UsagePlan;
    readonly roleArn: pulumi.Output<string>;
    /** The stage's invoke URL (`https://<id>.execute-api.<region>.amazonaws.com/<stage>`). */
    readonly invokeUrl: pulumi.Output<string>;
    /** The base URL clients use: the custom domain when configured, otherwise the invoke URL. */
    readonly url: pulumi.Output<string>;
    /** `{ [pipeline]: URL of PUT .../record }`. */
    readonly recordUrls: pulumi.Output<Record<string, string>>;
    /** `{ [pipeline]: URL of PUT .../records }`. */
    readonly batchUrls: pulumi.Output<Record<string, string>>;
    readonly apiKeyId: pulumi.Output<string>;
    /** The API key's value, as a secret. */
    readonly apiKeyValue: pulumi.Output<string>;

    constructor(name: string, args: IngestionApiArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:IngestionApi", name, {}, opts);

        if (args.routes.length === 0)
            throw new Error(`IngestionApi ${name}: at least one route (pipeline) is required`);
        const names = args.routes.map((route) => route.pipeline.name);
        const duplicate = names.find((pipeline, index) => names.indexOf(pipeline) !== index);
        if (duplicate) throw new Error(`IngestionApi ${name}: pipeline "${duplicate}" is routed twice`);
        const { rateLimit, burstLimit } = args.throttle;
        if (!(rateLimit > 0) || !Number.isInteger(burstLimit) || burstLimit < 1) {
            throw new Error(
                `IngestionApi ${name}: throttle.rateLimit must be > 0 and throttle.burstLimit an integer >= 1`,
            );
        }
        if (!Number.isInteger(args.quota.limit) || args.quota.limit < 1) {
            throw new Error(`IngestionApi ${name}: quota.limit must be an integer >= 1 (got ${args.quota.limit})`);
        }

        const child = { parent: this };

        // --- Execution role: put records into exactly these streams.
        this.role = new aws.iam.Role(
            `${name}-api`,
            {
                name: args.roleName,
                description: `API Gateway ${args.apiName}: puts records into the pipeline streams`,
                assumeRolePolicy: apiTrustPolicy(),
                maxSessionDuration: 3600,
                ...(args.permissionsBoundaryArn !== undefined
                    ? { permissionsBoundary: args.permissionsBoundaryArn }
                    : {}),
                tags: args.tags,
            },
            child,
        );
        const rolePolicy = new aws.iam.RolePolicy(
            `${name}-api`,
            {
                name: "put-records",
                role: this.role.name,
                policy: pulumi
                    .all([pulumi.all(args.routes.map((route) => route.streamArn)), args.streamKeyArn])
                    .apply(([streamArns, streamKeyArn]) =>
                        policyDocument(
                            apiRoleStatements({
                                region: args.region,
                                streamArns,
                                streamArnPattern: args.streamArnPattern,
                                streamKeyArn,
                            }),
                            `role policy put-records of IngestionApi "${name}"`,
                        ),
                    ),
            },
            child,
        );

        // --- The API and its routes.
        this.restApi = new aws.apigateway.RestApi(
            name,
            {
                name: args.apiName,
                description: "Tracking event ingestion: PUT /streams/<pipeline>/record and /records into Kinesis",
                endpointConfiguration: { types: "REGIONAL" },
                apiKeySource: "HEADER",
                tags: args.tags,
            },
            child,
        );
        const restApi = this.restApi.id;

        const validator = new aws.apigateway.RequestValidator(
            `${name}-body`,
            {
                restApi,
                name: "body",
                validateRequestBody: true,
                validateRequestParameters: false,
            },
            child,
        );

        const streams = new aws.apigateway.Resource(
            `${name}-streams`,
            { restApi, parentId: this.restApi.rootResourceId, pathPart: STREAMS_PATH_PART },
            child,
        );

        // Everything the deployment must wait for, so it snapshots the complete definition.
        const definition: pulumi.Resource[] = [];
        for (const route of args.routes) {
            definition.push(
                ...pipelineRouteResources(this, name, route, {
                    restApi,
                    streamsResourceId: streams.id,
                    validatorId: validator.id,
                    roleArn: this.role.arn,
                    rolePolicy,
                    partition: args.partition,
                    region: args.region,
                }),
            );
        }
        definition.push(...this.gatewayResponses(name, restApi));

        // --- Deployment and stage, API key and usage plan.
        this.stage = this.deployedStage(name, args, restApi, definition);
        const { apiKey, usagePlan } = this.apiKeyAndPlan(name, args, restApi, this.stage);
        this.apiKey = apiKey;
        this.usagePlan = usagePlan;

        // --- Optional custom domain.
        let baseUrl: pulumi.Output<string> = this.stage.invokeUrl;
        if (args.customDomain) {
            const domain = new ApiCustomDomain(
                `${name}-domain`,
                {
                    domainName: args.customDomain.domainName,
                    hostedZoneId: args.customDomain.hostedZoneId,
                    restApiId: this.restApi.id,
                    stageName: this.stage.stageName,
                    tags: args.tags,
                },
                { parent: this },
            );
            baseUrl = domain.domainName.apply((domainName) => `https://${domainName}`);
        }

        this.roleArn = this.role.arn;
        this.invokeUrl = this.stage.invokeUrl;
        this.url = baseUrl;
        const urls = (pathPart: string) =>
            baseUrl.apply((base) =>
                Object.fromEntries(
                    args.routes.map((route) => [
                        route.pipeline.name,
                        `${base.replace(/\/$/, "")}/streams/${route.pipeline.name}/${pathPart}`,
                    ]),
                ),
            );
        this.recordUrls = urls("record");
        this.batchUrls = urls("records");
        this.apiKeyId = this.apiKey.id;
        this.apiKeyValue = pulumi.secret(this.apiKey.value);
        this.registerOutputs({
            url: this.url,
            invokeUrl: this.invokeUrl,
            recordUrls: this.recordUrls,
            batchUrls: this.batchUrls,
            apiKeyId: this.apiKeyId,
            roleArn: this.roleArn,
        });
    }

    /**
     * The deployment (replaced whenever the definition hash changes), the stage with JSON access logs and
     * its execution log group (owned here for its retention), and the stage's method settings.
     */
    private deployedStage(
        name: string,
        args: IngestionApiArgs,
        restApi: pulumi.Output<string>,
        definition: pulumi.Resource[],
    ): aws.apigateway.Stage {
        const child = { parent: this };
        const { rateLimit, burstLimit } = args.throttle;
        const deployment = new aws.apigateway.Deployment(
            name,
            {
                restApi,
                description: "Managed by Pulumi: replaced whenever the API definition changes",
                triggers: {
                    definition: apiDefinitionHash(args.routes, {
                        roleName: args.roleName,
                        apiKeyRequired: true,
                        validator: "body",
                    }),
                },
            },
            { parent: this, dependsOn: definition },
        );

        const accessLogs = new aws.cloudwatch.LogGroup(
            `${name}-access`,
            {
                name: `/aws/apigateway/${args.apiName}/${args.stageName}/access`,
                retentionInDays: args.logRetentionDays,
                tags: args.tags,
            },
            child,
        );
        // API Gateway creates this group on first use with no expiry; owning it sets the retention.
        const executionLogs = new aws.cloudwatch.LogGroup(
            `${name}-execution`,
            {
                name: pulumi.interpolate`API-Gateway-Execution-Logs_${restApi}/${args.stageName}`,
                retentionInDays: args.logRetentionDays,
                tags: args.tags,
            },
            child,
        );

        const stage = new aws.apigateway.Stage(
            name,
            {
                restApi,
                deployment: deployment.id,
                stageName: args.stageName,
                description: "Ingestion stage",
                xrayTracingEnabled: args.tracing,
                accessLogSettings: {
                    destinationArn: accessLogs.arn,
                    format: JSON.stringify(ACCESS_LOG_FORMAT),
                },
                tags: args.tags,
            },
            { parent: this, dependsOn: [executionLogs] },
        );

        new aws.apigateway.MethodSettings(
            `${name}-all-methods`,
            {
                restApi,
                stageName: stage.stageName,
                methodPath: "*/*",
                settings: {
                    metricsEnabled: true,
                    // Errors only, and never request or response bodies: events carry personal data.
                    loggingLevel: "ERROR",
                    dataTraceEnabled: false,
                    throttlingRateLimit: rateLimit,
                    throttlingBurstLimit: burstLimit,
                    cachingEnabled: false,
                },
            },
            child,
        );
        return stage;
    }

    /** The producers' API key and the usage plan that throttles and caps it on the stage. */
    private apiKeyAndPlan(
        name: string,
        args: IngestionApiArgs,
        restApi: pulumi.Output<string>,
        stage: aws.apigateway.Stage,
    ): { apiKey: aws.apigateway.ApiKey; usagePlan: aws.apigateway.UsagePlan } {
        const child = { parent: this };
        const { rateLimit, burstLimit } = args.throttle;
        const apiKey = new aws.apigateway.ApiKey(
            name,
            {
                name: `${args.apiName}-key`,
                description: "Key for event producers of the tracking ingestion API",
                enabled: true,
                tags: args.tags,
            },
            child,
        );
        const usagePlan = new aws.apigateway.UsagePlan(
            name,
            {
                name: `${args.apiName}-plan`,
                description: "Throttle and quota for the tracking ingestion API key",
                apiStages: [{ apiId: restApi, stage: stage.stageName }],
                throttleSettings: { rateLimit, burstLimit },
                quotaSettings: { limit: args.quota.limit, period: args.quota.period },
                tags: args.tags,
            },
            child,
        );
        new aws.apigateway.UsagePlanKey(
            name,
            { keyId: apiKey.id, keyType: "API_KEY", usagePlanId: usagePlan.id },
            child,
        );
        return { apiKey, usagePlan };
    }

    /** API Gateway's own error responses (unknown path, bad body, throttling), in the API's JSON shape. */
    private gatewayResponses(name: string, restApi: pulumi.Output<string>): aws.apigateway.Response[] {
        const child = { parent: this };
        const responses: aws.apigateway.Response[] = [];
        for (const [responseType, response] of Object.entries(gatewayResponseTemplates) as [
            CustomizedGatewayResponseType,
            (typeof gatewayResponseTemplates)[CustomizedGatewayResponseType],
        ][]) {
            responses.push(
                new aws.apigateway.Response(
                    `${name}-${responseType.toLowerCase().replace(/_/g, "-")}`,
                    {
                        restApiId: restApi,
                        responseType,
                        ...(response.statusCode !== undefined ? { statusCode: response.statusCode } : {}),
                        responseTemplates: { ...response.responseTemplates },
                    },
                    child,
                ),
            );
        }
        return responses;
    }
}
