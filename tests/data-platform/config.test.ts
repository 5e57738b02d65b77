import { expect } from "chai";
import * as path from "path";
import { loadDataPlatformConfig } from "../../data-platform/config";
import { pipelines } from "../../shared/pipelines";
import { repoRoot } from "../../tools/plan/runner";
import { readProjectFile, readStackConfig } from "../../tools/plan/stack-files";
import { configTestKit } from "../support/config-kit";

const NS = "tracking-data-platform";

/** A minimal valid configuration: every optional key left to its default. */
const VALID: Record<string, string> = {
    "aws:region": "eu-central-1",
    "aws:allowedAccountIds": JSON.stringify(["222222222222"]),
    "aws:defaultTags": JSON.stringify({ tags: { "tracking:stack": "dev" } }),
    [`${NS}:accountId`]: "222222222222",
    [`${NS}:engineeringAccountId`]: "111111111111",
    [`${NS}:redshiftMode`]: "sandbox",
};

const SERVERLESS: Record<string, string> = {
    redshiftMode: "serverless",
    redshiftWorkgroupName: "analytics",
    redshiftHost: "analytics.222222222222.eu-central-1.redshift-serverless.amazonaws.com",
    redshiftSecretArn: "arn:aws:secretsmanager:eu-central-1:222222222222:secret:redshift/loader-AbCdEf",
};

const NETWORK: Record<string, string> = {
    vpcId: "vpc-0123456789abcdef0",
    subnetId: "subnet-0123456789abcdef0",
    availabilityZone: "eu-central-1b",
    routeTableIds: JSON.stringify(["rtb-0123456789abcdef0"]),
};

const { load, loadValues, problems, expectProblem } = configTestKit(NS, VALID, loadDataPlatformConfig);

describe("data-platform: stack configuration", () => {
    it("applies every documented default", async () => {
        const config = await load();
        expect(config).to.deep.include({
            stack: "dev",
            accountId: "222222222222",
            region: "eu-central-1",
            partition: "aws",
            engineeringAccountId: "111111111111",
            engineeringStack: undefined,
            deployerRoleArn: "arn:aws:iam::222222222222:role/tracking-deployer",
            workloadBoundaryArn: "arn:aws:iam::222222222222:policy/tracking-workload-boundary",
            protectStatefulResources: true,
            lifecycleDays: { landing: 730, raw: 365, noncurrentVersions: 30, glueTemp: 7 },
            s3CrawlerSchedule: "cron(15 4 ? * SUN *)",
            jdbcCrawlerSchedule: "cron(0 3 ? * SUN *)",
            jobTrigger: "new-data",
            jobSchedule: "cron(0/5 * * * ? *)",
            jobWorkers: 2,
            jobTimeoutMinutes: 30,
            jobMaxRetries: 0,
            network: undefined,
            alarms: {},
        });
        expect(config.redshift).to.deep.equal({
            mode: "sandbox",
            database: "dev",
            port: 5439,
            adminUsername: "tracking_admin",
            baseCapacity: 4,
            subnetIds: undefined,
            usageLimit: { rpuHours: 720, period: "monthly", breachAction: "emit-metric" },
        });
        expect(config.pipelines).to.equal(pipelines);
    });

    it("takes the sandbox's usage limit, or none with 0, and refuses deactivate, naming the provider's read-back", async () => {
        expect(
            (
                await load({
                    redshiftUsageLimitRpuHours: "100",
                    redshiftUsageLimitPeriod: "weekly",
                    redshiftUsageLimitBreachAction: "log",
                })
            ).redshift,
        ).to.deep.include({
            usageLimit: { rpuHours: 100, period: "weekly", breachAction: "log" },
        });
        expect((await load({ redshiftUsageLimitRpuHours: "0" })).redshift).to.not.have.property("usageLimit");
        await expectProblem(
            { redshiftUsageLimitBreachAction: "deactivate" },
            "redshiftUsageLimitBreachAction",
            /must not be deactivate: AWS reads it back as disable/,
        );
        await expectProblem(
            { redshiftUsageLimitBreachAction: "alert" },
            "redshiftUsageLimitBreachAction",
            /must be one of log, emit-metric/,
        );
        await expectProblem(
            { redshiftUsageLimitPeriod: "yearly" },
            "redshiftUsageLimitPeriod",
            /must be one of daily, weekly, monthly/,
        );
        await expectProblem(
            { redshiftUsageLimitRpuHours: "-1" },
            "redshiftUsageLimitRpuHours",
            /integer from 0 to 1000000/,
        );
        await expectProblem(
            { redshiftUsageLimitRpuHours: "0", redshiftUsageLimitPeriod: "daily" },
            "redshiftUsageLimitRpuHours",
            /is 0 \(no usage limit\): leave redshiftUsageLimitPeriod and redshiftUsageLimitBreachAction unset/,
        );
        await expectProblem(
            { ...SERVERLESS, redshiftUsageLimitRpuHours: "100" },
            "redshiftUsageLimitRpuHours",
            /only applies when redshiftMode is sandbox/,
        );
    });

    describe("alarms", () => {
        const TOPIC = "arn:aws:sns:eu-central-1:222222222222:ops-alerts";

        it("notifies the stack's own topic unless alarmTopicArn names an existing standard topic of this account and region", async () => {
            expect((await load({ alarmTopicArn: TOPIC })).alarms).to.deep.equal({ topicArn: TOPIC });
            // The engineering account's topic is another account's: this stack's rule could not target it.
            await expectProblem(
                { alarmTopicArn: "arn:aws:sns:eu-central-1:111111111111:ops-alerts" },
                "alarmTopicArn",
                /account \(222222222222\) and region \(eu-central-1\)/,
            );
            await expectProblem(
                { alarmTopicArn: "arn:aws:sns:us-east-1:222222222222:ops-alerts" },
                "alarmTopicArn",
                /SNS standard topic ARN/,
            );
            await expectProblem(
                { alarmTopicArn: "arn:aws:sns:eu-central-1:222222222222:ops.fifo" },
                "alarmTopicArn",
                /SNS standard topic ARN/,
            );
        });

        it("subscribes alarmEmail, a valid address, to the created topic only", async () => {
            expect((await load({ alarmEmail: "ops@example.com" })).alarms).to.deep.equal({ email: "ops@example.com" });
            await expectProblem({ alarmEmail: "ops at example.com" }, "alarmEmail", /must be an email address/);
            await expectProblem(
                { alarmEmail: "ops@example.com", alarmTopicArn: TOPIC },
                "alarmEmail",
                /only applies to the topic this stack creates/,
            );
        });

        it("refuses alarmThresholds, which only the engineering stack has, rather than ignoring it", async () => {
            await expectProblem(
                { alarmThresholds: JSON.stringify({ api5xxErrorRate: 0.05 }) },
                "alarmThresholds",
                /does not apply to this stack.*tracking-engineering:alarmThresholds/,
            );
        });
    });

    it("loads the committed data-platform/Pulumi.dev.yaml as written", async () => {
        const { values } = readStackConfig(readProjectFile(path.join(repoRoot(), "data-platform")), "dev");
        const config = await loadValues(values);
        expect(config.accountId).to.equal(JSON.parse(values["aws:allowedAccountIds"])[0]);
        expect(config.engineeringStack).to.equal(values[`${NS}:engineeringStack`]);
        expect(config.redshift.mode).to.equal(values[`${NS}:redshiftMode`]);
    });

    it("reads an existing serverless workgroup, a cluster, and a configured VPC", async () => {
        const serverless = await load({
            ...SERVERLESS,
            ...NETWORK,
            redshiftSecurityGroupId: "sg-0123456789abcdef0",
            redshiftDatabase: "analytics",
        });
        expect(serverless.redshift).to.deep.equal({
            mode: "serverless",
            workgroupName: "analytics",
            host: SERVERLESS.redshiftHost,
            port: 5439,
            database: "analytics",
            secretArn: SERVERLESS.redshiftSecretArn,
            streamingRoleAttached: false,
        });
        expect(serverless.network).to.deep.equal({
            vpcId: NETWORK.vpcId,
            subnetId: NETWORK.subnetId,
            availabilityZone: NETWORK.availabilityZone,
            routeTableIds: ["rtb-0123456789abcdef0"],
            redshiftSecurityGroupId: "sg-0123456789abcdef0",
        });
        const cluster = await load({
            ...SERVERLESS,
            redshiftWorkgroupName: undefined,
            redshiftMode: "cluster",
            redshiftClusterIdentifier: "warehouse-1",
            redshiftStreamingRoleAttached: "true",
        });
        expect(cluster.redshift).to.deep.include({
            mode: "cluster",
            clusterIdentifier: "warehouse-1",
            streamingRoleAttached: true,
        });
        // The sandbox's namespace attaches the role itself: the key belongs to the existing modes only.
        await expectProblem(
            { redshiftStreamingRoleAttached: "true" },
            "redshiftStreamingRoleAttached",
            /only applies when redshiftMode is serverless or cluster/,
        );
        const crawler = await load({ jobTrigger: "crawler", jobWorkers: "10", protectStatefulResources: "false" });
        expect(crawler).to.deep.include({ jobTrigger: "crawler", jobWorkers: 10, protectStatefulResources: false });
        // Without the pre-check registering new hours, the S3 crawler does, hourly.
        expect(crawler.s3CrawlerSchedule).to.equal("cron(15 * * * ? *)");
        expect((await load({ jobTrigger: "schedule" })).s3CrawlerSchedule).to.equal("cron(15 * * * ? *)");
        // Scheduled runs are retried by Glue; with new-data the next check starts a failed load again.
        expect((await load({ jobTrigger: "schedule" })).jobMaxRetries).to.equal(1);
    });

    it("a key the project does not know is an error naming the nearest valid key, even beside a mode's keys", async () => {
        await expectProblem(
            { jobWorker: "4" },
            "jobWorker",
            /^tracking-data-platform:jobWorker: is not a key of this project \(did you mean jobWorkers\?\); every key is documented in data-platform\/config\.ts$/,
        );
        await expectProblem({ colour: "blue" }, "colour", /is not a key of this project; every key/);
        // An unknown redshiftMode reads none of the modes' keys: they are not reported as unknown on top.
        const found = await problems({ redshiftMode: "serverles", redshiftHost: "h.example.com" });
        expect(
            found.filter((p) => p.includes("is not a key")),
            JSON.stringify(found),
        ).to.deep.equal([]);
    });

    it("pins the AWS provider to the stack's account", async () => {
        await expectProblem(
            { "aws:allowedAccountIds": JSON.stringify(["333333333333"]) },
            "aws:allowedAccountIds",
            /must be \["222222222222"\]/,
        );
        await expectProblem(
            { "aws:allowedAccountIds": undefined },
            "aws:allowedAccountIds",
            /the value of tracking-data-platform:accountId/,
        );
    });

    it("requires the stack tag the deployer's permissions are conditioned on, with the stack's name", async () => {
        await expectProblem(
            { "aws:defaultTags": undefined },
            "aws:defaultTags",
            /must be \{ tags: \{ "tracking:stack": "dev" \} \}/,
        );
        await expectProblem(
            { "aws:defaultTags": JSON.stringify({ tags: { "tracking:stack": "prod" } }) },
            "aws:defaultTags",
            /"tracking:stack": "dev"/,
        );
        const found = await problems({}, "qa");
        expect(found).to.have.length(1);
        expect(found[0]).to.match(/^aws:defaultTags: must be \{ tags: \{ "tracking:stack": "qa" \} \}/);
    });

    it("requires the account ids, and two different accounts", async () => {
        const missing = await problems({ accountId: undefined, "aws:allowedAccountIds": undefined });
        expect(missing[0]).to.match(/^tracking-data-platform:accountId: is required \(a 12-digit AWS account id\)/);
        await expectProblem(
            { engineeringAccountId: "1111" },
            "engineeringAccountId",
            /must be a 12-digit AWS account id \(got "1111"\)/,
        );
        await expectProblem(
            { engineeringAccountId: "222222222222" },
            "engineeringAccountId",
            /must differ from accountId/,
        );
    });

    it("checks the region and the stack name", async () => {
        await expectProblem({ "aws:region": "europe" }, "aws:region", /must be an AWS region/);
        const badStack = await problems(
            { "aws:defaultTags": JSON.stringify({ tags: { "tracking:stack": "Production-Stack" } }) },
            "Production-Stack",
        );
        expect(badStack, JSON.stringify(badStack)).to.have.length(1);
        expect(badStack[0]).to.match(/^pulumi:stack: the stack name must be 1-10 lowercase letters and digits/);
    });

    it("checks engineeringStack's form", async () => {
        await expectProblem(
            { engineeringStack: "not a stack" },
            "engineeringStack",
            /must be a stack reference such as organization\/tracking-engineering\/dev/,
        );
        expect((await load({ engineeringStack: "organization/tracking-engineering/dev" })).engineeringStack).to.equal(
            "organization/tracking-engineering/dev",
        );
    });

    it("checks booleans, integer bounds and lifecycle days", async () => {
        await expectProblem({ protectStatefulResources: "yes" }, "protectStatefulResources", /must be true or false/);
        await expectProblem({ landingExpirationDays: "0" }, "landingExpirationDays", /integer from 1 to 36500/);
        await expectProblem({ rawExpirationDays: "1.5" }, "rawExpirationDays", /integer from 1 to 36500/);
        await expectProblem(
            { noncurrentVersionExpirationDays: "9999" },
            "noncurrentVersionExpirationDays",
            /integer from 1 to 3650/,
        );
        await expectProblem({ glueTempExpirationDays: "400" }, "glueTempExpirationDays", /integer from 1 to 365/);
        await expectProblem({ jobWorkers: "1" }, "jobWorkers", /integer from 2 to 100/);
        await expectProblem({ jobTimeoutMinutes: "3000" }, "jobTimeoutMinutes", /integer from 1 to 2880/);
        await expectProblem({ jobMaxRetries: "-1" }, "jobMaxRetries", /integer from 0 to 10/);
    });

    it("checks schedules and the job trigger", async () => {
        await expectProblem(
            { jobSchedule: "rate(5 minutes)" },
            "jobSchedule",
            /must be a Glue cron expression with six fields/,
        );
        await expectProblem({ s3CrawlerSchedule: "cron(0 * * * *)" }, "s3CrawlerSchedule", /six fields/);
        await expectProblem({ jdbcCrawlerSchedule: "daily" }, "jdbcCrawlerSchedule", /six fields/);
        await expectProblem({ jobTrigger: "event" }, "jobTrigger", /must be one of new-data, schedule, crawler/);
        await expectProblem(
            { jobTrigger: "crawler", jobSchedule: "cron(0/5 * * * ? *)" },
            "jobSchedule",
            /only applies when jobTrigger is new-data or schedule/,
        );
    });

    it("requires a Redshift mode, and each mode's own keys (naming the key and the mode)", async () => {
        await expectProblem(
            { redshiftMode: undefined },
            "redshiftMode",
            /is required \(one of serverless, cluster, sandbox\)/,
        );
        await expectProblem(
            { redshiftMode: "provisioned" },
            "redshiftMode",
            /must be one of serverless, cluster, sandbox/,
        );
        await expectProblem(
            { ...SERVERLESS, redshiftWorkgroupName: undefined },
            "redshiftWorkgroupName",
            /is required when redshiftMode is serverless/,
        );
        await expectProblem(
            { ...SERVERLESS, redshiftHost: undefined },
            "redshiftHost",
            /is required when redshiftMode is serverless/,
        );
        await expectProblem(
            { ...SERVERLESS, redshiftSecretArn: undefined },
            "redshiftSecretArn",
            /is required when redshiftMode is serverless/,
        );
        await expectProblem(
            { ...SERVERLESS, redshiftMode: "cluster", redshiftWorkgroupName: undefined },
            "redshiftClusterIdentifier",
            /is required when redshiftMode is cluster/,
        );
    });

    it("refuses keys of another Redshift mode", async () => {
        await expectProblem(
            { ...SERVERLESS, redshiftClusterIdentifier: "warehouse-1" },
            "redshiftClusterIdentifier",
            /only applies when redshiftMode is cluster \(redshiftMode is serverless\)/,
        );
        await expectProblem(
            { redshiftHost: "x.example.com" },
            "redshiftHost",
            /only applies when redshiftMode is serverless or cluster \(redshiftMode is sandbox\)/,
        );
        await expectProblem(
            { ...SERVERLESS, redshiftBaseCapacity: "16" },
            "redshiftBaseCapacity",
            /only applies when redshiftMode is sandbox/,
        );
    });

    it("checks Redshift values", async () => {
        await expectProblem(
            { ...SERVERLESS, redshiftSecretArn: "arn:aws:secretsmanager:eu-central-1:999999999999:secret:x" },
            "redshiftSecretArn",
            /in this account \(222222222222\) and region \(eu-central-1\)/,
        );
        await expectProblem({ ...SERVERLESS, redshiftHost: "not a host" }, "redshiftHost", /must be a DNS host name/);
        await expectProblem(
            { ...SERVERLESS, redshiftWorkgroupName: "Analytics!" },
            "redshiftWorkgroupName",
            /Redshift Serverless workgroup name/,
        );
        await expectProblem({ redshiftDatabase: "Dev-DB" }, "redshiftDatabase", /lowercase Redshift database name/);
        await expectProblem({ redshiftPort: "80" }, "redshiftPort", /integer from 1150 to 65535/);
        await expectProblem(
            { redshiftBaseCapacity: "12" },
            "redshiftBaseCapacity",
            /must be 4, or a multiple of 8 from 8 to 512/,
        );
        await expectProblem(
            { redshiftBaseCapacity: "6" },
            "redshiftBaseCapacity",
            /must be 4, or a multiple of 8 from 8 to 512/,
        );
        await expectProblem(
            { redshiftAdminUsername: "admin" },
            "redshiftAdminUsername",
            /must not be a name Redshift reserves/,
        );
    });

    it("takes a Redshift-managed admin secret (redshift!...) by its full ARN, and the secret's own KMS key, in the existing modes only", async () => {
        const managed = "arn:aws:secretsmanager:eu-central-1:222222222222:secret:redshift!warehouse-awsuser-Gh1JkL";
        const key = "arn:aws:kms:eu-central-1:222222222222:key/0b7c8a5e-3d1f-4c2a-9e6b-5f4d3c2b1a09";
        const cluster = await load({
            ...SERVERLESS,
            redshiftWorkgroupName: undefined,
            redshiftMode: "cluster",
            redshiftClusterIdentifier: "warehouse",
            redshiftSecretArn: managed,
            redshiftSecretKmsKeyArn: key,
        });
        expect(cluster.redshift).to.deep.include({ secretArn: managed, secretKmsKeyArn: key });
        expect((await load(SERVERLESS)).redshift).to.not.have.property("secretKmsKeyArn");
        await expectProblem(
            { ...SERVERLESS, redshiftSecretArn: managed.replace(/-Gh1JkL$/, "") },
            "redshiftSecretArn",
            /must be the full ARN \(ending in -<6 characters>\)/,
        );
        await expectProblem(
            { ...SERVERLESS, redshiftSecretKmsKeyArn: "alias/analytics" },
            "redshiftSecretKmsKeyArn",
            /must be a KMS key ARN in eu-central-1/,
        );
        await expectProblem(
            { ...SERVERLESS, redshiftSecretKmsKeyArn: key.replace("eu-central-1", "us-east-1") },
            "redshiftSecretKmsKeyArn",
            /must be a KMS key ARN in eu-central-1/,
        );
        await expectProblem(
            { redshiftSecretKmsKeyArn: key },
            "redshiftSecretKmsKeyArn",
            /only applies when redshiftMode is serverless or cluster \(redshiftMode is sandbox\)/,
        );
    });

    it("logRetentionDays: the load jobs' log groups, a retention CloudWatch Logs accepts", async () => {
        expect((await load({})).logRetentionDays).to.equal(30);
        expect((await load({ logRetentionDays: "365" })).logRetentionDays).to.equal(365);
        await expectProblem(
            { logRetentionDays: "100" },
            "logRetentionDays",
            /must be one of the values CloudWatch Logs accepts: 1, 3, 5/,
        );
    });

    it("takes the network keys all or none, and checks each", async () => {
        const found = await problems({ ...SERVERLESS, vpcId: NETWORK.vpcId, subnetId: NETWORK.subnetId });
        expect(found).to.have.length(2);
        expect(found[0]).to.match(
            /^tracking-data-platform:availabilityZone: is required when vpcId, subnetId are set \(.*all or none\)/,
        );
        expect(found[1]).to.match(/^tracking-data-platform:routeTableIds: is required when vpcId, subnetId are set/);
        await expectProblem({ ...SERVERLESS, ...NETWORK, vpcId: "vpc-xyz" }, "vpcId", /must be a VPC id/);
        await expectProblem(
            { ...SERVERLESS, ...NETWORK, availabilityZone: "us-east-1a" },
            "availabilityZone",
            /an Availability Zone of eu-central-1/,
        );
        await expectProblem(
            { ...SERVERLESS, ...NETWORK, routeTableIds: JSON.stringify([]) },
            "routeTableIds",
            /non-empty list of route table ids/,
        );
        await expectProblem(
            { redshiftSecurityGroupId: "sg-0123456789abcdef0" },
            "redshiftSecurityGroupId",
            /only applies with a configured vpcId/,
        );
    });

    it("needs 3 sandbox subnets in a configured VPC, and none without one", async () => {
        await expectProblem(
            { ...NETWORK },
            "redshiftSubnetIds",
            /is required when redshiftMode is sandbox and vpcId is set/,
        );
        await expectProblem(
            { ...NETWORK, redshiftSubnetIds: JSON.stringify(["subnet-0123456789abcdef0"]) },
            "redshiftSubnetIds",
            /at least 3 subnet ids/,
        );
        await expectProblem(
            {
                redshiftSubnetIds: JSON.stringify([
                    "subnet-0123456789abcdef0",
                    "subnet-0123456789abcdef1",
                    "subnet-0123456789abcdef2",
                ]),
            },
            "redshiftSubnetIds",
            /only applies with a configured vpcId/,
        );
        const subnets = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"];
        const config = await load({ ...NETWORK, redshiftSubnetIds: JSON.stringify(subnets) });
        expect(config.redshift).to.deep.include({ mode: "sandbox", subnetIds: subnets });
    });

    it("reports every problem at once", async () => {
        const found = await problems({ jobWorkers: "0", jobTrigger: "never", redshiftMode: undefined });
        expect(found.map((p) => p.split(":")[1])).to.deep.equal(["jobTrigger", "jobWorkers", "redshiftMode"]);
    });
});
