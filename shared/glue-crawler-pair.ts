import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { allow, PolicyStatementInput } from "./iam";
import { GlueColumn } from "./pipeline-codegen/glue-schema";
import {
    glueArn,
    glueCatalogArn,
    glueLogStatements,
    GlueRoleScope,
    GlueServiceRole,
    glueVpcStatements,
} from "./glue-service-role";

/** The hourly partitions of the landed data (see shared/pipeline-codegen/s3-prefix.ts), as catalog partition keys. */
export const LANDING_PARTITION_KEYS: readonly GlueColumn[] = ["year", "month", "day", "hour"].map((name) => ({
    name,
    type: "string",
    comment: "Firehose arrival time (UTC)",
}));

export interface GlueCrawlerPairArgs {
    /** Name prefix for the crawlers and the role, e.g. `tracking-dev-user-events`. */
    readonly namePrefix: string;
    readonly scope: GlueRoleScope;
    /** The S3 side: the landed data and the catalog table users (Athena) query. */
    readonly s3: {
        readonly bucketName: pulumi.Input<string>;
        readonly bucketArn: pulumi.Input<string>;
        /** The pipeline's folder, with a trailing slash, e.g. `user-events/`. */
        readonly prefix: string;
        readonly databaseName: pulumi.Input<string>;
        /**
         * The table's name: what the crawler itself names a table rooted at `prefix` (the folder name,
         * lowercase, with characters other than letters, digits and `_` replaced by `_`), so the crawler
         * adds partitions to this declared table rather than creating a second one.
         */
        readonly tableName: string;
        readonly columns: readonly GlueColumn[];
        readonly schedule: string;
    };
    /** The Redshift side: the target table, crawled through the Glue connection for users of the catalog. */
    readonly jdbc: {
        readonly connectionName: pulumi.Input<string>;
        /** `<database>/<schema>/<table>`. */
        readonly path: string;
        readonly databaseName: pulumi.Input<string>;
        readonly schedule: string;
        /** The secret the connection reads its credentials from. */
        readonly secretArn: pulumi.Input<string>;
        /** What creates the Redshift table (the DDL statement): the crawler is created after it. */
        readonly tableCreatedBy?: pulumi.Resource[];
    };
    readonly securityConfigurationName: pulumi.Input<string>;
    /** The CMK of the landing bucket (and of the Redshift secret, when this stack created it). */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** The role's name; deterministic so the data key's policy can name it. */
    readonly roleName: string;
    /** The role's permissions boundary (the bootstrap's workload boundary). */
    readonly permissionsBoundaryArn?: string;
    /** Retention of the crawlers' log group, in days (a CloudWatch-accepted value); 30 by default. */
    readonly logRetentionDays?: number;
    /** Protects the catalog table from `pulumi destroy`. */
    readonly protect: boolean;
}

/**
 * Where Glue writes the logs of crawlers that run as `roleName` under a security configuration with
 * CloudWatch encryption: `/aws-glue/crawlers-role/<role name>-<configuration name>`, one stream per crawler.
 */
export function crawlerLogGroupName(
    roleName: string,
    securityConfigurationName: pulumi.Input<string>,
): pulumi.Output<string> {
    return pulumi.interpolate`/aws-glue/crawlers-role/${roleName}-${securityConfigurationName}`;
}

/** The name of a pair's JDBC crawler: known before the crawler exists, so the table it catalogs can name it. */
export function jdbcCrawlerName(namePrefix: string): string {
    return `${namePrefix}-redshift`;
}

/**
 * Expected catalog table name of a crawler rooted at an S3 folder: the folder name, lower-cased, with
 * every character other than a letter, digit or `_` turned into `_` (the crawler guide's own example
 * names the folder `year=2017` table `year_2017`).
 */
export function crawlerTableName(folder: string): string {
    return folder
        .replace(/\/+$/, "")
        .split("/")
        .pop()!
        .toLowerCase()
        .replace(/[^a-z0-9_]/g, "_");
}

/**
 * One pipeline's catalog and its two crawlers:
 * - the landed data's table, declared from the pipeline definition (so the types the load job maps from
 *   are the declared ones, not what a crawler infers from a few JSON files), and an S3 crawler over the
 *   pipeline's prefix that only adds new `year/month/day/hour` partitions to it: incremental
 *   (CRAWL_NEW_FOLDERS_ONLY), schema changes and deletions logged, partitions inheriting the table's
 *   schema, and no glue:CreateTable on that database, so a naming mismatch fails the crawl loudly
 *   instead of creating a stray table;
 * - a JDBC crawler over the Redshift target table through the Glue connection, which catalogs the
 *   table as Redshift has it for whoever browses the catalog.
 * Both share one role that can read only this pipeline's prefix and write only these catalog entries.
 */
export class GlueCrawlerPair extends pulumi.ComponentResource {
    readonly table: aws.glue.CatalogTable;
    readonly s3Crawler: aws.glue.Crawler;
    readonly jdbcCrawler: aws.glue.Crawler;
    readonly role: GlueServiceRole;
    readonly logGroup: aws.cloudwatch.LogGroup;
    readonly tableName: pulumi.Output<string>;
    readonly s3CrawlerName: pulumi.Output<string>;
    readonly jdbcCrawlerName: pulumi.Output<string>;

    constructor(name: string, args: GlueCrawlerPairArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:GlueCrawlerPair", name, {}, opts);

        if (!args.s3.prefix.endsWith("/"))
            throw new Error(`GlueCrawlerPair ${name}: s3.prefix must end with "/" (got "${args.s3.prefix}")`);
        const expectedName = crawlerTableName(args.s3.prefix);
        if (args.s3.tableName !== expectedName) {
            throw new Error(
                `GlueCrawlerPair ${name}: s3.tableName must be "${expectedName}", the name the S3 crawler gives a table rooted at ${args.s3.prefix} (got "${args.s3.tableName}")`,
            );
        }
        const location = pulumi.interpolate`s3://${args.s3.bucketName}/${args.s3.prefix}`;

        this.table = new aws.glue.CatalogTable(
            name,
            {
                name: args.s3.tableName,
                databaseName: args.s3.databaseName,
                description: `Landed ${args.s3.prefix} events (JSON lines, hourly partitions by arrival time)`,
                tableType: "EXTERNAL_TABLE",
                parameters: { classification: "json", typeOfData: "file" },
                partitionKeys: LANDING_PARTITION_KEYS.map((column) => ({ ...column })),
                storageDescriptor: {
                    location,
                    inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
                    outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                    serDeInfo: {
                        serializationLibrary: "org.openx.data.jsonserde.JsonSerDe",
                        parameters: { paths: args.s3.columns.map((column) => column.name).join(",") },
                    },
                    columns: args.s3.columns.map((column) => ({ ...column })),
                },
            },
            { parent: this, protect: args.protect },
        );

        const landingObjects = pulumi.interpolate`${args.s3.bucketArn}/${args.s3.prefix}*`;
        const statements: PolicyStatementInput[] = [
            allow("ReadLandedObjects", ["s3:GetObject"], [landingObjects]),
            allow("LocateLandingBucket", ["s3:GetBucketLocation"], [args.s3.bucketArn]),
            allow("ListLandedPrefix", ["s3:ListBucket"], [args.s3.bucketArn], {
                StringLike: { "s3:prefix": [args.s3.prefix.replace(/\/$/, ""), `${args.s3.prefix}*`] },
            }),
            allow(
                "MaintainLandedPartitions",
                [
                    "glue:BatchCreatePartition",
                    "glue:BatchGetPartition",
                    "glue:BatchUpdatePartition",
                    "glue:CreatePartition",
                    "glue:GetDatabase",
                    "glue:GetPartition",
                    "glue:GetPartitions",
                    "glue:GetTable",
                    "glue:GetTables",
                    "glue:UpdatePartition",
                    "glue:UpdateTable",
                ],
                [
                    glueCatalogArn(args.scope),
                    glueArn(args.scope, "database", args.s3.databaseName),
                    glueArn(args.scope, "table", args.s3.databaseName, args.s3.tableName),
                ],
            ),
            allow(
                "CatalogRedshiftTables",
                ["glue:CreateTable", "glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:UpdateTable"],
                [
                    glueCatalogArn(args.scope),
                    glueArn(args.scope, "database", args.jdbc.databaseName),
                    glueArn(args.scope, "table", args.jdbc.databaseName, "*"),
                ],
            ),
            allow(
                "UseRedshiftConnection",
                ["glue:GetConnection"],
                [glueCatalogArn(args.scope), glueArn(args.scope, "connection", args.jdbc.connectionName)],
            ),
            // The key policy narrows this to S3 (landing bucket) and Secrets Manager.
            allow("DecryptWithDataKey", ["kms:Decrypt"], [args.kmsKeyArn]),
            allow(
                "ReadRedshiftSecret",
                ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
                [args.jdbc.secretArn],
            ),
            ...glueLogStatements(args.scope),
            ...glueVpcStatements(args.scope),
        ];
        this.role = new GlueServiceRole(
            `${name}-crawler`,
            {
                roleName: args.roleName,
                description: `Glue crawlers of ${args.namePrefix}: read ${args.s3.prefix} of the landing bucket, maintain its catalog table, catalog the Redshift table`,
                statements,
                permissionsBoundaryArn: args.permissionsBoundaryArn,
            },
            { parent: this },
        );

        // Glue would create the group at the first crawl, without retention; created here first, it expires
        // and is encrypted with the data key (the key policy lets CloudWatch Logs use it for /aws-glue/*).
        this.logGroup = new aws.cloudwatch.LogGroup(
            `${name}-crawlers`,
            {
                name: crawlerLogGroupName(args.roleName, args.securityConfigurationName),
                retentionInDays: args.logRetentionDays ?? 30,
                kmsKeyId: args.kmsKeyArn,
            },
            { parent: this },
        );

        this.s3Crawler = new aws.glue.Crawler(
            `${name}-s3`,
            {
                name: `${args.namePrefix}-s3`,
                description: `Adds new hourly partitions of s3://.../${args.s3.prefix} to the declared catalog table`,
                role: this.role.arn,
                databaseName: args.s3.databaseName,
                s3Targets: [{ path: location }],
                schedule: args.s3.schedule,
                recrawlPolicy: { recrawlBehavior: "CRAWL_NEW_FOLDERS_ONLY" },
                // Incremental crawls require LOG for both; the declared table stays as declared.
                schemaChangePolicy: { updateBehavior: "LOG", deleteBehavior: "LOG" },
                // No partition index: the crawler would create one by default, which needs glue:CreatePartitionIndex,
                // and the hourly partitions are read by prefix, not filtered ("Generating partition indexes").
                configuration: JSON.stringify({
                    Version: 1.0,
                    CrawlerOutput: { Partitions: { AddOrUpdateBehavior: "InheritFromTable" } },
                    Grouping: { TableGroupingPolicy: "CombineCompatibleSchemas" },
                    CreatePartitionIndex: false,
                }),
                securityConfiguration: args.securityConfigurationName,
            },
            { parent: this, dependsOn: [this.table, this.role.policy, this.logGroup] },
        );

        this.jdbcCrawler = new aws.glue.Crawler(
            `${name}-jdbc`,
            {
                name: jdbcCrawlerName(args.namePrefix),
                description: `Catalogs the Redshift table ${args.jdbc.path} as Redshift has it`,
                role: this.role.arn,
                databaseName: args.jdbc.databaseName,
                jdbcTargets: [{ connectionName: args.jdbc.connectionName, path: args.jdbc.path }],
                schedule: args.jdbc.schedule,
                schemaChangePolicy: { updateBehavior: "UPDATE_IN_DATABASE", deleteBehavior: "DEPRECATE_IN_DATABASE" },
                securityConfiguration: args.securityConfigurationName,
            },
            { parent: this, dependsOn: [this.role.policy, this.logGroup, ...(args.jdbc.tableCreatedBy ?? [])] },
        );

        this.tableName = this.table.name;
        this.s3CrawlerName = this.s3Crawler.name;
        this.jdbcCrawlerName = this.jdbcCrawler.name;
        this.registerOutputs({
            tableName: this.tableName,
            s3CrawlerName: this.s3CrawlerName,
            jdbcCrawlerName: this.jdbcCrawlerName,
            roleArn: this.role.arn,
        });
    }
}
