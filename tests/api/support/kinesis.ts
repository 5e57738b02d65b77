/**
 * A real Kinesis implementation for the tests: kinesalite, in memory (memdown, no leveldown needed),
 * listening on 127.0.0.1 only. Records are written the way API Gateway's AWS integration writes them (a
 * SigV4-signed JSON 1.1 POST carrying the rendered template) and read back with the AWS SDK.
 */
import { createHash, createHmac } from "node:crypto";
import { request } from "node:http";
import { AddressInfo } from "node:net";
import {
    CreateStreamCommand,
    DescribeStreamSummaryCommand,
    GetRecordsCommand,
    GetShardIteratorCommand,
    KinesisClient,
    ListShardsCommand,
} from "@aws-sdk/client-kinesis";
import { NodeHttpHandler } from "@smithy/node-http-handler";

interface KinesaliteServer {
    listen(port: number, host: string, callback: () => void): void;
    address(): AddressInfo | string | null;
    close(callback: (error?: Error) => void): void;
    on(event: "error", listener: (error: Error) => void): void;
}

interface KinesaliteOptions {
    createStreamMs: number;
    deleteStreamMs: number;
    updateStreamMs: number;
    shardLimit: number;
}

const REGION = "us-east-1";
const CREDENTIALS = { accessKeyId: "AKIDTESTTESTTESTTEST", secretAccessKey: "test-secret-key-for-kinesalite-only" };

export interface LocalKinesis {
    readonly port: number;
    readonly client: KinesisClient;
    close(): Promise<void>;
}

/** Starts kinesalite in memory on an ephemeral port of 127.0.0.1. */
export async function startLocalKinesis(): Promise<LocalKinesis> {
    const createServer = require("kinesalite") as (options: KinesaliteOptions) => KinesaliteServer;
    // No `path` option: kinesalite then keeps its LevelDB in memory (memdown), nothing touches the disk.
    const server = createServer({ createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 });
    await new Promise<void>((resolve, reject) => {
        server.on("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === "string") {
        throw new Error(`kinesalite is not listening on a TCP port: ${String(address)}`);
    }
    const client = new KinesisClient({
        region: REGION,
        endpoint: `http://127.0.0.1:${address.port}`,
        credentials: CREDENTIALS,
        // kinesalite speaks HTTP/1.1 only.
        requestHandler: new NodeHttpHandler(),
    });
    return {
        port: address.port,
        client,
        close: async () => {
            client.destroy();
            await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
        },
    };
}

/** Creates a stream and waits until it is ACTIVE (kinesalite activates it on the next tick with createStreamMs 0). */
export async function createStream(kinesis: LocalKinesis, streamName: string, shardCount: number): Promise<void> {
    await kinesis.client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
    for (let attempt = 0; attempt < 200; attempt++) {
        const summary = await kinesis.client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
        if (summary.StreamDescriptionSummary?.StreamStatus === "ACTIVE") {
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`stream ${streamName} did not become ACTIVE`);
}

function sha256Hex(data: string | Buffer): string {
    return createHash("sha256").update(data).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
    return createHmac("sha256", key).update(data).digest();
}

/**
 * Signature V4 headers for a Kinesis JSON call. kinesalite checks that the Authorization header carries
 * Credential, SignedHeaders and Signature and that X-Amz-Date is present (it does not verify the
 * signature); a real signature is computed anyway so the request is the one AWS would accept.
 */
function signedHeaders(
    host: string,
    target: string,
    contentType: string,
    body: Buffer,
    now: Date,
): Record<string, string> {
    const amzDate = now
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d{3}/, "");
    const dateStamp = amzDate.slice(0, 8);
    const headers: Record<string, string> = {
        "content-type": contentType,
        host,
        "x-amz-date": amzDate,
        "x-amz-target": target,
    };
    const signedHeaderNames = Object.keys(headers).sort();
    const canonicalRequest = [
        "POST",
        "/",
        "",
        ...signedHeaderNames.map((name) => `${name}:${headers[name]}`),
        "",
        signedHeaderNames.join(";"),
        sha256Hex(body),
    ].join("\n");
    const scope = `${dateStamp}/${REGION}/kinesis/aws4_request`;
    const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
    let signingKey = hmac(`AWS4${CREDENTIALS.secretAccessKey}`, dateStamp);
    for (const part of [REGION, "kinesis", "aws4_request"]) {
        signingKey = hmac(signingKey, part);
    }
    const signature = createHmac("sha256", signingKey).update(stringToSign).digest("hex");
    return {
        ...headers,
        authorization: `AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/${scope}, SignedHeaders=${signedHeaderNames.join(";")}, Signature=${signature}`,
    };
}

export interface KinesisReply {
    readonly status: number;
    readonly body: string;
}

/**
 * POSTs a rendered integration request body to Kinesis as API Gateway's AWS integration does for
 * `arn:aws:apigateway:<region>:kinesis:action/<action>`: `X-Amz-Target: Kinesis_20131202.<action>` and the
 * Content-Type the integration's request parameters set (`contentType`). The body is sent byte for byte
 * as rendered.
 */
export async function callKinesis(
    kinesis: LocalKinesis,
    action: "PutRecord" | "PutRecords",
    renderedBody: string,
    contentType: string,
): Promise<KinesisReply> {
    const body = Buffer.from(renderedBody, "utf8");
    const host = `127.0.0.1:${kinesis.port}`;
    const headers = {
        ...signedHeaders(host, `Kinesis_20131202.${action}`, contentType, body, new Date()),
        "content-length": String(body.length),
    };
    return new Promise<KinesisReply>((resolve, reject) => {
        const outgoing = request(
            { host: "127.0.0.1", port: kinesis.port, method: "POST", path: "/", headers },
            (response) => {
                const chunks: Buffer[] = [];
                response.on("data", (chunk: Buffer) => chunks.push(chunk));
                response.on("end", () =>
                    resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
                );
                response.on("error", reject);
            },
        );
        outgoing.on("error", reject);
        outgoing.end(body);
    });
}

export interface StoredRecord {
    readonly shardId: string;
    readonly sequenceNumber: string;
    readonly partitionKey: string;
    /** The record's Data, decoded as UTF-8. */
    readonly data: string;
}

/** Reads every record of a stream from TRIM_HORIZON, shard by shard, through the AWS SDK. */
export async function readAllRecords(kinesis: LocalKinesis, streamName: string): Promise<StoredRecord[]> {
    const shards = await kinesis.client.send(new ListShardsCommand({ StreamName: streamName }));
    const records: StoredRecord[] = [];
    for (const shard of shards.Shards ?? []) {
        const shardId = shard.ShardId ?? "";
        const iterator = await kinesis.client.send(
            new GetShardIteratorCommand({
                StreamName: streamName,
                ShardId: shardId,
                ShardIteratorType: "TRIM_HORIZON",
            }),
        );
        let shardIterator = iterator.ShardIterator;
        while (shardIterator !== undefined) {
            const page = await kinesis.client.send(
                new GetRecordsCommand({ ShardIterator: shardIterator, Limit: 10000 }),
            );
            for (const record of page.Records ?? []) {
                records.push({
                    shardId,
                    sequenceNumber: record.SequenceNumber ?? "",
                    partitionKey: record.PartitionKey ?? "",
                    data: Buffer.from(record.Data ?? new Uint8Array()).toString("utf8"),
                });
            }
            shardIterator = (page.Records ?? []).length === 0 ? undefined : page.NextShardIterator;
        }
    }
    return records;
}
