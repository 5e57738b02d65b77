/**
 * An IAM role with one inline policy and nothing else: the Redshift streaming role and each stream reader.
 * Sessions last at most an hour (IAM's minimum `MaxSessionDuration`); the workload boundary applies when given.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface RoleWithPolicyArgs {
    readonly roleName: string;
    readonly description: string;
    /** The trust policy (JSON). */
    readonly assumeRolePolicy: string;
    readonly policyName: string;
    /** The inline policy (JSON). */
    readonly policy: pulumi.Input<string>;
    readonly permissionsBoundaryArn?: string;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** The role and its inline policy, both named `resourceName` and children of `parent`. */
export function roleWithPolicy(
    resourceName: string,
    args: RoleWithPolicyArgs,
    parent: pulumi.Resource,
): { role: aws.iam.Role; rolePolicy: aws.iam.RolePolicy } {
    const role = new aws.iam.Role(
        resourceName,
        {
            name: args.roleName,
            description: args.description,
            assumeRolePolicy: args.assumeRolePolicy,
            maxSessionDuration: 3600,
            ...(args.permissionsBoundaryArn !== undefined ? { permissionsBoundary: args.permissionsBoundaryArn } : {}),
            tags: args.tags,
        },
        { parent },
    );
    const rolePolicy = new aws.iam.RolePolicy(
        resourceName,
        { role: role.id, name: args.policyName, policy: args.policy },
        { parent },
    );
    return { role, rolePolicy };
}
