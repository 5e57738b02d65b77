/**
 * Policy documents AWS would refuse for their size: each service's limit at its boundary, measured the way
 * the service measures it (IAM without white space, the others the whole document), IAM's per-entity
 * aggregate of inline policies, and the real plan as pipelines are added.
 *
 * The limits below are copied from the AWS documentation, not from the policy: a wrong limit in the pack
 * fails here.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { PolicyPackConfig, PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { policies } from "../../policy-pack/policies";
import {
    iamInlinePolicyAggregateSize,
    INLINE_AGGREGATES,
    measure,
    sizeLimitOf,
} from "../../policy-pack/policies/document-size";
import { pipelines } from "../../shared/pipelines";
import { raisedQuotas, syntheticPipelines } from "../../tools/bench-plan";
import { runPlan } from "../../tools/plan/runner";
import { devPlan } from "../support/dev-plan";
import { PlannedResource, StackPlan } from "../../tools/plan/types";
import {
    evaluatePlansDetailed,
    loadPackConfig,
    PolicyViolation,
    validatePackConfig,
} from "../../tools/policy/evaluate";
import { policyDocument, resource, undeterminedOf, urnOf, violationsOf } from "./fixtures";
import type { Statement } from "../support/policy-document";

const DOCUMENT_SIZE = "policy-document-size";
const AGGREGATE_SIZE = "iam-inline-policy-aggregate-size";
const SIZE_POLICIES = [DOCUMENT_SIZE, AGGREGATE_SIZE];

const ROOT = path.resolve(__dirname, "..", "..", "..");

/**
 * The most pipelines one stack holds with every policy document within its AWS limit (synthetic names of
 * 13 characters, dev stacks, service quotas raised). Bucket and key policies do not grow with the
 * pipelines; the API role's inline policy names each stream, and the plan with one more fails
 * `iam-inline-policy-aggregate-size` on it. README.md's "Limits:" paragraph states the same number.
 */
const MAX_PIPELINES_PER_STACK = 124;

function formatted(value: number): string {
    return value.toLocaleString("en-US");
}

/** The statement every padded document carries; its resource ARN takes the padding. */
function paddedStatement(padding: string): Statement {
    return {
        Sid: "Padding",
        Effect: "Allow",
        Principal: { AWS: "arn:aws:iam::111111111111:root" },
        Action: "s3:GetObject",
        Resource: `arn:aws:s3:::bucket/${padding}`,
    };
}

/**
 * A compact policy document of exactly `length` characters (no white space anywhere, so characters,
 * non-white-space characters and, for ASCII, bytes all equal `length`). `first` starts the padding, to put
 * a multi-byte character in.
 */
function documentOfLength(length: number, first = "a"): string {
    const empty = policyDocument(paddedStatement(""));
    const padding = length - empty.length;
    if (padding < 1) throw new Error(`a document cannot be shorter than ${empty.length + 1} characters`);
    const text = policyDocument(paddedStatement(first + "a".repeat(padding - 1)));
    if ([...text].length !== length) throw new Error(`built ${[...text].length} characters, wanted ${length}`);
    return text;
}

/** The same document, indented: only white space is added. */
function indented(document: string): string {
    return JSON.stringify(JSON.parse(document), null, 4);
}

interface DocumentCase {
    readonly type: string;
    readonly property: string;
    readonly maximum: number;
    /** Whether the service counts white space. */
    readonly whitespace: "counted" | "not counted";
    readonly source: string;
}

/** Each service's limit, as its documentation states it. */
const DOCUMENT_CASES: readonly DocumentCase[] = [
    {
        type: "aws:iam/policy:Policy",
        property: "policy",
        maximum: 6144,
        whitespace: "not counted",
        source: "IAM and AWS STS quotas: managed policy",
    },
    {
        type: "aws:iam/role:Role",
        property: "assumeRolePolicy",
        maximum: 2048,
        whitespace: "not counted",
        source: "IAM and AWS STS quotas: role trust policy (default)",
    },
    {
        type: "aws:s3/bucketPolicy:BucketPolicy",
        property: "policy",
        maximum: 20 * 1024,
        whitespace: "counted",
        source: "S3: bucket policies are limited to 20 KB",
    },
    {
        type: "aws:s3/bucket:Bucket",
        property: "policy",
        maximum: 20 * 1024,
        whitespace: "counted",
        source: "S3: bucket policies are limited to 20 KB",
    },
    {
        type: "aws:kms/key:Key",
        property: "policy",
        maximum: 32768,
        whitespace: "counted",
        source: "KMS: key policy up to 32 KB (32,768 bytes)",
    },
    {
        type: "aws:kms/keyPolicy:KeyPolicy",
        property: "policy",
        maximum: 32768,
        whitespace: "counted",
        source: "KMS: key policy up to 32 KB (32,768 bytes)",
    },
    {
        type: "aws:sns/topicPolicy:TopicPolicy",
        property: "policy",
        maximum: 30 * 1024,
        whitespace: "counted",
        source: "SNS policy quotas: 30 KB",
    },
    {
        type: "aws:sqs/queuePolicy:QueuePolicy",
        property: "policy",
        maximum: 8192,
        whitespace: "counted",
        source: "SQS policy quotas: 8,192 bytes",
    },
    {
        type: "aws:secretsmanager/secretPolicy:SecretPolicy",
        property: "policy",
        maximum: 20480,
        whitespace: "counted",
        source: "Secrets Manager resource policy",
    },
    {
        type: "aws:apigateway/restApiPolicy:RestApiPolicy",
        property: "policy",
        maximum: 8192,
        whitespace: "counted",
        source: "API Gateway REST quotas: resource policy length",
    },
    {
        type: "aws:cloudwatch/logResourcePolicy:LogResourcePolicy",
        property: "policyDocument",
        maximum: 5120,
        whitespace: "counted",
        source: "CloudWatch Logs resource policies: 5,120 characters",
    },
    {
        type: "aws:ec2/vpcEndpoint:VpcEndpoint",
        property: "policy",
        maximum: 20480,
        whitespace: "counted",
        source: "PrivateLink quotas: 20,480 characters including white space",
    },
];

function holding(documentCase: DocumentCase, document: string, name = "subject"): PlannedResource {
    return resource(documentCase.type, name, { [documentCase.property]: document });
}

describe("policy pack: policy-document-size (each service's limit on one document)", () => {
    for (const documentCase of DOCUMENT_CASES) {
        describe(`${documentCase.type} ${documentCase.property} (${documentCase.source})`, () => {
            it(`passes exactly ${formatted(documentCase.maximum)} and refuses one more, naming the resource, the size, the limit and the rule`, () => {
                expect(
                    violationsOf(DOCUMENT_SIZE, [holding(documentCase, documentOfLength(documentCase.maximum))]),
                ).to.deep.equal([]);
                const violations = violationsOf(DOCUMENT_SIZE, [
                    holding(documentCase, documentOfLength(documentCase.maximum + 1)),
                ]);
                expect(violations).to.have.length(1);
                expect(violations[0].urn).to.equal(urnOf(documentCase.type, "subject"));
                expect(violations[0].enforcementLevel).to.equal("mandatory");
                const message = violations[0].message;
                expect(message).to.include('"subject"').and.include(documentCase.property);
                expect(message)
                    .to.include(formatted(documentCase.maximum + 1))
                    .and.include(formatted(documentCase.maximum));
                expect(message).to.include(
                    documentCase.whitespace === "counted" ? "white space included" : "white space not counted",
                );
            });

            it(`measures white space as the service does: ${documentCase.whitespace}`, () => {
                const atLimit = indented(documentOfLength(documentCase.maximum));
                expect(atLimit.length, "the indented document is longer than its content").to.be.greaterThan(
                    documentCase.maximum,
                );
                const violations = violationsOf(DOCUMENT_SIZE, [holding(documentCase, atLimit)]);
                expect(violations).to.have.length(documentCase.whitespace === "counted" ? 1 : 0);
                if (documentCase.whitespace === "not counted") {
                    expect(
                        violationsOf(DOCUMENT_SIZE, [
                            holding(documentCase, indented(documentOfLength(documentCase.maximum + 1))),
                        ]),
                    ).to.have.length(1);
                }
            });
        });
    }

    it("counts UTF-8 bytes where the service limits bytes (KMS), and characters where it limits characters (IAM)", () => {
        // "é" is one character and two bytes: a key policy of 32,768 characters holding one is 32,769 bytes.
        const kms = DOCUMENT_CASES.find((c) => c.type === "aws:kms/key:Key") as DocumentCase;
        expect(violationsOf(DOCUMENT_SIZE, [holding(kms, documentOfLength(32767, "é"))])).to.deep.equal([]);
        const overByOneByte = violationsOf(DOCUMENT_SIZE, [holding(kms, documentOfLength(32768, "é"))]);
        expect(overByOneByte).to.have.length(1);
        expect(overByOneByte[0].message).to.include("32,769 bytes");
        const managed = DOCUMENT_CASES.find((c) => c.type === "aws:iam/policy:Policy") as DocumentCase;
        expect(violationsOf(DOCUMENT_SIZE, [holding(managed, documentOfLength(6144, "é"))])).to.deep.equal([]);
    });

    it("measures a document the program passes as an object by its JSON", () => {
        const bucketPolicy = DOCUMENT_CASES.find((c) => c.type === "aws:s3/bucketPolicy:BucketPolicy") as DocumentCase;
        const asObject = (length: number) =>
            resource(bucketPolicy.type, "subject", { policy: JSON.parse(documentOfLength(length)) });
        expect(violationsOf(DOCUMENT_SIZE, [asObject(20480)])).to.deep.equal([]);
        expect(violationsOf(DOCUMENT_SIZE, [asObject(20481)])).to.have.length(1);
    });

    it("skips a document not known at plan time, recording it as undetermined rather than as a pass or a violation", () => {
        const unknownPolicy = resource("aws:s3/bucketPolicy:BucketPolicy", "later", { policy: "<unknown>" });
        expect(violationsOf(DOCUMENT_SIZE, [unknownPolicy])).to.deep.equal([]);
        const undetermined = undeterminedOf(DOCUMENT_SIZE, [unknownPolicy]);
        expect(undetermined).to.have.length(1);
        expect(undetermined[0].message).to.include("policy");
    });

    it("takes a raised trust policy quota from config, and refuses a quota below AWS's default", () => {
        const trust = DOCUMENT_CASES.find((c) => c.type === "aws:iam/role:Role") as DocumentCase;
        const raised: PolicyPackConfig = { [DOCUMENT_SIZE]: { maximumTrustPolicyCharacters: 4096 } };
        expect(violationsOf(DOCUMENT_SIZE, [holding(trust, documentOfLength(4096))], raised)).to.deep.equal([]);
        expect(violationsOf(DOCUMENT_SIZE, [holding(trust, documentOfLength(4097))], raised)).to.have.length(1);
        const problems = validatePackConfig({ [DOCUMENT_SIZE]: { maximumTrustPolicyCharacters: 1000 } });
        expect(problems.join("\n")).to.include(`"${DOCUMENT_SIZE}".maximumTrustPolicyCharacters`);
    });
});

describe("policy pack: iam-inline-policy-aggregate-size (IAM sums an entity's inline policies)", () => {
    const ROLE = "aws:iam/role:Role";
    const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
    const TRUST = policyDocument({
        Effect: "Allow",
        Principal: { Service: "firehose.amazonaws.com" },
        Action: "sts:AssumeRole",
    });

    const role = (name: string, inlinePolicies: ReadonlyArray<{ name: string; policy: string }> = []) =>
        resource(
            ROLE,
            name,
            { name, assumeRolePolicy: TRUST, ...(inlinePolicies.length > 0 ? { inlinePolicies } : {}) },
            { id: name },
        );
    const rolePolicy = (name: string, roleName: string, policy: string) =>
        resource(ROLE_POLICY, name, { role: roleName, policy });

    const cases = [
        { entity: "role", ownerType: ROLE, policyType: ROLE_POLICY, property: "role", maximum: 10240 },
        {
            entity: "user",
            ownerType: "aws:iam/user:User",
            policyType: "aws:iam/userPolicy:UserPolicy",
            property: "user",
            maximum: 2048,
        },
        {
            entity: "group",
            ownerType: "aws:iam/group:Group",
            policyType: "aws:iam/groupPolicy:GroupPolicy",
            property: "group",
            maximum: 5120,
        },
    ];

    for (const c of cases) {
        it(`passes two ${c.entity} policies summing to exactly ${formatted(c.maximum)} and refuses one more, on the ${c.entity}`, () => {
            const half = Math.floor(c.maximum / 2);
            const owner = resource(c.ownerType, "owner", { name: "tracking-owner" }, { id: "tracking-owner" });
            const parts = (extra: number) => [
                owner,
                resource(c.policyType, "first", { [c.property]: "tracking-owner", policy: documentOfLength(half) }),
                resource(c.policyType, "second", {
                    [c.property]: "tracking-owner",
                    policy: documentOfLength(c.maximum - half + extra),
                }),
            ];
            expect(violationsOf(AGGREGATE_SIZE, parts(0))).to.deep.equal([]);
            const violations = violationsOf(AGGREGATE_SIZE, parts(1));
            expect(violations).to.have.length(1);
            expect(violations[0].urn).to.equal(urnOf(c.ownerType, "owner"));
            expect(violations[0].message)
                .to.include('"tracking-owner"')
                .and.include(formatted(c.maximum + 1))
                .and.include(formatted(c.maximum));
            expect(violations[0].message)
                .to.include(`"first"`)
                .and.include(`"second"`)
                .and.include("white space not counted");
        });
    }

    it("the aggregate is per role: two roles each under the limit pass though their sum is over", () => {
        const resources = [
            role("a"),
            role("b"),
            rolePolicy("a-policy", "a", documentOfLength(6000)),
            rolePolicy("b-policy", "b", documentOfLength(6000)),
        ];
        expect(violationsOf(AGGREGATE_SIZE, resources)).to.deep.equal([]);
    });

    it("counts a role's own inlinePolicies together with its RolePolicy resources", () => {
        const inline = [{ name: "embedded", policy: documentOfLength(6000) }];
        expect(
            violationsOf(AGGREGATE_SIZE, [role("r", inline), rolePolicy("attached", "r", documentOfLength(4240))]),
        ).to.deep.equal([]);
        const violations = violationsOf(AGGREGATE_SIZE, [
            role("r", inline),
            rolePolicy("attached", "r", documentOfLength(4241)),
        ]);
        expect(violations).to.have.length(1);
        expect(violations[0].message).to.include('inlinePolicies[0] "embedded"').and.include("10,241");
    });

    it("does not count white space: indented policies summing to 10,240 characters of content pass", () => {
        const resources = [
            role("r"),
            rolePolicy("one", "r", indented(documentOfLength(5120))),
            rolePolicy("two", "r", indented(documentOfLength(5120))),
        ];
        expect(violationsOf(AGGREGATE_SIZE, resources)).to.deep.equal([]);
    });

    it("reports on the first policy when the role is not in the stack", () => {
        const resources = [
            rolePolicy("one", "external-role", documentOfLength(6000)),
            rolePolicy("two", "external-role", documentOfLength(6000)),
        ];
        const violations = violationsOf(AGGREGATE_SIZE, resources);
        expect(violations).to.have.length(1);
        expect(violations[0].urn).to.equal(urnOf(ROLE_POLICY, "one"));
        expect(violations[0].message).to.include('"external-role"').and.include("12,000");
    });

    it("skips an inline policy not known at plan time, unless what is known is already over the limit", () => {
        const pending = [
            role("r"),
            rolePolicy("known", "r", documentOfLength(4000)),
            rolePolicy("later", "r", "<unknown>"),
        ];
        expect(violationsOf(AGGREGATE_SIZE, pending)).to.deep.equal([]);
        expect(undeterminedOf(AGGREGATE_SIZE, pending)).to.have.length(1);
        const over = [
            role("r"),
            rolePolicy("known", "r", documentOfLength(11000)),
            rolePolicy("later", "r", "<unknown>"),
        ];
        const violations = violationsOf(AGGREGATE_SIZE, over);
        expect(violations).to.have.length(1);
        expect(violations[0].message).to.include("at least 11,000");
    });

    it("records a policy whose role is not known yet as undetermined", () => {
        const resources = [rolePolicy("orphan", "<unknown>", documentOfLength(4000))];
        expect(violationsOf(AGGREGATE_SIZE, resources)).to.deep.equal([]);
        expect(undeterminedOf(AGGREGATE_SIZE, resources)).to.have.length(1);
    });

    it("during a preview pairs a policy with its role through the engine's property dependencies when the name is unknown", () => {
        // The offline evaluator has no property dependencies; CrossGuard passes them, so this drives the policy as the engine does.
        const policyResource = (
            type: string,
            name: string,
            props: Record<string, unknown>,
            propertyDependencies: Record<string, PolicyResource[]> = {},
        ) =>
            ({
                type,
                name,
                urn: urnOf(type, name),
                props,
                opts: { protect: false },
                propertyDependencies,
                dependencies: [],
            }) as unknown as PolicyResource;
        const roleResource = policyResource(ROLE, "auto-named", { assumeRolePolicy: TRUST });
        const attach = (name: string, size: number) =>
            policyResource(ROLE_POLICY, name, { policy: documentOfLength(size) }, { role: [roleResource] });
        const run = (resources: PolicyResource[]) => {
            const reported: Array<{ message: string; urn?: string }> = [];
            const args = {
                resources,
                getConfig: () => ({}),
                stackTags: new Map(),
                notApplicable: () => undefined as never,
            } as unknown as StackValidationArgs;
            iamInlinePolicyAggregateSize.validateStack(args, (message, urn) => reported.push({ message, urn }));
            return reported;
        };
        expect(run([roleResource, attach("one", 5120), attach("two", 5120)])).to.deep.equal([]);
        const reported = run([roleResource, attach("one", 5120), attach("two", 5121)]);
        expect(reported).to.have.length(1);
        expect(reported[0].urn).to.equal(urnOf(ROLE, "auto-named"));
    });
});

/** The size policies alone, with the repository's config for them: the pipeline sweep does not need the rest. */
function sizeViolations(plans: readonly StackPlan[]): PolicyViolation[] {
    const config = loadPackConfig();
    const sizeConfig = Object.fromEntries(SIZE_POLICIES.map((name) => [name, config[name]]));
    return evaluatePlansDetailed(
        plans,
        sizeConfig,
        policies.filter((p) => SIZE_POLICIES.includes(p.name)),
    ).violations;
}

const plansByCount = new Map<number, StackPlan[]>();

/**
 * Every stack plan a first deploy with `count` pipelines goes through (data-platform's first pass as well
 * as its second: both are deployed), with the declared pipelines topped up by bench-plan's synthetic copies
 * of user-events.
 */
async function plansWith(count: number): Promise<StackPlan[]> {
    const cached = plansByCount.get(count);
    if (cached !== undefined) return cached;
    const declared = pipelines.length;
    if (count === declared) return (await devPlan()).passes.map((pass) => pass.plan);
    pipelines.push(...syntheticPipelines(count - declared));
    try {
        const result = await runPlan({ stack: "dev", write: false, configOverrides: raisedQuotas(count) });
        const plans = result.passes.map((pass) => pass.plan);
        plansByCount.set(count, plans);
        return plans;
    } finally {
        pipelines.splice(declared, pipelines.length - declared);
    }
}

const API_ROLE_POLICIES = "tracking-engineering inline policies of role tracking-dev-ingest-api";
const GROWTH_FREE = [
    'tracking-data-platform aws:s3/bucketPolicy:BucketPolicy "landing" policy',
    'tracking-data-platform aws:s3/bucketPolicy:BucketPolicy "raw" policy',
    'tracking-data-platform aws:kms/key:Key "data" policy',
    'tracking-engineering aws:kms/key:Key "streams" policy',
];

interface MeasuredDocument {
    readonly label: string;
    readonly size: number;
    readonly maximum: number;
}

/** Every limited document of `plans`, measured; a role's inline policies as one sum. Keyed by pass and resource. */
function measuredDocuments(plans: readonly StackPlan[]): Map<string, MeasuredDocument> {
    const measured = new Map<string, MeasuredDocument>();
    const roleLimit = INLINE_AGGREGATES.find((a) => a.entity === "role")!.limit;
    plans.forEach((plan, pass) => {
        for (const r of plan.resources) {
            if (r.type === "aws:iam/rolePolicy:RolePolicy" && typeof r.inputs.policy === "string") {
                const key = `${pass} role ${String(r.inputs.role)}`;
                const size = (measured.get(key)?.size ?? 0) + measure(r.inputs.policy, roleLimit.unit);
                measured.set(key, {
                    label: `${plan.project} inline policies of role ${String(r.inputs.role)}`,
                    size,
                    maximum: roleLimit.maximum,
                });
                continue;
            }
            for (const property of ["policy", "assumeRolePolicy", "policyDocument"]) {
                const limit = sizeLimitOf(r.type, property);
                const document = r.inputs[property];
                if (limit === undefined || typeof document !== "string") continue;
                measured.set(`${pass} ${r.urn} ${property}`, {
                    label: `${plan.project} ${r.type} "${r.name}" ${property}`,
                    size: measure(document, limit.unit),
                    maximum: limit.maximum,
                });
            }
        }
    });
    return measured;
}

describe("policy pack: document sizes over the real plan as pipelines are added", function () {
    this.timeout(300_000);

    it("reports the API role's inline policies one pipeline past the limit, with the size IAM would see", async () => {
        const plans = await plansWith(MAX_PIPELINES_PER_STACK + 1);
        const measured = [...measuredDocuments(plans).values()].find((doc) => doc.label === API_ROLE_POLICIES)!;
        expect(measured.size, "over IAM's 10,240 characters").to.be.greaterThan(10240);
        const reported = sizeViolations(plans).filter((v) => v.policy === AGGREGATE_SIZE);
        expect(reported).to.have.length(1);
        expect(reported[0].message)
            .to.include(`${formatted(measured.size)} non-whitespace characters`)
            .and.include("10,240");
    });

    it("keeps bucket and key policies the same size whatever the pipeline count, and the rest far below their limits", async () => {
        const committed = await plansWith(pipelines.length);
        expect(sizeViolations(committed)).to.deep.equal([]);
        const now = measuredDocuments(committed);
        const later = measuredDocuments(await plansWith(MAX_PIPELINES_PER_STACK));
        const growing = [...now.entries()]
            .filter(([key, doc]) => (later.get(key)?.size ?? 0) > doc.size)
            .map(([, doc]) => doc);
        const labels = [...now.values()].map((doc) => doc.label);
        expect(labels, "the plan has the bucket and key policies").to.include.members(GROWTH_FREE);
        for (const label of GROWTH_FREE)
            expect(
                growing.map((d) => d.label),
                label,
            ).to.not.include(label);
        expect(growing.map((d) => d.label)).to.include(API_ROLE_POLICIES);
        for (const doc of growing)
            expect(doc.size, `${doc.label}: ${doc.size} of ${doc.maximum}`).to.be.at.most(doc.maximum / 4);
    });

    it(`holds ${MAX_PIPELINES_PER_STACK} pipelines per stack within every size limit; one more and the API role's inline policies are over IAM's limit`, async () => {
        expect(sizeViolations(await plansWith(MAX_PIPELINES_PER_STACK))).to.deep.equal([]);
        const violations = sizeViolations(await plansWith(MAX_PIPELINES_PER_STACK + 1));
        expect([...new Set(violations.map((v) => `${v.policy} ${v.urn}`))]).to.deep.equal([
            `${AGGREGATE_SIZE} urn:pulumi:dev::tracking-engineering::tracking:shared:IngestionApi$aws:iam/role:Role::ingest-api`,
        ]);
    });

    it("README.md states the same limit in its Limits paragraph", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const paragraph = readme.split(/\n\s*\n/).find((p) => p.startsWith("Limits:"));
        expect(paragraph, 'a paragraph starting "Limits:"').to.not.equal(undefined);
        expect(paragraph).to.include(`${MAX_PIPELINES_PER_STACK} pipelines`).and.include("API role's inline polic");
    });

    it("npm run bench's subject names the violated policies, not only their count", () => {
        const run = spawnSync(
            process.execPath,
            [path.join(ROOT, "build", "tools", "bench-plan.js"), String(MAX_PIPELINES_PER_STACK + 1)],
            { encoding: "utf8" },
        );
        expect(run.status, run.stderr).to.equal(0);
        const line = JSON.parse(run.stdout.trim()) as {
            pipelines: number;
            violations: number;
            violatedPolicies: string[];
        };
        expect(line.pipelines).to.equal(MAX_PIPELINES_PER_STACK + 1);
        expect(line.violations).to.be.greaterThan(0);
        expect(line.violatedPolicies).to.deep.equal([AGGREGATE_SIZE]);
    });
});
