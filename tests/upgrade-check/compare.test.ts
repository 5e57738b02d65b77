import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SecureBucket } from "../../shared/secure-bucket";
import { planProgram } from "../../tools/plan/runner";
import { StackPlan, UNKNOWN } from "../../tools/plan/types";
import { compareStack, failing, Finding, lookups, STATEFUL_TYPES } from "../../tools/upgrade-check/compare";
import { AllowFileError, parseAllowFile } from "../../tools/upgrade-check/allow";
import { main, report } from "../../tools/upgrade-check/cli";
import { OldRefError, readPlanDir } from "../../tools/upgrade-check/old-ref";
import { devPlan } from "../support/dev-plan";

const ACCOUNT = "111111111111";
const REGION = "eu-central-1";
const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-0000-0000-000000000000`;

/** Two versions of one stack's code, planned as `npm run plan` plans a stack. */
function plan(program: () => void): Promise<StackPlan> {
    return planProgram(program, {
        project: "upgrade-test",
        stack: "dev",
        config: { "aws:allowedAccountIds": JSON.stringify([ACCOUNT]), "aws:region": REGION },
    });
}

class Loader extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
        super("test:index:Loader", name, {}, opts);
        this.role = new aws.iam.Role(
            `${name}-role`,
            { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) },
            { parent: this },
        );
        this.registerOutputs({});
    }
}

interface Version {
    bucket?: string;
    bucketName?: string;
    bucketOpts?: pulumi.ComponentResourceOptions;
    alarm?: string;
    role?: string;
    roleOpts?: pulumi.CustomResourceOptions;
    loader?: string;
    loaderOpts?: pulumi.ComponentResourceOptions;
}

/** The fixture program: a SecureBucket, a role, a component holding a role, and an alarm (not stateful). */
function program(v: Version = {}): () => void {
    return () => {
        new SecureBucket(
            v.bucket ?? "landing",
            {
                bucketName: v.bucketName ?? "tracking-dev-landing",
                kmsKeyArn: KEY,
                lifecycleRules: [],
                noncurrentVersionExpirationDays: 30,
            },
            v.bucketOpts,
        );
        new aws.iam.Role(
            v.role ?? "crawler",
            {
                name: "tracking-dev-crawler",
                assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
            },
            v.roleOpts,
        );
        new Loader(v.loader ?? "events", v.loaderOpts);
        new aws.cloudwatch.MetricAlarm(v.alarm ?? "stale", {
            comparisonOperator: "GreaterThanThreshold",
            evaluationPeriods: 1,
            metricName: "x",
            namespace: "y",
            period: 60,
            statistic: "Maximum",
            threshold: 1,
        });
    };
}

const kinds = (findings: readonly Finding[]) => findings.map((f) => `${f.kind} ${f.oldUrn}`);

describe("upgrade check: what deploying the current code does to a stack deployed from an earlier commit", () => {
    let deployed: StackPlan;
    before(async () => {
        deployed = await plan(program());
    });

    it("finds nothing when the code is unchanged, and counts the bucket and both roles as stateful", async () => {
        const again = await plan(program());
        expect(compareStack(deployed, again)).to.deep.equal([]);
        const stateful = deployed.resources.filter((r) => r.custom && STATEFUL_TYPES[r.type]).map((r) => r.type);
        expect(stateful).to.have.members(["aws:s3/bucket:Bucket", "aws:iam/role:Role", "aws:iam/role:Role"]);
    });

    it("fails on a renamed component without aliases: its bucket would be deleted, and the message names the alias to add", async () => {
        const after = await plan(program({ bucket: "landing-events" }));
        const findings = failing(compareStack(deployed, after));
        expect(kinds(findings)).to.deep.equal([
            "deleted urn:pulumi:dev::upgrade-test::tracking:shared:SecureBucket$aws:s3/bucket:Bucket::landing",
        ]);
        expect(findings[0].message)
            .to.include("urn:pulumi:dev::upgrade-test::tracking:shared:SecureBucket::landing-events")
            .and.include('aliases: [{ name: "landing" }]');
    });

    it("passes the same rename with aliases on the component: the engine carries them to its children", async () => {
        const after = await plan(program({ bucket: "landing-events", bucketOpts: { aliases: [{ name: "landing" }] } }));
        expect(compareStack(deployed, after)).to.deep.equal([]);
        // The program gave the bucket no alias: it is found under the one its parent was found under.
        const bucket = after.resources.find((r) => r.type === "aws:s3/bucket:Bucket")!;
        const found = lookups(after, new Set(deployed.resources.map((r) => r.urn))).get(bucket.urn);
        expect(found?.takes).to.equal(
            "urn:pulumi:dev::upgrade-test::tracking:shared:SecureBucket$aws:s3/bucket:Bucket::landing",
        );
    });

    it("fails on a renamed role and passes it with its own alias", async () => {
        const renamed = await plan(program({ role: "s3-crawler" }));
        expect(kinds(failing(compareStack(deployed, renamed)))).to.deep.equal([
            "deleted urn:pulumi:dev::upgrade-test::aws:iam/role:Role::crawler",
        ]);
        const aliased = await plan(program({ role: "s3-crawler", roleOpts: { aliases: [{ name: "crawler" }] } }));
        expect(compareStack(deployed, aliased)).to.deep.equal([]);
    });

    it("renames a child with its parent when the child's name starts with the parent's (the engine's inherited alias)", async () => {
        const renamed = await plan(program({ loader: "user-events" }));
        expect(kinds(failing(compareStack(deployed, renamed)))).to.deep.equal([
            "deleted urn:pulumi:dev::upgrade-test::test:index:Loader$aws:iam/role:Role::events-role",
        ]);
        const aliased = await plan(program({ loader: "user-events", loaderOpts: { aliases: [{ name: "events" }] } }));
        expect(compareStack(deployed, aliased)).to.deep.equal([]);
    });

    it("takes over one old resource per new one, as the engine does: of two aliased roles merged into one, the second is deleted", async () => {
        const role = (name: string, opts?: pulumi.CustomResourceOptions) =>
            new aws.iam.Role(
                name,
                { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) },
                opts,
            );
        const two = await plan(() => {
            role("reader");
            role("writer");
        });
        const merged = await plan(() => role("reader-writer", { aliases: [{ name: "reader" }, { name: "writer" }] }));
        expect(kinds(failing(compareStack(two, merged)))).to.deep.equal([
            "deleted urn:pulumi:dev::upgrade-test::aws:iam/role:Role::writer",
        ]);
        // A resource that kept its own URN takes that one, whatever its aliases name.
        const kept = await plan(() => {
            role("reader", { aliases: [{ name: "writer" }] });
        });
        expect(kinds(failing(compareStack(two, kept)))).to.deep.equal([
            "deleted urn:pulumi:dev::upgrade-test::aws:iam/role:Role::writer",
        ]);
    });

    it("follows a resource moved under a new parent only with an alias naming its old parent", async () => {
        const moved = (aliases?: pulumi.Input<pulumi.Alias>[]) =>
            plan(() => {
                new SecureBucket("landing", {
                    bucketName: "tracking-dev-landing",
                    kmsKeyArn: KEY,
                    lifecycleRules: [],
                    noncurrentVersionExpirationDays: 30,
                });
                const group = new Loader("events");
                new aws.iam.Role(
                    "crawler",
                    {
                        name: "tracking-dev-crawler",
                        assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
                    },
                    { parent: group, aliases },
                );
                new aws.cloudwatch.MetricAlarm("stale", {
                    comparisonOperator: "GreaterThanThreshold",
                    evaluationPeriods: 1,
                    metricName: "x",
                    namespace: "y",
                    period: 60,
                    statistic: "Maximum",
                    threshold: 1,
                });
            });
        expect(kinds(failing(compareStack(deployed, await moved())))).to.deep.equal([
            "deleted urn:pulumi:dev::upgrade-test::aws:iam/role:Role::crawler",
        ]);
        expect(compareStack(deployed, await moved([{ parent: pulumi.rootStackResource }]))).to.deep.equal([]);
    });

    it("fails when an aliased resource's replacement-forcing input changes (the bucket's name)", async () => {
        const after = await plan(
            program({
                bucket: "landing-events",
                bucketOpts: { aliases: [{ name: "landing" }] },
                bucketName: "tracking-dev-landing-events",
            }),
        );
        const findings = failing(compareStack(deployed, after));
        expect(findings.map((f) => f.kind)).to.deep.equal(["replaced"]);
        expect(findings[0].message).to.include(
            'bucket changes from "tracking-dev-landing" to "tracking-dev-landing-events"',
        );
    });

    it("lets a resource that holds no data be renamed without aliases (an alarm is recreated, nothing is lost)", async () => {
        const after = await plan(program({ alarm: "data-stale" }));
        expect(compareStack(deployed, after)).to.deep.equal([]);
    });

    it("reports, without failing, a replacement-forcing input that cannot be known before deploy", async () => {
        const bucket = deployed.resources.find((r) => r.type === "aws:s3/bucket:Bucket")!;
        const unknownName = { ...bucket, inputs: { ...bucket.inputs, bucket: UNKNOWN } };
        const findings = compareStack(
            { ...deployed, resources: deployed.resources.map((r) => (r === bucket ? unknownName : r)) },
            await plan(program()),
        );
        expect(findings.map((f) => f.kind)).to.deep.equal(["unknown"]);
        expect(findings[0].message).to.include("bucket is not known until deploy");
        expect(failing(findings)).to.deep.equal([]);
    });

    it("counts the API's custom domain name as stateful: renamed without an alias it is deleted, with another domain it is replaced", async () => {
        const domain = (name: string, domainName: string, opts?: pulumi.CustomResourceOptions) =>
            plan(
                () =>
                    new aws.apigateway.DomainName(
                        name,
                        {
                            domainName,
                            regionalCertificateArn: `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/x`,
                            endpointConfiguration: { types: "REGIONAL" },
                        },
                        opts,
                    ),
            );
        const before = await domain("api-domain", "ingest.example.com");
        expect(compareStack(before, await domain("api-domain", "ingest.example.com"))).to.deep.equal([]);
        expect(kinds(failing(compareStack(before, await domain("ingest-domain", "ingest.example.com"))))).to.deep.equal(
            ["deleted urn:pulumi:dev::upgrade-test::aws:apigateway/domainName:DomainName::api-domain"],
        );
        expect(
            compareStack(
                before,
                await domain("ingest-domain", "ingest.example.com", { aliases: [{ name: "api-domain" }] }),
            ),
        ).to.deep.equal([]);
        const moved = failing(compareStack(before, await domain("api-domain", "events.example.com")));
        expect(moved.map((f) => f.kind)).to.deep.equal(["replaced"]);
        expect(moved[0].message).to.include('domainName changes from "ingest.example.com" to "events.example.com"');
    });

    it("follows the provider's own type aliases: a bucket deployed as BucketV2 is taken over by aws.s3.Bucket", async () => {
        const bucket = deployed.resources.find((r) => r.type === "aws:s3/bucket:Bucket")!;
        const v2 = {
            ...bucket,
            type: "aws:s3/bucketV2:BucketV2",
            urn: bucket.urn.replace("$aws:s3/bucket:Bucket::", "$aws:s3/bucketV2:BucketV2::"),
        };
        const deployedAsV2: StackPlan = {
            ...deployed,
            resources: deployed.resources.map((r) => (r === bucket ? v2 : r)),
        };
        expect(compareStack(deployedAsV2, await plan(program()))).to.deep.equal([]);
    });
});

describe("upgrade-check.allow: deletes and replacements a change means to make", () => {
    it("lets a reviewed entry (URN pattern and reason) allow a finding, and notes an entry that matches nothing", async () => {
        const deployed = await plan(program());
        const retired = await plan(
            () =>
                new aws.cloudwatch.MetricAlarm("stale", {
                    comparisonOperator: "GreaterThanThreshold",
                    evaluationPeriods: 1,
                    metricName: "x",
                    namespace: "y",
                    period: 60,
                    statistic: "Maximum",
                    threshold: 1,
                }),
        );
        const findings = compareStack(deployed, retired);
        expect(failing(findings)).to.have.length(3);
        const compared = { from: "test", oldPlans: [deployed], newPlans: [retired] };
        expect(report(findings, compared).failed).to.equal(3);

        const entries = parseAllowFile(
            [
                "# the landing bucket and the loader go with the pipeline",
                "urn:pulumi:dev::upgrade-test::tracking:shared:SecureBucket$aws:s3/bucket:Bucket::landing  # pipeline retired",
                "urn:pulumi:dev::upgrade-test::test:index:Loader$*  # its loader too",
                "urn:pulumi:dev::upgrade-test::aws:kms/key:Key::*  # nothing of the kind here",
            ].join("\n"),
        );
        const { text, failed } = report(findings, compared, entries);
        expect(failed).to.equal(1);
        expect(text).to.include(
            "allowed by upgrade-check.allow:2 (pipeline retired): upgrade-test.dev: aws:s3/bucket:Bucket",
        );
        expect(text).to.include("allowed by upgrade-check.allow:3 (its loader too)");
        expect(text).to.include(
            "FAIL: upgrade-test.dev: aws:iam/role:Role urn:pulumi:dev::upgrade-test::aws:iam/role:Role::crawler would be deleted",
        );
        expect(text).to.include("note: upgrade-check.allow:4 matches nothing");
        expect(text).to.match(/1 would be deleted or replaced \(2 allowed by upgrade-check.allow\)$/);
    });

    it("refuses an entry without a reason or that is not a URN, naming the line", () => {
        expect(() => parseAllowFile("\nurn:pulumi:dev::p::aws:iam/role:Role::x\n")).to.throw(
            AllowFileError,
            /upgrade-check.allow:2: urn:pulumi:dev::p::aws:iam\/role:Role::x: give the reason after #/,
        );
        expect(() => parseAllowFile("landing  # retired")).to.throw(
            AllowFileError,
            /upgrade-check.allow:1: an entry is one URN or URN pattern/,
        );
    });
});

describe("upgrade check: Redshift table declarations against the deployed ones", () => {
    /** The dev data-platform plan as if deployed with `change` applied to each table's declared columns. */
    async function deployedWith(
        change: (columns: Record<string, unknown>[]) => Record<string, unknown>[],
    ): Promise<{ deployed: StackPlan; current: StackPlan }> {
        const result = await devPlan();
        const current = result.plans.find((p) => p.project === "tracking-data-platform")!;
        const deployed = JSON.parse(JSON.stringify(current)) as StackPlan;
        for (const table of deployed.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/redshift:Table")) {
            const declaration = table.inputs.declaration as { columns: Record<string, unknown>[] };
            declaration.columns = change(declaration.columns);
        }
        return { deployed, current };
    }

    it("fails on a change the deploy refuses (a dropped column, a type change, NOT NULL, a shorter length), naming pipeline, column and the manual step", async () => {
        const extra = { name: "legacy_flag", type: "boolean", nullable: true };
        const { deployed, current } = await deployedWith((columns) => [...columns, extra]);
        const refused = failing(compareStack(deployed, current)).filter((f) => f.kind === "refused");
        const tables = current.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/redshift:Table");
        expect(refused).to.have.length(tables.length);
        for (const finding of refused)
            expect(finding.message).to.match(
                /^tracking-data-platform\.dev: pipeline "[a-z-]+", column "legacy_flag": removed/,
            );
        expect(refused[0].message, "the manual step").to.match(/DROP COLUMN legacy_flag/);

        const nullable = await deployedWith((columns) =>
            columns.map((c) => (c.nullable === false ? c : { ...c, nullable: false })),
        );
        const notNull = failing(compareStack(nullable.deployed, nullable.current)).filter((f) => f.kind === "refused");
        expect(notNull.length, "NOT NULL dropped from a column").to.be.greaterThan(0);
    });

    it("passes a change the deploy applies: a wider VARCHAR or a new nullable column", async () => {
        const narrower = await deployedWith((columns) =>
            columns.map((c) =>
                c.type === "varchar" && !["bytedict", "runlength", "text255", "text32k"].includes(String(c.encoding))
                    ? { ...c, length: Number(c.length) - 1 }
                    : c,
            ),
        );
        expect(compareStack(narrower.deployed, narrower.current).filter((f) => f.kind === "refused")).to.deep.equal([]);
        const fewer = await deployedWith((columns) =>
            columns[columns.length - 1].nullable === true ? columns.slice(0, -1) : columns,
        );
        expect(compareStack(fewer.deployed, fewer.current).filter((f) => f.kind === "refused")).to.deep.equal([]);
    });
});

describe("npm run upgrade-check", () => {
    it("passes the working tree against its own plans and fails it against plans where a stateful resource had another name", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "upgrade-check-test-"));
        const same = path.join(dir, "same");
        const renamed = path.join(dir, "renamed");
        fs.mkdirSync(same, { recursive: true });
        fs.mkdirSync(renamed, { recursive: true });
        const { plans } = await devPlan();
        for (const p of plans) fs.writeFileSync(path.join(same, `${p.project}.${p.stack}.json`), JSON.stringify(p));
        // The deployed stack knew its key under another name: the current code would delete that key.
        const dataPlatform = plans.find((p) => p.project === "tracking-data-platform")!;
        const key = dataPlatform.resources.find((r) => r.type === "aws:kms/key:Key")!;
        const oldKeyUrn = key.urn.replace(/::([^:]+)$/, "::$1-old");
        const old = {
            ...dataPlatform,
            resources: dataPlatform.resources.map((r) =>
                r === key ? { ...r, urn: oldKeyUrn, name: `${r.name}-old` } : r,
            ),
        };
        for (const p of plans)
            fs.writeFileSync(
                path.join(renamed, `${p.project}.${p.stack}.json`),
                JSON.stringify(p === dataPlatform ? old : p),
            );

        const output: string[] = [];
        const { log, error } = console;
        console.log = (line: string) => output.push(line);
        console.error = () => {};
        try {
            expect(await main(["--from-plans", same])).to.equal(0);
            expect(await main(["--from-plans", renamed])).to.equal(1);
        } finally {
            Object.assign(console, { log, error });
        }
        expect(output[0]).to.match(/none would be deleted or replaced$/);
        expect(output[1]).to.include(`FAIL: tracking-data-platform.dev: aws:kms/key:Key ${oldKeyUrn} would be deleted`);
        expect(output[1]).to.match(/1 would be deleted or replaced$/);
    });

    it("refuses a folder of files that are not plans, naming the file", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "upgrade-check-test-"));
        fs.writeFileSync(path.join(dir, "notes.json"), JSON.stringify({ hello: "world" }));
        expect(() => readPlanDir(dir)).to.throw(
            OldRefError,
            /notes\.json: not a plan file \(needs project, stack and resources\)/,
        );
        expect(() => readPlanDir(path.join(dir, "missing"))).to.throw(OldRefError, /no such folder of plan files/);
    });

    it("refuses a ref that names no commit, and --from with --from-plans, before planning anything", async () => {
        const errors: string[] = [];
        const error = console.error;
        console.error = (line: string) => errors.push(line);
        try {
            expect(await main(["--from", "no-such-ref-anywhere"])).to.equal(2);
            expect(await main(["--from", "HEAD", "--from-plans", "plan"])).to.equal(2);
        } finally {
            console.error = error;
        }
        expect(errors[0]).to.include("--from no-such-ref-anywhere: no such commit");
        expect(errors[1]).to.include("give --from or --from-plans, not both");
    });
});
