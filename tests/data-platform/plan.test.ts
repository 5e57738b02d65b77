import { expect } from "chai";
import * as path from "path";
import { checkEngineeringFirehoseRoles, checkEngineeringStreamReaders } from "../../data-platform/grants";
import { crawlerTableName } from "../../shared/glue-crawler-pair";
import { defaultGlueScriptPath, GLUE_SCRIPT_REPO_PATH } from "../../shared/glue-job-script";
import { BAD_ROWS_METRIC } from "../../shared/glue-bad-rows-alarm";
import { LOAD_METRICS_NAMESPACE, resourceName } from "../../shared/naming";
import { jobColumnMapping } from "../../shared/pipeline-codegen/job-mapping";
import { glueColumns } from "../../shared/pipeline-codegen/glue-schema";
import { qualifiedTableName } from "../../shared/pipeline-codegen/redshift-ddl";
import { readerUser } from "../../shared/pipeline-codegen/redshift-principals";
import { schemaVersion, tableDeclaration, TableDeclaration } from "../../shared/pipeline-codegen/schema-migration";
import { pipelines } from "../../shared/pipelines";
import { repoRoot, runPlan } from "../../tools/plan/runner";
import { PlannedResource, StackPlan, UNKNOWN } from "../../tools/plan/types";
import { DATA_PLATFORM, devPlan, finalPlan, firstDeployPass, ofType, TYPES } from "./support/plan";
import { list, parseDocument } from "../support/policy-document";

/**
 * What `npm run plan` shows for the data-platform stack, per pipeline: the declared catalog table, two
 * crawlers (one S3 target, one JDBC target), one load job whose script is the repository's file uploaded
 * as an asset, one trigger, and the Redshift DDL statements; and the storage every pipeline relies on.
 */

type Inputs = Record<string, unknown>;
const inputsOf = (resource: PlannedResource) => resource.inputs as Inputs;
const crawlerIn = (plan: StackPlan, predicate: (r: PlannedResource) => boolean): PlannedResource => {
    const found = ofType(plan, TYPES.crawler).filter(predicate);
    expect(found).to.have.length(1);
    return found[0];
};

describe("data-platform: the planned stack (npm run plan)", function () {
    let dp: StackPlan;
    let first: StackPlan;

    before(async () => {
        const result = await devPlan();
        dp = finalPlan(result, DATA_PLATFORM);
        first = firstDeployPass(result).plan;
    });

    /** The name of the stack's one Glue security configuration. */
    const securityConfigurationName = (): string => {
        const configurations = ofType(dp, "aws:glue/securityConfiguration:SecurityConfiguration");
        expect(configurations).to.have.length(1);
        return String(inputsOf(configurations[0]).name);
    };

    const one = (type: string, predicate: (inputs: Inputs) => boolean, what: string): PlannedResource => {
        const found = ofType(dp, type).filter((r) => predicate(inputsOf(r)));
        expect(found, what).to.have.length(1);
        return found[0];
    };

    for (const def of pipelines) {
        describe(`pipeline ${def.name}`, () => {
            const prefix = () => resourceName(dp.stack, def.name);

            it("declares the landed table from the pipeline definition, under the name the S3 crawler gives it", () => {
                const table = one(
                    TYPES.catalogTable,
                    (i) => i.name === crawlerTableName(`${def.name}/`),
                    "catalog table",
                );
                const descriptor = inputsOf(table).storageDescriptor as {
                    location: string;
                    columns: unknown[];
                    serDeInfo: { serializationLibrary: string };
                };
                expect(descriptor.columns).to.deep.equal(glueColumns(def));
                expect(descriptor.location).to.equal(`s3://${dp.outputs.landingBucketName}/${def.name}/`);
                expect(descriptor.serDeInfo.serializationLibrary).to.equal("org.openx.data.jsonserde.JsonSerDe");
                expect((inputsOf(table).partitionKeys as { name: string }[]).map((k) => k.name)).to.deep.equal([
                    "year",
                    "month",
                    "day",
                    "hour",
                ]);
                expect(table.options.protect, "catalog tables are protected").to.equal(true);
            });

            it("has two crawlers: one S3 target over its prefix, one JDBC target over its Redshift table", () => {
                const crawlers = ofType(dp, TYPES.crawler).filter((c) =>
                    String(inputsOf(c).name).startsWith(`${prefix()}-`),
                );
                expect(crawlers).to.have.length(2);
                const s3 = crawlers.filter((c) => inputsOf(c).s3Targets !== undefined);
                const jdbc = crawlers.filter((c) => inputsOf(c).jdbcTargets !== undefined);
                expect(s3, "S3 crawler").to.have.length(1);
                expect(jdbc, "JDBC crawler").to.have.length(1);
                expect(inputsOf(s3[0]).jdbcTargets, "the S3 crawler has no JDBC target").to.equal(undefined);
                expect(inputsOf(s3[0]).s3Targets).to.deep.equal([
                    { path: `s3://${dp.outputs.landingBucketName}/${def.name}/` },
                ]);
                expect(inputsOf(s3[0]).recrawlPolicy).to.deep.equal({ recrawlBehavior: "CRAWL_NEW_FOLDERS_ONLY" });
                expect(inputsOf(s3[0]).schedule).to.match(/^cron\(/);
                expect(inputsOf(jdbc[0]).jdbcTargets).to.deep.equal([
                    {
                        connectionName: dp.outputs.glueConnectionName,
                        path: `dev/${def.table.schema}/${def.table.name}`,
                    },
                ]);
                for (const crawler of crawlers)
                    expect(inputsOf(crawler).securityConfiguration, "encrypted logs").to.equal(
                        securityConfigurationName(),
                    );
            });

            it("creates the log group Glue writes its crawlers' logs to (/aws-glue/crawlers-role/<role>-<security configuration>), with retention and the data key", () => {
                const crawlers = ofType(dp, TYPES.crawler).filter((c) =>
                    String(inputsOf(c).name).startsWith(`${prefix()}-`),
                );
                const roleNames = [...new Set(crawlers.map((c) => String(inputsOf(c).role).split(":role/")[1]))];
                expect(roleNames, "both crawlers run as one role").to.have.length(1);
                const group = one(
                    TYPES.logGroup,
                    (i) => i.name === `/aws-glue/crawlers-role/${roleNames[0]}-${securityConfigurationName()}`,
                    "crawler log group",
                );
                expect(inputsOf(group).retentionInDays).to.be.a("number").and.be.greaterThan(0);
                expect(inputsOf(group).kmsKeyId).to.equal(dp.outputs.dataKeyArn);
                for (const crawler of crawlers)
                    expect(crawler.options.dependsOn, `${String(inputsOf(crawler).name)} waits for it`).to.include(
                        group.urn,
                    );
            });

            it("has one load job running the repository's script, uploaded once as an asset", () => {
                const job = one(TYPES.job, (i) => i.name === `${prefix()}-load`, "job");
                const inputs = inputsOf(job);
                const command = inputs.command as { name: string; scriptLocation: string };
                expect(command.name).to.equal("glueetl");
                const script = one(
                    TYPES.bucketObject,
                    (i) => `s3://${i.bucket}/${i.key}` === command.scriptLocation,
                    `the object at ${command.scriptLocation}`,
                );
                expect(inputsOf(script).source).to.deep.equal({ $asset: GLUE_SCRIPT_REPO_PATH });
                expect(inputsOf(script).key, "one script for every pipeline, not a copy each").to.equal(
                    "scripts/load_to_redshift.py",
                );
                expect(
                    ofType(dp, TYPES.bucketObject)
                        .map((o) => inputsOf(o).key)
                        .sort(),
                    "the stack uploads the load script and the pre-check's, once each",
                ).to.deep.equal(["scripts/load_precheck.py", "scripts/load_to_redshift.py"]);
                // The next pre-check starts a failed load again, so the load is not retried and queues past the quota.
                expect(inputs).to.deep.include({
                    glueVersion: "5.0",
                    workerType: "G.1X",
                    numberOfWorkers: 2,
                    maxRetries: 0,
                    jobRunQueuingEnabled: true,
                    timeout: 30,
                    executionProperty: { maxConcurrentRuns: 1 },
                });
                expect(inputs.connections).to.deep.equal([dp.outputs.glueConnectionName]);
                expect(inputs.securityConfiguration).to.equal(securityConfigurationName());
                const args = inputs.defaultArguments as Record<string, string>;
                expect(args).to.deep.include({
                    "--job-bookmark-option": "job-bookmark-enable",
                    "--enable-metrics": "true",
                    "--TempDir": `s3://${dp.outputs.glueBucketName}/temp/${def.name}/`,
                    // The landing prefix itself, the folder the Firehose writes and the S3 crawler targets:
                    // the job lists it with a bookmark instead of waiting for the crawler's partitions.
                    "--source_path": `s3://${dp.outputs.landingBucketName}/${def.name}/`,
                    // IAM sign-in as the loader (IAMR:<job role>): no user, no password, no secret.
                    "--redshift_url": `jdbc:redshift:iam://${(dp.outputs.redshift as { host: string }).host}:5439/dev?groupFederation=true`,
                    "--target_table": `${def.table.schema}.${def.table.name}`,
                    "--merge_key": def.mergeKey,
                    // Outside the folder the job reads, in the same bucket; the alarm watches the same namespace.
                    "--bad_rows_path": `s3://${dp.outputs.landingBucketName}/_bad-rows/${def.name}/`,
                    "--metrics_namespace": LOAD_METRICS_NAMESPACE,
                    "--aws_region": dp.region,
                });
                // Glue 5.0 logs in real time; the continuous-logging flag applies to 4.0 and earlier only
                // (Glue developer guide, "Logging for AWS Glue jobs"). Its log groups are the job's own, with
                // retention and the data key, not Glue's account-wide /aws-glue/jobs/* that never expire.
                expect(args).to.not.have.property("--enable-continuous-cloudwatch-log");
                const logPrefix = args["--custom-logGroup-prefix"];
                expect(logPrefix).to.equal(`/aws/glue/${prefix()}-load`);
                for (const kind of ["error", "output"]) {
                    const group = one(TYPES.logGroup, (i) => i.name === `${logPrefix}/${kind}`, `${kind} log group`);
                    expect(inputsOf(group).retentionInDays, `${kind} log group retention`)
                        .to.be.a("number")
                        .and.greaterThan(0);
                    expect(inputsOf(group).kmsKeyId, `${kind} log group key`).to.equal(dp.outputs.dataKeyArn);
                    expect(job.options.dependsOn, "the job waits for its log groups").to.include(group.urn);
                }
                const alarm = one(
                    TYPES.metricAlarm,
                    (i) => (i.dimensions as Record<string, string> | undefined)?.JobName === `${prefix()}-load`,
                    "bad-rows alarm",
                );
                expect(inputsOf(alarm)).to.deep.include({
                    namespace: LOAD_METRICS_NAMESPACE,
                    metricName: BAD_ROWS_METRIC,
                    statistic: "Sum",
                    threshold: 0,
                    treatMissingData: "notBreaching",
                });
                expect(inputsOf(alarm).alarmActions).to.deep.equal([dp.outputs.alarmTopicArn]);
                expect(
                    script.options.dependsOn,
                    "the script waits for the Glue bucket's encryption and policy",
                ).to.include.members(
                    [
                        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                        "aws:s3/bucketPolicy:BucketPolicy",
                    ].map((type) => one(type, (i) => i.bucket === dp.outputs.glueBucketName, type).urn),
                );
                expect(JSON.parse(args["--column_mapping"])).to.deep.equal(jobColumnMapping(def));
                expect(
                    Object.keys(args).filter((key) => key.startsWith("--catalog_")),
                    "no catalog source",
                ).to.deep.equal([]);
                const crawler = one(
                    TYPES.crawler,
                    (i) => String(i.name).startsWith(`${prefix()}-`) && i.s3Targets !== undefined,
                    "S3 crawler",
                );
                expect(
                    (inputsOf(crawler).s3Targets as { path: string }[])[0].path,
                    "the job reads what the crawler catalogs",
                ).to.equal(args["--source_path"]);
            });

            it("starts no Spark on the clock: every 5 minutes a pre-check starts the load job only when something landed", () => {
                const startsLoad = ofType(dp, TYPES.trigger).filter((t) =>
                    (inputsOf(t).actions as { jobName: string }[]).some((a) => a.jobName === `${prefix()}-load`),
                );
                expect(startsLoad, "no trigger starts the load job itself").to.deep.equal([]);
                const precheck = one(TYPES.job, (i) => i.name === `${prefix()}-load-precheck`, "pre-check job");
                const inputs = inputsOf(precheck);
                expect(inputs.command).to.deep.include({ name: "pythonshell", pythonVersion: "3.9" });
                expect(inputs).to.deep.include({
                    glueVersion: "3.0",
                    maxCapacity: 0.0625,
                    maxRetries: 0,
                    jobRunQueuingEnabled: true,
                    executionProperty: { maxConcurrentRuns: 1 },
                    securityConfiguration: securityConfigurationName(),
                });
                expect(inputs.connections, "no VPC: it calls S3 and Glue only").to.equal(undefined);
                const load = one(TYPES.job, (i) => i.name === `${prefix()}-load`, "load job");
                expect(inputs.roleArn, "it runs as the load job's role").to.equal(inputsOf(load).roleArn);
                const script = (inputs.command as { scriptLocation: string }).scriptLocation;
                expect(script).to.equal(`s3://${dp.outputs.glueBucketName}/scripts/load_precheck.py`);
                const table = one(
                    TYPES.catalogTable,
                    (i) => i.name === crawlerTableName(`${def.name}/`),
                    "catalog table",
                );
                expect(inputs.defaultArguments).to.deep.include({
                    "--load_job": `${prefix()}-load`,
                    "--bucket": dp.outputs.landingBucketName,
                    "--prefix": `${def.name}/`,
                    "--database": inputsOf(table).databaseName,
                    "--table": inputsOf(table).name,
                    "--aws_region": dp.region,
                });
                // The prefix the pre-check lists is the one the load job reads.
                expect(`s3://${dp.outputs.landingBucketName}/${def.name}/`).to.equal(
                    (inputsOf(load).defaultArguments as Record<string, string>)["--source_path"],
                );
                const triggers = ofType(dp, TYPES.trigger).filter((t) =>
                    (inputsOf(t).actions as { jobName: string }[]).some(
                        (a) => a.jobName === `${prefix()}-load-precheck`,
                    ),
                );
                expect(triggers).to.have.length(1);
                expect(inputsOf(triggers[0])).to.deep.include({
                    type: "SCHEDULED",
                    schedule: "cron(0/5 * * * ? *)",
                    startOnCreation: true,
                });
                // The crawlers run on change, not on the clock: the pre-check registers new hours; both crawl weekly as a safety net.
                const crawlers = ofType(dp, TYPES.crawler).filter((c) =>
                    String(inputsOf(c).name).startsWith(`${prefix()}-`),
                );
                for (const crawler of crawlers)
                    expect(inputsOf(crawler).schedule, String(inputsOf(crawler).name)).to.match(
                        /^cron\(\S+ \S+ \? \* SUN \*\)$/,
                    );
            });

            it("keeps its Redshift table through the Data API table provider, recording the declaration's version", () => {
                const table = one(
                    TYPES.redshiftTable,
                    (i) => (i.declaration as TableDeclaration).pipeline === def.name,
                    "Redshift table",
                );
                expect(inputsOf(table).declaration).to.deep.equal(tableDeclaration(def));
                expect(inputsOf(table).version).to.equal(schemaVersion(tableDeclaration(def)));
                expect(inputsOf(table).target).to.deep.include({ database: "dev", region: dp.region });
                expect(String((inputsOf(table).target as { secretArn: string }).secretArn)).to.match(
                    /^arn:aws:secretsmanager:/,
                );
                expect(table.options.protect).to.equal(true);
                expect(table.id).to.equal(`${def.table.schema}.${def.table.name}`);
                // Its loader is the load job's own role, signed in with IAM credentials: no password.
                const job = one(TYPES.job, (i) => i.name === `${prefix()}-load`, "load job");
                const jobRole = ofType(dp, TYPES.role).find((r) => r.outputs.arn === inputsOf(job).roleArn);
                expect(inputsOf(table).principalStatements).to.include(
                    `CREATE USER "IAMR:${String(jobRole?.inputs.name)}" PASSWORD DISABLE`,
                );
                expect(inputsOf(table).afterStatements).to.include(
                    `GRANT SELECT, INSERT, DELETE ON ${qualifiedTableName(def)} TO "IAMR:${String(jobRole?.inputs.name)}"`,
                );
            });
        });
    }

    it("puts the configured usage limit on the sandbox workgroup's compute, and names each table's JDBC crawler, which exists", () => {
        const workgroup = one("aws:redshiftserverless/workgroup:Workgroup", () => true, "sandbox workgroup");
        const limits = ofType(dp, "aws:redshiftserverless/usageLimit:UsageLimit").map((l) => inputsOf(l));
        expect(
            limits.map(({ resourceArn, usageType, amount, period, breachAction }) => ({
                resourceArn,
                usageType,
                amount,
                period,
                breachAction,
            })),
        ).to.deep.equal([
            {
                resourceArn: workgroup.outputs.arn,
                usageType: "serverless-compute",
                amount: 720,
                period: "monthly",
                breachAction: "emit-metric",
            },
        ]);
        const crawlers = ofType(dp, TYPES.crawler).filter((c) => inputsOf(c).jdbcTargets !== undefined);
        const tables = ofType(dp, "pulumi-nodejs:dynamic/redshift:Table");
        expect(tables.length).to.be.greaterThan(0);
        for (const table of tables) {
            const declaration = inputsOf(table).declaration as { table: { schema: string; name: string } };
            const crawler = crawlers.find((c) => inputsOf(c).name === inputsOf(table).crawlerName);
            expect(crawler, `${String(inputsOf(table).crawlerName)}: a planned JDBC crawler`).to.not.equal(undefined);
            expect(
                (inputsOf(crawler!).jdbcTargets as { path: string }[])[0].path,
                "it crawls that very table",
            ).to.match(new RegExp(`/${declaration.table.schema}/${declaration.table.name}$`));
        }
    });

    it("signs the load jobs in with IAM and the JDBC crawlers as the read-only user: no workload reads the admin secret", () => {
        const admin = String((dp.outputs.redshift as { secretArn: string }).secretArn);
        const documents = ofType(dp, "aws:iam/rolePolicy:RolePolicy").map((p) => ({
            role: String(inputsOf(p).role),
            policy: String(inputsOf(p).policy),
        }));
        expect(
            documents.filter((d) => d.policy.includes(admin)).map((d) => d.role),
            "roles granted the admin secret",
        ).to.deep.equal([]);
        for (const job of ofType(dp, TYPES.job)) {
            const statements = parseDocument(
                documents.find((d) => String(inputsOf(job).roleArn).endsWith(`/${d.role}`))!.policy,
            ).Statement;
            const actions = statements.flatMap((st) => list(st.Action));
            expect(
                actions.filter((a) => a.startsWith("secretsmanager:")),
                `${String(inputsOf(job).name)}: no secret`,
            ).to.deep.equal([]);
            expect(actions, `${String(inputsOf(job).name)}: its own temporary credentials`).to.include(
                "redshift-serverless:GetCredentials",
            );
        }
        // The crawlers' connection signs in with the stack's reader secret, filled at deploy: no value in the plan.
        // The created VPC has no internet route: the jobs reach the Redshift Serverless API (GetCredentials)
        // through its interface endpoint, in the Glue subnet.
        const connectionResource = one("aws:glue/connection:Connection", () => true, "Glue connection");
        const subnet = (inputsOf(connectionResource).physicalConnectionRequirements as { subnetId: string }).subnetId;
        const redshiftApi = ofType(dp, "aws:ec2/vpcEndpoint:VpcEndpoint").filter(
            (e) => inputsOf(e).serviceName === `com.amazonaws.${dp.region}.redshift-serverless`,
        );
        expect(
            redshiftApi.map((e) => inputsOf(e)),
            "the Redshift Serverless API endpoint",
        ).to.deep.equal([
            { ...inputsOf(redshiftApi[0]), vpcEndpointType: "Interface", privateDnsEnabled: true, subnetIds: [subnet] },
        ]);
        // (The connection's properties are a secret input of the provider: the plan shows them as <secret>.)
        const reader = one(
            "aws:secretsmanager/secret:Secret",
            (i) => i.name === resourceName(dp.stack, "redshift", "reader"),
            "reader secret",
        );
        expect((dp.outputs.redshift as { readerSecretArn: string }).readerSecretArn).to.equal(reader.outputs.arn);
        for (const crawler of ofType(dp, TYPES.crawler).filter((c) => inputsOf(c).jdbcTargets !== undefined)) {
            const role = ofType(dp, TYPES.role).find((r) => r.outputs.arn === inputsOf(crawler).role);
            const policy = documents.find((d) => d.role === String(role?.inputs.name))!.policy;
            expect(policy, `${String(inputsOf(crawler).name)} reads the reader secret`).to.include(
                String(reader.outputs.arn),
            );
        }
        expect(
            ofType(dp, "aws:secretsmanager/secretVersion:SecretVersion"),
            "no secret value in the plan",
        ).to.deep.equal([]);
        const password = one("pulumi-nodejs:dynamic/redshift:UserPassword", () => true, "reader password");
        expect(inputsOf(password)).to.deep.include({
            user: readerUser(resourceName(dp.stack)),
            secretArn: reader.outputs.arn,
        });
        expect(
            Object.keys(inputsOf(password))
                .filter((k) => k !== "__provider")
                .sort(),
            "no password or hash among its inputs",
        ).to.deep.equal(["endpoint", "secretArn", "target", "user"]);
        expect(password.options.dependsOn, "set once the tables created the user").to.include.members(
            ofType(dp, TYPES.redshiftTable).map((t) => t.urn),
        );
    });

    it("plans no expiring-result resource: no Data API Statement, no Lambda invocation", () => {
        for (const plan of [dp, first]) {
            expect(plan.resources.map((r) => r.type)).not.to.include.members([
                "aws:redshiftdata/statement:Statement",
                "aws:lambda/invocation:Invocation",
            ]);
        }
    });

    it("stores everything in SSE-KMS, versioned, private, TLS-only buckets with lifecycle rules", () => {
        const buckets = ofType(dp, TYPES.bucket);
        expect(buckets.map((b) => inputsOf(b).bucket).sort()).to.deep.equal(
            [dp.outputs.glueBucketName, dp.outputs.landingBucketName, dp.outputs.rawBucketName].sort(),
        );
        const byBucket = (type: string, bucket: unknown) => {
            const found = ofType(dp, type).filter((r) => inputsOf(r).bucket === bucket);
            expect(found, `${type} of ${bucket}`).to.have.length(1);
            return inputsOf(found[0]);
        };
        for (const bucket of buckets) {
            const name = inputsOf(bucket).bucket;
            expect(bucket.options.protect, `${name} protected`).to.equal(true);
            expect(byBucket("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name)).to.deep.include({
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            });
            expect(byBucket("aws:s3/bucketOwnershipControls:BucketOwnershipControls", name).rule).to.deep.equal({
                objectOwnership: "BucketOwnerEnforced",
            });
            expect(
                byBucket("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", name)
                    .rules,
            ).to.deep.equal([
                {
                    applyServerSideEncryptionByDefault: {
                        sseAlgorithm: "aws:kms",
                        kmsMasterKeyId: dp.outputs.dataKeyArn,
                    },
                    bucketKeyEnabled: true,
                },
            ]);
            expect(byBucket("aws:s3/bucketVersioning:BucketVersioning", name).versioningConfiguration).to.deep.equal({
                status: "Enabled",
            });
            const rules = byBucket("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", name).rules as {
                noncurrentVersionExpiration?: { noncurrentDays: number };
            }[];
            expect(
                rules.some((r) => r.noncurrentVersionExpiration?.noncurrentDays === 30),
                `${name} expires old versions`,
            ).to.equal(true);
            const policy = JSON.parse(String(byBucket(TYPES.bucketPolicy, name).policy));
            expect(policy.Statement[0]).to.deep.include({
                Effect: "Deny",
                Action: "s3:*",
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            });
        }
    });

    it("keeps a rotating customer-managed key with an explicit policy and no kms:*", () => {
        const keys = ofType(dp, TYPES.key);
        expect(keys).to.have.length(1);
        expect(inputsOf(keys[0])).to.deep.include({
            enableKeyRotation: true,
            customerMasterKeySpec: "SYMMETRIC_DEFAULT",
        });
        expect(keys[0].options.protect).to.equal(true);
        const actions = JSON.parse(String(inputsOf(keys[0]).policy)).Statement.flatMap(
            (s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]),
        );
        expect(actions).to.not.include("kms:*");
        expect(actions).to.include("kms:PutKeyPolicy");
    });

    it("exports the contract the engineering stack reads, the same in both passes", () => {
        for (const plan of [first, dp]) {
            for (const key of [
                "landingBucketArn",
                "landingBucketName",
                "rawBucketArn",
                "rawBucketName",
                "dataKeyArn",
            ]) {
                expect(plan.outputs[key], `${key}`).to.be.a("string").and.not.equal(UNKNOWN);
            }
            const exported = plan.outputs.pipelines as Record<string, Record<string, string>>;
            expect(Object.keys(exported).sort()).to.deep.equal(pipelines.map((def) => def.name).sort());
            for (const def of pipelines) {
                expect(Object.keys(exported[def.name]).sort()).to.deep.equal([
                    "errorPrefix",
                    "firehoseRoleArn",
                    "prefix",
                    "rawBackupPrefix",
                ]);
                expect(exported[def.name].firehoseRoleArn).to.equal(
                    `arn:aws:iam::111111111111:role/${resourceName(dp.stack, def.name, "firehose")}`,
                );
            }
        }
        expect(first.outputs.pipelines).to.deep.equal(dp.outputs.pipelines);
    });

    it("finds the job script in the repository from the compiled component", () => {
        expect(defaultGlueScriptPath()).to.equal(path.join(repoRoot(), GLUE_SCRIPT_REPO_PATH));
        expect(() => defaultGlueScriptPath("/")).to.throw(/was not found in any folder above \//);
    });

    it("no scheduled trigger of the stack starts a Spark job: an idle pipeline starts none", () => {
        const spark = new Set(
            ofType(dp, TYPES.job)
                .filter((j) => (inputsOf(j).command as { name: string }).name === "glueetl")
                .map((j) => inputsOf(j).name),
        );
        const scheduled = ofType(dp, TYPES.trigger).filter((t) => inputsOf(t).type === "SCHEDULED");
        expect(scheduled.length).to.equal(pipelines.length);
        for (const trigger of scheduled)
            for (const action of inputsOf(trigger).actions as { jobName: string }[])
                expect(spark.has(action.jobName), action.jobName).to.equal(false);
    });

    it("starts each job on the schedule itself, with no pre-check, when jobTrigger is schedule", async () => {
        const result = await runPlan({
            stack: "dev",
            write: false,
            configOverrides: {
                [DATA_PLATFORM]: {
                    "tracking-data-platform:jobTrigger": "schedule",
                    "tracking-data-platform:s3CrawlerSchedule": undefined,
                },
            },
        });
        const plan = finalPlan(result, DATA_PLATFORM);
        expect(
            ofType(plan, TYPES.job).filter((j) => (inputsOf(j).command as { name: string }).name === "pythonshell"),
        ).to.deep.equal([]);
        for (const def of pipelines) {
            const triggers = ofType(plan, TYPES.trigger).filter((t) =>
                (inputsOf(t).actions as { jobName: string }[]).some(
                    (a) => a.jobName === `${resourceName(plan.stack, def.name)}-load`,
                ),
            );
            expect(triggers).to.have.length(1);
            expect(inputsOf(triggers[0])).to.deep.include({ type: "SCHEDULED", schedule: "cron(0/5 * * * ? *)" });
            const s3 = crawlerIn(plan, (c) => inputsOf(c).name === `${resourceName(plan.stack, def.name)}-s3`);
            expect(inputsOf(s3).schedule, "without the pre-check the S3 crawler registers the hours, hourly").to.equal(
                "cron(15 * * * ? *)",
            );
        }
    });

    it("starts each job after its S3 crawler instead, when jobTrigger is crawler", async () => {
        const result = await runPlan({
            stack: "dev",
            write: false,
            configOverrides: {
                [DATA_PLATFORM]: {
                    "tracking-data-platform:jobTrigger": "crawler",
                    "tracking-data-platform:jobSchedule": undefined,
                },
            },
        });
        const plan = finalPlan(result, DATA_PLATFORM);
        for (const def of pipelines) {
            const triggers = ofType(plan, TYPES.trigger).filter((t) =>
                (inputsOf(t).actions as { jobName: string }[]).some(
                    (a) => a.jobName === `${resourceName(plan.stack, def.name)}-load`,
                ),
            );
            expect(triggers).to.have.length(1);
            expect(inputsOf(triggers[0])).to.deep.include({
                type: "CONDITIONAL",
                predicate: {
                    conditions: [
                        {
                            crawlerName: `${resourceName(plan.stack, def.name)}-s3`,
                            crawlState: "SUCCEEDED",
                            logicalOperator: "EQUALS",
                        },
                    ],
                },
            });
        }
    });

    it("leaves stateful resources unprotected when protectStatefulResources is false", async () => {
        const result = await runPlan({
            stack: "dev",
            write: false,
            configOverrides: { [DATA_PLATFORM]: { "tracking-data-platform:protectStatefulResources": "false" } },
        });
        const plan = finalPlan(result, DATA_PLATFORM);
        expect(plan.resources.filter((r) => r.options.protect).map((r) => r.urn)).to.deep.equal([]);
        expect(dp.resources.filter((r) => r.options.protect).map((r) => r.type)).to.include.members([
            TYPES.bucket,
            TYPES.key,
            TYPES.catalogTable,
            TYPES.redshiftTable,
            "aws:glue/catalogDatabase:CatalogDatabase",
            "aws:redshiftserverless/namespace:Namespace",
        ]);
    });

    it("plans an existing serverless workgroup in a configured VPC: no VPC or sandbox, endpoint and rules there", async () => {
        const ns = "tracking-data-platform";
        const configured = {
            [`${ns}:redshiftMode`]: "serverless",
            [`${ns}:redshiftWorkgroupName`]: "analytics",
            [`${ns}:redshiftHost`]: "analytics.222222222222.eu-central-1.redshift-serverless.amazonaws.com",
            [`${ns}:redshiftSecretArn`]:
                "arn:aws:secretsmanager:eu-central-1:222222222222:secret:redshift/loader-AbCdEf",
            [`${ns}:vpcId`]: "vpc-0123456789abcdef0",
            [`${ns}:subnetId`]: "subnet-0123456789abcdef0",
            [`${ns}:availabilityZone`]: "eu-central-1b",
            [`${ns}:routeTableIds`]: JSON.stringify(["rtb-0123456789abcdef0"]),
            [`${ns}:redshiftSecurityGroupId`]: "sg-0123456789abcdef0",
        };
        const result = await runPlan({ stack: "dev", write: false, configOverrides: { [DATA_PLATFORM]: configured } });
        const plan = finalPlan(result, DATA_PLATFORM);
        const types = plan.resources.map((r) => r.type);
        for (const absent of [
            "awsx:ec2:Vpc",
            "aws:redshiftserverless/workgroup:Workgroup",
            "aws:redshiftserverless/namespace:Namespace",
        ]) {
            expect(types, absent).to.not.include(absent);
        }
        // The only secret is the crawlers' read-only sign-in; the admin's is configured, never created.
        expect(ofType(plan, "aws:secretsmanager/secret:Secret").map((r) => inputsOf(r).name)).to.deep.equal([
            resourceName("dev", "redshift", "reader"),
        ]);
        const endpoints = ofType(plan, "aws:ec2/vpcEndpoint:VpcEndpoint");
        expect(endpoints.map((e) => inputsOf(e))).to.deep.equal([
            {
                vpcId: "vpc-0123456789abcdef0",
                serviceName: "com.amazonaws.eu-central-1.s3",
                vpcEndpointType: "Gateway",
                routeTableIds: ["rtb-0123456789abcdef0"],
                tags: { Name: "tracking-dev-s3" },
            },
        ]);
        const ingress = ofType(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
            (r) => inputsOf(r).securityGroupId === "sg-0123456789abcdef0",
        );
        expect(ingress, "Redshift's group opened to Glue on 5439").to.have.length(1);
        expect(inputsOf(ingress[0])).to.deep.include({ ipProtocol: "tcp", fromPort: 5439, toPort: 5439 });
        const connection = ofType(plan, "aws:glue/connection:Connection")[0];
        expect(inputsOf(connection).physicalConnectionRequirements).to.deep.include({
            subnetId: "subnet-0123456789abcdef0",
            availabilityZone: "eu-central-1b",
        });
        expect(ofType(plan, TYPES.redshiftTable)).to.have.length(pipelines.length);
        for (const table of ofType(plan, TYPES.redshiftTable)) {
            expect(inputsOf(table).target).to.deep.include({
                workgroupName: "analytics",
                secretArn: configured[`${ns}:redshiftSecretArn`],
            });
        }
        const keyPolicy = parseDocument(inputsOf(ofType(plan, TYPES.key)[0]).policy);
        // The reader secret is under the key (the deployer writes it, the crawlers read it); the admin's is not.
        expect(keyPolicy.Statement.map((s) => s.Sid)).to.include.members([
            "DeployerManagesRedshiftSecret",
            "GlueCrawlersReadRedshiftSecret",
        ]);
        expect(JSON.stringify(keyPolicy), "the configured admin secret is not the stack's").to.not.include(
            configured[`${ns}:redshiftSecretArn`],
        );
    });

    it("refuses, naming the pipeline, an engineering stack whose Firehose role is not the pinned one", () => {
        const pinned = {
            "user-events": "arn:aws:iam::111111111111:role/tracking-dev-user-events-firehose",
            "user-utm": "arn:aws:iam::111111111111:role/tracking-dev-user-utm-firehose",
        };
        expect([...checkEngineeringFirehoseRoles("org/eng/dev", { ...pinned }, pinned)]).to.have.members(
            Object.values(pinned),
        );
        expect(() =>
            checkEngineeringFirehoseRoles(
                "org/eng/dev",
                { ...pinned, "user-utm": "arn:aws:iam::111111111111:role/prod-user-utm-firehose" },
                pinned,
            ),
        ).to.throw(
            /engineering stack org\/eng\/dev: export "firehoseRoleArns":\n {2}- pipeline "user-utm": exported Firehose role "arn:aws:iam::111111111111:role\/prod-user-utm-firehose" is not the pinned/,
        );
        // A pipeline added since engineering's last deploy is not confirmed yet, and not an error.
        expect([
            ...checkEngineeringFirehoseRoles("org/eng/dev", { "user-events": pinned["user-events"] }, pinned),
        ]).to.deep.equal([pinned["user-events"]]);
        expect(() => checkEngineeringFirehoseRoles("org/eng/dev", ["x"], pinned)).to.throw(
            /must be an object keyed by pipeline name/,
        );
    });

    it("creates stream views only for readers the engineering stack exports, and refuses a reader that is not the pinned one", () => {
        const pinned = {
            "user-events": "arn:aws:iam::111111111111:role/tracking-dev-user-events-stream-reader",
            "user-utm": "arn:aws:iam::111111111111:role/tracking-dev-user-utm-stream-reader",
        };
        // An engineering stack deployed before the streaming tier exports none: no view yet, no error.
        expect([...checkEngineeringStreamReaders("org/eng/dev", {}, pinned)]).to.deep.equal([]);
        expect([
            ...checkEngineeringStreamReaders("org/eng/dev", { "user-utm": pinned["user-utm"] }, pinned),
        ]).to.deep.equal(["user-utm"]);
        expect(() =>
            checkEngineeringStreamReaders(
                "org/eng/dev",
                { ...pinned, "user-events": "arn:aws:iam::333333333333:role/tracking-dev-user-events-stream-reader" },
                pinned,
            ),
        ).to.throw(
            /export "streamReaderRoleArns":\n {2}- pipeline "user-events": exported stream reader "arn:aws:iam::333333333333:role\/tracking-dev-user-events-stream-reader" is not the pinned/,
        );
    });
});
