/**
 * The routes of the ingestion API: per pipeline `PUT /streams/<pipeline>/record` and `/records`, each an
 * AWS-service integration with Kinesis whose stream name is fixed in its request template (see
 * docs/ingestion-api.md). The IngestionApi component builds them with {@link pipelineRouteResources}.
 */
import { createHash } from "crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    gatewayResponseTemplates,
    IntegrationResponseTemplate,
    KINESIS_INTEGRATION_REQUEST_PARAMETERS,
    MAPPING_TEMPLATE_CONTENT_TYPE,
    methodResponseStatusCodes,
    putRecordRequestTemplate,
    putRecordResponseTemplates,
    putRecordsRequestTemplate,
    putRecordsResponseTemplates,
} from "./templates";
import type { ApiRoute } from "../ingestion-api";
import { PipelineDefinition } from "../pipeline-codegen/definition";
import { batchRequestModel, recordRequestModel, requestModelName } from "../pipeline-codegen/request-model";

/** The two routes of a pipeline: path part, Kinesis action, request model and templates. */
export interface RouteKind {
    readonly pathPart: "record" | "records";
    readonly action: "PutRecord" | "PutRecords";
    readonly modelKind: "record" | "batch";
    readonly requestTemplate: (streamName: string, partitionKeyField: string) => string;
    readonly responses: readonly IntegrationResponseTemplate[];
    readonly model: (def: PipelineDefinition) => object;
}

export const ROUTE_KINDS: readonly RouteKind[] = [
    {
        pathPart: "record",
        action: "PutRecord",
        modelKind: "record",
        requestTemplate: putRecordRequestTemplate,
        responses: putRecordResponseTemplates,
        model: recordRequestModel,
    },
    {
        pathPart: "records",
        action: "PutRecords",
        modelKind: "batch",
        requestTemplate: putRecordsRequestTemplate,
        responses: putRecordsResponseTemplates,
        model: batchRequestModel,
    },
];

/**
 * The API Gateway resources (paths) of a REST API routing `pipelineCount` pipelines: the root, `/streams`,
 * and per pipeline `/streams/<pipeline>` with one child per route kind. API Gateway counts them against
 * its "Resources per API" quota (300 by default, raised per API).
 */
export function restApiResourceCount(pipelineCount: number): number {
    return 2 + pipelineCount * (1 + ROUTE_KINDS.length);
}

/** The first path segment under the stage: every route is `/streams/<pipeline>/<pathPart>`. */
export const STREAMS_PATH_PART = "streams";
/** The HTTP method of every route. */
export const ROUTE_HTTP_METHOD = "PUT";

/**
 * A pipeline's routes as API Gateway names them in the `Resource` and `Method` dimensions of its detailed
 * (per-method) metrics, e.g. `{ resourcePath: "/streams/user-events/record", httpMethod: "PUT" }`.
 */
export function pipelineRoutes(pipeline: string): { resourcePath: string; httpMethod: string }[] {
    return ROUTE_KINDS.map((kind) => ({
        resourcePath: `/${STREAMS_PATH_PART}/${pipeline}/${kind.pathPart}`,
        httpMethod: ROUTE_HTTP_METHOD,
    }));
}

/**
 * Everything a deployment snapshots, as one hash: when a route, model, template or gateway response
 * changes, the hash changes, the Deployment is replaced and the stage serves the new definition (a
 * Deployment is otherwise frozen at creation and edits would never go live).
 */
export function apiDefinitionHash(
    routes: readonly { pipeline: PipelineDefinition; streamName: string }[],
    extra: Record<string, unknown>,
): string {
    const definition = {
        routes: routes.map(({ pipeline, streamName }) => ({
            pipeline: pipeline.name,
            streamName,
            kinds: ROUTE_KINDS.map((kind) => ({
                pathPart: kind.pathPart,
                action: kind.action,
                model: kind.model(pipeline),
                requestTemplate: kind.requestTemplate(streamName, pipeline.partitionKeyField),
                responses: kind.responses,
            })),
        })),
        gatewayResponses: gatewayResponseTemplates,
        ...extra,
    };
    return createHash("sha256").update(JSON.stringify(definition)).digest("hex");
}

/** What every route of one API shares. */
export interface RouteContext {
    readonly restApi: pulumi.Output<string>;
    /** The `/streams` resource. */
    readonly streamsResourceId: pulumi.Output<string>;
    /** The validator that checks request bodies against the models. */
    readonly validatorId: pulumi.Output<string>;
    /** The execution role the integrations call Kinesis with. */
    readonly roleArn: pulumi.Output<string>;
    /** Its policy: an integration waits for it, so its first call is allowed. */
    readonly rolePolicy: pulumi.Resource;
    readonly partition: string;
    readonly region: string;
}

/**
 * One pipeline's resources under `/streams`: its path, and per route kind the resource, model, method,
 * Kinesis integration and their responses, children of `parent`. Returns what the deployment must
 * wait for.
 */
export function pipelineRouteResources(
    parent: pulumi.Resource,
    name: string,
    route: ApiRoute,
    ctx: RouteContext,
): pulumi.Resource[] {
    const child = { parent };
    const { restApi } = ctx;
    const definition: pulumi.Resource[] = [];
    const pipeline = route.pipeline.name;
    const pipelineResource = new aws.apigateway.Resource(
        `${name}-${pipeline}`,
        { restApi, parentId: ctx.streamsResourceId, pathPart: pipeline },
        child,
    );
    for (const kind of ROUTE_KINDS) {
        const routeName = `${name}-${pipeline}-${kind.pathPart}`;
        const resource = new aws.apigateway.Resource(
            routeName,
            { restApi, parentId: pipelineResource.id, pathPart: kind.pathPart },
            child,
        );
        const model = new aws.apigateway.Model(
            routeName,
            {
                restApi,
                name: requestModelName(route.pipeline, kind.modelKind),
                description: `${kind.action} body for pipeline ${pipeline}`,
                contentType: MAPPING_TEMPLATE_CONTENT_TYPE,
                schema: JSON.stringify(kind.model(route.pipeline)),
            },
            child,
        );
        const method = new aws.apigateway.Method(
            routeName,
            {
                restApi,
                resourceId: resource.id,
                httpMethod: ROUTE_HTTP_METHOD,
                authorization: "NONE",
                apiKeyRequired: true,
                requestValidatorId: ctx.validatorId,
                requestModels: { [MAPPING_TEMPLATE_CONTENT_TYPE]: model.name },
                operationName: `${kind.action}${requestModelName(route.pipeline, kind.modelKind)}`,
            },
            child,
        );
        const integration = new aws.apigateway.Integration(
            routeName,
            {
                restApi,
                resourceId: resource.id,
                httpMethod: method.httpMethod,
                type: "AWS",
                integrationHttpMethod: "POST",
                uri: `arn:${ctx.partition}:apigateway:${ctx.region}:kinesis:action/${kind.action}`,
                credentials: ctx.roleArn,
                requestParameters: { ...KINESIS_INTEGRATION_REQUEST_PARAMETERS },
                requestTemplates: {
                    [MAPPING_TEMPLATE_CONTENT_TYPE]: kind.requestTemplate(
                        route.streamName,
                        route.pipeline.partitionKeyField,
                    ),
                },
                passthroughBehavior: "NEVER",
                timeoutMilliseconds: 29000,
            },
            { parent, dependsOn: [ctx.rolePolicy] },
        );
        const methodResponses = methodResponseStatusCodes(kind.responses).map(
            (statusCode) =>
                new aws.apigateway.MethodResponse(
                    `${routeName}-${statusCode}`,
                    {
                        restApi,
                        resourceId: resource.id,
                        httpMethod: method.httpMethod,
                        statusCode,
                        responseModels: { [MAPPING_TEMPLATE_CONTENT_TYPE]: "Empty" },
                    },
                    child,
                ),
        );
        const integrationResponses = kind.responses.map(
            (response) =>
                new aws.apigateway.IntegrationResponse(
                    `${routeName}-${response.statusCode}`,
                    {
                        restApi,
                        resourceId: resource.id,
                        httpMethod: method.httpMethod,
                        statusCode: response.statusCode,
                        ...(response.selectionPattern !== undefined
                            ? { selectionPattern: response.selectionPattern }
                            : {}),
                        responseTemplates: { ...response.responseTemplates },
                    },
                    { parent, dependsOn: [integration, ...methodResponses] },
                ),
        );
        definition.push(method, integration, ...methodResponses, ...integrationResponses);
    }
    return definition;
}
