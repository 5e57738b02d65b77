/**
 * The bootstrap stack's configuration (namespace `tracking-bootstrap`), read and checked in one pass:
 * every broken key is named, with its rule, in a single ConfigError before any resource exists.
 */
import { ConfigReader, STACK_NAME_RULE } from "../shared/config";
import { GITHUB_OIDC_HOST, partitionOfRegion, RESERVED_STACK_NAMES } from "../shared/naming";
import type { ExistingRedshiftScope } from "./iam/scope";

export const CONFIG_NAMESPACE = "tracking-bootstrap";

export const ACCOUNT_ROLES = ["engineering", "data-platform"] as const;
/** Which of the two accounts this stack bootstraps; it selects the deployer's permissions. */
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

export interface BootstrapConfig {
    readonly accountRole: AccountRole;
    readonly accountId: string;
    readonly region: string;
    readonly partition: string;
    /** The other account of the pair: its people may assume this account's deployer with the ExternalId. */
    readonly otherAccountId: string;
    /**
     * What a person from the other account must pass as ExternalId. Plain config on purpose: AWS
     * describes the ExternalId as a guard against the confused deputy, not a secret (anyone who can read
     * the role's trust policy sees it), so a `secure:` value would only hide it from reviewers.
     */
    readonly externalId: string;
    /** Whether people (not CI) must have signed in with MFA to assume the deployer. */
    readonly requireMfa: boolean;
    /** `owner/repository` on GitHub, the only repository whose workflows may assume the roles. */
    readonly githubRepository: string;
    /** The branch whose push workflows may deploy. */
    readonly deployBranch: string;
    /** An existing GitHub OIDC provider to reuse (only one per URL may exist in an account). */
    readonly githubOidcProviderArn?: string;
    /** The environment stacks (`dev`, `prod`) the deployer may manage: resources named `tracking-<stack>-*`. */
    readonly stackNames: readonly string[];
    /** Create the bucket and KMS key of a self-managed Pulumi backend in this account. */
    readonly stateBackend: boolean;
    /** The account holding the shared Pulumi backend the roles read and write (this one or the other). */
    readonly stateAccountId?: string;
    /**
     * Roles of the other account's administrators (ARN patterns, e.g. its SSO administrator role): the
     * only people who may assume this account's deployer (with the ExternalId, and MFA when required);
     * where the backend is, they may also use it to run their own account's bootstrap, whose state lives here.
     */
    readonly otherAccountAdminRoleArns: readonly string[];
    /**
     * While the workflows move to one GitHub environment per role: the trust policies also accept the
     * subjects jobs presented without an environment (the deploy branch, pull requests). Off by default.
     */
    readonly legacyOidcSubjects: boolean;
    /** Route 53 hosted zone of the API's custom domain (engineering only): the deployer may write records there. */
    readonly hostedZoneId?: string;
    /** The API's custom domain (with `hostedZoneId`): the only record names the deployer may change in the zone. */
    readonly customDomainName?: string;
    /**
     * Data-platform only: the existing Redshift of the hosted stacks in `serverless` and `cluster` mode -
     * the clusters (`redshiftClusterIdentifiers`), the admin secrets (`redshiftSecretArns`) and their KMS
     * keys (`redshiftSecretKmsKeyArns`) the deployer's Data API calls use. Undefined when none is set.
     */
    readonly existingRedshift?: ExistingRedshiftScope;
}

const GITHUB_REPOSITORY = {
    // GitHub owners: 1-39 letters, digits or inner hyphens; repositories: letters, digits, '.', '_', '-'.
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/[A-Za-z0-9._-]{1,100}$/,
    description: "a GitHub repository as owner/name, e.g. my-org/tracking-pipeline",
};
const BRANCH = {
    // The deployer's `sub` condition is StringEquals, so wildcards would match literally and nothing else.
    pattern: /^(?!\/)(?!.*\/\/)(?!.*\.\.)(?!.*\/$)[A-Za-z0-9._/-]{1,200}$/,
    description: "a branch name such as main or release/v1 (letters, digits, '.', '_', '-', '/'; no wildcards)",
};
const EXTERNAL_ID = {
    // sts:AssumeRole's ExternalId parameter: 2-1224 characters of [\w+=,.@:/-].
    pattern: /^[\w+=,.@:/-]{2,1224}$/,
    description: "2 to 1224 characters of letters, digits and _+=,.@:/- (the AssumeRole ExternalId format)",
};
const HOSTED_ZONE_ID = {
    pattern: /^Z[A-Z0-9]{1,31}$/,
    description: "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ",
};
const DOMAIN_NAME = {
    pattern: /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    description:
        "a lowercase fully qualified domain name such as ingest.example.com, as the engineering stack's customDomainName",
};

function oidcProviderRule(partition: string, accountId: string) {
    return {
        pattern: new RegExp(
            `^arn:${partition}:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST.replace(/\./g, "\\.")}$`,
        ),
        description: `the ARN of this account's GitHub OIDC provider, arn:${partition}:iam::${accountId}:oidc-provider/${GITHUB_OIDC_HOST}`,
    };
}

/** Reads and checks the stack's configuration; throws one ConfigError naming every problem. */
export function readBootstrapConfig(): BootstrapConfig {
    const reader = new ConfigReader(CONFIG_NAMESPACE, "bootstrap/config.ts");

    const roleValue = reader.requireString("accountRole", {
        pattern: /^(engineering|data-platform)$/,
        description: `one of ${ACCOUNT_ROLES.join(", ")}`,
    });
    const accountRole: AccountRole = roleValue === "data-platform" ? "data-platform" : "engineering";
    const accountId = reader.accountId("accountId");
    reader.pinnedAccount("accountId", accountId);
    const region = reader.region();
    const partition = partitionOfRegion(region);

    const otherAccountId = reader.accountId("otherAccountId");
    reader.check(
        otherAccountId === "" || otherAccountId !== accountId,
        "otherAccountId",
        "must be the other account of the pair, not this stack's accountId",
        otherAccountId,
    );

    const externalId = reader.requireString("externalId", EXTERNAL_ID);
    const requireMfa = reader.boolean("requireMfa", true);
    const githubRepository = reader.requireString("githubRepository", GITHUB_REPOSITORY);
    const deployBranch = reader.optionalString("deployBranch", BRANCH) ?? "main";
    const githubOidcProviderArn = reader.optionalString(
        "githubOidcProviderArn",
        oidcProviderRule(partition, accountId || "<accountId>"),
    );

    const stackNames = readStackNames(reader);

    const stateBackend = reader.boolean("stateBackend", false);
    const stateAccountSetting = reader.optionalString("stateAccountId", {
        pattern: /^\d{12}$/,
        description: "a 12-digit AWS account id",
    });
    if (stateAccountSetting !== undefined) {
        if (stateBackend) {
            reader.check(
                stateAccountSetting === accountId,
                "stateAccountId",
                "must equal accountId (or be left out) when stateBackend is true: the backend is created here",
                stateAccountSetting,
            );
        } else {
            reader.check(
                stateAccountSetting === otherAccountId,
                "stateAccountId",
                "must be otherAccountId, whose bootstrap creates the backend, when stateBackend is false here",
                stateAccountSetting,
            );
        }
    }
    const stateAccountId = stateBackend ? accountId : stateAccountSetting;
    const otherAccountAdminRoleArns = readAdminRoles(reader, partition, otherAccountId);
    const legacyOidcSubjects = reader.boolean("legacyOidcSubjects", false);

    const hostedZoneId = reader.optionalString("hostedZoneId", HOSTED_ZONE_ID);
    reader.check(
        hostedZoneId === undefined || accountRole === "engineering",
        "hostedZoneId",
        "applies only to accountRole engineering (the API's custom domain lives there)",
        hostedZoneId,
    );
    const customDomainName = reader.optionalString("customDomainName", DOMAIN_NAME);
    reader.check(
        hostedZoneId === undefined || customDomainName !== undefined,
        "customDomainName",
        "is required when hostedZoneId is set: the record names the deployer may change in the zone",
    );
    reader.check(
        customDomainName === undefined || hostedZoneId !== undefined,
        "hostedZoneId",
        "is required when customDomainName is set (set both or neither)",
    );

    const existingRedshift = readExistingRedshift(reader, accountRole, partition, region, accountId);

    reader.done();
    return {
        accountRole,
        accountId,
        region,
        partition,
        otherAccountId,
        externalId,
        requireMfa,
        githubRepository,
        deployBranch,
        ...(githubOidcProviderArn !== undefined ? { githubOidcProviderArn } : {}),
        stackNames,
        stateBackend,
        ...(stateAccountId !== undefined ? { stateAccountId } : {}),
        otherAccountAdminRoleArns,
        legacyOidcSubjects,
        ...(hostedZoneId !== undefined ? { hostedZoneId } : {}),
        ...(customDomainName !== undefined ? { customDomainName } : {}),
        ...(existingRedshift !== undefined ? { existingRedshift } : {}),
    };
}

/** A YAML list of strings each matching `rule`; undefined when the key is not set. */
function readList(
    reader: ConfigReader,
    key: string,
    rule: { pattern: RegExp; description: string },
): string[] | undefined {
    const raw = reader.object<unknown>(key);
    if (raw === undefined) return undefined;
    if (!Array.isArray(raw) || raw.length === 0 || !raw.every((s): s is string => typeof s === "string")) {
        reader.check(false, key, `must be a non-empty YAML list of ${rule.description}`, raw);
        return [];
    }
    for (const value of raw)
        reader.check(rule.pattern.test(value), key, `each entry must be ${rule.description}`, value);
    return raw;
}

function readExistingRedshift(
    reader: ConfigReader,
    accountRole: AccountRole,
    partition: string,
    region: string,
    accountId: string,
): ExistingRedshiftScope | undefined {
    const account = accountId || "\\d{12}";
    /** `redshiftClusterIdentifiers` (data-platform, optional): clusters the hosted stacks' tables live in (redshiftMode cluster). */
    const clusterIdentifiers = readList(reader, "redshiftClusterIdentifiers", {
        pattern: /^[a-z][a-z0-9-]{0,62}$/,
        description: "a Redshift cluster identifier (the stacks' redshiftClusterIdentifier)",
    });
    /**
     * `redshiftSecretArns` (data-platform, optional): the admin secrets the hosted serverless and cluster
     * stacks name (their redshiftSecretArn), full ARNs; Redshift-managed ones are `secret:redshift!...`.
     */
    const secretArns = readList(reader, "redshiftSecretArns", {
        pattern: new RegExp(
            `^arn:${partition}:secretsmanager:${region}:${account}:secret:[A-Za-z0-9/_+=.@!-]+-[A-Za-z0-9]{6}$`,
        ),
        description: `the full ARN (ending in -<6 characters>) of a secret in this account and region, arn:${partition}:secretsmanager:${region}:${accountId || "<accountId>"}:secret:<name>-<6 characters>`,
    });
    /** `redshiftSecretKmsKeyArns` (data-platform, optional): the keys of those secrets that are not aws/secretsmanager (their redshiftSecretKmsKeyArn). */
    const secretKmsKeyArns = readList(reader, "redshiftSecretKmsKeyArns", {
        pattern: new RegExp(`^arn:${partition}:kms:${region}:\\d{12}:key/(mrk-)?[0-9a-f-]{32,36}$`),
        description: `a KMS key ARN in ${region} (arn:${partition}:kms:${region}:<account>:key/<id>), not an alias`,
    });
    const given = {
        redshiftClusterIdentifiers: clusterIdentifiers,
        redshiftSecretArns: secretArns,
        redshiftSecretKmsKeyArns: secretKmsKeyArns,
    };
    const set = Object.entries(given)
        .filter(([, value]) => value !== undefined)
        .map(([key]) => key);
    if (set.length === 0) return undefined;
    for (const key of set)
        reader.check(
            accountRole === "data-platform",
            key,
            "applies only to accountRole data-platform (Redshift lives there)",
        );
    reader.check(
        secretArns !== undefined,
        "redshiftSecretArns",
        `is required when ${set.join(", ")} ${set.length === 1 ? "is" : "are"} set: the Data API signs in with a secret`,
    );
    return {
        clusterIdentifiers: clusterIdentifiers ?? [],
        secretArns: secretArns ?? [],
        secretKmsKeyArns: secretKmsKeyArns ?? [],
    };
}

function readAdminRoles(reader: ConfigReader, partition: string, otherAccountId: string): string[] {
    const key = "otherAccountAdminRoleArns";
    const raw = reader.object<unknown>(key);
    if (raw === undefined) return [];
    if (!Array.isArray(raw) || !raw.every((s): s is string => typeof s === "string")) {
        reader.check(false, key, "must be a YAML list of IAM role ARNs", raw);
        return [];
    }
    const rolePattern = new RegExp(`^arn:${partition}:iam::${otherAccountId || "\\d{12}"}:role/[\\w+=,.@/*-]+$`);
    for (const arn of raw) {
        reader.check(
            rolePattern.test(arn),
            key,
            `each entry must be a role ARN (wildcards allowed) in otherAccountId, arn:${partition}:iam::${otherAccountId || "<otherAccountId>"}:role/...`,
            arn,
        );
        reader.check(!/:role\/\*$/.test(arn), key, "must name roles, not every role of the account (role/*)", arn);
    }
    return raw;
}

function readStackNames(reader: ConfigReader): string[] {
    const raw = reader.object<unknown>("stackNames");
    if (raw === undefined) {
        reader.check(
            false,
            "stackNames",
            "is required: a YAML list of the environment stacks this account hosts, e.g. [dev, prod]",
        );
        return [];
    }
    if (!Array.isArray(raw) || raw.length === 0 || !raw.every((s): s is string => typeof s === "string")) {
        reader.check(false, "stackNames", "must be a non-empty YAML list of stack names", raw);
        return [];
    }
    for (const name of raw) {
        reader.check(
            STACK_NAME_RULE.pattern.test(name),
            "stackNames",
            `each entry must be ${STACK_NAME_RULE.description}`,
            name,
        );
        reader.check(
            !(RESERVED_STACK_NAMES as readonly string[]).includes(name),
            "stackNames",
            `must not use ${RESERVED_STACK_NAMES.join(", ")}: the bootstrap's own resources are named tracking-<that>-...`,
            name,
        );
    }
    const duplicates = raw.filter((name, i) => raw.indexOf(name) !== i);
    reader.check(duplicates.length === 0, "stackNames", "must not repeat a name", duplicates);
    return raw;
}
