import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    allow,
    policyDocument,
    policyDocumentOutput,
    PolicyStatement,
    PolicyStatementInput,
    unconditionalServiceTrust,
} from "./iam";

/**
 * The trust policy of every Glue job and crawler role: `glue.amazonaws.com` may assume it.
 *
 * No `aws:SourceAccount` / `aws:SourceArn` condition: the Glue developer guide documents this trust
 * policy without them (it has no confused-deputy page listing them for jobs or crawlers), and a positive
 * condition on a key the service does not send evaluates false; CreateCrawler and CreateJob check that
 * Glue can assume the role and would fail ("Service is unable to assume provided role"). Recorded as an
 * exception in the policy pack's config. The exposure is small: Glue assumes the role only for a job or
 * crawler that names it, and creating one requires iam:PassRole on the role in this account.
 */
export const GLUE_TRUST_POLICY: string = policyDocument([
    unconditionalServiceTrust(
        "glue.amazonaws.com",
        "Glue's service-role documentation shows no aws:SourceAccount/aws:SourceArn trust condition",
        "GlueAssumeRole",
    ),
]);

export interface GlueRoleScope {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
}

/** The account's Data Catalog, `arn:<p>:glue:<r>:<a>:catalog`: every catalog call is also checked against it. */
export function glueCatalogArn(scope: GlueRoleScope): string {
    return `arn:${scope.partition}:glue:${scope.region}:${scope.accountId}:catalog`;
}

/** `arn:<p>:glue:<r>:<a>:<kind>/<path>`, e.g. `table/<database>/<table>`; path parts may be outputs. */
export function glueArn(
    scope: GlueRoleScope,
    kind: "database" | "table" | "connection" | "job" | "crawler",
    ...path: pulumi.Input<string>[]
): pulumi.Output<string> {
    return pulumi
        .all(path)
        .apply((parts) => `arn:${scope.partition}:glue:${scope.region}:${scope.accountId}:${kind}/${parts.join("/")}`);
}

/**
 * Glue's own log groups. With a security configuration that encrypts CloudWatch Logs, Glue associates the
 * key with the group as the job's or crawler's role, so the role needs logs:AssociateKmsKey as well.
 */
export function glueLogStatements(scope: GlueRoleScope): PolicyStatement[] {
    const groups = `arn:${scope.partition}:logs:${scope.region}:${scope.accountId}:log-group:/aws-glue/*`;
    return [
        allow(
            "WriteGlueLogs",
            ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:AssociateKmsKey"],
            [groups, `${groups}:*`],
        ),
    ];
}

/**
 * What Glue does with the role to run inside the connection's subnet: create, describe, tag and delete
 * its network interfaces. Limited to this account and region but not to the connection's subnet and
 * security group: with a VPC this stack creates, their ids are unknown until it exists, and a policy that
 * depends on them is unknown at `pulumi preview` (and in the offline plan), so neither the policy pack nor
 * the tests could read it. Glue only ever places the interfaces where the connection says, and only Glue
 * can assume the role. The other Describe calls have no resource-level permissions.
 */
export function glueVpcStatements(scope: GlueRoleScope): PolicyStatement[] {
    const ec2 = `arn:${scope.partition}:ec2:${scope.region}:${scope.accountId}`;
    const interfaces = `${ec2}:network-interface/*`;
    return [
        allow(
            "CreateGlueNetworkInterfaces",
            ["ec2:CreateNetworkInterface"],
            [interfaces, `${ec2}:subnet/*`, `${ec2}:security-group/*`],
        ),
        allow("DeleteGlueNetworkInterfaces", ["ec2:DeleteNetworkInterface"], [interfaces]),
        allow("TagGlueNetworkInterfaces", ["ec2:CreateTags", "ec2:DeleteTags"], [interfaces], {
            "ForAllValues:StringEquals": { "aws:TagKeys": ["aws-glue-service-resource"] },
        }),
        allow(
            "DescribeGlueNetwork",
            [
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeRouteTables",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSubnets",
                "ec2:DescribeVpcEndpoints",
                "ec2:DescribeVpcs",
            ],
            ["*"],
        ),
        // The one Describe call with a resource type: Glue checks the VPC's DNS attributes.
        allow("DescribeGlueVpcAttributes", ["ec2:DescribeVpcAttribute"], [`${ec2}:vpc/*`]),
    ];
}

export interface GlueServiceRoleArgs {
    /** The role's name (deterministic: key and bucket policies name it before it exists). */
    readonly roleName: string;
    readonly description: string;
    /** The role's only permissions, as one inline policy. */
    readonly statements: PolicyStatementInput[];
    /** A permissions boundary (the bootstrap's workload boundary): caps what the role can ever be granted. */
    readonly permissionsBoundaryArn?: string;
}

/** An IAM role Glue assumes for one job or crawler pair, with one inline policy. */
export class GlueServiceRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly arn: pulumi.Output<string>;
    readonly name: pulumi.Output<string>;
    /** The inline policy (JSON), for tests and the policy pack. */
    readonly policyJson: pulumi.Output<string>;
    /** Depend on this (not the role) before starting anything that uses the permissions. */
    readonly policy: aws.iam.RolePolicy;

    constructor(name: string, args: GlueServiceRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:GlueServiceRole", name, {}, opts);
        if (args.roleName.length > 64)
            throw new Error(`GlueServiceRole ${name}: roleName "${args.roleName}" is longer than IAM's 64 characters`);
        this.role = new aws.iam.Role(
            name,
            {
                name: args.roleName,
                description: args.description,
                assumeRolePolicy: GLUE_TRUST_POLICY,
                maxSessionDuration: 3600,
                ...(args.permissionsBoundaryArn !== undefined
                    ? { permissionsBoundary: args.permissionsBoundaryArn }
                    : {}),
            },
            { parent: this },
        );
        this.policyJson = policyDocumentOutput(args.statements, `role policy of GlueServiceRole "${name}"`);
        this.policy = new aws.iam.RolePolicy(
            name,
            { name: "permissions", role: this.role.name, policy: this.policyJson },
            { parent: this },
        );
        this.arn = this.role.arn;
        this.name = this.role.name;
        this.registerOutputs({ arn: this.arn, name: this.name });
    }
}
