import { expect } from "chai";
import { ApiRoute, IngestionApi, IngestionApiArgs } from "../../shared/ingestion-api";
import { pipelines } from "../../shared/pipelines";
import { decide } from "../support/iam-decision";
import {
    ofType,
    RecordedResource,
    recordResources,
    refusal,
    TEST_ACCOUNT,
    TEST_REGION,
    valueOf,
} from "../support/mock-runtime";

const STREAM_KEY = `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/cccccccc-0000-0000-0000-000000000000`;
const ROLE_ARN = `arn:aws:iam::${TEST_ACCOUNT}:role/tracking-test-api`;
const streamArn = (name: string) => `arn:aws:kinesis:${TEST_REGION}:${TEST_ACCOUNT}:stream/${name}`;

function routes(count = pipelines.length): ApiRoute[] {
    return pipelines.slice(0, count).map((pipeline) => ({
        pipeline,
        streamName: `tracking-test-${pipeline.name}`,
        streamArn: streamArn(`tracking-test-${pipeline.name}`),
    }));
}

function args(overrides: Partial<IngestionApiArgs> = {}): IngestionApiArgs {
    return {
        apiName: "tracking-test-ingest",
        roleName: "tracking-test-api",
        accountId: TEST_ACCOUNT,
        region: TEST_REGION,
        partition: "aws",
        routes: routes(),
        streamKeyArn: STREAM_KEY,
        streamArnPattern: streamArn("tracking-test-*"),
        stageName: "v1",
        throttle: { rateLimit: 250, burstLimit: 500 },
        quota: { limit: 1000000, period: "DAY" },
        tracing: true,
        logRetentionDays: 30,
        ...overrides,
    };
}

/** `/streams/<pipeline>/<part>` of every API Gateway resource, from its pathPart and its parent's. */
function paths(resources: readonly RecordedResource[], rootId: string): string[] {
    const all = ofType(resources, "aws:apigateway/resource:Resource");
    const byId = new Map(all.map((r) => [String(r.state.id), r]));
    const pathOf = (r: RecordedResource): string => {
        const parentId = String(r.inputs.parentId);
        const parent = byId.get(parentId);
        if (parent) return `${pathOf(parent)}/${String(r.inputs.pathPart)}`;
        expect(parentId, "a resource's parent is another resource or the API's root").to.equal(rootId);
        return `/${String(r.inputs.pathPart)}`;
    };
    return all.map(pathOf).sort();
}

describe("IngestionApi (component, under pulumi.runtime.setMocks)", () => {
    it("routes PUT /streams/<pipeline>/record and /records for each declared pipeline and nothing else, each behind an API key and the body validator", async () => {
        let api: IngestionApi | undefined;
        const resources = await recordResources(() => {
            api = new IngestionApi("ingest", args());
        });
        const rootId = await valueOf(api!.restApi.rootResourceId);
        const names = pipelines.map((p) => p.name);
        expect(paths(resources, rootId)).to.deep.equal(
            [
                "/streams",
                ...names.flatMap((n) => [`/streams/${n}`, `/streams/${n}/record`, `/streams/${n}/records`]),
            ].sort(),
        );
        const methods = ofType(resources, "aws:apigateway/method:Method");
        expect(methods).to.have.length(names.length * 2);
        const [validator] = ofType(resources, "aws:apigateway/requestValidator:RequestValidator");
        expect(validator.inputs).to.include({ validateRequestBody: true });
        for (const method of methods) {
            expect(method.inputs).to.include({
                httpMethod: "PUT",
                apiKeyRequired: true,
                authorization: "NONE",
                requestValidatorId: validator.state.id,
            });
        }
        expect(await valueOf(api!.recordUrls)).to.have.keys(names);
    });

    it("integrates each route with its own stream's Kinesis action through the API role, the stream name fixed in the template", async () => {
        const resources = await recordResources(() => new IngestionApi("ingest", args()));
        const integrations = ofType(resources, "aws:apigateway/integration:Integration");
        for (const pipeline of pipelines) {
            for (const [part, action] of [
                ["record", "PutRecord"],
                ["records", "PutRecords"],
            ]) {
                const integration = integrations.find((i) => i.name === `ingest-${pipeline.name}-${part}`)!;
                expect(integration.inputs).to.include({
                    type: "AWS",
                    integrationHttpMethod: "POST",
                    uri: `arn:aws:apigateway:${TEST_REGION}:kinesis:action/${action}`,
                    credentials: ROLE_ARN,
                    passthroughBehavior: "NEVER",
                });
                const template = Object.values(integration.inputs.requestTemplates as Record<string, string>).join("");
                expect(template).to.include(`tracking-test-${pipeline.name}`);
                for (const other of pipelines.filter((p) => p.name !== pipeline.name))
                    expect(template).to.not.include(`tracking-test-${other.name}"`);
            }
        }
    });

    it("lets only API Gateway assume the role, which may put records into the routed streams only", async () => {
        const resources = await recordResources(() => new IngestionApi("ingest", args({ routes: routes(1) })));
        const [role] = ofType(resources, "aws:iam/role:Role");
        const trust = JSON.parse(String(role.inputs.assumeRolePolicy)) as unknown;
        const assume = (principal: string) =>
            decide(
                { principal, action: "sts:AssumeRole", resource: ROLE_ARN, resourceAccount: TEST_ACCOUNT },
                { identity: [], resource: trust },
            );
        expect(await assume("apigateway.amazonaws.com")).to.equal("Allowed");
        expect(await assume("firehose.amazonaws.com")).to.equal("ImplicitlyDenied");

        const policy = JSON.parse(
            String(ofType(resources, "aws:iam/rolePolicy:RolePolicy")[0].inputs.policy),
        ) as unknown;
        // Same account, streams without a resource policy: the role's own policy decides alone.
        const putInto = (stream: string, action = "kinesis:PutRecord") =>
            decide(
                { principal: ROLE_ARN, action, resource: streamArn(stream), resourceAccount: TEST_ACCOUNT },
                { identity: [{ name: "put-records", policy }] },
            );
        const [routed, unrouted] = pipelines.map((p) => `tracking-test-${p.name}`);
        expect(await putInto(routed)).to.equal("Allowed");
        expect(await putInto(routed, "kinesis:PutRecords")).to.equal("Allowed");
        expect(await putInto(unrouted)).to.equal("ImplicitlyDenied");
        expect(await putInto(routed, "kinesis:GetRecords")).to.equal("ImplicitlyDenied");
    });

    it("throttles and caps the key with the given limits, logs errors only and no bodies, and traces as asked", async () => {
        const resources = await recordResources(
            () =>
                new IngestionApi(
                    "ingest",
                    args({
                        throttle: { rateLimit: 7, burstLimit: 9 },
                        quota: { limit: 123, period: "WEEK" },
                        tracing: false,
                    }),
                ),
        );
        const [plan] = ofType(resources, "aws:apigateway/usagePlan:UsagePlan");
        expect(plan.inputs.throttleSettings).to.deep.include({ rateLimit: 7, burstLimit: 9 });
        expect(plan.inputs.quotaSettings).to.deep.include({ limit: 123, period: "WEEK" });
        const [settings] = ofType(resources, "aws:apigateway/methodSettings:MethodSettings");
        expect(settings.inputs.settings).to.deep.include({
            loggingLevel: "ERROR",
            dataTraceEnabled: false,
            throttlingRateLimit: 7,
            throttlingBurstLimit: 9,
            metricsEnabled: true,
        });
        const [stage] = ofType(resources, "aws:apigateway/stage:Stage");
        expect(stage.inputs).to.include({ stageName: "v1", xrayTracingEnabled: false });
        const [key] = ofType(resources, "aws:apigateway/usagePlanKey:UsagePlanKey");
        expect(key.inputs).to.include({ keyType: "API_KEY", usagePlanId: plan.state.id });
    });

    it("redeploys when the routes change: the deployment's trigger differs between one pipeline and two", async () => {
        const trigger = async (count: number) => {
            const resources = await recordResources(() => new IngestionApi("ingest", args({ routes: routes(count) })));
            return (
                ofType(resources, "aws:apigateway/deployment:Deployment")[0].inputs.triggers as Record<string, string>
            ).definition;
        };
        const [one, two, twoAgain] = [await trigger(1), await trigger(2), await trigger(2)];
        expect(one).to.not.equal(two);
        expect(two).to.equal(twoAgain);
    });

    it("serves from the custom domain when one is given (DNS-validated certificate, TLS 1.2), else from the stage's invoke URL", async () => {
        let withDomain: IngestionApi | undefined;
        const resources = await recordResources(() => {
            withDomain = new IngestionApi(
                "ingest",
                args({ customDomain: { domainName: "events.example.com", hostedZoneId: "Z123" } }),
            );
        });
        expect(ofType(resources, "aws:acm/certificate:Certificate")[0].inputs).to.include({
            domainName: "events.example.com",
            validationMethod: "DNS",
        });
        expect(ofType(resources, "aws:apigateway/domainName:DomainName")[0].inputs).to.include({
            domainName: "events.example.com",
            securityPolicy: "TLS_1_2",
        });
        expect(await valueOf(withDomain!.url)).to.equal("https://events.example.com");
        expect((await valueOf(withDomain!.recordUrls))[pipelines[0].name]).to.equal(
            `https://events.example.com/streams/${pipelines[0].name}/record`,
        );

        let plain: IngestionApi | undefined;
        const without = await recordResources(() => {
            plain = new IngestionApi("ingest", args());
        });
        expect(ofType(without, "aws:acm/certificate:Certificate")).to.deep.equal([]);
        expect(await valueOf(plain!.url)).to.equal(await valueOf(plain!.invokeUrl));
    });

    it("refuses no routes, a pipeline routed twice, and throttle or quota API Gateway would reject, before registering anything", async () => {
        const cases: Array<[Partial<IngestionApiArgs>, RegExp]> = [
            [{ routes: [] }, /IngestionApi ingest: at least one route \(pipeline\) is required/],
            [
                { routes: [...routes(1), ...routes(1)] },
                new RegExp(`IngestionApi ingest: pipeline "${pipelines[0].name}" is routed twice`),
            ],
            [{ throttle: { rateLimit: 0, burstLimit: 10 } }, /throttle.rateLimit must be > 0/],
            [{ throttle: { rateLimit: 10, burstLimit: 0 } }, /throttle.burstLimit an integer >= 1/],
            [{ quota: { limit: 0, period: "DAY" } }, /quota.limit must be an integer >= 1 \(got 0\)/],
        ];
        for (const [overrides, message] of cases) {
            const { error, resources } = await refusal(() => new IngestionApi("ingest", args(overrides)));
            expect(String(error)).to.match(message);
            expect(resources).to.deep.equal([]);
        }
    });
});
