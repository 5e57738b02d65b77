/**
 * What deploying a planned resource asks of IAM: for each Pulumi type token, the IAM actions its create,
 * read (refresh) and delete call on which ARN, the way the AWS provider calls them. This is the tests'
 * own knowledge, written from the services' API and authorization references, independent of the
 * bootstrap's permission tables: the tests then ask iam-simulate whether the planned deployer policies
 * allow each one on the planned ARN.
 *
 * A type missing here fails the coverage test by name, so a pipeline stack that starts creating a new
 * kind of resource cannot slip past the deployer's permissions unnoticed.
 */
import { PlannedResource, StackPlan } from "../../../tools/plan/types";

export interface Requirement {
    readonly action: string;
    /** The ARN the call is authorized on, or "*" for actions without resource types. */
    readonly resource: string;
    /**
     * Tags in the request context: `request` for a create (aws:RequestTag from the resource's tags),
     * `resource` for a call on an existing resource (aws:ResourceTag), `none` when tags play no part.
     */
    readonly tags: "request" | "resource" | "none";
    /** The resource whose tags apply, when not the planned resource itself (API Gateway inheritance). */
    readonly tagsOf?: PlannedResource;
    readonly context?: Record<string, string | string[]>;
    /** The resource-based policy AWS also evaluates (a KMS key policy), when the plan holds it. */
    readonly resourcePolicy?: unknown;
    /**
     * Why iam-simulate's validating entry point cannot take this request although IAM does (a gap in
     * the Service Authorization Reference data); the request is then evaluated without validation.
     */
    readonly simulatorGap?: string;
    /** Why a Read or List call here is made only by create, update or delete, never by a refresh. */
    readonly notOnRefresh?: string;
}

export interface ResourceFacts {
    readonly resource: PlannedResource;
    readonly plan: StackPlan;
    readonly partition: string;
    readonly region: string;
    readonly account: string;
    /** The resource's tags as AWS would see them (provider default tags included). */
    readonly tags: Readonly<Record<string, string>>;
}

const str = (value: unknown): string => (typeof value === "string" ? value : "");
const strings = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
const hasTags = (f: ResourceFacts): boolean => Object.keys(f.tags).length > 0;

function find(plan: StackPlan, type: string, match: (r: PlannedResource) => boolean): PlannedResource | undefined {
    return plan.resources.find((r) => r.type === type && match(r));
}

function roleArn(f: ResourceFacts, nameOrArn: string): string {
    return nameOrArn.startsWith("arn:") ? nameOrArn : `arn:${f.partition}:iam::${f.account}:role/${nameOrArn}`;
}

/** The planned key policy of a key ARN (resource-based: KMS evaluates it as well as IAM). */
function keyPolicyOf(plan: StackPlan, keyArn: string): unknown {
    const key = find(
        plan,
        "aws:kms/key:Key",
        (r) => r.outputs.arn === keyArn || r.outputs.keyId === keyArn || r.id === keyArn,
    );
    const policy = key?.inputs.policy;
    return typeof policy === "string" ? JSON.parse(policy) : undefined;
}

/**
 * The policy AWS gives a key created without one ("Default key policy", AWS KMS developer guide): the
 * key's account may use IAM policies to allow access to it. What an existing key the stacks only use
 * must have, or a statement naming the deployer; its owner's to keep.
 */
function defaultKeyPolicy(partition: string, keyArn: string): unknown {
    const account = keyArn.split(":")[4];
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "Enable IAM User Permissions",
                Effect: "Allow",
                Principal: { AWS: `arn:${partition}:iam::${account}:root` },
                Action: "kms:*",
                Resource: "*",
            },
        ],
    };
}

function keyArnOf(f: ResourceFacts, keyRef: string): string {
    if (keyRef.startsWith("arn:") && keyRef.includes(":key/")) return keyRef;
    const key = find(f.plan, "aws:kms/key:Key", (r) => r.id === keyRef || r.outputs.keyId === keyRef);
    if (key) return String(key.outputs.arn);
    const alias = find(f.plan, "aws:kms/alias:Alias", (r) => r.outputs.arn === keyRef || r.outputs.name === keyRef);
    if (alias) return keyArnOf(f, str(alias.inputs.targetKeyId));
    return keyRef;
}

function kmsUse(
    f: ResourceFacts,
    keyRef: string,
    actions: string[],
    viaService: string,
    encryptionContext: Record<string, string> = {},
): Requirement[] {
    if (keyRef === "") return [];
    const keyArn = keyArnOf(f, keyRef);
    const keyResource = find(f.plan, "aws:kms/key:Key", (r) => r.outputs.arn === keyArn);
    const contextKeys = Object.fromEntries(
        Object.entries(encryptionContext).map(([k, v]) => [`kms:EncryptionContext:${k}`, v]),
    );
    return actions.map((action) => ({
        action,
        resource: keyArn,
        // A key the stack does not create (an existing secret's) carries none of its tags.
        tags: keyResource ? ("resource" as const) : ("none" as const),
        ...(keyResource ? { tagsOf: keyResource } : {}),
        context: { "kms:ViaService": `${viaService}.${f.region}.amazonaws.com`, ...contextKeys },
        resourcePolicy: keyResource ? keyPolicyOf(f.plan, keyArn) : defaultKeyPolicy(f.partition, keyArn),
        // iam-simulate's validation drops `kms:EncryptionContext:<key>` (a variable key it does not parse).
        ...(Object.keys(contextKeys).length > 0 ? { simulatorGap: "kms:EncryptionContext keys" } : {}),
    }));
}

function passRole(f: ResourceFacts, role: string, service: string): Requirement[] {
    if (role === "") return [];
    return [
        {
            action: "iam:PassRole",
            resource: roleArn(f, role),
            tags: "none",
            context: { "iam:PassedToService": service },
        },
    ];
}

const on = (resource: string, tags: Requirement["tags"], ...actions: string[]): Requirement[] =>
    actions.map((action) => ({ action, resource, tags }));

// --- API Gateway: ARNs are paths; children inherit the REST API's tags for access control.
function apiArn(f: ResourceFacts, path: string): string {
    return `arn:${f.partition}:apigateway:${f.region}::${path}`;
}
function restApiOf(f: ResourceFacts): PlannedResource | undefined {
    return find(f.plan, "aws:apigateway/restApi:RestApi", (r) => r.id === f.resource.inputs.restApi);
}
/**
 * Collections the Service Authorization Reference lists with two ARN formats in one entry (HTTP and
 * REST APIs), which iam-simulate cannot match; and CreateResource, which API Gateway authorizes on the
 * request path `/restapis/{id}/resources/{parentId}` while the reference lists only the collection.
 */
const TWO_FORMAT_COLLECTIONS = /\/(deployments|models|stages|authorizers)$|\/resources\/[^/]+$/;

function apiChild(
    f: ResourceFacts,
    collection: string,
    item: string,
    create: string[],
    existing: string[],
): Requirement[] {
    const api = restApiOf(f);
    const base = `/restapis/${str(f.resource.inputs.restApi)}`;
    const inherit = (action: string, path: string, gap?: string): Requirement => ({
        action,
        resource: apiArn(f, `${base}${path}`),
        tags: "resource",
        ...(api ? { tagsOf: api } : {}),
        ...(gap ? { simulatorGap: gap } : {}),
    });
    const gapOf = (path: string) =>
        TWO_FORMAT_COLLECTIONS.test(path) ? "API Gateway collection ARN the reference data cannot match" : undefined;
    return [...create.map((a) => inherit(a, collection, gapOf(collection))), ...existing.map((a) => inherit(a, item))];
}
function methodPath(f: ResourceFacts): string {
    return `/resources/${str(f.resource.inputs.resourceId)}/methods/${str(f.resource.inputs.httpMethod)}`;
}

// --- EC2
function ec2Arn(f: ResourceFacts, type: string, id: string): string {
    return `arn:${f.partition}:ec2:${f.region}:${f.account}:${type}/${id}`;
}
const UNKNOWN = "<unknown>";
const VPC_TYPES = ["awsx:ec2:Vpc", "aws:ec2/vpc:Vpc"];
const ID_PREFIX: Record<string, string> = {
    vpc: "vpc",
    subnet: "subnet",
    "route-table": "rtb",
    "security-group": "sg",
    "vpc-endpoint": "vpce",
};

/**
 * The planned resource (VPC, security group) an EC2 id belongs to, for its tags. An id the plan cannot
 * know yet is an output of a network resource of the same stack: the stack's VPC, which creates them.
 */
function ec2Owner(f: ResourceFacts, id: string): PlannedResource | undefined {
    if (id === UNKNOWN) return f.plan.resources.find((r) => VPC_TYPES.includes(r.type));
    const ids = (r: PlannedResource) => [
        r.id,
        r.outputs.vpcId,
        ...strings(r.outputs.isolatedSubnetIds),
        ...strings(r.outputs.privateSubnetIds),
        ...strings(r.outputs.publicSubnetIds),
    ];
    return f.plan.resources.find((r) => ids(r).includes(id));
}
function onExisting(f: ResourceFacts, type: string, id: string, ...actions: string[]): Requirement[] {
    const owner = ec2Owner(f, id);
    const known = id === UNKNOWN ? `${ID_PREFIX[type] ?? type}-0planned0unknown00` : id;
    return actions.map((action) => ({
        action,
        resource: ec2Arn(f, type, known),
        tags: "resource" as const,
        ...(owner ? { tagsOf: owner } : {}),
    }));
}
function ec2Create(f: ResourceFacts, createAction: string, type: string, id: string): Requirement[] {
    return [
        { action: `ec2:${createAction}`, resource: ec2Arn(f, type, id), tags: "request" },
        {
            action: "ec2:CreateTags",
            resource: ec2Arn(f, type, id),
            tags: "none",
            context: { "ec2:CreateAction": createAction },
        },
    ];
}

// --- Glue
function glueArn(f: ResourceFacts, resource: string): string {
    return `arn:${f.partition}:glue:${f.region}:${f.account}:${resource}`;
}

function regional(f: ResourceFacts, service: string, resource: string): string {
    return `arn:${f.partition}:${service}:${f.region}:${f.account}:${resource}`;
}

/**
 * With manageAdminPassword, Redshift creates, rotates and deletes the admin secret with the caller's
 * permissions ("Managing Amazon Redshift admin passwords using AWS Secrets Manager"), under the given key.
 */
function managedAdminSecret(f: ResourceFacts): Requirement[] {
    if (f.resource.inputs.manageAdminPassword !== true) return [];
    const secret = str(f.resource.outputs.adminPasswordSecretArn);
    return [
        ...on(
            secret,
            "none",
            "secretsmanager:CreateSecret",
            "secretsmanager:TagResource",
            "secretsmanager:DescribeSecret",
            "secretsmanager:RotateSecret",
            "secretsmanager:UpdateSecret",
            "secretsmanager:DeleteSecret",
        ),
        ...on("*", "none", "secretsmanager:GetRandomPassword").map((r) => ({
            ...r,
            notOnRefresh: "Redshift generates the password when it creates the secret",
        })),
        ...kmsUse(
            f,
            str(f.resource.inputs.adminPasswordSecretKmsKeyId),
            ["kms:GenerateDataKey", "kms:Decrypt"],
            "secretsmanager",
        ),
    ];
}

/** Resource types the AWS provider creates without calling AWS (computed locally). */
export const LOCAL_TYPES = new Set([
    "random:index/randomPassword:RandomPassword",
    "random:index/randomString:RandomString",
    "random:index/randomId:RandomId",
]);

export const REQUIREMENTS: Readonly<Record<string, (f: ResourceFacts) => Requirement[]>> = {
    // ---------------------------------------------------------------- IAM
    "aws:iam/role:Role": (f) => {
        const arn = String(f.resource.outputs.arn);
        const boundary = str(f.resource.inputs.permissionsBoundary);
        const withBoundary = boundary ? { "iam:PermissionsBoundary": boundary } : undefined;
        const inline = ((f.resource.inputs.inlinePolicies as unknown[]) ?? []).length > 0;
        return [
            {
                action: "iam:CreateRole",
                resource: arn,
                tags: "request",
                ...(withBoundary ? { context: withBoundary } : {}),
            },
            ...(hasTags(f) ? on(arn, "none", "iam:TagRole") : []),
            ...(inline
                ? [
                      {
                          action: "iam:PutRolePolicy",
                          resource: arn,
                          tags: "none" as const,
                          ...(withBoundary ? { context: withBoundary } : {}),
                      },
                  ]
                : []),
            ...on(
                arn,
                "none",
                "iam:GetRole",
                "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies",
                "iam:ListInstanceProfilesForRole",
                "iam:DeleteRole",
            ),
        ];
    },
    "aws:iam/rolePolicy:RolePolicy": (f) => {
        const name = str(f.resource.inputs.role);
        const role = find(f.plan, "aws:iam/role:Role", (r) => r.outputs.name === name);
        const boundary = str(role?.inputs.permissionsBoundary);
        const arn = roleArn(f, name);
        return [
            {
                action: "iam:PutRolePolicy",
                resource: arn,
                tags: "none",
                ...(boundary ? { context: { "iam:PermissionsBoundary": boundary } } : {}),
            },
            ...on(arn, "none", "iam:GetRolePolicy", "iam:DeleteRolePolicy"),
        ];
    },
    "aws:iam/policy:Policy": (f) => {
        const arn = String(f.resource.outputs.arn);
        return [
            ...on(arn, "request", "iam:CreatePolicy"),
            ...(hasTags(f) ? on(arn, "none", "iam:TagPolicy") : []),
            ...on(
                arn,
                "none",
                "iam:GetPolicy",
                "iam:GetPolicyVersion",
                "iam:ListPolicyVersions",
                "iam:CreatePolicyVersion",
                "iam:DeletePolicyVersion",
                "iam:DeletePolicy",
            ),
        ];
    },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (f) => {
        const name = str(f.resource.inputs.role);
        const role = find(f.plan, "aws:iam/role:Role", (r) => r.outputs.name === name);
        const boundary = str(role?.inputs.permissionsBoundary);
        const context = {
            "iam:PolicyARN": str(f.resource.inputs.policyArn),
            ...(boundary ? { "iam:PermissionsBoundary": boundary } : {}),
        };
        return [
            { action: "iam:AttachRolePolicy", resource: roleArn(f, name), tags: "none", context },
            { action: "iam:DetachRolePolicy", resource: roleArn(f, name), tags: "none", context },
            ...on(roleArn(f, name), "none", "iam:ListAttachedRolePolicies"),
        ];
    },
    // ---------------------------------------------------------------- KMS
    "aws:kms/key:Key": (f) => {
        const arn = String(f.resource.outputs.arn);
        const policy = typeof f.resource.inputs.policy === "string" ? JSON.parse(f.resource.inputs.policy) : undefined;
        const existing = (...actions: string[]) =>
            actions.map((action) => ({ action, resource: arn, tags: "resource" as const, resourcePolicy: policy }));
        return [
            { action: "kms:CreateKey", resource: "*", tags: "request" },
            ...(hasTags(f)
                ? [{ action: "kms:TagResource", resource: arn, tags: "request" as const, resourcePolicy: policy }]
                : []),
            ...existing(
                "kms:DescribeKey",
                "kms:GetKeyPolicy",
                "kms:GetKeyRotationStatus",
                "kms:ListResourceTags",
                "kms:PutKeyPolicy",
                "kms:ScheduleKeyDeletion",
            ),
            ...(f.resource.inputs.enableKeyRotation === true ? existing("kms:EnableKeyRotation") : []),
        ];
    },
    "aws:kms/alias:Alias": (f) => {
        const keyArn = keyArnOf(f, str(f.resource.inputs.targetKeyId));
        const key = find(f.plan, "aws:kms/key:Key", (r) => r.outputs.arn === keyArn);
        const onKey = (action: string): Requirement => ({
            action,
            resource: keyArn,
            tags: "resource",
            ...(key ? { tagsOf: key } : {}),
            resourcePolicy: keyPolicyOf(f.plan, keyArn),
        });
        const alias = String(f.resource.outputs.arn);
        return [
            ...on(alias, "none", "kms:CreateAlias", "kms:DeleteAlias"),
            onKey("kms:CreateAlias"),
            onKey("kms:DeleteAlias"),
            ...on("*", "none", "kms:ListAliases"),
        ];
    },
    "aws:kms/keyPolicy:KeyPolicy": (f) => {
        const keyArn = keyArnOf(f, str(f.resource.inputs.keyId));
        const key = find(f.plan, "aws:kms/key:Key", (r) => r.outputs.arn === keyArn);
        const policy = typeof f.resource.inputs.policy === "string" ? JSON.parse(f.resource.inputs.policy) : undefined;
        return ["kms:PutKeyPolicy", "kms:GetKeyPolicy"].map((action) => ({
            action,
            resource: keyArn,
            tags: "resource",
            ...(key ? { tagsOf: key } : {}),
            resourcePolicy: policy,
        }));
    },
    // ---------------------------------------------------------------- Kinesis, Firehose
    "aws:kinesis/stream:Stream": (f) => {
        const arn = String(f.resource.outputs.arn);
        const retention =
            typeof f.resource.inputs.retentionPeriod === "number" ? f.resource.inputs.retentionPeriod : 24;
        return [
            ...on(arn, "request", "kinesis:CreateStream"),
            ...(hasTags(f) ? on(arn, "request", "kinesis:AddTagsToStream") : []),
            ...(f.resource.inputs.encryptionType === "KMS" ? on(arn, "resource", "kinesis:StartStreamEncryption") : []),
            ...(retention > 24 ? on(arn, "resource", "kinesis:IncreaseStreamRetentionPeriod") : []),
            ...on(
                arn,
                "resource",
                "kinesis:DescribeStreamSummary",
                "kinesis:DescribeStream",
                "kinesis:ListTagsForStream",
                "kinesis:DeleteStream",
            ),
        ];
    },
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": (f) => {
        const arn = String(f.resource.outputs.arn);
        const source = (f.resource.inputs.kinesisSourceConfiguration ?? {}) as Record<string, unknown>;
        const s3 = (f.resource.inputs.extendedS3Configuration ?? f.resource.inputs.s3Configuration ?? {}) as Record<
            string,
            unknown
        >;
        return [
            ...on(arn, "request", "firehose:CreateDeliveryStream"),
            ...(hasTags(f) ? on(arn, "request", "firehose:TagDeliveryStream") : []),
            ...on(
                arn,
                "resource",
                "firehose:DescribeDeliveryStream",
                "firehose:ListTagsForDeliveryStream",
                "firehose:DeleteDeliveryStream",
            ),
            ...passRole(f, str(source.roleArn), "firehose.amazonaws.com"),
            ...passRole(f, str(s3.roleArn), "firehose.amazonaws.com"),
            ...(str(source.kinesisStreamArn) ? on(str(source.kinesisStreamArn), "none", "kinesis:DescribeStream") : []),
        ];
    },
    // ---------------------------------------------------------------- CloudWatch Logs, alarms, events, SNS
    "aws:cloudwatch/logGroup:LogGroup": (f) => {
        const arn = String(f.resource.outputs.arn);
        return [
            ...on(arn, "request", "logs:CreateLogGroup"),
            ...(hasTags(f) ? on(arn, "request", "logs:TagResource") : []),
            // Set after the create, on the (tagged) group.
            ...(f.resource.inputs.retentionInDays !== undefined ? on(arn, "resource", "logs:PutRetentionPolicy") : []),
            ...(str(f.resource.inputs.kmsKeyId) ? on(arn, "resource", "logs:AssociateKmsKey") : []),
            ...on("*", "none", "logs:DescribeLogGroups"),
            ...on(arn, "resource", "logs:ListTagsForResource", "logs:DeleteLogGroup"),
        ];
    },
    "aws:cloudwatch/logStream:LogStream": (f) => {
        const group = regional(f, "logs", `log-group:${str(f.resource.inputs.logGroupName)}`);
        return [
            ...on(String(f.resource.outputs.arn), "none", "logs:CreateLogStream", "logs:DeleteLogStream"),
            ...on(group, "none", "logs:DescribeLogStreams"),
        ];
    },
    "aws:cloudwatch/metricAlarm:MetricAlarm": (f) => {
        const arn = String(f.resource.outputs.arn);
        return [
            ...on(arn, "request", "cloudwatch:PutMetricAlarm"),
            ...(hasTags(f) ? on(arn, "request", "cloudwatch:TagResource") : []),
            ...on(
                arn,
                "resource",
                "cloudwatch:DescribeAlarms",
                "cloudwatch:ListTagsForResource",
                "cloudwatch:DeleteAlarms",
            ),
        ];
    },
    "aws:cloudwatch/dashboard:Dashboard": (f) =>
        on(
            String(f.resource.outputs.arn),
            "none",
            "cloudwatch:PutDashboard",
            "cloudwatch:GetDashboard",
            "cloudwatch:DeleteDashboards",
        ),
    "aws:cloudwatch/eventRule:EventRule": (f) => {
        const arn = String(f.resource.outputs.arn);
        return [
            ...on(arn, "request", "events:PutRule"),
            ...(hasTags(f) ? on(arn, "request", "events:TagResource") : []),
            ...on(arn, "resource", "events:DescribeRule", "events:ListTagsForResource", "events:DeleteRule"),
            ...passRole(f, str(f.resource.inputs.roleArn), "events.amazonaws.com"),
        ];
    },
    "aws:cloudwatch/eventTarget:EventTarget": (f) => {
        const rule = regional(f, "events", `rule/${str(f.resource.inputs.rule)}`);
        return [
            ...on(rule, "none", "events:PutTargets", "events:ListTargetsByRule", "events:RemoveTargets"),
            ...passRole(f, str(f.resource.inputs.roleArn), "events.amazonaws.com"),
        ];
    },
    "aws:sns/topic:Topic": (f) => {
        const arn = String(f.resource.outputs.arn);
        return [
            ...on(arn, "request", "sns:CreateTopic"),
            ...(hasTags(f) ? on(arn, "request", "sns:TagResource") : []),
            ...on(
                arn,
                "resource",
                "sns:GetTopicAttributes",
                "sns:SetTopicAttributes",
                "sns:ListTagsForResource",
                "sns:DeleteTopic",
            ),
        ];
    },
    "aws:sns/topicPolicy:TopicPolicy": (f) =>
        on(str(f.resource.inputs.arn), "none", "sns:SetTopicAttributes", "sns:GetTopicAttributes"),
    // Subscribe names the topic; the subscription's own reads and its removal are authorized on it too.
    "aws:sns/topicSubscription:TopicSubscription": (f) =>
        on(
            str(f.resource.inputs.topic),
            "none",
            "sns:Subscribe",
            "sns:GetTopicAttributes",
            "sns:GetSubscriptionAttributes",
            "sns:Unsubscribe",
        ),
    // ---------------------------------------------------------------- API Gateway (REST)
    "aws:apigateway/restApi:RestApi": (f) => {
        const arn = apiArn(f, `/restapis/${f.resource.id}`);
        return [
            { action: "apigateway:POST", resource: apiArn(f, "/restapis"), tags: "request" },
            ...(hasTags(f)
                ? [
                      {
                          action: "apigateway:PUT",
                          resource: apiArn(f, `/tags/${encodeURIComponent(arn)}`),
                          tags: "request" as const,
                      },
                  ]
                : []),
            ...on(arn, "resource", "apigateway:GET", "apigateway:PATCH", "apigateway:DELETE"),
        ];
    },
    "aws:apigateway/resource:Resource": (f) =>
        apiChild(
            f,
            `/resources/${str(f.resource.inputs.parentId)}`,
            `/resources/${f.resource.id}`,
            ["apigateway:POST"],
            ["apigateway:GET", "apigateway:DELETE"],
        ),
    "aws:apigateway/method:Method": (f) =>
        apiChild(f, methodPath(f), methodPath(f), ["apigateway:PUT"], ["apigateway:GET", "apigateway:DELETE"]),
    "aws:apigateway/integration:Integration": (f) => [
        ...apiChild(
            f,
            `${methodPath(f)}/integration`,
            `${methodPath(f)}/integration`,
            ["apigateway:PUT"],
            ["apigateway:GET", "apigateway:DELETE"],
        ),
        ...passRole(f, str(f.resource.inputs.credentials), "apigateway.amazonaws.com"),
    ],
    "aws:apigateway/methodResponse:MethodResponse": (f) => {
        const path = `${methodPath(f)}/responses/${str(f.resource.inputs.statusCode)}`;
        return apiChild(f, path, path, ["apigateway:PUT"], ["apigateway:GET", "apigateway:DELETE"]);
    },
    "aws:apigateway/integrationResponse:IntegrationResponse": (f) => {
        const path = `${methodPath(f)}/integration/responses/${str(f.resource.inputs.statusCode)}`;
        return apiChild(f, path, path, ["apigateway:PUT"], ["apigateway:GET", "apigateway:DELETE"]);
    },
    "aws:apigateway/model:Model": (f) =>
        apiChild(
            f,
            "/models",
            `/models/${str(f.resource.inputs.name ?? f.resource.outputs.name)}`,
            ["apigateway:POST"],
            ["apigateway:GET", "apigateway:DELETE"],
        ),
    "aws:apigateway/requestValidator:RequestValidator": (f) =>
        apiChild(
            f,
            "/requestvalidators",
            `/requestvalidators/${f.resource.id}`,
            ["apigateway:POST"],
            ["apigateway:GET", "apigateway:DELETE"],
        ),
    "aws:apigateway/response:Response": (f) => {
        const path = `/gatewayresponses/${str(f.resource.inputs.responseType)}`;
        return apiChild(f, path, path, ["apigateway:PUT"], ["apigateway:GET", "apigateway:DELETE"]);
    },
    "aws:apigateway/deployment:Deployment": (f) =>
        apiChild(
            f,
            "/deployments",
            `/deployments/${f.resource.id}`,
            ["apigateway:POST"],
            ["apigateway:GET", "apigateway:DELETE"],
        ),
    "aws:apigateway/stage:Stage": (f) =>
        apiChild(
            f,
            "/stages",
            `/stages/${str(f.resource.inputs.stageName)}`,
            ["apigateway:POST"],
            ["apigateway:GET", "apigateway:PATCH", "apigateway:DELETE"],
        ),
    "aws:apigateway/methodSettings:MethodSettings": (f) => {
        const path = `/stages/${str(f.resource.inputs.stageName)}`;
        return apiChild(f, path, path, [], ["apigateway:PATCH", "apigateway:GET"]);
    },
    "aws:apigateway/apiKey:ApiKey": (f) => [
        { action: "apigateway:POST", resource: apiArn(f, "/apikeys"), tags: "request" },
        ...on(apiArn(f, `/apikeys/${f.resource.id}`), "resource", "apigateway:GET", "apigateway:DELETE"),
    ],
    "aws:apigateway/usagePlan:UsagePlan": (f) => [
        { action: "apigateway:POST", resource: apiArn(f, "/usageplans"), tags: "request" },
        ...on(
            apiArn(f, `/usageplans/${f.resource.id}`),
            "resource",
            "apigateway:GET",
            "apigateway:PATCH",
            "apigateway:DELETE",
        ),
    ],
    "aws:apigateway/usagePlanKey:UsagePlanKey": (f) => {
        const plan = find(f.plan, "aws:apigateway/usagePlan:UsagePlan", (r) => r.id === f.resource.inputs.usagePlanId);
        const base = `/usageplans/${str(f.resource.inputs.usagePlanId)}/keys`;
        const inherit = (action: string, path: string): Requirement => ({
            action,
            resource: apiArn(f, path),
            tags: "resource",
            ...(plan ? { tagsOf: plan } : {}),
        });
        return [
            inherit("apigateway:POST", base),
            inherit("apigateway:GET", `${base}/${str(f.resource.inputs.keyId)}`),
            inherit("apigateway:DELETE", `${base}/${str(f.resource.inputs.keyId)}`),
        ];
    },
    "aws:apigateway/domainName:DomainName": (f) => [
        { action: "apigateway:POST", resource: apiArn(f, "/domainnames"), tags: "request" },
        ...on(
            apiArn(f, `/domainnames/${str(f.resource.inputs.domainName)}`),
            "resource",
            "apigateway:GET",
            "apigateway:DELETE",
        ),
    ],
    "aws:apigateway/basePathMapping:BasePathMapping": (f) => {
        const domain = find(
            f.plan,
            "aws:apigateway/domainName:DomainName",
            (r) => r.inputs.domainName === f.resource.inputs.domainName,
        );
        const base = `/domainnames/${str(f.resource.inputs.domainName)}/basepathmappings`;
        const inherit = (action: string, path: string): Requirement => ({
            action,
            resource: apiArn(f, path),
            tags: "resource",
            ...(domain ? { tagsOf: domain } : {}),
        });
        return [
            inherit("apigateway:POST", base),
            inherit("apigateway:GET", `${base}/${str(f.resource.inputs.basePath) || "(none)"}`),
        ];
    },
    // The account-level CloudWatch role belongs to the bootstrap; a pipeline stack setting it must fail.
    "aws:apigateway/account:Account": (f) => on(apiArn(f, "/account"), "none", "apigateway:PATCH", "apigateway:GET"),
    "aws:acm/certificate:Certificate": (f) => {
        const arn = String(f.resource.outputs.arn);
        return [
            ...on("*", "request", "acm:RequestCertificate"),
            ...(hasTags(f) ? on(arn, "request", "acm:AddTagsToCertificate") : []),
            ...on(arn, "resource", "acm:DescribeCertificate", "acm:ListTagsForCertificate", "acm:DeleteCertificate"),
        ];
    },
    "aws:acm/certificateValidation:CertificateValidation": (f) => {
        const certificate = find(
            f.plan,
            "aws:acm/certificate:Certificate",
            (r) => r.outputs.arn === f.resource.inputs.certificateArn,
        );
        return [
            {
                action: "acm:DescribeCertificate",
                resource: str(f.resource.inputs.certificateArn),
                tags: "resource",
                ...(certificate ? { tagsOf: certificate } : {}),
            },
        ];
    },
    "aws:route53/record:Record": (f) => [
        ...on(
            `arn:${f.partition}:route53:::hostedzone/${str(f.resource.inputs.zoneId)}`,
            "none",
            "route53:ChangeResourceRecordSets",
            "route53:ListResourceRecordSets",
        ),
        ...on(`arn:${f.partition}:route53:::change/C0000000000000000000`, "none", "route53:GetChange"),
    ],
    // ---------------------------------------------------------------- S3
    // Written apart from the deployer's S3 grant on purpose: these bucket reads are what that grant is checked against.
    "aws:s3/bucket:Bucket": (f) => {
        const arn = String(f.resource.outputs.arn);
        return [
            ...on(arn, "request", "s3:CreateBucket"),
            ...(hasTags(f) ? on(arn, "none", "s3:PutBucketTagging") : []),
            ...on(
                arn,
                "none",
                "s3:ListBucket",
                "s3:GetBucketTagging",
                "s3:GetBucketPolicy",
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
                "s3:DeleteBucket",
            ),
        ];
    },
    "aws:s3/bucketPolicy:BucketPolicy": (f) =>
        on(
            `arn:${f.partition}:s3:::${str(f.resource.inputs.bucket)}`,
            "none",
            "s3:PutBucketPolicy",
            "s3:GetBucketPolicy",
            "s3:DeleteBucketPolicy",
        ),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": (f) =>
        on(
            `arn:${f.partition}:s3:::${str(f.resource.inputs.bucket)}`,
            "none",
            "s3:PutBucketPublicAccessBlock",
            "s3:GetBucketPublicAccessBlock",
        ),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": (f) =>
        on(
            `arn:${f.partition}:s3:::${str(f.resource.inputs.bucket)}`,
            "none",
            "s3:PutBucketOwnershipControls",
            "s3:GetBucketOwnershipControls",
        ),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (f) =>
        on(
            `arn:${f.partition}:s3:::${str(f.resource.inputs.bucket)}`,
            "none",
            "s3:PutEncryptionConfiguration",
            "s3:GetEncryptionConfiguration",
        ),
    "aws:s3/bucketVersioning:BucketVersioning": (f) =>
        on(
            `arn:${f.partition}:s3:::${str(f.resource.inputs.bucket)}`,
            "none",
            "s3:PutBucketVersioning",
            "s3:GetBucketVersioning",
        ),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": (f) =>
        on(
            `arn:${f.partition}:s3:::${str(f.resource.inputs.bucket)}`,
            "none",
            "s3:PutLifecycleConfiguration",
            "s3:GetLifecycleConfiguration",
        ),
    "aws:s3/bucketNotification:BucketNotification": (f) =>
        on(
            `arn:${f.partition}:s3:::${str(f.resource.inputs.bucket)}`,
            "none",
            "s3:PutBucketNotification",
            "s3:GetBucketNotification",
        ),
    "aws:s3/bucketObjectv2:BucketObjectv2": (f) => {
        const bucket = str(f.resource.inputs.bucket);
        const object = `arn:${f.partition}:s3:::${bucket}/${str(f.resource.inputs.key)}`;
        // With SSE-KMS default encryption, S3 asks KMS for a data key as the caller.
        const sse = find(
            f.plan,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            (r) => r.inputs.bucket === bucket,
        );
        const rule = ((sse?.inputs.rules as Record<string, unknown>[] | undefined) ?? [])[0];
        const key =
            str((rule?.applyServerSideEncryptionByDefault as Record<string, unknown> | undefined)?.kmsMasterKeyId) ||
            str(f.resource.inputs.kmsKeyId);
        // With S3 Bucket Keys the encryption context S3 sends is the bucket ARN, not the object's.
        const bucketKey = rule?.bucketKeyEnabled === true;
        const context = { "aws:s3:arn": bucketKey ? `arn:${f.partition}:s3:::${bucket}` : object };
        return [
            ...on(object, "none", "s3:PutObject", "s3:GetObject", "s3:GetObjectTagging", "s3:DeleteObject"),
            ...kmsUse(f, key, ["kms:GenerateDataKey", "kms:Decrypt"], "s3", context),
        ];
    },
    // ---------------------------------------------------------------- Glue
    "aws:glue/catalogDatabase:CatalogDatabase": (f) => {
        const db = glueArn(f, `database/${str(f.resource.outputs.name)}`);
        return [
            ...on(glueArn(f, "catalog"), "none", "glue:CreateDatabase", "glue:GetDatabase", "glue:DeleteDatabase"),
            ...on(db, "request", "glue:CreateDatabase"),
            ...(hasTags(f) ? on(db, "request", "glue:TagResource") : []),
            ...on(db, "none", "glue:GetDatabase", "glue:GetTags", "glue:DeleteDatabase"),
        ];
    },
    "aws:glue/catalogTable:CatalogTable": (f) => {
        const db = str(f.resource.inputs.databaseName);
        const resources = [
            glueArn(f, "catalog"),
            glueArn(f, `database/${db}`),
            glueArn(f, `table/${db}/${str(f.resource.outputs.name)}`),
        ];
        return resources.flatMap((r) => on(r, "none", "glue:CreateTable", "glue:GetTable", "glue:DeleteTable"));
    },
    "aws:glue/crawler:Crawler": (f) => {
        const arn = String(f.resource.outputs.arn);
        return [
            ...on("*", "request", "glue:CreateCrawler"),
            ...(hasTags(f) ? on(arn, "request", "glue:TagResource") : []),
            ...on(arn, "none", "glue:GetCrawler", "glue:GetTags", "glue:UpdateCrawler", "glue:DeleteCrawler"),
            ...passRole(f, str(f.resource.inputs.role), "glue.amazonaws.com"),
        ];
    },
    "aws:glue/connection:Connection": (f) => {
        const arn = String(f.resource.outputs.arn);
        return [
            ...on(
                glueArn(f, "catalog"),
                "none",
                "glue:CreateConnection",
                "glue:GetConnection",
                "glue:DeleteConnection",
            ),
            ...on(arn, "none", "glue:GetConnection", "glue:DeleteConnection"),
            ...(hasTags(f) ? on(arn, "request", "glue:TagResource") : []),
        ];
    },
    "aws:glue/securityConfiguration:SecurityConfiguration": () =>
        on(
            "*",
            "none",
            "glue:CreateSecurityConfiguration",
            "glue:GetSecurityConfiguration",
            "glue:DeleteSecurityConfiguration",
        ),
    "aws:glue/job:Job": (f) => {
        const arn = String(f.resource.outputs.arn);
        return [
            ...on(arn, "request", "glue:CreateJob"),
            ...(hasTags(f) ? on(arn, "request", "glue:TagResource") : []),
            ...on(arn, "none", "glue:GetJob", "glue:GetTags", "glue:UpdateJob", "glue:DeleteJob"),
            ...passRole(f, str(f.resource.inputs.roleArn), "glue.amazonaws.com"),
        ];
    },
    "aws:glue/trigger:Trigger": (f) => {
        const arn = String(f.resource.outputs.arn);
        const starts = f.resource.inputs.type !== "ON_DEMAND" && f.resource.inputs.enabled !== false;
        return [
            ...on(arn, "request", "glue:CreateTrigger"),
            ...(hasTags(f) ? on(arn, "request", "glue:TagResource") : []),
            ...(starts ? on(arn, "none", "glue:StartTrigger") : []),
            ...on(arn, "none", "glue:GetTrigger", "glue:GetTags", "glue:UpdateTrigger", "glue:DeleteTrigger"),
        ];
    },
    // ---------------------------------------------------------------- EC2 / VPC
    "awsx:ec2:Vpc": (f) => {
        const vpcId = str(f.resource.outputs.vpcId);
        const subnets = [
            ...strings(f.resource.outputs.privateSubnetIds),
            ...strings(f.resource.outputs.publicSubnetIds),
            ...strings(f.resource.outputs.isolatedSubnetIds),
        ];
        const routeTable = `rtb-${vpcId.slice(4, 21)}`;
        const natStrategy = str((f.resource.inputs.natGateways as Record<string, unknown> | undefined)?.strategy);
        const publicSubnets = strings(f.resource.outputs.publicSubnetIds);
        return [
            ...ec2Create(f, "CreateVpc", "vpc", vpcId),
            ...onExisting(
                f,
                "vpc",
                vpcId,
                "ec2:ModifyVpcAttribute",
                "ec2:CreateSubnet",
                "ec2:CreateRouteTable",
                "ec2:DeleteVpc",
            ),
            ...subnets.flatMap((s) => [
                ...ec2Create(f, "CreateSubnet", "subnet", s),
                ...onExisting(
                    f,
                    "subnet",
                    s,
                    "ec2:AssociateRouteTable",
                    "ec2:DisassociateRouteTable",
                    "ec2:DeleteSubnet",
                ),
            ]),
            ...ec2Create(f, "CreateRouteTable", "route-table", routeTable),
            ...onExisting(
                f,
                "route-table",
                routeTable,
                "ec2:AssociateRouteTable",
                "ec2:DisassociateRouteTable",
                "ec2:DeleteRouteTable",
            ),
            ...(publicSubnets.length > 0
                ? [
                      ...ec2Create(f, "CreateInternetGateway", "internet-gateway", `igw-${vpcId.slice(4)}`),
                      ...onExisting(f, "vpc", vpcId, "ec2:AttachInternetGateway"),
                  ]
                : []),
            ...(natStrategy !== "" && natStrategy !== "None"
                ? [
                      ...ec2Create(f, "AllocateAddress", "elastic-ip", `eipalloc-${vpcId.slice(4)}`),
                      ...ec2Create(f, "CreateNatGateway", "natgateway", `nat-${vpcId.slice(4)}`),
                  ]
                : []),
            ...onExisting(f, "vpc", vpcId, "ec2:DescribeVpcAttribute"),
            ...on(
                "*",
                "none",
                "ec2:DescribeVpcs",
                "ec2:DescribeSubnets",
                "ec2:DescribeRouteTables",
                "ec2:DescribeAvailabilityZones",
            ),
        ];
    },
    "aws:ec2/securityGroup:SecurityGroup": (f) => {
        const id = String(f.resource.id);
        const vpc = str(f.resource.inputs.vpcId);
        return [
            ...ec2Create(f, "CreateSecurityGroup", "security-group", id),
            ...(vpc ? onExisting(f, "vpc", vpc, "ec2:CreateSecurityGroup") : []),
            ...onExisting(f, "security-group", id, "ec2:RevokeSecurityGroupEgress", "ec2:DeleteSecurityGroup"),
            ...on("*", "none", "ec2:DescribeSecurityGroups"),
        ];
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (f) => securityGroupRule(f, "Ingress"),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (f) => securityGroupRule(f, "Egress"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": (f) => {
        const id = String(f.resource.id);
        return [
            ...ec2Create(f, "CreateVpcEndpoint", "vpc-endpoint", id),
            ...onExisting(f, "vpc", str(f.resource.inputs.vpcId), "ec2:CreateVpcEndpoint"),
            ...strings(f.resource.inputs.subnetIds).flatMap((s) => onExisting(f, "subnet", s, "ec2:CreateVpcEndpoint")),
            ...strings(f.resource.inputs.securityGroupIds).flatMap((s) =>
                onExisting(f, "security-group", s, "ec2:CreateVpcEndpoint"),
            ),
            ...strings(f.resource.inputs.routeTableIds).flatMap((s) =>
                onExisting(f, "route-table", s, "ec2:CreateVpcEndpoint"),
            ),
            ...onExisting(f, "vpc-endpoint", id, "ec2:ModifyVpcEndpoint", "ec2:DeleteVpcEndpoints"),
            ...on("*", "none", "ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists"),
        ];
    },
    // ---------------------------------------------------------------- Redshift
    "aws:redshiftserverless/namespace:Namespace": (f) => {
        const arn = String(f.resource.outputs.arn);
        return [
            ...on(arn, "request", "redshift-serverless:CreateNamespace"),
            ...(hasTags(f) ? on(arn, "request", "redshift-serverless:TagResource") : []),
            ...on(
                arn,
                "resource",
                "redshift-serverless:GetNamespace",
                "redshift-serverless:ListTagsForResource",
                "redshift-serverless:DeleteNamespace",
            ),
            ...strings(f.resource.inputs.iamRoles).flatMap((role) => passRole(f, role, "redshift.amazonaws.com")),
            ...passRole(f, str(f.resource.inputs.defaultIamRoleArn), "redshift.amazonaws.com"),
            ...kmsUse(
                f,
                str(f.resource.inputs.kmsKeyId),
                ["kms:DescribeKey", "kms:CreateGrant"],
                "redshift-serverless",
            ),
            ...managedAdminSecret(f),
        ];
    },
    "aws:redshiftserverless/workgroup:Workgroup": (f) => {
        const arn = String(f.resource.outputs.arn);
        return [
            ...on(arn, "request", "redshift-serverless:CreateWorkgroup"),
            ...(hasTags(f) ? on(arn, "request", "redshift-serverless:TagResource") : []),
            ...on(
                arn,
                "resource",
                "redshift-serverless:GetWorkgroup",
                "redshift-serverless:ListTagsForResource",
                "redshift-serverless:DeleteWorkgroup",
            ),
            ...on(
                "*",
                "none",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeAccountAttributes",
                "ec2:DescribeAvailabilityZones",
            ),
            {
                action: "iam:CreateServiceLinkedRole",
                resource: `arn:${f.partition}:iam::${f.account}:role/aws-service-role/redshift.amazonaws.com/AWSServiceRoleForRedshift`,
                tags: "none",
                context: { "iam:AWSServiceName": "redshift.amazonaws.com" },
            },
        ];
    },
    // Usage-limit actions have no resource type (Service Authorization Reference): authorized on "*".
    "aws:redshiftserverless/usageLimit:UsageLimit": () =>
        on(
            "*",
            "none",
            "redshift-serverless:CreateUsageLimit",
            "redshift-serverless:GetUsageLimit",
            "redshift-serverless:DeleteUsageLimit",
        ),
    // The table provider (shared/redshift-data-provider.ts) runs the DDL with the deployer's own
    // credentials on create and update; its read (refresh) calls nothing.
    "pulumi-nodejs:dynamic/redshift:Table": (f) => {
        const target = (f.resource.inputs.target ?? {}) as {
            workgroupName?: string;
            clusterIdentifier?: string;
            secretArn?: string;
            secretKmsKeyArn?: string;
        };
        const workgroupName = str(target.workgroupName);
        const workgroup = find(
            f.plan,
            "aws:redshiftserverless/workgroup:Workgroup",
            (r) => r.outputs.workgroupName === workgroupName,
        );
        const arn = workgroup
            ? String(workgroup.outputs.arn)
            : workgroupName
              ? regional(f, "redshift-serverless", `workgroup/${workgroupName}`)
              : `arn:${f.partition}:redshift:${f.region}:${f.account}:cluster:${str(target.clusterIdentifier)}`;
        const secret = str(target.secretArn);
        const crawler = str(f.resource.inputs.crawlerName);
        // Its read returns the recorded state (shared/redshift-data-provider.ts): SQL runs on create and update only.
        const runsSql = (requirements: Requirement[]) =>
            requirements.map((r) => ({ ...r, notOnRefresh: "the provider's read runs no SQL" }));
        return [
            ...on(arn, "none", "redshift-data:ExecuteStatement"),
            ...runsSql(on("*", "none", "redshift-data:DescribeStatement")),
            ...(secret ? runsSql(on(secret, "none", "secretsmanager:GetSecretValue")) : []),
            // The Data API reads the secret as its caller, so Secrets Manager decrypts it with its key as the
            // deployer ("Secret encryption and decryption in AWS Secrets Manager").
            ...(secret ? runsSql(kmsUse(f, str(target.secretKmsKeyArn), ["kms:Decrypt"], "secretsmanager")) : []),
            // After a migration it starts the table's JDBC crawler, waiting out a crawl already running.
            ...(crawler
                ? runsSql(on(regional(f, "glue", `crawler/${crawler}`), "none", "glue:StartCrawler", "glue:GetCrawler"))
                : []),
        ];
    },
    // A stream view (shared/redshift-data-provider.ts, redshiftStreamViewProvider): the same Data API calls on
    // the same target as a table, on create, update and delete; its read runs no SQL.
    "pulumi-nodejs:dynamic/redshift:StreamView": (f) => REQUIREMENTS["pulumi-nodejs:dynamic/redshift:Table"](f),
    // The reader's password (shared/redshift-password-provider.ts): on create and update the deployer writes a
    // secret version (under the secret's key, through Secrets Manager) and runs an ALTER USER through the Data
    // API as the tables do; on delete it runs one more. Its read (refresh) calls nothing.
    "pulumi-nodejs:dynamic/redshift:UserPassword": (f) => {
        const secretArn = str(f.resource.inputs.secretArn);
        const secret = find(f.plan, "aws:secretsmanager/secret:Secret", (r) => r.outputs.arn === secretArn);
        const sql = REQUIREMENTS["pulumi-nodejs:dynamic/redshift:Table"](f);
        const deployOnly = (requirements: Requirement[]) =>
            requirements.map((r) => ({ ...r, notOnRefresh: "the provider's read calls nothing" }));
        return [
            ...sql,
            ...deployOnly(
                on(secretArn, "resource", "secretsmanager:PutSecretValue").map((r) => ({
                    ...r,
                    ...(secret ? { tagsOf: secret } : {}),
                })),
            ),
            ...deployOnly(
                kmsUse(f, str(secret?.inputs.kmsKeyId), ["kms:GenerateDataKey", "kms:Decrypt"], "secretsmanager"),
            ),
        ];
    },
    // ---------------------------------------------------------------- Secrets Manager
    "aws:secretsmanager/secret:Secret": (f) => {
        const arn = String(f.resource.outputs.arn);
        return [
            ...on(arn, "request", "secretsmanager:CreateSecret"),
            ...(hasTags(f) ? on(arn, "request", "secretsmanager:TagResource") : []),
            ...on(
                arn,
                "resource",
                "secretsmanager:DescribeSecret",
                "secretsmanager:GetResourcePolicy",
                "secretsmanager:DeleteSecret",
            ),
        ];
    },
    "aws:secretsmanager/secretVersion:SecretVersion": (f) => {
        const secretArn = str(f.resource.inputs.secretId);
        const secret = find(
            f.plan,
            "aws:secretsmanager/secret:Secret",
            (r) => r.outputs.arn === secretArn || r.id === secretArn,
        );
        return [
            ...["secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"].map(
                (action) => ({
                    action,
                    resource: secretArn,
                    tags: "resource" as const,
                    ...(secret ? { tagsOf: secret } : {}),
                }),
            ),
            ...kmsUse(f, str(secret?.inputs.kmsKeyId), ["kms:GenerateDataKey", "kms:Decrypt"], "secretsmanager"),
        ];
    },
};

function securityGroupRule(f: ResourceFacts, direction: "Ingress" | "Egress"): Requirement[] {
    const group = str(f.resource.inputs.securityGroupId);
    const rule = ec2Arn(f, "security-group-rule", String(f.resource.id));
    return [
        ...onExisting(
            f,
            "security-group",
            group,
            `ec2:AuthorizeSecurityGroup${direction}`,
            `ec2:RevokeSecurityGroup${direction}`,
        ),
        ...on(rule, hasTags(f) ? "request" : "none", `ec2:AuthorizeSecurityGroup${direction}`),
        ...(hasTags(f)
            ? [
                  {
                      action: "ec2:CreateTags",
                      resource: rule,
                      tags: "none" as const,
                      context: { "ec2:CreateAction": `AuthorizeSecurityGroup${direction}` },
                  },
              ]
            : []),
        ...on("*", "none", "ec2:DescribeSecurityGroupRules"),
    ];
}
