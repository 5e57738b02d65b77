/**
 * The architecture as the plans say it will be built: every node is a planned resource and every edge a
 * reference between two resources' planned values, never a name convention (which reference makes each
 * edge: docs/design.md, "The architecture diagram").
 */
import { PlannedResource, StackPlan } from "../plan/types";

export type NodeKind = "route" | "stream" | "firehose" | "prefix" | "crawler" | "catalog" | "job" | "table";

export interface GraphNode {
    readonly id: string;
    readonly kind: NodeKind;
    readonly label: string;
    /** The account the resource belongs to. */
    readonly account: string;
    /** Its stack, `<project>/<stack>`. */
    readonly stack: string;
}

export interface GraphEdge {
    readonly from: string;
    readonly to: string;
    readonly label?: string;
    /** Dotted: metadata (schema) rather than data. */
    readonly dotted?: boolean;
}

export interface AccountGroup {
    readonly account: string;
    /** The stacks of that account the nodes come from, e.g. `tracking-engineering/dev`. */
    readonly stacks: readonly string[];
}

export interface ArchitectureGraph {
    readonly accounts: readonly AccountGroup[];
    readonly nodes: readonly GraphNode[];
    readonly edges: readonly GraphEdge[];
    /** References that lead nowhere (a Firehose reading a stream no plan has, a job with no table...). */
    readonly problems: readonly string[];
}

type Outputs = Record<string, unknown>;

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const obj = (value: unknown): Outputs =>
    value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Outputs) : {};
const list = (value: unknown): Outputs[] => (Array.isArray(value) ? value.map(obj) : []);

/** A Mermaid-safe node id from a kind and a resource name. */
function nodeId(kind: NodeKind, name: string): string {
    return `${kind}_${name
        .replace(/^s3:\/\//, "")
        .replace(/[^A-Za-z0-9]+/g, "_")
        .replace(/^_+|_+$/g, "")}`;
}

/** The fixed part of a Firehose prefix, before its first `!{...}` expression: `user-events/year=!{...}` -> `user-events/`. */
export function staticPrefix(prefix: string): string {
    const cut = prefix.indexOf("!{");
    return cut < 0 ? prefix : prefix.slice(0, cut).replace(/[^/]*$/, "");
}

function s3Url(bucket: string, prefix: string): string {
    return `s3://${bucket}/${prefix}`;
}

interface Located<T> {
    readonly plan: StackPlan;
    readonly resource: T;
}

/** The dynamic resource type that keeps each pipeline's Redshift table. */
export const REDSHIFT_TABLE_TYPE = "pulumi-nodejs:dynamic/redshift:Table";

function byType(plans: readonly StackPlan[], type: string): Located<PlannedResource>[] {
    return plans.flatMap((plan) =>
        plan.resources.filter((r) => r.custom && r.type === type).map((resource) => ({ plan, resource })),
    );
}

/** The table a Redshift table resource (shared/redshift-data-provider.ts) keeps: `schema.table`. */
function keptTable(outputs: Record<string, unknown>): string | undefined {
    const table = (obj(outputs.declaration).table ?? {}) as { schema?: unknown; name?: unknown };
    return typeof table.schema === "string" && typeof table.name === "string"
        ? `${table.schema}.${table.name}`.toLowerCase()
        : undefined;
}

export function buildGraph(plans: readonly StackPlan[]): ArchitectureGraph {
    const nodes = new Map<string, GraphNode>();
    const edges: GraphEdge[] = [];
    const problems: string[] = [];
    const addNode = (kind: NodeKind, name: string, label: string, plan: StackPlan): string => {
        const id = nodeId(kind, name);
        if (!nodes.has(id))
            nodes.set(id, { id, kind, label, account: plan.account, stack: `${plan.project}/${plan.stack}` });
        return id;
    };
    const addEdge = (edge: GraphEdge) => {
        if (!edges.some((e) => e.from === edge.from && e.to === edge.to)) edges.push(edge);
    };

    // --- API routes -> streams.
    const streams = byType(plans, "aws:kinesis/stream:Stream");
    const apiResources = byType(plans, "aws:apigateway/resource:Resource");
    const restApis = byType(plans, "aws:apigateway/restApi:RestApi");
    const fullPath = (restApiId: string, resourceId: string): string | undefined => {
        const root = restApis.find((a) => a.resource.id === restApiId)?.resource.outputs;
        const parts: string[] = [];
        let current: string | undefined = resourceId;
        for (let guard = 0; current && guard < 50; guard++) {
            if (current === str(root?.rootResourceId)) return `/${parts.reverse().join("/")}`;
            const res = apiResources.find((r) => r.resource.id === current)?.resource.outputs;
            if (!res) return undefined;
            parts.push(String(res.pathPart));
            current = str(res.parentId);
        }
        return undefined;
    };
    for (const { plan, resource } of byType(plans, "aws:apigateway/integration:Integration")) {
        const o = resource.outputs;
        const action = /kinesis:action\/(\w+)$/.exec(str(o.uri) ?? "")?.[1];
        if (!action) continue;
        const path = fullPath(str(o.restApi) ?? "", str(o.resourceId) ?? "");
        const method = str(o.httpMethod) ?? "?";
        if (!path) {
            problems.push(
                `integration ${resource.name}: its resource ${String(o.resourceId)} is not in the API's resource tree`,
            );
            continue;
        }
        const templates = Object.values(obj(o.requestTemplates)).map(String).join("\n");
        const target = streams.find((s) => templates.includes(`"StreamName": "${String(s.resource.outputs.name)}"`));
        const route = addNode("route", `${method}${path}`, `${method} ${path}`, plan);
        if (!target) {
            problems.push(`route ${method} ${path}: its request template names no planned Kinesis stream`);
            continue;
        }
        const stream = addNode(
            "stream",
            String(target.resource.outputs.name),
            `Kinesis ${String(target.resource.outputs.name)}`,
            target.plan,
        );
        addEdge({ from: route, to: stream, label: action });
    }

    // --- Streams -> Firehose -> landing prefix (bucket in the other plan).
    const buckets = byType(plans, "aws:s3/bucket:Bucket");
    const prefixNodes: Array<{ id: string; url: string; plan: StackPlan }> = [];
    for (const { plan, resource } of byType(plans, "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream")) {
        const o = resource.outputs;
        const name = String(o.name);
        const source = str(obj(o.kinesisSourceConfiguration).kinesisStreamArn);
        const stream = streams.find((s) => s.resource.outputs.arn === source);
        const s3 = obj(o.extendedS3Configuration);
        const interval = s3.bufferingInterval;
        const size = s3.bufferingSize;
        const label = `Firehose ${name}<br/>buffer ${String(interval)} s / ${String(size)} MiB, ${String(s3.compressionFormat ?? "UNCOMPRESSED")}`;
        const firehose = addNode("firehose", name, label, plan);
        if (stream) {
            const streamName = String(stream.resource.outputs.name);
            addEdge({ from: addNode("stream", streamName, `Kinesis ${streamName}`, stream.plan), to: firehose });
        } else problems.push(`Firehose ${name}: reads ${String(source)}, which no plan creates`);
        const destinations: Array<[Outputs, string]> = [[s3, "delivers"]];
        if (str(s3.s3BackupMode) === "Enabled") destinations.push([obj(s3.s3BackupConfiguration), "raw copy"]);
        for (const [destination, edgeLabel] of destinations) {
            const bucket = buckets.find((b) => b.resource.outputs.arn === destination.bucketArn);
            if (!bucket) {
                problems.push(`Firehose ${name}: delivers to ${String(destination.bucketArn)}, which no plan creates`);
                continue;
            }
            const url = s3Url(String(bucket.resource.outputs.bucket), staticPrefix(String(destination.prefix ?? "")));
            const prefix = addNode("prefix", url, url, bucket.plan);
            prefixNodes.push({ id: prefix, url, plan: bucket.plan });
            addEdge({ from: firehose, to: prefix, label: edgeLabel });
        }
    }

    // --- Catalog tables and crawlers over the landing prefixes.
    const tables = byType(plans, "aws:glue/catalogTable:CatalogTable");
    const catalogOf = new Map<string, { id: string; location: string; database: string }>(); // "database.table" ->
    for (const { plan, resource } of tables) {
        const o = resource.outputs;
        const location = str(obj(o.storageDescriptor).location);
        const prefix = prefixNodes.find((p) => p.url === location);
        if (!prefix || !location) continue;
        const key = `${String(o.databaseName)}.${String(o.name)}`;
        const id = addNode("catalog", key, `Glue table ${key}`, plan);
        catalogOf.set(key, { id, location, database: String(o.databaseName) });
        addEdge({ from: prefix.id, to: id, label: "schema", dotted: true });
    }
    for (const { plan, resource } of byType(plans, "aws:glue/crawler:Crawler")) {
        const o = resource.outputs;
        for (const target of list(o.s3Targets)) {
            const prefix = prefixNodes.find((p) => p.url === str(target.path));
            if (!prefix) continue;
            const crawler = addNode(
                "crawler",
                String(o.name),
                `S3 crawler ${String(o.name)}<br/>${String(o.schedule ?? "on demand")}`,
                plan,
            );
            addEdge({ from: prefix.id, to: crawler, label: "crawls", dotted: true });
            for (const table of catalogOf.values()) {
                if (table.database === o.databaseName && table.location.startsWith(String(target.path)))
                    addEdge({ from: crawler, to: table.id, label: "updates", dotted: true });
            }
        }
    }

    // --- Redshift tables created by the plans, and the jobs between catalog and Redshift.
    const redshiftTables = new Map<string, Located<PlannedResource>>();
    for (const located of byType(plans, REDSHIFT_TABLE_TYPE)) {
        const table = keptTable(located.resource.outputs);
        if (table !== undefined) redshiftTables.set(table, located);
    }
    const triggers = byType(plans, "aws:glue/trigger:Trigger");
    for (const { plan, resource } of byType(plans, "aws:glue/job:Job")) {
        const o = resource.outputs;
        const args = obj(o.defaultArguments);
        // A load job reads a landing prefix straight from S3 (`--source_path`), or through a catalog table
        // over one (`--catalog_database` / `--catalog_table`).
        const direct = prefixNodes.find((p) => p.url === str(args["--source_path"]));
        const catalog = catalogOf.get(`${String(args["--catalog_database"])}.${String(args["--catalog_table"])}`)?.id;
        if (!direct && !catalog) continue; // not a load job of a landing prefix
        const name = String(o.name);
        const trigger = triggers.find((t) => list(t.resource.outputs.actions).some((a) => a.jobName === name))?.resource
            .outputs;
        const when = trigger ? (str(trigger.schedule) ?? `after ${String(trigger.type).toLowerCase()}`) : "no trigger";
        const workers =
            o.numberOfWorkers !== undefined ? `, ${String(o.numberOfWorkers)} x ${String(o.workerType)}` : "";
        const job = addNode("job", name, `Glue job ${name}<br/>${when}${workers}`, plan);
        const landing = direct ?? prefixNodes.find((p) => edges.some((e) => e.from === p.id && e.to === catalog));
        if (landing) addEdge({ from: landing.id, to: job, label: "reads new objects" });
        if (catalog) addEdge({ from: catalog, to: job, dotted: true });
        const targetTable = String(args["--target_table"] ?? "").toLowerCase();
        const created = redshiftTables.get(targetTable);
        if (!created) {
            problems.push(
                `Glue job ${name}: writes ${targetTable || "no --target_table"}, which no planned Redshift table keeps`,
            );
            continue;
        }
        const table = addNode("table", targetTable, `Redshift ${targetTable}`, created.plan);
        addEdge({ from: job, to: table, label: "staging + merge" });
    }

    // --- JDBC crawlers over the Redshift tables (`<database>/<schema>/<table>`): the catalog of the loaded data.
    for (const { plan, resource } of byType(plans, "aws:glue/crawler:Crawler")) {
        const o = resource.outputs;
        for (const target of list(o.jdbcTargets)) {
            const [, schema, table] = String(target.path ?? "")
                .toLowerCase()
                .split("/");
            const key = `${schema}.${table}`;
            const created = redshiftTables.get(key);
            if (!created) {
                problems.push(
                    `JDBC crawler ${String(o.name)}: crawls ${String(target.path)}, which no planned statement creates`,
                );
                continue;
            }
            const crawler = addNode(
                "crawler",
                String(o.name),
                `JDBC crawler ${String(o.name)}<br/>${String(o.schedule ?? "on demand")}`,
                plan,
            );
            addEdge({
                from: addNode("table", key, `Redshift ${key}`, created.plan),
                to: crawler,
                label: "crawls",
                dotted: true,
            });
        }
    }

    // Routes whose chain stops before Redshift.
    for (const node of nodes.values()) {
        if (node.kind !== "route") continue;
        const reached = new Set<string>([node.id]);
        const queue = [node.id];
        while (queue.length > 0) {
            const current = queue.shift() as string;
            for (const e of edges) {
                if (e.from !== current || e.dotted || reached.has(e.to)) continue;
                reached.add(e.to);
                queue.push(e.to);
            }
        }
        if (![...reached].some((id) => nodes.get(id)?.kind === "table"))
            problems.push(`route ${node.label}: no data path to a Redshift table`);
    }

    const accounts = [...new Set([...nodes.values()].map((n) => n.account))].map((account) => ({
        account,
        stacks: [...new Set([...nodes.values()].filter((n) => n.account === account).map((n) => n.stack))].sort(),
    }));
    return { accounts, nodes: [...nodes.values()], edges, problems };
}
