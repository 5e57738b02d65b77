/**
 * The reads a refresh makes that return data or credentials, as requests on the planned ARNs: the tests'
 * own knowledge of how the AWS provider reads these four types (from its source and the services' API
 * references), independent of the bootstrap's permission table.
 *
 *   - `aws.s3.BucketObjectv2`: HeadObject without checksum mode (authorized as s3:GetObject) and
 *     GetObjectTagging; S3 calls KMS as the caller for an SSE-KMS object (kms:Decrypt through S3, the
 *     encryption context being the bucket ARN with S3 Bucket Keys).
 *   - `aws.secretsmanager.SecretVersion`: GetSecretValue of that version; Secrets Manager decrypts the
 *     value with the secret's key as the caller (kms:Decrypt through Secrets Manager, the encryption
 *     context naming the secret's ARN as `SecretARN`).
 *   - `aws.apigateway.ApiKey`: GetApiKey with includeValue=true, which returns the key's value
 *     (apigateway:GET on `/apikeys/<id>`, with the key's own tags).
 *   - `aws.apigateway.UsagePlanKey`: GetUsagePlanKey, which returns the key's value as well (apigateway:GET
 *     on `/usageplans/<plan id>/keys/<key id>`, with the usage plan's tags: API Gateway hands a usage
 *     plan's tags down to its keys for access control).
 */
import { PlannedResource, StackPlan } from "../../../tools/plan/types";
import { Context, effectiveTags, tagContext } from "./context";
import { parseDocument, partitionOf } from "./plans";
import type { Request } from "./simulate";

/** What refreshing a planned resource of these types reads, by the provider's own calls. */
export const REFRESH_READ_TYPES = {
    object: "aws:s3/bucketObjectv2:BucketObjectv2",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
    apiKey: "aws:apigateway/apiKey:ApiKey",
    usagePlanKey: "aws:apigateway/usagePlanKey:UsagePlanKey",
} as const;

/** One read a refresh makes, without its caller: the test asks it of each role. */
export interface RefreshRead {
    /** `<project> <resource name>: <action> ...`, for failure messages. */
    readonly label: string;
    readonly request: Omit<Request, "principal">;
    /** The bucket or key policy AWS also evaluates. */
    readonly resourcePolicy?: unknown;
}

const str = (value: unknown): string => (typeof value === "string" ? value : "");

function find(plan: StackPlan, type: string, match: (r: PlannedResource) => boolean): PlannedResource | undefined {
    return plan.resources.find((r) => r.type === type && match(r));
}

/** The planned bucket policy of a bucket (TLS-only and grants), if the plan holds one. */
export function bucketPolicyOf(plan: StackPlan, bucket: string): unknown {
    const policy = find(plan, "aws:s3/bucketPolicy:BucketPolicy", (r) => r.inputs.bucket === bucket);
    return policy ? parseDocument(policy.inputs.policy, `bucket policy of ${bucket}`) : undefined;
}

/** The planned key (and its policy) behind a key ARN or id. */
export function keyOf(plan: StackPlan, keyRef: string): { arn: string; resource: PlannedResource; policy: unknown } {
    const key = find(
        plan,
        "aws:kms/key:Key",
        (r) => r.outputs.arn === keyRef || r.outputs.keyId === keyRef || r.id === keyRef,
    );
    if (!key) throw new Error(`${plan.project}/${plan.stack}: no planned KMS key ${keyRef}`);
    return {
        arn: String(key.outputs.arn),
        resource: key,
        policy: parseDocument(key.inputs.policy, `key policy of ${key.name}`),
    };
}

/** The KMS key and S3 Bucket Key setting of a bucket's planned default encryption. */
export function bucketEncryptionOf(plan: StackPlan, bucket: string): { keyArn: string; bucketKey: boolean } {
    const sse = find(
        plan,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        (r) => r.inputs.bucket === bucket,
    );
    const rule = ((sse?.inputs.rules as Record<string, unknown>[] | undefined) ?? [])[0];
    const keyArn = str(
        (rule?.applyServerSideEncryptionByDefault as Record<string, unknown> | undefined)?.kmsMasterKeyId,
    );
    if (keyArn === "") throw new Error(`${plan.project}/${plan.stack}: bucket ${bucket} has no planned SSE-KMS key`);
    return { keyArn, bucketKey: rule?.bucketKeyEnabled === true };
}

/** kms:Decrypt of a planned key as `service` calls it, with the key's tags and the given encryption context. */
export function decryptVia(
    plan: StackPlan,
    keyRef: string,
    service: string,
    encryptionContext: Record<string, string>,
): Omit<RefreshRead, "label"> {
    const key = keyOf(plan, keyRef);
    const context: Context = {
        ...tagContext(effectiveTags(plan, key.resource), "resource"),
        "kms:ViaService": `${service}.${plan.region}.amazonaws.com`,
        ...Object.fromEntries(Object.entries(encryptionContext).map(([k, v]) => [`kms:EncryptionContext:${k}`, v])),
    };
    return {
        request: { action: "kms:Decrypt", resource: key.arn, resourceAccount: plan.account, context },
        resourcePolicy: key.policy,
    };
}

/** `arn:<partition>:apigateway:<region>::<path>`: API Gateway's ARNs name no account. */
export function apiGatewayArn(plan: StackPlan, path: string): string {
    return `arn:${partitionOf(plan.region)}:apigateway:${plan.region}::${path}`;
}

/** The reads of an API key's value: GetApiKey of each planned key, GetUsagePlanKey of each planned usage plan key. */
export function apiKeyReads(plan: StackPlan): RefreshRead[] {
    const reads: RefreshRead[] = [];
    for (const key of plan.resources.filter((r) => r.type === REFRESH_READ_TYPES.apiKey)) {
        const arn = apiGatewayArn(plan, `/apikeys/${key.id}`);
        reads.push({
            label: `${plan.project} ${key.name}: apigateway:GET on ${arn}`,
            request: {
                action: "apigateway:GET",
                resource: arn,
                resourceAccount: plan.account,
                context: tagContext(effectiveTags(plan, key), "resource"),
            },
        });
    }
    for (const planKey of plan.resources.filter((r) => r.type === REFRESH_READ_TYPES.usagePlanKey)) {
        const usagePlanId = str(planKey.inputs.usagePlanId);
        const usagePlan = find(plan, "aws:apigateway/usagePlan:UsagePlan", (r) => r.id === usagePlanId);
        if (!usagePlan)
            throw new Error(
                `${plan.project}/${plan.stack}: usage plan key ${planKey.name} names no planned usage plan (${usagePlanId})`,
            );
        const arn = apiGatewayArn(plan, `/usageplans/${usagePlanId}/keys/${str(planKey.inputs.keyId)}`);
        reads.push({
            label: `${plan.project} ${planKey.name}: apigateway:GET on ${arn}`,
            request: {
                action: "apigateway:GET",
                resource: arn,
                resourceAccount: plan.account,
                context: tagContext(effectiveTags(plan, usagePlan), "resource"),
            },
        });
    }
    return reads;
}

/** Every refresh-only read of the plan's script objects, secret versions and API keys. */
export function refreshReads(plan: StackPlan): RefreshRead[] {
    const reads: RefreshRead[] = [];
    for (const object of plan.resources.filter((r) => r.type === REFRESH_READ_TYPES.object)) {
        const bucket = str(object.inputs.bucket);
        const arn = `arn:${partitionOf(plan.region)}:s3:::${bucket}/${str(object.inputs.key)}`;
        const where = `${plan.project} ${object.name}`;
        const policy = bucketPolicyOf(plan, bucket);
        for (const action of ["s3:GetObject", "s3:GetObjectTagging"]) {
            reads.push({
                label: `${where}: ${action} on ${arn}`,
                request: {
                    action,
                    resource: arn,
                    resourceAccount: plan.account,
                    context: { "aws:SecureTransport": "true" },
                },
                ...(policy !== undefined ? { resourcePolicy: policy } : {}),
            });
        }
        const encryption = bucketEncryptionOf(plan, bucket);
        const context = { "aws:s3:arn": encryption.bucketKey ? `arn:${partitionOf(plan.region)}:s3:::${bucket}` : arn };
        reads.push({
            label: `${where}: kms:Decrypt through S3 for ${context["aws:s3:arn"]}`,
            ...decryptVia(plan, encryption.keyArn, "s3", context),
        });
    }
    for (const version of plan.resources.filter((r) => r.type === REFRESH_READ_TYPES.secretVersion)) {
        const secretArn = str(version.inputs.secretId);
        const secret = find(
            plan,
            "aws:secretsmanager/secret:Secret",
            (r) => r.outputs.arn === secretArn || r.id === secretArn,
        );
        if (!secret)
            throw new Error(
                `${plan.project}/${plan.stack}: secret version ${version.name} names no planned secret (${secretArn})`,
            );
        const where = `${plan.project} ${version.name}`;
        reads.push({
            label: `${where}: secretsmanager:GetSecretValue on ${secretArn}`,
            request: {
                action: "secretsmanager:GetSecretValue",
                resource: secretArn,
                resourceAccount: plan.account,
                context: tagContext(effectiveTags(plan, secret), "resource"),
            },
        });
        const keyRef = str(secret.inputs.kmsKeyId);
        if (keyRef !== "")
            reads.push({
                label: `${where}: kms:Decrypt through Secrets Manager for ${secretArn}`,
                ...decryptVia(plan, keyRef, "secretsmanager", { SecretARN: secretArn }),
            });
    }
    reads.push(...apiKeyReads(plan));
    return reads;
}
