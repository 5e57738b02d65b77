import { expect } from "chai";
import { allow, allowAssumeRole, allowPrincipal } from "../../shared/iam";
import {
    GITHUB_OIDC_AUDIENCE,
    GITHUB_OIDC_HOST,
    STACK_TAG_KEY,
    STATE_KEY_ALIAS,
    stateBucketName,
} from "../../shared/naming";
import { deployerStatements } from "../../bootstrap/iam/policies";
import { GITHUB_ENVIRONMENTS } from "../../bootstrap/iam/trust";
import { AccountView, accounts, Statement } from "./support/plans";
import { decide, decideAssume, Decision, decideUnvalidated, IdentityPolicy, Request } from "./support/simulate";
import { delegatingKeyPolicy, resourcePolicyFor } from "./support/statements";

/**
 * Requests of someone who controls a workflow run holding a bootstrap role, aimed beyond the project:
 * each must be denied by the planned policies, and each is asked again of `unguarded`, the grant as it
 * reads without the guard under test (a fixture), which must allow it - so every request is well formed,
 * reaches the grant it is meant for, and is denied for the reason the guard gives, not by accident.
 */

const FOREIGN_KEY = "key/0f0f0f0f-0000-4000-8000-00000000f0f0";
const THIRD_ACCOUNT = "999999999999";

interface Abuse {
    readonly what: string;
    /** Who asks (a role of the view), the request, and the resource's policy. */
    readonly request: (view: AccountView) => Request;
    readonly resourcePolicy?: (view: AccountView, views: readonly AccountView[]) => unknown;
    /** The identity policies the planned decision is taken over; the role's planned policies by default. */
    readonly planned?: (view: AccountView) => IdentityPolicy[];
    /** The fixture: the same grant without the guard. */
    readonly unguarded: (view: AccountView) => Statement[];
    /** The resource policy the fixture is judged with, when it differs from the planned one. */
    readonly unguardedResourcePolicy?: (view: AccountView) => unknown;
    /** Only for the accounts whose role the abuse concerns. */
    readonly accounts?: "engineering" | "data-platform";
    /**
     * The request names a parent resource with the create's request tags: AWS sends a request's tags with
     * every resource the call authorizes, while the reference data lists aws:RequestTag on the created
     * type only, so validation would drop it. The request is evaluated as given.
     */
    readonly requestTagsOnParent?: boolean;
}

const stacksOf = (view: AccountView): string[] => JSON.parse(view.config["tracking-bootstrap:stackNames"]) as string[];
const stackTag = (view: AccountView, kind: "Request" | "Resource") => ({
    [`aws:${kind}Tag/${STACK_TAG_KEY}`]: stacksOf(view)[0],
});
const arnOf = (view: AccountView, service: string, resource: string) =>
    `arn:${view.partition}:${service}:${view.region}:${view.account}:${resource}`;
const iamArn = (view: AccountView, resource: string) => `arn:${view.partition}:iam::${view.account}:${resource}`;
const perStack = (view: AccountView, build: (prefix: string) => string) =>
    stacksOf(view).map((s) => build(`tracking-${s}-`));
const requestTagged = (view: AccountView) => ({
    StringEquals: { [`aws:RequestTag/${STACK_TAG_KEY}`]: stacksOf(view) },
});
const resourceTagged = (view: AccountView) => ({
    StringEquals: { [`aws:ResourceTag/${STACK_TAG_KEY}`]: stacksOf(view) },
});
const boundaryArn = (view: AccountView) => view.boundaryArn;
const stateBucket = (view: AccountView) =>
    `arn:${view.partition}:s3:::${stateBucketName(stateAccount(view), view.region)}`;
const stateAccount = (view: AccountView) => view.config["tracking-bootstrap:stateAccountId"] ?? view.account;
const roleOf = (view: AccountView, name: string) => iamArn(view, `role/${name}`);

const EC2_TYPES = [
    "vpc",
    "subnet",
    "route-table",
    "internet-gateway",
    "natgateway",
    "elastic-ip",
    "security-group",
    "vpc-endpoint",
];
const EC2_CREATES = [
    "ec2:CreateVpc",
    "ec2:CreateSubnet",
    "ec2:CreateRouteTable",
    "ec2:CreateInternetGateway",
    "ec2:CreateNatGateway",
    "ec2:AllocateAddress",
    "ec2:CreateSecurityGroup",
    "ec2:CreateVpcEndpoint",
];

/** A deployer's write of the bootstrap's own state; the fixture is the backend's grant as it read: every object under `.pulumi/`. */
function stateAbuse(what: string, action: string, path: (view: AccountView) => string): Abuse {
    return {
        what,
        request: (view) => ({
            principal: view.deployer.arn,
            action,
            resource: `${stateBucket(view)}/.pulumi/${path(view)}`,
            resourceAccount: stateAccount(view),
            context: { "aws:SecureTransport": "true" },
        }),
        resourcePolicy: (view, views) => resourcePolicyFor(stateBucket(view), {}, view, views),
        unguarded: (view) => [
            allow(
                "StateObjects",
                ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                [`${stateBucket(view)}/.pulumi/*`],
            ),
        ],
        // The other account's deployer (named by the bucket policy) could write every object of the backend.
        unguardedResourcePolicy: (view) => ({
            Version: "2012-10-17",
            Statement: [
                allowPrincipal(
                    "OtherAccountWrite",
                    { AWS: `arn:${view.partition}:iam::${view.account}:root` },
                    [action],
                    [`${stateBucket(view)}/.pulumi/*`],
                    { ArnEquals: { "aws:PrincipalArn": view.deployer.arn } },
                ),
            ],
        }),
    };
}

const ABUSES: readonly Abuse[] = [
    {
        what: "1. decrypt directly with a foreign key it has tagged tracking:stack (the key's policy delegates to IAM)",
        request: (view) => ({
            principal: view.deployer.arn,
            action: "kms:Decrypt",
            resource: arnOf(view, "kms", FOREIGN_KEY),
            resourceAccount: view.account,
            context: stackTag(view, "Resource"),
        }),
        resourcePolicy: (view) => delegatingKeyPolicy(view.partition, [view.account]),
        unguarded: (view) => [
            allow(
                "KmsStackKeys",
                ["kms:Decrypt", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"],
                [arnOf(view, "kms", "key/*")],
                resourceTagged(view),
            ),
        ],
    },
    {
        what: "1. schedule the deletion of a foreign key it has tagged tracking:stack",
        request: (view) => ({
            principal: view.deployer.arn,
            action: "kms:ScheduleKeyDeletion",
            resource: arnOf(view, "kms", FOREIGN_KEY),
            resourceAccount: view.account,
            context: stackTag(view, "Resource"),
        }),
        resourcePolicy: (view) => delegatingKeyPolicy(view.partition, [view.account]),
        unguarded: (view) => [
            allow(
                "KmsStackKeys",
                ["kms:Decrypt", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"],
                [arnOf(view, "kms", "key/*")],
                resourceTagged(view),
            ),
        ],
    },
    {
        what: "1. rewrite a foreign key's policy after tagging it",
        request: (view) => ({
            principal: view.deployer.arn,
            action: "kms:PutKeyPolicy",
            resource: arnOf(view, "kms", FOREIGN_KEY),
            resourceAccount: view.account,
            context: stackTag(view, "Resource"),
        }),
        resourcePolicy: (view) => delegatingKeyPolicy(view.partition, [view.account]),
        unguarded: (view) => [
            allow(
                "KmsStackKeys",
                ["kms:Decrypt", "kms:ScheduleKeyDeletion", "kms:PutKeyPolicy"],
                [arnOf(view, "kms", "key/*")],
                resourceTagged(view),
            ),
        ],
    },
    stateAbuse(
        "2. overwrite the bootstrap's own state in the shared backend",
        "s3:PutObject",
        (view) => `stacks/tracking-bootstrap/${view.bootstrapStack}.json`,
    ),
    stateAbuse(
        "2. delete the bootstrap's state history, so an administrator restores injected state",
        "s3:DeleteObject",
        (view) => `history/tracking-bootstrap/${view.bootstrapStack}/${view.bootstrapStack}-1.checkpoint.json`,
    ),
    {
        what: "5. build a subnet in a VPC that is not the stacks' (request tag on the create only)",
        accounts: "data-platform",
        requestTagsOnParent: true,
        request: (view) => ({
            principal: view.deployer.arn,
            action: "ec2:CreateSubnet",
            resource: arnOf(view, "ec2", "vpc/vpc-0f0f0f0f0f0f0f0f0"),
            resourceAccount: view.account,
            context: { ...stackTag(view, "Request"), "aws:TagKeys": [STACK_TAG_KEY] },
        }),
        unguarded: (view) => [
            allow(
                "Ec2CreateTagged",
                EC2_CREATES,
                EC2_TYPES.map((t) => arnOf(view, "ec2", `${t}/*`)),
                requestTagged(view),
            ),
        ],
    },
    {
        what: "5. put a private-DNS interface endpoint into a foreign VPC's subnet",
        accounts: "data-platform",
        requestTagsOnParent: true,
        request: (view) => ({
            principal: view.deployer.arn,
            action: "ec2:CreateVpcEndpoint",
            resource: arnOf(view, "ec2", "subnet/subnet-0f0f0f0f0f0f0f0f0"),
            resourceAccount: view.account,
            context: { ...stackTag(view, "Request"), "aws:TagKeys": [STACK_TAG_KEY] },
        }),
        unguarded: (view) => [
            allow(
                "Ec2CreateTagged",
                EC2_CREATES,
                EC2_TYPES.map((t) => arnOf(view, "ec2", `${t}/*`)),
                requestTagged(view),
            ),
        ],
    },
    {
        what: "6. attach AdministratorAccess to a stack role (within the boundary)",
        request: (view) => ({
            principal: view.deployer.arn,
            action: "iam:AttachRolePolicy",
            resource: roleOf(view, `tracking-${stacksOf(view)[0]}-worker`),
            resourceAccount: view.account,
            context: {
                "iam:PermissionsBoundary": boundaryArn(view),
                "iam:PolicyARN": `arn:${view.partition}:iam::aws:policy/AdministratorAccess`,
            },
        }),
        unguarded: (view) => [
            allow(
                "StackRolesWithinBoundary",
                ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy"],
                perStack(view, (p) => iamArn(view, `role/${p}*`)),
                { StringEquals: { "iam:PermissionsBoundary": boundaryArn(view) } },
            ),
        ],
    },
    {
        what: "6. make a workload role (Firehose, Glue) assumable by itself",
        request: (view) => ({
            principal: view.deployer.arn,
            action: "iam:UpdateAssumeRolePolicy",
            resource: roleOf(view, `tracking-${stacksOf(view)[0]}-worker`),
            resourceAccount: view.account,
            context: { "iam:PermissionsBoundary": boundaryArn(view) },
        }),
        unguarded: (view) => [
            allow(
                "StackRoles",
                ["iam:DeleteRole", "iam:UpdateAssumeRolePolicy"],
                perStack(view, (p) => iamArn(view, `role/${p}*`)),
            ),
        ],
    },
    {
        what: "6. a workload role writes into a bucket of the stacks' name in a third account",
        request: (view) => ({
            principal: roleOf(view, `tracking-${stacksOf(view)[0]}-worker`),
            action: "s3:PutObject",
            resource: `arn:${view.partition}:s3:::tracking-${stacksOf(view)[0]}-exfil/x`,
            resourceAccount: THIRD_ACCOUNT,
        }),
        // The third account's bucket welcomes the write: only the boundary can refuse it.
        resourcePolicy: (view) => ({
            Version: "2012-10-17",
            Statement: [
                allowPrincipal(
                    "WelcomeWorkerWrites",
                    { AWS: roleOf(view, `tracking-${stacksOf(view)[0]}-worker`) },
                    ["s3:PutObject"],
                    ["*"],
                ),
            ],
        }),
        planned: (view) => [{ name: "workload-boundary", policy: view.boundary }],
        unguarded: (view) => [
            allow(
                "S3StackObjects",
                ["s3:GetObject", "s3:PutObject"],
                perStack(view, (p) => `arn:${view.partition}:s3:::${p}*/*`),
            ),
        ],
    },
    {
        what: "7. delete an object version of the landed data",
        accounts: "data-platform",
        request: (view) => ({
            principal: view.deployer.arn,
            action: "s3:DeleteObjectVersion",
            resource: `arn:${view.partition}:s3:::tracking-${stacksOf(view)[0]}-landing-${view.account}-${view.region}/user-events/2026/01/01/part-0.gz`,
            resourceAccount: view.account,
        }),
        unguarded: (view) => [
            allow(
                "S3StackObjects",
                ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"],
                perStack(view, (p) => `arn:${view.partition}:s3:::${p}*/*`),
            ),
        ],
    },
    {
        what: "7. overwrite the landed data",
        accounts: "data-platform",
        request: (view) => ({
            principal: view.deployer.arn,
            action: "s3:PutObject",
            resource: `arn:${view.partition}:s3:::tracking-${stacksOf(view)[0]}-landing-${view.account}-${view.region}/user-events/2026/01/01/part-0.gz`,
            resourceAccount: view.account,
        }),
        unguarded: (view) => [
            allow(
                "S3StackObjects",
                ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"],
                perStack(view, (p) => `arn:${view.partition}:s3:::${p}*/*`),
            ),
        ],
    },
];

function decideAs(
    abuse: Abuse,
    request: Request,
    identity: IdentityPolicy[],
    resourcePolicy: unknown,
): Promise<Decision> | Decision {
    return abuse.requestTagsOnParent
        ? decideUnvalidated(request, identity, resourcePolicy)
        : decide(request, identity, resourcePolicy);
}

describe("bootstrap: abuse of a CI role, denied on the planned policies and allowed without the guard", function () {
    let views: AccountView[];

    before(async function () {
        views = await accounts();
    });

    for (const abuse of ABUSES) {
        it(abuse.what, async function () {
            let asked = 0;
            for (const view of views.filter(
                (v) => abuse.accounts === undefined || v.config["tracking-bootstrap:accountRole"] === abuse.accounts,
            )) {
                const request = abuse.request(view);
                const resourcePolicy = abuse.resourcePolicy?.(view, views);
                const planned = await decideAs(
                    abuse,
                    request,
                    abuse.planned?.(view) ?? view.deployer.policies,
                    resourcePolicy,
                );
                const fixture = [
                    { name: "unguarded", policy: { Version: "2012-10-17", Statement: abuse.unguarded(view) } },
                ];
                const before = await decideAs(
                    abuse,
                    request,
                    fixture,
                    abuse.unguardedResourcePolicy?.(view) ?? resourcePolicy,
                );
                expect(
                    before,
                    `${view.bootstrapStack}: the fixture allows it (the request reaches the grant)`,
                ).to.equal("Allowed");
                expect(planned, `${view.bootstrapStack}: the planned policies deny it`).to.not.equal("Allowed");
                asked++;
            }
            expect(asked, "accounts asked").to.be.greaterThan(0);
        });
    }
});

type Role = "deployer" | "previewer" | "driftReader";

/** Who tries to assume which role, and the trust statement as it read before the guard (the fixture). */
interface TrustAbuse {
    readonly what: string;
    readonly role: Role;
    readonly request: (view: AccountView) => Request;
    readonly unguarded: (view: AccountView) => unknown;
}

const repositoryOf = (view: AccountView) => view.config["tracking-bootstrap:githubRepository"];
const branchOf = (view: AccountView) => view.config["tracking-bootstrap:deployBranch"] ?? "main";
const providerOf = (view: AccountView) =>
    `arn:${view.partition}:iam::${view.account}:oidc-provider/${GITHUB_OIDC_HOST}`;
const token = (view: AccountView, role: Role, sub: string): Request => ({
    principal: providerOf(view),
    action: "sts:AssumeRoleWithWebIdentity",
    resource: view[role].arn,
    resourceAccount: view.account,
    context: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: sub },
});
const githubTrust = (view: AccountView, subjects: string[]) => ({
    Version: "2012-10-17",
    Statement: [
        allowAssumeRole("GitHubSubjects", { Federated: providerOf(view) }, "sts:AssumeRoleWithWebIdentity", {
            StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: subjects },
        }),
    ],
});
const branchSubject = (view: AccountView) => `repo:${repositoryOf(view)}:ref:refs/heads/${branchOf(view)}`;

const TRUST_ABUSES: readonly TrustAbuse[] = [
    {
        what: "3. an unreviewed pull request's token assumes the previewer, which decrypts every stack secret with the state key",
        role: "previewer",
        request: (view) => token(view, "previewer", `repo:${repositoryOf(view)}:pull_request`),
        unguarded: (view) => githubTrust(view, [`repo:${repositoryOf(view)}:pull_request`, branchSubject(view)]),
    },
    ...(["deployer", "previewer", "driftReader"] as const).map((role): TrustAbuse => ({
        what: `4. any workflow on the deploy branch, without the role's environment, assumes the ${role}`,
        role,
        request: (view) => token(view, role, branchSubject(view)),
        unguarded: (view) => githubTrust(view, [branchSubject(view)]),
    })),
    {
        what: "4. any MFA session of the other account (not a named administrator) assumes the deployer with the ExternalId",
        role: "deployer",
        request: (view) => ({
            principal: `arn:${view.partition}:iam::${view.config["tracking-bootstrap:otherAccountId"]}:role/intern`,
            action: "sts:AssumeRole",
            resource: view.deployer.arn,
            resourceAccount: view.account,
            context: {
                "sts:ExternalId": view.config["tracking-bootstrap:externalId"],
                "aws:MultiFactorAuthPresent": "true",
            },
        }),
        unguarded: (view) => ({
            Version: "2012-10-17",
            Statement: [
                allowAssumeRole(
                    "AnyMfaSessionOfOtherAccount",
                    { AWS: `arn:${view.partition}:iam::${view.config["tracking-bootstrap:otherAccountId"]}:root` },
                    "sts:AssumeRole",
                    {
                        StringEquals: { "sts:ExternalId": view.config["tracking-bootstrap:externalId"] },
                        Bool: { "aws:MultiFactorAuthPresent": "true" },
                    },
                ),
            ],
        }),
    },
];

/** A person's own account lets them call sts:AssumeRole; the trust policy is what is being judged. */
const mayAssumeRoles: IdentityPolicy[] = [
    {
        name: "may-assume-roles",
        policy: { Version: "2012-10-17", Statement: [allow("AssumeAnyRole", ["sts:AssumeRole"], ["*"])] },
    },
];

describe("bootstrap: a CI token or a person reaching a role not theirs, denied by the planned trust and allowed by the unguarded one", function () {
    let views: AccountView[];

    before(async function () {
        views = await accounts();
    });

    for (const abuse of TRUST_ABUSES) {
        it(abuse.what, function () {
            for (const view of views) {
                const request = abuse.request(view);
                const identity = request.action === "sts:AssumeRole" ? mayAssumeRoles : [];
                expect(
                    decideAssume(request, abuse.unguarded(view), identity),
                    `${view.bootstrapStack}: the fixture admits it`,
                ).to.equal("Allowed");
                expect(
                    decideAssume(request, view[abuse.role].trust, identity),
                    `${view.bootstrapStack}: the planned trust refuses it`,
                ).to.equal("ImplicitlyDenied");
            }
        });
    }

    it("3. the previewer, which a pull request reaches only through the reviewed environment, is the one role that decrypts state for a preview", async function () {
        for (const view of views) {
            const bucket = stateBucket(view);
            const key = `arn:${view.partition}:kms:${view.region}:${stateAccount(view)}:key/0b0b0b0b-0000-4000-8000-000000000000`;
            const keyPolicy = resourcePolicyFor(
                key,
                { "ForAnyValue:StringEquals": { "kms:ResourceAliases": [STATE_KEY_ALIAS] } },
                views.find((v) => v.account === stateAccount(view)) ?? view,
                views,
            );
            const decrypt = await decide(
                {
                    principal: view.previewer.arn,
                    action: "kms:Decrypt",
                    resource: key,
                    resourceAccount: stateAccount(view),
                    context: { "kms:ResourceAliases": [STATE_KEY_ALIAS] },
                },
                view.previewer.policies,
                keyPolicy,
            );
            expect(
                decrypt,
                `${view.bootstrapStack}: the previewer decrypts state (${bucket}), so only the reviewed environment may assume it`,
            ).to.equal("Allowed");
            const subjects = view.previewer.trust.Statement.flatMap((st) =>
                [st.Condition?.StringEquals?.[`${GITHUB_OIDC_HOST}:sub`] ?? []].flat(),
            );
            expect(subjects, view.bootstrapStack).to.deep.equal([
                `repo:${repositoryOf(view)}:environment:${GITHUB_ENVIRONMENTS.previewer}`,
            ]);
        }
    });
});

describe("bootstrap: with a custom domain, the deployer changes only the API's records in the zone", function () {
    const zone = "Z0123456789ABCDEFGHIJ";
    const domain = "ingest.example.com";
    let view: AccountView;

    before(async function () {
        view = (await accounts()).find(
            (v) => v.config["tracking-bootstrap:accountRole"] === "engineering",
        ) as AccountView;
    });

    function change(names: string[], types: string[], statements: unknown[]): Promise<Decision> {
        const request: Request = {
            principal: view.deployer.arn,
            action: "route53:ChangeResourceRecordSets",
            resource: `arn:${view.partition}:route53:::hostedzone/${zone}`,
            resourceAccount: view.account,
            context: {
                "route53:ChangeResourceRecordSetsNormalizedRecordNames": names,
                "route53:ChangeResourceRecordSetsRecordTypes": types,
            },
        };
        return decide(request, [{ name: "deployer", policy: { Version: "2012-10-17", Statement: statements } }]);
    }

    it("7. not another record of the zone (the zone's apex mail, another host), yet the API's alias and its certificate's validation record", async function () {
        const scope = {
            partition: view.partition,
            region: view.region,
            account: view.account,
            otherAccount: view.config["tracking-bootstrap:otherAccountId"],
            stacks: stacksOf(view),
            hostedZoneId: zone,
            customDomainName: domain,
        };
        const planned = deployerStatements("engineering", scope);
        const unguarded = [
            allow(
                "Route53DomainZone",
                ["route53:ChangeResourceRecordSets"],
                [`arn:${view.partition}:route53:::hostedzone/${zone}`],
            ),
        ];
        for (const [names, types] of [
            [["www.example.com"], ["A"]],
            [["example.com"], ["MX"]],
            [[domain, "www.example.com"], ["A"]],
            [[domain], ["NS"]],
        ] as const) {
            expect(await change([...names], [...types], unguarded), `fixture ${names} ${types}`).to.equal("Allowed");
            expect(await change([...names], [...types], planned), `planned ${names} ${types}`).to.not.equal("Allowed");
        }
        expect(await change([domain], ["A"], planned)).to.equal("Allowed");
        expect(await change([`_0a1b2c3d.${domain}`], ["CNAME"], planned)).to.equal("Allowed");
    });
});

/**
 * What README "Residual risks" says the deployer can still do, because IAM has no condition key that
 * tells a create's tags from a later tagging call: the simulator must agree, request by request. When a
 * service gains such a key and a grant uses it, this test fails and the README row goes.
 */
describe("bootstrap: the residual risks the README lists are what the planned policies still allow", function () {
    let views: AccountView[];

    before(async function () {
        views = await accounts();
    });

    const residual: ReadonlyArray<{
        what: string;
        accounts: "engineering" | "data-platform" | "both";
        request: (view: AccountView) => Request;
        resourcePolicy?: (view: AccountView) => unknown;
    }> = [
        {
            what: "tag any KMS key of the account (kms:TagResource for tags on CreateKey)",
            accounts: "both",
            request: (view) => ({
                principal: view.deployer.arn,
                action: "kms:TagResource",
                resource: arnOf(view, "kms", FOREIGN_KEY),
                resourceAccount: view.account,
                context: { ...stackTag(view, "Request"), "aws:TagKeys": [STACK_TAG_KEY] },
            }),
            resourcePolicy: (view) => delegatingKeyPolicy(view.partition, [view.account]),
        },
        {
            what: "tag a foreign Redshift Serverless namespace (redshift-serverless:TagResource for tags on create)",
            accounts: "data-platform",
            request: (view) => ({
                principal: view.deployer.arn,
                action: "redshift-serverless:TagResource",
                resource: arnOf(view, "redshift-serverless", "namespace/0f0f0f0f-0000-4000-8000-00000000f0f0"),
                resourceAccount: view.account,
                context: { ...stackTag(view, "Request"), "aws:TagKeys": [STACK_TAG_KEY] },
            }),
        },
        {
            what: "tag a foreign REST API (PUT /tags for tags on create)",
            accounts: "engineering",
            request: (view) => ({
                principal: view.deployer.arn,
                action: "apigateway:PUT",
                resource: `arn:${view.partition}:apigateway:${view.region}::/tags/${encodeURIComponent(`arn:${view.partition}:apigateway:${view.region}::/restapis/f0f0f0f0f0`)}`,
                resourceAccount: view.account,
                context: { ...stackTag(view, "Request"), "aws:TagKeys": [STACK_TAG_KEY] },
            }),
        },
        {
            what: "tag another API's execution log group (logs:TagResource for tags on create)",
            accounts: "engineering",
            request: (view) => ({
                principal: view.deployer.arn,
                action: "logs:TagResource",
                resource: arnOf(view, "logs", "log-group:API-Gateway-Execution-Logs_f0f0f0f0f0/prod"),
                resourceAccount: view.account,
                context: { ...stackTag(view, "Request"), "aws:TagKeys": [STACK_TAG_KEY] },
            }),
        },
        {
            what: "then update a tagged foreign Redshift Serverless namespace (its admin password included)",
            accounts: "data-platform",
            request: (view) => ({
                principal: view.deployer.arn,
                action: "redshift-serverless:UpdateNamespace",
                resource: arnOf(view, "redshift-serverless", "namespace/0f0f0f0f-0000-4000-8000-00000000f0f0"),
                resourceAccount: view.account,
                context: stackTag(view, "Resource"),
            }),
        },
        {
            what: "then delete a tagged foreign REST API",
            accounts: "engineering",
            request: (view) => ({
                principal: view.deployer.arn,
                action: "apigateway:DELETE",
                resource: `arn:${view.partition}:apigateway:${view.region}::/restapis/f0f0f0f0f0`,
                resourceAccount: view.account,
                context: stackTag(view, "Resource"),
            }),
        },
        {
            what: "delete a usage limit of a foreign Redshift Serverless workgroup (the usage-limit actions have no resource type)",
            accounts: "data-platform",
            request: (view) => ({
                principal: view.deployer.arn,
                action: "redshift-serverless:DeleteUsageLimit",
                resource: "*",
                resourceAccount: view.account,
            }),
        },
        {
            what: "then delete another API's tagged execution log group",
            accounts: "engineering",
            request: (view) => ({
                principal: view.deployer.arn,
                action: "logs:DeleteLogGroup",
                resource: arnOf(view, "logs", "log-group:API-Gateway-Execution-Logs_f0f0f0f0f0/prod"),
                resourceAccount: view.account,
                context: stackTag(view, "Resource"),
            }),
        },
    ];

    for (const risk of residual) {
        it(risk.what, async function () {
            for (const view of views.filter(
                (v) => risk.accounts === "both" || v.config["tracking-bootstrap:accountRole"] === risk.accounts,
            )) {
                expect(
                    await decide(risk.request(view), view.deployer.policies, risk.resourcePolicy?.(view)),
                    view.bootstrapStack,
                ).to.equal("Allowed");
            }
        });
    }
});
