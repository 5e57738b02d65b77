import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "./iam";
import { redshiftStreamingStatements, redshiftStreamingTrustStatements } from "./redshift-streaming-access";
import { roleWithPolicy } from "./role-with-policy";

export interface RedshiftStreamingRoleArgs {
    /** The IAM role name; pinned (see `redshiftStreamingRoleName`) because the engineering account trusts it by ARN. */
    readonly roleName: string;
    /** The engineering account's stream reader roles of the stack's streaming pipelines (derived ARNs). */
    readonly streamReaderRoleArns: readonly string[];
    /** The bootstrap's workload boundary. */
    readonly permissionsBoundaryArn?: string;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The data-platform account's role for Redshift streaming ingestion: attached to the Redshift (the sandbox
 * namespace's `iamRoles`; an existing cluster or workgroup by hand, see README), first in the role chain of
 * every stream view's external schema, allowed only to assume the stack's stream readers
 * (shared/redshift-streaming-access.ts).
 */
export class RedshiftStreamingRole extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly rolePolicy: aws.iam.RolePolicy;
    readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: RedshiftStreamingRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:RedshiftStreamingRole", name, {}, opts);
        ({ role: this.role, rolePolicy: this.rolePolicy } = roleWithPolicy(
            name,
            {
                roleName: args.roleName,
                description: "Redshift streaming ingestion: chains to the engineering account's stream readers",
                assumeRolePolicy: policyDocument(redshiftStreamingTrustStatements()),
                policyName: "chain-to-stream-readers",
                policy: policyDocument(redshiftStreamingStatements(args.streamReaderRoleArns)),
                permissionsBoundaryArn: args.permissionsBoundaryArn,
                tags: args.tags,
            },
            this,
        ));
        this.roleArn = this.role.arn;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
