/**
 * The monthly charges the planned resources carry whatever the traffic: every custom resource type of the
 * plans is classified as `FIXED` (priced here from the plan), `IN_TRAFFIC_MODEL` (priced per pipeline by
 * model.ts) or `NO_FIXED_CHARGE` (and why), so tests/ops/cost.test.ts fails on an unclassified type.
 */
import { PlannedResource, StackPlan } from "../plan/types";
import { HOURS_PER_MONTH, PRICES, Price } from "./prices";

interface FixedRule {
    readonly price: Price;
    /** Billed units a month for one resource (e.g. AZ-hours); 0 when this resource is free. */
    readonly units: (resource: PlannedResource) => number;
    /** What one resource is billed for, for the report. */
    readonly basis: (resource: PlannedResource) => string;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const isInterfaceEndpoint = (r: PlannedResource) => r.inputs.vpcEndpointType === "Interface";

export const FIXED: Readonly<Record<string, FixedRule>> = {
    "aws:ec2/vpcEndpoint:VpcEndpoint": {
        price: PRICES.vpc.interfaceEndpointAzHour,
        // A gateway endpoint (S3) is free; an interface endpoint is billed per AZ (one ENI per subnet) per hour.
        units: (r) => (isInterfaceEndpoint(r) ? Math.max(1, list(r.inputs.subnetIds).length) * HOURS_PER_MONTH : 0),
        basis: (r) =>
            isInterfaceEndpoint(r)
                ? `interface, ${Math.max(1, list(r.inputs.subnetIds).length)} AZ x ${HOURS_PER_MONTH} h`
                : "gateway: free",
    },
    "aws:ec2/natGateway:NatGateway": {
        price: PRICES.vpc.natGatewayHour,
        units: () => HOURS_PER_MONTH,
        basis: () => `${HOURS_PER_MONTH} h`,
    },
    "aws:ec2/eip:Eip": {
        price: PRICES.vpc.publicIpv4Hour,
        units: () => HOURS_PER_MONTH,
        basis: () => `public IPv4, ${HOURS_PER_MONTH} h`,
    },
    "aws:secretsmanager/secret:Secret": {
        price: PRICES.secretsManager.secretMonth,
        units: () => 1,
        basis: () => "secret-month",
    },
    "aws:kms/key:Key": { price: PRICES.kms.keyMonth, units: () => 1, basis: () => "customer managed key-month" },
};

/** Fixed charges the traffic model prices itself (it scales them with --pipelines). */
export const IN_TRAFFIC_MODEL: Readonly<Record<string, string>> = {
    "aws:cloudwatch/metricAlarm:MetricAlarm": "CloudWatch alarms, dashboards, API metrics",
    "aws:cloudwatch/dashboard:Dashboard": "CloudWatch alarms, dashboards, API metrics",
    "aws:kinesis/stream:Stream": "Kinesis Data Streams (stream-hours or shard-hours)",
    "aws:redshiftserverless/usageLimit:UsageLimit":
        "Redshift Serverless (loads only): what the limit caps, and whether the loads reach it",
};

/** Types with no charge of their own while idle, and why. */
export const NO_FIXED_CHARGE: Readonly<Record<string, string>> = {
    "aws:apigateway/apiKey:ApiKey": "API Gateway bills requests only (priced by the traffic model)",
    "aws:apigateway/deployment:Deployment": "API Gateway bills requests only",
    "aws:apigateway/integration:Integration": "API Gateway bills requests only",
    "aws:apigateway/integrationResponse:IntegrationResponse": "API Gateway bills requests only",
    "aws:apigateway/method:Method": "API Gateway bills requests only",
    "aws:apigateway/methodResponse:MethodResponse": "API Gateway bills requests only",
    "aws:apigateway/methodSettings:MethodSettings": "its detailed metrics are priced by the traffic model",
    "aws:apigateway/model:Model": "API Gateway bills requests only",
    "aws:apigateway/requestValidator:RequestValidator": "API Gateway bills requests only",
    "aws:apigateway/resource:Resource": "API Gateway bills requests only",
    "aws:apigateway/response:Response": "API Gateway bills requests only",
    "aws:apigateway/restApi:RestApi": "API Gateway bills requests only",
    "aws:apigateway/stage:Stage": "no cache cluster is configured (a cache would be billed per hour)",
    "aws:apigateway/usagePlan:UsagePlan": "free",
    "aws:apigateway/usagePlanKey:UsagePlanKey": "free",
    "aws:apigateway/account:Account": "free (account setting)",
    "aws:apigateway/domainName:DomainName": "free (regional endpoint); requests are billed",
    "aws:apigateway/basePathMapping:BasePathMapping": "free",
    "aws:acm/certificate:Certificate": "public ACM certificates are free",
    "aws:acm/certificateValidation:CertificateValidation": "free",
    "aws:route53/record:Record": "records are free; queries are billed by use",
    "aws:cloudwatch/eventRule:EventRule": "EventBridge does not bill rules on AWS service events",
    "aws:cloudwatch/eventTarget:EventTarget": "free",
    "aws:cloudwatch/logGroup:LogGroup":
        "billed by ingestion and storage (the API access logs are priced by the traffic model)",
    "aws:cloudwatch/logStream:LogStream": "free",
    "aws:ec2/securityGroup:SecurityGroup": "free",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "free",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "free",
    "aws:ec2/vpc:Vpc": "free",
    "aws:ec2/subnet:Subnet": "free",
    "aws:ec2/routeTable:RouteTable": "free",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "free",
    "aws:ec2/route:Route": "free",
    "aws:ec2/internetGateway:InternetGateway": "free",
    "aws:glue/catalogDatabase:CatalogDatabase": "the Data Catalog's first million objects are free",
    "aws:glue/catalogTable:CatalogTable": "the Data Catalog's first million objects are free",
    "aws:glue/connection:Connection": "free",
    "aws:glue/crawler:Crawler": "billed per run (DPU-hours, priced by the traffic model)",
    "aws:glue/job:Job": "billed per run (DPU-hours, priced by the traffic model)",
    "aws:glue/securityConfiguration:SecurityConfiguration": "free",
    "aws:glue/trigger:Trigger": "free",
    "aws:iam/role:Role": "IAM is free",
    "aws:iam/rolePolicy:RolePolicy": "IAM is free",
    "aws:iam/policy:Policy": "IAM is free",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "IAM is free",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": "IAM is free",
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": "billed per GB ingested (priced by the traffic model)",
    "aws:kms/alias:Alias": "free",
    "pulumi-nodejs:dynamic/redshift:Table": "its DDL runs on the Redshift it targets",
    "pulumi-nodejs:dynamic/redshift:StreamView":
        "its auto refresh keeps the Redshift it targets running (priced in the streaming tier's lines)",
    "pulumi-nodejs:dynamic/redshift:UserPassword":
        "a password set at deploy: one statement on the Redshift it targets, one secret version (the secret is priced as a secret)",
    "aws:redshiftserverless/namespace:Namespace":
        "Redshift Serverless bills RPU-hours while queries run, and managed storage by use (and its Redshift-managed admin secret, a Secrets Manager secret)",
    "aws:redshiftserverless/workgroup:Workgroup":
        "Redshift Serverless bills RPU-hours while queries run (the loads are priced by the traffic model)",
    "aws:s3/bucket:Bucket": "billed by storage and requests (priced by the traffic model)",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": "free",
    "aws:s3/bucketObjectv2:BucketObjectv2": "a few KB of storage",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": "free",
    "aws:s3/bucketPolicy:BucketPolicy": "free",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": "free",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        "free (its KMS requests are priced by the traffic model)",
    "aws:s3/bucketVersioning:BucketVersioning": "free (noncurrent versions are storage)",
    "aws:secretsmanager/secretVersion:SecretVersion": "included in the secret's monthly charge",
    "aws:sns/topic:Topic": "billed per notification delivered",
    "aws:sns/topicPolicy:TopicPolicy": "free",
    "aws:sns/topicSubscription:TopicSubscription": "billed per notification delivered",
    "random:index/randomPassword:RandomPassword": "not an AWS resource",
};

export interface FixedCostLine {
    readonly type: string;
    readonly count: number;
    readonly monthlyUsd: number;
    /** How the figure was reached, one entry per distinct basis. */
    readonly detail: string;
    readonly price: Price;
}

export interface FixedCosts {
    /** Charges priced here, one line per resource type. */
    readonly lines: readonly FixedCostLine[];
    readonly totalMonthlyUsd: number;
    /** Types the traffic model prices (count and the model's line). */
    readonly inTrafficModel: ReadonlyArray<{ type: string; count: number; line: string }>;
    /** Types without a charge of their own, with the reason. */
    readonly leftOut: ReadonlyArray<{ type: string; count: number; reason: string }>;
    /** Types nobody classified yet: a gap in this table. */
    readonly unclassified: readonly string[];
}

/** Classifies and prices every custom resource of the plans. */
export function fixedCosts(plans: readonly StackPlan[]): FixedCosts {
    const byType = new Map<string, PlannedResource[]>();
    for (const r of plans.flatMap((p) => p.resources.filter((resource) => resource.custom)))
        byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
    const lines: FixedCostLine[] = [];
    const inTrafficModel: Array<{ type: string; count: number; line: string }> = [];
    const leftOut: Array<{ type: string; count: number; reason: string }> = [];
    const unclassified: string[] = [];
    for (const [type, resources] of [...byType.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const rule = FIXED[type];
        if (rule) {
            const units = resources.reduce((sum, r) => sum + rule.units(r), 0);
            const bases = new Map<string, number>();
            for (const r of resources) bases.set(rule.basis(r), (bases.get(rule.basis(r)) ?? 0) + 1);
            const detail = [...bases.entries()].map(([basis, n]) => `${n} x ${basis}`).join(", ");
            lines.push({
                type,
                count: resources.length,
                monthlyUsd: units * rule.price.usd,
                detail,
                price: rule.price,
            });
        } else if (IN_TRAFFIC_MODEL[type]) {
            inTrafficModel.push({ type, count: resources.length, line: IN_TRAFFIC_MODEL[type] });
        } else if (NO_FIXED_CHARGE[type]) {
            leftOut.push({ type, count: resources.length, reason: NO_FIXED_CHARGE[type] });
        } else {
            unclassified.push(type);
        }
    }
    return {
        lines,
        totalMonthlyUsd: lines.reduce((sum, l) => sum + l.monthlyUsd, 0),
        inTrafficModel,
        leftOut,
        unclassified,
    };
}
