/**
 * What `pulumi up` of the current code would do to the stateful resources a stack deployed from an
 * earlier commit holds: the engine matches each new resource to the old state by URN or by one of its
 * `aliases` (a child also under the alias its parent was found under), deletes every old resource
 * nothing matches, and replaces a matched one when an input that cannot change in place changes.
 */
import { planMigration, TableDeclaration } from "../../shared/pipeline-codegen/schema-migration";
import { PlannedAlias, PlannedResource, StackPlan, UNKNOWN } from "../plan/types";

/**
 * Resource types that hold data or identity a replacement or delete would lose, each with the inputs the
 * provider cannot change in place (Terraform `ForceNew` in terraform-provider-aws, which pulumi-aws
 * bridges: a change plans a replacement). Resources the program names get their names from these inputs;
 * an auto-named one keeps its generated name across an aliased rename.
 */
export const STATEFUL_TYPES: Readonly<Record<string, readonly string[]>> = {
    // internal/service/s3/bucket.go: bucket, bucket_prefix, object_lock_enabled.
    "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix", "objectLockEnabled"],
    "aws:s3/bucketV2:BucketV2": ["bucket", "bucketPrefix", "objectLockEnabled"],
    // internal/service/kms/key.go: custom_key_store_id, customer_master_key_spec, key_usage, multi_region, xks_key_id.
    "aws:kms/key:Key": ["customKeyStoreId", "customerMasterKeySpec", "keyUsage", "multiRegion", "xksKeyId"],
    // internal/service/kinesis/stream.go: name.
    "aws:kinesis/stream:Stream": ["name"],
    // internal/service/firehose/delivery_stream.go: name, destination and the source configurations.
    "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream": [
        "name",
        "destination",
        "kinesisSourceConfiguration",
        "mskSourceConfiguration",
    ],
    // internal/service/dynamodb/table.go: name.
    "aws:dynamodb/table:Table": ["name"],
    // internal/service/secretsmanager/secret.go: name, name_prefix.
    "aws:secretsmanager/secret:Secret": ["name", "namePrefix"],
    // internal/service/iam/role.go: name, name_prefix, path.
    "aws:iam/role:Role": ["name", "namePrefix", "path"],
    // internal/service/logs/group.go: name, name_prefix, log_group_class.
    "aws:cloudwatch/logGroup:LogGroup": ["name", "namePrefix", "logGroupClass"],
    // internal/service/glue/catalog_database.go: catalog_id, name, target_database; catalog_table.go: catalog_id,
    // database_name, name, partition_index.
    "aws:glue/catalogDatabase:CatalogDatabase": ["catalogId", "name", "targetDatabase"],
    "aws:glue/catalogTable:CatalogTable": ["catalogId", "databaseName", "name", "partitionIndices"],
    // A job's bookmarks (what it has already loaded) are kept per job name ("Tracking processed data using job
    // bookmarks"): a new job reads everything again. internal/service/glue/job.go: name.
    "aws:glue/job:Job": ["name"],
    // internal/service/redshift/cluster.go: cluster_identifier; redshiftserverless namespace.go, workgroup.go.
    "aws:redshift/cluster:Cluster": ["clusterIdentifier"],
    "aws:redshiftserverless/namespace:Namespace": ["namespaceName"],
    "aws:redshiftserverless/workgroup:Workgroup": ["namespaceName", "workgroupName"],
    // The API's custom domain: clients address it, and its DNS alias targets the regional name it was created with;
    // a replacement must delete the name before it can be created again (one domain name per account and region).
    // internal/service/apigateway/domain_name.go: domain_name, certificate_body, certificate_chain, certificate_private_key.
    "aws:apigateway/domainName:DomainName": [
        "domainName",
        "certificateBody",
        "certificateChain",
        "certificatePrivateKey",
    ],
    // shared/redshift-data-provider.ts: its diff replaces on another database or table.
    "pulumi-nodejs:dynamic/redshift:Table": [
        "target.database",
        "target.workgroupName",
        "target.clusterIdentifier",
        "target.region",
        "declaration.table.schema",
        "declaration.table.name",
    ],
};

const TABLE_TYPE = "pulumi-nodejs:dynamic/redshift:Table";

export interface Finding {
    /**
     * `deleted` and `replaced` fail the check, and `refused`: a Redshift table declaration changed in a way
     * its provider refuses (shared/pipeline-codegen/schema-migration.ts), which would fail the deploy's preview;
     * `unknown` cannot be told offline and is reported only.
     */
    readonly kind: "deleted" | "replaced" | "refused" | "unknown";
    /** `<project>.<stack>`. */
    readonly stack: string;
    readonly type: string;
    /** The URN in the deployed (old) state. */
    readonly oldUrn: string;
    /** The resource of the current plan that takes it over, when one does. */
    readonly newUrn?: string;
    readonly message: string;
}

/** `urn:pulumi:<stack>::<project>::<qualified type>::<name>` split into its parts. */
function urnParts(urn: string): { stack: string; project: string; qualifiedType: string; name: string } {
    const match = /^urn:pulumi:([^:]*)::([^:]*)::(.*?)::(.*)$/s.exec(urn);
    if (!match) throw new Error(`not a Pulumi URN: ${urn}`);
    return { stack: match[1], project: match[2], qualifiedType: match[3], name: match[4] };
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** The engine's `resource.CreateURN`: a parent's qualified type prefixes the type, except the root stack's. */
export function createUrn(
    name: string,
    type: string,
    parentUrn: string | undefined,
    project: string,
    stack: string,
): string {
    const parentType = parentUrn ? urnParts(parentUrn).qualifiedType : "";
    const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/** The engine's `collapseAliasToUrn`: a spec's missing fields are the resource's own. */
function aliasUrn(resource: PlannedResource, alias: PlannedAlias, plan: StackPlan): string {
    if ("urn" in alias) return alias.urn;
    const parent = alias.noParent ? undefined : (alias.parentUrn ?? resource.parent);
    return createUrn(
        alias.name ?? resource.name,
        alias.type ?? resource.type,
        parent,
        alias.project ?? plan.project,
        alias.stack ?? plan.stack,
    );
}

/**
 * The engine's `inheritedChildAlias`: a child whose name starts with its parent's name (`<parent>-role`)
 * is looked for under the parent's old name too.
 */
function inheritedChildAlias(
    childType: string,
    childName: string,
    parentName: string,
    parentAlias: string,
    plan: StackPlan,
): string {
    const aliasName = childName.startsWith(parentName)
        ? urnParts(parentAlias).name + childName.slice(parentName.length)
        : childName;
    return createUrn(aliasName, childType, parentAlias, plan.project, plan.stack);
}

/** How the engine finds a resource's old state: the URNs it looks under, and the one it finds. */
export interface Lookup {
    /** Its aliases, as URNs: its own, then the parent's matched alias carried to it (the engine's `generateAliases`). */
    readonly aliases: readonly string[];
    /** The old URN it takes over: its own when the old state has it, else its first alias there. */
    readonly takes?: string;
}

/**
 * The engine's lookup for every resource of a plan against an old state: its own URN first, then its
 * aliases in order. A child inherits only the alias its parent was actually found under (the engine
 * records that one per parent), renamed when the child's name starts with the parent's.
 */
export function lookups(plan: StackPlan, oldUrns: ReadonlySet<string>): Map<string, Lookup> {
    const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
    const result = new Map<string, Lookup>();
    const resolve = (resource: PlannedResource): Lookup => {
        const known = result.get(resource.urn);
        if (known) return known;
        const urns = new Set<string>();
        const own = (resource.options.aliases ?? []).map((a) => aliasUrn(resource, a, plan));
        for (const urn of own) urns.add(urn);
        const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
        const parentTakes = parent ? resolve(parent).takes : undefined;
        if (parent && parentTakes !== undefined && parentTakes !== parent.urn) {
            urns.add(inheritedChildAlias(resource.type, resource.name, parent.name, parentTakes, plan));
            for (const childAlias of own) {
                const { qualifiedType, name } = urnParts(childAlias);
                const type = qualifiedType.slice(qualifiedType.lastIndexOf("$") + 1);
                urns.add(inheritedChildAlias(type, name, parent.name, parentTakes, plan));
            }
        }
        const aliases = [...urns];
        const takes = [resource.urn, ...aliases].find((urn) => oldUrns.has(urn));
        const lookup = { aliases, ...(takes !== undefined ? { takes } : {}) };
        result.set(resource.urn, lookup);
        return lookup;
    };
    for (const resource of plan.resources) resolve(resource);
    return result;
}

/** The value at a dotted path of a resource's inputs (`target.database`). */
function inputAt(inputs: Record<string, unknown>, dotted: string): unknown {
    let value: unknown = inputs;
    for (const key of dotted.split(".")) {
        if (value === null || typeof value !== "object") return undefined;
        value = (value as Record<string, unknown>)[key];
    }
    return value;
}

function containsUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(containsUnknown);
    if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
    return false;
}

/** Key-order-independent JSON, so two plans' inputs compare by value. */
function canonical(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
    if (value !== null && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        return `{${Object.keys(obj)
            .sort()
            .filter((k) => obj[k] !== undefined)
            .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
            .join(",")}}`;
    }
    return JSON.stringify(value) ?? "undefined";
}

const show = (value: unknown) => (value === undefined ? "(not set)" : JSON.stringify(value));

/** The spec that would take `oldUrn` over after a rename from `old` to `renamed`, for the message. */
function suggestedAlias(old: PlannedResource, renamed: PlannedResource): string {
    const parts: string[] = [];
    if (old.name !== renamed.name) parts.push(`name: ${JSON.stringify(old.name)}`);
    if (old.type !== renamed.type) parts.push(`type: ${JSON.stringify(old.type)}`);
    if (old.parent !== renamed.parent)
        parts.push(old.parent ? `parent: <the resource ${old.parent}>` : "parent: pulumi.rootStackResource");
    return `aliases: [{ ${parts.join(", ")} }]`;
}

/**
 * Compares the plans of one commit (what is deployed) with the current ones, stack by stack (matched by
 * project and stack; a stack only one side has is skipped: nothing deployed, or nothing planned to run).
 */
export function compareStacks(oldPlans: readonly StackPlan[], newPlans: readonly StackPlan[]): Finding[] {
    const findings: Finding[] = [];
    for (const oldPlan of oldPlans) {
        const newPlan = newPlans.find((p) => p.project === oldPlan.project && p.stack === oldPlan.stack);
        if (newPlan) findings.push(...compareStack(oldPlan, newPlan));
    }
    return findings;
}

export function compareStack(oldPlan: StackPlan, newPlan: StackPlan): Finding[] {
    const stack = `${newPlan.project}.${newPlan.stack}`;
    const oldUrns = new Set(oldPlan.resources.map((r) => r.urn));
    const oldByUrn = new Map(oldPlan.resources.map((r) => [r.urn, r]));
    // Each new resource takes over at most one old one; any other old URN it aliases is deleted.
    const found = lookups(newPlan, oldUrns);
    const takenBy = new Map<string, PlannedResource>();
    for (const resource of newPlan.resources) {
        const takes = found.get(resource.urn)?.takes;
        if (takes !== undefined && !takenBy.has(takes)) takenBy.set(takes, resource);
    }
    const takesOver = new Set(takenBy.values());
    const taken = (urn: string) => takenBy.has(urn);
    const findings: Finding[] = [];
    for (const old of oldPlan.resources) {
        const forceNew = STATEFUL_TYPES[old.type];
        if (!old.custom || !forceNew) continue;
        const successor = takenBy.get(old.urn);
        if (!successor || !successor.custom) {
            // A renamed component loses its children with it: the alias belongs on the topmost resource
            // nothing took over (the engine carries a parent's aliases to its children).
            let renamed = old;
            for (let p = oldByUrn.get(old.parent ?? ""); p && !taken(p.urn); p = oldByUrn.get(p.parent ?? ""))
                renamed = p;
            const candidates = newPlan.resources.filter(
                (r) => r.type === renamed.type && r.custom === renamed.custom && !takesOver.has(r),
            );
            const subject = renamed === old ? "it" : `its ${renamed.type} ${renamed.urn}`;
            const hint =
                candidates.length > 0
                    ? `; if ${subject} became ${candidates.map((c) => c.urn).join(" or ")}, give that resource ${suggestedAlias(renamed, candidates[0])}`
                    : "";
            findings.push({
                kind: "deleted",
                stack,
                type: old.type,
                oldUrn: old.urn,
                message: `${stack}: ${old.type} ${old.urn} would be deleted: no resource of the current code has that URN or an alias for it${hint}`,
            });
            continue;
        }
        // A table's declaration: what the deployed one recorded against what the current code declares.
        if (
            old.type === TABLE_TYPE &&
            successor.type === TABLE_TYPE &&
            old.inputs.declaration !== undefined &&
            successor.inputs.declaration !== undefined
        ) {
            const { refusals } = planMigration(
                old.inputs.declaration as TableDeclaration,
                successor.inputs.declaration as TableDeclaration,
            );
            for (const refusal of refusals)
                findings.push({
                    kind: "refused",
                    stack,
                    type: old.type,
                    oldUrn: old.urn,
                    newUrn: successor.urn,
                    message: `${stack}: ${refusal}`,
                });
        }
        const forceNewNow = STATEFUL_TYPES[successor.type] ?? forceNew;
        for (const input of forceNewNow) {
            const before = inputAt(old.inputs, input);
            const after = inputAt(successor.inputs, input);
            if (canonical(before) === canonical(after)) continue;
            const where = successor.urn === old.urn ? old.urn : `${old.urn} (now ${successor.urn})`;
            if (containsUnknown(before) || containsUnknown(after)) {
                findings.push({
                    kind: "unknown",
                    stack,
                    type: old.type,
                    oldUrn: old.urn,
                    newUrn: successor.urn,
                    message: `${stack}: ${old.type} ${where}: ${input} is not known until deploy (${show(before)} -> ${show(after)}); a change would replace it`,
                });
            } else {
                findings.push({
                    kind: "replaced",
                    stack,
                    type: old.type,
                    oldUrn: old.urn,
                    newUrn: successor.urn,
                    message: `${stack}: ${old.type} ${where} would be replaced: ${input} changes from ${show(before)} to ${show(after)}, which the provider cannot change in place`,
                });
            }
        }
    }
    return findings;
}

/** Whether the findings fail the check: a delete or a replacement of a stateful resource. */
export function failing(findings: readonly Finding[]): Finding[] {
    return findings.filter((f) => f.kind !== "unknown");
}
