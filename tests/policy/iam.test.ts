import { expect } from "chai";
import {
    ACCOUNT,
    LAMBDA_TRUST,
    OTHER_ACCOUNT,
    policyDocument,
    policyDocumentOutsideModel,
    resource,
    role,
    rolePolicy,
    TYPES,
    undeterminedOf,
    urnOf,
    violationsOf,
} from "./fixtures";
import type { Conditions } from "../support/policy-document";

const STREAM_ARN = `arn:aws:kinesis:eu-central-1:${ACCOUNT}:stream/tracking-dev-user-events`;

describe("policy pack: IAM least privilege", () => {
    describe("iam-no-wildcard-actions", () => {
        it('flags "*" and "service:*" in an Allow, naming the resource and the action', () => {
            const violations = violationsOf("iam-no-wildcard-actions", [
                rolePolicy("admin", { Effect: "Allow", Action: "*", Resource: "*" }),
                rolePolicy("kinesis-all", { Effect: "Allow", Action: ["kinesis:*"], Resource: STREAM_ARN }),
            ]);
            expect(violations.map((v) => v.urn)).to.have.members([
                urnOf(TYPES.rolePolicy, "admin"),
                urnOf(TYPES.rolePolicy, "kinesis-all"),
            ]);
            expect(violations.find((v) => v.urn.endsWith("kinesis-all"))?.message).to.include('"kinesis:*"');
            expect(violations.every((v) => v.enforcementLevel === "mandatory")).to.equal(true);
        });

        it("flags wildcards in inline role policies and in trust policies too", () => {
            const trust = policyDocument({
                Effect: "Allow",
                Principal: { Service: "lambda.amazonaws.com" },
                Action: "sts:*",
                Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
            });
            const inline = policyDocument({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::landing/*" });
            const messages = violationsOf("iam-no-wildcard-actions", [role("r", trust, inline)]).map((v) => v.message);
            expect(messages.some((m) => m.includes("assumeRolePolicy") && m.includes('"sts:*"'))).to.equal(true);
            expect(messages.some((m) => m.includes("inlinePolicies[0].policy") && m.includes('"s3:*"'))).to.equal(true);
        });

        it("passes named actions, and a Deny of everything (deny-lists grant nothing)", () => {
            const violations = violationsOf("iam-no-wildcard-actions", [
                rolePolicy("writer", {
                    Effect: "Allow",
                    Action: ["kinesis:PutRecord", "kinesis:PutRecords"],
                    Resource: STREAM_ARN,
                }),
                resource(TYPES.bucketPolicy, "tls", {
                    bucket: "landing",
                    // Principal "*": IAM's bare form of everyone, which the model writes as { AWS: "*" }.
                    policy: policyDocumentOutsideModel({
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:*",
                        Resource: "arn:aws:s3:::landing",
                        Condition: { Bool: { "aws:SecureTransport": "false" } },
                    }),
                }),
            ]);
            expect(violations).to.deep.equal([]);
        });

        describe("KMS key policies", () => {
            const rootDelegation = (account: string) =>
                resource(TYPES.key, "key", {
                    enableKeyRotation: true,
                    policy: policyDocument({
                        Sid: "Enable IAM User Permissions",
                        Effect: "Allow",
                        Principal: { AWS: `arn:aws:iam::${account}:root` },
                        Action: "kms:*",
                        Resource: "*",
                    }),
                });

            it("flags AWS's default root statement unless config opts in", () => {
                expect(violationsOf("iam-no-wildcard-actions", [rootDelegation(ACCOUNT)])).to.have.length(1);
            });

            it("with allowKeyPolicyRootDelegation, permits kms:* to the own account root only", () => {
                const config = { "iam-no-wildcard-actions": { allowKeyPolicyRootDelegation: true } };
                expect(violationsOf("iam-no-wildcard-actions", [rootDelegation(ACCOUNT)], config)).to.deep.equal([]);
                const other = violationsOf("iam-no-wildcard-actions", [rootDelegation(OTHER_ACCOUNT)], config);
                expect(other).to.have.length(1);
                expect(other[0].message).to.include('"kms:*"');
            });

            it("flags kms:* to a role even with the opt-in", () => {
                const key = resource(TYPES.keyPolicy, "key-policy", {
                    keyId: "k",
                    policy: policyDocument({
                        Effect: "Allow",
                        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/admin` },
                        Action: "kms:*",
                        Resource: "*",
                    }),
                });
                expect(
                    violationsOf("iam-no-wildcard-actions", [key], {
                        "iam-no-wildcard-actions": { allowKeyPolicyRootDelegation: true },
                    }),
                ).to.have.length(1);
            });
        });
    });

    describe("iam-no-wildcard-resources", () => {
        it('flags Resource "*" for actions that support resource-level permissions', () => {
            const violations = violationsOf("iam-no-wildcard-resources", [
                rolePolicy("put", {
                    Effect: "Allow",
                    Action: ["kinesis:PutRecords", "sts:GetCallerIdentity"],
                    Resource: "*",
                }),
            ]);
            expect(violations).to.have.length(1);
            expect(violations[0].message).to.include("kinesis:PutRecords");
            // The wildcard-only action is not blamed.
            expect(violations[0].message).not.to.include("GetCallerIdentity");
        });

        it("flags ARNs that wildcard the account or the whole resource part", () => {
            const violations = violationsOf("iam-no-wildcard-resources", [
                rolePolicy("any-account", {
                    Effect: "Allow",
                    Action: "kinesis:PutRecord",
                    Resource: "arn:aws:kinesis:eu-central-1:*:stream/x",
                }),
                rolePolicy("any-bucket", { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::*" }),
            ]);
            expect(violations).to.have.length(2);
        });

        it('expands patterns: "logs:Describe*" on "*" is flagged only for the actions that have resource types', () => {
            const [violation] = violationsOf("iam-no-wildcard-resources", [
                rolePolicy("describe", { Effect: "Allow", Action: "logs:Describe*", Resource: "*" }),
            ]);
            expect(violation.message).to.include("logs:DescribeLogStreams");
            expect(violation.message).not.to.include('"logs:DescribeLogGroups"');
        });

        it('passes wildcard-only actions on "*", named ARNs, and key policies (where "*" is the key)', () => {
            const violations = violationsOf("iam-no-wildcard-resources", [
                rolePolicy("caller", {
                    Effect: "Allow",
                    Action: ["sts:GetCallerIdentity", "logs:DescribeLogGroups"],
                    Resource: "*",
                }),
                rolePolicy("put", { Effect: "Allow", Action: "kinesis:PutRecords", Resource: STREAM_ARN }),
                resource(TYPES.keyPolicy, "key-policy", {
                    keyId: "k",
                    policy: policyDocument({
                        Effect: "Allow",
                        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/writer` },
                        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                        Resource: "*",
                    }),
                }),
            ]);
            expect(violations).to.deep.equal([]);
        });
    });

    describe("iam-no-allow-with-not", () => {
        it("flags Allow with NotAction or NotResource", () => {
            const violations = violationsOf("iam-no-allow-with-not", [
                rolePolicy("not-action", { Effect: "Allow", NotAction: "iam:*", Resource: "*" }),
                rolePolicy("not-resource", {
                    Effect: "Allow",
                    Action: "s3:GetObject",
                    NotResource: "arn:aws:s3:::secret/*",
                }),
            ]);
            expect(violations.map((v) => v.message).join("\n"))
                .to.include("NotAction")
                .and.to.include("NotResource");
        });

        it("passes Deny with NotAction (a guard rail, not a grant)", () => {
            expect(
                violationsOf("iam-no-allow-with-not", [
                    rolePolicy("guard", {
                        Effect: "Deny",
                        NotAction: "s3:GetObject",
                        Resource: "arn:aws:s3:::landing/*",
                    }),
                ]),
            ).to.deep.equal([]);
        });
    });

    describe("iam-actions-exist", () => {
        it("flags a misspelt action and suggests the right one", () => {
            const [violation] = violationsOf("iam-actions-exist", [
                rolePolicy("typo", { Effect: "Allow", Action: "kinesis:PutRecrods", Resource: STREAM_ARN }),
            ]);
            expect(violation.message).to.include('"kinesis:PutRecrods"').and.to.include("kinesis:PutRecords");
        });

        it("flags an unknown service, a pattern matching nothing, a malformed action and invalid JSON", () => {
            const violations = violationsOf("iam-actions-exist", [
                rolePolicy("service", { Effect: "Allow", Action: "kinesys:PutRecord", Resource: STREAM_ARN }),
                rolePolicy("pattern", { Effect: "Deny", Action: "s3:Gte*", Resource: "arn:aws:s3:::landing/*" }),
                rolePolicy("malformed", { Effect: "Allow", Action: "PutRecord", Resource: STREAM_ARN }),
                resource(TYPES.rolePolicy, "broken", { role: "r", policy: "{not json" }),
            ]);
            const byName = (name: string) =>
                violations
                    .filter((v) => v.urn === urnOf(TYPES.rolePolicy, name))
                    .map((v) => v.message)
                    .join("\n");
            expect(byName("service")).to.include('"kinesys"').and.to.include('did you mean "kinesis"');
            expect(byName("pattern")).to.include('"s3:Gte*" matches no s3 action');
            expect(byName("malformed")).to.include("service:Action");
            expect(byName("broken")).to.include("not valid JSON");
        });

        it("passes existing actions and patterns in any letter case", () => {
            const violations = violationsOf("iam-actions-exist", [
                rolePolicy("ok", {
                    Effect: "Allow",
                    Action: ["kinesis:putrecords", "s3:Get*", "firehose:PutRecordBatch"],
                    Resource: STREAM_ARN,
                }),
            ]);
            expect(violations).to.deep.equal([]);
        });
    });

    describe("iam-no-broad-managed-policies", () => {
        it("flags AdministratorAccess and *FullAccess attachments, on attachments and on the role", () => {
            const violations = violationsOf("iam-no-broad-managed-policies", [
                resource(TYPES.rolePolicyAttachment, "admin", {
                    role: "r",
                    policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
                }),
                role("r2", LAMBDA_TRUST, undefined),
                resource(TYPES.role, "r3", {
                    assumeRolePolicy: LAMBDA_TRUST,
                    managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonS3FullAccess"],
                }),
            ]);
            expect(violations.map((v) => v.urn)).to.have.members([
                urnOf(TYPES.rolePolicyAttachment, "admin"),
                urnOf(TYPES.role, "r3"),
            ]);
            expect(violations.map((v) => v.message).join("\n")).to.include("AmazonS3FullAccess");
        });

        it("passes narrow AWS-managed and customer-managed policies", () => {
            const violations = violationsOf("iam-no-broad-managed-policies", [
                resource(TYPES.rolePolicyAttachment, "logs", {
                    role: "r",
                    policyArn: "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs",
                }),
                resource(TYPES.rolePolicyAttachment, "own", {
                    role: "r",
                    policyArn: `arn:aws:iam::${ACCOUNT}:policy/FullAccessToNothing`,
                }),
            ]);
            expect(violations).to.deep.equal([]);
        });
    });

    describe("iam-passrole-scoped", () => {
        const roleArn = `arn:aws:iam::${ACCOUNT}:role/tracking-dev-glue-job`;

        it("flags PassRole on a wildcard and without iam:PassedToService", () => {
            const messages = violationsOf("iam-passrole-scoped", [
                rolePolicy("pass", {
                    Effect: "Allow",
                    Action: "iam:PassRole",
                    Resource: `arn:aws:iam::${ACCOUNT}:role/*`,
                }),
            ]).map((v) => v.message);
            expect(messages).to.have.length(2);
            expect(messages.join("\n")).to.include("must name each role").and.to.include("iam:PassedToService");
        });

        it("passes PassRole on a named role to one service", () => {
            const violations = violationsOf("iam-passrole-scoped", [
                rolePolicy("pass", {
                    Effect: "Allow",
                    Action: "iam:PassRole",
                    Resource: roleArn,
                    Condition: { StringEquals: { "iam:PassedToService": "glue.amazonaws.com" } },
                }),
            ]);
            expect(violations).to.deep.equal([]);
        });
    });

    describe("iam-service-trust-confused-deputy", () => {
        const trust = (condition?: Conditions, service = "glue.amazonaws.com") =>
            policyDocument({
                Effect: "Allow",
                Principal: { Service: service },
                Action: "sts:AssumeRole",
                ...(condition ? { Condition: condition } : {}),
            });

        it("flags a service trust without aws:SourceAccount / aws:SourceArn", () => {
            const [violation] = violationsOf("iam-service-trust-confused-deputy", [role("glue", trust())]);
            expect(violation.message).to.include("glue.amazonaws.com").and.to.include("aws:SourceAccount");
        });

        it('flags a condition that pins nothing ("*") or only excludes', () => {
            const violations = violationsOf("iam-service-trust-confused-deputy", [
                role("star", trust({ StringLike: { "aws:SourceArn": "*" } })),
                role("not", trust({ StringNotEquals: { "aws:SourceAccount": OTHER_ACCOUNT } })),
            ]);
            expect(violations).to.have.length(2);
        });

        it("passes aws:SourceAccount, aws:SourceArn, and Firehose's documented sts:ExternalId = own account", () => {
            const violations = violationsOf("iam-service-trust-confused-deputy", [
                role("account", trust({ StringEquals: { "aws:SourceAccount": ACCOUNT } })),
                role("arn", trust({ ArnLike: { "aws:SourceArn": `arn:aws:glue:eu-central-1:${ACCOUNT}:job/x` } })),
                role("firehose", trust({ StringEquals: { "sts:ExternalId": ACCOUNT } }, "firehose.amazonaws.com")),
            ]);
            expect(violations).to.deep.equal([]);
        });

        it("flags Firehose's ExternalId when it is not the own account", () => {
            expect(
                violationsOf("iam-service-trust-confused-deputy", [
                    role(
                        "firehose",
                        trust({ StringEquals: { "sts:ExternalId": OTHER_ACCOUNT } }, "firehose.amazonaws.com"),
                    ),
                ]),
            ).to.have.length(1);
        });

        it("honours a service exemption from config, with its reason", () => {
            const config = {
                "iam-service-trust-confused-deputy": {
                    exemptServices: [
                        {
                            service: "glue.amazonaws.com",
                            reason: "Glue's trust-policy documentation shows no source keys",
                        },
                    ],
                },
            };
            expect(violationsOf("iam-service-trust-confused-deputy", [role("glue", trust())], config)).to.deep.equal(
                [],
            );
        });
    });

    describe("iam-cross-account-trust", () => {
        const awsTrust = (principal: string, condition?: Conditions) =>
            policyDocument({
                Effect: "Allow",
                Principal: { AWS: principal },
                Action: "sts:AssumeRole",
                ...(condition ? { Condition: condition } : {}),
            });
        const oidc = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
        const githubTrust = (condition: Conditions) =>
            policyDocument({
                Effect: "Allow",
                Principal: { Federated: oidc },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: condition,
            });

        it("flags another account without sts:ExternalId, and Principal *", () => {
            const violations = violationsOf("iam-cross-account-trust", [
                role("cross", awsTrust(`arn:aws:iam::${OTHER_ACCOUNT}:root`)),
                role("anyone", awsTrust("*")),
            ]);
            expect(violations.map((v) => v.urn)).to.have.members([
                urnOf(TYPES.role, "cross"),
                urnOf(TYPES.role, "anyone"),
            ]);
            expect(violations.find((v) => v.urn.endsWith("cross"))?.message).to.include("sts:ExternalId");
        });

        it("flags OIDC trust without :sub, or with a sub that admits any repository", () => {
            const violations = violationsOf("iam-cross-account-trust", [
                role(
                    "no-sub",
                    githubTrust({ StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } }),
                ),
                role(
                    "any-repo",
                    githubTrust({
                        StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
                        StringLike: { "token.actions.githubusercontent.com:sub": "repo:*" },
                    }),
                ),
            ]);
            expect(violations.map((v) => v.urn)).to.have.members([
                urnOf(TYPES.role, "no-sub"),
                urnOf(TYPES.role, "any-repo"),
            ]);
        });

        it("passes own-account principals, ExternalId-guarded cross-account trust and one-repository OIDC trust", () => {
            const violations = violationsOf("iam-cross-account-trust", [
                role("own", awsTrust(`arn:aws:iam::${ACCOUNT}:role/ci`)),
                role("cross", awsTrust(OTHER_ACCOUNT, { StringEquals: { "sts:ExternalId": "tracking-deploy" } })),
                role(
                    "github",
                    githubTrust({
                        StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
                        StringLike: {
                            "token.actions.githubusercontent.com:sub":
                                "repo:acme/tracking-pipeline:ref:refs/heads/main",
                        },
                    }),
                ),
            ]);
            expect(violations).to.deep.equal([]);
        });
    });

    describe("iam-no-users", () => {
        it("flags IAM users and inline user policies", () => {
            const violations = violationsOf("iam-no-users", [
                resource(TYPES.user, "ci", {}),
                resource(TYPES.userPolicy, "ci-policy", {
                    user: "ci",
                    policy: policyDocument({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::x/*" }),
                }),
            ]);
            expect(violations.map((v) => v.urn)).to.have.members([
                urnOf(TYPES.user, "ci"),
                urnOf(TYPES.userPolicy, "ci-policy"),
            ]);
        });

        it("passes roles", () => {
            expect(violationsOf("iam-no-users", [role("ci", LAMBDA_TRUST)])).to.deep.equal([]);
        });
    });

    describe("resource-policy-no-public-allow", () => {
        it("flags an Allow to * without a pinning condition", () => {
            // Principal "*": IAM's bare form of everyone, which the model writes as { AWS: "*" }.
            const bucketPolicy = resource(TYPES.bucketPolicy, "public", {
                bucket: "b",
                policy: policyDocumentOutsideModel({
                    Effect: "Allow",
                    Principal: "*",
                    Action: "s3:GetObject",
                    Resource: "arn:aws:s3:::b/*",
                }),
            });
            expect(violationsOf("resource-policy-no-public-allow", [bucketPolicy])).to.have.length(1);
        });

        it("passes an Allow to * pinned by aws:PrincipalOrgID, and an Allow to a named account", () => {
            const violations = violationsOf("resource-policy-no-public-allow", [
                // Principal "*": IAM's bare form of everyone, which the model writes as { AWS: "*" }.
                resource(TYPES.bucketPolicy, "org", {
                    bucket: "b",
                    policy: policyDocumentOutsideModel({
                        Effect: "Allow",
                        Principal: "*",
                        Action: "s3:GetObject",
                        Resource: "arn:aws:s3:::b/*",
                        Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } },
                    }),
                }),
                resource(TYPES.bucketPolicy, "named", {
                    bucket: "c",
                    policy: policyDocument({
                        Effect: "Allow",
                        Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:role/firehose` },
                        Action: "s3:PutObject",
                        Resource: "arn:aws:s3:::c/*",
                    }),
                }),
            ]);
            expect(violations).to.deep.equal([]);
        });
    });

    describe("documents the plan cannot know", () => {
        it("records an unknown trust policy as undetermined, not as a pass or a violation, and still judges the rest", () => {
            const unknownTrust = resource(TYPES.role, "pending", {
                assumeRolePolicy: "<unknown>",
                inlinePolicies: [
                    { name: "wide", policy: policyDocument({ Effect: "Allow", Action: "*", Resource: "*" }) },
                ],
            });
            expect(violationsOf("iam-no-wildcard-actions", [unknownTrust]).map((v) => v.message)).to.have.length(1);
            const undetermined = undeterminedOf("iam-no-wildcard-actions", [unknownTrust]);
            expect(undetermined).to.have.length(1);
            expect(undetermined[0].message).to.include("assumeRolePolicy");
            expect(violationsOf("iam-cross-account-trust", [unknownTrust])).to.deep.equal([]);
            expect(undeterminedOf("iam-cross-account-trust", [unknownTrust])).to.have.length(1);
        });

        it("treats a secret document the same way", () => {
            const secret = resource(TYPES.rolePolicy, "secret", { role: "r", policy: "<secret>" });
            expect(violationsOf("iam-actions-exist", [secret])).to.deep.equal([]);
            expect(undeterminedOf("iam-actions-exist", [secret])).to.have.length(1);
        });
    });
});
