import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { sandboxName } from "./naming";

/**
 * Base capacities a Redshift Serverless workgroup accepts: 4 RPU (warehouses under 32 TB), or 8 to 512 in
 * steps of 8 ("Compute capacity for Amazon Redshift Serverless"; 512-1024 in steps of 32 only in some regions).
 */
export function isRedshiftBaseCapacity(rpu: number): boolean {
    return Number.isInteger(rpu) && (rpu === 4 || (rpu >= 8 && rpu <= 512 && rpu % 8 === 0));
}

/**
 * A usage limit on a workgroup's compute ("Setting usage limits, including setting RPU limits", Amazon
 * Redshift management guide): RPU-hours per period, and what Redshift does when they are used up.
 */
export interface RedshiftUsageLimit {
    /** RPU-hours per period, at least 1. */
    readonly rpuHours: number;
    /** A weekly period begins on Sunday. */
    readonly period: "daily" | "weekly" | "monthly";
    /**
     * `log`: a record in SYS_QUERY_HISTORY; `emit-metric`: an alert too. Queries go on either way; the third
     * action, `deactivate`, is not offered (AWS reads it back as `disable`, so the resource would never
     * be without a change; terraform-provider-aws #29455).
     */
    readonly breachAction: "log" | "emit-metric";
}

/**
 * The sandbox's default limit: 720 RPU-hours a month, $270 at the list price. The loads at steady traffic
 * use one active minute of 4 RPU per 5-minute trigger (584 RPU-hours a month), so only queries on top of
 * them, or a larger base capacity, reach it.
 */
export const DEFAULT_USAGE_LIMIT_RPU_HOURS = 720;

export interface RedshiftSandboxArgs {
    /** Prefix of every AWS name, e.g. `tracking-dev`. */
    readonly namePrefix: string;
    readonly database: string;
    readonly adminUsername: string;
    /** Redshift Processing Units: 4, or 8-512 in steps of 8 ({@link isRedshiftBaseCapacity}). */
    readonly baseCapacity: number;
    readonly port: number;
    /** At least 3 subnets in 3 Availability Zones (a Redshift Serverless requirement). */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The Glue connection's security group: its self rules let Glue reach the workgroup. */
    readonly securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The CMK that encrypts the admin credentials secret Redshift creates and rotates. */
    readonly secretKmsKeyArn: pulumi.Input<string>;
    /** Protects the namespace (the data, and with it the admin secret) from `pulumi destroy`. */
    readonly protect: boolean;
    /**
     * IAM roles Redshift may assume for the namespace (the streaming role). The namespace's list is
     * authoritative; its read-back format (`IamRole(applyStatus=..., iamRoleArn=...)`) is parsed by the
     * provider since terraform-provider-aws #26624 and PR #35965, so a refresh sees the ARNs it set.
     * Changing it is an UpdateNamespace of a managed-password namespace: see README, "Streaming tier".
     */
    readonly iamRoles?: pulumi.Input<pulumi.Input<string>[]>;
    /** A usage limit on the workgroup's compute; none when omitted. */
    readonly usageLimit?: RedshiftUsageLimit;
}

/**
 * A Redshift Serverless sandbox for users who have no Redshift: a namespace (the database and its admin
 * user) and a workgroup (compute) in private subnets, not publicly accessible, with enhanced VPC routing
 * so COPY from the Glue TempDir goes through the S3 gateway endpoint. The admin password never exists
 * outside AWS: Redshift generates it, keeps it in a Secrets Manager secret it owns (`redshift!...`, under
 * the stack's CMK) and rotates it (`manageAdminPassword`, "Managing Amazon Redshift admin passwords using
 * AWS Secrets Manager"); neither the program, the plan nor the Pulumi state ever holds it. The Data API
 * (the table DDL) reads that secret by ARN.
 */
export class RedshiftSandbox extends pulumi.ComponentResource {
    readonly namespace: aws.redshiftserverless.Namespace;
    readonly workgroup: aws.redshiftserverless.Workgroup;
    /** The workgroup's compute usage limit, when configured. */
    readonly usageLimit?: aws.redshiftserverless.UsageLimit;
    readonly workgroupName: pulumi.Output<string>;
    readonly host: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    readonly secretArn: pulumi.Output<string>;

    constructor(name: string, args: RedshiftSandboxArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:RedshiftSandbox", name, {}, opts);
        if (!isRedshiftBaseCapacity(args.baseCapacity)) {
            throw new Error(
                `RedshiftSandbox ${name}: baseCapacity must be 4, or 8-512 in steps of 8 (got ${args.baseCapacity})`,
            );
        }
        const limit = args.usageLimit;
        if (limit && !(Number.isInteger(limit.rpuHours) && limit.rpuHours >= 1)) {
            throw new Error(
                `RedshiftSandbox ${name}: usageLimit.rpuHours must be a whole number of RPU-hours of at least 1 (got ${limit.rpuHours})`,
            );
        }
        if (limit && !["log", "emit-metric"].includes(limit.breachAction)) {
            throw new Error(
                `RedshiftSandbox ${name}: usageLimit.breachAction must be log or emit-metric (got ${String(limit.breachAction)})`,
            );
        }

        this.namespace = new aws.redshiftserverless.Namespace(
            name,
            {
                namespaceName: sandboxName(`${args.namePrefix}-`),
                dbName: args.database,
                adminUsername: args.adminUsername,
                manageAdminPassword: true,
                adminPasswordSecretKmsKeyId: args.secretKmsKeyArn,
                logExports: ["connectionlog", "userlog", "useractivitylog"],
                ...(args.iamRoles !== undefined ? { iamRoles: args.iamRoles } : {}),
            },
            { parent: this, protect: args.protect },
        );

        this.workgroup = new aws.redshiftserverless.Workgroup(
            name,
            {
                workgroupName: sandboxName(`${args.namePrefix}-`),
                namespaceName: this.namespace.namespaceName,
                baseCapacity: args.baseCapacity,
                port: args.port,
                subnetIds: args.subnetIds,
                securityGroupIds: args.securityGroupIds,
                publiclyAccessible: false,
                enhancedVpcRouting: true,
                // Set at create so the workgroup never accepts plaintext (Security Hub RedshiftServerless.2). The
                // provider stores every parameter AWS reads back (nine of them), so a list of one would diff on
                // every preview and refresh (terraform-provider-aws #33692, pulumi-aws #4405): ignored after create.
                configParameters: [{ parameterKey: "require_ssl", parameterValue: "true" }],
            },
            { parent: this, ignoreChanges: ["configParameters"] },
        );

        if (limit) {
            // Every field is read back as written (the provider stores what GetUsageLimit returns), so a
            // refresh plans no change; the limit has no tags of its own.
            this.usageLimit = new aws.redshiftserverless.UsageLimit(
                name,
                {
                    resourceArn: this.workgroup.arn,
                    usageType: "serverless-compute",
                    amount: limit.rpuHours,
                    period: limit.period,
                    breachAction: limit.breachAction,
                },
                { parent: this },
            );
        }

        this.workgroupName = this.workgroup.workgroupName;
        this.host = this.workgroup.endpoints.apply((endpoints) => {
            const address = endpoints?.[0]?.address;
            if (!address) throw new Error(`RedshiftSandbox ${name}: the workgroup reports no endpoint address`);
            return address;
        });
        this.port = pulumi.output(args.port);

        this.secretArn = this.namespace.adminPasswordSecretArn.apply((arn) => {
            if (!arn)
                throw new Error(`RedshiftSandbox ${name}: the namespace reports no admin secret (manageAdminPassword)`);
            return arn;
        });

        this.registerOutputs({
            workgroupName: this.workgroupName,
            host: this.host,
            port: this.port,
            secretArn: this.secretArn,
        });
    }
}
