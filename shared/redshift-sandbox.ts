import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export interface RedshiftSandboxArgs {
    /** Prefix of every AWS name, e.g. `tracking-dev`. */
    readonly namePrefix: string;
    readonly database: string;
    readonly adminUsername: string;
    /** Redshift Processing Units, 8-512 in steps of 8. */
    readonly baseCapacity: number;
    readonly port: number;
    /** At least 3 subnets in 3 Availability Zones (a Redshift Serverless requirement). */
    readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The Glue connection's security group: its self rules let Glue reach the workgroup. */
    readonly securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
    /** The CMK that encrypts the admin credentials secret. */
    readonly secretKmsKeyArn: pulumi.Input<string>;
    /** Protects the namespace (the data) and the credentials secret from `pulumi destroy`. */
    readonly protect: boolean;
}

/**
 * Characters Redshift accepts in a password besides letters and digits: printable ASCII without
 * `'`, `"`, `\`, `/`, `@` and space (CREATE USER / the namespace's admin password rules).
 */
export const REDSHIFT_PASSWORD_SPECIALS = "!#$%^&*()-_=+[]{}<>:?.,~";

/**
 * A Redshift Serverless sandbox for users who have no Redshift: a namespace (the database and its admin
 * user) and a workgroup (compute) in private subnets, not publicly accessible, with enhanced VPC routing
 * so COPY from the Glue TempDir goes through the S3 gateway endpoint. The admin password comes from
 * @pulumi/random (a secret in the Pulumi state, never in plain text in the plan) and is stored as
 * `{"username", "password", "engine", "host", "port", "dbname"}` in a Secrets Manager secret under the
 * stack's CMK: the Glue connection (SECRET_ID) and the Redshift Data API (the DDL) both read it there.
 */
export class RedshiftSandbox extends pulumi.ComponentResource {
    readonly namespace: aws.redshiftserverless.Namespace;
    readonly workgroup: aws.redshiftserverless.Workgroup;
    readonly secret: aws.secretsmanager.Secret;
    /** The secret version; depend on it before using the secret. */
    readonly secretVersion: aws.secretsmanager.SecretVersion;
    readonly workgroupName: pulumi.Output<string>;
    readonly host: pulumi.Output<string>;
    readonly port: pulumi.Output<number>;
    readonly secretArn: pulumi.Output<string>;

    constructor(name: string, args: RedshiftSandboxArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:RedshiftSandbox", name, {}, opts);
        if (args.baseCapacity < 8 || args.baseCapacity > 512 || args.baseCapacity % 8 !== 0) {
            throw new Error(`RedshiftSandbox ${name}: baseCapacity must be 8-512 in steps of 8 (got ${args.baseCapacity})`);
        }

        const password = new random.RandomPassword(`${name}-admin`, {
            length: 32,
            special: true,
            overrideSpecial: REDSHIFT_PASSWORD_SPECIALS,
            minUpper: 1,
            minLower: 1,
            minNumeric: 1,
        }, { parent: this });

        this.namespace = new aws.redshiftserverless.Namespace(name, {
            namespaceName: `${args.namePrefix}-sandbox`,
            dbName: args.database,
            adminUsername: args.adminUsername,
            adminUserPassword: password.result,
            logExports: ["connectionlog", "userlog", "useractivitylog"],
        }, { parent: this, protect: args.protect });

        this.workgroup = new aws.redshiftserverless.Workgroup(name, {
            workgroupName: `${args.namePrefix}-sandbox`,
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
        }, { parent: this, ignoreChanges: ["configParameters"] });

        this.workgroupName = this.workgroup.workgroupName;
        this.host = this.workgroup.endpoints.apply((endpoints) => {
            const address = endpoints?.[0]?.address;
            if (!address) throw new Error(`RedshiftSandbox ${name}: the workgroup reports no endpoint address`);
            return address;
        });
        this.port = pulumi.output(args.port);

        this.secret = new aws.secretsmanager.Secret(name, {
            name: `${args.namePrefix}-redshift-sandbox-admin`,
            description: `Admin credentials of the ${args.namePrefix}-sandbox Redshift Serverless namespace (Glue connection, Data API)`,
            kmsKeyId: args.secretKmsKeyArn,
            recoveryWindowInDays: 7,
        }, { parent: this, protect: args.protect });
        this.secretVersion = new aws.secretsmanager.SecretVersion(name, {
            secretId: this.secret.id,
            secretString: pulumi
                .all([password.result, this.host])
                .apply(([secretPassword, host]) =>
                    JSON.stringify({ username: args.adminUsername, password: secretPassword, engine: "redshift", host, port: args.port, dbname: args.database }),
                ),
        }, { parent: this });
        this.secretArn = this.secret.arn;

        this.registerOutputs({ workgroupName: this.workgroupName, host: this.host, port: this.port, secretArn: this.secretArn });
    }
}
