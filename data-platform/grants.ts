/**
 * The resource-policy statements of the data-platform stack: who may write which prefix of the landing
 * and raw buckets (bucket policies), and who may use the data key for what (key policy). Pure functions
 * of resolved ARNs, so the offline tests evaluate exactly what the program deploys.
 */
import { accountRootArn, Conditions, Principal, PolicyStatement } from "../shared/iam";
import { DRIFT_READER_ROLE_NAME, roleArn } from "../shared/naming";
import { PipelineDefinition } from "../shared/pipeline/definition";
import { FIREHOSE_ERROR_ROOT, landingPrefix } from "../shared/pipeline/s3-prefix";
import { firehoseAclBucketStatement, FIREHOSE_BUCKET_ACTIONS, FIREHOSE_KEY_ACTIONS, FIREHOSE_OBJECT_ACTIONS } from "../shared/firehose-s3-access";

/** `user-events` -> `UserEvents`: IAM Sids allow ASCII letters and digits only. */
export function sidPart(name: string): string {
    return name
        .split(/[^A-Za-z0-9]+/)
        .filter((part) => part !== "")
        .map((part) => part[0].toUpperCase() + part.slice(1))
        .join("");
}

/** One pipeline's engineering Firehose role and the folders it writes. */
export interface FirehoseGrant {
    readonly pipeline: string;
    /** The pinned role ARN, `roleArn(partition, engineeringAccountId, firehoseRoleName(stack, pipeline))`. */
    readonly roleArn: string;
    /** Folder of its delivered data in the landing bucket, e.g. `user-events/`. */
    readonly landingFolder: string;
    /** Folder of its delivery failures in the landing bucket, e.g. `_firehose-errors/user-events/`. */
    readonly errorFolder: string;
    /** Folder of its source-record backup in the raw bucket, e.g. `user-events/`. */
    readonly rawFolder: string;
}

export function firehoseGrant(def: PipelineDefinition, roleArn: string): FirehoseGrant {
    return {
        pipeline: def.name,
        roleArn,
        landingFolder: landingPrefix(def),
        errorFolder: `${FIREHOSE_ERROR_ROOT}${def.name}/`,
        // rawBackupPrefix(def) and rawBackupErrorPrefix(def) start with these two folders.
        rawFolder: `${def.name}/`,
    };
}

/**
 * Whom the Firehose grants name. A role the engineering stack has exported (second pass) is named
 * directly; a role not deployed yet - every role at the first deploy, and a pipeline's role after the
 * pipeline was added until engineering's next deploy - is reached through the engineering account root,
 * pinned by `aws:PrincipalArn` (S3 and KMS reject a Principal naming a role that does not exist). The
 * condition admits only a session of that one role, so no other principal of the engineering account
 * gets in. Naming a deployed role directly is stronger still: AWS stores it as the role's unique id, so
 * a role deleted and re-created under the same name gets no access until this stack runs again.
 */
export interface FirehosePrincipals {
    readonly engineeringAccountId: string;
    /** Pinned Firehose role ARNs that engineering's `firehoseRoleArns` export confirms exist. */
    readonly deployedRoleArns: ReadonlySet<string>;
}

export interface GrantContext {
    readonly partition: string;
    readonly principals: FirehosePrincipals;
    /** ARN pattern of every Firehose role of this stack, `roleArn(partition, engineeringAccountId, firehoseRoleName(stack, "*"))`. */
    readonly firehoseRolePattern: string;
}

function firehosePrincipal(ctx: Pick<GrantContext, "partition" | "principals">, roleArns: readonly string[]): Principal {
    if (!roleArns.every((arn) => ctx.principals.deployedRoleArns.has(arn))) {
        return { AWS: accountRootArn(ctx.partition, ctx.principals.engineeringAccountId) };
    }
    return { AWS: roleArns.length === 1 ? roleArns[0] : [...roleArns] };
}

function onlyRoles(roleArns: readonly string[]): Conditions {
    return { ArnEquals: { "aws:PrincipalArn": roleArns.length === 1 ? roleArns[0] : [...roleArns] } };
}

/**
 * Landing bucket grants: each Firehose role writes its own data folder and its own error folder, and
 * nothing else; the bucket-level actions (location, listing, multipart listing) are shared.
 */
export function landingBucketGrants(ctx: GrantContext, bucketArn: string, grants: readonly FirehoseGrant[]): PolicyStatement[] {
    return bucketGrants(ctx, bucketArn, grants, (grant) => [grant.landingFolder, grant.errorFolder]);
}

/** Raw bucket grants: each Firehose role writes its own backup folder (and the backup's error folder). */
export function rawBucketGrants(ctx: GrantContext, bucketArn: string, grants: readonly FirehoseGrant[]): PolicyStatement[] {
    return bucketGrants(ctx, bucketArn, grants, (grant) => [grant.rawFolder, grant.errorFolder]);
}

function bucketGrants(ctx: GrantContext, bucketArn: string, grants: readonly FirehoseGrant[], folders: (grant: FirehoseGrant) => string[]): PolicyStatement[] {
    if (grants.length === 0) return [];
    const allRoles = grants.map((grant) => grant.roleArn);
    return [
        ...grants.map((grant): PolicyStatement => ({
            Sid: `FirehoseWrites${sidPart(grant.pipeline)}`,
            Effect: "Allow",
            Principal: firehosePrincipal(ctx, [grant.roleArn]),
            Action: [...FIREHOSE_OBJECT_ACTIONS],
            Resource: folders(grant).map((folder) => `${bucketArn}/${folder}*`),
            Condition: onlyRoles([grant.roleArn]),
        })),
        {
            Sid: "FirehoseBucketLevel",
            Effect: "Allow",
            Principal: firehosePrincipal(ctx, allRoles),
            Action: [...FIREHOSE_BUCKET_ACTIONS],
            Resource: bucketArn,
            Condition: onlyRoles(allRoles),
        },
        firehoseAclBucketStatement(bucketArn, { AWS: accountRootArn(ctx.partition, ctx.principals.engineeringAccountId) }, ctx.firehoseRolePattern),
    ];
}

export interface DataKeyGrantArgs {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
    readonly principals: FirehosePrincipals;
    readonly firehoseRoleArns: readonly string[];
    readonly landingBucketArn: string;
    readonly rawBucketArn: string;
    readonly glueBucketArn: string;
    readonly glueJobRoleArns: readonly string[];
    readonly glueCrawlerRoleArns: readonly string[];
    readonly deployerRoleArn: string;
    /** The load jobs' own log groups, an ARN pattern (`jobLogGroupPrefix` of this stack's jobs): encrypted with the key. */
    readonly glueJobLogGroupArns: string;
    /** Whether a Secrets Manager secret of this stack (the sandbox's Redshift-managed admin secret) is under the key. */
    readonly secretsUnderKey: boolean;
}

const KEY_READ = ["kms:Decrypt"];
const KEY_WRITE = ["kms:Decrypt", "kms:GenerateDataKey"];

/**
 * The data key's use statements (the administration statement is EncryptionKey's own). Every principal
 * of this account is named through the account root with an `aws:PrincipalArn` condition, so the key
 * can be created before the roles and survives their re-creation; IAM must then allow the same actions
 * (each role's inline policy does). Each use is narrowed to one service (`kms:ViaService`) and, for S3,
 * to the buckets it concerns (with S3 Bucket Keys the encryption context is the bucket ARN).
 */
export function dataKeyStatements(args: DataKeyGrantArgs): PolicyStatement[] {
    const root = { AWS: accountRootArn(args.partition, args.accountId) };
    const viaS3 = `s3.${args.region}.amazonaws.com`;
    const viaSecrets = `secretsmanager.${args.region}.amazonaws.com`;
    const s3Use = (sid: string, principal: Principal, roles: readonly string[], actions: string[], buckets: string[]): PolicyStatement => ({
        Sid: sid,
        Effect: "Allow",
        Principal: principal,
        Action: actions,
        Resource: "*",
        Condition: {
            ...onlyRoles(roles),
            StringEquals: { "kms:ViaService": viaS3, "kms:EncryptionContext:aws:s3:arn": buckets.length === 1 ? buckets[0] : buckets },
        },
    });
    const secretsUse = (sid: string, roles: readonly string[], actions: string[]): PolicyStatement => ({
        Sid: sid,
        Effect: "Allow",
        Principal: root,
        Action: actions,
        Resource: "*",
        Condition: { ...onlyRoles(roles), StringEquals: { "kms:ViaService": viaSecrets } },
    });
    const glueRoles = [...args.glueJobRoleArns, ...args.glueCrawlerRoleArns];
    // The bootstrap creates it in this account under a fixed name, before any stack exists.
    const driftReader = roleArn(args.partition, args.accountId, DRIFT_READER_ROLE_NAME);
    const statements: PolicyStatement[] = [];
    if (args.firehoseRoleArns.length > 0) {
        statements.push(
            s3Use("FirehoseWritesLandingAndRaw", firehosePrincipal({ partition: args.partition, principals: args.principals }, args.firehoseRoleArns), args.firehoseRoleArns, [...FIREHOSE_KEY_ACTIONS], [
                args.landingBucketArn,
                args.rawBucketArn,
            ]),
        );
    }
    if (args.glueCrawlerRoleArns.length > 0) statements.push(s3Use("GlueCrawlersReadLandedData", root, args.glueCrawlerRoleArns, KEY_READ, [args.landingBucketArn]));
    if (args.glueJobRoleArns.length > 0) {
        statements.push(
            // Landed data read, bad rows written (landing); script read, TempDir written (Glue bucket).
            s3Use("GlueJobsUseLandingAndGlueBuckets", root, args.glueJobRoleArns, KEY_WRITE, [args.landingBucketArn, args.glueBucketArn]),
            {
                // Job bookmarks are encrypted client-side (CSE-KMS): the S3 encryption client asks KMS for a data
                // key itself, not through a service, so no kms:ViaService ("Setting up encryption in AWS Glue").
                Sid: "GlueJobsEncryptBookmarks",
                Effect: "Allow",
                Principal: root,
                Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                Resource: "*",
                Condition: onlyRoles(args.glueJobRoleArns),
            },
        );
    }
    statements.push(
        {
            // The Glue security configuration encrypts the jobs' and crawlers' CloudWatch Logs with this key, and
            // the jobs' own log groups are created with it; CloudWatch Logs uses it as its own service
            // principal, only for those log groups.
            Sid: "CloudWatchLogsEncryptsGlueLogs",
            Effect: "Allow",
            Principal: { Service: `logs.${args.region}.amazonaws.com` },
            Action: ["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
            Resource: "*",
            Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": [`arn:${args.partition}:logs:${args.region}:${args.accountId}:log-group:/aws-glue/*`, args.glueJobLogGroupArns] } },
        },
        // `pulumi up` uploads the job scripts into the (SSE-KMS) Glue bucket.
        s3Use("DeployerUploadsGlueScripts", root, [args.deployerRoleArn], KEY_WRITE, [args.glueBucketArn]),
        // The bootstrap's drift reader refreshes the script objects (the daily drift check): decrypt only,
        // only through S3 and only for the Glue bucket; its own IAM policy limits the objects to scripts/.
        s3Use("DriftReaderReadsGlueScripts", root, [driftReader], KEY_READ, [args.glueBucketArn]),
    );
    if (args.secretsUnderKey) {
        statements.push(
            secretsUse("GlueReadsRedshiftSecret", glueRoles, KEY_READ),
            // Redshift creates and rotates the sandbox's admin secret on the deployer's behalf
            // (manageAdminPassword), and the Data API reads it when the deployer runs the table DDL.
            secretsUse("DeployerManagesRedshiftSecret", [args.deployerRoleArn], KEY_WRITE),
        );
    }
    return statements;
}

/**
 * Checks the engineering stack's `firehoseRoleArns` export (second pass) against the ARNs this stack
 * pinned, and returns the pinned role ARNs it confirms are deployed. A role exported under another ARN
 * means the two stacks disagree on the stack name or the engineering account: the grants would name a
 * role that never writes, so that fails. A pipeline engineering does not export yet (just added, deployed
 * there next) is not confirmed and keeps its first-deploy grant.
 */
export function checkEngineeringFirehoseRoles(engineeringStack: string, exported: unknown, pinned: Readonly<Record<string, string>>): Set<string> {
    if (exported === null || typeof exported !== "object" || Array.isArray(exported)) {
        throw new Error(`engineering stack ${engineeringStack}: export "firehoseRoleArns" must be an object keyed by pipeline name (got ${JSON.stringify(exported)})`);
    }
    const roles = exported as Record<string, unknown>;
    const problems: string[] = [];
    const deployed = new Set<string>();
    for (const [pipeline, expected] of Object.entries(pinned)) {
        const actual = roles[pipeline];
        if (actual === undefined) continue;
        if (actual !== expected) {
            problems.push(`pipeline "${pipeline}": exported Firehose role ${JSON.stringify(actual)} is not the pinned ${JSON.stringify(expected)} (the stacks disagree on the stack name or the engineering account)`);
        } else {
            deployed.add(expected);
        }
    }
    if (problems.length > 0) throw new Error(`engineering stack ${engineeringStack}: export "firehoseRoleArns":\n  - ${problems.join("\n  - ")}`);
    return deployed;
}
