import { expect } from "chai";
import { allow } from "../../shared/iam";
import { firehoseRoleName, resourceName } from "../../shared/naming";
import { pipelines } from "../../shared/pipelines";
import { StackPlan } from "../../tools/plan/types";
import {
    bucketPolicyOf,
    DATA_PLATFORM,
    devPlan,
    ENGINEERING,
    finalPlan,
    firstDeployPass,
    findBy,
    inlinePoliciesOf,
    keyPolicyOf,
    objectKeyUnder,
    roleTagsOf,
    TYPES,
} from "./support/plan";
import type { PolicyDocument } from "../support/policy-document";
import { AccessRequest, decide, Decision, PolicySet } from "./support/simulate";

/**
 * Who can reach the landed data, decided by iam-simulate over the policies the plan would deploy: the
 * bucket and key policies come from the data-platform plan (both its first-deploy pass, before the
 * engineering stack exists, and its second pass, which checks engineering's export), the Firehose roles' identity
 * policies from the engineering plan, the Glue roles' from the data-platform plan. A cross-account write
 * needs the bucket policy AND the key policy AND the role's identity policy to allow it.
 */

interface Buckets {
    readonly landing: string;
    readonly raw: string;
    readonly glue: string;
}

interface Grants {
    readonly label: string;
    readonly plan: StackPlan;
    readonly bucketPolicies: Record<keyof Buckets, PolicyDocument>;
    readonly keyPolicy: PolicyDocument;
}

describe("data-platform: access to the landed data, simulated over the planned policies", function () {
    let eng: StackPlan;
    let dp: StackPlan;
    let passes: Grants[];
    let names: Buckets;
    let arns: Buckets;
    let keyArn: string;
    let dataAccount: string;
    let engineeringAccount: string;
    let region: string;
    let exported: Record<
        string,
        { prefix: string; errorPrefix: string; rawBackupPrefix: string; firehoseRoleArn: string }
    >;

    before(async () => {
        const result = await devPlan();
        eng = finalPlan(result, ENGINEERING);
        dp = finalPlan(result, DATA_PLATFORM);
        const first = firstDeployPass(result).plan;
        dataAccount = dp.account;
        engineeringAccount = eng.account;
        region = dp.region;
        keyArn = String(dp.outputs.dataKeyArn);
        names = {
            landing: String(dp.outputs.landingBucketName),
            raw: String(dp.outputs.rawBucketName),
            glue: String(dp.outputs.glueBucketName),
        };
        arns = {
            landing: String(dp.outputs.landingBucketArn),
            raw: String(dp.outputs.rawBucketArn),
            glue: `arn:aws:s3:::${names.glue}`,
        };
        exported = dp.outputs.pipelines as typeof exported;
        expect(String(first.outputs.dataKeyArn), "both passes plan the same key").to.equal(keyArn);
        passes = [first, dp].map((plan, index) => ({
            label: index === 0 ? "first deploy" : "second pass",
            plan,
            bucketPolicies: {
                landing: bucketPolicyOf(plan, names.landing),
                raw: bucketPolicyOf(plan, names.raw),
                glue: bucketPolicyOf(plan, names.glue),
            },
            keyPolicy: keyPolicyOf(plan, keyArn),
        }));
        expect(pipelines.length, "the neighbour cases need two pipelines").to.be.greaterThan(1);
    });

    const neighbour = (index: number) => pipelines[(index + 1) % pipelines.length];
    const tls = { "aws:SecureTransport": "true" };
    const viaS3 = (bucketArn: string) => ({
        ...tls,
        "kms:ViaService": `s3.${region}.amazonaws.com`,
        "kms:EncryptionContext:aws:s3:arn": bucketArn,
    });

    describe("the engineering Firehose roles (cross-account)", () => {
        const firehoseRole = (name: string) => ({
            name: firehoseRoleName(dp.stack, name),
            arn: exported[name].firehoseRoleArn,
        });
        const identity = (name: string) => inlinePoliciesOf(eng, firehoseRole(name).name);
        const onBucket = (grants: Grants, bucket: keyof Buckets, policies: PolicySet["identity"]): PolicySet => ({
            identity: policies,
            resource: grants.bucketPolicies[bucket],
        });
        const onKey = (grants: Grants, policies: PolicySet["identity"]): PolicySet => ({
            identity: policies,
            resource: grants.keyPolicy,
        });
        // A planned Firehose role calls with its planned tags; any other principal with the tags given.
        const tagsOf = (principal: string): Record<string, string> => {
            const role = pipelines.map((def) => firehoseRole(def.name)).find((r) => r.arn === principal);
            return role ? roleTagsOf(eng, role.name) : {};
        };
        const put = (
            principal: string,
            objectArn: string,
            context: Record<string, string> = tls,
            principalTags = tagsOf(principal),
        ): AccessRequest => ({
            principal,
            action: "s3:PutObject",
            resource: objectArn,
            resourceAccount: dataAccount,
            context,
            principalTags,
        });
        const generateKey = (principal: string, bucketArn: string): AccessRequest => ({
            principal,
            action: "kms:GenerateDataKey",
            resource: keyArn,
            resourceAccount: dataAccount,
            context: viaS3(bucketArn),
            principalTags: tagsOf(principal),
        });

        it("uses the Firehose roles the engineering plan creates, with the ARNs data-platform pinned", () => {
            for (const def of pipelines) {
                const role = findBy(eng, TYPES.role, "name", firehoseRole(def.name).name);
                expect(role.outputs.arn, def.name).to.equal(firehoseRole(def.name).arn);
            }
        });

        it("may write its own data and error prefixes over TLS: bucket policy, key policy and identity policy all allow", async () => {
            for (const grants of passes) {
                for (const def of pipelines) {
                    const role = firehoseRole(def.name);
                    for (const prefix of [exported[def.name].prefix, exported[def.name].errorPrefix]) {
                        const objectArn = `${arns.landing}/${objectKeyUnder(prefix)}`;
                        expect(
                            await decide(put(role.arn, objectArn), onBucket(grants, "landing", identity(def.name))),
                            `${grants.label}: ${def.name} PutObject ${objectArn}`,
                        ).to.equal("Allowed");
                    }
                    expect(
                        await decide(generateKey(role.arn, arns.landing), onKey(grants, identity(def.name))),
                        `${grants.label}: ${def.name} GenerateDataKey`,
                    ).to.equal("Allowed");
                    const decrypt = { ...generateKey(role.arn, arns.landing), action: "kms:Decrypt" };
                    expect(
                        await decide(decrypt, onKey(grants, identity(def.name))),
                        `${grants.label}: ${def.name} Decrypt (multipart)`,
                    ).to.equal("Allowed");
                }
            }
        });

        it("may not write the other pipeline's prefixes", async () => {
            for (const grants of passes) {
                for (const [index, def] of pipelines.entries()) {
                    const other = neighbour(index);
                    for (const prefix of [exported[other.name].prefix, exported[other.name].errorPrefix]) {
                        const request = put(firehoseRole(def.name).arn, `${arns.landing}/${objectKeyUnder(prefix)}`);
                        expect(
                            await decide(request, onBucket(grants, "landing", identity(def.name))),
                            `${grants.label}: ${def.name} -> ${prefix}`,
                        ).to.equal("ImplicitlyDenied");
                        // Even with an identity policy that allowed it, the bucket policy refuses.
                        const wideIdentity = [
                            {
                                name: "wide",
                                policy: {
                                    Version: "2012-10-17",
                                    Statement: [allow("PutAnyLandingObject", ["s3:PutObject"], [`${arns.landing}/*`])],
                                },
                            },
                        ];
                        expect(
                            await decide(request, onBucket(grants, "landing", wideIdentity)),
                            `${grants.label}: bucket policy alone, ${def.name} -> ${prefix}`,
                        ).to.equal("ImplicitlyDenied");
                    }
                }
            }
        });

        it("may not write another bucket, nor use the key for one", async () => {
            for (const grants of passes) {
                const def = pipelines[0];
                const role = firehoseRole(def.name);
                const key = objectKeyUnder(exported[def.name].prefix);
                expect(
                    await decide(put(role.arn, `${arns.glue}/${key}`), onBucket(grants, "glue", identity(def.name))),
                    `${grants.label}: glue bucket`,
                ).to.equal("ImplicitlyDenied");
                expect(
                    await decide(generateKey(role.arn, arns.glue), onKey(grants, identity(def.name))),
                    `${grants.label}: key for the glue bucket`,
                ).to.equal("ImplicitlyDenied");
                const direct = {
                    principal: role.arn,
                    action: "kms:GenerateDataKey",
                    resource: keyArn,
                    resourceAccount: dataAccount,
                    context: tls,
                };
                expect(
                    await decide(direct, onKey(grants, identity(def.name))),
                    `${grants.label}: key outside S3`,
                ).to.equal("ImplicitlyDenied");
            }
        });

        it("is refused over plain HTTP, explicitly", async () => {
            for (const grants of passes) {
                for (const def of pipelines) {
                    const request = put(
                        firehoseRole(def.name).arn,
                        `${arns.landing}/${objectKeyUnder(exported[def.name].prefix)}`,
                        { "aws:SecureTransport": "false" },
                    );
                    expect(
                        await decide(request, onBucket(grants, "landing", identity(def.name))),
                        `${grants.label}: ${def.name}`,
                    ).to.equal("ExplicitlyDenied");
                }
            }
        });

        it("refuses any other principal of the engineering account, whatever its own policies allow", async () => {
            const other = `arn:aws:iam::${engineeringAccount}:role/other`;
            for (const grants of passes) {
                for (const def of pipelines) {
                    const objectArn = `${arns.landing}/${objectKeyUnder(exported[def.name].prefix)}`;
                    // The other role carries the Firehose role's very identity policy: only the grants can stop it.
                    expect(
                        await decide(put(other, objectArn), onBucket(grants, "landing", identity(def.name))),
                        `${grants.label}: PutObject`,
                    ).to.equal("ImplicitlyDenied");
                    expect(
                        await decide(generateKey(other, arns.landing), onKey(grants, identity(def.name))),
                        `${grants.label}: GenerateDataKey`,
                    ).to.equal("ImplicitlyDenied");
                }
            }
        });

        it("admits a role to the folders of the pipeline its tag names, only if it is one of the stack's Firehose roles", async () => {
            const grants = passes[1];
            for (const [index, def] of pipelines.entries()) {
                const objectArn = `${arns.landing}/${objectKeyUnder(exported[def.name].prefix)}`;
                const wideIdentity = [
                    {
                        name: "wide",
                        policy: {
                            Version: "2012-10-17",
                            Statement: [allow("PutAnyLandingObject", ["s3:PutObject"], [`${arns.landing}/*`])],
                        },
                    },
                ];
                const tag = { ...roleTagsOf(eng, firehoseRole(def.name).name) };
                expect(Object.values(tag), `${def.name}: its Firehose role is tagged with the pipeline`).to.include(
                    def.name,
                );
                // A role named outside the stack's Firehose role pattern gets nothing, whatever its tags say.
                const lookalike = `arn:aws:iam::${engineeringAccount}:role/${resourceName(dp.stack, def.name, "firehose-copy")}`;
                expect(
                    await decide(put(lookalike, objectArn, tls, tag), onBucket(grants, "landing", wideIdentity)),
                    `${def.name}: lookalike role`,
                ).to.equal("ImplicitlyDenied");
                // The bucket policy alone: another pipeline's Firehose role, wide identity policy, is refused this folder.
                const other = firehoseRole(neighbour(index).name).arn;
                expect(
                    await decide(put(other, objectArn), onBucket(grants, "landing", wideIdentity)),
                    `${neighbour(index).name} -> ${def.name}`,
                ).to.equal("ImplicitlyDenied");
                // An untagged Firehose role matches no folder.
                expect(
                    await decide(
                        put(firehoseRole(def.name).arn, objectArn, tls, {}),
                        onBucket(grants, "landing", wideIdentity),
                    ),
                    `${def.name}: untagged`,
                ).to.equal("ImplicitlyDenied");
            }
        });
    });

    describe("the Glue roles (same account)", () => {
        const jobRole = (name: string) => resourceName(dp.stack, name, "glue-job");
        const crawlerRole = (name: string) => resourceName(dp.stack, name, "crawler");
        const arnOf = (roleName: string) => `arn:aws:iam::${dataAccount}:role/${roleName}`;
        const grants = () => passes[1];
        const s3 = (
            roleName: string,
            action: string,
            resource: string,
            context: Record<string, string> = tls,
        ): AccessRequest => ({ principal: arnOf(roleName), action, resource, resourceAccount: dataAccount, context });
        const ask = (roleName: string, request: AccessRequest, bucket?: keyof Buckets): Promise<Decision> =>
            decide(request, {
                identity: inlinePoliciesOf(dp, roleName),
                ...(bucket ? { resource: grants().bucketPolicies[bucket] } : {}),
            });
        const askKey = (roleName: string, action: string, bucketArn: string): Promise<Decision> =>
            decide(
                {
                    principal: arnOf(roleName),
                    action,
                    resource: keyArn,
                    resourceAccount: dataAccount,
                    context: viaS3(bucketArn),
                },
                { identity: inlinePoliciesOf(dp, roleName), resource: grants().keyPolicy },
            );
        const glueTable = (database: string, table: string) =>
            `arn:aws:glue:${region}:${dataAccount}:table/${database}/${table}`;
        const catalogOf = (name: string) =>
            (
                dp.outputs.glueCatalog as Record<
                    string,
                    { database: string; table: string; redshiftCatalogDatabase: string }
                >
            )[name];
        const landed = (name: string) =>
            `${arns.landing}/${objectKeyUnder(exported[name].prefix, "part-0001.json.gz")}`;

        it("the load job reads its landed prefix and decrypts it through S3, and nothing of its neighbour's", async () => {
            for (const [index, def] of pipelines.entries()) {
                const role = jobRole(def.name);
                expect(
                    await ask(role, s3(role, "s3:GetObject", landed(def.name)), "landing"),
                    `${def.name} reads its data`,
                ).to.equal("Allowed");
                const listOwn = s3(role, "s3:ListBucket", arns.landing, {
                    ...tls,
                    "s3:prefix": `${def.name}/year=2026/`,
                });
                expect(await ask(role, listOwn, "landing"), `${def.name} lists its prefix`).to.equal("Allowed");
                expect(await askKey(role, "kms:Decrypt", arns.landing), `${def.name} decrypts landed data`).to.equal(
                    "Allowed",
                );
                const other = neighbour(index).name;
                expect(
                    await ask(role, s3(role, "s3:GetObject", landed(other)), "landing"),
                    `${def.name} reads ${other}`,
                ).to.equal("ImplicitlyDenied");
                const listOther = s3(role, "s3:ListBucket", arns.landing, { ...tls, "s3:prefix": `${other}/` });
                expect(await ask(role, listOther, "landing"), `${def.name} lists ${other}`).to.equal(
                    "ImplicitlyDenied",
                );
            }
        });

        it("the load job never writes or deletes landed data, writes only its own bad rows, and never touches the raw bucket", async () => {
            for (const [index, def] of pipelines.entries()) {
                const role = jobRole(def.name);
                for (const action of ["s3:PutObject", "s3:DeleteObject"]) {
                    expect(
                        await ask(role, s3(role, action, landed(def.name)), "landing"),
                        `${def.name} ${action}`,
                    ).to.equal("ImplicitlyDenied");
                }
                const badRows = (pipeline: string) =>
                    `${arns.landing}/_bad-rows/${pipeline}/2026/01/02/jr_1/part-00000.jsonl`;
                expect(
                    await ask(role, s3(role, "s3:PutObject", badRows(def.name)), "landing"),
                    `${def.name} sets bad rows aside`,
                ).to.equal("Allowed");
                expect(
                    await askKey(role, "kms:GenerateDataKey", arns.landing),
                    `${def.name} encrypts its bad rows`,
                ).to.equal("Allowed");
                expect(
                    await ask(role, s3(role, "s3:DeleteObject", badRows(def.name)), "landing"),
                    `${def.name} deletes bad rows`,
                ).to.equal("ImplicitlyDenied");
                const other = neighbour(index).name;
                expect(
                    await ask(role, s3(role, "s3:PutObject", badRows(other)), "landing"),
                    `${def.name} writes ${other}'s bad rows`,
                ).to.equal("ImplicitlyDenied");
                const rawObject = `${arns.raw}/${objectKeyUnder(exported[def.name].rawBackupPrefix)}`;
                expect(await ask(role, s3(role, "s3:GetObject", rawObject), "raw"), `${def.name} reads raw`).to.equal(
                    "ImplicitlyDenied",
                );
            }
        });

        it("the load job reads the script and uses its own TempDir, and nothing else of the Glue bucket", async () => {
            for (const [index, def] of pipelines.entries()) {
                const role = jobRole(def.name);
                const script = `${arns.glue}/scripts/load_to_redshift.py`;
                expect(
                    await ask(role, s3(role, "s3:GetObject", script), "glue"),
                    `${def.name} reads the script`,
                ).to.equal("Allowed");
                expect(
                    await ask(role, s3(role, "s3:PutObject", script), "glue"),
                    `${def.name} overwrites the script`,
                ).to.equal("ImplicitlyDenied");
                expect(
                    await ask(role, s3(role, "s3:GetObject", `${arns.glue}/scripts/other.py`), "glue"),
                    `${def.name} reads another script`,
                ).to.equal("ImplicitlyDenied");
                for (const action of ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]) {
                    expect(
                        await ask(role, s3(role, action, `${arns.glue}/temp/${def.name}/run-1/part-0.csv`), "glue"),
                        `${def.name} ${action} in its TempDir`,
                    ).to.equal("Allowed");
                }
                expect(
                    await askKey(role, "kms:GenerateDataKey", arns.glue),
                    `${def.name} encrypts TempDir objects`,
                ).to.equal("Allowed");
                const other = neighbour(index).name;
                expect(
                    await ask(role, s3(role, "s3:PutObject", `${arns.glue}/temp/${other}/x`), "glue"),
                    `${def.name} writes ${other}'s TempDir`,
                ).to.equal("ImplicitlyDenied");
            }
        });

        it("the load job lists and reads its prefix as the S3 reader does (recursively, from the folder down), not a sibling folder", async () => {
            for (const def of pipelines) {
                const role = jobRole(def.name);
                const list = (prefix: string) =>
                    s3(role, "s3:ListBucket", arns.landing, { ...tls, "s3:prefix": prefix });
                // --source_path is s3://<landing>/<pipeline>/: the listing starts at that folder and walks its hour folders.
                for (const prefix of [`${def.name}/`, `${def.name}/year=2026/month=11/day=25/hour=13/`]) {
                    expect(await ask(role, list(prefix), "landing"), `${def.name} lists ${prefix}`).to.equal("Allowed");
                }
                for (const prefix of ["", `${def.name}-old/`, "_firehose-errors/"]) {
                    expect(await ask(role, list(prefix), "landing"), `${def.name} lists "${prefix}"`).to.equal(
                        "ImplicitlyDenied",
                    );
                }
                const sibling = `${arns.landing}/${def.name}-old/year=2026/part-0001.json.gz`;
                expect(
                    await ask(role, s3(role, "s3:GetObject", sibling), "landing"),
                    `${def.name} reads a sibling folder`,
                ).to.equal("ImplicitlyDenied");
            }
        });

        it("the load job reads S3 directly and uses only its Redshift connection; its pre-check may add partitions to its own table and start its own job", async () => {
            for (const [index, def] of pipelines.entries()) {
                const role = jobRole(def.name);
                const own = catalogOf(def.name);
                const other = catalogOf(pipelines[(index + 1) % pipelines.length].name);
                const request = (action: string, resource: string) => ({
                    principal: arnOf(role),
                    action,
                    resource,
                    resourceAccount: dataAccount,
                });
                for (const action of ["glue:GetTable", "glue:BatchCreatePartition"]) {
                    expect(
                        await ask(role, request(action, glueTable(own.database, own.table))),
                        `${def.name} ${action}`,
                    ).to.equal("Allowed");
                    if (pipelines.length > 1)
                        expect(
                            await ask(role, request(action, glueTable(other.database, other.table))),
                            `${def.name} ${action} on another table`,
                        ).to.equal("ImplicitlyDenied");
                }
                const ownJob = `arn:aws:glue:${region}:${dataAccount}:job/${resourceName(dp.stack, def.name)}-load`;
                for (const action of ["glue:GetJobRuns", "glue:StartJobRun"]) {
                    expect(await ask(role, request(action, ownJob)), `${def.name} ${action}`).to.equal("Allowed");
                    expect(
                        await ask(role, request(action, `${ownJob}-precheck`)),
                        `${def.name} ${action} on its pre-check`,
                    ).to.equal("ImplicitlyDenied");
                }
                for (const action of [
                    "glue:GetPartitions",
                    "glue:GetPartition",
                    "glue:BatchGetPartition",
                    "glue:UpdateTable",
                    "glue:BatchDeletePartition",
                ]) {
                    expect(
                        await ask(role, request(action, glueTable(own.database, own.table))),
                        `${def.name} ${action}`,
                    ).to.equal("ImplicitlyDenied");
                }
                expect(
                    await ask(
                        role,
                        request("glue:GetDatabase", `arn:aws:glue:${region}:${dataAccount}:database/${own.database}`),
                    ),
                    `${def.name} GetDatabase`,
                ).to.equal("ImplicitlyDenied");
                const connection = `arn:aws:glue:${region}:${dataAccount}:connection/${String(dp.outputs.glueConnectionName)}`;
                expect(
                    await ask(role, request("glue:GetConnection", connection)),
                    `${def.name} GetConnection`,
                ).to.equal("Allowed");
                const glueActions = inlinePoliciesOf(dp, role)
                    .flatMap((p) => p.policy.Statement)
                    .flatMap((statement) => [statement.Action ?? []].flat())
                    .filter((action) => String(action).startsWith("glue:"));
                expect(glueActions.sort(), `${def.name}: every Glue action of the job role`).to.deep.equal([
                    "glue:BatchCreatePartition",
                    "glue:GetConnection",
                    "glue:GetJobRuns",
                    "glue:GetTable",
                    "glue:StartJobRun",
                ]);
            }
        });

        it("the crawlers read their prefix, add partitions to their declared table, and catalog Redshift tables", async () => {
            for (const [index, def] of pipelines.entries()) {
                const role = crawlerRole(def.name);
                const own = catalogOf(def.name);
                const request = (action: string, resource: string) => ({
                    principal: arnOf(role),
                    action,
                    resource,
                    resourceAccount: dataAccount,
                });
                expect(
                    await ask(role, s3(role, "s3:GetObject", landed(def.name)), "landing"),
                    `${def.name} reads its data`,
                ).to.equal("Allowed");
                expect(await askKey(role, "kms:Decrypt", arns.landing), `${def.name} decrypts landed data`).to.equal(
                    "Allowed",
                );
                expect(
                    await ask(role, s3(role, "s3:PutObject", landed(def.name)), "landing"),
                    `${def.name} writes landed data`,
                ).to.equal("ImplicitlyDenied");
                expect(
                    await ask(role, s3(role, "s3:GetObject", landed(neighbour(index).name)), "landing"),
                    `${def.name} reads its neighbour`,
                ).to.equal("ImplicitlyDenied");
                expect(
                    await ask(role, request("glue:BatchCreatePartition", glueTable(own.database, own.table))),
                    `${def.name} adds partitions`,
                ).to.equal("Allowed");
                // No CreateTable in the landed database: a table-name mismatch fails the crawl instead of adding a stray table.
                expect(
                    await ask(role, request("glue:CreateTable", glueTable(own.database, "stray_table"))),
                    `${def.name} creates a landed table`,
                ).to.equal("ImplicitlyDenied");
                const other = catalogOf(neighbour(index).name);
                expect(
                    await ask(role, request("glue:BatchCreatePartition", glueTable(other.database, other.table))),
                    `${def.name} changes ${neighbour(index).name}'s table`,
                ).to.equal("ImplicitlyDenied");
                expect(
                    await ask(
                        role,
                        request(
                            "glue:CreateTable",
                            glueTable(own.redshiftCatalogDatabase, `dev_tracking_${def.table.name}`),
                        ),
                    ),
                    `${def.name} catalogs Redshift`,
                ).to.equal("Allowed");
            }
        });
    });
});
