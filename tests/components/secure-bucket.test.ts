import { expect } from "chai";
import { allow, allowPrincipal } from "../../shared/iam";
import { SecureBucket, SecureBucketArgs } from "../../shared/secure-bucket";
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

const KEY = `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
const WRITER = "arn:aws:iam::222222222222:role/tracking-test-writer";

function args(overrides: Partial<SecureBucketArgs> = {}): SecureBucketArgs {
    return {
        bucketName: "tracking-test-landing",
        kmsKeyArn: KEY,
        lifecycleRules: [],
        noncurrentVersionExpirationDays: 30,
        ...overrides,
    };
}

/** The one resource of a type whose `bucket` input is the given bucket. */
function settingOf(resources: readonly RecordedResource[], type: string, bucket: string): Record<string, unknown> {
    const found = ofType(resources, type).filter((r) => r.inputs.bucket === bucket);
    expect(found, `${type} of ${bucket}`).to.have.length(1);
    return found[0].inputs;
}

describe("SecureBucket (component, under pulumi.runtime.setMocks)", () => {
    it("creates the named bucket, never force-destroyed, and sets every protection on that bucket and no other", async () => {
        let landing: SecureBucket | undefined;
        const resources = await recordResources(() => {
            landing = new SecureBucket("landing", args());
            new SecureBucket("raw", args({ bucketName: "tracking-test-raw" }));
        });
        expect(await valueOf(landing!.bucketName)).to.equal("tracking-test-landing");
        expect(await valueOf(landing!.arn)).to.equal("arn:aws:s3:::tracking-test-landing");
        for (const bucket of ["tracking-test-landing", "tracking-test-raw"]) {
            expect(
                ofType(resources, "aws:s3/bucket:Bucket").find((r) => r.inputs.bucket === bucket)?.inputs.forceDestroy,
            ).to.equal(false);
            expect(settingOf(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket)).to.include({
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            });
            expect(
                settingOf(resources, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", bucket).rule,
            ).to.deep.equal({ objectOwnership: "BucketOwnerEnforced" });
            expect(
                settingOf(resources, "aws:s3/bucketVersioning:BucketVersioning", bucket).versioningConfiguration,
            ).to.deep.include({ status: "Enabled" });
        }
    });

    it("encrypts with SSE-KMS under the given key with S3 Bucket Keys on", async () => {
        const resources = await recordResources(() => new SecureBucket("landing", args()));
        const [rule] = settingOf(
            resources,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "tracking-test-landing",
        ).rules as Record<string, unknown>[];
        expect(rule.applyServerSideEncryptionByDefault).to.deep.equal({ sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY });
        expect(rule.bucketKeyEnabled).to.equal(true);
    });

    it("always expires noncurrent versions and incomplete uploads, and adds the caller's rules with their prefix and days", async () => {
        const resources = await recordResources(
            () =>
                new SecureBucket(
                    "landing",
                    args({
                        noncurrentVersionExpirationDays: 9,
                        lifecycleRules: [
                            { id: "expire-events", prefix: "user-events/", expirationDays: 60 },
                            { id: "keep" },
                        ],
                    }),
                ),
        );
        const rules = settingOf(
            resources,
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "tracking-test-landing",
        ).rules as Record<string, unknown>[];
        const byId = new Map(rules.map((r) => [r.id, r]));
        expect(byId.get("noncurrent-versions-and-incomplete-uploads")).to.deep.include({
            status: "Enabled",
            noncurrentVersionExpiration: { noncurrentDays: 9 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        });
        expect(byId.get("expire-events")).to.deep.include({
            status: "Enabled",
            filter: { prefix: "user-events/" },
            expiration: { days: 60 },
        });
        expect(byId.get("keep"))
            .to.deep.include({ filter: { prefix: "" } })
            .and.not.have.property("expiration");
    });

    it("refuses plain HTTP for every principal, even one the caller's grants allow, and grants over TLS what the caller granted", async () => {
        const grant = allowPrincipal(
            "WriterPuts",
            { AWS: WRITER },
            ["s3:PutObject"],
            ["arn:aws:s3:::tracking-test-landing/user-events/*"],
        );
        const resources = await recordResources(() => new SecureBucket("landing", args({ policyStatements: [grant] })));
        const policy = JSON.parse(
            String(settingOf(resources, "aws:s3/bucketPolicy:BucketPolicy", "tracking-test-landing").policy),
        ) as unknown;
        const put = (secure: string, key = "user-events/a.json") =>
            decide(
                {
                    principal: WRITER,
                    action: "s3:PutObject",
                    resource: `arn:aws:s3:::tracking-test-landing/${key}`,
                    resourceAccount: TEST_ACCOUNT,
                    context: { "aws:SecureTransport": secure },
                },
                {
                    identity: [
                        {
                            name: "writer",
                            policy: { Version: "2012-10-17", Statement: [allow("Everything", ["s3:*"], ["*"])] },
                        },
                    ],
                    resource: policy,
                },
            );
        expect(await put("true")).to.equal("Allowed");
        expect(await put("false")).to.equal("ExplicitlyDenied");
        // The grant is the caller's, not the bucket's: another prefix is not granted by it.
        expect(await put("true", "user-utm/a.json")).to.equal("ImplicitlyDenied");
    });

    it("refuses a bad name, a repeated rule id and a non-positive expiration before registering anything, naming the bucket", async () => {
        const cases: Array<[Partial<SecureBucketArgs>, RegExp]> = [
            [{ bucketName: "Tracking_Landing" }, /SecureBucket landing: bucketName must be 3-63 lowercase/],
            [{ bucketName: "a..b" }, /SecureBucket landing: bucketName/],
            [
                { lifecycleRules: [{ id: "x" }, { id: "x" }] },
                /SecureBucket landing: lifecycle rule id "x" is used twice/,
            ],
            [
                { lifecycleRules: [{ id: "x", expirationDays: 0 }] },
                /lifecycle rule "x": expirationDays must be a positive integer \(got 0\)/,
            ],
        ];
        for (const [overrides, message] of cases) {
            const { error, resources } = await refusal(() => new SecureBucket("landing", args(overrides)));
            expect(String(error)).to.match(message);
            expect(resources).to.deep.equal([]);
        }
    });
});
