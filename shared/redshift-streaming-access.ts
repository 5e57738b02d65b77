/**
 * What Redshift streaming ingestion may do across the two accounts, defined once and rendered for every
 * side (the Redshift streaming role, the stream readers, the stream key's policy, the workload boundaries).
 * The role chain and the AWS sources: docs/design.md, "Redshift streaming ingestion across the accounts".
 */
import {
    accountRootArn,
    allow,
    allowAssumeRole,
    allowPrincipal,
    PolicyStatement,
    unconditionalServiceTrust,
} from "./iam";

/**
 * The stream reads the Redshift guide's policy grants on the stream: its description, shards, iterators
 * and records. All take the stream ARN as their resource.
 */
export const STREAM_READ_ACTIONS: readonly string[] = [
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
];

/**
 * The guide's policy also grants kinesis:ListStreams, on "*": the action has no resource type (Service
 * Authorization Reference, Amazon Kinesis Data Streams), and it lists stream names only, no records.
 */
export const STREAM_LIST_ACTION = "kinesis:ListStreams";

/** A consumer of a KMS-encrypted stream decrypts its records with the stream key, through Kinesis. */
export const STREAM_KEY_ACTION = "kms:Decrypt";

/** Kinesis's endpoint in a region, as KMS sees it in `kms:ViaService`. */
function viaKinesis(region: string): string {
    return `kinesis.${region}.amazonaws.com`;
}

/** One streaming pipeline's reader role, as the engineering account defines it. */
export interface StreamReaderGrant {
    readonly region: string;
    readonly streamArn: string;
    readonly streamKeyArn: string;
}

/** The reader role's own policy: its stream only, and the stream key only through Kinesis for that stream. */
export function streamReaderStatements(grant: StreamReaderGrant): PolicyStatement[] {
    return [
        allow("ReadOwnStream", STREAM_READ_ACTIONS, [grant.streamArn]),
        allow("ListStreams", [STREAM_LIST_ACTION], ["*"]),
        allow("DecryptOwnStream", [STREAM_KEY_ACTION], [grant.streamKeyArn], {
            StringEquals: {
                "kms:ViaService": viaKinesis(grant.region),
                "kms:EncryptionContext:aws:kinesis:arn": grant.streamArn,
            },
        }),
    ];
}

/** The data-platform account's Redshift streaming role of one stack, as the engineering account names it. */
export interface RedshiftStreamingPrincipal {
    readonly partition: string;
    readonly dataPlatformAccountId: string;
    /** `roleArn(partition, dataPlatformAccountId, redshiftStreamingRoleName(stack))`. */
    readonly roleArn: string;
}

/**
 * The reader role's trust: the data-platform account, pinned by `aws:PrincipalArn` to the stack's Redshift
 * streaming role (valid before that role exists, and kept when it is re-created). Redshift chains with a
 * plain AssumeRole of the first role's session and documents no ExternalId for the chained role, so none
 * is required (a condition on a key Redshift does not send would lock it out).
 */
export function streamReaderTrustStatements(principal: RedshiftStreamingPrincipal): PolicyStatement[] {
    return [
        allowAssumeRole(
            "RedshiftChainsFromDataPlatform",
            { AWS: accountRootArn(principal.partition, principal.dataPlatformAccountId) },
            "sts:AssumeRole",
            {
                ArnEquals: { "aws:PrincipalArn": principal.roleArn },
            },
        ),
    ];
}

export interface StreamKeyReaders {
    readonly partition: string;
    readonly region: string;
    readonly accountId: string;
    /** ARN pattern of the stack's streams. */
    readonly streamArnPattern: string;
    /** ARN pattern of the stack's stream reader roles, `roleArn(..., streamReaderRoleName(stack, "*"))`. */
    readonly readerRoleArnPattern: string;
}

/**
 * The key side: the stack's stream readers may have Kinesis decrypt records for them, only through Kinesis
 * and only for the stack's streams; which stream a reader reads is its own policy's (one stream each).
 */
export function streamKeyReaderStatement(readers: StreamKeyReaders): PolicyStatement {
    return allowPrincipal(
        "StreamReadersDecryptThroughKinesis",
        { AWS: accountRootArn(readers.partition, readers.accountId) },
        [STREAM_KEY_ACTION],
        ["*"],
        {
            StringEquals: { "kms:ViaService": viaKinesis(readers.region), "kms:CallerAccount": readers.accountId },
            StringLike: { "kms:EncryptionContext:aws:kinesis:arn": readers.streamArnPattern },
            ArnLike: { "aws:PrincipalArn": readers.readerRoleArnPattern },
        },
    );
}

/** The Redshift role's trust: Redshift (a cluster or a Serverless namespace the role is attached to). */
export function redshiftStreamingTrustStatements(): PolicyStatement[] {
    return [
        unconditionalServiceTrust(
            "redshift.amazonaws.com",
            "Redshift's service-role guides show no aws:SourceAccount/aws:SourceArn trust condition; one on a key it does not send would lock streaming ingestion out",
            "RedshiftAssumes",
        ),
    ];
}

/** The Redshift role's own policy: chain to the stack's stream readers, nothing else. */
export function redshiftStreamingStatements(readerRoleArns: readonly string[]): PolicyStatement[] {
    if (readerRoleArns.length === 0) throw new Error("redshiftStreamingStatements: at least one stream reader role");
    return [allow("ChainToStreamReaders", ["sts:AssumeRole"], readerRoleArns)];
}
