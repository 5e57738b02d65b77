/**
 * The deployer's grants both accounts' stacks need: roles, policies, keys, log groups, monitoring, the
 * shared state backend and iam:PassRole. Scoping rules: bootstrap/iam/permissions.ts.
 */
import { KEY_CONFIGURATION_READS } from "../../../shared/encryption-key";
import type { AccountRole } from "../../config";
import {
    STATE_KEY_ALIAS,
    STATE_OBJECT_PREFIX,
    stateBucketName,
    stateWritePrefixes,
    workloadBoundaryArn,
} from "../../../shared/naming";
import type { Conditions } from "../../../shared/iam";
import { arn, perStack, requestTagged, resourceTagEquals, resourceTagged, Scope } from "../scope";
import type { Grant, PermissionTable } from "./grant";

/** The services each account's stacks hand roles to (iam:PassedToService). */
export const PASSED_TO_SERVICES: Readonly<Record<AccountRole, readonly string[]>> = {
    // API Gateway's Kinesis integration role; Firehose's delivery role.
    engineering: ["apigateway.amazonaws.com", "firehose.amazonaws.com"],
    // Glue crawlers, connections and jobs; Redshift's streaming role, attached to a sandbox namespace (`iamRoles`).
    "data-platform": ["glue.amazonaws.com", "redshift.amazonaws.com", "redshift-serverless.amazonaws.com"],
};

export function boundaryArn(scope: Scope): string {
    return workloadBoundaryArn(scope.partition, scope.account);
}

export const roleArns = (scope: Scope) => perStack(scope, (p) => arn(scope, "iam", `role/${p}*`, { region: false }));
export const stackPolicyArns = (scope: Scope) =>
    perStack(scope, (p) => arn(scope, "iam", `policy/${p}*`, { region: false }));

/**
 * What refreshing an S3 bucket reads: the bucket's own configuration (policy, tags, ACL, CORS, website,
 * versioning, acceleration, request payment, logging, lifecycle, replication, encryption, Object Lock) and
 * its ownership controls and public access block.
 */
export const BUCKET_REFRESH_READS: readonly string[] = [
    "s3:GetBucketPolicy",
    "s3:GetBucketTagging",
    "s3:GetBucketVersioning",
    "s3:GetEncryptionConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:GetBucketOwnershipControls",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketAcl",
    "s3:GetBucketCORS",
    "s3:GetBucketWebsite",
    "s3:GetAccelerateConfiguration",
    "s3:GetBucketRequestPayment",
    "s3:GetBucketLogging",
    "s3:GetReplicationConfiguration",
    "s3:GetBucketObjectLockConfiguration",
];

/** The services through which the deployer uses the stacks' keys when it creates encrypted resources. */
export const KMS_USED_THROUGH = ["s3", "secretsmanager", "kinesis", "firehose", "redshift-serverless"];

/** Roles, policies and keys: both accounts' stacks create them. */
export const COMMON: PermissionTable = {
    iam: (scope): Grant[] => [
        {
            sid: "StackRoles",
            readOnly: [
                "iam:GetRole",
                "iam:GetRolePolicy",
                "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies",
                "iam:ListRoleTags",
                "iam:ListInstanceProfilesForRole",
            ],
            // Removing permissions is always safe; adding them is the next grants', under the boundary.
            // No iam:UpdateAssumeRolePolicy: a stack role's trust is set by CreateRole, and changing it
            // later would let the deployer make a workload role assumable by itself.
            deployOnly: [
                "iam:DeleteRole",
                "iam:UpdateRole",
                "iam:UpdateRoleDescription",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:DeleteRolePolicy",
            ],
            resources: roleArns(scope),
        },
        {
            // Without the boundary condition, the deployer could create a role that trusts itself, give
            // it any inline policy and assume it. With it, no role it creates or edits can exceed the
            // boundary, and DeleteRolePermissionsBoundary is never granted. PutRolePolicy takes an inline
            // document, which no condition key describes: the boundary is what caps it.
            sid: "StackRolesWithinBoundary",
            deployOnly: ["iam:CreateRole", "iam:PutRolePolicy", "iam:PutRolePermissionsBoundary"],
            resources: roleArns(scope),
            condition: { StringEquals: { "iam:PermissionsBoundary": boundaryArn(scope) } },
        },
        {
            // Managed policies: the stacks' own only (iam:PolicyARN), never an AWS-managed one.
            sid: "StackRolesStackPolicies",
            deployOnly: ["iam:AttachRolePolicy"],
            resources: roleArns(scope),
            condition: {
                StringEquals: { "iam:PermissionsBoundary": boundaryArn(scope) },
                ArnLike: { "iam:PolicyARN": stackPolicyArns(scope) },
            },
        },
        {
            sid: "StackRolesDetachStackPolicies",
            deployOnly: ["iam:DetachRolePolicy"],
            resources: roleArns(scope),
            condition: { ArnLike: { "iam:PolicyARN": stackPolicyArns(scope) } },
        },
        {
            sid: "StackPolicies",
            readOnly: [
                "iam:GetPolicy",
                "iam:GetPolicyVersion",
                "iam:ListPolicyVersions",
                "iam:ListPolicyTags",
                "iam:ListEntitiesForPolicy",
            ],
            deployOnly: [
                "iam:CreatePolicy",
                "iam:DeletePolicy",
                "iam:CreatePolicyVersion",
                "iam:DeletePolicyVersion",
                "iam:SetDefaultPolicyVersion",
                "iam:TagPolicy",
                "iam:UntagPolicy",
            ],
            resources: stackPolicyArns(scope),
        },
    ],
    kms: (scope) => {
        const keys = [arn(scope, "kms", "key/*")];
        return [
            {
                sid: "KmsCreateTaggedKeys",
                deployOnly: ["kms:CreateKey"],
                resources: ["*"],
                condition: requestTagged(scope),
            },
            // KMS: "to add tags while creating a KMS key, the principal must have kms:TagResource in an
            // IAM policy that isn't restricted to particular KMS keys", and no condition key tells a create
            // from a later call. So this grant can tag any key of the account; no grant depends on a key's
            // tag, so a tag gives nothing: the stacks' key policies name the deployer (shared/encryption-key.ts).
            {
                sid: "KmsTagOnCreate",
                deployOnly: ["kms:TagResource"],
                resources: keys,
                condition: requestTagged(scope),
            },
            // Reads only: key administration is granted by each stack key's own policy, to the deployer by ARN.
            {
                sid: "KmsStackKeys",
                readOnly: [...KEY_CONFIGURATION_READS],
                resources: keys,
                condition: resourceTagged(scope),
            },
            {
                // Creating encrypted resources (Glue script objects, secrets) calls KMS as the caller, through
                // the service; never a direct Encrypt/Decrypt, so a key the deployer could tag decrypts nothing
                // outside the stacks' own objects and secrets (which its S3 and Secrets Manager grants name).
                sid: "KmsUseThroughStackServices",
                deployOnly: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
                resources: keys,
                condition: {
                    StringEquals: {
                        ...resourceTagEquals(scope),
                        "kms:ViaService": KMS_USED_THROUGH.map((service) => `${service}.${scope.region}.amazonaws.com`),
                    },
                },
            },
            {
                // Redshift Serverless and Secrets Manager create grants on the caller's behalf.
                sid: "KmsGrantsForServices",
                deployOnly: ["kms:CreateGrant"],
                resources: keys,
                condition: { ...resourceTagged(scope), Bool: { "kms:GrantIsForAWSResource": "true" } },
            },
            {
                sid: "KmsStackAliases",
                deployOnly: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"],
                resources: perStack(scope, (p) => arn(scope, "kms", `alias/${p}*`)),
            },
            { sid: "KmsListAliases", readOnly: ["kms:ListAliases"], resources: ["*"] },
        ];
    },
    logs: (scope) => [
        { sid: "LogsDescribeGroups", readOnly: ["logs:DescribeLogGroups"], resources: ["*"] },
        {
            sid: "LogsStackGroups",
            readOnly: ["logs:ListTagsForResource", "logs:ListTagsLogGroup", "logs:DescribeLogStreams"],
            deployOnly: [
                "logs:CreateLogGroup",
                "logs:DeleteLogGroup",
                "logs:PutRetentionPolicy",
                "logs:DeleteRetentionPolicy",
                "logs:TagResource",
                "logs:UntagResource",
                "logs:TagLogGroup",
                "logs:UntagLogGroup",
                "logs:AssociateKmsKey",
                "logs:DisassociateKmsKey",
                "logs:CreateLogStream",
                "logs:DeleteLogStream",
            ],
            resources: [...stackLogGroups(scope), ...stackCrawlerLogGroups(scope)],
        },
    ],
};

/**
 * Log groups of the stacks: named `tracking-<stack>-...`, or under a service's conventional path
 * (`/aws/kinesisfirehose/tracking-<stack>-...`, `/aws/apigateway/tracking-<stack>-...`).
 */
export function stackLogGroups(scope: Scope): string[] {
    return [
        ...perStack(scope, (p) => arn(scope, "logs", `log-group:${p}*`)),
        ...perStack(scope, (p) => arn(scope, "logs", `log-group:/aws/*/${p}*`)),
    ];
}

/** The log groups Glue writes crawlers running as a stack's role to, which the stacks create with retention. */
export function stackCrawlerLogGroups(scope: Scope): string[] {
    return perStack(scope, (p) => arn(scope, "logs", `log-group:/aws-glue/crawlers-role/${p}*`));
}

/** Alarms, dashboards and their notifications: both accounts' stacks watch their own pipeline half. */
export const MONITORING: PermissionTable = {
    cloudwatch: (scope) => [
        {
            sid: "CloudWatchStackAlarms",
            readOnly: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
            deployOnly: [
                "cloudwatch:PutMetricAlarm",
                "cloudwatch:DeleteAlarms",
                "cloudwatch:TagResource",
                "cloudwatch:UntagResource",
            ],
            resources: perStack(scope, (p) => arn(scope, "cloudwatch", `alarm:${p}*`)),
        },
        {
            sid: "CloudWatchStackDashboards",
            readOnly: ["cloudwatch:GetDashboard"],
            deployOnly: ["cloudwatch:PutDashboard", "cloudwatch:DeleteDashboards"],
            resources: perStack(scope, (p) => arn(scope, "cloudwatch", `dashboard/${p}*`, { region: false })),
        },
    ],
    events: (scope) => [
        {
            sid: "EventsStackRules",
            readOnly: ["events:DescribeRule", "events:ListTargetsByRule", "events:ListTagsForResource"],
            deployOnly: [
                "events:PutRule",
                "events:DeleteRule",
                "events:EnableRule",
                "events:DisableRule",
                "events:PutTargets",
                "events:RemoveTargets",
                "events:TagResource",
                "events:UntagResource",
            ],
            resources: perStack(scope, (p) => arn(scope, "events", `rule/${p}*`)),
        },
    ],
    sns: (scope) => [
        {
            sid: "SnsStackTopics",
            readOnly: [
                "sns:GetTopicAttributes",
                "sns:ListTagsForResource",
                "sns:ListSubscriptionsByTopic",
                "sns:GetSubscriptionAttributes",
            ],
            // Subscribe/Unsubscribe: the optional email subscription (alarmEmail) of the stack's alarm topic.
            deployOnly: [
                "sns:CreateTopic",
                "sns:DeleteTopic",
                "sns:SetTopicAttributes",
                "sns:TagResource",
                "sns:UntagResource",
                "sns:Subscribe",
                "sns:Unsubscribe",
            ],
            // `tracking-<stack>-*` also covers the subscriptions' ARNs (`<topic ARN>:<id>`).
            resources: perStack(scope, (p) => arn(scope, "sns", `${p}*`)),
        },
    ],
};

/** The Pulumi project whose stacks each account's deployer deploys (its Pulumi.yaml `name`). */
export const PIPELINE_PROJECTS: Readonly<Record<AccountRole, string>> = {
    engineering: "tracking-engineering",
    "data-platform": "tracking-data-platform",
};

/**
 * The shared Pulumi backend (state objects and the secrets provider's key), when there is one. The
 * deployer reads the whole backend (StackReferences read the other project's stacks; the CLI reads
 * `.pulumi/meta.yaml`) but writes only its own project's state: never the bootstrap's, which an
 * administrator's next `pulumi up` would otherwise trust.
 */
export function stateBackendGrants(scope: Scope, role: AccountRole): Grant[] {
    if (scope.stateAccount === undefined) return [];
    const bucket = stateBucketArn(scope, scope.stateAccount);
    return [
        { sid: "StateBucketList", readOnly: ["s3:ListBucket", "s3:GetBucketLocation"], resources: [bucket] },
        { sid: "StateObjects", readOnly: ["s3:GetObject"], resources: [`${bucket}/${STATE_OBJECT_PREFIX}*`] },
        {
            sid: "StateObjectsOfProject",
            deployOnly: ["s3:PutObject", "s3:DeleteObject"],
            resources: stateWritePrefixes(PIPELINE_PROJECTS[role]).map((prefix) => `${bucket}/${prefix}*`),
        },
        {
            // The key's id is generated; its alias is not, and KMS evaluates kms:ResourceAliases on Decrypt.
            sid: "StateSecretsKey",
            readOnly: ["kms:DescribeKey"],
            deployOnly: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
            resources: [arn(scope, "kms", "key/*", { account: scope.stateAccount })],
            condition: stateKeyCondition(),
        },
    ];
}

export function stateKeyCondition(): Conditions {
    return { "ForAnyValue:StringEquals": { "kms:ResourceAliases": [STATE_KEY_ALIAS] } };
}

export function passRole(scope: Scope, role: AccountRole): Grant {
    return {
        sid: "PassStackRoles",
        deployOnly: ["iam:PassRole"],
        resources: roleArns(scope),
        condition: { StringEquals: { "iam:PassedToService": [...PASSED_TO_SERVICES[role]] } },
    };
}

/** The shared backend's bucket in the given account. */
export function stateBucketArn(scope: Scope, account: string): string {
    return `arn:${scope.partition}:s3:::${stateBucketName(account, scope.region)}`;
}
