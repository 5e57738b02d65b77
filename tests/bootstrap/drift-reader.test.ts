import { expect } from "chai";
import { pipelines } from "../../shared/pipelines";
import { landingPrefix } from "../../shared/pipeline-codegen/s3-prefix";
import { PlannedResource, StackPlan } from "../../tools/plan/types";
import { applicable } from "./support/context";
import { backendAccess, READ_ONLY_BACKEND, stateAccountOf } from "./support/backend";
import { AccountView, accounts, list, PolicyDocument, RoleView } from "./support/plans";
import {
    apiKeyReads,
    bucketEncryptionOf,
    decryptVia,
    REFRESH_READ_TYPES,
    RefreshRead,
    refreshReads,
} from "./support/refresh";
import { Requirement } from "./support/requirements";
import { allowedChanges, decryptsState, deployerChangeRequests, takesLock } from "./support/changes";
import { denialOf, judgeReadOnly, PlannedCall, plannedCalls } from "./support/coverage";
import { streamingAddedCalls, streamingAdditionsMissing } from "./support/streaming";
import { samplesFor } from "./support/samples";
import { decide, Decision, Request } from "./support/simulate";
import {
    accessLevelOf,
    contextSatisfying,
    isReadLevel,
    resourceAccountOf,
    resourcePolicyFor,
} from "./support/statements";

/**
 * The drift reader, the role of the scheduled `pulumi preview --refresh --expect-no-changes`, decided by
 * iam-simulate over its planned policies together with the planned bucket and key policies: it makes
 * every read that refreshing the planned stacks makes - the previewer's reads plus the Glue job scripts
 * and the Redshift sandbox's secret value, each decrypted only through the service that holds it and
 * only for that object, and the ingestion API key's value - and nothing more: no landed data, no other
 * secret, no other use of the data key, none of the deployer's create, change or delete actions, no
 * state write. On the dev stacks with a streaming pipeline added, the deployer makes every call the
 * streaming tier adds and the drift reader every read a refresh of them makes, and none of the others.
 */

type Ask = Omit<Request, "principal">;

/** A stack name the account does not host. */
function foreignStack(view: AccountView): string {
    const hosted = JSON.parse(view.config["tracking-bootstrap:stackNames"]) as string[];
    return ["qa", "qa2", "qa3"].find((s) => !hosted.includes(s)) as string;
}

/** The role's decision, with only the context keys the action takes on that resource (as IAM does). */
async function ask(role: RoleView, request: Ask, resourcePolicy?: unknown): Promise<Decision> {
    const context = await applicable(request.action, request.resource, request.context ?? {});
    return decide({ ...request, principal: role.arn, context }, role.policies, resourcePolicy);
}

/** The data-platform plans of an account (the ones that upload scripts). */
function dataPlans(view: AccountView): StackPlan[] {
    return view.pipelines.filter((p) => p.resources.some((r) => r.type === REFRESH_READ_TYPES.object));
}

/** The admin secrets Redshift manages for the planned sandbox namespaces (manageAdminPassword). */
function managedSecretArns(plan: StackPlan): string[] {
    return plan.resources
        .filter(
            (r) =>
                r.type === "aws:redshiftserverless/namespace:Namespace" &&
                typeof r.outputs.adminPasswordSecretArn === "string",
        )
        .map((r) => String(r.outputs.adminPasswordSecretArn));
}

describe("bootstrap: the drift reader refreshes every stack and changes nothing", function () {
    let views: AccountView[];

    before(async function () {
        views = await accounts();
        expect(views.flatMap(dataPlans).length, "a planned stack uploads Glue scripts").to.be.greaterThan(0);
    });

    it("is allowed every Read and List call of every planned resource, where a key or bucket policy decides too", async function () {
        // A refresh reads each resource back with its provider's Read: these calls, on the planned ARNs.
        const denied: string[] = [];
        let checked = 0;
        for (const view of views) {
            for (const call of plannedCalls(view)) {
                if (
                    call.requirement.notOnRefresh !== undefined ||
                    !isReadLevel(await accessLevelOf(call.requirement.action))
                )
                    continue;
                checked++;
                const denial = await denialOf(view.driftReader, call);
                if (denial) denied.push(denial);
            }
        }
        expect(
            denied,
            `${denied.length} of ${checked} planned read calls are denied to the drift reader`,
        ).to.deep.equal([]);
        expect(checked).to.be.greaterThan(50);
    });

    it("makes every refresh-only read of the planned stacks: the Glue scripts (HeadObject, tags), their decryption, the API key's value", async function () {
        const denied: string[] = [];
        const kinds = new Set<string>();
        for (const view of views) {
            for (const plan of view.pipelines) {
                for (const read of refreshReads(plan)) {
                    kinds.add(
                        `${read.request.action} ${String(read.request.context?.["kms:ViaService"] ?? "")}`.trim(),
                    );
                    const asDriftReader = await ask(view.driftReader, read.request, read.resourcePolicy);
                    if (asDriftReader !== "Allowed") denied.push(`drift reader: ${read.label} (${asDriftReader})`);
                    // The deployer holds every refresh-only read too (it refreshes after each change).
                    const asDeployer = await ask(view.deployer, read.request, read.resourcePolicy);
                    if (asDeployer !== "Allowed") denied.push(`deployer: ${read.label} (${asDeployer})`);
                }
            }
        }
        expect(denied).to.deep.equal([]);
        const region = views[0].region;
        expect([...kinds].sort()).to.deep.equal(
            [
                "apigateway:GET",
                "kms:Decrypt s3." + region + ".amazonaws.com",
                "s3:GetObject",
                "s3:GetObjectTagging",
            ].sort(),
        );
    });

    it("reads the ingestion API key's value as a refresh does (GetApiKey, GetUsagePlanKey on the planned ids), and so does the deployer", async function () {
        const denied: string[] = [];
        const calls = new Set<string>();
        for (const view of views) {
            for (const plan of view.pipelines) {
                for (const read of apiKeyReads(plan)) {
                    calls.add(read.request.resource.includes("/keys/") ? "GetUsagePlanKey" : "GetApiKey");
                    for (const role of [view.driftReader, view.deployer]) {
                        const decision = await ask(role, read.request, read.resourcePolicy);
                        if (decision !== "Allowed") denied.push(`${role.name}: ${read.label} (${decision})`);
                    }
                }
            }
        }
        expect(denied).to.deep.equal([]);
        expect([...calls].sort(), "reads of the planned API key and usage plan key").to.deep.equal([
            "GetApiKey",
            "GetUsagePlanKey",
        ]);
    });

    it("reads no landed data, no raw backup, nothing of the Glue bucket but its scripts, and no other stack's or project's bucket", async function () {
        const allowed: string[] = [];
        let checked = 0;
        for (const view of views) {
            for (const plan of dataPlans(view)) {
                const objects = plan.resources.filter((r) => r.type === REFRESH_READ_TYPES.object);
                const glueBuckets = new Set(objects.map((o) => String(o.inputs.bucket)));
                const folders = pipelines.map((def) => landingPrefix(def));
                const buckets = plan.resources
                    .filter((r) => r.type === "aws:s3/bucket:Bucket")
                    .map((b) => String(b.outputs.bucket ?? b.inputs.bucket));
                const s3 = (bucket: string, key: string) => `arn:${view.partition}:s3:::${bucket}/${key}`;
                const samples: string[] = [];
                for (const bucket of buckets.filter((b) => !glueBuckets.has(b))) {
                    // The landing and raw buckets: every pipeline's data folder, and the script keys themselves.
                    for (const folder of folders) samples.push(s3(bucket, `${folder}2026/01/01/00/part-0000.json.gz`));
                    for (const object of objects) samples.push(s3(bucket, String(object.inputs.key)));
                }
                for (const bucket of glueBuckets) {
                    for (const def of pipelines) samples.push(s3(bucket, `temp/${def.name}/part-0000.parquet`));
                    samples.push(s3(bucket, "load_to_redshift.py"), s3(bucket, "scripts-old/load_to_redshift.py"));
                    const stackPrefix = /^tracking-[a-z0-9]+-/.exec(bucket)?.[0] ?? "";
                    for (const object of objects) {
                        samples.push(
                            s3(
                                bucket.replace(stackPrefix, `tracking-${foreignStack(view)}-`),
                                String(object.inputs.key),
                            ),
                        );
                        samples.push(s3(bucket.replace(stackPrefix, "acme-"), String(object.inputs.key)));
                    }
                }
                for (const resource of samples) {
                    for (const action of ["s3:GetObject", "s3:GetObjectTagging", "s3:GetObjectVersion"]) {
                        checked++;
                        if (
                            (await ask(view.driftReader, { action, resource, resourceAccount: plan.account })) ===
                            "Allowed"
                        )
                            allowed.push(`${action} on ${resource}`);
                    }
                }
                // Its own script, by version: a refresh reads the current object only.
                for (const object of objects) {
                    checked++;
                    const resource = s3(String(object.inputs.bucket), String(object.inputs.key));
                    if (
                        (await ask(view.driftReader, {
                            action: "s3:GetObjectVersion",
                            resource,
                            resourceAccount: plan.account,
                        })) === "Allowed"
                    )
                        allowed.push(`s3:GetObjectVersion on ${resource}`);
                }
            }
        }
        expect(allowed).to.deep.equal([]);
        expect(checked).to.be.greaterThan(30);
    });

    it("reads no secret value: not the sandbox's Redshift-managed admin secret, nor any other", async function () {
        const allowed: string[] = [];
        let checked = 0;
        for (const view of views) {
            for (const plan of dataPlans(view)) {
                const secrets = managedSecretArns(plan);
                for (const secretArn of secrets) {
                    for (const resource of [secretArn, secretArn.replace(/-[A-Za-z0-9]{6}$/, "-other-AbCdEf")]) {
                        for (const action of [
                            "secretsmanager:GetSecretValue",
                            "secretsmanager:PutSecretValue",
                            "secretsmanager:UpdateSecret",
                            "secretsmanager:DeleteSecret",
                            "secretsmanager:RotateSecret",
                        ]) {
                            checked++;
                            if (
                                (await ask(view.driftReader, { action, resource, resourceAccount: plan.account })) ===
                                "Allowed"
                            )
                                allowed.push(`${action} on ${resource}`);
                        }
                    }
                }
            }
        }
        expect(allowed).to.deep.equal([]);
        expect(checked, "a planned sandbox has a Redshift-managed admin secret").to.be.greaterThan(0);
    });

    it("uses the data key only to decrypt, only through S3 for a Glue bucket", async function () {
        const allowed: string[] = [];
        let checked = 0;
        const check = async (view: AccountView, label: string, attempt: Omit<RefreshRead, "label">) => {
            checked++;
            if ((await ask(view.driftReader, attempt.request, attempt.resourcePolicy)) === "Allowed")
                allowed.push(label);
        };
        for (const view of views) {
            for (const plan of dataPlans(view)) {
                const objects = plan.resources.filter((r) => r.type === REFRESH_READ_TYPES.object);
                const glueBucket = String(objects[0]?.inputs.bucket ?? "");
                const bucketArn = (bucket: string) => `arn:${view.partition}:s3:::${bucket}`;
                const { keyArn } = bucketEncryptionOf(plan, glueBucket);
                const otherBuckets = plan.resources
                    .filter((r) => r.type === "aws:s3/bucket:Bucket")
                    .map((b) => String(b.outputs.bucket ?? b.inputs.bucket))
                    .filter((b) => b !== glueBucket);
                expect(
                    otherBuckets.length,
                    `${plan.project}: the landing and raw buckets share the data key`,
                ).to.be.greaterThan(0);
                for (const bucket of otherBuckets) {
                    await check(
                        view,
                        `Decrypt through S3 for ${bucket}`,
                        decryptVia(plan, keyArn, "s3", { "aws:s3:arn": bucketArn(bucket) }),
                    );
                }
                await check(view, "Decrypt through S3 without a bucket context", decryptVia(plan, keyArn, "s3", {}));
                for (const service of ["kinesis", "logs", "glue", "redshift-serverless"]) {
                    await check(
                        view,
                        `Decrypt through ${service} for the Glue bucket`,
                        decryptVia(plan, keyArn, service, { "aws:s3:arn": bucketArn(glueBucket) }),
                    );
                }
                const secretArn =
                    managedSecretArns(plan)[0] ??
                    `arn:${view.partition}:secretsmanager:${plan.region}:${plan.account}:secret:none-abcdef`;
                await check(
                    view,
                    "Decrypt through Secrets Manager for the sandbox's admin secret",
                    decryptVia(plan, keyArn, "secretsmanager", { SecretARN: secretArn }),
                );
                await check(
                    view,
                    "Decrypt through Secrets Manager without a secret context",
                    decryptVia(plan, keyArn, "secretsmanager", {}),
                );
                await check(
                    view,
                    "Decrypt through S3 with the sandbox secret's context",
                    decryptVia(plan, keyArn, "s3", { SecretARN: secretArn }),
                );
                // Called directly, not through a service: the key's tags, nothing else.
                const direct = decryptVia(plan, keyArn, "s3", { "aws:s3:arn": bucketArn(glueBucket) });
                const directContext = Object.fromEntries(
                    Object.entries(direct.request.context ?? {}).filter(([k]) => !k.startsWith("kms:")),
                );
                await check(view, "Decrypt called directly", {
                    ...direct,
                    request: { ...direct.request, context: directContext },
                });
                // Never encrypt or create data keys, even in the very context it may decrypt in.
                for (const action of ["kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:CreateGrant"]) {
                    for (const attempt of [
                        direct,
                        decryptVia(plan, keyArn, "secretsmanager", { SecretARN: secretArn }),
                    ]) {
                        await check(view, `${action} through ${String(attempt.request.context?.["kms:ViaService"])}`, {
                            ...attempt,
                            request: { ...attempt.request, action },
                        });
                    }
                }
            }
        }
        expect(allowed).to.deep.equal([]);
        expect(checked).to.be.greaterThan(15);
    });

    it("is denied every write, tagging and permissions action of the deployer's grants, where the deployer is allowed", async function () {
        const leaks: string[] = [];
        let checked = 0;
        for (const view of views) {
            for (const asked of await deployerChangeRequests(view, views)) {
                checked++;
                const asDriftReader = await decide(
                    { ...asked.request, principal: view.driftReader.arn },
                    view.driftReader.policies,
                    asked.resourcePolicy,
                );
                // Like every preview, it decrypts the stack's secrets with the backend's key; and it decrypts a
                // refresh read through the service holding it (IAM files kms:Decrypt under Write): where
                // exactly is pinned by the data-key test above.
                const context = asked.request.context ?? {};
                const decryptsRefreshRead =
                    asked.action === "kms:Decrypt" &&
                    "kms:ViaService" in context &&
                    Object.keys(context).some((k) => k.startsWith("kms:EncryptionContext:"));
                if (asDriftReader === "Allowed" && !decryptsState(asked) && !takesLock(asked) && !decryptsRefreshRead)
                    leaks.push(`${view.bootstrapStack}: ${asked.action} on ${asked.sample}`);
            }
        }
        expect(leaks, "non-read requests the drift reader is allowed").to.deep.equal([]);
        expect(checked, "requests checked").to.be.greaterThan(200);
    });

    it("is denied every create, change and delete call of every planned resource (decrypting a refresh read aside)", async function () {
        const refreshTypes: readonly string[] = Object.values(REFRESH_READ_TYPES);
        // IAM files kms:Decrypt under Write; for these types it is the refresh read itself (pinned above).
        const isRefreshDecrypt = (requirement: Requirement, r: PlannedResource) =>
            requirement.action === "kms:Decrypt" && refreshTypes.includes(r.type);
        const checks = await Promise.all(views.map((view) => allowedChanges(view, view.driftReader, isRefreshDecrypt)));
        expect(checks.flatMap((c) => c.leaks)).to.deep.equal([]);
        expect(checks.reduce((sum, c) => sum + c.checked, 0)).to.be.greaterThan(100);
    });

    it("holds nothing beyond the previewer's but refresh-only reads that a planned refresh makes, each one the deployer holds too", async function () {
        const problems: string[] = [];
        let extras = 0;
        for (const view of views) {
            const previewerStatements = view.previewer.policies.flatMap((p) => (p.policy as PolicyDocument).Statement);
            const previewerActions = (sid: string | undefined) =>
                new Set(previewerStatements.filter((s) => s.Sid === sid).flatMap((s) => list(s.Action)));
            const reads = view.pipelines.flatMap(refreshReads);
            for (const statement of view.driftReader.policies.flatMap((p) => (p.policy as PolicyDocument).Statement)) {
                const beyond = list(statement.Action).filter((a) => !previewerActions(statement.Sid).has(a));
                if (beyond.length === 0) continue;
                extras++;
                const where = `${view.bootstrapStack} drift reader ${statement.Sid}`;
                if (statement.Effect !== "Allow") problems.push(`${where}: not an Allow`);
                for (const action of beyond) {
                    const level = await accessLevelOf(action);
                    // A read, or a decryption pinned to one service and one encryption context.
                    const pinnedDecrypt =
                        action === "kms:Decrypt" &&
                        JSON.stringify(statement.Condition ?? {}).includes("kms:ViaService") &&
                        JSON.stringify(statement.Condition ?? {}).includes("kms:EncryptionContext:");
                    if (!isReadLevel(level) && !pinnedDecrypt)
                        problems.push(`${where}: ${action} (${level}) is neither a read nor a pinned decryption`);
                    // Used: some read a planned refresh makes is allowed by this statement alone.
                    const alone = [
                        {
                            name: String(statement.Sid),
                            policy: { Version: "2012-10-17", Statement: [{ ...statement, Action: [action] }] },
                        },
                    ];
                    let used = false;
                    for (const read of reads.filter((r) => r.request.action === action)) {
                        const context = await applicable(
                            read.request.action,
                            read.request.resource,
                            read.request.context ?? {},
                        );
                        if (
                            (await decide(
                                { ...read.request, principal: view.driftReader.arn, context },
                                alone,
                                read.resourcePolicy,
                            )) === "Allowed"
                        )
                            used = true;
                    }
                    if (!used) problems.push(`${where}: ${action} serves no read a planned refresh makes`);
                    // The deployer may do the same, the previewer not, on every resource the statement names.
                    for (const resource of list(statement.Resource)) {
                        for (const sample of await samplesFor(action, resource)) {
                            const request = {
                                action,
                                resource: sample,
                                resourceAccount: resourceAccountOf(sample, view),
                                context: await applicable(action, sample, contextSatisfying(statement.Condition ?? {})),
                            };
                            const policy = resourcePolicyFor(sample, statement.Condition ?? {}, view, views);
                            const decisions = {
                                driftReader: await decide(
                                    { ...request, principal: view.driftReader.arn },
                                    view.driftReader.policies,
                                    policy,
                                ),
                                deployer: await decide(
                                    { ...request, principal: view.deployer.arn },
                                    view.deployer.policies,
                                    policy,
                                ),
                                previewer: await decide(
                                    { ...request, principal: view.previewer.arn },
                                    view.previewer.policies,
                                    policy,
                                ),
                            };
                            if (
                                decisions.driftReader !== "Allowed" ||
                                decisions.deployer !== "Allowed" ||
                                decisions.previewer === "Allowed"
                            ) {
                                problems.push(`${where}: ${action} on ${sample}: ${JSON.stringify(decisions)}`);
                            }
                        }
                    }
                }
            }
        }
        expect(problems).to.deep.equal([]);
        expect(
            extras,
            "refresh-only statements (the data-platform account's scripts and secret, the engineering account's API key)",
        ).to.be.greaterThan(0);
    });

    it("reads the stacks' state and takes their lock, but writes no state", async function () {
        let checked = 0;
        for (const view of views) {
            const state = stateAccountOf(view);
            if (state === undefined) continue;
            expect(await backendAccess(view, views, view.driftReader, state), view.bootstrapStack).to.deep.equal(
                READ_ONLY_BACKEND,
            );
            checked++;
        }
        expect(checked, "bootstrap stacks using the shared backend").to.be.greaterThan(0);
    });
});

describe("bootstrap: the deployer and the drift reader on what a streaming pipeline adds to the plan", function () {
    this.timeout(300_000);
    let added: { view: AccountView; calls: PlannedCall[] }[];

    before(async function () {
        added = await streamingAddedCalls();
    });

    it("judges the stream view, both streaming roles and their policies, the Kinesis and STS endpoints and handing the Redshift role to Redshift", function () {
        expect(streamingAdditionsMissing(added.flatMap((a) => a.calls))).to.deep.equal([]);
    });

    it("the deployer is allowed every call the streaming tier adds", async function () {
        const denied: string[] = [];
        for (const { view, calls } of added) {
            for (const call of calls) {
                const denial = await denialOf(view.deployer, call);
                if (denial) denied.push(denial);
            }
        }
        expect(denied).to.deep.equal([]);
    });

    it("the drift reader is allowed every Read and List call a refresh of them makes, and refused every create, change and delete call", async function () {
        const judged = await Promise.all(
            added.map(({ view, calls }) =>
                judgeReadOnly(view.driftReader, calls, (call) => call.requirement.notOnRefresh === undefined),
            ),
        );
        expect(
            judged.flatMap((j) => j.refusedReads),
            "added reads refused to the drift reader",
        ).to.deep.equal([]);
        expect(
            judged.flatMap((j) => j.allowedChanges),
            "added changes allowed to the drift reader",
        ).to.deep.equal([]);
        expect(
            judged.reduce((sum, j) => sum + j.reads, 0),
            "added reads (roles, policies, endpoints)",
        ).to.be.greaterThan(5);
        expect(
            judged.reduce((sum, j) => sum + j.changes, 0),
            "added changes (creates, deletes, the view's SQL)",
        ).to.be.greaterThan(5);
    });
});
