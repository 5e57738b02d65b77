import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    DEPLOYER_ROLE_NAME,
    DRIFT_READER_ROLE_NAME,
    PREVIEWER_ROLE_NAME,
    roleArn,
    secretsProviderUrl,
    STATE_KEY_ALIAS,
    STATE_LOCK_PREFIX,
    STATE_OBJECT_PREFIX,
    stateBackendUrl,
    stateBucketName,
    stateWritePrefixes,
} from "../../shared/naming";
import { allowPrincipal, denyPrincipal, policyDocument, PolicyStatement } from "../../shared/iam";
import { KEY_ADMINISTRATION_ACTIONS } from "../../shared/encryption-key";
import { SecureBucket } from "../../shared/secure-bucket";

export interface StateBackendArgs {
    readonly partition: string;
    readonly region: string;
    /** The account holding the backend (this stack's). */
    readonly account: string;
    /** The other account, whose deployer, previewer and drift reader roles use the backend too. */
    readonly otherAccount: string;
    /** The other account's administrator roles (ARN patterns), which run that account's bootstrap. */
    readonly otherAccountAdminRoleArns: readonly string[];
    /** The Pulumi project the other account's deployer deploys: the only state it may write. */
    readonly otherAccountProject: string;
}

/** Key administration, for the account's own administrators (through their IAM policies). */
const KEY_ADMINISTRATION = KEY_ADMINISTRATION_ACTIONS;
const KEY_USE_WRITE = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"];
const KEY_USE_READ = ["kms:Decrypt", "kms:DescribeKey"];

/**
 * A self-managed Pulumi backend shared by both accounts: a versioned, KMS-encrypted, TLS-only bucket for
 * state (`pulumi login s3://<bucket>`) and the KMS key that is also the stacks' secrets provider
 * (`--secrets-provider awskms://<alias ARN>`). Both pipeline projects must share one backend, because a
 * StackReference reads the other stack from the backend the CLI is logged in to.
 *
 * This account's roles get access through their own IAM policies (the key delegates to IAM); the other
 * account's deployer, previewer and drift reader are named in the bucket and key policies through the
 * account root and an aws:PrincipalArn condition, which IAM accepts before those roles exist. The two
 * read-only roles get what a preview does on the backend: read state and decrypt its secrets, and take
 * the stack's lock; a preview, a refreshing one included, never saves state.
 */
export class StateBackend extends pulumi.ComponentResource {
    readonly bucketName: string;
    readonly key: aws.kms.Key;
    readonly alias: aws.kms.Alias;
    readonly bucket: SecureBucket;
    /** `pulumi login` URL. */
    readonly backendUrl: string;
    /** `--secrets-provider` URL (the alias ARN works across accounts; an alias name does not). */
    readonly secretsProvider: string;

    constructor(name: string, args: StateBackendArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:bootstrap:StateBackend", name, {}, opts);
        const ownRoot = `arn:${args.partition}:iam::${args.account}:root`;
        const otherRoot = `arn:${args.partition}:iam::${args.otherAccount}:root`;
        const otherDeployer = roleArn(args.partition, args.otherAccount, DEPLOYER_ROLE_NAME);
        const otherReaders = [PREVIEWER_ROLE_NAME, DRIFT_READER_ROLE_NAME].map((role) =>
            roleArn(args.partition, args.otherAccount, role),
        );
        const pipelineRoles = [args.account, args.otherAccount].flatMap((account) =>
            [DEPLOYER_ROLE_NAME, PREVIEWER_ROLE_NAME, DRIFT_READER_ROLE_NAME].map((role) =>
                roleArn(args.partition, account, role),
            ),
        );
        const admins = [...args.otherAccountAdminRoleArns];

        const ownAccount = { AWS: ownRoot };
        const otherAccountRoot = { AWS: otherRoot };
        const keyPolicy = policyDocument(
            [
                allowPrincipal(
                    "AccountAdministration",
                    ownAccount,
                    [...KEY_ADMINISTRATION, ...KEY_USE_WRITE].filter((a, i, all) => all.indexOf(a) === i).sort(),
                    ["*"],
                ),
                allowPrincipal("OtherAccountDeployer", otherAccountRoot, KEY_USE_WRITE, ["*"], {
                    ArnEquals: { "aws:PrincipalArn": otherDeployer },
                }),
                allowPrincipal("OtherAccountReadOnlyRoles", otherAccountRoot, KEY_USE_READ, ["*"], {
                    ArnEquals: { "aws:PrincipalArn": otherReaders },
                }),
                ...(admins.length > 0
                    ? [
                          allowPrincipal("OtherAccountAdministrators", otherAccountRoot, KEY_USE_WRITE, ["*"], {
                              ArnLike: { "aws:PrincipalArn": admins },
                          }),
                      ]
                    : []),
                // The deployers may tag KMS keys on create (tag-based scoping); no role of the pipeline must
                // ever be able to tag, re-point or retire the backend's key and so take it over.
                denyPrincipal(
                    "DenyKeyChangesByPipelineRoles",
                    { AWS: "*" },
                    KEY_ADMINISTRATION.filter(
                        (a) =>
                            ![
                                "kms:DescribeKey",
                                "kms:GetKeyPolicy",
                                "kms:GetKeyRotationStatus",
                                "kms:ListResourceTags",
                            ].includes(a),
                    ),
                    ["*"],
                    { ArnEquals: { "aws:PrincipalArn": pipelineRoles } },
                ),
            ],
            `key policy of StateBackend "${name}"`,
        );
        this.key = new aws.kms.Key(
            name,
            {
                description: "Pulumi state bucket encryption and secrets provider of the tracking pipeline",
                keyUsage: "ENCRYPT_DECRYPT",
                customerMasterKeySpec: "SYMMETRIC_DEFAULT",
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                bypassPolicyLockoutSafetyCheck: false,
                policy: keyPolicy,
            },
            { parent: this, protect: true },
        );
        this.alias = new aws.kms.Alias(name, { name: STATE_KEY_ALIAS, targetKeyId: this.key.keyId }, { parent: this });

        this.bucketName = stateBucketName(args.account, args.region);
        const bucketArn = `arn:${args.partition}:s3:::${this.bucketName}`;
        const objects = `${bucketArn}/${STATE_OBJECT_PREFIX}*`;
        const otherAccount = (roles: string[]) => ({ ArnEquals: { "aws:PrincipalArn": roles } });
        const grants: PolicyStatement[] = [
            allowPrincipal(
                "OtherAccountList",
                otherAccountRoot,
                ["s3:GetBucketLocation", "s3:ListBucket"],
                [bucketArn],
                otherAccount([otherDeployer, ...otherReaders]),
            ),
            allowPrincipal(
                "OtherAccountRead",
                otherAccountRoot,
                ["s3:GetObject"],
                [objects],
                otherAccount([otherDeployer, ...otherReaders]),
            ),
            // Its own project's state only; the bootstrap's state is the administrators'.
            allowPrincipal(
                "OtherAccountWrite",
                otherAccountRoot,
                ["s3:DeleteObject", "s3:PutObject"],
                stateWritePrefixes(args.otherAccountProject).map((prefix) => `${bucketArn}/${prefix}*`),
                otherAccount([otherDeployer]),
            ),
            // Every operation, a preview too (the drift check's refreshing one included), takes the stack's lock object.
            allowPrincipal(
                "OtherAccountPreviewLock",
                otherAccountRoot,
                ["s3:DeleteObject", "s3:PutObject"],
                [`${bucketArn}/${STATE_LOCK_PREFIX}*`],
                otherAccount(otherReaders),
            ),
            ...(admins.length > 0
                ? [
                      allowPrincipal(
                          "OtherAccountAdministratorsList",
                          otherAccountRoot,
                          ["s3:GetBucketLocation", "s3:ListBucket"],
                          [bucketArn],
                          { ArnLike: { "aws:PrincipalArn": admins } },
                      ),
                      allowPrincipal(
                          "OtherAccountAdministrators",
                          otherAccountRoot,
                          ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                          [objects],
                          { ArnLike: { "aws:PrincipalArn": admins } },
                      ),
                  ]
                : []),
        ];
        this.bucket = new SecureBucket(
            name,
            {
                bucketName: this.bucketName,
                kmsKeyArn: this.key.arn,
                lifecycleRules: [],
                // Every `pulumi up` writes a new checkpoint; a quarter of history is enough to roll back.
                noncurrentVersionExpirationDays: 90,
                policyStatements: grants,
                protect: true,
            },
            { parent: this },
        );

        this.backendUrl = stateBackendUrl(args.account, args.region);
        this.secretsProvider = secretsProviderUrl(args.partition, args.account, args.region);
        this.registerOutputs({
            bucketName: this.bucketName,
            keyArn: this.key.arn,
            backendUrl: this.backendUrl,
            secretsProvider: this.secretsProvider,
        });
    }
}
