/**
 * The Redshift the data-platform stack loads into, resolved once from its configuration: an existing
 * workgroup or cluster, or a sandbox created here. Everything downstream (DDL, crawlers, load jobs,
 * outputs) reads this one value, whatever the mode.
 */
import * as pulumi from "@pulumi/pulumi";
import { RedshiftIamAccess, redshiftIamUrl } from "../shared/glue-load-job";
import { RedshiftSandbox } from "../shared/redshift-sandbox";
import { RedshiftDdlTarget } from "../shared/redshift-schema";
import { DataPlatformConfig } from "./config";

export interface ResolvedRedshift {
    readonly ddlTarget: RedshiftDdlTarget;
    readonly host: pulumi.Output<string>;
    /** The admin secret the deploy's Data API calls sign in with. */
    readonly secretArn: pulumi.Output<string>;
    readonly secretKmsKeyArn?: pulumi.Output<string>;
    /** What must exist before anything connects (a sandbox's workgroup). */
    readonly ready: pulumi.Resource[];
    /** The stack output `redshift` describes it with. */
    readonly description: Record<string, pulumi.Input<string>>;
    /** How the load jobs sign in: IAM credentials of their own roles (see RedshiftIamAccess). */
    readonly jobAccess: RedshiftIamAccess;
}

/** Where a sandbox goes, when the configuration asks for one. */
export interface SandboxPlacement {
    readonly namePrefix: string;
    readonly subnetIds: pulumi.Input<string[]>;
    readonly securityGroupIds: pulumi.Input<string>[];
    /** Encrypts Redshift's managed admin secret. */
    readonly secretKmsKeyArn: pulumi.Output<string>;
    readonly protect: boolean;
    /** Roles attached to the namespace (the streaming role). */
    readonly iamRoles?: pulumi.Input<string>[];
}

export function resolveRedshift(config: DataPlatformConfig, placement: SandboxPlacement): ResolvedRedshift {
    const { partition, region, accountId } = config;
    if (config.redshift.mode === "sandbox") {
        const sandbox = new RedshiftSandbox("sandbox", {
            namePrefix: placement.namePrefix,
            database: config.redshift.database,
            adminUsername: config.redshift.adminUsername,
            baseCapacity: config.redshift.baseCapacity,
            port: config.redshift.port,
            subnetIds: placement.subnetIds,
            securityGroupIds: placement.securityGroupIds,
            secretKmsKeyArn: placement.secretKmsKeyArn,
            protect: placement.protect,
            ...(placement.iamRoles !== undefined ? { iamRoles: placement.iamRoles } : {}),
            usageLimit: config.redshift.usageLimit,
        });
        return {
            ddlTarget: { workgroupName: sandbox.workgroupName },
            host: sandbox.host,
            secretArn: sandbox.secretArn,
            secretKmsKeyArn: placement.secretKmsKeyArn,
            ready: [sandbox.workgroup],
            description: {
                mode: "sandbox",
                workgroupName: sandbox.workgroupName,
                host: sandbox.host,
                database: config.redshift.database,
                secretArn: sandbox.secretArn,
            },
            jobAccess: {
                kind: "workgroup",
                url: redshiftIamUrl(sandbox.host, config.redshift.port, config.redshift.database),
                workgroupArn: sandbox.workgroup.arn,
            },
        };
    }
    const existing = config.redshift;
    const url = redshiftIamUrl(existing.host, existing.port, existing.database);
    const redshiftArn = (resource: string) => `arn:${partition}:redshift:${region}:${accountId}:${resource}`;
    return {
        ddlTarget:
            existing.mode === "serverless"
                ? { workgroupName: existing.workgroupName ?? "" }
                : { clusterIdentifier: existing.clusterIdentifier ?? "" },
        host: pulumi.output(existing.host),
        secretArn: pulumi.output(existing.secretArn),
        ...(existing.secretKmsKeyArn !== undefined ? { secretKmsKeyArn: pulumi.output(existing.secretKmsKeyArn) } : {}),
        ready: [],
        description: {
            mode: existing.mode,
            ...(existing.workgroupName !== undefined ? { workgroupName: existing.workgroupName } : {}),
            ...(existing.clusterIdentifier !== undefined ? { clusterIdentifier: existing.clusterIdentifier } : {}),
            host: existing.host,
            database: existing.database,
            secretArn: existing.secretArn,
            ...(existing.secretKmsKeyArn !== undefined ? { secretKmsKeyArn: existing.secretKmsKeyArn } : {}),
        },
        // A workgroup's ARN holds its generated id, which the configuration does not know; the database
        // user the credentials sign in as (IAMR:<job role>) holds only the loader's grants.
        jobAccess:
            existing.mode === "cluster"
                ? {
                      kind: "cluster",
                      url,
                      clusterArn: redshiftArn(`cluster:${existing.clusterIdentifier}`),
                      databaseArn: redshiftArn(`dbname:${existing.clusterIdentifier}/${existing.database}`),
                  }
                : {
                      kind: "workgroup",
                      url,
                      workgroupArn: `arn:${partition}:redshift-serverless:${region}:${accountId}:workgroup/*`,
                  },
    };
}
