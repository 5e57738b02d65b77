import { expect } from "chai";
import { GlueLoadJob, GlueLoadJobArgs } from "../../shared/glue-load-job";
import { jobColumnMapping } from "../../shared/pipeline-codegen/job-mapping";
import { userEvents } from "../../shared/pipelines/user-events";
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
import { list, parseDocument } from "../support/policy-document";

const SCOPE = { partition: "aws", region: TEST_REGION, accountId: TEST_ACCOUNT };
const KEY = `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/dddddddd-0000-0000-0000-000000000000`;
const LANDING = "arn:aws:s3:::tracking-test-landing";
const GLUE = "arn:aws:s3:::tracking-test-glue";
const SCRIPT = `${GLUE}/scripts/load_to_redshift.py`;
const WORKGROUP = `arn:aws:redshift-serverless:${TEST_REGION}:${TEST_ACCOUNT}:workgroup/0b7c8a5e-3d1f-4c2a-9e6b-5f4d3c2b1a09`;
const IAM_URL =
    "jdbc:redshift:iam://tracking-test-sandbox.111111111111.eu-central-1.redshift-serverless.amazonaws.com:5439/dev?groupFederation=true";
const ROLE_ARN = `arn:aws:iam::${TEST_ACCOUNT}:role/tracking-test-user-events-load`;

function args(overrides: Partial<GlueLoadJobArgs> = {}): GlueLoadJobArgs {
    return {
        namePrefix: "tracking-test-user-events",
        pipeline: "user-events",
        scope: SCOPE,
        roleName: "tracking-test-user-events-load",
        glueBucket: { name: "tracking-test-glue", arn: GLUE },
        script: { s3Uri: "s3://tracking-test-glue/scripts/load_to_redshift.py", objectArn: SCRIPT },
        source: { bucketName: "tracking-test-landing", bucketArn: LANDING, prefix: "user-events/" },
        badRowsPrefix: "_bad-rows/user-events/",
        metricsNamespace: "Tracking/Load",
        connection: { name: "tracking-test-redshift" },
        redshift: { kind: "workgroup", url: IAM_URL, workgroupArn: WORKGROUP },
        target: {
            database: "dev",
            table: "tracking.events",
            mergeKey: userEvents.mergeKey,
            columnMapping: jobColumnMapping(userEvents),
        },
        securityConfigurationName: "tracking-test-glue",
        kmsKeyArn: KEY,
        workers: 2,
        timeoutMinutes: 30,
        maxRetries: 1,
        trigger: { kind: "schedule", schedule: "cron(0/5 * * * ? *)" },
        ...overrides,
    };
}

function job(resources: readonly RecordedResource[]): Record<string, unknown> {
    const [found] = ofType(resources, "aws:glue/job:Job");
    return found.inputs;
}

/** The role's decision on an S3 call; same account and no bucket policy here, so its own policy decides. */
async function s3(
    resources: readonly RecordedResource[],
    action: string,
    resource: string,
    context?: Record<string, string>,
): Promise<string> {
    const policy = JSON.parse(String(ofType(resources, "aws:iam/rolePolicy:RolePolicy")[0].inputs.policy)) as unknown;
    return decide(
        { principal: ROLE_ARN, action, resource, resourceAccount: TEST_ACCOUNT, ...(context ? { context } : {}) },
        { identity: [{ name: "permissions", policy }] },
    );
}

describe("GlueLoadJob (component, under pulumi.runtime.setMocks)", () => {
    it("runs the script as a Glue 5.0 job, one run at a time with bookmarks, reading its prefix and loading its table through the connection", async () => {
        let load: GlueLoadJob | undefined;
        const resources = await recordResources(() => {
            load = new GlueLoadJob("user-events", args({ workers: 3, timeoutMinutes: 45, maxRetries: 2 }));
        });
        const inputs = job(resources);
        expect(inputs).to.include({
            name: "tracking-test-user-events-load",
            glueVersion: "5.0",
            workerType: "G.1X",
            numberOfWorkers: 3,
            timeout: 45,
            maxRetries: 2,
            securityConfiguration: "tracking-test-glue",
            roleArn: ROLE_ARN,
        });
        expect(inputs.command).to.deep.include({
            name: "glueetl",
            scriptLocation: "s3://tracking-test-glue/scripts/load_to_redshift.py",
        });
        expect(inputs.executionProperty).to.deep.equal({ maxConcurrentRuns: 1 });
        expect(inputs.jobRunQueuingEnabled, "Glue queues only runs that are not retried").to.equal(undefined);
        expect(inputs.connections).to.deep.equal(["tracking-test-redshift"]);
        expect(inputs.defaultArguments).to.deep.include({
            "--job-bookmark-option": "job-bookmark-enable",
            "--source_path": "s3://tracking-test-landing/user-events/",
            "--bad_rows_path": "s3://tracking-test-landing/_bad-rows/user-events/",
            "--TempDir": "s3://tracking-test-glue/temp/user-events/",
            "--target_table": "tracking.events",
            "--merge_key": userEvents.mergeKey,
            "--redshift_url": IAM_URL,
            "--aws_region": TEST_REGION,
            "--custom-logGroup-prefix": "/aws/glue/tracking-test-user-events-load",
        });
        expect(
            JSON.parse(String((inputs.defaultArguments as Record<string, string>)["--column_mapping"])),
        ).to.deep.equal(jobColumnMapping(userEvents));
        expect(await valueOf(load!.jobName)).to.equal("tracking-test-user-events-load");
    });

    it("signs in to Redshift with its role's temporary credentials, never a secret: a workgroup's GetCredentials, a cluster's GetClusterCredentialsWithIAM", async () => {
        const statementsOf = (resources: readonly RecordedResource[]) =>
            parseDocument(ofType(resources, "aws:iam/rolePolicy:RolePolicy")[0].inputs.policy).Statement.map((st) => ({
                Sid: st.Sid,
                Action: list(st.Action),
                Resource: list(st.Resource),
            }));
        const serverless = statementsOf(await recordResources(() => new GlueLoadJob("user-events", args())));
        expect(serverless.flatMap((st) => st.Action).filter((a) => a.startsWith("secretsmanager:"))).to.deep.equal([]);
        expect(serverless.find((st) => st.Sid === "RedshiftIamCredentials")).to.deep.include({
            Action: ["redshift-serverless:GetCredentials", "redshift-serverless:GetWorkgroup"],
            Resource: [WORKGROUP],
        });
        const clusterArn = `arn:aws:redshift:${TEST_REGION}:${TEST_ACCOUNT}:cluster:warehouse`;
        const databaseArn = `arn:aws:redshift:${TEST_REGION}:${TEST_ACCOUNT}:dbname:warehouse/dev`;
        const cluster = statementsOf(
            await recordResources(
                () =>
                    new GlueLoadJob(
                        "user-events",
                        args({ redshift: { kind: "cluster", url: IAM_URL, clusterArn, databaseArn } }),
                    ),
            ),
        );
        expect(cluster.find((st) => st.Sid === "RedshiftIamCredentials")).to.deep.include({
            Action: ["redshift:DescribeClusters", "redshift:GetClusterCredentialsWithIAM"],
            Resource: [clusterArn, databaseArn],
        });
    });

    it("owns its error and output log groups, encrypted with the data key, with the given retention (30 days by default)", async () => {
        const byDefault = await recordResources(() => new GlueLoadJob("user-events", args()));
        const groups = ofType(byDefault, "aws:cloudwatch/logGroup:LogGroup").map((g) => g.inputs);
        expect(groups).to.have.deep.members(
            ["error", "output"].map((kind) => ({
                name: `/aws/glue/tracking-test-user-events-load/${kind}`,
                retentionInDays: 30,
                kmsKeyId: KEY,
            })),
        );
        const week = await recordResources(() => new GlueLoadJob("user-events", args({ logRetentionDays: 7 })));
        expect(ofType(week, "aws:cloudwatch/logGroup:LogGroup").map((g) => g.inputs.retentionInDays)).to.deep.equal([
            7, 7,
        ]);
    });

    it("lets Glue alone assume the role, which reads its own prefix, writes its bad rows and TempDir, and nothing of another pipeline", async () => {
        const resources = await recordResources(() => new GlueLoadJob("user-events", args()));
        const [role] = ofType(resources, "aws:iam/role:Role");
        const trust = JSON.parse(String(role.inputs.assumeRolePolicy)) as unknown;
        const assume = (principal: string) =>
            decide(
                { principal, action: "sts:AssumeRole", resource: ROLE_ARN, resourceAccount: TEST_ACCOUNT },
                { identity: [], resource: trust },
            );
        expect(await assume("glue.amazonaws.com")).to.equal("Allowed");
        expect(await assume("firehose.amazonaws.com")).to.equal("ImplicitlyDenied");

        expect(await s3(resources, "s3:GetObject", `${LANDING}/user-events/2026/12/05/part.gz`)).to.equal("Allowed");
        expect(await s3(resources, "s3:GetObject", `${LANDING}/user-utm/2026/12/05/part.gz`)).to.equal(
            "ImplicitlyDenied",
        );
        expect(await s3(resources, "s3:DeleteObject", `${LANDING}/user-events/2026/12/05/part.gz`)).to.equal(
            "ImplicitlyDenied",
        );
        expect(
            await s3(resources, "s3:PutObject", `${LANDING}/_bad-rows/user-events/2026/12/05/run/part-0.jsonl`),
        ).to.equal("Allowed");
        expect(await s3(resources, "s3:PutObject", `${LANDING}/user-events/forged.gz`)).to.equal("ImplicitlyDenied");
        expect(await s3(resources, "s3:PutObject", `${GLUE}/temp/user-events/x`)).to.equal("Allowed");
        expect(await s3(resources, "s3:PutObject", `${GLUE}/temp/user-utm/x`)).to.equal("ImplicitlyDenied");
        expect(await s3(resources, "s3:GetObject", SCRIPT)).to.equal("Allowed");
        expect(await s3(resources, "s3:PutObject", SCRIPT)).to.equal("ImplicitlyDenied");
        expect(await s3(resources, "s3:ListBucket", LANDING, { "s3:prefix": "user-events/2026/" })).to.equal("Allowed");
        expect(await s3(resources, "s3:ListBucket", LANDING, { "s3:prefix": "user-utm/" })).to.equal(
            "ImplicitlyDenied",
        );
    });

    it("queues its runs past the account's concurrent-run quota only when they are not retried", async () => {
        const notRetried = job(await recordResources(() => new GlueLoadJob("user-events", args({ maxRetries: 0 }))));
        expect(notRetried).to.include({ maxRetries: 0, jobRunQueuingEnabled: true });
        const retried = job(await recordResources(() => new GlueLoadJob("user-events", args({ maxRetries: 1 }))));
        expect(retried).to.include({ maxRetries: 1 }).and.not.have.property("jobRunQueuingEnabled");
    });

    it("starts on its schedule, or when the S3 crawler succeeds", async () => {
        const scheduled = await recordResources(
            () =>
                new GlueLoadJob(
                    "user-events",
                    args({ trigger: { kind: "schedule", schedule: "cron(0/15 * * * ? *)" } }),
                ),
        );
        const [timer] = ofType(scheduled, "aws:glue/trigger:Trigger");
        expect(timer.inputs).to.include({ type: "SCHEDULED", schedule: "cron(0/15 * * * ? *)", startOnCreation: true });
        expect(timer.inputs.actions).to.deep.equal([{ jobName: "tracking-test-user-events-load" }]);

        const afterCrawl = await recordResources(
            () =>
                new GlueLoadJob(
                    "user-events",
                    args({ trigger: { kind: "crawler", crawlerName: "tracking-test-user-events-s3" } }),
                ),
        );
        const [conditional] = ofType(afterCrawl, "aws:glue/trigger:Trigger");
        expect(conditional.inputs)
            .to.include({ type: "CONDITIONAL", startOnCreation: true })
            .and.not.have.property("schedule");
        expect((conditional.inputs.predicate as { conditions: unknown[] }).conditions).to.deep.equal([
            { crawlerName: "tracking-test-user-events-s3", crawlState: "SUCCEEDED", logicalOperator: "EQUALS" },
        ]);
    });

    it("refuses a prefix it could not read safely, a merge key outside the mapping, a non-cron schedule and bad rows inside its prefix, naming the job", async () => {
        const cases: Array<[Partial<GlueLoadJobArgs>, RegExp]> = [
            [
                { source: { bucketName: "b", bucketArn: LANDING, prefix: "user-events" } },
                /GlueLoadJob user-events: source.prefix must end with "\/"/,
            ],
            [
                { source: { bucketName: "b", bucketArn: LANDING, prefix: "user-*/" } },
                /source.prefix must be folder names/,
            ],
            [
                { source: { bucketName: "b", bucketArn: LANDING, prefix: "a/../b/" } },
                /source.prefix must be folder names/,
            ],
            [
                {
                    target: {
                        database: "dev",
                        table: "tracking.events",
                        mergeKey: "no_such_column",
                        columnMapping: jobColumnMapping(userEvents),
                    },
                },
                /target.mergeKey "no_such_column" is not a target column/,
            ],
            [
                { trigger: { kind: "schedule", schedule: "rate(5 minutes)" } },
                /trigger.schedule must be a cron\(...\) expression \(got "rate\(5 minutes\)"\)/,
            ],
            [
                { badRowsPrefix: "user-events/_bad/" },
                /badRowsPrefix must be a folder ending in "\/" outside source.prefix/,
            ],
        ];
        for (const [overrides, message] of cases) {
            const { error, resources } = await refusal(() => new GlueLoadJob("user-events", args(overrides)));
            expect(String(error)).to.match(message);
            expect(
                resources.filter((r) => r.type !== "tracking:shared:GlueLoadJob").map((r) => r.type),
                "nothing registered under the refused component",
            ).to.deep.equal([]);
        }
    });
});
