import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PipelineDefinition } from "./pipeline/definition";
import { createSchemaSql, createTableSql } from "./pipeline/redshift-ddl";

/** Where the DDL runs: exactly one of a Serverless workgroup or a provisioned cluster. */
export type RedshiftDdlTarget = { readonly workgroupName: pulumi.Input<string> } | { readonly clusterIdentifier: pulumi.Input<string> };

export interface RedshiftSchemaArgs {
    readonly target: RedshiftDdlTarget;
    readonly database: pulumi.Input<string>;
    /** A Secrets Manager secret with the `username` and `password` the Data API connects as. */
    readonly secretArn: pulumi.Input<string>;
    /** The schema, shared by every pipeline given. */
    readonly schema: string;
    /** The pipelines whose tables live in `schema`. */
    readonly pipelines: readonly PipelineDefinition[];
    /** Protects the statements (and so the stack) from an accidental `pulumi destroy`. */
    readonly protect: boolean;
    /**
     * What must exist before the first statement runs (a workgroup, the secret's value). Passed to the
     * statements themselves: a component's own dependsOn does not hold back its children.
     */
    readonly runAfter?: pulumi.Resource[];
}

/** Logical resource name part of a table: `events` for `tracking.events`. */
function tableResourceName(def: PipelineDefinition): string {
    return def.table.name.replace(/_/g, "-");
}

/**
 * A Redshift schema and its pipeline tables, created at deploy time through the Redshift Data API
 * (`aws.redshiftdata.Statement`, which waits for each statement to finish). The SQL is generated from the
 * pipeline definitions (shared/pipeline/redshift-ddl.ts) and is `CREATE ... IF NOT EXISTS`, so running it
 * again - a replaced statement, a re-created stack, a table the seed created by hand - changes nothing.
 * The tables wait for the schema. IF NOT EXISTS also means a changed column list is NOT applied to an
 * existing table: a schema change needs a migration, which this component deliberately does not guess.
 */
export class RedshiftSchema extends pulumi.ComponentResource {
    readonly schemaStatement: aws.redshiftdata.Statement;
    readonly tableStatements: Record<string, aws.redshiftdata.Statement>;

    constructor(name: string, args: RedshiftSchemaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:RedshiftSchema", name, {}, opts);
        const outside = args.pipelines.filter((def) => def.table.schema !== args.schema);
        if (outside.length > 0) {
            throw new Error(`RedshiftSchema ${name}: pipelines ${outside.map((def) => `"${def.name}" (schema ${def.table.schema})`).join(", ")} are not in schema ${args.schema}`);
        }
        const seen = new Map<string, string>();
        for (const def of args.pipelines) {
            const other = seen.get(def.table.name);
            if (other) throw new Error(`RedshiftSchema ${name}: pipelines "${other}" and "${def.name}" both load ${args.schema}.${def.table.name}`);
            seen.set(def.table.name, def.name);
        }

        const connection = {
            ...("workgroupName" in args.target ? { workgroupName: args.target.workgroupName } : { clusterIdentifier: args.target.clusterIdentifier }),
            database: args.database,
            secretArn: args.secretArn,
        };
        this.schemaStatement = new aws.redshiftdata.Statement(`${name}-schema`, {
            ...connection,
            sql: createSchemaSql(args.schema),
            statementName: `${name}-schema`,
        }, { parent: this, protect: args.protect, dependsOn: args.runAfter });

        this.tableStatements = {};
        for (const def of args.pipelines) {
            this.tableStatements[def.name] = new aws.redshiftdata.Statement(`${name}-${tableResourceName(def)}`, {
                ...connection,
                sql: createTableSql(def),
                statementName: `${name}-${tableResourceName(def)}`,
            }, { parent: this, protect: args.protect, dependsOn: [this.schemaStatement] });
        }
        this.registerOutputs({ schemaStatementId: this.schemaStatement.id });
    }
}
