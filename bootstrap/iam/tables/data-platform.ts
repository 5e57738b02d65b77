/** The deployer's grants for the data-platform stacks: S3, Glue, EC2 network, Secrets Manager, Redshift. */
import { GLUE_SCRIPT_FOLDER, glueBucketName, sandboxSecretPrefix } from "../../../shared/naming";
import { arn, glueNamePrefixes, perStack, requestTagged, resourceTagEquals, resourceTagged, Scope } from "../scope";
import { BUCKET_REFRESH_READS } from "./common";
import type { Grant, PermissionTable } from "./grant";

/** EC2 resource types the data-platform network consists of (awsx VPC, endpoints, security groups). */
const EC2_TAGGED_TYPES = [
    "vpc",
    "subnet",
    "route-table",
    "internet-gateway",
    "natgateway",
    "elastic-ip",
    "security-group",
    "vpc-endpoint",
];
/** Each create call of the network, and the one resource type it creates. */
const EC2_CREATES: ReadonlyArray<readonly [string, string]> = [
    ["ec2:CreateVpc", "vpc"],
    ["ec2:CreateSubnet", "subnet"],
    ["ec2:CreateRouteTable", "route-table"],
    ["ec2:CreateInternetGateway", "internet-gateway"],
    ["ec2:CreateNatGateway", "natgateway"],
    ["ec2:AllocateAddress", "elastic-ip"],
    ["ec2:CreateSecurityGroup", "security-group"],
    ["ec2:CreateVpcEndpoint", "vpc-endpoint"],
];
/** The create calls whose tags EC2 authorizes as ec2:CreateTags with an ec2:CreateAction condition. */
const EC2_CREATE_ACTIONS = [
    "CreateVpc",
    "CreateSubnet",
    "CreateRouteTable",
    "CreateInternetGateway",
    "CreateNatGateway",
    "AllocateAddress",
    "CreateSecurityGroup",
    "CreateVpcEndpoint",
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
];

/** The Glue bucket of each hosted data-platform stack. */
export function glueBucketArns(scope: Scope): string[] {
    return perStack(scope, (p) => `arn:${scope.partition}:s3:::${glueBucketName(p, scope.account, scope.region)}`);
}

/** The Glue job scripts of each hosted stack: the `scripts/` prefix of its Glue bucket, nothing else of it. */
export function glueScriptObjects(scope: Scope): string[] {
    return glueBucketArns(scope).map((bucket) => `${bucket}/${GLUE_SCRIPT_FOLDER}*`);
}

/**
 * The admin secrets Redshift creates for the hosted stacks' sandboxes (manageAdminPassword): Redshift names
 * them `redshift!<namespace>-<admin user>`, and each sandbox namespace is `tracking-<stack>-sandbox`.
 */
export function redshiftManagedSecretArns(scope: Scope): string[] {
    return perStack(scope, (p) => arn(scope, "secretsmanager", `secret:${sandboxSecretPrefix(p)}*`));
}

/**
 * An existing Redshift's admin secrets, which the hosted serverless and cluster stacks name by ARN: the
 * Data API reads one as its caller ("Authorizing access to the Amazon Redshift Data API": GetSecretValue
 * on the secret), and Secrets Manager decrypts it with its key as that caller ("Secret encryption and
 * decryption in AWS Secrets Manager"), so a key other than aws/secretsmanager is named here, usable only
 * through Secrets Manager. Nothing refreshes them: only the tables' create and update run SQL.
 */
function configuredRedshiftSecrets(scope: Scope): Grant[] {
    const existing = scope.existingRedshift;
    if (existing === undefined || existing.secretArns.length === 0) return [];
    return [
        {
            sid: "SecretsExistingRedshift",
            deployOnly: ["secretsmanager:GetSecretValue"],
            resources: existing.secretArns,
        },
        ...(existing.secretKmsKeyArns.length > 0
            ? [
                  {
                      sid: "KmsExistingRedshiftSecrets",
                      deployOnly: ["kms:Decrypt"],
                      resources: existing.secretKmsKeyArns,
                      condition: { StringEquals: { "kms:ViaService": `secretsmanager.${scope.region}.amazonaws.com` } },
                  },
              ]
            : []),
    ];
}

export const DATA_PLATFORM: PermissionTable = {
    s3: (scope) => {
        const buckets = perStack(scope, (p) => `arn:${scope.partition}:s3:::${p}*`);
        return [
            {
                sid: "S3StackBuckets",
                readOnly: [
                    "s3:ListBucket",
                    "s3:ListBucketVersions",
                    "s3:GetBucketLocation",
                    "s3:GetBucketPolicyStatus",
                    "s3:GetBucketNotification",
                    ...BUCKET_REFRESH_READS,
                ],
                deployOnly: [
                    "s3:CreateBucket",
                    "s3:DeleteBucket",
                    "s3:PutBucketPolicy",
                    "s3:DeleteBucketPolicy",
                    "s3:PutBucketTagging",
                    "s3:PutBucketVersioning",
                    "s3:PutEncryptionConfiguration",
                    "s3:PutLifecycleConfiguration",
                    "s3:PutBucketOwnershipControls",
                    "s3:PutBucketPublicAccessBlock",
                    "s3:PutBucketNotification",
                    "s3:PutBucketLogging",
                ],
                resources: buckets,
            },
            {
                // The only objects the stacks upload are the Glue job scripts: the landed data, the raw
                // backup and the jobs' TempDir are the workloads', never the deployer's to overwrite or
                // delete (no object version is ever deleted). Reading them is deploy-only as well.
                sid: "S3StackObjects",
                deployOnly: [
                    "s3:PutObject",
                    "s3:GetObject",
                    "s3:GetObjectVersion",
                    "s3:GetObjectTagging",
                    "s3:PutObjectTagging",
                    "s3:DeleteObject",
                ],
                resources: glueScriptObjects(scope),
            },
            {
                // A refresh reads each Glue job script the stacks upload (aws.s3.BucketObjectv2): HeadObject
                // is authorized as s3:GetObject, its tags as s3:GetObjectTagging. The scripts only: the
                // landed data, the raw backup and the jobs' TempDir stay out of reach.
                sid: "S3RefreshGlueScripts",
                refreshOnly: ["s3:GetObject", "s3:GetObjectTagging"],
                resources: glueScriptObjects(scope),
            },
        ];
    },
    "kms-refresh": (scope) => {
        // The data key decrypts for a refresh only through the service holding the object read, and only
        // for that object's context: S3 for the Glue buckets (with S3 Bucket Keys the context is the bucket
        // ARN, so the S3 grant above is what keeps it to the scripts). The data key's own policy must also
        // allow it (data-platform/grants.ts).
        const keys = [arn(scope, "kms", "key/*")];
        const grants: Grant[] = [
            {
                sid: "KmsRefreshGlueScripts",
                refreshOnly: ["kms:Decrypt"],
                resources: keys,
                condition: {
                    StringEquals: {
                        ...resourceTagEquals(scope),
                        "kms:ViaService": `s3.${scope.region}.amazonaws.com`,
                        "kms:EncryptionContext:aws:s3:arn": glueBucketArns(scope),
                    },
                },
            },
        ];
        return grants;
    },
    glue: (scope) => {
        const catalog = arn(scope, "glue", "catalog");
        const databases = glueNamePrefixes(scope).map((p) => arn(scope, "glue", `database/${p}*`));
        const tables = glueNamePrefixes(scope).map((p) => arn(scope, "glue", `table/${p}*/*`));
        const named = (kind: string) => perStack(scope, (p) => arn(scope, "glue", `${kind}/${p}*`));
        return [
            {
                sid: "GlueStackCatalog",
                readOnly: ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartitions"],
                deployOnly: [
                    "glue:CreateDatabase",
                    "glue:UpdateDatabase",
                    "glue:DeleteDatabase",
                    "glue:CreateTable",
                    "glue:UpdateTable",
                    "glue:DeleteTable",
                ],
                resources: [catalog, ...databases, ...tables],
            },
            // No resource type: the crawler is created by name, and its tags are the guard.
            {
                sid: "GlueCreateTaggedCrawlers",
                deployOnly: ["glue:CreateCrawler"],
                resources: ["*"],
                condition: requestTagged(scope),
            },
            {
                sid: "GlueSecurityConfigurations",
                readOnly: ["glue:GetSecurityConfiguration"],
                deployOnly: ["glue:CreateSecurityConfiguration", "glue:DeleteSecurityConfiguration"],
                resources: ["*"],
            },
            {
                // CreateConnection's only resource is the catalog.
                sid: "GlueStackConnections",
                readOnly: ["glue:GetConnection"],
                deployOnly: ["glue:CreateConnection", "glue:UpdateConnection", "glue:DeleteConnection"],
                resources: [catalog, ...named("connection")],
            },
            // StartCrawler: the Redshift table resource runs its JDBC crawler after a migration (shared/redshift-data-provider.ts).
            {
                sid: "GlueStackCrawlers",
                readOnly: ["glue:GetCrawler"],
                deployOnly: ["glue:UpdateCrawler", "glue:DeleteCrawler", "glue:StopCrawler", "glue:StartCrawler"],
                resources: named("crawler"),
            },
            {
                sid: "GlueStackJobs",
                readOnly: ["glue:GetJob"],
                deployOnly: ["glue:CreateJob", "glue:UpdateJob", "glue:DeleteJob"],
                resources: named("job"),
            },
            {
                sid: "GlueStackTriggers",
                readOnly: ["glue:GetTrigger"],
                deployOnly: [
                    "glue:CreateTrigger",
                    "glue:UpdateTrigger",
                    "glue:DeleteTrigger",
                    "glue:StartTrigger",
                    "glue:StopTrigger",
                ],
                resources: named("trigger"),
            },
            {
                sid: "GlueStackTags",
                readOnly: ["glue:GetTags"],
                deployOnly: ["glue:TagResource", "glue:UntagResource"],
                resources: [
                    ...databases,
                    ...named("connection"),
                    ...named("crawler"),
                    ...named("job"),
                    ...named("trigger"),
                ],
            },
        ];
    },
    ec2: (scope) => {
        const tagged = EC2_TAGGED_TYPES.map((type) => arn(scope, "ec2", `${type}/*`));
        const rules = [arn(scope, "ec2", "security-group-rule/*")];
        return [
            {
                sid: "Ec2Describe",
                readOnly: [
                    "ec2:DescribeAccountAttributes",
                    "ec2:DescribeAddresses",
                    "ec2:DescribeAddressesAttribute",
                    "ec2:DescribeAvailabilityZones",
                    "ec2:DescribeInternetGateways",
                    "ec2:DescribeNatGateways",
                    "ec2:DescribeNetworkAcls",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribePrefixLists",
                    "ec2:DescribeRouteTables",
                    "ec2:DescribeSecurityGroupRules",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeTags",
                    "ec2:DescribeVpcEndpointServices",
                    "ec2:DescribeVpcEndpoints",
                    "ec2:DescribeVpcs",
                ],
                resources: ["*"],
            },
            {
                sid: "Ec2StackVpcAttributes",
                readOnly: ["ec2:DescribeVpcAttribute"],
                resources: [arn(scope, "ec2", "vpc/*")],
                condition: resourceTagged(scope),
            },
            // Each create carries the stack tag on the resource it creates, and on nothing else: the parents
            // it names (the VPC of a subnet, the subnets of an endpoint) need the tag already (Ec2StackNetwork).
            ...EC2_CREATES.map(([action, type]) => ({
                sid: `Ec2${action.slice(4)}Tagged`,
                deployOnly: [action],
                resources: [arn(scope, "ec2", `${type}/*`)],
                condition: requestTagged(scope),
            })),
            {
                // Tags in a create request are authorized as CreateTags with the create call's name.
                sid: "Ec2TagOnCreate",
                deployOnly: ["ec2:CreateTags"],
                resources: [...tagged, ...rules],
                condition: { StringEquals: { "ec2:CreateAction": EC2_CREATE_ACTIONS } },
            },
            {
                sid: "Ec2StackNetwork",
                deployOnly: [
                    // Creates that also name an existing parent (the VPC, subnets, route tables, address).
                    "ec2:CreateSubnet",
                    "ec2:CreateRouteTable",
                    "ec2:CreateSecurityGroup",
                    "ec2:CreateVpcEndpoint",
                    "ec2:CreateNatGateway",
                    "ec2:AttachInternetGateway",
                    "ec2:DetachInternetGateway",
                    "ec2:AssociateRouteTable",
                    "ec2:DisassociateRouteTable",
                    "ec2:CreateRoute",
                    "ec2:ReplaceRoute",
                    "ec2:DeleteRoute",
                    "ec2:ModifyVpcAttribute",
                    "ec2:ModifySubnetAttribute",
                    "ec2:AuthorizeSecurityGroupIngress",
                    "ec2:AuthorizeSecurityGroupEgress",
                    "ec2:RevokeSecurityGroupIngress",
                    "ec2:RevokeSecurityGroupEgress",
                    "ec2:ModifySecurityGroupRules",
                    "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
                    "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
                    "ec2:ModifyVpcEndpoint",
                    "ec2:AssociateAddress",
                    "ec2:DisassociateAddress",
                    "ec2:ReleaseAddress",
                    "ec2:DeleteNatGateway",
                    "ec2:DeleteInternetGateway",
                    "ec2:DeleteRouteTable",
                    "ec2:DeleteSecurityGroup",
                    "ec2:DeleteVpcEndpoints",
                    "ec2:DeleteSubnet",
                    "ec2:DeleteVpc",
                    "ec2:CreateTags",
                    "ec2:DeleteTags",
                ],
                resources: tagged,
                condition: resourceTagged(scope),
            },
            {
                // A new rule's id names no parent; the parent security group is checked by the grant above.
                sid: "Ec2SecurityGroupRules",
                deployOnly: [
                    "ec2:AuthorizeSecurityGroupIngress",
                    "ec2:AuthorizeSecurityGroupEgress",
                    "ec2:ModifySecurityGroupRules",
                ],
                resources: rules,
            },
        ];
    },
    "redshift-serverless": (scope) => {
        const generated = [
            arn(scope, "redshift-serverless", "namespace/*"),
            arn(scope, "redshift-serverless", "workgroup/*"),
        ];
        return [
            {
                sid: "RedshiftCreateTagged",
                deployOnly: [
                    "redshift-serverless:CreateNamespace",
                    "redshift-serverless:CreateWorkgroup",
                    "redshift-serverless:TagResource",
                ],
                resources: generated,
                condition: requestTagged(scope),
            },
            {
                sid: "RedshiftStackServerless",
                readOnly: [
                    "redshift-serverless:GetNamespace",
                    "redshift-serverless:GetWorkgroup",
                    "redshift-serverless:ListTagsForResource",
                ],
                deployOnly: [
                    "redshift-serverless:UpdateNamespace",
                    "redshift-serverless:UpdateWorkgroup",
                    "redshift-serverless:DeleteNamespace",
                    "redshift-serverless:DeleteWorkgroup",
                    "redshift-serverless:TagResource",
                    "redshift-serverless:UntagResource",
                    // The Data API's temporary database credentials for the schema and table DDL.
                    "redshift-serverless:GetCredentials",
                ],
                resources: generated,
                condition: resourceTagged(scope),
            },
            {
                // The sandbox workgroup's usage limit. The usage-limit actions have no resource type and take
                // no condition key (Service Authorization Reference), so IAM cannot narrow them to the stacks'
                // workgroups: a residual risk the README lists.
                sid: "RedshiftUsageLimits",
                readOnly: ["redshift-serverless:GetUsageLimit"],
                deployOnly: [
                    "redshift-serverless:CreateUsageLimit",
                    "redshift-serverless:UpdateUsageLimit",
                    "redshift-serverless:DeleteUsageLimit",
                ],
                resources: ["*"],
            },
        ];
    },
    "redshift-data": (scope) => [
        // ExecuteStatement accepts no tag condition; the credentials it needs (GetCredentials above, a
        // stack secret or a configured admin secret below) are what scope it to the stacks' Redshift. A
        // cluster's ARN holds its name, so clusters are named; a workgroup's holds a generated id.
        {
            sid: "RedshiftDataStatements",
            deployOnly: ["redshift-data:ExecuteStatement", "redshift-data:BatchExecuteStatement"],
            resources: [
                arn(scope, "redshift-serverless", "workgroup/*"),
                ...(scope.existingRedshift?.clusterIdentifiers ?? []).map((id) =>
                    arn(scope, "redshift", `cluster:${id}`),
                ),
            ],
        },
        // Only the deploy waits on statements: the tables' refresh reads the recorded state and calls nothing.
        { sid: "RedshiftDataDescribe", deployOnly: ["redshift-data:DescribeStatement"], resources: ["*"] },
    ],
    secretsmanager: (scope) => [
        {
            sid: "SecretsStackSecrets",
            readOnly: [
                "secretsmanager:DescribeSecret",
                "secretsmanager:GetResourcePolicy",
                "secretsmanager:ListSecretVersionIds",
            ],
            deployOnly: [
                "secretsmanager:CreateSecret",
                "secretsmanager:DeleteSecret",
                "secretsmanager:RestoreSecret",
                "secretsmanager:UpdateSecret",
                "secretsmanager:PutSecretValue",
                "secretsmanager:GetSecretValue",
                "secretsmanager:TagResource",
                "secretsmanager:UntagResource",
                "secretsmanager:PutResourcePolicy",
                "secretsmanager:DeleteResourcePolicy",
            ],
            resources: perStack(scope, (p) => arn(scope, "secretsmanager", `secret:${p}*`)),
        },
        {
            // The sandbox's admin secret, which Redshift creates, rotates and deletes with the namespace on
            // the deployer's behalf ("Managing Amazon Redshift admin passwords using AWS Secrets Manager");
            // the Data API reads it as the deployer for the table DDL. Nothing refreshes its value.
            sid: "SecretsRedshiftManaged",
            readOnly: ["secretsmanager:DescribeSecret"],
            deployOnly: [
                "secretsmanager:CreateSecret",
                "secretsmanager:RotateSecret",
                "secretsmanager:UpdateSecret",
                "secretsmanager:DeleteSecret",
                "secretsmanager:TagResource",
                "secretsmanager:GetSecretValue",
            ],
            resources: redshiftManagedSecretArns(scope),
        },
        // Redshift generates the managed admin password with it; the action has no resource type.
        { sid: "SecretsRandomPassword", deployOnly: ["secretsmanager:GetRandomPassword"], resources: ["*"] },
        ...configuredRedshiftSecrets(scope),
    ],
    iam: (scope) => [
        {
            // Redshift Serverless needs its service-linked role the first time a workgroup is created.
            sid: "RedshiftServiceLinkedRole",
            deployOnly: ["iam:CreateServiceLinkedRole"],
            resources: [
                arn(scope, "iam", "role/aws-service-role/redshift.amazonaws.com/AWSServiceRoleForRedshift", {
                    region: false,
                }),
            ],
            condition: { StringEquals: { "iam:AWSServiceName": "redshift.amazonaws.com" } },
        },
    ],
};
