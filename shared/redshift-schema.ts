import * as pulumi from "@pulumi/pulumi";
import { PipelineDefinition } from "./pipeline-codegen/definition";
import { schemaVersion, tableDeclaration } from "./pipeline-codegen/schema-migration";
import {
    DataApiTarget,
    redshiftStreamViewProvider,
    RedshiftStreamViewInputs,
    redshiftTableProvider,
    RedshiftTableInputs,
    sdkDataApi,
} from "./redshift-data-provider";
import { streamViewVersion } from "./pipeline-codegen/redshift-stream";

/** Where the DDL runs: exactly one of a Serverless workgroup or a provisioned cluster. */
export type RedshiftDdlTarget =
    { readonly workgroupName: pulumi.Input<string> } | { readonly clusterIdentifier: pulumi.Input<string> };

export interface RedshiftSchemaArgs {
    readonly target: RedshiftDdlTarget;
    readonly region: string;
    readonly database: pulumi.Input<string>;
    /** The admin's Secrets Manager secret the Data API connects with (the deploy itself never reads it). */
    readonly secretArn: pulumi.Input<string>;
    /** The KMS key of that secret, when not `aws/secretsmanager` (the deployer decrypts with it through Secrets Manager). */
    readonly secretKmsKeyArn?: pulumi.Input<string>;
    /** The schema, shared by every pipeline given. */
    readonly schema: string;
    /** The pipelines whose tables live in `schema`. */
    readonly pipelines: readonly PipelineDefinition[];
    /** Per pipeline: the principals to create (an existing one counts as created) after its table exists. */
    readonly principalStatements?: Readonly<Record<string, readonly string[]>>;
    /** Per pipeline: statements run after its table exists or changed, on every apply (idempotent grants). */
    readonly afterStatements?: Readonly<Record<string, readonly string[]>>;
    /**
     * Per pipeline: the name of the JDBC crawler that catalogs its table, started after a migration of the
     * table ran (a name, not the crawler resource: the crawler is created after the table).
     */
    readonly crawlerNames?: Readonly<Record<string, string>>;
    /** Protects the tables' records (and so the stack) from an accidental `pulumi destroy`. */
    readonly protect: boolean;
    /**
     * Per streaming pipeline (`streaming: true`) whose stream reader exists: its stream view's statements
     * (shared/pipeline-codegen/redshift-stream.ts). Run after the pipeline's table (its grants name the reader).
     */
    readonly streamViews?: Readonly<Record<string, StreamViewStatements>>;
    /**
     * What must exist before the first statement runs (a workgroup, its admin secret). Passed to the
     * tables themselves: a component's own dependsOn does not hold back its children.
     */
    readonly runAfter?: pulumi.Resource[];
}

/** The SQL of one stream view: what removes it, what creates it, and the grants after it. */
export interface StreamViewStatements {
    /** `schema.table_stream`. */
    readonly view: string;
    readonly drop: readonly string[];
    readonly create: readonly string[];
    readonly after: readonly string[];
    /** What must exist before the view is created (the role attached to Redshift, say). */
    readonly runAfter?: pulumi.Resource[];
}

/** The provider of every stream view. */
export const STREAM_VIEW_PROVIDER = redshiftStreamViewProvider(sdkDataApi);

/** One pipeline's stream view, created and replaced through the Redshift Data API. */
export class RedshiftStreamView extends pulumi.dynamic.Resource {
    declare readonly appliedVersion: pulumi.Output<string>;

    constructor(
        name: string,
        inputs: pulumi.Inputs & { [K in keyof RedshiftStreamViewInputs]: pulumi.Input<RedshiftStreamViewInputs[K]> },
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(STREAM_VIEW_PROVIDER, name, { ...inputs, appliedVersion: undefined }, opts, "redshift", "StreamView");
    }
}

/** The provider of every table; one object, so its code is serialized into the state once per program run. */
export const TABLE_PROVIDER = redshiftTableProvider(sdkDataApi);

/** One pipeline's table, applied and migrated through the Redshift Data API (see ./redshift-data-provider.ts). */
export class RedshiftTable extends pulumi.dynamic.Resource {
    declare readonly appliedVersion: pulumi.Output<string>;
    declare readonly version: pulumi.Output<string>;
    declare readonly crawlerRun: pulumi.Output<string | undefined>;

    constructor(
        name: string,
        inputs: pulumi.Inputs & { [K in keyof RedshiftTableInputs]: pulumi.Input<RedshiftTableInputs[K]> },
        opts?: pulumi.CustomResourceOptions,
    ) {
        super(
            TABLE_PROVIDER,
            name,
            { ...inputs, appliedVersion: undefined, crawlerRun: undefined },
            opts,
            "redshift",
            "Table",
        );
    }
}

/** Logical resource name part of a table: `events` for `tracking.events`. */
function tableResourceName(def: PipelineDefinition): string {
    return def.table.name.replace(/_/g, "-");
}

/**
 * A Redshift schema and its pipeline tables, kept in step with the pipeline declarations at deploy time:
 * the schema and each table are created if missing (`IF NOT EXISTS`, so a table that already exists is
 * left as is), and a later change of a declaration is migrated as shared/pipeline-codegen/schema-migration.ts
 * allows, or refused before anything changes. Each table records the declaration it applied.
 */
export class RedshiftSchema extends pulumi.ComponentResource {
    readonly tables: Record<string, RedshiftTable>;
    /** Per streaming pipeline given in `streamViews`: its view. */
    readonly streamViews: Record<string, RedshiftStreamView>;
    /** Where and as whom its SQL runs (the Data API's connection parameters). */
    readonly target: pulumi.Output<DataApiTarget>;

    constructor(name: string, args: RedshiftSchemaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("tracking:shared:RedshiftSchema", name, {}, opts);
        const outside = args.pipelines.filter((def) => def.table.schema !== args.schema);
        if (outside.length > 0) {
            throw new Error(
                `RedshiftSchema ${name}: pipelines ${outside.map((def) => `"${def.name}" (schema ${def.table.schema})`).join(", ")} are not in schema ${args.schema}`,
            );
        }
        const seen = new Map<string, string>();
        for (const def of args.pipelines) {
            const other = seen.get(def.table.name);
            if (other)
                throw new Error(
                    `RedshiftSchema ${name}: pipelines "${other}" and "${def.name}" both load ${args.schema}.${def.table.name}`,
                );
            seen.set(def.table.name, def.name);
        }

        const target: pulumi.Output<DataApiTarget> = (this.target = pulumi
            .all([
                args.database,
                args.secretArn,
                "workgroupName" in args.target ? args.target.workgroupName : args.target.clusterIdentifier,
                args.secretKmsKeyArn,
            ])
            .apply(([database, secretArn, where, secretKmsKeyArn]) => ({
                region: args.region,
                database,
                secretArn,
                ...(secretKmsKeyArn !== undefined ? { secretKmsKeyArn } : {}),
                ...("workgroupName" in args.target ? { workgroupName: where } : { clusterIdentifier: where }),
            })));

        this.tables = {};
        for (const def of args.pipelines) {
            const declaration = tableDeclaration(def);
            this.tables[def.name] = new RedshiftTable(
                `${name}-${tableResourceName(def)}`,
                {
                    target,
                    declaration,
                    version: schemaVersion(declaration),
                    principalStatements: [...(args.principalStatements?.[def.name] ?? [])],
                    afterStatements: [...(args.afterStatements?.[def.name] ?? [])],
                    ...(args.crawlerNames?.[def.name] !== undefined
                        ? { crawlerName: args.crawlerNames[def.name] }
                        : {}),
                },
                { parent: this, protect: args.protect, dependsOn: args.runAfter },
            );
        }
        this.streamViews = {};
        for (const def of args.pipelines) {
            const statements = args.streamViews?.[def.name];
            if (statements === undefined) continue;
            this.streamViews[def.name] = new RedshiftStreamView(
                `${name}-${tableResourceName(def)}-stream`,
                {
                    target,
                    view: statements.view,
                    dropStatements: [...statements.drop],
                    createStatements: [...statements.create],
                    afterStatements: [...statements.after],
                    version: streamViewVersion(statements.create),
                },
                { parent: this, dependsOn: [this.tables[def.name], ...(statements.runAfter ?? [])] },
            );
        }
        this.registerOutputs({
            tables: Object.fromEntries(
                Object.entries(this.tables).map(([pipeline, table]) => [pipeline, table.appliedVersion]),
            ),
            streamViews: Object.fromEntries(
                Object.entries(this.streamViews).map(([pipeline, view]) => [pipeline, view.appliedVersion]),
            ),
        });
    }
}
