/**
 * The data key policy's use statements: who may use the data key for what. Pure functions of resolved
 * ARNs and role-name patterns, so the offline tests evaluate exactly what the program deploys; none grows
 * with the number of pipelines (the bucket policies' Firehose grants are shared/firehose-landing-access.ts).
 */
import { firehoseKeyStatement, FirehoseRoles } from "../shared/firehose-landing-access";
import { accountRootArn, allowPrincipal, Conditions, PolicyStatement, Principal } from "../shared/iam";
import { DRIFT_READER_ROLE_NAME, roleArn } from "../shared/naming";

function onlyRoles(roleArns: readonly string[]): Conditions {
    return { ArnEquals: { "aws:PrincipalArn": roleArns.length === 1 ? roleArns[0] : [...roleArns] } };
}

function likeRoles(patterns: readonly string[]): Conditions {
    return { ArnLike: { "aws:PrincipalArn": patterns.length === 1 ? patterns[0] : [...patterns] } };
}

export interface DataKeyGrantArgs {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
    /** The engineering account's Firehose roles of this stack. */
    readonly firehoseRoles: FirehoseRoles;
    readonly landingBucketArn: string;
    readonly rawBucketArn: string;
    readonly glueBucketArn: string;
    /** ARN pattern of this stack's load job roles (`glueJobRoleName(stack, "*")`). */
    readonly glueJobRoles: string;
    /** ARN pattern of this stack's crawler roles (`crawlerRoleName(stack, "*")`). */
    readonly glueCrawlerRoles: string;
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
 * is named through its account root with an `aws:PrincipalArn` condition (the stack's roles of a kind by
 * their name pattern), so the key can be created before the roles, survives their re-creation and does
 * not grow with the pipelines; IAM must then allow the same actions (each role's inline policy does, on
 * its own resources). Each use is narrowed to one service (`kms:ViaService`) and, for S3,
 * to the buckets it concerns (with S3 Bucket Keys the encryption context is the bucket ARN).
 */
export function dataKeyStatements(args: DataKeyGrantArgs): PolicyStatement[] {
    const root = { AWS: accountRootArn(args.partition, args.accountId) };
    const viaS3 = `s3.${args.region}.amazonaws.com`;
    const viaSecrets = `secretsmanager.${args.region}.amazonaws.com`;
    const s3Use = (
        sid: string,
        principal: Principal,
        roles: Conditions,
        actions: string[],
        buckets: string[],
    ): PolicyStatement =>
        allowPrincipal(sid, principal, actions, ["*"], {
            ...roles,
            StringEquals: {
                "kms:ViaService": viaS3,
                "kms:EncryptionContext:aws:s3:arn": buckets.length === 1 ? buckets[0] : buckets,
            },
        });
    const secretsUse = (sid: string, roles: Conditions, actions: string[]): PolicyStatement =>
        allowPrincipal(sid, root, actions, ["*"], { ...roles, StringEquals: { "kms:ViaService": viaSecrets } });
    const jobs = likeRoles([args.glueJobRoles]);
    // The bootstrap creates it in this account under a fixed name, before any stack exists.
    const driftReader = roleArn(args.partition, args.accountId, DRIFT_READER_ROLE_NAME);
    const statements: PolicyStatement[] = [];
    statements.push(
        firehoseKeyStatement(args.firehoseRoles, args.region, [args.landingBucketArn, args.rawBucketArn]),
        s3Use("GlueCrawlersReadLandedData", root, likeRoles([args.glueCrawlerRoles]), KEY_READ, [
            args.landingBucketArn,
        ]),
        // Landed data read, bad rows written (landing); script read, TempDir written (Glue bucket).
        s3Use("GlueJobsUseLandingAndGlueBuckets", root, jobs, KEY_WRITE, [args.landingBucketArn, args.glueBucketArn]),
        // Job bookmarks are encrypted client-side (CSE-KMS): the S3 encryption client asks KMS for a data
        // key itself, not through a service ("Setting up encryption in AWS Glue"): direct calls only, so
        // this statement admits no use through S3 or Secrets Manager (kms:ViaService is absent).
        allowPrincipal("GlueJobsEncryptBookmarks", root, ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], ["*"], {
            ...jobs,
            Null: { "kms:ViaService": "true" },
        }),
    );
    statements.push(
        // The Glue security configuration encrypts the jobs' and crawlers' CloudWatch Logs with this key, and
        // the jobs' own log groups are created with it; CloudWatch Logs uses it as its own service
        // principal, only for those log groups.
        allowPrincipal(
            "CloudWatchLogsEncryptsGlueLogs",
            { Service: `logs.${args.region}.amazonaws.com` },
            ["kms:Decrypt*", "kms:Describe*", "kms:Encrypt*", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
            ["*"],
            {
                ArnLike: {
                    "kms:EncryptionContext:aws:logs:arn": [
                        `arn:${args.partition}:logs:${args.region}:${args.accountId}:log-group:/aws-glue/*`,
                        args.glueJobLogGroupArns,
                    ],
                },
            },
        ),
        // `pulumi up` uploads the job scripts into the (SSE-KMS) Glue bucket.
        s3Use("DeployerUploadsGlueScripts", root, onlyRoles([args.deployerRoleArn]), KEY_WRITE, [args.glueBucketArn]),
        // The bootstrap's drift reader refreshes the script objects (the daily drift check): decrypt only,
        // only through S3 and only for the Glue bucket; its own IAM policy limits the objects to scripts/.
        s3Use("DriftReaderReadsGlueScripts", root, onlyRoles([driftReader]), KEY_READ, [args.glueBucketArn]),
    );
    if (args.secretsUnderKey) {
        statements.push(
            // The JDBC crawlers sign in with the reader secret; the load jobs sign in with IAM and read no secret.
            secretsUse("GlueCrawlersReadRedshiftSecret", likeRoles([args.glueCrawlerRoles]), KEY_READ),
            // Redshift creates and rotates the sandbox's admin secret on the deployer's behalf
            // (manageAdminPassword), and the Data API reads it when the deployer runs the table DDL.
            secretsUse("DeployerManagesRedshiftSecret", onlyRoles([args.deployerRoleArn]), KEY_WRITE),
        );
    }
    return statements;
}

/**
 * Checks an engineering stack export of role ARNs by pipeline (`exportName`) against the ARNs this stack
 * derives, and returns the pipelines it confirms are deployed. A role exported under another ARN means the
 * two stacks disagree on the stack name or the engineering account, so that fails, naming each pipeline. A
 * pipeline engineering does not export yet (just added, deployed there next) is skipped.
 */
function checkEngineeringRoleExport(
    engineeringStack: string,
    exportName: string,
    what: string,
    exported: unknown,
    pinned: Readonly<Record<string, string>>,
): Set<string> {
    if (exported === null || typeof exported !== "object" || Array.isArray(exported)) {
        throw new Error(
            `engineering stack ${engineeringStack}: export "${exportName}" must be an object keyed by pipeline name (got ${JSON.stringify(exported)})`,
        );
    }
    const roles = exported as Record<string, unknown>;
    const problems: string[] = [];
    const deployed = new Set<string>();
    for (const [pipeline, expected] of Object.entries(pinned)) {
        const actual = roles[pipeline];
        if (actual === undefined) continue;
        if (actual !== expected) {
            problems.push(
                `pipeline "${pipeline}": exported ${what} ${JSON.stringify(actual)} is not the pinned ${JSON.stringify(expected)} (the stacks disagree on the stack name or the engineering account)`,
            );
        } else {
            deployed.add(pipeline);
        }
    }
    if (problems.length > 0)
        throw new Error(
            `engineering stack ${engineeringStack}: export "${exportName}":\n  - ${problems.join("\n  - ")}`,
        );
    return deployed;
}

/**
 * Checks the engineering stack's `firehoseRoleArns` export against the ARNs this stack derives, and
 * returns the role ARNs it confirms are deployed: the grants would otherwise admit roles that never write.
 */
export function checkEngineeringFirehoseRoles(
    engineeringStack: string,
    exported: unknown,
    pinned: Readonly<Record<string, string>>,
): Set<string> {
    return new Set(
        [...checkEngineeringRoleExport(engineeringStack, "firehoseRoleArns", "Firehose role", exported, pinned)].map(
            (pipeline) => pinned[pipeline],
        ),
    );
}

/**
 * Checks the engineering stack's `streamReaderRoleArns` export against the reader roles this stack chains
 * to, and returns the streaming pipelines whose reader is deployed (only their views can be created).
 */
export function checkEngineeringStreamReaders(
    engineeringStack: string,
    exported: unknown,
    pinned: Readonly<Record<string, string>>,
): Set<string> {
    return checkEngineeringRoleExport(engineeringStack, "streamReaderRoleArns", "stream reader", exported, pinned);
}
