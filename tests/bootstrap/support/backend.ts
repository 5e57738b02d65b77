/**
 * What a read-only role (the previewer, the drift reader) may do on the shared Pulumi backend, decided by
 * iam-simulate over its planned identity policies and the backend's planned bucket policy: every `pulumi
 * preview` reads the stack's state and takes its lock, and none writes state.
 */
import { STATE_LOCK_PREFIX, STATE_OBJECT_PREFIX } from "../../../shared/naming";
import { AccountView, RoleView } from "./plans";
import { decide, Decision } from "./simulate";
import { resourcePolicyFor } from "./statements";

export interface BackendAccess {
    readonly readState: Decision;
    readonly listBucket: Decision;
    readonly writeState: Decision;
    readonly deleteState: Decision;
    readonly takeLock: Decision;
    readonly releaseLock: Decision;
}

/** The backend account of a bootstrap stack's view, or undefined when it uses none. */
export function stateAccountOf(view: AccountView): string | undefined {
    return (
        view.config["tracking-bootstrap:stateAccountId"] ??
        (view.config["tracking-bootstrap:stateBackend"] === "true" ? view.account : undefined)
    );
}

/** The role's decisions on a pipeline stack's state object and lock object in the shared backend. */
export async function backendAccess(
    view: AccountView,
    views: readonly AccountView[],
    role: RoleView,
    state: string,
): Promise<BackendAccess> {
    const bucket = `arn:${view.partition}:s3:::tracking-state-${state}-${view.region}`;
    const object = `${bucket}/${STATE_OBJECT_PREFIX}stacks/tracking-engineering/dev.json`;
    const lock = `${bucket}/${STATE_LOCK_PREFIX}organization/tracking-engineering/dev/0f8fad5b-d9cb-469f-a165-70867728950e.json`;
    const ask = (action: string, resource: string) =>
        decide(
            {
                principal: role.arn,
                action,
                resource,
                resourceAccount: state,
                context: { "aws:SecureTransport": "true" },
            },
            role.policies,
            resourcePolicyFor(resource, {}, view, views),
        );
    return {
        readState: await ask("s3:GetObject", object),
        listBucket: await ask("s3:ListBucket", bucket),
        writeState: await ask("s3:PutObject", object),
        deleteState: await ask("s3:DeleteObject", object),
        takeLock: await ask("s3:PutObject", lock),
        releaseLock: await ask("s3:DeleteObject", lock),
    };
}

/** What every read-only role must get: read and lock, never write. */
export const READ_ONLY_BACKEND: BackendAccess = {
    readState: "Allowed",
    listBucket: "Allowed",
    writeState: "ImplicitlyDenied",
    deleteState: "ImplicitlyDenied",
    takeLock: "Allowed",
    releaseLock: "Allowed",
};
