/**
 * What AWS would return for each resource type the stacks create: the physical name (Pulumi's
 * auto-name when the program gives none), the id, the ARN in the right account/region/format, and the
 * other computed attributes the programs read. A type missing here fails the plan loudly rather than
 * planning an ARN that AWS would never produce.
 */
import { createHash } from "crypto";

export interface MockContext {
    readonly account: string;
    readonly region: string;
    readonly project: string;
    readonly stack: string;
}

export interface MockedResource {
    readonly id: string;
    readonly state: Record<string, unknown>;
}

interface ResourceFacts extends MockContext {
    readonly partition: string;
    /** Logical name in the program. */
    readonly logical: string;
    /** The physical name: the program's, or Pulumi's auto-name. */
    readonly physical: string;
    readonly inputs: Record<string, unknown>;
    /** Deterministic hex, different per resource, for ids AWS would generate. */
    hex(length: number, salt?: string): string;
}

interface TypeMock {
    /** The input that carries the physical name, auto-named when absent; null when the type has none. */
    readonly nameProperty?: string | null;
    /** S3 and a few others only accept lowercase names. */
    readonly lowercaseName?: boolean;
    readonly id?: (r: ResourceFacts) => string;
    readonly arn?: (r: ResourceFacts) => string;
    readonly outputs?: (r: ResourceFacts) => Record<string, unknown>;
}

const str = (value: unknown): string => (typeof value === "string" ? value : "");
/** The value of an input the provider schema marks secret (the SDK passes it wrapped: `{ <sig>, value }`). */
const unsecret = (value: unknown): unknown => (value !== null && typeof value === "object" && "value" in value ? (value as { value: unknown }).value : value);
const regionalArn = (service: string, resource: string) => (r: ResourceFacts) => `arn:${r.partition}:${service}:${r.region}:${r.account}:${resource.replace("{name}", r.physical)}`;
const uuidFrom = (r: ResourceFacts, salt = "") => {
    const h = r.hex(32, salt);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const apiId = (r: ResourceFacts) => r.hex(10);
const restApiOf = (r: ResourceFacts) => str(r.inputs.restApi);

const TYPES: Record<string, TypeMock> = {
    // --- IAM
    "aws:iam/role:Role": {
        nameProperty: "name",
        arn: (r) => `arn:${r.partition}:iam::${r.account}:role${str(r.inputs.path) || "/"}${r.physical}`,
        outputs: (r) => ({ uniqueId: `AROA${r.hex(17).toUpperCase()}` }),
    },
    "aws:iam/rolePolicy:RolePolicy": { nameProperty: "name", id: (r) => `${str(r.inputs.role)}:${r.physical}` },
    "aws:iam/policy:Policy": { nameProperty: "name", arn: (r) => `arn:${r.partition}:iam::${r.account}:policy${str(r.inputs.path) || "/"}${r.physical}` },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { nameProperty: null, id: (r) => `${str(r.inputs.role)}-${r.hex(8)}` },
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": {
        nameProperty: null,
        arn: (r) => `arn:${r.partition}:iam::${r.account}:oidc-provider/${str(r.inputs.url).replace(/^https:\/\//, "")}`,
    },
    // --- KMS
    "aws:kms/key:Key": { nameProperty: null, id: (r) => uuidFrom(r), arn: (r) => `arn:${r.partition}:kms:${r.region}:${r.account}:key/${uuidFrom(r)}`, outputs: (r) => ({ keyId: uuidFrom(r) }) },
    "aws:kms/alias:Alias": { nameProperty: "name", arn: (r) => `arn:${r.partition}:kms:${r.region}:${r.account}:${r.physical}`, outputs: (r) => ({ targetKeyArn: `arn:${r.partition}:kms:${r.region}:${r.account}:key/${str(r.inputs.targetKeyId)}` }) },
    "aws:kms/keyPolicy:KeyPolicy": { nameProperty: null, id: (r) => str(r.inputs.keyId) },
    // --- Kinesis and Firehose
    "aws:kinesis/stream:Stream": { nameProperty: "name", arn: regionalArn("kinesis", "stream/{name}") },
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": {
        nameProperty: "name",
        arn: regionalArn("firehose", "deliverystream/{name}"),
        outputs: () => ({ versionId: "1", destinationId: "destinationId-000000000001" }),
    },
    // --- CloudWatch, SNS, EventBridge
    "aws:cloudwatch/logGroup:LogGroup": { nameProperty: "name", arn: regionalArn("logs", "log-group:{name}") },
    "aws:cloudwatch/logStream:LogStream": { nameProperty: "name", arn: (r) => `arn:${r.partition}:logs:${r.region}:${r.account}:log-group:${str(r.inputs.logGroupName)}:log-stream:${r.physical}` },
    "aws:cloudwatch/metricAlarm:MetricAlarm": { nameProperty: "name", arn: regionalArn("cloudwatch", "alarm:{name}") },
    "aws:cloudwatch/dashboard:Dashboard": {
        nameProperty: "dashboardName",
        arn: (r) => `arn:${r.partition}:cloudwatch::${r.account}:dashboard/${r.physical}`,
        // The provider's attribute is `dashboardArn`; the resource has no `arn`.
        outputs: (r) => ({ dashboardArn: `arn:${r.partition}:cloudwatch::${r.account}:dashboard/${r.physical}` }),
    },
    "aws:cloudwatch/eventRule:EventRule": { nameProperty: "name", arn: regionalArn("events", "rule/{name}") },
    "aws:cloudwatch/eventTarget:EventTarget": { nameProperty: "targetId", id: (r) => `${str(r.inputs.rule)}-${r.physical}` },
    "aws:sns/topic:Topic": { nameProperty: "name", id: regionalArn("sns", "{name}"), arn: regionalArn("sns", "{name}") },
    "aws:sns/topicSubscription:TopicSubscription": { nameProperty: null, id: (r) => `${str(r.inputs.topic)}:${uuidFrom(r)}`, arn: (r) => `${str(r.inputs.topic)}:${uuidFrom(r)}` },
    "aws:sns/topicPolicy:TopicPolicy": { nameProperty: null, id: (r) => str(r.inputs.arn) },
    // --- API Gateway (REST)
    "aws:apigateway/restApi:RestApi": {
        nameProperty: "name",
        id: apiId,
        arn: (r) => `arn:${r.partition}:apigateway:${r.region}::/restapis/${apiId(r)}`,
        outputs: (r) => ({ rootResourceId: r.hex(10, "root"), executionArn: `arn:${r.partition}:execute-api:${r.region}:${r.account}:${apiId(r)}`, createdDate: "2026-01-01T00:00:00Z" }),
    },
    "aws:apigateway/resource:Resource": { nameProperty: null, id: (r) => r.hex(6), outputs: (r) => ({ path: `/${str(r.inputs.pathPart)}` }) },
    "aws:apigateway/method:Method": { nameProperty: null, id: (r) => `agm-${restApiOf(r)}-${str(r.inputs.resourceId)}-${str(r.inputs.httpMethod)}` },
    "aws:apigateway/integration:Integration": { nameProperty: null, id: (r) => `agi-${restApiOf(r)}-${str(r.inputs.resourceId)}-${str(r.inputs.httpMethod)}` },
    "aws:apigateway/methodResponse:MethodResponse": { nameProperty: null, id: (r) => `agmr-${restApiOf(r)}-${str(r.inputs.resourceId)}-${str(r.inputs.httpMethod)}-${str(r.inputs.statusCode)}` },
    "aws:apigateway/integrationResponse:IntegrationResponse": { nameProperty: null, id: (r) => `agir-${restApiOf(r)}-${str(r.inputs.resourceId)}-${str(r.inputs.httpMethod)}-${str(r.inputs.statusCode)}` },
    "aws:apigateway/model:Model": { nameProperty: "name", id: (r) => r.hex(6) },
    "aws:apigateway/requestValidator:RequestValidator": { nameProperty: "name", id: (r) => r.hex(6) },
    "aws:apigateway/gatewayResponse:GatewayResponse": { nameProperty: null, id: (r) => `aggr-${restApiOf(r)}-${str(r.inputs.responseType)}` },
    "aws:apigateway/response:Response": { nameProperty: null, id: (r) => `aggr-${str(r.inputs.restApiId)}-${str(r.inputs.responseType)}` },
    "aws:apigateway/deployment:Deployment": { nameProperty: null, id: (r) => r.hex(6), outputs: () => ({ createdDate: "2026-01-01T00:00:00Z" }) },
    "aws:apigateway/stage:Stage": {
        nameProperty: null,
        id: (r) => `ags-${restApiOf(r)}-${str(r.inputs.stageName)}`,
        arn: (r) => `arn:${r.partition}:apigateway:${r.region}::/restapis/${restApiOf(r)}/stages/${str(r.inputs.stageName)}`,
        outputs: (r) => ({
            invokeUrl: `https://${restApiOf(r)}.execute-api.${r.region}.amazonaws.com/${str(r.inputs.stageName)}`,
            executionArn: `arn:${r.partition}:execute-api:${r.region}:${r.account}:${restApiOf(r)}/${str(r.inputs.stageName)}`,
        }),
    },
    "aws:apigateway/methodSettings:MethodSettings": { nameProperty: null, id: (r) => `${restApiOf(r)}-${str(r.inputs.stageName)}-${str(r.inputs.methodPath)}` },
    "aws:apigateway/account:Account": { nameProperty: null, id: () => "api-gateway-account" },
    "aws:apigateway/apiKey:ApiKey": {
        nameProperty: "name",
        id: (r) => r.hex(10),
        arn: (r) => `arn:${r.partition}:apigateway:${r.region}::/apikeys/${r.hex(10)}`,
        outputs: (r) => ({ value: r.hex(40, "key-value") }),
    },
    "aws:apigateway/usagePlan:UsagePlan": { nameProperty: "name", id: (r) => r.hex(6), arn: (r) => `arn:${r.partition}:apigateway:${r.region}::/usageplans/${r.hex(6)}` },
    "aws:apigateway/usagePlanKey:UsagePlanKey": { nameProperty: null, id: (r) => str(r.inputs.keyId) },
    "aws:apigateway/domainName:DomainName": {
        nameProperty: null,
        id: (r) => str(r.inputs.domainName),
        arn: (r) => `arn:${r.partition}:apigateway:${r.region}::/domainnames/${str(r.inputs.domainName)}`,
        outputs: (r) => ({ regionalDomainName: `d-${r.hex(10)}.execute-api.${r.region}.amazonaws.com`, regionalZoneId: "Z1U9ULNL0V5AJ3" }),
    },
    "aws:apigateway/basePathMapping:BasePathMapping": { nameProperty: null, id: (r) => `${str(r.inputs.domainName)}/${str(r.inputs.basePath)}` },
    "aws:acm/certificate:Certificate": {
        nameProperty: null,
        arn: (r) => `arn:${r.partition}:acm:${r.region}:${r.account}:certificate/${uuidFrom(r)}`,
        outputs: (r) => ({ domainValidationOptions: [{ domainName: str(r.inputs.domainName), resourceRecordName: `_${r.hex(32)}.${str(r.inputs.domainName)}.`, resourceRecordType: "CNAME", resourceRecordValue: `_${r.hex(32, "v")}.acm-validations.aws.` }] }),
    },
    "aws:acm/certificateValidation:CertificateValidation": { nameProperty: null, id: (r) => str(r.inputs.certificateArn) },
    "aws:route53/record:Record": { nameProperty: null, id: (r) => `${str(r.inputs.zoneId)}_${str(r.inputs.name)}_${str(r.inputs.type)}` },
    // --- S3
    "aws:s3/bucket:Bucket": {
        nameProperty: "bucket",
        lowercaseName: true,
        arn: (r) => `arn:${r.partition}:s3:::${r.physical}`,
        outputs: (r) => ({ bucketDomainName: `${r.physical}.s3.amazonaws.com`, bucketRegionalDomainName: `${r.physical}.s3.${r.region}.amazonaws.com`, region: r.region }),
    },
    "aws:s3/bucketPolicy:BucketPolicy": { nameProperty: null, id: (r) => str(r.inputs.bucket) },
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": { nameProperty: null, id: (r) => str(r.inputs.bucket) },
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": { nameProperty: null, id: (r) => str(r.inputs.bucket) },
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": { nameProperty: null, id: (r) => str(r.inputs.bucket) },
    "aws:s3/bucketVersioning:BucketVersioning": { nameProperty: null, id: (r) => str(r.inputs.bucket) },
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": { nameProperty: null, id: (r) => str(r.inputs.bucket) },
    "aws:s3/bucketObjectv2:BucketObjectv2": {
        nameProperty: null,
        id: (r) => str(r.inputs.key),
        arn: (r) => `arn:${r.partition}:s3:::${str(r.inputs.bucket)}/${str(r.inputs.key)}`,
        outputs: (r) => ({ etag: r.hex(32), versionId: r.hex(32, "version") }),
    },
    // --- Glue
    "aws:glue/catalogDatabase:CatalogDatabase": { nameProperty: "name", id: (r) => `${r.account}:${r.physical}`, arn: regionalArn("glue", "database/{name}"), outputs: (r) => ({ catalogId: r.account }) },
    "aws:glue/catalogTable:CatalogTable": { nameProperty: "name", id: (r) => `${r.account}:${str(r.inputs.databaseName)}:${r.physical}`, arn: (r) => `arn:${r.partition}:glue:${r.region}:${r.account}:table/${str(r.inputs.databaseName)}/${r.physical}` },
    "aws:glue/crawler:Crawler": { nameProperty: "name", arn: regionalArn("glue", "crawler/{name}") },
    "aws:glue/connection:Connection": { nameProperty: "name", id: (r) => `${r.account}:${r.physical}`, arn: regionalArn("glue", "connection/{name}"), outputs: (r) => ({ catalogId: r.account }) },
    "aws:glue/securityConfiguration:SecurityConfiguration": { nameProperty: "name" },
    "aws:glue/job:Job": { nameProperty: "name", arn: regionalArn("glue", "job/{name}") },
    "aws:glue/trigger:Trigger": { nameProperty: "name", arn: regionalArn("glue", "trigger/{name}") },
    // --- Network
    "aws:ec2/vpc:Vpc": { nameProperty: null, id: (r) => `vpc-${r.hex(17)}`, arn: (r) => `arn:${r.partition}:ec2:${r.region}:${r.account}:vpc/vpc-${r.hex(17)}`, outputs: (r) => ({ defaultRouteTableId: `rtb-${r.hex(17, "rtb")}`, mainRouteTableId: `rtb-${r.hex(17, "rtb")}` }) },
    "aws:ec2/securityGroup:SecurityGroup": { nameProperty: "name", id: (r) => `sg-${r.hex(17)}`, arn: (r) => `arn:${r.partition}:ec2:${r.region}:${r.account}:security-group/sg-${r.hex(17)}` },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": { nameProperty: null, id: (r) => `sgr-${r.hex(17)}`, arn: (r) => `arn:${r.partition}:ec2:${r.region}:${r.account}:security-group-rule/sgr-${r.hex(17)}` },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": { nameProperty: null, id: (r) => `sgr-${r.hex(17)}`, arn: (r) => `arn:${r.partition}:ec2:${r.region}:${r.account}:security-group-rule/sgr-${r.hex(17)}` },
    "aws:ec2/vpcEndpoint:VpcEndpoint": { nameProperty: null, id: (r) => `vpce-${r.hex(17)}`, arn: (r) => `arn:${r.partition}:ec2:${r.region}:${r.account}:vpc-endpoint/vpce-${r.hex(17)}`, outputs: (r) => ({ prefixListId: `pl-${r.hex(8)}` }) },
    "awsx:ec2:Vpc": {
        nameProperty: null,
        id: (r) => `vpc-${r.hex(17)}`,
        outputs: (r) => {
            // One subnet (and route table) per spec type and AZ, as awsx creates them; without subnetSpecs
            // awsx's default is a public and a private subnet per AZ.
            const azs = typeof r.inputs.numberOfAvailabilityZones === "number" ? r.inputs.numberOfAvailabilityZones : 3;
            const specs = Array.isArray(r.inputs.subnetSpecs) ? (r.inputs.subnetSpecs as { type?: unknown }[]).map((spec) => str(spec.type)) : ["Private", "Public"];
            const subnets = (type: string) => (specs.includes(type) ? Array.from({ length: azs }, (_, az) => `subnet-${r.hex(17, `${type}-${az}`)}`) : []);
            const all = ["Private", "Public", "Isolated"].flatMap(subnets);
            return {
                vpcId: `vpc-${r.hex(17)}`,
                privateSubnetIds: subnets("Private"),
                publicSubnetIds: subnets("Public"),
                isolatedSubnetIds: subnets("Isolated"),
                routeTables: all.map((subnet) => ({ id: subnet.replace("subnet-", "rtb-") })),
            };
        },
    },
    // --- Redshift
    // The dynamic provider of shared/redshift-data-provider.ts: its id is the table, and a create records
    // the declaration's version as applied.
    "pulumi-nodejs:dynamic/redshift:Table": {
        nameProperty: null,
        id: (r) => {
            const table = (r.inputs.declaration as { table?: { schema?: string; name?: string } } | undefined)?.table;
            return `${str(table?.schema)}.${str(table?.name)}`;
        },
        outputs: (r) => ({ appliedVersion: str(r.inputs.version) }),
    },
    // shared/redshift-data-provider.ts's stream views: the id is the view, and the applied version the planned one.
    "pulumi-nodejs:dynamic/redshift:StreamView": {
        nameProperty: null,
        id: (r) => str(r.inputs.view),
        outputs: (r) => ({ appliedVersion: str(r.inputs.version) }),
    },
    // The dynamic provider of shared/redshift-password-provider.ts: its id is the database user, and a
    // create records the secret version it wrote (never the password).
    "pulumi-nodejs:dynamic/redshift:UserPassword": {
        nameProperty: null,
        id: (r) => `${str((r.inputs.target as { database?: string } | undefined)?.database)}/${str(r.inputs.user)}`,
        outputs: (r) => ({ versionId: uuidFrom(r) }),
    },
    "aws:redshiftserverless/namespace:Namespace": {
        nameProperty: "namespaceName",
        id: (r) => r.physical,
        arn: (r) => `arn:${r.partition}:redshift-serverless:${r.region}:${r.account}:namespace/${uuidFrom(r)}`,
        // With manageAdminPassword, Redshift creates the admin secret `redshift!<namespace>-<admin user>`.
        outputs: (r) => ({
            namespaceId: uuidFrom(r),
            ...(r.inputs.manageAdminPassword === true
                ? { adminPasswordSecretArn: `arn:${r.partition}:secretsmanager:${r.region}:${r.account}:secret:redshift!${r.physical}-${str(unsecret(r.inputs.adminUsername))}-${r.hex(6, "secret")}` }
                : {}),
        }),
    },
    "aws:redshiftserverless/workgroup:Workgroup": {
        nameProperty: "workgroupName",
        id: (r) => r.physical,
        arn: (r) => `arn:${r.partition}:redshift-serverless:${r.region}:${r.account}:workgroup/${uuidFrom(r)}`,
        outputs: (r) => ({ workgroupId: uuidFrom(r), endpoints: [{ address: `${r.physical}.${r.account}.${r.region}.redshift-serverless.amazonaws.com`, port: 5439, vpcEndpoints: [] }] }),
    },
    // CreateUsageLimit returns a generated usageLimitId (the resource's id) and its usageLimitArn.
    "aws:redshiftserverless/usageLimit:UsageLimit": {
        nameProperty: null,
        id: (r) => uuidFrom(r),
        arn: (r) => `arn:${r.partition}:redshift-serverless:${r.region}:${r.account}:usagelimit/${uuidFrom(r)}`,
    },
    "aws:secretsmanager/secret:Secret": { nameProperty: "name", id: (r) => regionalArn("secretsmanager", `secret:{name}-${r.hex(6)}`)(r), arn: (r) => regionalArn("secretsmanager", `secret:{name}-${r.hex(6)}`)(r) },
};

/** Providers are resources too; their "id" is what a resource's provider reference points at. */
const PROVIDER_TYPE = /^pulumi:providers:/;

/** Pulumi's auto-name: the logical name, a dash and seven hex characters (stable for a given URN). */
export function autoName(logical: string, hex: string): string {
    return `${logical}-${hex.slice(0, 7)}`;
}

/**
 * Whether the table knows the type. Components normally get no mock (their outputs are what the program
 * registers), but a multi-language component such as `awsx:ec2:Vpc` runs in its provider's process, so
 * under the mocks its outputs must come from here.
 */
export function hasTypeMock(type: string): boolean {
    return type in TYPES;
}

export function mockResource(type: string, logical: string, inputs: Record<string, unknown>, ctx: MockContext): MockedResource {
    if (PROVIDER_TYPE.test(type)) return { id: `${logical}-provider`, state: inputs };
    const mock = TYPES[type];
    if (!mock) {
        throw new Error(`tools/plan/aws-mocks.ts has no mock for resource type ${type} (resource "${logical}"): add the id, ARN and computed outputs AWS returns for it`);
    }
    const identity = `${ctx.project}/${ctx.stack}/${type}/${logical}`;
    const hex = (length: number, salt = "") => {
        let out = "";
        for (let i = 0; out.length < length; i++) out += createHash("sha256").update(`${identity}#${salt}#${i}`).digest("hex");
        return out.slice(0, length);
    };
    const nameProperty = mock.nameProperty ?? null;
    let physical = logical;
    const state: Record<string, unknown> = { ...inputs };
    if (nameProperty) {
        const given = inputs[nameProperty];
        const prefix = inputs[`${nameProperty === "name" ? "name" : nameProperty}Prefix`] ?? inputs.namePrefix;
        physical = typeof given === "string" && given !== "" ? given : typeof prefix === "string" ? `${prefix}${hex(26)}` : autoName(logical, hex(7, "autoname"));
        if (mock.lowercaseName) physical = physical.toLowerCase();
        state[nameProperty] = physical;
    }
    const facts: ResourceFacts = { ...ctx, partition: partitionOf(ctx.region), logical, physical, inputs, hex };
    const id = mock.id ? mock.id(facts) : physical;
    if (mock.arn) state.arn = mock.arn(facts);
    Object.assign(state, mock.outputs ? mock.outputs(facts) : {});
    state.id = id;
    return { id, state };
}

export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
}

/** Function calls (invokes) the programs may make, answered as AWS would for the stack's account. */
export function mockCall(token: string, args: Record<string, unknown>, ctx: MockContext): Record<string, unknown> {
    const partition = partitionOf(ctx.region);
    switch (token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: ctx.account, arn: `arn:${partition}:sts::${ctx.account}:assumed-role/deployer/plan`, userId: "AROAPLAN:plan", id: ctx.account };
        case "aws:index/getRegion:getRegion":
            return { name: ctx.region, region: ctx.region, id: ctx.region, description: ctx.region, endpoint: `ec2.${ctx.region}.amazonaws.com` };
        case "aws:index/getPartition:getPartition":
            return { partition, dnsSuffix: partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com", id: partition };
        case "aws:index/getAvailabilityZones:getAvailabilityZones":
            return { names: ["a", "b", "c"].map((z) => `${ctx.region}${z}`), zoneIds: ["az1", "az2", "az3"].map((z) => `euc1-${z}`), id: ctx.region };
        case "aws:ec2/getSubnet:getSubnet":
            return { id: str(args.id), vpcId: "vpc-0configured0000000", availabilityZone: `${ctx.region}a`, cidrBlock: "10.0.0.0/24" };
        default:
            throw new Error(`tools/plan/aws-mocks.ts has no mock for function ${token}: add what AWS returns for it`);
    }
}
