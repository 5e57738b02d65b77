import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { BootstrapConfig, readBootstrapConfig } from "../../bootstrap/config";
import { ConfigError } from "../../shared/config";
import * as path from "path";
import { environmentStacks, repoRoot } from "../../tools/plan/runner";
import { readProjectFile, readStackConfig } from "../../tools/plan/stack-files";

/**
 * The bootstrap stack's configuration rules, one by one, read through the Pulumi SDK's own config store
 * as the CLI fills it from Pulumi.<account>.yaml: the committed samples load, and each broken value is
 * named with its rule in one ConfigError.
 */

type Values = Record<string, string | undefined>;

function sample(stack: "engineering" | "data-platform"): Record<string, string> {
    return { ...readStackConfig(readProjectFile(repoRoot()), stack).values };
}

function load(values: Values): BootstrapConfig {
    const defined = Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => e[1] !== undefined));
    pulumi.runtime.setAllConfig(defined, []);
    return readBootstrapConfig();
}

/** The problems a configuration is refused with (fails if it is accepted). */
function problems(values: Values): string[] {
    try {
        load(values);
    } catch (err) {
        expect(err).to.be.instanceOf(ConfigError);
        return [...(err as ConfigError).problems];
    }
    expect.fail("the configuration was accepted");
}

/** The engineering sample with some keys changed (undefined removes a key). */
function engineering(changes: Values): Values {
    return { ...sample("engineering"), ...changes };
}

const K = (key: string) => `tracking-bootstrap:${key}`;

describe("bootstrap: stack configuration", function () {
    it("loads the committed engineering sample, with its defaults", function () {
        const config = load(sample("engineering"));
        expect(config).to.deep.include({
            accountRole: "engineering",
            accountId: "111111111111",
            otherAccountId: "222222222222",
            region: "eu-central-1",
            partition: "aws",
            deployBranch: "main",
            requireMfa: true,
            stateBackend: true,
            stateAccountId: "111111111111",
        });
        expect(config.githubOidcProviderArn).to.equal(undefined);
    });

    it("loads the committed data-platform sample, whose backend is the engineering account's", function () {
        const config = load(sample("data-platform"));
        expect(config).to.deep.include({
            accountRole: "data-platform",
            accountId: "222222222222",
            otherAccountId: "111111111111",
            stateBackend: false,
            stateAccountId: "111111111111",
        });
    });

    it("each sample's stackNames lists every committed environment stack (Pulumi.<stack>.yaml of data-platform/ and engineering/)", function () {
        const projects = ["data-platform", "engineering"].map((dir) => readProjectFile(path.join(repoRoot(), dir)));
        const committed = environmentStacks(projects);
        expect(committed, "the examples of each Redshift mode").to.include.members(["dev", "serverless", "cluster"]);
        for (const account of ["engineering", "data-platform"] as const) {
            expect(load(sample(account)).stackNames, `Pulumi.${account}.yaml`).to.include.members(committed);
        }
    });

    it("a key the project does not know is an error naming the nearest valid key; another project's keys are not its business", function () {
        expect(problems(engineering({ [K("requireMFA")]: "false" }))).to.deep.equal([
            "tracking-bootstrap:requireMFA: is not a key of this project (did you mean requireMfa?); every key is documented in bootstrap/config.ts",
        ]);
        expect(() => load(engineering({ "tracking-engineering:streamMode": "ON_DEMAND" }))).to.not.throw();
    });

    it("accountRole: required, engineering or data-platform", function () {
        expect(problems(engineering({ [K("accountRole")]: undefined }))).to.deep.equal([
            "tracking-bootstrap:accountRole: is required (one of engineering, data-platform)",
        ]);
        expect(problems(engineering({ [K("accountRole")]: "analytics" }))).to.deep.equal([
            'tracking-bootstrap:accountRole: must be one of engineering, data-platform (got "analytics")',
        ]);
    });

    it("accountId: a 12-digit id that aws:allowedAccountIds pins", function () {
        expect(problems(engineering({ [K("accountId")]: "1111" }))).to.deep.equal([
            'tracking-bootstrap:accountId: must be a 12-digit AWS account id (got "1111")',
            'aws:allowedAccountIds: must be ["1111"], the value of tracking-bootstrap:accountId, so the AWS provider refuses any other account (got "[\\"111111111111\\"]")',
        ]);
        expect(
            problems(engineering({ "aws:allowedAccountIds": JSON.stringify(["111111111111", "333333333333"]) }))[0],
        ).to.match(/^aws:allowedAccountIds: must be \["111111111111"\]/);
        expect(problems(engineering({ "aws:allowedAccountIds": undefined }))[0]).to.match(
            /^aws:allowedAccountIds: must be \["111111111111"\]/,
        );
    });

    it("aws:region: an AWS region, from which the partition follows", function () {
        expect(problems(engineering({ "aws:region": "europe" }))).to.deep.equal([
            'aws:region: must be an AWS region such as eu-central-1 (got "europe")',
        ]);
        // The sample's administrator role ARNs are in the aws partition; another partition needs its own.
        const noAdmins = { [K("otherAccountAdminRoleArns")]: undefined };
        expect(load(engineering({ "aws:region": "cn-north-1", ...noAdmins })).partition).to.equal("aws-cn");
        expect(load(engineering({ "aws:region": "us-gov-west-1", ...noAdmins })).partition).to.equal("aws-us-gov");
        expect(problems(engineering({ "aws:region": "cn-north-1" }))[0]).to.match(
            /^tracking-bootstrap:otherAccountAdminRoleArns: each entry must be a role ARN \(wildcards allowed\) in otherAccountId, arn:aws-cn:iam::/,
        );
    });

    it("otherAccountId: a 12-digit id, not this account", function () {
        expect(
            problems(engineering({ [K("otherAccountId")]: undefined, [K("otherAccountAdminRoleArns")]: undefined })),
        ).to.deep.equal(["tracking-bootstrap:otherAccountId: is required (a 12-digit AWS account id)"]);
        const noAdmins = { [K("otherAccountAdminRoleArns")]: undefined };
        expect(problems(engineering({ [K("otherAccountId")]: "111111111111", ...noAdmins }))).to.deep.equal([
            'tracking-bootstrap:otherAccountId: must be the other account of the pair, not this stack\'s accountId (got "111111111111")',
        ]);
        expect(problems(engineering({ [K("otherAccountId")]: "2222", ...noAdmins }))).to.deep.equal([
            'tracking-bootstrap:otherAccountId: must be a 12-digit AWS account id (got "2222")',
        ]);
    });

    it("externalId: required, 2-1224 characters of the AssumeRole ExternalId alphabet", function () {
        expect(problems(engineering({ [K("externalId")]: undefined }))[0]).to.match(
            /^tracking-bootstrap:externalId: is required/,
        );
        expect(problems(engineering({ [K("externalId")]: "x" }))[0]).to.match(
            /^tracking-bootstrap:externalId: must be 2 to 1224 characters/,
        );
        expect(problems(engineering({ [K("externalId")]: "has space" }))[0]).to.match(
            /^tracking-bootstrap:externalId: must be 2 to 1224 characters .* \(got "has space"\)$/,
        );
        expect(problems(engineering({ [K("externalId")]: "a".repeat(1225) }))[0]).to.match(
            /^tracking-bootstrap:externalId: must be/,
        );
        expect(load(engineering({ [K("externalId")]: "Ab_+=,.@:/-9" })).externalId).to.equal("Ab_+=,.@:/-9");
    });

    it("githubRepository: owner/name, no wildcards", function () {
        for (const bad of [
            "tracking-pipeline",
            "owner/",
            "/repo",
            "-owner/repo",
            "owner/re po",
            "owner/*",
            "*/*",
            "a/b/c",
        ]) {
            expect(problems(engineering({ [K("githubRepository")]: bad })), bad).to.deep.equal([
                `tracking-bootstrap:githubRepository: must be a GitHub repository as owner/name, e.g. my-org/tracking-pipeline (got ${JSON.stringify(bad)})`,
            ]);
        }
        expect(problems(engineering({ [K("githubRepository")]: undefined }))[0]).to.match(
            /^tracking-bootstrap:githubRepository: is required/,
        );
        expect(load(engineering({ [K("githubRepository")]: "My-Org/tracking.pipeline_2" })).githubRepository).to.equal(
            "My-Org/tracking.pipeline_2",
        );
    });

    it("deployBranch: main by default, a plain branch name otherwise", function () {
        expect(load(engineering({ [K("deployBranch")]: undefined })).deployBranch).to.equal("main");
        expect(load(engineering({ [K("deployBranch")]: "release/v1" })).deployBranch).to.equal("release/v1");
        for (const bad of ["*", "feature/*", "a..b", "/main", "main/", "a//b", "ma in"]) {
            expect(problems(engineering({ [K("deployBranch")]: bad }))[0], bad).to.match(
                /^tracking-bootstrap:deployBranch: must be a branch name/,
            );
        }
    });

    it("githubOidcProviderArn: only this account's GitHub provider", function () {
        const own = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com";
        expect(load(engineering({ [K("githubOidcProviderArn")]: own })).githubOidcProviderArn).to.equal(own);
        for (const bad of [
            "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com",
            "arn:aws:iam::111111111111:oidc-provider/gitlab.com",
            "token.actions.githubusercontent.com",
        ]) {
            expect(problems(engineering({ [K("githubOidcProviderArn")]: bad }))[0], bad).to.match(
                /^tracking-bootstrap:githubOidcProviderArn: must be the ARN of this account's GitHub OIDC provider/,
            );
        }
    });

    it("stackNames: a non-empty list of short lowercase names, none reserved, none repeated", function () {
        expect(problems(engineering({ [K("stackNames")]: undefined }))[0]).to.match(
            /^tracking-bootstrap:stackNames: is required/,
        );
        expect(problems(engineering({ [K("stackNames")]: "dev" }))[0]).to.match(
            /^tracking-bootstrap:stackNames: must be a YAML object or list/,
        );
        expect(problems(engineering({ [K("stackNames")]: "[]" }))[0]).to.match(
            /^tracking-bootstrap:stackNames: must be a non-empty YAML list/,
        );
        expect(problems(engineering({ [K("stackNames")]: JSON.stringify(["Dev"]) }))).to.deep.equal([
            'tracking-bootstrap:stackNames: each entry must be 1-10 lowercase letters and digits, starting with a letter (got "Dev")',
        ]);
        expect(problems(engineering({ [K("stackNames")]: JSON.stringify(["verylongname"]) }))[0]).to.match(
            /each entry must be 1-10 lowercase/,
        );
        // `drift`: a stack of that name would own `tracking-drift-*`, the drift reader's role and policies.
        for (const reserved of ["deployer", "previewer", "drift", "workload", "state", "apigateway"]) {
            expect(
                problems(engineering({ [K("stackNames")]: JSON.stringify(["dev", reserved]) }))[0],
                reserved,
            ).to.match(
                /^tracking-bootstrap:stackNames: must not use deployer, previewer, drift, workload, state, apigateway/,
            );
        }
        expect(problems(engineering({ [K("stackNames")]: JSON.stringify(["dev", "dev"]) }))).to.deep.equal([
            'tracking-bootstrap:stackNames: must not repeat a name (got ["dev"])',
        ]);
    });

    it("stateBackend and stateAccountId: the backend lives in one account, the other names it", function () {
        const noAdmins = { [K("otherAccountAdminRoleArns")]: undefined };
        expect(problems(engineering({ [K("stateBackend")]: "yes", ...noAdmins }))).to.deep.equal([
            'tracking-bootstrap:stateBackend: must be true or false (got "yes")',
        ]);
        expect(problems(engineering({ [K("stateAccountId")]: "222222222222" }))[0]).to.match(
            /^tracking-bootstrap:stateAccountId: must equal accountId \(or be left out\) when stateBackend is true/,
        );
        const dataPlatform = sample("data-platform");
        expect(problems({ ...dataPlatform, [K("stateAccountId")]: "333333333333" })[0]).to.match(
            /^tracking-bootstrap:stateAccountId: must be otherAccountId, whose bootstrap creates the backend/,
        );
        expect(load({ ...dataPlatform, [K("stateAccountId")]: undefined }).stateAccountId).to.equal(undefined);
        expect(load(engineering({ [K("stateBackend")]: undefined, ...noAdmins })).stateBackend).to.equal(false);
    });

    it("otherAccountAdminRoleArns: role ARN patterns of the other account, in either account", function () {
        const sso =
            "arn:aws:iam::222222222222:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_AdministratorAccess_*";
        expect(
            load(engineering({ [K("otherAccountAdminRoleArns")]: JSON.stringify([sso]) })).otherAccountAdminRoleArns,
        ).to.deep.equal([sso]);
        expect(
            load(engineering({ [K("otherAccountAdminRoleArns")]: undefined })).otherAccountAdminRoleArns,
        ).to.deep.equal([]);
        expect(
            problems(
                engineering({
                    [K("otherAccountAdminRoleArns")]: JSON.stringify(["arn:aws:iam::333333333333:role/admin"]),
                }),
            )[0],
        ).to.match(
            /^tracking-bootstrap:otherAccountAdminRoleArns: each entry must be a role ARN \(wildcards allowed\) in otherAccountId, arn:aws:iam::222222222222:role\/\.\.\./,
        );
        expect(
            problems(
                engineering({
                    [K("otherAccountAdminRoleArns")]: JSON.stringify(["arn:aws:iam::222222222222:user/admin"]),
                }),
            )[0],
        ).to.match(/each entry must be a role ARN/);
        expect(
            problems(
                engineering({ [K("otherAccountAdminRoleArns")]: JSON.stringify(["arn:aws:iam::222222222222:role/*"]) }),
            )[0],
        ).to.match(/must name roles, not every role of the account/);
        expect(
            problems(engineering({ [K("otherAccountAdminRoleArns")]: "arn:aws:iam::222222222222:role/admin" }))[0],
        ).to.match(/must be a YAML object or list/);
        // Both accounts name the other's administrators: the only people who may assume their deployer.
        expect(
            load({
                ...sample("data-platform"),
                [K("otherAccountAdminRoleArns")]: JSON.stringify(["arn:aws:iam::111111111111:role/admin"]),
            }).otherAccountAdminRoleArns,
        ).to.deep.equal(["arn:aws:iam::111111111111:role/admin"]);
    });

    it("legacyOidcSubjects: false by default, a boolean otherwise", function () {
        expect(load(engineering({})).legacyOidcSubjects).to.equal(false);
        expect(load(engineering({ [K("legacyOidcSubjects")]: "true" })).legacyOidcSubjects).to.equal(true);
        expect(problems(engineering({ [K("legacyOidcSubjects")]: "sometimes" }))[0]).to.match(
            /^tracking-bootstrap:legacyOidcSubjects: must be true or false/,
        );
    });

    it("requireMfa: true by default, a boolean otherwise", function () {
        expect(load(engineering({ [K("requireMfa")]: "false" })).requireMfa).to.equal(false);
        expect(problems(engineering({ [K("requireMfa")]: "sometimes" }))).to.deep.equal([
            'tracking-bootstrap:requireMfa: must be true or false (got "sometimes")',
        ]);
    });

    it("hostedZoneId: a Route 53 zone id, for the engineering account only", function () {
        const domain = { [K("customDomainName")]: "ingest.example.com" };
        expect(load(engineering({ [K("hostedZoneId")]: "Z0123456789ABCDEFGHIJ", ...domain })).hostedZoneId).to.equal(
            "Z0123456789ABCDEFGHIJ",
        );
        // The domain names the only records the deployer may change in the zone: both or neither.
        expect(
            problems(engineering({ [K("hostedZoneId")]: "Z0123456789ABCDEFGHIJ", [K("customDomainName")]: undefined })),
        ).to.deep.equal([
            "tracking-bootstrap:customDomainName: is required when hostedZoneId is set: the record names the deployer may change in the zone",
        ]);
        expect(problems(engineering({ [K("hostedZoneId")]: undefined, ...domain }))).to.deep.equal([
            "tracking-bootstrap:hostedZoneId: is required when customDomainName is set (set both or neither)",
        ]);
        expect(
            problems(
                engineering({
                    [K("hostedZoneId")]: "Z0123456789ABCDEFGHIJ",
                    [K("customDomainName")]: "Ingest.Example.com.",
                }),
            )[0],
        ).to.match(/^tracking-bootstrap:customDomainName: must be a lowercase fully qualified domain name/);
        expect(problems(engineering({ [K("hostedZoneId")]: "zone-1" }))[0]).to.match(
            /^tracking-bootstrap:hostedZoneId: must be a Route 53 hosted zone id/,
        );
        expect(
            problems({
                ...sample("data-platform"),
                [K("hostedZoneId")]: "Z0123456789ABCDEFGHIJ",
                [K("customDomainName")]: "ingest.example.com",
            }),
        ).to.deep.equal([
            'tracking-bootstrap:hostedZoneId: applies only to accountRole engineering (the API\'s custom domain lives there) (got "Z0123456789ABCDEFGHIJ")',
        ]);
    });

    it("redshiftClusterIdentifiers, redshiftSecretArns, redshiftSecretKmsKeyArns: an existing Redshift, data-platform only", function () {
        const dataPlatform = (changes: Values): Values => ({ ...sample("data-platform"), ...changes });
        const managed = "arn:aws:secretsmanager:eu-central-1:222222222222:secret:redshift!warehouse-awsuser-Gh1JkL";
        const loaded = load(
            dataPlatform({
                [K("redshiftSecretArns")]: JSON.stringify([managed]),
                [K("redshiftClusterIdentifiers")]: undefined,
                [K("redshiftSecretKmsKeyArns")]: undefined,
            }),
        );
        expect(loaded.existingRedshift).to.deep.equal({
            clusterIdentifiers: [],
            secretArns: [managed],
            secretKmsKeyArns: [],
        });
        const none = dataPlatform({
            [K("redshiftSecretArns")]: undefined,
            [K("redshiftClusterIdentifiers")]: undefined,
            [K("redshiftSecretKmsKeyArns")]: undefined,
        });
        expect(load(none).existingRedshift).to.equal(undefined);
        expect(problems({ ...none, [K("redshiftClusterIdentifiers")]: JSON.stringify(["warehouse"]) })).to.deep.equal([
            "tracking-bootstrap:redshiftSecretArns: is required when redshiftClusterIdentifiers is set: the Data API signs in with a secret",
        ]);
        expect(
            problems(
                dataPlatform({
                    [K("redshiftSecretArns")]: JSON.stringify([
                        "arn:aws:secretsmanager:eu-central-1:222222222222:secret:redshift!warehouse-awsuser",
                    ]),
                }),
            )[0],
        ).to.match(
            /^tracking-bootstrap:redshiftSecretArns: each entry must be the full ARN \(ending in -<6 characters>\)/,
        );
        expect(
            problems(
                dataPlatform({
                    [K("redshiftSecretArns")]: JSON.stringify([
                        "arn:aws:secretsmanager:eu-central-1:999999999999:secret:admin-AbCdEf",
                    ]),
                }),
            )[0],
        ).to.match(/^tracking-bootstrap:redshiftSecretArns: each entry must be/);
        expect(
            problems(
                dataPlatform({ [K("redshiftSecretKmsKeyArns")]: JSON.stringify(["alias/aws/secretsmanager"]) }),
            )[0],
        ).to.match(/^tracking-bootstrap:redshiftSecretKmsKeyArns: each entry must be a KMS key ARN/);
        expect(problems(dataPlatform({ [K("redshiftClusterIdentifiers")]: JSON.stringify("warehouse") }))[0]).to.match(
            /^tracking-bootstrap:redshiftClusterIdentifiers: must be a non-empty YAML list/,
        );
        expect(
            problems(
                engineering({
                    [K("redshiftSecretArns")]: JSON.stringify([
                        "arn:aws:secretsmanager:eu-central-1:111111111111:secret:admin-AbCdEf",
                    ]),
                }),
            ),
        ).to.deep.equal([
            "tracking-bootstrap:redshiftSecretArns: applies only to accountRole data-platform (Redshift lives there)",
        ]);
    });

    it("the data-platform sample names the Redshift, secret and key of every committed serverless and cluster stack", function () {
        const existing = load(sample("data-platform")).existingRedshift;
        const project = readProjectFile(path.join(repoRoot(), "data-platform"));
        let stacks = 0;
        for (const stack of environmentStacks([project])) {
            const values = readStackConfig(project, stack).values;
            const mode = values["tracking-data-platform:redshiftMode"];
            if (mode !== "serverless" && mode !== "cluster") continue;
            stacks++;
            expect(existing?.secretArns, `${stack}: redshiftSecretArn`).to.include(
                values["tracking-data-platform:redshiftSecretArn"],
            );
            const key = values["tracking-data-platform:redshiftSecretKmsKeyArn"];
            if (key !== undefined)
                expect(existing?.secretKmsKeyArns, `${stack}: redshiftSecretKmsKeyArn`).to.include(key);
            if (mode === "cluster")
                expect(existing?.clusterIdentifiers, `${stack}: redshiftClusterIdentifier`).to.include(
                    values["tracking-data-platform:redshiftClusterIdentifier"],
                );
        }
        expect(stacks, "committed stacks with an existing Redshift").to.be.greaterThan(0);
    });

    it("reports every problem at once, each naming its key", function () {
        const found = problems({
            "aws:region": "nowhere",
            [K("accountRole")]: "x",
            [K("stackNames")]: JSON.stringify(["state"]),
        });
        const keys = found.map((p) => p.split(": ")[0]);
        expect(keys).to.include.members([
            "tracking-bootstrap:accountRole",
            "tracking-bootstrap:accountId",
            "aws:allowedAccountIds",
            "aws:region",
            "tracking-bootstrap:otherAccountId",
            "tracking-bootstrap:externalId",
            "tracking-bootstrap:githubRepository",
            "tracking-bootstrap:stackNames",
        ]);
    });
});
