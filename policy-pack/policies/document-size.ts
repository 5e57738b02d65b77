/**
 * Policy documents AWS would refuse for their size. Every per-pipeline grant adds a statement to the shared
 * bucket and key policies and to the API role's inline policy, so these documents grow with the pipeline
 * count, and past a service's limit the deploy fails at create time: nothing else offline catches that.
 *
 * Each limit is measured the way the service documents it:
 * - IAM counts characters without white space (`IAM and AWS STS quotas`; GetAccountSummary names its
 *   size quotas "in non-whitespace characters"); the inline policies of one role, user or group count
 *   together, against one aggregate limit per entity;
 * - S3, KMS, SNS and SQS state their limits in (kilo)bytes of the document and API Gateway, CloudWatch Logs,
 *   Secrets Manager and VPC endpoints in characters; none excludes anything, so white space counts (the
 *   PrivateLink quotas say so explicitly).
 * A document is measured as the program passes it (the JSON text; an object as its JSON). Kinesis and
 * Glue resource policies are not measured: no size limit for them was found in their documentation.
 */
import { resourcePolicy, StackResource, stackPolicy } from "./support/define";
import { asArray, asObject, asString, isUnknown, Plain, UNKNOWN, Unknown } from "./support/plain";

export type SizeUnit = "bytes" | "characters" | "non-whitespace characters";

export interface SizeLimit {
    /** What is limited, for messages: "bucket policy". */
    readonly document: string;
    readonly maximum: number;
    readonly unit: SizeUnit;
    /** How the service counts, and where its documentation says so. */
    readonly rule: string;
}

/** The only white space an IAM document may contain (IAM accepts tab, LF, CR and U+0020 to U+00FF). */
const IAM_WHITESPACE = /[ \t\n\r]/g;

/** The size of `text` in `unit`. Characters are Unicode code points, bytes are UTF-8 bytes. */
export function measure(text: string, unit: SizeUnit): number {
    switch (unit) {
        case "bytes":
            return Buffer.byteLength(text, "utf8");
        case "characters":
            return [...text].length;
        case "non-whitespace characters":
            return [...text.replace(IAM_WHITESPACE, "")].length;
    }
}

/** A plan writes an unknown value as "<unknown>" and a secret as "<secret>": neither can be measured. */
const UNMEASURABLE = new Set(["<unknown>", "<secret>"]);

function containsUnknown(value: Plain): boolean {
    if (isUnknown(value) || (typeof value === "string" && UNMEASURABLE.has(value))) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    const object = asObject(value);
    return object !== undefined && Object.values(object).some(containsUnknown);
}

/** The document as the program passes it: its JSON text, UNKNOWN when not known yet, undefined when absent. */
export function documentText(value: Plain): string | Unknown | undefined {
    if (value === undefined || value === null || value === "") return undefined;
    if (containsUnknown(value)) return UNKNOWN;
    return typeof value === "string" ? value : JSON.stringify(value);
}

const IAM_QUOTAS = '"IAM and AWS STS quotas"';

/** Role trust policies: an adjustable quota, 2,048 by default. */
export const DEFAULT_MAXIMUM_TRUST_POLICY_CHARACTERS = 2048;
/** API Gateway resource policies: an adjustable quota, 8,192 by default. */
export const DEFAULT_MAXIMUM_API_GATEWAY_RESOURCE_POLICY_CHARACTERS = 8192;

function trustPolicyLimit(maximum: number): SizeLimit {
    return {
        document: "role trust policy",
        maximum,
        unit: "non-whitespace characters",
        rule: `IAM limits a role trust policy to ${formatNumber(maximum)} characters (an adjustable quota; 2,048 by default), white space not counted (${IAM_QUOTAS})`,
    };
}

function apiGatewayResourcePolicyLimit(maximum: number): SizeLimit {
    return {
        document: "API Gateway resource policy",
        maximum,
        unit: "characters",
        rule: `API Gateway limits a REST API's resource policy to ${formatNumber(maximum)} characters (an adjustable quota; 8,192 by default), white space included ("Quotas for configuring and running a REST API in API Gateway")`,
    };
}

const MANAGED_POLICY: SizeLimit = {
    document: "managed policy",
    maximum: 6144,
    unit: "non-whitespace characters",
    rule: `IAM limits a managed policy to 6,144 characters, white space not counted (${IAM_QUOTAS})`,
};

const BUCKET_POLICY: SizeLimit = {
    document: "bucket policy",
    maximum: 20 * 1024,
    unit: "bytes",
    rule: 'S3 limits a bucket policy to 20 KB, white space included (Amazon S3 User Guide, "Bucket policies and user policies")',
};

const KEY_POLICY: SizeLimit = {
    document: "key policy",
    maximum: 32768,
    unit: "bytes",
    rule: 'KMS limits a key policy to 32 KB (32,768 bytes), white space included (AWS KMS Developer Guide, "Key policy format")',
};

const TOPIC_POLICY: SizeLimit = {
    document: "topic policy",
    maximum: 30 * 1024,
    unit: "bytes",
    rule: 'SNS limits a topic policy to 30 KB, white space included (Amazon SNS Developer Guide, "Policy quotas")',
};

const QUEUE_POLICY: SizeLimit = {
    document: "queue policy",
    maximum: 8192,
    unit: "bytes",
    rule: 'SQS limits a queue policy to 8,192 bytes, white space included ("Amazon SQS policy quotas")',
};

const SECRET_POLICY: SizeLimit = {
    document: "secret resource policy",
    maximum: 20480,
    unit: "characters",
    rule: "Secrets Manager limits a secret's resource policy to 20,480 characters, white space included (PutResourcePolicy, ResourcePolicy)",
};

const LOG_RESOURCE_POLICY: SizeLimit = {
    document: "CloudWatch Logs resource policy",
    maximum: 5120,
    unit: "characters",
    rule: 'CloudWatch Logs limits a resource policy to 5,120 characters, white space included ("Avoiding Amazon CloudWatch Logs resource policy size restrictions")',
};

const VPC_ENDPOINT_POLICY: SizeLimit = {
    document: "VPC endpoint policy",
    maximum: 20480,
    unit: "characters",
    rule: 'VPC endpoint policies are limited to 20,480 characters, white space included ("AWS PrivateLink quotas")',
};

export interface DocumentSizeConfig {
    readonly maximumTrustPolicyCharacters: number;
    readonly maximumApiGatewayResourcePolicyCharacters: number;
}

/** Where each resource type keeps a document that a service limits on its own (inline IAM policies are aggregates, below). */
const DOCUMENTS: Readonly<
    Record<
        string,
        ReadonlyArray<{ readonly property: string; readonly limit: (config: Partial<DocumentSizeConfig>) => SizeLimit }>
    >
> = {
    "aws:iam/role:Role": [
        {
            property: "assumeRolePolicy",
            limit: (c) => trustPolicyLimit(c.maximumTrustPolicyCharacters ?? DEFAULT_MAXIMUM_TRUST_POLICY_CHARACTERS),
        },
    ],
    "aws:iam/policy:Policy": [{ property: "policy", limit: () => MANAGED_POLICY }],
    "aws:s3/bucketPolicy:BucketPolicy": [{ property: "policy", limit: () => BUCKET_POLICY }],
    "aws:s3/bucket:Bucket": [{ property: "policy", limit: () => BUCKET_POLICY }],
    "aws:s3/bucketV2:BucketV2": [{ property: "policy", limit: () => BUCKET_POLICY }],
    "aws:kms/key:Key": [{ property: "policy", limit: () => KEY_POLICY }],
    "aws:kms/keyPolicy:KeyPolicy": [{ property: "policy", limit: () => KEY_POLICY }],
    "aws:sns/topic:Topic": [{ property: "policy", limit: () => TOPIC_POLICY }],
    "aws:sns/topicPolicy:TopicPolicy": [{ property: "policy", limit: () => TOPIC_POLICY }],
    "aws:sqs/queue:Queue": [{ property: "policy", limit: () => QUEUE_POLICY }],
    "aws:sqs/queuePolicy:QueuePolicy": [{ property: "policy", limit: () => QUEUE_POLICY }],
    "aws:secretsmanager/secret:Secret": [{ property: "policy", limit: () => SECRET_POLICY }],
    "aws:secretsmanager/secretPolicy:SecretPolicy": [{ property: "policy", limit: () => SECRET_POLICY }],
    "aws:apigateway/restApi:RestApi": [
        {
            property: "policy",
            limit: (c) =>
                apiGatewayResourcePolicyLimit(
                    c.maximumApiGatewayResourcePolicyCharacters ??
                        DEFAULT_MAXIMUM_API_GATEWAY_RESOURCE_POLICY_CHARACTERS,
                ),
        },
    ],
    "aws:apigateway/restApiPolicy:RestApiPolicy": [
        {
            property: "policy",
            limit: (c) =>
                apiGatewayResourcePolicyLimit(
                    c.maximumApiGatewayResourcePolicyCharacters ??
                        DEFAULT_MAXIMUM_API_GATEWAY_RESOURCE_POLICY_CHARACTERS,
                ),
        },
    ],
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": [
        { property: "policyDocument", limit: () => LOG_RESOURCE_POLICY },
    ],
    "aws:ec2/vpcEndpoint:VpcEndpoint": [{ property: "policy", limit: () => VPC_ENDPOINT_POLICY }],
    "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy": [{ property: "policy", limit: () => VPC_ENDPOINT_POLICY }],
};

/**
 * The limit AWS holds a resource's document to, undefined when it holds it to none on its own (an inline
 * IAM policy counts towards its role's, user's or group's aggregate: see INLINE_AGGREGATES).
 */
export function sizeLimitOf(
    type: string,
    property: string,
    config: Partial<DocumentSizeConfig> = {},
): SizeLimit | undefined {
    return DOCUMENTS[type]?.find((d) => d.property === property)?.limit(config);
}

function formatNumber(value: number): string {
    return value.toLocaleString("en-US");
}

const REMEDIATION =
    "Shrink the document: merge statements that differ only in principal or resource into one statement with lists " +
    "(or one pattern), or spread the grants over more resources (a managed policy per concern instead of inline " +
    "policies; a bucket or key per group of pipelines).";

export const policyDocumentSize = resourcePolicy<DocumentSizeConfig>({
    name: "policy-document-size",
    description:
        "Every policy document is within its service's size limit, measured as the service measures it: IAM managed " +
        "policies 6,144 and role trust policies 2,048 characters without white space; S3 bucket policies 20 KB, KMS key " +
        "policies 32 KB, SNS topic policies 30 KB, SQS queue policies 8,192 bytes; API Gateway resource policies 8,192, " +
        "Secrets Manager 20,480, CloudWatch Logs 5,120 and VPC endpoint policies 20,480 characters. A document over its " +
        "limit is refused by AWS at create time.",
    severity: "high",
    remediation: REMEDIATION,
    configProperties: {
        maximumTrustPolicyCharacters: {
            type: "integer",
            minimum: DEFAULT_MAXIMUM_TRUST_POLICY_CHARACTERS,
            maximum: 8192,
            default: DEFAULT_MAXIMUM_TRUST_POLICY_CHARACTERS,
            description:
                "The account's role trust policy length quota; raise it only after Service Quotas raised the quota.",
        },
        maximumApiGatewayResourcePolicyCharacters: {
            type: "integer",
            minimum: DEFAULT_MAXIMUM_API_GATEWAY_RESOURCE_POLICY_CHARACTERS,
            default: DEFAULT_MAXIMUM_API_GATEWAY_RESOURCE_POLICY_CHARACTERS,
            description:
                "The account's API Gateway resource policy length quota; raise it only after Service Quotas raised the quota.",
        },
    },
    types: Object.keys(DOCUMENTS),
    check: (context) => {
        for (const { property, limit: limitFor } of DOCUMENTS[context.type] ?? []) {
            const text = documentText(context.props[property]);
            if (text === undefined) continue;
            if (isUnknown(text)) {
                context.undetermined.note(property);
                continue;
            }
            const limit = limitFor(context.config);
            const size = measure(text, limit.unit);
            if (size > limit.maximum) {
                context.report(
                    `${context.type} "${context.name}": the ${limit.document} (${property}) is ${formatNumber(size)} ${limit.unit}, ` +
                        `over the limit of ${formatNumber(limit.maximum)}: ${limit.rule}.`,
                );
            }
        }
    },
});

/** The inline policies of one IAM role, user or group count together against one limit. */
interface InlineAggregate {
    readonly entity: "role" | "user" | "group";
    readonly ownerType: string;
    readonly policyType: string;
    /** The input of the policy resource naming its owner. */
    readonly ownerProperty: string;
    readonly limit: SizeLimit;
}

function aggregateLimit(entity: string, maximum: number): SizeLimit {
    return {
        document: `inline policies of the ${entity}`,
        maximum,
        unit: "non-whitespace characters",
        rule: `IAM limits the inline policies of one ${entity}, summed, to ${formatNumber(maximum)} characters, white space not counted (${IAM_QUOTAS})`,
    };
}

export const INLINE_AGGREGATES: readonly InlineAggregate[] = [
    {
        entity: "role",
        ownerType: "aws:iam/role:Role",
        policyType: "aws:iam/rolePolicy:RolePolicy",
        ownerProperty: "role",
        limit: aggregateLimit("role", 10240),
    },
    {
        entity: "user",
        ownerType: "aws:iam/user:User",
        policyType: "aws:iam/userPolicy:UserPolicy",
        ownerProperty: "user",
        limit: aggregateLimit("user", 2048),
    },
    {
        entity: "group",
        ownerType: "aws:iam/group:Group",
        policyType: "aws:iam/groupPolicy:GroupPolicy",
        ownerProperty: "group",
        limit: aggregateLimit("group", 5120),
    },
];

interface InlinePart {
    /** e.g. `aws:iam/rolePolicy:RolePolicy "ingest-api"` or `inlinePolicies[0] "write"`. */
    readonly source: string;
    readonly size: number;
}

interface Entity {
    /** The entity's name when known, else the logical name of what stands for it. */
    readonly label: string;
    /** Where a violation is reported: the role, user or group itself, else its first policy resource. */
    readonly reportOn: StackResource;
    readonly parts: InlinePart[];
    readonly unknown: string[];
}

/** Groups every inline policy of `aggregate`'s kind by the entity it belongs to. */
function entitiesOf(
    aggregate: InlineAggregate,
    resources: readonly StackResource[],
    noteUndetermined: (what: string) => void,
): Entity[] {
    const entities = new Map<string, Entity>();
    const keyByOwnerUrn = new Map<string, string>();
    const entityFor = (key: string, label: string, reportOn: StackResource): Entity => {
        let entity = entities.get(key);
        if (entity === undefined) {
            entity = { label, reportOn, parts: [], unknown: [] };
            entities.set(key, entity);
        }
        return entity;
    };
    const add = (entity: Entity, source: string, document: Plain) => {
        const text = documentText(document);
        if (text === undefined) return;
        if (isUnknown(text)) entity.unknown.push(source);
        else entity.parts.push({ source, size: measure(text, aggregate.limit.unit) });
    };

    for (const owner of resources.filter((r) => r.type === aggregate.ownerType)) {
        const name = asString(owner.props.name) ?? asString(owner.props.id);
        const key = name !== undefined && !UNMEASURABLE.has(name) ? `name:${name}` : `urn:${owner.urn}`;
        keyByOwnerUrn.set(owner.urn, key);
        const entity = entityFor(key, name ?? owner.name, owner);
        // A role created with `inlinePolicies` embeds them itself; they count with its RolePolicy resources.
        const inline = owner.props.inlinePolicies;
        if (isUnknown(inline)) {
            entity.unknown.push("inlinePolicies");
            continue;
        }
        asArray(inline).forEach((item, index) => {
            const policy = asObject(item as Plain);
            if (isUnknown(item)) entity.unknown.push(`inlinePolicies[${index}]`);
            else if (policy !== undefined)
                add(entity, `inlinePolicies[${index}] "${asString(policy.name) ?? index}"`, policy.policy);
        });
    }

    for (const resource of resources.filter((r) => r.type === aggregate.policyType)) {
        const owner = resource.props[aggregate.ownerProperty];
        let key: string | undefined;
        let label = asString(owner);
        if (label !== undefined && label !== "" && !UNMEASURABLE.has(label)) {
            key = `name:${label}`;
        } else {
            // During a preview the owner's name may not be known yet; the engine still says which resource it came from.
            const ownerUrn = (resource.propertyDependencies[aggregate.ownerProperty] ?? []).find((urn) =>
                keyByOwnerUrn.has(urn),
            );
            key = ownerUrn !== undefined ? keyByOwnerUrn.get(ownerUrn) : undefined;
            label = undefined;
        }
        if (key === undefined) {
            noteUndetermined(`${aggregate.ownerProperty} of ${resource.name}`);
            continue;
        }
        add(
            entityFor(key, label ?? resource.name, resource),
            `${aggregate.policyType} "${resource.name}"`,
            resource.props.policy,
        );
    }
    return [...entities.values()];
}

function describeParts(parts: readonly InlinePart[], unit: SizeUnit): string {
    const largest = [...parts].sort((a, b) => b.size - a.size);
    const shown = largest.slice(0, 5).map((p) => `${p.source} ${formatNumber(p.size)}`);
    const more = largest.length > shown.length ? ` and ${largest.length - shown.length} more` : "";
    return `${shown.join(", ")}${more} ${unit}`;
}

export const iamInlinePolicyAggregateSize = stackPolicy({
    name: "iam-inline-policy-aggregate-size",
    description:
        "The inline policies of each IAM role (its RolePolicy resources and its own inlinePolicies), user and group, " +
        "summed, are within IAM's aggregate limit: 10,240 characters per role, 2,048 per user, 5,120 per group, white " +
        "space not counted. AWS refuses the inline policy that crosses it.",
    severity: "high",
    remediation:
        "Move statements into customer managed policies attached to the role (6,144 characters each), merge statements " +
        "that differ only in resource, or split the role's duties over several roles.",
    types: INLINE_AGGREGATES.flatMap((a) => [a.ownerType, a.policyType]),
    check: (context) => {
        for (const aggregate of INLINE_AGGREGATES) {
            for (const entity of entitiesOf(aggregate, context.resources, (what) => context.undetermined.note(what))) {
                const { limit } = aggregate;
                const total = entity.parts.reduce((sum, part) => sum + part.size, 0);
                if (total > limit.maximum) {
                    const atLeast = entity.unknown.length > 0 ? "at least " : "";
                    context.report(
                        entity.reportOn,
                        `IAM ${aggregate.entity} "${entity.label}": its inline policies total ${atLeast}${formatNumber(total)} ${limit.unit} ` +
                            `(${describeParts(entity.parts, limit.unit)}), over the limit of ${formatNumber(limit.maximum)}: ${limit.rule}.`,
                    );
                } else if (entity.unknown.length > 0) {
                    context.undetermined.note(
                        `inline policies of ${aggregate.entity} ${entity.label} (${entity.unknown.join(", ")})`,
                    );
                }
            }
        }
    },
});

export const documentSizePolicies = [policyDocumentSize, iamInlinePolicyAggregateSize];
