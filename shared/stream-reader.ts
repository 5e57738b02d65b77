import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "./iam";
import {
    RedshiftStreamingPrincipal,
    streamReaderStatements,
    streamReaderTrustStatements,
} from "./redshift-streaming-access";
import { roleWithPolicy } from "./role-with-policy";

export interface StreamReaderArgs {
    /** The IAM role name; pinned (see `streamReaderRoleName`) because the data-platform account names it first. */
    readonly roleName: string;
    readonly region: string;
    /** The one stream the role may read, and the key that encrypts it. */
    readonly streamArn: pulumi.Input<string>;
    readonly streamKeyArn: pulumi.Input<string>;
    /** The data-platform account's Redshift streaming role: the only principal that may assume this one. */
    readonly redshift: RedshiftStreamingPrincipal;
    /** The bootstrap's workload boundary. */
    readonly permissionsBoundaryArn?: string;
    readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * A streaming pipeline's reader role in the engineering account: the end of Redshift's role chain
 * (`IAM_ROLE '<redshift role>,<this role>'` of the pipeline's external schema). It may read exactly its
 * pipeline's stream and decrypt it through Kinesis (shared/redshift-streaming-access.ts), and only the
 * data-platform account's Redshift streaming role of the stack may assume it.
 */
export class StreamReader extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly rolePolicy: aws.iam.RolePolicy;
    readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: StreamReaderArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:StreamReader", name, {}, opts);
        ({ role: this.role, rolePolicy: this.rolePolicy } = roleWithPolicy(
            `${name}-stream-reader`,
            {
                roleName: args.roleName,
                description:
                    "Redshift streaming ingestion (chained from the data-platform account): reads one Kinesis stream",
                assumeRolePolicy: policyDocument(streamReaderTrustStatements(args.redshift)),
                policyName: "read-own-stream",
                policy: pulumi
                    .all([args.streamArn, args.streamKeyArn])
                    .apply(([streamArn, streamKeyArn]) =>
                        policyDocument(streamReaderStatements({ region: args.region, streamArn, streamKeyArn })),
                    ),
                permissionsBoundaryArn: args.permissionsBoundaryArn,
                tags: args.tags,
            },
            this,
        ));
        this.roleArn = this.role.arn;
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
