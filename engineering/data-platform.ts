import * as pulumi from "@pulumi/pulumi";

/**
 * The engineering side of the cross-stack contract. The data-platform stack owns the landing and raw
 * buckets, their KMS key and the grants (bucket policy, key policy) for each pipeline's Firehose role;
 * this stack reads them through a StackReference. Every export is awaited and checked before the first
 * resource is declared: a missing export, an absent pipeline or a role that data-platform did not grant
 * fails `pulumi preview` (and `npm run plan`) with the stack, the export and the rule named, and nothing
 * half-configured is ever registered.
 */

/** One pipeline as data-platform exports it: where its Firehose writes, and the role it granted. */
export interface DataPlatformPipeline {
    /** Firehose `Prefix` in the landing bucket (may hold `!{timestamp:...}` expressions). */
    readonly prefix: string;
    /** Firehose `ErrorOutputPrefix` in the landing bucket. */
    readonly errorPrefix: string;
    /** Prefix of the untouched copy in the raw bucket. */
    readonly rawBackupPrefix: string;
    /** The Firehose role ARN data-platform granted (bucket policy and key policy). */
    readonly firehoseRoleArn: string;
}

/** The data-platform exports this stack uses, resolved and checked. */
export interface DataPlatformContract {
    readonly landingBucketArn: string;
    readonly landingBucketName: string;
    readonly rawBucketArn: string;
    readonly rawBucketName: string;
    /** The CMK of the data-platform buckets (SSE-KMS). */
    readonly dataKeyArn: string;
    /** The entry of every pipeline this stack deploys (see `checkDataPlatformPipelines`). */
    readonly pipelines: Record<string, DataPlatformPipeline>;
}

/** What this stack expects data-platform to have granted for one pipeline. */
export interface ExpectedGrant {
    readonly pipeline: string;
    readonly firehoseRoleArn: string;
}

/** A data-platform export that breaks the contract; the message names the stack, the export and the rule. */
export class DataPlatformContractError extends Error {
    constructor(stack: string, key: string, problem: string) {
        super(`data-platform stack ${stack}: export "${key}" ${problem}`);
        this.name = "DataPlatformContractError";
    }
}

const PIPELINE_FIELDS: readonly (keyof DataPlatformPipeline)[] = [
    "prefix",
    "errorPrefix",
    "rawBackupPrefix",
    "firehoseRoleArn",
];

/**
 * Checks the exported `pipelines` map against the pipelines this stack deploys. Fails when one is absent
 * (data-platform was not deployed with it yet: deploy data-platform first) or when the role it granted
 * is not the role this stack creates (the two stacks disagree on the stack name or account).
 */
export function checkDataPlatformPipelines(
    stack: string,
    exported: unknown,
    expected: readonly ExpectedGrant[],
    notYetGranted?: (pipeline: string) => DataPlatformPipeline,
): Record<string, DataPlatformPipeline> {
    if (exported === null || typeof exported !== "object" || Array.isArray(exported)) {
        throw new DataPlatformContractError(
            stack,
            "pipelines",
            `must be an object keyed by pipeline name (got ${JSON.stringify(exported)})`,
        );
    }
    const entries = exported as Record<string, unknown>;
    const checked: Record<string, DataPlatformPipeline> = {};
    for (const { pipeline, firehoseRoleArn } of expected) {
        const entry = entries[pipeline];
        if (entry === undefined && notYetGranted) {
            checked[pipeline] = notYetGranted(pipeline);
            continue;
        }
        if (entry === undefined) {
            throw new DataPlatformContractError(
                stack,
                "pipelines",
                `has no entry for pipeline "${pipeline}": deploy the data-platform stack with this pipeline first, so its bucket and key grant the pipeline's Firehose role`,
            );
        }
        if (entry === null || typeof entry !== "object") {
            throw new DataPlatformContractError(
                stack,
                `pipelines.${pipeline}`,
                `must be an object with ${PIPELINE_FIELDS.join(", ")}`,
            );
        }
        const fields = entry as Record<string, unknown>;
        for (const field of PIPELINE_FIELDS) {
            if (typeof fields[field] !== "string" || fields[field] === "") {
                throw new DataPlatformContractError(
                    stack,
                    `pipelines.${pipeline}.${field}`,
                    `must be a non-empty string (got ${JSON.stringify(fields[field])})`,
                );
            }
        }
        if (fields.firehoseRoleArn !== firehoseRoleArn) {
            throw new DataPlatformContractError(
                stack,
                `pipelines.${pipeline}.firehoseRoleArn`,
                `grants ${JSON.stringify(fields.firehoseRoleArn)}, but pipeline "${pipeline}" delivers with ${JSON.stringify(firehoseRoleArn)}: ${roleMismatchFix(String(fields.firehoseRoleArn), firehoseRoleArn)}`,
            );
        }
        checked[pipeline] = {
            prefix: fields.prefix as string,
            errorPrefix: fields.errorPrefix as string,
            rawBackupPrefix: fields.rawBackupPrefix as string,
            firehoseRoleArn: fields.firehoseRoleArn as string,
        };
    }
    return checked;
}

/** Which setting makes two role ARNs differ, and how to fix it: the account, or the stack name in the role name. */
function roleMismatchFix(granted: string, own: string): string {
    const parse = (arn: string) => /^arn:[^:]+:iam::(\d{12}):role\/(.+)$/.exec(arn);
    const [g, o] = [parse(granted), parse(own)];
    if (g && o && g[1] !== o[1]) {
        return `the data-platform stack granted account ${g[1]}, this stack is account ${o[1]}: set tracking-data-platform:engineeringAccountId to ${o[1]} (this stack's tracking-engineering:accountId) in the data-platform stack file and deploy it first; the rule: data-platform grants exactly the engineering account's Firehose roles`;
    }
    return "both stacks must use the same stack name (the role name is tracking-<stack>-<pipeline>-firehose) and engineering account";
}

/** An S3 bucket ARN whose bucket name is the exported name. */
export function checkBucketArn(stack: string, key: string, arn: unknown, name: unknown, partition: string): string {
    if (typeof name !== "string" || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) {
        throw new DataPlatformContractError(
            stack,
            key.replace(/Arn$/, "Name"),
            `must be an S3 bucket name (got ${JSON.stringify(name)})`,
        );
    }
    const expected = `arn:${partition}:s3:::${name}`;
    if (arn !== expected) {
        throw new DataPlatformContractError(
            stack,
            key,
            `must be the ARN of the exported bucket, ${JSON.stringify(expected)} (got ${JSON.stringify(arn)})`,
        );
    }
    return arn;
}

/**
 * A KMS key ARN in the data-platform account and this region: S3 SSE-KMS needs the key in the bucket's
 * region, and the Firehose role's `kms:ViaService` condition names this region's S3 endpoint.
 */
export function checkDataKeyArn(
    stack: string,
    arn: unknown,
    partition: string,
    region: string,
    accountId: string,
): string {
    // The two ways the stack files disagree get a message naming the key to fix, not just the export.
    const parsed = typeof arn === "string" ? /^arn:[^:]+:kms:([^:]+):(\d{12}):key\//.exec(arn) : null;
    if (parsed && parsed[2] !== accountId) {
        throw new DataPlatformContractError(
            stack,
            "dataKeyArn",
            `is a key of account ${parsed[2]}, but tracking-engineering:dataPlatformAccountId is ${accountId}: set dataPlatformAccountId to ${parsed[2]} if that is the data-platform account (its tracking-data-platform:accountId), or point dataPlatformStack at the stack of account ${accountId}; the rule: the landing bucket, its key and their grants live in the data-platform account`,
        );
    }
    if (parsed && parsed[1] !== region) {
        throw new DataPlatformContractError(
            stack,
            "dataKeyArn",
            `is a key of region ${parsed[1]}, but this stack's aws:region is ${region}: set aws:region to the same region in both stack files; the rule: both stacks deploy to one region (SSE-KMS needs the key in the bucket's region, and the Firehose role may use the key only through S3 of its own region, kms:ViaService)`,
        );
    }
    const pattern = new RegExp(`^arn:${partition}:kms:${region}:${accountId}:key/[0-9a-fA-F-]{36}$`);
    if (typeof arn !== "string" || !pattern.test(arn)) {
        throw new DataPlatformContractError(
            stack,
            "dataKeyArn",
            `must be a KMS key ARN (not an alias) in account ${accountId} and region ${region} (got ${JSON.stringify(arn)})`,
        );
    }
    return arn;
}

export interface ReadDataPlatformArgs {
    /** `<org>/tracking-data-platform/<stack>`. */
    readonly stackName: string;
    readonly partition: string;
    readonly region: string;
    readonly dataPlatformAccountId: string;
    readonly expected: readonly ExpectedGrant[];
    /**
     * Only for a preview: the entry data-platform will export for a pipeline it has not been deployed with
     * yet (a pull request adding one). Without it, such a pipeline fails before any resource exists.
     */
    readonly notYetGranted?: (pipeline: string) => DataPlatformPipeline;
}

/**
 * Reads and checks every export this stack uses from the data-platform stack. Awaited by the program
 * before it declares any resource (a StackReference's values are known in previews too).
 */
export async function resolveDataPlatform(
    args: ReadDataPlatformArgs,
    opts?: pulumi.CustomResourceOptions,
): Promise<DataPlatformContract> {
    const stack = args.stackName;
    const reference = new pulumi.StackReference(stack, {}, opts);
    const read = async (key: string): Promise<unknown> => {
        const details = await reference.getOutputDetails(key);
        const value = details.value ?? details.secretValue;
        if (value === undefined) {
            throw new DataPlatformContractError(
                stack,
                key,
                "does not exist: deploy the data-platform stack (at a version that exports it) before this one",
            );
        }
        return value;
    };
    const [landingBucketArn, landingBucketName, rawBucketArn, rawBucketName, dataKeyArn, pipelines] = await Promise.all(
        ["landingBucketArn", "landingBucketName", "rawBucketArn", "rawBucketName", "dataKeyArn", "pipelines"].map(read),
    );
    return {
        landingBucketArn: checkBucketArn(
            stack,
            "landingBucketArn",
            landingBucketArn,
            landingBucketName,
            args.partition,
        ),
        landingBucketName: landingBucketName as string,
        rawBucketArn: checkBucketArn(stack, "rawBucketArn", rawBucketArn, rawBucketName, args.partition),
        rawBucketName: rawBucketName as string,
        dataKeyArn: checkDataKeyArn(stack, dataKeyArn, args.partition, args.region, args.dataPlatformAccountId),
        pipelines: checkDataPlatformPipelines(stack, pipelines, args.expected, args.notYetGranted),
    };
}
