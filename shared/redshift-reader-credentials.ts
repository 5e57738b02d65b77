import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DataApiTarget } from "./redshift-data-provider";
import { RedshiftUserPassword } from "./redshift-password-provider";

export interface RedshiftReaderCredentialsArgs {
    /** The secret's name, e.g. `tracking-dev-redshift-reader`. */
    readonly secretName: string;
    /** The CMK the secret is encrypted with (the stack's data key). */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** The read-only user, created (PASSWORD DISABLE) and granted by the tables' provider. */
    readonly user: string;
    /** Where the admin sets its password (the tables' Data API target). */
    readonly target: pulumi.Input<DataApiTarget>;
    readonly endpoint: { readonly host: pulumi.Input<string>; readonly port: number; readonly database: string };
    /** What creates the user (the tables): its password is set after them. */
    readonly userCreatedBy: pulumi.Resource[];
    /** Protects the secret from `pulumi destroy` (with the stack's other stateful resources). */
    readonly protect: boolean;
}

/**
 * The read-only user's sign-in for the JDBC crawlers: a secret this stack owns (no value in the program,
 * the plan or the state) that the deploy fills with a password drawn at deploy and set in Redshift as its
 * hash (shared/redshift-password-provider.ts). The crawlers' Glue connection names the secret
 * (SECRET_ID: `username` and `password`, "Storing connection credentials in AWS Secrets Manager").
 * Deleted at once when it is deleted (no recovery window): a later deploy draws a new password anyway,
 * and a pending deletion would block the name for up to 30 days.
 */
export class RedshiftReaderCredentials extends pulumi.ComponentResource {
    readonly secret: aws.secretsmanager.Secret;
    readonly password: RedshiftUserPassword;
    readonly secretArn: pulumi.Output<string>;

    constructor(name: string, args: RedshiftReaderCredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:RedshiftReaderCredentials", name, {}, opts);
        this.secret = new aws.secretsmanager.Secret(
            name,
            {
                name: args.secretName,
                description: `Sign-in of the read-only Redshift user ${args.user} (JDBC crawlers); the password is drawn and set at deploy`,
                kmsKeyId: args.kmsKeyArn,
                recoveryWindowInDays: 0,
            },
            { parent: this, protect: args.protect },
        );
        this.password = new RedshiftUserPassword(
            name,
            {
                target: args.target,
                user: args.user,
                secretArn: this.secret.arn,
                endpoint: pulumi.output(args.endpoint),
            },
            { parent: this, dependsOn: args.userCreatedBy },
        );
        // The connection reads the secret once it holds the password Redshift has.
        this.secretArn = pulumi.all([this.secret.arn, this.password.versionId]).apply(([arn]) => arn);
        this.registerOutputs({ secretArn: this.secretArn });
    }
}
