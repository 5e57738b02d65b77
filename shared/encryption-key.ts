import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountRootArn, allowPrincipal, policyDocument, PolicyStatement, PolicyStatementInput } from "./iam";

/**
 * The key-administration actions the deployer role gets. Enumerated rather than `kms:*` so the policy
 * never hands out key *use* (Encrypt, Decrypt, GenerateDataKey...) by accident: whoever may use the key
 * is granted that, and only that, by the caller's `policyStatements`. PutKeyPolicy, ScheduleKeyDeletion
 * and CancelKeyDeletion are in the list, so the deployer can always repair or retire the key: the key
 * can never be locked out by a bad statement elsewhere in the policy.
 */
export const KEY_ADMINISTRATION_ACTIONS: readonly string[] = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
];

/**
 * What refreshing an `aws.kms.Key` reads. KMS consults the key policy before any IAM policy, so a role
 * holding these in an IAM policy reads nothing unless the key policy lets IAM decide for it.
 */
export const KEY_CONFIGURATION_READS: readonly string[] = [
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListResourceTags",
];

export interface EncryptionKeyArgs {
    /** What the key protects; shown in the KMS console. */
    readonly description: pulumi.Input<string>;
    /** The alias, with or without the `alias/` prefix, e.g. `tracking-dev-data`. */
    readonly aliasName: string;
    /**
     * ARN of the IAM role that administers the key (the bootstrap's deployer role, which exists before
     * any stack). The key policy names it as the principal, so the key policy alone grants it
     * `KEY_ADMINISTRATION_ACTIONS`: the deployer's IAM policies hold no key administration, and tagging
     * some other key of the account gives it nothing. KMS stores a role principal as the role's unique
     * id, so a recreated deployer role would lose it; the second statement (the account root with an
     * `aws:PrincipalArn` condition) is the way back: an administrator gives the recreated role
     * `kms:PutKeyPolicy` in an IAM policy, and its next deploy rewrites this policy.
     */
    readonly administratorRoleArn: string;
    /**
     * Roles of the key's account that read its configuration (`KEY_CONFIGURATION_READS`), e.g. the
     * read-only roles of `pulumi preview --refresh`. Granted through the account root with an
     * `aws:PrincipalArn` condition, so their IAM policies must allow the reads too.
     */
    readonly readerRoleArns?: readonly string[];
    /**
     * Who may use the key, and how: every statement is added to the key policy as given. Narrow them
     * with `kms:ViaService` and `kms:EncryptionContext:*` conditions.
     */
    readonly policyStatements: pulumi.Input<PolicyStatementInput[]>;
    /** Protects the key from `pulumi destroy` (data under it would become unreadable). Default true. */
    readonly protect?: boolean;
    /** Waiting period before a deleted key is gone, 7-30 days. Default 30. */
    readonly deletionWindowInDays?: number;
    /** Automatic rotation period, 90-2560 days. Default 365. */
    readonly rotationPeriodInDays?: number;
}

const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/(.+)$/;

/**
 * A symmetric customer-managed KMS key with rotation on, an explicit key policy (no `kms:*`, no
 * account-wide delegation of key use) and an alias.
 */
export class EncryptionKey extends pulumi.ComponentResource {
    readonly key: aws.kms.Key;
    readonly alias: aws.kms.Alias;
    readonly keyArn: pulumi.Output<string>;
    readonly keyId: pulumi.Output<string>;
    readonly aliasArn: pulumi.Output<string>;
    /** The rendered key policy (JSON). */
    readonly policy: pulumi.Output<string>;

    constructor(name: string, args: EncryptionKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:EncryptionKey", name, {}, opts);

        const admin = ROLE_ARN.exec(args.administratorRoleArn);
        if (!admin) {
            throw new Error(
                `EncryptionKey ${name}: administratorRoleArn must be an IAM role ARN (arn:<partition>:iam::<12-digit account>:role/<name>), got "${args.administratorRoleArn}"`,
            );
        }
        const [, partition, account] = admin;
        const deletionWindowInDays = args.deletionWindowInDays ?? 30;
        if (!Number.isInteger(deletionWindowInDays) || deletionWindowInDays < 7 || deletionWindowInDays > 30) {
            throw new Error(
                `EncryptionKey ${name}: deletionWindowInDays must be an integer from 7 to 30, got ${deletionWindowInDays}`,
            );
        }
        const rotationPeriodInDays = args.rotationPeriodInDays ?? 365;
        if (!Number.isInteger(rotationPeriodInDays) || rotationPeriodInDays < 90 || rotationPeriodInDays > 2560) {
            throw new Error(
                `EncryptionKey ${name}: rotationPeriodInDays must be an integer from 90 to 2560, got ${rotationPeriodInDays}`,
            );
        }

        const administration: PolicyStatement = allowPrincipal(
            "KeyAdministrationByDeployer",
            { AWS: args.administratorRoleArn },
            [...KEY_ADMINISTRATION_ACTIONS],
            ["*"],
        );
        const recovery: PolicyStatement = allowPrincipal(
            "KeyPolicyRecoveryByDeployer",
            { AWS: accountRootArn(partition, account) },
            ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:PutKeyPolicy"],
            ["*"],
            { ArnEquals: { "aws:PrincipalArn": args.administratorRoleArn } },
        );
        const readers = args.readerRoleArns ?? [];
        const foreignReader = readers.find((arn) => ROLE_ARN.exec(arn)?.[2] !== account);
        if (foreignReader !== undefined) {
            throw new Error(
                `EncryptionKey ${name}: readerRoleArns must be IAM role ARNs of the key's account ${account}, got "${foreignReader}"`,
            );
        }
        const configurationReads: PolicyStatement[] =
            readers.length === 0
                ? []
                : [
                      allowPrincipal(
                          "KeyConfigurationReadByReadOnlyRoles",
                          { AWS: accountRootArn(partition, account) },
                          [...KEY_CONFIGURATION_READS],
                          ["*"],
                          { ArnEquals: { "aws:PrincipalArn": [...readers] } },
                      ),
                  ];
        // policyDocument refuses wildcard services (`kms:*`), duplicate Sids and empty principals/values.
        this.policy = pulumi
            .output(args.policyStatements as pulumi.Input<PolicyStatement[]>)
            .apply((statements) =>
                policyDocument(
                    [administration, recovery, ...configurationReads, ...statements],
                    `key policy of EncryptionKey "${name}"`,
                ),
            );

        this.key = new aws.kms.Key(
            name,
            {
                description: args.description,
                keyUsage: "ENCRYPT_DECRYPT",
                customerMasterKeySpec: "SYMMETRIC_DEFAULT",
                enableKeyRotation: true,
                rotationPeriodInDays,
                deletionWindowInDays,
                bypassPolicyLockoutSafetyCheck: false,
                policy: this.policy,
            },
            { parent: this, protect: args.protect ?? true },
        );

        const aliasName = args.aliasName.startsWith("alias/") ? args.aliasName : `alias/${args.aliasName}`;
        this.alias = new aws.kms.Alias(name, { name: aliasName, targetKeyId: this.key.keyId }, { parent: this });

        this.keyArn = this.key.arn;
        this.keyId = this.key.keyId;
        this.aliasArn = this.alias.arn;
        this.registerOutputs({ keyArn: this.keyArn, keyId: this.keyId, aliasArn: this.aliasArn });
    }
}
