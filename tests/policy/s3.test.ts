import { expect } from "chai";
import { PlannedResource } from "../../tools/plan/types";
import { allowPrincipal } from "../../shared/iam";
import {
    OTHER_ACCOUNT,
    policyDocument,
    policyDocumentOutsideModel,
    resource,
    TYPES,
    undeterminedOf,
    urnOf,
    violationsOf,
} from "./fixtures";

const BUCKET = "tracking-dev-landing";
const BUCKET_ARN = `arn:aws:s3:::${BUCKET}`;

/** A bucket as the plan records it: the `bucket` output and the id are its name. */
function bucket(name = "landing", bucketName = BUCKET, inputs: Record<string, unknown> = {}): PlannedResource {
    return resource(
        TYPES.bucket,
        name,
        { bucket: bucketName, ...inputs },
        { id: bucketName, outputs: { arn: `arn:aws:s3:::${bucketName}` }, protect: true },
    );
}

/** The TLS-only deny with IAM's bare `Principal: "*"` (the model writes `{ AWS: "*" }`): the check reads both. */
const TLS_DENY = {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [BUCKET_ARN, `${BUCKET_ARN}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
};

/** Every companion the baseline asks for, each pointing at the bucket by its name, as `bucket: b.id` does. */
function baseline(
    bucketName = BUCKET,
    overrides: Partial<Record<CompanionKey, Record<string, unknown> | null>> = {},
): PlannedResource[] {
    const resources: PlannedResource[] = [];
    for (const key of Object.keys(COMPANIONS) as CompanionKey[]) {
        const [type, inputs] = COMPANIONS[key];
        const override = overrides[key];
        if (override === null) continue;
        resources.push(resource(type, `${bucketName}-${key}`, { bucket: bucketName, ...inputs, ...(override ?? {}) }));
    }
    return resources;
}

type CompanionKey = "publicAccessBlock" | "encryption" | "versioning" | "ownership" | "policy";

const COMPANIONS: Record<CompanionKey, readonly [string, Record<string, unknown>]> = {
    publicAccessBlock: [
        TYPES.publicAccessBlock,
        { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    ],
    encryption: [
        TYPES.encryption,
        {
            rules: [
                {
                    applyServerSideEncryptionByDefault: {
                        sseAlgorithm: "aws:kms",
                        kmsMasterKeyId: "arn:aws:kms:eu-central-1:111111111111:key/abc",
                    },
                    bucketKeyEnabled: true,
                },
            ],
        },
    ],
    versioning: [TYPES.versioning, { versioningConfiguration: { status: "Enabled" } }],
    ownership: [TYPES.ownership, { rule: { objectOwnership: "BucketOwnerEnforced" } }],
    policy: [TYPES.bucketPolicy, { policy: policyDocumentOutsideModel(TLS_DENY) }],
};

const S3_POLICIES = ["s3-block-public-access", "s3-tls-only", "s3-sse-kms", "s3-versioning", "s3-ownership-enforced"];

describe("policy pack: S3 bucket baseline (stack policies pairing each bucket with its settings)", () => {
    it("passes a bucket with its full baseline", () => {
        for (const policy of S3_POLICIES)
            expect(violationsOf(policy, [bucket(), ...baseline()]), policy).to.deep.equal([]);
    });

    it("reports a bucket with no settings at all under every baseline policy, on the bucket's URN", () => {
        for (const policy of S3_POLICIES) {
            const violations = violationsOf(policy, [bucket()]);
            expect(violations, policy).to.have.length(1);
            expect(violations[0].urn).to.equal(urnOf(TYPES.bucket, "landing"));
        }
    });

    it("does not let one bucket's settings cover another bucket", () => {
        const resources = [bucket("landing", BUCKET), bucket("other", "tracking-dev-other"), ...baseline(BUCKET)];
        for (const policy of S3_POLICIES) {
            expect(
                violationsOf(policy, resources).map((v) => v.urn),
                policy,
            ).to.deep.equal([urnOf(TYPES.bucket, "other")]);
        }
    });

    describe("s3-block-public-access", () => {
        it("flags a block that leaves a setting off", () => {
            const [violation] = violationsOf("s3-block-public-access", [
                bucket(),
                ...baseline(BUCKET, { publicAccessBlock: { restrictPublicBuckets: false } }),
            ]);
            expect(violation.message).to.include("restrictPublicBuckets");
        });
    });

    describe("s3-sse-kms", () => {
        it("flags AES256 and SSE-KMS without a named key", () => {
            const aes = violationsOf("s3-sse-kms", [
                bucket(),
                ...baseline(BUCKET, {
                    encryption: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
                }),
            ]);
            expect(aes[0].message).to.include("AES256");
            const noKey = violationsOf("s3-sse-kms", [
                bucket(),
                ...baseline(BUCKET, {
                    encryption: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] },
                }),
            ]);
            expect(noKey[0].message).to.include("kmsMasterKeyId");
        });
    });

    describe("s3-versioning", () => {
        it('flags "Suspended"', () => {
            const [violation] = violationsOf("s3-versioning", [
                bucket(),
                ...baseline(BUCKET, { versioning: { versioningConfiguration: { status: "Suspended" } } }),
            ]);
            expect(violation.message).to.include("Suspended");
        });
    });

    describe("s3-ownership-enforced", () => {
        it("flags BucketOwnerPreferred (ACLs still on)", () => {
            const [violation] = violationsOf("s3-ownership-enforced", [
                bucket(),
                ...baseline(BUCKET, { ownership: { rule: { objectOwnership: "BucketOwnerPreferred" } } }),
            ]);
            expect(violation.message).to.include("BucketOwnerPreferred");
        });
    });

    describe("s3-tls-only", () => {
        it("flags a policy without the TLS deny, and one whose deny misses the objects", () => {
            const grantOnly = policyDocument(
                allowPrincipal(
                    "FirehoseWrites",
                    { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:role/firehose` },
                    ["s3:PutObject"],
                    [`${BUCKET_ARN}/*`],
                ),
            );
            expect(
                violationsOf("s3-tls-only", [bucket(), ...baseline(BUCKET, { policy: { policy: grantOnly } })]),
            ).to.have.length(1);
            const bucketOnly = policyDocumentOutsideModel({ ...TLS_DENY, Resource: BUCKET_ARN });
            const [partial] = violationsOf("s3-tls-only", [
                bucket(),
                ...baseline(BUCKET, { policy: { policy: bucketOnly } }),
            ]);
            expect(partial.message).to.include(`${BUCKET_ARN}/*`);
        });

        it('flags a deny conditioned on "true" (which would deny TLS requests, not plain ones)', () => {
            const inverted = policyDocumentOutsideModel({
                ...TLS_DENY,
                Condition: { Bool: { "aws:SecureTransport": "true" } },
            });
            expect(
                violationsOf("s3-tls-only", [bucket(), ...baseline(BUCKET, { policy: { policy: inverted } })]),
            ).to.have.length(1);
        });

        it("accepts the deny written with a bucket-wide wildcard resource and a boolean value", () => {
            // A JSON boolean condition value: IAM accepts it, the model writes condition values as strings.
            const wildcard = policyDocumentOutsideModel({
                ...TLS_DENY,
                Resource: [BUCKET_ARN, `${BUCKET_ARN}*`],
                Condition: { Bool: { "aws:SecureTransport": false } },
            });
            expect(
                violationsOf("s3-tls-only", [bucket(), ...baseline(BUCKET, { policy: { policy: wildcard } })]),
            ).to.deep.equal([]);
        });
    });

    describe("while the bucket's name is unknown", () => {
        it("cannot pair by value, so it reports undetermined instead of a missing setting", () => {
            const pending = resource(
                TYPES.bucket,
                "landing",
                {},
                { id: "<unknown>", outputs: { bucket: "<unknown>" } },
            );
            const companions = baseline("<unknown>");
            expect(violationsOf("s3-versioning", [pending, ...companions])).to.deep.equal([]);
            expect(undeterminedOf("s3-versioning", [pending, ...companions])).to.have.length(1);
        });
    });
});
