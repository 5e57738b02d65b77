import { expect } from "chai";
import { STATE_KEY_ALIAS, stateBucketName } from "../../shared/naming";
import { AccountView, accounts, parseDocument } from "./support/plans";
import { decide, Decision, IdentityPolicy } from "./support/simulate";

/**
 * The shared Pulumi backend across the two accounts, decided by iam-simulate over the planned bucket and
 * key policies together with each caller's planned (or stated) identity policies: the other account's
 * deployer reads and writes state, its previewer and drift reader read and lock, its named administrators
 * run their bootstrap; nobody else of that account, no third account, and no request without TLS.
 */

const THIRD_ACCOUNT = "999999999999";

/** What an administrator's own account lets them do (AdministratorAccess, narrowed to the point). */
const administrator: IdentityPolicy[] = [
    {
        name: "administrator",
        policy: {
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Action: [
                        "s3:GetObject",
                        "s3:PutObject",
                        "s3:DeleteObject",
                        "s3:ListBucket",
                        "kms:Decrypt",
                        "kms:Encrypt",
                        "kms:GenerateDataKey",
                    ],
                    Resource: "*",
                },
            ],
        },
    },
];

describe("bootstrap: the shared state backend", function () {
    let views: AccountView[];
    let owner: AccountView;
    let other: AccountView;
    let bucketPolicy: unknown;
    let keyPolicy: unknown;
    let bucket: string;
    let object: string;
    let key: string;

    before(async function () {
        views = await accounts();
        const found = views.find((v) => v.config["tracking-bootstrap:stateBackend"] === "true");
        if (!found) throw new Error("no bootstrap stack creates the state backend");
        owner = found;
        other = views.find((v) => v !== owner) as AccountView;
        const name = stateBucketName(owner.account, owner.region);
        bucket = `arn:${owner.partition}:s3:::${name}`;
        object = `${bucket}/.pulumi/stacks/tracking-data-platform/dev.json`;
        const policy = owner.bootstrap.resources.find(
            (r) => r.type === "aws:s3/bucketPolicy:BucketPolicy" && r.inputs.bucket === name,
        );
        const planKey = owner.bootstrap.resources.find((r) => r.type === "aws:kms/key:Key");
        bucketPolicy = parseDocument(policy?.inputs.policy, "state bucket policy");
        keyPolicy = parseDocument(planKey?.inputs.policy, "state key policy");
        key = String(planKey?.outputs.arn);
    });

    async function s3(
        principal: string,
        identity: readonly IdentityPolicy[],
        action: string,
        resource: string,
        context: Record<string, string> = {},
    ): Promise<Decision> {
        return decide(
            {
                principal,
                action,
                resource,
                resourceAccount: owner.account,
                context: { "aws:SecureTransport": "true", ...context },
            },
            identity,
            bucketPolicy,
        );
    }

    async function kms(principal: string, identity: readonly IdentityPolicy[], action: string): Promise<Decision> {
        return decide(
            {
                principal,
                action,
                resource: key,
                resourceAccount: owner.account,
                context: { "kms:ResourceAliases": [STATE_KEY_ALIAS] },
            },
            identity,
            keyPolicy,
        );
    }

    it("is the engineering bootstrap's, and the other bootstrap points at it", function () {
        expect(other.config["tracking-bootstrap:stateAccountId"]).to.equal(owner.account);
        expect(owner.bootstrap.outputs.stateBackendUrl).to.equal(
            `s3://${stateBucketName(owner.account, owner.region)}?region=${owner.region}`,
        );
        expect(owner.bootstrap.outputs.secretsProvider).to.equal(
            `awskms://arn:${owner.partition}:kms:${owner.region}:${owner.account}:${STATE_KEY_ALIAS}?region=${owner.region}`,
        );
    });

    it("lets the other account's deployer read and write state, with the key", async function () {
        for (const action of ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"])
            expect(await s3(other.deployer.arn, other.deployer.policies, action, object), action).to.equal("Allowed");
        expect(await s3(other.deployer.arn, other.deployer.policies, "s3:ListBucket", bucket)).to.equal("Allowed");
        for (const action of ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"])
            expect(await kms(other.deployer.arn, other.deployer.policies, action), action).to.equal("Allowed");
    });

    it("lets the other account's previewer and drift reader read state, decrypt and take the lock, but not write state or encrypt", async function () {
        const lock = `${bucket}/.pulumi/locks/organization/tracking-data-platform/dev/0f8fad5b-d9cb-469f-a165-70867728950e.json`;
        for (const role of [other.previewer, other.driftReader]) {
            expect(await s3(role.arn, role.policies, "s3:GetObject", object), role.name).to.equal("Allowed");
            expect(await s3(role.arn, role.policies, "s3:ListBucket", bucket), role.name).to.equal("Allowed");
            expect(await kms(role.arn, role.policies, "kms:Decrypt"), role.name).to.equal("Allowed");
            expect(await s3(role.arn, role.policies, "s3:PutObject", lock), role.name).to.equal("Allowed");
            expect(await s3(role.arn, role.policies, "s3:PutObject", object), role.name).to.not.equal("Allowed");
            expect(await s3(role.arn, role.policies, "s3:DeleteObject", object), role.name).to.not.equal("Allowed");
            expect(await kms(role.arn, role.policies, "kms:GenerateDataKey"), role.name).to.not.equal("Allowed");
            expect(await kms(role.arn, role.policies, "kms:Encrypt"), role.name).to.not.equal("Allowed");
        }
    });

    it("lets the other account's named administrators run their bootstrap, and no other role of theirs", async function () {
        const patterns = JSON.parse(owner.config["tracking-bootstrap:otherAccountAdminRoleArns"] ?? "[]") as string[];
        expect(patterns.length, "the sample names the other account's administrators").to.be.greaterThan(0);
        const admin = patterns[0].replace(/\*/g, "x");
        for (const action of ["s3:GetObject", "s3:PutObject"])
            expect(await s3(admin, administrator, action, object), action).to.equal("Allowed");
        expect(await kms(admin, administrator, "kms:Encrypt")).to.equal("Allowed");
        const someoneElse = `arn:${other.partition}:iam::${other.account}:role/data-analyst`;
        expect(await s3(someoneElse, administrator, "s3:GetObject", object)).to.not.equal("Allowed");
        expect(await kms(someoneElse, administrator, "kms:Decrypt")).to.not.equal("Allowed");
    });

    it("refuses a third account, even with its own administrator rights, and any request without TLS", async function () {
        const stranger = `arn:${owner.partition}:iam::${THIRD_ACCOUNT}:role/tracking-deployer`;
        expect(await s3(stranger, administrator, "s3:GetObject", object)).to.not.equal("Allowed");
        expect(await kms(stranger, administrator, "kms:Decrypt")).to.not.equal("Allowed");
        expect(
            await s3(other.deployer.arn, other.deployer.policies, "s3:GetObject", object, {
                "aws:SecureTransport": "false",
            }),
        ).to.equal("ExplicitlyDenied");
    });
});
