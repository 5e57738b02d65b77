import { expect } from "chai";
import { checkDataPlatformPipelines, DataPlatformContractError } from "../../engineering/data-platform";
import { apiDefinitionHash, restApiResourceCount } from "../../shared/api/routes";
import { pipelineNames } from "../../shared/naming";
import { resourceName } from "../../shared/naming";
import { PipelineDefinition } from "../../shared/pipeline-codegen/definition";
import { pipelines } from "../../shared/pipelines";
import { PlanResult, runPlan } from "../../tools/plan/runner";
import { PlannedResource, SECRET, StackPlan } from "../../tools/plan/types";
import {
    DATA_PLATFORM,
    devPlan,
    documentOf,
    ENGINEERING,
    findBy,
    ofType,
    planFailure,
    planOf,
    TYPES,
} from "./support/plan";

interface Granted {
    readonly prefix: string;
    readonly errorPrefix: string;
    readonly rawBackupPrefix: string;
    readonly firehoseRoleArn: string;
}

interface S3Destination {
    readonly bucketArn: string;
    readonly prefix: string;
    readonly errorOutputPrefix: string;
    readonly kmsKeyArn: string;
    readonly roleArn: string;
    readonly compressionFormat: string;
    readonly bufferingInterval: number;
    readonly bufferingSize: number;
    readonly cloudwatchLoggingOptions: { enabled: boolean; logGroupName: string; logStreamName: string };
    readonly processingConfiguration?: unknown;
}

const destinationOf = (firehose: PlannedResource) => firehose.inputs.extendedS3Configuration as S3Destination;

/** The API Gateway resources whose parent is `parentId`, by path part. */
function childrenOf(plan: StackPlan, parentId: unknown): Map<string, PlannedResource> {
    return new Map(
        ofType(plan, TYPES.apiResource)
            .filter((r) => r.inputs.parentId === parentId)
            .map((r) => [String(r.inputs.pathPart), r]),
    );
}

describe("engineering: the planned stack (npm run plan)", function () {
    let result: PlanResult;
    let eng: StackPlan;
    let dp: StackPlan;
    let granted: Record<string, Granted>;

    before(async () => {
        result = await devPlan();
        eng = planOf(result, ENGINEERING);
        dp = planOf(result, DATA_PLATFORM);
        granted = dp.outputs.pipelines as Record<string, Granted>;
    });

    describe("per pipeline", () => {
        it("has a KMS-encrypted on-demand Kinesis stream", () => {
            for (const def of pipelines) {
                const stream = findBy(eng, TYPES.stream, "name", pipelineNames(eng.stack, def.name).streamName);
                expect(stream.inputs, def.name).to.deep.include({
                    encryptionType: "KMS",
                    kmsKeyId: eng.outputs.streamKeyArn,
                    retentionPeriod: 24,
                    streamModeDetails: { streamMode: "ON_DEMAND" },
                });
                expect(stream.inputs.shardCount, "no shard count on an on-demand stream").to.equal(undefined);
                expect(stream.options.protect, "records not yet delivered must survive a destroy").to.equal(true);
                expect((eng.outputs.streamArns as Record<string, string>)[def.name]).to.equal(stream.outputs.arn);
            }
        });

        it("has a Firehose from its stream into its granted prefix of the data-platform landing bucket", () => {
            for (const def of pipelines) {
                const names = pipelineNames(eng.stack, def.name);
                const stream = findBy(eng, TYPES.stream, "name", names.streamName);
                const firehose = findBy(eng, TYPES.firehose, "name", names.deliveryStreamName);
                const destination = destinationOf(firehose);
                expect(firehose.inputs.destination).to.equal("extended_s3");
                expect(firehose.inputs.kinesisSourceConfiguration).to.deep.equal({
                    kinesisStreamArn: stream.outputs.arn,
                    roleArn: granted[def.name].firehoseRoleArn,
                });
                expect(destination.bucketArn, "the data-platform bucket's ARN").to.equal(dp.outputs.landingBucketArn);
                expect(destination.prefix).to.equal(granted[def.name].prefix);
                expect(destination.errorOutputPrefix).to.equal(granted[def.name].errorPrefix);
                expect(destination.prefix, "date-partitioned").to.match(
                    /!\{timestamp:yyyy\}.*!\{timestamp:MM\}.*!\{timestamp:dd\}/,
                );
                expect(destination.errorOutputPrefix).to.include("!{firehose:error-output-type}");
                expect(destination.kmsKeyArn, "SSE-KMS with the data-platform key").to.equal(dp.outputs.dataKeyArn);
                expect(destination.roleArn).to.equal(granted[def.name].firehoseRoleArn);
                expect(destination).to.include({ compressionFormat: "GZIP", bufferingInterval: 60, bufferingSize: 64 });
                expect(destination.cloudwatchLoggingOptions.enabled).to.equal(true);
                expect(destination.processingConfiguration, "one JSON object per line in S3").to.deep.equal({
                    enabled: true,
                    processors: [{ type: "AppendDelimiterToRecord" }],
                });
                // SSE on a delivery stream exists for Direct PUT sources only (Firehose API Reference, StartDeliveryStreamEncryption).
                expect(firehose.inputs.serverSideEncryption).to.equal(undefined);
                const logGroup = findBy(eng, TYPES.logGroup, "name", destination.cloudwatchLoggingOptions.logGroupName);
                expect(logGroup.inputs.retentionInDays).to.equal(30);
            }
            expect(ofType(eng, TYPES.firehose), "no raw copy unless rawBackup is on").to.have.length(pipelines.length);
        });

        it("holds as many API Gateway resources as the quota check counts (the root is API Gateway's own)", () => {
            expect(ofType(eng, TYPES.apiResource).length + 1).to.equal(restApiResourceCount(pipelines.length));
        });

        it("has exactly two routes, PUT .../record and PUT .../records, each into its own stream", () => {
            const restApi = ofType(eng, TYPES.restApi);
            expect(restApi).to.have.length(1);
            const streams = childrenOf(eng, restApi[0].outputs.rootResourceId).get("streams");
            if (!streams) throw new Error("no /streams resource");
            const routable = childrenOf(eng, streams.id);
            expect([...routable.keys()], "only declared pipelines are routable").to.have.members(
                pipelines.map((def) => def.name),
            );
            for (const def of pipelines) {
                const routes = childrenOf(eng, routable.get(def.name)?.id);
                expect([...routes.keys()]).to.have.members(["record", "records"]);
                for (const [pathPart, action] of [
                    ["record", "PutRecord"],
                    ["records", "PutRecords"],
                ]) {
                    const resourceId = routes.get(pathPart)?.id;
                    const methods = ofType(eng, TYPES.method).filter((m) => m.inputs.resourceId === resourceId);
                    expect(
                        methods.map((m) => m.inputs.httpMethod),
                        `${def.name}/${pathPart}`,
                    ).to.deep.equal(["PUT"]);
                    expect(methods[0].inputs).to.include({ apiKeyRequired: true, authorization: "NONE" });
                    expect(methods[0].inputs.requestValidatorId).to.be.a("string");
                    const integration = findBy(eng, TYPES.integration, "resourceId", resourceId);
                    expect(integration.inputs).to.include({
                        type: "AWS",
                        passthroughBehavior: "NEVER",
                        uri: `arn:aws:apigateway:${eng.region}:kinesis:action/${action}`,
                        credentials: eng.outputs.apiRoleArn,
                    });
                    const template = (integration.inputs.requestTemplates as Record<string, string>)[
                        "application/json"
                    ];
                    expect(template).to.include(`"StreamName": "${pipelineNames(eng.stack, def.name).streamName}"`);
                }
            }
        });
    });

    it("exports the URLs, the key id (its value as a secret), the streams and the Firehose roles", () => {
        const { outputs } = eng;
        expect(outputs.apiKeyValue).to.equal(SECRET);
        expect(outputs.apiKeyId).to.be.a("string").and.not.equal("");
        for (const def of pipelines) {
            expect((outputs.recordUrls as Record<string, string>)[def.name]).to.equal(
                `${outputs.apiUrl}/streams/${def.name}/record`,
            );
            expect((outputs.batchUrls as Record<string, string>)[def.name]).to.equal(
                `${outputs.apiUrl}/streams/${def.name}/records`,
            );
            expect(
                (outputs.firehoseRoleArns as Record<string, string>)[def.name],
                "the role data-platform granted",
            ).to.equal(granted[def.name].firehoseRoleArn);
            expect((outputs.firehoseArns as Record<string, string>)[def.name]).to.match(/^arn:aws:firehose:/);
        }
        expect(String(outputs.apiUrl)).to.match(
            new RegExp(`^https://[0-9a-f]+\\.execute-api\\.${eng.region}\\.amazonaws\\.com/v1$`),
        );
    });

    it("deploys the API through a stage with JSON access logs, and redeploys when the definition changes", () => {
        const stage = ofType(eng, TYPES.stage)[0];
        const settings = stage.inputs.accessLogSettings as { destinationArn: string; format: string };
        const format = JSON.parse(settings.format) as Record<string, string>;
        expect(format).to.include({
            requestId: "$context.requestId",
            status: "$context.status",
            validationError: "$context.error.validationErrorString",
        });
        const accessLogs = ofType(eng, TYPES.logGroup).find((g) => g.outputs.arn === settings.destinationArn);
        expect(accessLogs?.inputs.retentionInDays).to.equal(30);
        const deployment = ofType(eng, TYPES.deployment)[0];
        expect(stage.inputs.deployment).to.equal(deployment.id);
        expect((deployment.inputs.triggers as Record<string, string>).definition).to.match(/^[0-9a-f]{64}$/);
    });

    it("hashes the API definition so that a changed event shape redeploys it", () => {
        const routes = pipelines.map((def) => ({ pipeline: def, streamName: resourceName("dev", def.name) }));
        const base = apiDefinitionHash(routes, {});
        expect(apiDefinitionHash(routes, {}), "stable").to.equal(base);
        const [first, ...rest] = pipelines;
        const widened: PipelineDefinition = {
            ...first,
            columns: first.columns.map((c, i) =>
                i === first.columns.length - 1 ? { ...c, nullable: !c.nullable } : c,
            ),
        };
        expect(
            apiDefinitionHash(
                [{ pipeline: widened, streamName: resourceName("dev", first.name) }, ...routes.slice(1)],
                {},
            ),
        ).to.not.equal(base);
        expect(apiDefinitionHash(routes.slice(0, rest.length), {}), "a removed route").to.not.equal(base);
    });

    describe("the cross-stack contract", () => {
        it("fails naming the stack and the key when data-platform stops exporting one this stack reads", async () => {
            for (const key of ["dataKeyArn", "pipelines", "rawBucketArn"]) {
                const err = await planFailure({
                    stack: "dev",
                    write: false,
                    withoutOutputs: { [`${DATA_PLATFORM}/dev`]: [key] },
                });
                expect(err.project, key).to.equal(ENGINEERING);
                expect(err.message).to.include(key);
                expect(err.message).to.include(`${DATA_PLATFORM}/dev`);
            }
        });

        it("fails naming the pipeline when data-platform granted another Firehose role", async () => {
            // An engineering stack in another account derives other role ARNs than those data-platform granted.
            const err = await planFailure({
                stack: "dev",
                write: false,
                configOverrides: {
                    [ENGINEERING]: {
                        [`${ENGINEERING}:accountId`]: "333333333333",
                        "aws:allowedAccountIds": JSON.stringify(["333333333333"]),
                    },
                },
            });
            expect(err.project).to.equal(ENGINEERING);
            expect(err.message).to.match(
                new RegExp(
                    `pipelines\\.${pipelines[0].name}\\.firehoseRoleArn" grants .*tracking-dev-${pipelines[0].name}-firehose.*333333333333`,
                ),
            );
        });

        it("refuses an absent pipeline (data-platform not deployed with it yet) and a different role, naming the pipeline", () => {
            const entry = {
                prefix: "p/",
                errorPrefix: "e/",
                rawBackupPrefix: "r/",
                firehoseRoleArn: "arn:aws:iam::111111111111:role/tracking-dev-a-firehose",
            };
            const expected = [{ pipeline: "a", firehoseRoleArn: entry.firehoseRoleArn }];
            expect(
                checkDataPlatformPipelines("org/tracking-data-platform/dev", { a: entry, b: entry }, expected),
            ).to.deep.equal({ a: entry });
            expect(() => checkDataPlatformPipelines("org/tracking-data-platform/dev", { b: entry }, expected)).to.throw(
                DataPlatformContractError,
                /org\/tracking-data-platform\/dev: export "pipelines" has no entry for pipeline "a": deploy the data-platform stack/,
            );
            expect(() =>
                checkDataPlatformPipelines(
                    "s",
                    { a: { ...entry, firehoseRoleArn: "arn:aws:iam::111111111111:role/other" } },
                    expected,
                ),
            ).to.throw(
                DataPlatformContractError,
                /"pipelines\.a\.firehoseRoleArn" grants "arn:aws:iam::111111111111:role\/other", but pipeline "a" delivers with/,
            );
            expect(() => checkDataPlatformPipelines("s", { a: { ...entry, prefix: "" } }, expected)).to.throw(
                DataPlatformContractError,
                /"pipelines\.a\.prefix" must be a non-empty string/,
            );
        });
    });

    describe("with the options on (raw backup, provisioned streams, custom domain)", () => {
        let options: StackPlan;
        const domain = "ingest.example.com";

        before(async () => {
            const overrides = {
                [`${ENGINEERING}:rawBackup`]: "true",
                [`${ENGINEERING}:streamMode`]: "PROVISIONED",
                [`${ENGINEERING}:shardCount`]: "2",
                [`${ENGINEERING}:customDomainName`]: domain,
                [`${ENGINEERING}:hostedZoneId`]: "Z0123456789ABCDEFGHIJ",
            };
            options = planOf(
                await runPlan({ stack: "dev", write: false, configOverrides: { [ENGINEERING]: overrides } }),
                ENGINEERING,
            );
        });

        it("copies every source record into the raw bucket through a second Firehose with the same role", () => {
            for (const def of pipelines) {
                const names = pipelineNames(options.stack, def.name);
                const raw = findBy(options, TYPES.firehose, "name", names.rawDeliveryStreamName);
                const destination = destinationOf(raw);
                expect(destination.bucketArn).to.equal(dp.outputs.rawBucketArn);
                expect(destination.prefix).to.equal(granted[def.name].rawBackupPrefix);
                expect(destination.roleArn).to.equal(granted[def.name].firehoseRoleArn);
                expect(destination.kmsKeyArn).to.equal(dp.outputs.dataKeyArn);
                const rolePolicy = ofType(options, TYPES.rolePolicy).find(
                    (p) => p.inputs.role === names.firehoseRoleName,
                );
                const resources = documentOf(rolePolicy?.inputs.policy).Statement.flatMap((s) => [s.Resource].flat());
                expect(resources).to.include(`${dp.outputs.rawBucketArn}/${def.name}/*`);
            }
        });

        it("provisions the configured shards", () => {
            for (const stream of ofType(options, TYPES.stream)) {
                expect(stream.inputs).to.deep.include({
                    shardCount: 2,
                    streamModeDetails: { streamMode: "PROVISIONED" },
                });
            }
        });

        it("serves the API on the custom domain with a DNS-validated certificate", () => {
            const types = options.resources.map((r) => r.type);
            for (const type of [
                "aws:acm/certificate:Certificate",
                "aws:acm/certificateValidation:CertificateValidation",
                "aws:apigateway/domainName:DomainName",
                "aws:apigateway/basePathMapping:BasePathMapping",
            ]) {
                expect(types, type).to.include(type);
            }
            const certificate = ofType(options, "aws:acm/certificate:Certificate")[0];
            expect(certificate.inputs).to.include({ domainName: domain, validationMethod: "DNS" });
            const records = ofType(options, "aws:route53/record:Record");
            expect(records.map((r) => r.inputs.type)).to.have.members(["CNAME", "A"]);
            expect(ofType(options, "aws:apigateway/domainName:DomainName")[0].inputs).to.include({
                securityPolicy: "TLS_1_2",
            });
            expect(options.outputs.apiUrl).to.equal(`https://${domain}`);
            expect((options.outputs.recordUrls as Record<string, string>)[pipelines[0].name]).to.equal(
                `https://${domain}/streams/${pipelines[0].name}/record`,
            );
        });

        it("keeps a deployed domain: each resource of the ApiCustomDomain aliases the URN it has directly under the IngestionApi", () => {
            const component = ofType(options, "tracking:shared:ApiCustomDomain");
            expect(component, "one custom domain component").to.have.length(1);
            const api = ofType(options, "tracking:shared:IngestionApi")[0];
            const children = options.resources.filter((r) => r.parent === component[0].urn);
            expect(children.map((r) => r.type)).to.have.members([
                "aws:acm/certificate:Certificate",
                "aws:route53/record:Record",
                "aws:acm/certificateValidation:CertificateValidation",
                "aws:apigateway/domainName:DomainName",
                "aws:apigateway/basePathMapping:BasePathMapping",
                "aws:route53/record:Record",
            ]);
            for (const child of children) {
                expect(child.options.aliases, child.name).to.deep.include({ parentUrn: api.urn });
            }
        });
    });
});
