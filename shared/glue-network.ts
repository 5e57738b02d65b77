import * as aws from "@pulumi/aws";
// Only the EC2 part of awsx: its root module loads every awsx component (ECS, load balancers, ...).
import * as awsxEc2 from "@pulumi/awsx/ec2";
import * as pulumi from "@pulumi/pulumi";

/** An existing VPC (the Redshift one) the Glue connection joins. */
export interface ExistingGlueVpc {
    readonly vpcId: string;
    /** The subnet for the Glue connection's network interfaces; must route to Redshift. */
    readonly subnetId: string;
    readonly availabilityZone: string;
    /** Route tables that get the S3 gateway endpoint (the Glue subnet's among them). */
    readonly routeTableIds: readonly string[];
    /** Redshift's security group: opened to the Glue security group on `redshiftPort` when given. */
    readonly redshiftSecurityGroupId?: string;
}

export interface GlueNetworkArgs {
    /** Prefix of every AWS name, e.g. `tracking-dev`. */
    readonly namePrefix: string;
    readonly region: string;
    /** The Redshift VPC; when omitted a VPC is created (isolated subnets in 3 AZs, no internet route). */
    readonly existing?: ExistingGlueVpc;
    /** Redshift's port, for the rules towards a configured Redshift security group. */
    readonly redshiftPort: number;
    /**
     * The Redshift API the load jobs call from the subnet for their IAM database credentials
     * (`redshift` for a provisioned cluster's GetClusterCredentialsWithIAM, `redshift-serverless` for a
     * workgroup's GetCredentials): a created VPC gets its interface endpoint too.
     */
    readonly redshiftApi: "redshift" | "redshift-serverless";
    /** CIDR of a created VPC. Default 10.42.0.0/16. */
    readonly cidrBlock?: string;
    /**
     * Whether a pipeline streams into Redshift (`streaming: true`): a created VPC then gets interface
     * endpoints for Kinesis Data Streams and STS too (STREAMING_INTERFACE_ENDPOINT_SERVICES).
     */
    readonly streaming?: boolean;
}

/**
 * Redshift streaming ingestion reads Kinesis from the workgroup's VPC: with enhanced VPC routing and no
 * NAT, only through an interface endpoint ("Getting started with streaming ingestion from Amazon Kinesis
 * Data Streams": a route to the Kinesis endpoints, or a Kinesis interface VPC endpoint). Its role chain
 * assumes the stream reader through STS, the only run-time call to STS, so only a streaming stack has an
 * STS endpoint. The endpoints sit in the Glue subnet with private DNS, which resolves across the VPC, and
 * carry the security group the sandbox workgroup shares.
 */
export const STREAMING_INTERFACE_ENDPOINT_SERVICES: readonly string[] = ["kinesis-streams", "sts"];

/**
 * AWS services a Glue job or crawler in a VPC calls besides S3 (which goes through the gateway endpoint):
 * the Glue API itself (catalog, bookmarks), CloudWatch Logs (job and crawler logs), Secrets Manager (the
 * connection's credentials), KMS (client-side bookmark encryption) and CloudWatch (job metrics). A created
 * VPC has no internet route, so each gets an interface endpoint, and so does the Redshift API the load jobs
 * sign in through (`GlueNetworkArgs.redshiftApi`); a configured VPC must already reach them (interface
 * endpoints or NAT). None of them calls STS, so without streaming there is no STS endpoint (each interface
 * endpoint costs an hourly charge per AZ, "AWS PrivateLink pricing").
 */
export const GLUE_INTERFACE_ENDPOINT_SERVICES: readonly string[] = [
    "glue",
    "logs",
    "secretsmanager",
    "kms",
    "monitoring",
];

/**
 * Where the Glue connection (and so every job and JDBC crawler that uses it) runs: one subnet, a security
 * group whose only ingress is itself (what Glue requires: its workers talk to each other on any TCP port)
 * and whose egress is itself, HTTPS to S3 through the gateway endpoint's prefix list and, for a configured
 * Redshift security group, the Redshift port. With no VPC configured, an isolated VPC is created with
 * @pulumi/awsx (3 AZs, as Redshift Serverless requires) plus the interface endpoints Glue needs; the
 * interface endpoints carry the same security group, so the self rules cover HTTPS to them.
 */
export class GlueNetwork extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    /** The Glue connection's subnet and its AZ. */
    readonly subnetId: pulumi.Output<string>;
    readonly availabilityZone: pulumi.Output<string>;
    readonly securityGroupId: pulumi.Output<string>;
    /** The S3 managed prefix list, as routed through this network's gateway endpoint. */
    readonly s3PrefixListId: pulumi.Output<string>;
    /** Every subnet of a created VPC (for a sandbox Redshift workgroup); undefined for a configured VPC. */
    readonly createdSubnetIds?: pulumi.Output<string[]>;

    constructor(name: string, args: GlueNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:GlueNetwork", name, {}, opts);

        let routeTableIds: pulumi.Input<pulumi.Input<string>[]>;
        if (args.existing) {
            this.vpcId = pulumi.output(args.existing.vpcId);
            this.subnetId = pulumi.output(args.existing.subnetId);
            this.availabilityZone = pulumi.output(args.existing.availabilityZone);
            routeTableIds = [...args.existing.routeTableIds];
        } else {
            const vpc = new awsxEc2.Vpc(
                name,
                {
                    cidrBlock: args.cidrBlock ?? "10.42.0.0/16",
                    numberOfAvailabilityZones: 3,
                    subnetStrategy: "Auto",
                    subnetSpecs: [{ type: "Isolated", cidrMask: 20 }],
                    natGateways: { strategy: "None" },
                    // Private DNS names of the interface endpoints need both.
                    enableDnsHostnames: true,
                    enableDnsSupport: true,
                    tags: { Name: `${args.namePrefix}-glue` },
                },
                { parent: this },
            );
            this.vpcId = vpc.vpcId;
            this.createdSubnetIds = vpc.isolatedSubnetIds;
            this.subnetId = vpc.isolatedSubnetIds.apply((ids) => {
                if (ids.length === 0) throw new Error(`GlueNetwork ${name}: the created VPC has no isolated subnet`);
                return ids[0];
            });
            // The subnet's own AZ, as AWS reports it: the Glue connection must name the subnet's AZ.
            this.availabilityZone = aws.ec2.getSubnetOutput({ id: this.subnetId }, { parent: this }).availabilityZone;
            // awsx returns the route tables as resources; under the offline mocks they are plain objects.
            routeTableIds = vpc.routeTables.apply((tables) =>
                pulumi.all(tables.map((table) => table.id as pulumi.Input<string>)),
            );
        }

        const securityGroup = new aws.ec2.SecurityGroup(
            name,
            {
                name: `${args.namePrefix}-glue-connection`,
                description: "Glue connection to Redshift: self-referencing, egress to itself, S3 and Redshift only",
                vpcId: this.vpcId,
                // No inline rules: the provider then removes the default allow-all egress, and the rules
                // below are each their own resource.
                revokeRulesOnDelete: true,
                tags: { Name: `${args.namePrefix}-glue-connection` },
            },
            { parent: this },
        );
        this.securityGroupId = securityGroup.id;

        const tcp = (fromPort: number, toPort = fromPort) => ({ ipProtocol: "tcp", fromPort, toPort });
        const selfAllTcp = {
            securityGroupId: securityGroup.id,
            referencedSecurityGroupId: securityGroup.id,
            ...tcp(0, 65535),
        };
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-self-ingress`,
            {
                ...selfAllTcp,
                description: "Glue workers talk to each other on any TCP port (required by Glue)",
            },
            { parent: this },
        );
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-self-egress`,
            {
                ...selfAllTcp,
                description: "Glue workers, interface endpoints and a Redshift that shares this group",
            },
            { parent: this },
        );

        const s3Endpoint = new aws.ec2.VpcEndpoint(
            `${name}-s3`,
            {
                vpcId: this.vpcId,
                serviceName: `com.amazonaws.${args.region}.s3`,
                vpcEndpointType: "Gateway",
                routeTableIds,
                tags: { Name: `${args.namePrefix}-s3` },
            },
            { parent: this },
        );
        this.s3PrefixListId = s3Endpoint.prefixListId;
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-s3-egress`,
            {
                securityGroupId: securityGroup.id,
                prefixListId: s3Endpoint.prefixListId,
                ...tcp(443),
                description: "HTTPS to S3 through the gateway endpoint",
            },
            { parent: this },
        );

        if (args.existing?.redshiftSecurityGroupId) {
            const redshiftGroup = args.existing.redshiftSecurityGroupId;
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-redshift-egress`,
                {
                    securityGroupId: securityGroup.id,
                    referencedSecurityGroupId: redshiftGroup,
                    ...tcp(args.redshiftPort),
                    description: "JDBC to Redshift",
                },
                { parent: this },
            );
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-redshift-ingress`,
                {
                    securityGroupId: redshiftGroup,
                    referencedSecurityGroupId: securityGroup.id,
                    ...tcp(args.redshiftPort),
                    description: `JDBC from the ${args.namePrefix} Glue connection`,
                },
                { parent: this },
            );
        }

        if (!args.existing) {
            for (const service of [
                ...GLUE_INTERFACE_ENDPOINT_SERVICES,
                args.redshiftApi,
                ...(args.streaming ? STREAMING_INTERFACE_ENDPOINT_SERVICES : []),
            ]) {
                new aws.ec2.VpcEndpoint(
                    `${name}-${service}`,
                    {
                        vpcId: this.vpcId,
                        serviceName: `com.amazonaws.${args.region}.${service}`,
                        vpcEndpointType: "Interface",
                        // Only in the Glue subnet: nothing else in this VPC calls these services.
                        subnetIds: [this.subnetId],
                        securityGroupIds: [securityGroup.id],
                        privateDnsEnabled: true,
                        tags: { Name: `${args.namePrefix}-${service}` },
                    },
                    { parent: this },
                );
            }
        }

        this.registerOutputs({
            vpcId: this.vpcId,
            subnetId: this.subnetId,
            availabilityZone: this.availabilityZone,
            securityGroupId: this.securityGroupId,
            s3PrefixListId: this.s3PrefixListId,
        });
    }
}
