/**
 * One row of a permission table: actions on ARN patterns, by class (which roles may hold them). Scoping,
 * in order of preference: by name, where the ARN carries one the stack chooses (`stream/tracking-dev-*`);
 * by the stack tag where it carries a generated id (`aws:RequestTag` on create, `aws:ResourceTag` after,
 * so the stacks tag everything through provider default tags); `"*"` only for actions with no resource
 * type, with a tag condition where the action takes one (tests/bootstrap/permissions.test.ts checks it).
 */
import type { Conditions } from "../../../shared/iam";
import type { Scope } from "../scope";

export interface Grant {
    /** Statement id: letters and digits only (IAM's rule for Sid). */
    readonly sid: string;
    /** Read/List actions: the previewer and the drift reader hold them as well. */
    readonly readOnly?: readonly string[];
    /** Reads of data or credentials that a refresh makes: the drift reader holds them too, the previewer never. */
    readonly refreshOnly?: readonly string[];
    /** Everything else the deployer needs; never the previewer's or the drift reader's. */
    readonly deployOnly?: readonly string[];
    readonly resources: readonly string[];
    readonly condition?: Conditions;
    /**
     * ARN patterns on which the previewer is explicitly denied this grant's `refreshOnly` actions, with no
     * condition. For refresh-only reads under a path that another grant's `readOnly` pattern also covers
     * (`/usageplans/*` covers `/usageplans/<id>/keys/<keyId>`): IAM has no pattern that leaves a sub-path
     * out, so leaving the read out of the previewer's Allow is not enough.
     */
    readonly deniedToPreviewer?: readonly string[];
}

/** service -> the grants of that service, for one scope. */
export type PermissionTable = Readonly<Record<string, (scope: Scope) => readonly Grant[]>>;
