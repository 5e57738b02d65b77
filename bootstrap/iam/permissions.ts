/**
 * The grants of the bootstrap's three roles, derived from one set of tables (./tables/): the deployer
 * holds every class of action, the drift reader `readOnly` and `refreshOnly`, the previewer `readOnly`
 * only, so pull requests never see data or credentials.
 */
import type { AccountRole } from "../config";
import {
    APIGATEWAY_LOGS_ROLE_NAME,
    DEPLOYER_ROLE_NAME,
    DRIFT_READER_ROLE_NAME,
    GITHUB_OIDC_HOST,
    PREVIEWER_ROLE_NAME,
    STATE_LOCK_PREFIX,
    WORKLOAD_BOUNDARY_NAME,
} from "../../shared/naming";
import { arn, Scope } from "./scope";
import type { Grant, PermissionTable } from "./tables/grant";
import {
    BUCKET_REFRESH_READS,
    COMMON,
    MONITORING,
    passRole,
    stateBackendGrants,
    stateBucketArn,
    stateKeyCondition,
} from "./tables/common";
import { ENGINEERING } from "./tables/engineering";
import { DATA_PLATFORM } from "./tables/data-platform";

export type { Grant, PermissionTable } from "./tables/grant";

export const ACCOUNT_TABLES: Readonly<Record<AccountRole, PermissionTable>> = {
    engineering: ENGINEERING,
    "data-platform": DATA_PLATFORM,
};

/** Every grant of the deployer of one account: the common table, the account's table, the backend. */
export function deployerGrants(role: AccountRole, scope: Scope): Grant[] {
    const tables = [COMMON, MONITORING, ACCOUNT_TABLES[role]];
    return [
        ...tables.flatMap((table) => Object.values(table).flatMap((grants) => grants(scope))),
        passRole(scope, role),
        ...stateBackendGrants(scope, role),
    ];
}

/**
 * A grant cut down to its Read/List part, and its refresh-only reads when `withRefreshReads`; undefined
 * when nothing is left. Sid, resources and condition stay the deployer's, so each role's statement
 * names exactly what the deployer's does.
 */
function readPartOf(grant: Grant, withRefreshReads: boolean): Grant | undefined {
    const readOnly = grant.readOnly ?? [];
    const refreshOnly = withRefreshReads ? (grant.refreshOnly ?? []) : [];
    if (readOnly.length + refreshOnly.length === 0) return undefined;
    return {
        sid: grant.sid,
        ...(readOnly.length > 0 ? { readOnly } : {}),
        ...(refreshOnly.length > 0 ? { refreshOnly } : {}),
        resources: grant.resources,
        ...(grant.condition ? { condition: grant.condition } : {}),
    };
}

/**
 * The two things `pulumi preview` does on a self-managed backend beyond reading: decrypting the stack's
 * secrets with the backend's key, and taking the backend's lock for the duration of the preview (an
 * object under `.pulumi/locks/`; it changes no resource and no state). A preview never saves state, a
 * refreshing one included.
 */
function previewOnBackend(scope: Scope): Grant[] {
    if (scope.stateAccount === undefined) return [];
    return [
        {
            sid: "StateSecretsDecrypt",
            deployOnly: ["kms:Decrypt"],
            resources: [arn(scope, "kms", "key/*", { account: scope.stateAccount })],
            condition: stateKeyCondition(),
        },
        {
            sid: "StateLock",
            deployOnly: ["s3:PutObject", "s3:DeleteObject"],
            resources: [`${stateBucketArn(scope, scope.stateAccount)}/${STATE_LOCK_PREFIX}*`],
        },
    ];
}

/**
 * The previewer (pull requests): every grant's Read/List part, reads of the bootstrap's own resources,
 * and what a preview needs of the backend. No refresh-only read: a pull request never sees data or
 * credentials.
 */
export function previewerGrants(role: AccountRole, scope: Scope): Grant[] {
    const reads = deployerGrants(role, scope).flatMap((g) => readPartOf(g, false) ?? []);
    return [...reads, ...bootstrapReads(role, scope), ...previewOnBackend(scope)];
}

/** A Deny the previewer's documents carry: a grant's refresh-only actions on its `deniedToPreviewer` ARNs. */
export interface Denial {
    readonly sid: string;
    readonly actions: readonly string[];
    readonly resources: readonly string[];
}

/**
 * What the previewer is denied outright, from the grants' `deniedToPreviewer`: refresh-only reads that
 * another grant's read pattern would otherwise let a pull request make.
 */
export function previewerDenials(role: AccountRole, scope: Scope): Denial[] {
    return deployerGrants(role, scope).flatMap((grant) => previewerDenialOf(grant) ?? []);
}

/** The Deny one grant's `deniedToPreviewer` stands for, if any. */
export function previewerDenialOf(grant: Grant): Denial | undefined {
    const resources = grant.deniedToPreviewer ?? [];
    if (resources.length === 0) return undefined;
    const actions = grant.refreshOnly ?? [];
    if (actions.length === 0)
        throw new Error(`grant ${grant.sid}: deniedToPreviewer needs refreshOnly actions, the only ones it denies`);
    return { sid: `Deny${grant.sid}`, actions, resources };
}

/**
 * The drift reader (the scheduled `pulumi preview --refresh --expect-no-changes`): everything the previewer
 * holds, plus the refresh-only reads - what refreshing the stacks reads that the previewer may not see.
 * Nothing that creates, changes or deletes, and no state write.
 */
export function driftReaderGrants(role: AccountRole, scope: Scope): Grant[] {
    const reads = deployerGrants(role, scope).flatMap((g) => readPartOf(g, true) ?? []);
    return [...reads, ...bootstrapReads(role, scope), ...previewOnBackend(scope)];
}

/** What refreshing the bootstrap stack reads: its roles, policies, provider, backend and API setting. */
function bootstrapReads(role: AccountRole, scope: Scope): Grant[] {
    const iam = (resource: string) => arn(scope, "iam", resource, { region: false });
    const roles = [
        DEPLOYER_ROLE_NAME,
        PREVIEWER_ROLE_NAME,
        DRIFT_READER_ROLE_NAME,
        ...(role === "engineering" ? [APIGATEWAY_LOGS_ROLE_NAME] : []),
    ].map((r) => iam(`role/${r}`));
    const grants: Grant[] = [
        {
            sid: "BootstrapRoles",
            readOnly: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"],
            resources: roles,
        },
        {
            sid: "BootstrapPolicies",
            readOnly: ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:ListPolicyVersions"],
            resources: [
                iam(`policy/${DEPLOYER_ROLE_NAME}-*`),
                iam(`policy/${PREVIEWER_ROLE_NAME}-*`),
                iam(`policy/${DRIFT_READER_ROLE_NAME}-*`),
                iam(`policy/${WORKLOAD_BOUNDARY_NAME}`),
            ],
        },
        {
            sid: "BootstrapOidcProvider",
            readOnly: ["iam:GetOpenIDConnectProvider"],
            resources: [iam(`oidc-provider/${GITHUB_OIDC_HOST}`)],
        },
    ];
    if (role === "engineering")
        grants.push({
            sid: "BootstrapApiGatewayAccount",
            readOnly: ["apigateway:GET"],
            resources: [`arn:${scope.partition}:apigateway:${scope.region}::/account`],
        });
    if (scope.stateAccount === scope.account) {
        grants.push(
            {
                sid: "BootstrapStateBucket",
                readOnly: BUCKET_REFRESH_READS,
                resources: [stateBucketArn(scope, scope.account)],
            },
            {
                sid: "BootstrapStateKey",
                readOnly: ["kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
                resources: [arn(scope, "kms", "key/*")],
                condition: stateKeyCondition(),
            },
        );
    }
    return grants;
}
