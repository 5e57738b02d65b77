import { expect } from "chai";
import { pipelineNames } from "../../shared/naming";
import { KEY_CONFIGURATION_READS } from "../../shared/encryption-key";
import {
    DEPLOYER_ROLE_NAME,
    DRIFT_READER_ROLE_NAME,
    PREVIEWER_ROLE_NAME,
    resourceName,
    roleArn,
} from "../../shared/naming";
import { pipelines } from "../../shared/pipelines";
import { StackPlan } from "../../tools/plan/types";
import {
    DATA_PLATFORM,
    devPlan,
    documentOf,
    ENGINEERING,
    findBy,
    inlinePoliciesOf,
    ofType,
    planOf,
    TYPES,
} from "./support/plan";
import { allowEverythingTo, decide, Decision, Policies, Request } from "../support/iam-decision";
import { objectKeyUnder, roleTagsOf } from "../data-platform/support/plan";

/**
 * Every role and key policy here is taken from the engineering plan (what `pulumi up` would create),
 * and every decision is made by iam-simulate, a real IAM evaluator: each role is allowed exactly what
 * its job needs and denied its neighbours' resources, destructive actions and any other bucket.
 */

const OTHER_ACCOUNT = "999999999999";

interface PipelineFacts {
    readonly name: string;
    readonly streamArn: string;
    readonly roleArn: string;
    readonly roleName: string;
    readonly prefix: string;
    readonly errorPrefix: string;
    readonly logStreamArn: string;
}

function actionsOf(policies: readonly { policy: ReturnType<typeof documentOf> }[]): string[] {
    const actions = policies.flatMap((p) =>
        p.policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])),
    );
    return [...new Set(actions as string[])].sort();
}

describe("engineering: IAM least privilege, simulated over the planned policies", function () {
    let eng: StackPlan;
    let dp: StackPlan;
    let account: string;
    let region: string;
    let stack: string;
    let streamKeyArn: string;
    let streamKeyPolicy: unknown;
    let landingBucketArn: string;
    let dataKeyArn: string;
    /** The data-platform account (the landing bucket and data key live there). */
    let dataPlatformAccount: string;
    let apiRole: { arn: string; name: string };
    let facts: PipelineFacts[];

    const ask = (request: Request, policies: Policies): Promise<Decision> => decide(request, policies);

    before(async () => {
        const result = await devPlan();
        eng = planOf(result, ENGINEERING);
        dp = planOf(result, DATA_PLATFORM);
        account = eng.account;
        region = eng.region;
        stack = eng.stack;
        streamKeyArn = String(eng.outputs.streamKeyArn);
        const keyResource = ofType(eng, TYPES.key).find((k) => k.outputs.arn === streamKeyArn);
        if (!keyResource) throw new Error("the stream key is not in the plan");
        streamKeyPolicy = documentOf(keyResource.inputs.policy);
        landingBucketArn = String(dp.outputs.landingBucketArn);
        dataKeyArn = String(dp.outputs.dataKeyArn);
        dataPlatformAccount = dp.account;
        const apiRoleName = resourceName(stack, "ingest", "api");
        apiRole = { name: apiRoleName, arn: String(findBy(eng, TYPES.role, "name", apiRoleName).outputs.arn) };
        const granted = dp.outputs.pipelines as Record<string, { prefix: string; errorPrefix: string }>;
        facts = pipelines.map((def) => {
            const names = pipelineNames(stack, def.name);
            const firehose = findBy(eng, TYPES.firehose, "name", names.deliveryStreamName);
            const logging = (
                firehose.inputs.extendedS3Configuration as {
                    cloudwatchLoggingOptions: { logGroupName: string; logStreamName: string };
                }
            ).cloudwatchLoggingOptions;
            return {
                name: def.name,
                streamArn: String(findBy(eng, TYPES.stream, "name", names.streamName).outputs.arn),
                roleArn: String(findBy(eng, TYPES.role, "name", names.firehoseRoleName).outputs.arn),
                roleName: names.firehoseRoleName,
                prefix: granted[def.name].prefix,
                errorPrefix: granted[def.name].errorPrefix,
                logStreamArn: `arn:aws:logs:${region}:${account}:log-group:${logging.logGroupName}:log-stream:${logging.logStreamName}`,
            };
        });
        expect(facts.length, "the tests need at least two pipelines to check neighbours").to.be.greaterThan(1);
    });

    const neighbourOf = (index: number) => facts[(index + 1) % facts.length];
    const viaKinesis = () => `kinesis.${region}.amazonaws.com`;
    const viaS3 = () => `s3.${region}.amazonaws.com`;

    describe("the API role", () => {
        const policies = (): Policies => ({ identity: inlinePoliciesOf(eng, apiRole.name) });
        const onStreamKey = (): Policies => ({ ...policies(), resource: streamKeyPolicy });
        const kinesisKeyContext = (streamArn: string) => ({
            "kms:ViaService": viaKinesis(),
            "kms:CallerAccount": account,
            "kms:EncryptionContext:aws:kinesis:arn": streamArn,
        });

        it("is allowed exactly PutRecord, PutRecords and the key use they need", () => {
            expect(actionsOf(inlinePoliciesOf(eng, apiRole.name))).to.deep.equal([
                "kinesis:PutRecord",
                "kinesis:PutRecords",
                "kms:GenerateDataKey",
            ]);
        });

        it("may put records into every pipeline's stream, with the key through Kinesis", async () => {
            for (const pipeline of facts) {
                for (const action of ["kinesis:PutRecord", "kinesis:PutRecords"]) {
                    expect(
                        await ask(
                            { principal: apiRole.arn, action, resource: pipeline.streamArn, resourceAccount: account },
                            policies(),
                        ),
                        `${action} ${pipeline.name}`,
                    ).to.equal("Allowed");
                }
                const generate = {
                    principal: apiRole.arn,
                    action: "kms:GenerateDataKey",
                    resource: streamKeyArn,
                    resourceAccount: account,
                    context: kinesisKeyContext(pipeline.streamArn),
                };
                expect(await ask(generate, onStreamKey()), `GenerateDataKey for ${pipeline.name}`).to.equal("Allowed");
            }
        });

        it("may not delete, read or describe the streams", async () => {
            for (const pipeline of facts) {
                for (const action of [
                    "kinesis:DeleteStream",
                    "kinesis:GetRecords",
                    "kinesis:GetShardIterator",
                    "kinesis:DescribeStream",
                    "kinesis:MergeShards",
                ]) {
                    expect(
                        await ask(
                            { principal: apiRole.arn, action, resource: pipeline.streamArn, resourceAccount: account },
                            policies(),
                        ),
                        action,
                    ).to.equal("ImplicitlyDenied");
                }
            }
        });

        it("may not put into another account's stream of the same name, nor an undeclared stream", async () => {
            const name = pipelineNames(stack, pipelines[0].name).streamName;
            const foreign = `arn:aws:kinesis:${region}:${OTHER_ACCOUNT}:stream/${name}`;
            const foreignRequest = {
                principal: apiRole.arn,
                action: "kinesis:PutRecord",
                resource: foreign,
                resourceAccount: OTHER_ACCOUNT,
            };
            expect(await ask(foreignRequest, { ...policies(), resource: allowEverythingTo(apiRole.arn) })).to.equal(
                "ImplicitlyDenied",
            );
            const undeclared = `arn:aws:kinesis:${region}:${account}:stream/${resourceName(stack, "undeclared")}`;
            expect(
                await ask(
                    {
                        principal: apiRole.arn,
                        action: "kinesis:PutRecord",
                        resource: undeclared,
                        resourceAccount: account,
                    },
                    policies(),
                ),
            ).to.equal("ImplicitlyDenied");
        });

        it("may not use the stream key directly, for another stream, or to decrypt", async () => {
            const streamArn = facts[0].streamArn;
            const direct = {
                principal: apiRole.arn,
                action: "kms:GenerateDataKey",
                resource: streamKeyArn,
                resourceAccount: account,
                context: { "kms:CallerAccount": account },
            };
            expect(await ask(direct, onStreamKey()), "without kms:ViaService").to.equal("ImplicitlyDenied");
            // Kinesis asks for a key only for a stream the role may put into; the key admits the stack's streams only.
            const otherStream = `arn:aws:kinesis:${region}:${account}:stream/${resourceName(`${stack}x`, pipelines[0].name)}`;
            const forOther = {
                principal: apiRole.arn,
                action: "kms:GenerateDataKey",
                resource: streamKeyArn,
                resourceAccount: account,
                context: kinesisKeyContext(otherStream),
            };
            expect(await ask(forOther, onStreamKey()), "for another stack's stream").to.equal("ImplicitlyDenied");
            const decrypt = {
                principal: apiRole.arn,
                action: "kms:Decrypt",
                resource: streamKeyArn,
                resourceAccount: account,
                context: kinesisKeyContext(streamArn),
            };
            expect(await ask(decrypt, onStreamKey()), "kms:Decrypt").to.equal("ImplicitlyDenied");
        });
    });

    describe("each Firehose role", () => {
        const policies = (pipeline: PipelineFacts): Policies => ({
            identity: inlinePoliciesOf(eng, pipeline.roleName),
        });
        /** The landing bucket is in the data-platform account: isolate the identity side (see allowEverythingTo). */
        const onLanding = (pipeline: PipelineFacts): Policies => ({
            ...policies(pipeline),
            resource: allowEverythingTo(pipeline.roleArn),
        });
        const s3 = (
            pipeline: PipelineFacts,
            action: string,
            resource: string,
            context?: Record<string, string>,
        ): Request => ({
            principal: pipeline.roleArn,
            action,
            resource,
            resourceAccount:
                landingBucketArn === resource || resource.startsWith(`${landingBucketArn}/`)
                    ? dataPlatformAccount
                    : OTHER_ACCOUNT,
            ...(context ? { context } : {}),
        });

        it("is allowed exactly the actions Firehose documents for a Kinesis source and an S3 destination", () => {
            for (const pipeline of facts) {
                expect(actionsOf(inlinePoliciesOf(eng, pipeline.roleName)), pipeline.name).to.deep.equal([
                    "kinesis:DescribeStream",
                    "kinesis:GetRecords",
                    "kinesis:GetShardIterator",
                    "kinesis:ListShards",
                    "kms:Decrypt",
                    "kms:GenerateDataKey",
                    "logs:PutLogEvents",
                    "s3:AbortMultipartUpload",
                    "s3:GetBucketLocation",
                    "s3:GetObject",
                    "s3:ListBucket",
                    "s3:ListBucketMultipartUploads",
                    "s3:PutObject",
                    // Cross-account delivery sends x-amz-acl: bucket-owner-full-control.
                    "s3:PutObjectAcl",
                ]);
            }
        });

        it("reads its own stream, and decrypts it only through Kinesis", async () => {
            for (const pipeline of facts) {
                for (const action of [
                    "kinesis:DescribeStream",
                    "kinesis:GetShardIterator",
                    "kinesis:GetRecords",
                    "kinesis:ListShards",
                ]) {
                    expect(
                        await ask(
                            {
                                principal: pipeline.roleArn,
                                action,
                                resource: pipeline.streamArn,
                                resourceAccount: account,
                            },
                            policies(pipeline),
                        ),
                        `${pipeline.name} ${action}`,
                    ).to.equal("Allowed");
                }
                const context = {
                    "kms:ViaService": viaKinesis(),
                    "kms:CallerAccount": account,
                    "kms:EncryptionContext:aws:kinesis:arn": pipeline.streamArn,
                };
                const decrypt = {
                    principal: pipeline.roleArn,
                    action: "kms:Decrypt",
                    resource: streamKeyArn,
                    resourceAccount: account,
                    context,
                };
                expect(
                    await ask(decrypt, { ...policies(pipeline), resource: streamKeyPolicy }),
                    `${pipeline.name} decrypts its stream`,
                ).to.equal("Allowed");
            }
        });

        it("cannot read the other pipeline's stream, write to any stream, or delete its own", async () => {
            for (const [index, pipeline] of facts.entries()) {
                const neighbour = neighbourOf(index);
                expect(
                    await ask(
                        {
                            principal: pipeline.roleArn,
                            action: "kinesis:GetRecords",
                            resource: neighbour.streamArn,
                            resourceAccount: account,
                        },
                        policies(pipeline),
                    ),
                    "neighbour's records",
                ).to.equal("ImplicitlyDenied");
                expect(
                    await ask(
                        {
                            principal: pipeline.roleArn,
                            action: "kinesis:PutRecord",
                            resource: pipeline.streamArn,
                            resourceAccount: account,
                        },
                        policies(pipeline),
                    ),
                    "PutRecord",
                ).to.equal("ImplicitlyDenied");
                expect(
                    await ask(
                        {
                            principal: pipeline.roleArn,
                            action: "kinesis:DeleteStream",
                            resource: pipeline.streamArn,
                            resourceAccount: account,
                        },
                        policies(pipeline),
                    ),
                    "DeleteStream",
                ).to.equal("ImplicitlyDenied");
                const context = {
                    "kms:ViaService": viaKinesis(),
                    "kms:CallerAccount": account,
                    "kms:EncryptionContext:aws:kinesis:arn": neighbour.streamArn,
                };
                const decrypt = {
                    principal: pipeline.roleArn,
                    action: "kms:Decrypt",
                    resource: streamKeyArn,
                    resourceAccount: account,
                    context,
                };
                expect(
                    await ask(decrypt, { ...policies(pipeline), resource: streamKeyPolicy }),
                    "decrypt the neighbour's records",
                ).to.equal("ImplicitlyDenied");
            }
        });

        it("writes objects under its own data and error prefixes of the landing bucket", async () => {
            for (const pipeline of facts) {
                for (const key of [objectKeyUnder(pipeline.prefix), objectKeyUnder(pipeline.errorPrefix)]) {
                    for (const action of ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"]) {
                        expect(
                            await ask(s3(pipeline, action, `${landingBucketArn}/${key}`), onLanding(pipeline)),
                            `${pipeline.name} ${action} ${key}`,
                        ).to.equal("Allowed");
                    }
                }
                expect(await ask(s3(pipeline, "s3:GetBucketLocation", landingBucketArn), onLanding(pipeline))).to.equal(
                    "Allowed",
                );
                const listOwn = s3(pipeline, "s3:ListBucket", landingBucketArn, {
                    "s3:prefix": objectKeyUnder(pipeline.prefix, ""),
                });
                expect(await ask(listOwn, onLanding(pipeline)), "list under its own prefix").to.equal("Allowed");
            }
        });

        it("cannot write the other pipeline's prefix, outside its prefixes, or any other bucket, and never deletes", async () => {
            for (const [index, pipeline] of facts.entries()) {
                const neighbour = neighbourOf(index);
                const own = `${landingBucketArn}/${objectKeyUnder(pipeline.prefix)}`;
                const denied: [string, Request][] = [
                    [
                        "neighbour's prefix",
                        s3(pipeline, "s3:PutObject", `${landingBucketArn}/${objectKeyUnder(neighbour.prefix)}`),
                    ],
                    [
                        "neighbour's error prefix",
                        s3(pipeline, "s3:PutObject", `${landingBucketArn}/${objectKeyUnder(neighbour.errorPrefix)}`),
                    ],
                    ["bucket root", s3(pipeline, "s3:PutObject", `${landingBucketArn}/stray.json`)],
                    ["DeleteObject", s3(pipeline, "s3:DeleteObject", own)],
                    ["DeleteObjectVersion", s3(pipeline, "s3:DeleteObjectVersion", own)],
                    ["PutObjectAcl", s3(pipeline, "s3:PutObjectAcl", own)],
                    [
                        "another bucket",
                        s3(
                            pipeline,
                            "s3:PutObject",
                            `arn:aws:s3:::not-the-landing-bucket/${objectKeyUnder(pipeline.prefix)}`,
                        ),
                    ],
                    [
                        "list the neighbour's prefix",
                        s3(pipeline, "s3:ListBucket", landingBucketArn, {
                            "s3:prefix": objectKeyUnder(neighbour.prefix, ""),
                        }),
                    ],
                    ["list the whole bucket", s3(pipeline, "s3:ListBucket", landingBucketArn)],
                    ["DeleteBucket", s3(pipeline, "s3:DeleteBucket", landingBucketArn)],
                    ["PutBucketPolicy", s3(pipeline, "s3:PutBucketPolicy", landingBucketArn)],
                ];
                for (const [what, request] of denied) {
                    const policiesFor =
                        request.resourceAccount === OTHER_ACCOUNT
                            ? { ...policies(pipeline), resource: allowEverythingTo(pipeline.roleArn) }
                            : onLanding(pipeline);
                    expect(await ask(request, policiesFor), `${pipeline.name}: ${what}`).to.equal("ImplicitlyDenied");
                }
            }
        });

        it("uses the data-platform key only through S3, for the landing bucket", async () => {
            const dpAccount = dataPlatformAccount;
            for (const pipeline of facts) {
                const keyPolicies = { ...policies(pipeline), resource: allowEverythingTo(pipeline.roleArn) };
                for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
                    const throughS3 = {
                        principal: pipeline.roleArn,
                        action,
                        resource: dataKeyArn,
                        resourceAccount: dpAccount,
                        context: { "kms:ViaService": viaS3(), "kms:EncryptionContext:aws:s3:arn": landingBucketArn },
                    };
                    expect(await ask(throughS3, keyPolicies), `${pipeline.name} ${action} via S3`).to.equal("Allowed");
                    const direct = {
                        principal: pipeline.roleArn,
                        action,
                        resource: dataKeyArn,
                        resourceAccount: dpAccount,
                        context: { "kms:EncryptionContext:aws:s3:arn": landingBucketArn },
                    };
                    expect(await ask(direct, keyPolicies), `${pipeline.name} ${action} directly`).to.equal(
                        "ImplicitlyDenied",
                    );
                    const otherBucket = {
                        principal: pipeline.roleArn,
                        action,
                        resource: dataKeyArn,
                        resourceAccount: dpAccount,
                        context: {
                            "kms:ViaService": viaS3(),
                            "kms:EncryptionContext:aws:s3:arn": "arn:aws:s3:::not-the-landing-bucket",
                        },
                    };
                    expect(
                        await ask(otherBucket, keyPolicies),
                        `${pipeline.name} ${action} for another bucket`,
                    ).to.equal("ImplicitlyDenied");
                }
            }
        });

        it("logs delivery errors to its own log stream only", async () => {
            for (const [index, pipeline] of facts.entries()) {
                const log = (resource: string) => ({
                    principal: pipeline.roleArn,
                    action: "logs:PutLogEvents",
                    resource,
                    resourceAccount: account,
                });
                expect(await ask(log(pipeline.logStreamArn), policies(pipeline))).to.equal("Allowed");
                expect(
                    await ask(log(neighbourOf(index).logStreamArn), policies(pipeline)),
                    "neighbour's log stream",
                ).to.equal("ImplicitlyDenied");
            }
        });
    });

    describe("across accounts, with the data-platform stack's planned bucket and key policies", () => {
        // Both sides must allow a cross-account request: here the resource side is what data-platform plans.
        let landingBucketPolicy: unknown;
        let dataKeyPolicy: unknown;

        before(() => {
            landingBucketPolicy = documentOf(
                findBy(dp, "aws:s3/bucketPolicy:BucketPolicy", "bucket", String(dp.outputs.landingBucketName)).inputs
                    .policy,
            );
            const dataKey = ofType(dp, TYPES.key).find((k) => k.outputs.arn === dataKeyArn);
            if (!dataKey) throw new Error("the data-platform key is not in its plan");
            dataKeyPolicy = documentOf(dataKey.inputs.policy);
        });

        it("lets each Firehose role deliver into its own prefixes, encrypted with the data key", async () => {
            const dpAccount = dataPlatformAccount;
            for (const pipeline of facts) {
                for (const key of [objectKeyUnder(pipeline.prefix), objectKeyUnder(pipeline.errorPrefix)]) {
                    const put = {
                        principal: pipeline.roleArn,
                        principalTags: roleTagsOf(eng, pipeline.roleName),
                        action: "s3:PutObject",
                        resource: `${landingBucketArn}/${key}`,
                        resourceAccount: dpAccount,
                        context: { "aws:SecureTransport": "true" },
                    };
                    expect(
                        await ask(put, {
                            identity: inlinePoliciesOf(eng, pipeline.roleName),
                            resource: landingBucketPolicy,
                        }),
                        `${pipeline.name} ${key}`,
                    ).to.equal("Allowed");
                }
                for (const action of ["kms:GenerateDataKey", "kms:Decrypt"]) {
                    const context = {
                        "kms:ViaService": `s3.${region}.amazonaws.com`,
                        "kms:EncryptionContext:aws:s3:arn": landingBucketArn,
                    };
                    const use = {
                        principal: pipeline.roleArn,
                        action,
                        resource: dataKeyArn,
                        resourceAccount: dpAccount,
                        context,
                    };
                    expect(
                        await ask(use, { identity: inlinePoliciesOf(eng, pipeline.roleName), resource: dataKeyPolicy }),
                        `${pipeline.name} ${action}`,
                    ).to.equal("Allowed");
                }
            }
        });

        it("refuses each Firehose role the other pipeline's prefix and deletes, even where the bucket policy alone would not", async () => {
            const dpAccount = dataPlatformAccount;
            for (const [index, pipeline] of facts.entries()) {
                const requests: [string, string][] = [
                    ["s3:PutObject", `${landingBucketArn}/${objectKeyUnder(neighbourOf(index).prefix)}`],
                    ["s3:DeleteObject", `${landingBucketArn}/${objectKeyUnder(pipeline.prefix)}`],
                ];
                for (const [action, resource] of requests) {
                    const request = {
                        principal: pipeline.roleArn,
                        principalTags: roleTagsOf(eng, pipeline.roleName),
                        action,
                        resource,
                        resourceAccount: dpAccount,
                        context: { "aws:SecureTransport": "true" },
                    };
                    expect(
                        await ask(request, {
                            identity: inlinePoliciesOf(eng, pipeline.roleName),
                            resource: landingBucketPolicy,
                        }),
                        `${pipeline.name} ${action} ${resource}`,
                    ).to.not.equal("Allowed");
                }
            }
        });
    });

    describe("trust policies (confused-deputy protection)", () => {
        const trustOf = (name: string) => documentOf(findBy(eng, TYPES.role, "name", name).inputs.assumeRolePolicy);
        const assume = (principal: string, roleArnValue: string, context: Record<string, string> = {}): Request => ({
            principal,
            action: "sts:AssumeRole",
            resource: roleArnValue,
            resourceAccount: account,
            context,
        });

        it("lets Firehose assume a Firehose role only with this account as sts:ExternalId", async () => {
            for (const pipeline of facts) {
                const trust = { identity: [], resource: trustOf(pipeline.roleName) };
                expect(
                    await ask(assume("firehose.amazonaws.com", pipeline.roleArn, { "sts:ExternalId": account }), trust),
                ).to.equal("Allowed");
                expect(
                    await ask(
                        assume("firehose.amazonaws.com", pipeline.roleArn, { "sts:ExternalId": OTHER_ACCOUNT }),
                        trust,
                    ),
                    "another account's delivery stream",
                ).to.equal("ImplicitlyDenied");
                expect(await ask(assume("firehose.amazonaws.com", pipeline.roleArn), trust), "no ExternalId").to.equal(
                    "ImplicitlyDenied",
                );
                expect(
                    await ask(assume("lambda.amazonaws.com", pipeline.roleArn, { "sts:ExternalId": account }), trust),
                    "another service",
                ).to.equal("ImplicitlyDenied");
            }
        });

        it("lets only API Gateway assume the API role", async () => {
            const trust = { identity: [], resource: trustOf(apiRole.name) };
            expect(await ask(assume("apigateway.amazonaws.com", apiRole.arn), trust)).to.equal("Allowed");
            expect(await ask(assume("lambda.amazonaws.com", apiRole.arn), trust)).to.equal("ImplicitlyDenied");
            expect(await ask(assume(`arn:aws:iam::${OTHER_ACCOUNT}:root`, apiRole.arn), trust)).to.equal(
                "ImplicitlyDenied",
            );
        });

        it("has a condition on every service trust except API Gateway's, the one documented exception", () => {
            const unconditioned = ofType(eng, TYPES.role).flatMap((role) =>
                documentOf(role.inputs.assumeRolePolicy)
                    .Statement.filter((s) => s.Condition === undefined)
                    .map((s) => ({ role: role.inputs.name, principal: s.Principal })),
            );
            expect(unconditioned).to.deep.equal([
                { role: apiRole.name, principal: { Service: "apigateway.amazonaws.com" } },
            ]);
        });
    });

    describe("the stream key policy", () => {
        const deployer = () => roleArn("aws", account, DEPLOYER_ROLE_NAME);
        /** An identity policy allowing everything: the decision is then the key policy's alone. */
        const onKey = (): Policies => ({
            identity: [
                {
                    name: "test-only-admin",
                    policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
                },
            ],
            resource: streamKeyPolicy,
        });
        const keyRequest = (principal: string, action: string, context: Record<string, string> = {}): Request => ({
            principal,
            action,
            resource: streamKeyArn,
            resourceAccount: account,
            context: { "kms:CallerAccount": account, ...context },
        });

        it("lets the deployer administer the key but not use it", async () => {
            for (const action of [
                "kms:PutKeyPolicy",
                "kms:ScheduleKeyDeletion",
                "kms:EnableKeyRotation",
                "kms:DescribeKey",
            ]) {
                expect(await ask(keyRequest(deployer(), action), onKey()), action).to.equal("Allowed");
            }
            for (const action of [
                "kms:Decrypt",
                "kms:GenerateDataKey",
                "kms:Encrypt",
                "kms:ReEncryptFrom",
                "kms:CreateGrant",
            ]) {
                expect(
                    await ask(keyRequest(deployer(), action, { "kms:ViaService": viaKinesis() }), onKey()),
                    action,
                ).to.equal("ImplicitlyDenied");
            }
        });

        it("lets the read-only roles read its configuration, as a refresh does, and nothing else", async () => {
            for (const reader of [PREVIEWER_ROLE_NAME, DRIFT_READER_ROLE_NAME].map((name) =>
                roleArn("aws", account, name),
            )) {
                for (const action of KEY_CONFIGURATION_READS)
                    expect(await ask(keyRequest(reader, action), onKey()), `${reader} ${action}`).to.equal("Allowed");
                for (const action of ["kms:Decrypt", "kms:GenerateDataKey", "kms:PutKeyPolicy", "kms:TagResource"]) {
                    expect(
                        await ask(keyRequest(reader, action, { "kms:ViaService": viaKinesis() }), onKey()),
                        `${reader} ${action}`,
                    ).to.equal("ImplicitlyDenied");
                }
            }
        });

        it("gives nothing to any other principal of the account, even one whose IAM policy allows everything", async () => {
            const stranger = roleArn("aws", account, "someone-else");
            for (const action of ["kms:Decrypt", "kms:GenerateDataKey", "kms:PutKeyPolicy", "kms:DescribeKey"]) {
                const request = keyRequest(stranger, action, {
                    "kms:ViaService": viaKinesis(),
                    "kms:EncryptionContext:aws:kinesis:arn": facts[0].streamArn,
                });
                expect(await ask(request, onKey()), action).to.equal("ImplicitlyDenied");
            }
        });
    });
});
