/**
 * The shape of `plan/<project>.<stack>.json`: everything one stack would create, as the Pulumi engine
 * would see it during `pulumi preview`, evaluated offline under the SDK's mock runtime.
 */

/** Where the plan could not know a value (an output of a resource not yet created), this string stands. */
export const UNKNOWN = "<unknown>";
/** A secret's value is never written to a plan file; this string stands in its place. */
export const SECRET = "<secret>";

export interface PlannedResource {
    /** Pulumi URN, e.g. `urn:pulumi:dev::tracking-engineering::tracking:engineering:Pipeline$aws:kinesis/stream:Stream::user-events`. */
    readonly urn: string;
    /** Pulumi type token, e.g. `aws:kinesis/stream:Stream`. */
    readonly type: string;
    /** Logical name given in the program. */
    readonly name: string;
    /** Whether this is a custom resource (a cloud resource) rather than a component. */
    readonly custom: boolean;
    /** The id the mocks returned (what AWS would return); undefined for components. */
    readonly id?: string;
    /** URN of the parent resource. */
    readonly parent?: string;
    /**
     * Resource options that policies care about, and the resource's `aliases` (URNs in the engine's form;
     * present only when the program gave some), which `npm run upgrade-check` follows across a rename.
     */
    readonly options: { readonly protect: boolean; readonly dependsOn: readonly string[]; readonly provider?: string; readonly aliases?: readonly PlannedAlias[] };
    /** Inputs as the program registered them; documents (IAM policies) are kept as JSON strings. */
    readonly inputs: Record<string, unknown>;
    /** Inputs plus what the mocks computed (arn, id, auto-names), as the engine would hold them after create. */
    readonly outputs: Record<string, unknown>;
}

/**
 * One `aliases` entry: a whole URN, or a spec whose missing fields are the resource's own (name, type,
 * project, stack, parent); `noParent` names a resource that used to have no parent.
 */
export type PlannedAlias =
    | { readonly urn: string }
    | { readonly name?: string; readonly type?: string; readonly stack?: string; readonly project?: string; readonly parentUrn?: string; readonly noParent?: true };

export interface StackPlan {
    readonly project: string;
    readonly stack: string;
    /** The AWS account and region the stack deploys into (from `aws:allowedAccountIds` / `aws:region`). */
    readonly account: string;
    readonly region: string;
    /** Ordered by URN so two plans diff cleanly. */
    readonly resources: readonly PlannedResource[];
    /** The stack's exports, as another stack's StackReference would read them. */
    readonly outputs: Record<string, unknown>;
}
