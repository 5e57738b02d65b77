import { expect } from "chai";
import { PlannedResource } from "../../tools/plan/types";
import { ACCOUNT, resource, TYPES, undeterminedOf, urnOf, violationsOf } from "./fixtures";

const KEY_ARN = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const STREAM_ARN = `arn:aws:kinesis:eu-central-1:${ACCOUNT}:stream/tracking-dev-user-events`;

describe("policy pack: Kinesis and Firehose", () => {
    describe("kinesis-stream-encrypted", () => {
        it("flags a stream without KMS encryption, and KMS without a key", () => {
            const violations = violationsOf("kinesis-stream-encrypted", [
                resource(TYPES.stream, "plain", { retentionPeriod: 168 }),
                resource(TYPES.stream, "keyless", { encryptionType: "KMS", retentionPeriod: 168 }),
            ]);
            expect(violations.map((v) => v.urn)).to.have.members([
                urnOf(TYPES.stream, "plain"),
                urnOf(TYPES.stream, "keyless"),
            ]);
        });

        it("passes KMS with a key", () => {
            expect(
                violationsOf("kinesis-stream-encrypted", [
                    resource(TYPES.stream, "s", { encryptionType: "KMS", kmsKeyId: KEY_ARN }),
                ]),
            ).to.deep.equal([]);
        });
    });

    describe("kinesis-stream-retention", () => {
        it("flags the 24 h default and anything under the configured minimum", () => {
            expect(
                violationsOf("kinesis-stream-retention", [resource(TYPES.stream, "default", {})])[0].message,
            ).to.include("24 h (the default)");
            const config = { "kinesis-stream-retention": { minimumRetentionHours: 72 } };
            expect(
                violationsOf(
                    "kinesis-stream-retention",
                    [resource(TYPES.stream, "s", { retentionPeriod: 48 })],
                    config,
                ),
            ).to.have.length(1);
        });

        it("passes 168 h by default, and a lower value the config allows", () => {
            expect(
                violationsOf("kinesis-stream-retention", [resource(TYPES.stream, "s", { retentionPeriod: 168 })]),
            ).to.deep.equal([]);
            const config = { "kinesis-stream-retention": { minimumRetentionHours: 48 } };
            expect(
                violationsOf(
                    "kinesis-stream-retention",
                    [resource(TYPES.stream, "s", { retentionPeriod: 48 })],
                    config,
                ),
            ).to.deep.equal([]);
        });
    });

    const kinesisSource = { kinesisStreamArn: STREAM_ARN, roleArn: `arn:aws:iam::${ACCOUNT}:role/firehose` };
    const s3Destination = (overrides: Record<string, unknown> = {}) => ({
        bucketArn: "arn:aws:s3:::tracking-dev-landing",
        roleArn: `arn:aws:iam::${ACCOUNT}:role/firehose`,
        prefix: "data/user-events/!{timestamp:yyyy/MM/dd}/",
        errorOutputPrefix: "errors/user-events/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/",
        ...overrides,
    });

    describe("firehose-encrypted", () => {
        it("flags a Direct PUT stream without SSE, and SSE on a Kinesis-sourced stream (AWS rejects it)", () => {
            const violations = violationsOf("firehose-encrypted", [
                resource(TYPES.firehose, "direct", {
                    destination: "extended_s3",
                    extendedS3Configuration: s3Destination(),
                }),
                resource(TYPES.firehose, "sourced", {
                    destination: "extended_s3",
                    kinesisSourceConfiguration: kinesisSource,
                    serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" },
                    extendedS3Configuration: s3Destination(),
                }),
            ]);
            expect(violations.map((v) => v.urn)).to.have.members([
                urnOf(TYPES.firehose, "direct"),
                urnOf(TYPES.firehose, "sourced"),
            ]);
            expect(violations.find((v) => v.urn.endsWith("sourced"))?.message).to.include("Direct PUT");
        });

        it("passes Direct PUT with a customer key, and a Kinesis-sourced stream without SSE", () => {
            const violations = violationsOf("firehose-encrypted", [
                resource(TYPES.firehose, "direct", {
                    destination: "extended_s3",
                    serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: KEY_ARN },
                    extendedS3Configuration: s3Destination(),
                }),
                resource(TYPES.firehose, "sourced", {
                    destination: "extended_s3",
                    kinesisSourceConfiguration: kinesisSource,
                    extendedS3Configuration: s3Destination(),
                }),
            ]);
            expect(violations).to.deep.equal([]);
        });
    });

    describe("firehose-error-output-prefix", () => {
        it("flags a missing error prefix, one without the error type, and one under the data prefix", () => {
            const violations = violationsOf("firehose-error-output-prefix", [
                resource(TYPES.firehose, "none", {
                    destination: "extended_s3",
                    kinesisSourceConfiguration: kinesisSource,
                    extendedS3Configuration: s3Destination({ errorOutputPrefix: undefined }),
                }),
                resource(TYPES.firehose, "flat", {
                    destination: "extended_s3",
                    kinesisSourceConfiguration: kinesisSource,
                    extendedS3Configuration: s3Destination({ errorOutputPrefix: "errors/" }),
                }),
                resource(TYPES.firehose, "nested", {
                    destination: "extended_s3",
                    kinesisSourceConfiguration: kinesisSource,
                    extendedS3Configuration: s3Destination({
                        errorOutputPrefix: "data/user-events/errors/!{firehose:error-output-type}/",
                    }),
                }),
            ]);
            expect(violations.map((v) => v.urn)).to.have.members([
                urnOf(TYPES.firehose, "none"),
                urnOf(TYPES.firehose, "flat"),
                urnOf(TYPES.firehose, "nested"),
            ]);
            expect(violations.find((v) => v.urn.endsWith("none"))?.message).to.include("AWS refuses");
        });

        it("passes an error prefix apart from the data that separates failure kinds", () => {
            expect(
                violationsOf("firehose-error-output-prefix", [
                    resource(TYPES.firehose, "ok", {
                        destination: "extended_s3",
                        extendedS3Configuration: s3Destination(),
                    }),
                ]),
            ).to.deep.equal([]);
        });
    });
});

describe("policy pack: API Gateway stages", () => {
    const REST_API = "a1b2c3d4e5";
    const stage = (inputs: Record<string, unknown> = {}) =>
        resource(TYPES.stage, "prod", {
            restApi: REST_API,
            stageName: "prod",
            deployment: "dep",
            accessLogSettings: {
                destinationArn: `arn:aws:logs:eu-central-1:${ACCOUNT}:log-group:/aws/apigateway/tracking-dev`,
                format: '{"requestId":"$context.requestId"}',
            },
            ...inputs,
        });
    const settings = (
        name: string,
        values: Record<string, unknown>,
        methodPath = "*/*",
        stageName = "prod",
    ): PlannedResource =>
        resource(TYPES.methodSettings, name, { restApi: REST_API, stageName, methodPath, settings: values });
    const goodSettings = settings("all", {
        loggingLevel: "ERROR",
        metricsEnabled: true,
        throttlingRateLimit: 100,
        throttlingBurstLimit: 200,
    });

    describe("apigateway-access-logging", () => {
        it("flags a stage without access logs", () => {
            expect(violationsOf("apigateway-access-logging", [stage({ accessLogSettings: undefined })])).to.have.length(
                1,
            );
        });
        it("passes a stage with a destination and a format", () => {
            expect(violationsOf("apigateway-access-logging", [stage()])).to.deep.equal([]);
        });
    });

    describe("apigateway-execution-logging", () => {
        it("flags a stage without stage-wide method settings, and logging OFF", () => {
            expect(
                violationsOf("apigateway-execution-logging", [
                    stage(),
                    settings("one-method", { loggingLevel: "INFO" }, "streams/PUT"),
                ]),
            ).to.have.length(1);
            const [off] = violationsOf("apigateway-execution-logging", [
                stage(),
                settings("all", { loggingLevel: "OFF" }),
            ]);
            expect(off.urn).to.equal(urnOf(TYPES.stage, "prod"));
            expect(off.message).to.include("OFF");
        });

        it("does not count another stage's settings", () => {
            expect(
                violationsOf("apigateway-execution-logging", [
                    stage(),
                    settings("other", { loggingLevel: "ERROR" }, "*/*", "test"),
                ]),
            ).to.have.length(1);
        });

        it("passes ERROR-level stage-wide logging", () => {
            expect(violationsOf("apigateway-execution-logging", [stage(), goodSettings])).to.deep.equal([]);
        });
    });

    describe("apigateway-throttling", () => {
        it("flags a stage without stage-wide throttling, and a usage plan without limits", () => {
            expect(
                violationsOf("apigateway-throttling", [stage(), settings("all", { loggingLevel: "ERROR" })]),
            ).to.have.length(1);
            const plan = resource(TYPES.usagePlan, "plan", { apiStages: [{ apiId: REST_API, stage: "prod" }] });
            const [violation] = violationsOf("apigateway-throttling", [stage(), goodSettings, plan]);
            expect(violation.message).to.include('Usage plan "plan"');
        });

        it("passes stage-wide limits and a usage plan with its own", () => {
            const plan = resource(TYPES.usagePlan, "plan", {
                apiStages: [{ apiId: REST_API, stage: "prod" }],
                throttleSettings: { rateLimit: 50, burstLimit: 100 },
            });
            expect(violationsOf("apigateway-throttling", [stage(), goodSettings, plan])).to.deep.equal([]);
        });
    });
});

describe("policy pack: Glue", () => {
    const securityConfiguration = (overrides: Record<string, unknown> = {}) =>
        resource(TYPES.securityConfiguration, "glue-sec", {
            encryptionConfiguration: {
                s3Encryption: { s3EncryptionMode: "SSE-KMS", kmsKeyArn: KEY_ARN },
                cloudwatchEncryption: { cloudwatchEncryptionMode: "SSE-KMS", kmsKeyArn: KEY_ARN },
                jobBookmarksEncryption: { jobBookmarksEncryptionMode: "CSE-KMS", kmsKeyArn: KEY_ARN },
                ...overrides,
            },
        });
    const job = (inputs: Record<string, unknown> = {}) =>
        resource(TYPES.job, "load", {
            roleArn: "arn:aws:iam::1:role/glue",
            command: { name: "glueetl", scriptLocation: "s3://scripts/load.py" },
            glueVersion: "4.0",
            securityConfiguration: "glue-sec",
            ...inputs,
        });

    describe("glue-security-configuration", () => {
        it("flags a crawler and a job without one, and a configuration that leaves bookmarks unencrypted", () => {
            const violations = violationsOf("glue-security-configuration", [
                resource(TYPES.crawler, "crawl", { databaseName: "db", role: "r" }),
                job({ securityConfiguration: undefined }),
                securityConfiguration({ jobBookmarksEncryption: { jobBookmarksEncryptionMode: "DISABLED" } }),
            ]);
            expect(violations.map((v) => v.urn)).to.have.members([
                urnOf(TYPES.crawler, "crawl"),
                urnOf(TYPES.job, "load"),
                urnOf(TYPES.securityConfiguration, "glue-sec"),
            ]);
            expect(violations.find((v) => v.urn.endsWith("glue-sec"))?.message).to.include(
                "jobBookmarksEncryptionMode",
            );
        });

        it("passes a crawler and a job under a KMS security configuration", () => {
            const violations = violationsOf("glue-security-configuration", [
                resource(TYPES.crawler, "crawl", { databaseName: "db", role: "r", securityConfiguration: "glue-sec" }),
                job(),
                securityConfiguration(),
            ]);
            expect(violations).to.deep.equal([]);
        });
    });

    describe("glue-spark-job-supported-version", () => {
        it("flags an old or missing Glue version on a Spark job", () => {
            const violations = violationsOf("glue-spark-job-supported-version", [
                job({ glueVersion: "2.0" }),
                resource(TYPES.job, "unset", { roleArn: "r", command: { scriptLocation: "s3://s/x.py" } }),
            ]);
            expect(violations.map((v) => v.urn)).to.have.members([urnOf(TYPES.job, "load"), urnOf(TYPES.job, "unset")]);
        });

        it("passes 4.0 and later (compared numerically), and Python shell jobs", () => {
            const violations = violationsOf("glue-spark-job-supported-version", [
                job({ glueVersion: "5.0" }),
                resource(TYPES.job, "shell", {
                    roleArn: "r",
                    command: { name: "pythonshell", scriptLocation: "s3://s/x.py" },
                    glueVersion: "3.0",
                }),
            ]);
            expect(violations).to.deep.equal([]);
            expect(
                violationsOf("glue-spark-job-supported-version", [job({ glueVersion: "10.0" })], {
                    "glue-spark-job-supported-version": { minimumGlueVersion: "9.0" },
                }),
            ).to.deep.equal([]);
        });
    });
});

describe("policy pack: keys, logs and protection", () => {
    describe("kms-key-rotation", () => {
        it("flags a symmetric key without rotation", () => {
            expect(violationsOf("kms-key-rotation", [resource(TYPES.key, "k", {})])).to.have.length(1);
        });
        it("passes rotation on, and asymmetric keys (which cannot rotate)", () => {
            const violations = violationsOf("kms-key-rotation", [
                resource(TYPES.key, "k", { enableKeyRotation: true }),
                resource(TYPES.key, "signing", { customerMasterKeySpec: "ECC_NIST_P256", keyUsage: "SIGN_VERIFY" }),
            ]);
            expect(violations).to.deep.equal([]);
        });
    });

    describe("cloudwatch-log-group-retention", () => {
        it("flags never-expire and too short a retention", () => {
            const violations = violationsOf("cloudwatch-log-group-retention", [
                resource(TYPES.logGroup, "forever", {}),
                resource(TYPES.logGroup, "short", { retentionInDays: 30 }),
            ]);
            expect(violations.map((v) => v.urn)).to.have.members([
                urnOf(TYPES.logGroup, "forever"),
                urnOf(TYPES.logGroup, "short"),
            ]);
        });
        it("passes 365 days, or the configured minimum", () => {
            expect(
                violationsOf("cloudwatch-log-group-retention", [
                    resource(TYPES.logGroup, "year", { retentionInDays: 365 }),
                ]),
            ).to.deep.equal([]);
            expect(
                violationsOf(
                    "cloudwatch-log-group-retention",
                    [resource(TYPES.logGroup, "short", { retentionInDays: 30 })],
                    { "cloudwatch-log-group-retention": { minimumRetentionDays: 30 } },
                ),
            ).to.deep.equal([]);
        });
    });

    describe("stateful-resources-protected", () => {
        it("flags an unprotected bucket and stream, not a stateless role", () => {
            const violations = violationsOf("stateful-resources-protected", [
                resource(TYPES.bucket, "landing", {}),
                resource(TYPES.stream, "events", {}),
                resource(TYPES.role, "role", { assumeRolePolicy: "{}" }),
            ]);
            expect(violations.map((v) => v.urn)).to.have.members([
                urnOf(TYPES.bucket, "landing"),
                urnOf(TYPES.stream, "events"),
            ]);
        });
        it("passes protect: true, and follows the statefulTypes config", () => {
            expect(
                violationsOf("stateful-resources-protected", [
                    resource(TYPES.bucket, "landing", {}, { protect: true }),
                ]),
            ).to.deep.equal([]);
            const config = { "stateful-resources-protected": { statefulTypes: [TYPES.logGroup] } };
            expect(
                violationsOf(
                    "stateful-resources-protected",
                    [resource(TYPES.bucket, "landing", {}), resource(TYPES.logGroup, "logs", {})],
                    config,
                ).map((v) => v.urn),
            ).to.deep.equal([urnOf(TYPES.logGroup, "logs")]);
        });
    });

    it("an unknown retention is undetermined, not a violation", () => {
        expect(
            violationsOf("cloudwatch-log-group-retention", [
                resource(TYPES.logGroup, "g", { retentionInDays: "<unknown>" }),
            ]),
        ).to.deep.equal([]);
        expect(
            undeterminedOf("cloudwatch-log-group-retention", [
                resource(TYPES.logGroup, "g", { retentionInDays: "<unknown>" }),
            ]),
        ).to.have.length(1);
    });
});
