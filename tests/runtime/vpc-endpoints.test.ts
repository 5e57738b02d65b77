import { expect } from "chai";
import { AccountView, accounts } from "../bootstrap/support/plans";
import { streamingViews } from "../bootstrap/support/streaming";
import {
    CallRow,
    GLUE_JOB_CALLS,
    JDBC_CRAWLER_CALLS,
    REDSHIFT_COPY_CALLS,
    REDSHIFT_STREAMING_CALLS,
    STREAM_READER_CALLS,
} from "./calls";
import { Caller, plannedServices, plannedStreaming } from "./world";

/**
 * Calls AWS makes on the caller's behalf from its own control plane, not from the caller's network: Glue
 * creates, tags and inspects the connection's network interfaces before the job or crawler runs in them
 * ("Setting up Amazon VPC for JDBC connections ... from AWS Glue"), so they need no endpoint in the VPC.
 */
const CONTROL_PLANE_SERVICES = new Set(["ec2"]);

/** The VPC endpoint service a call's IAM service prefix is reached through, where the two differ. */
const ENDPOINT_SERVICE: Readonly<Record<string, string>> = { cloudwatch: "monitoring", kinesis: "kinesis-streams" };
const endpointService = (action: string): string => {
    const prefix = action.split(":")[0];
    return ENDPOINT_SERVICE[prefix] ?? prefix;
};

/**
 * The endpoint services the rows call from inside the VPC, on every caller the rows apply to. A KMS call
 * with `kms:ViaService` is made by that service (S3, Kinesis, Secrets Manager) on the caller's behalf, not
 * from the caller's network.
 */
function calledFromVpc<W>(callers: readonly Caller<W>[], rows: readonly CallRow<W>[]): string[] {
    return callers.flatMap((caller) =>
        rows
            .filter((row) => row.when === undefined || row.when(caller.world))
            .filter((row) => !("kms:ViaService" in (row.context?.(caller.world) ?? {})))
            .map((row) => endpointService(row.action)),
    );
}

/**
 * A VPC the data-platform stack creates has no internet route: every service the Glue jobs, the JDBC
 * crawlers (both run in the Glue connection's subnet), Redshift's COPY and its streaming ingestion (the
 * sandbox workgroup, enhanced VPC routing) call from it needs an endpoint there, and an interface endpoint no such call needs is an
 * hourly charge for nothing. The calls are the runtime-call table's rows, so a row added for a new service
 * asks for its endpoint, and an endpoint no row calls is reported.
 */
/**
 * For each stack whose data-platform plan creates its VPC: the endpoints it plans against the services the
 * runtime-call rows reach from that VPC, as differences (none when they match); and how many such stacks.
 */
function createdVpcDifferences(views: readonly AccountView[]): { created: number; differences: string[] } {
    const stacks = [...new Set(views.flatMap((v) => v.pipelines.map((p) => p.stack)))].sort();
    let created = 0;
    const differences: string[] = [];
    for (const stack of stacks) {
        const dp = views
            .flatMap((v) => v.pipelines)
            .find((p) => p.project === "tracking-data-platform" && p.stack === stack);
        if (!dp || !dp.resources.some((r) => r.type === "awsx:ec2:Vpc" || r.type === "aws:ec2/vpc:Vpc")) continue; // a configured VPC: its owner provides the routes
        created++;
        const ofStack = views.map((v) => ({ ...v, pipelines: v.pipelines.filter((p) => p.stack === stack) }));
        const services = plannedServices(ofStack);
        // Redshift streaming ingestion reads Kinesis through the workgroup's VPC (enhanced VPC routing).
        const streaming = plannedStreaming(ofStack);
        if (services.glueJobs.length === 0) differences.push(`stack ${stack}: no load job planned`);
        const called = new Set(
            [
                ...calledFromVpc(services.glueJobs, GLUE_JOB_CALLS),
                ...calledFromVpc(services.glueJobs, REDSHIFT_COPY_CALLS),
                ...calledFromVpc(services.jdbcCrawlers, JDBC_CRAWLER_CALLS),
                ...calledFromVpc(streaming.redshift, REDSHIFT_STREAMING_CALLS),
                ...calledFromVpc(streaming.readers, STREAM_READER_CALLS),
            ].filter((service) => !CONTROL_PLANE_SERVICES.has(service)),
        );
        const endpoints = dp.resources.filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint");
        const name = (r: (typeof endpoints)[number]) =>
            String(r.inputs.serviceName).replace(`com.amazonaws.${dp.region}.`, "");
        const interfaces = endpoints
            .filter((r) => r.inputs.vpcEndpointType === "Interface")
            .map(name)
            .sort();
        const gateways = endpoints
            .filter((r) => r.inputs.vpcEndpointType === "Gateway")
            .map(name)
            .sort();
        const wanted = [...called].filter((s) => s !== "s3").sort();
        for (const service of wanted.filter((s) => !interfaces.includes(s)))
            differences.push(`stack ${stack}: ${service} is called from the VPC but has no interface endpoint`);
        for (const service of interfaces.filter((s) => !wanted.includes(s)))
            differences.push(`stack ${stack}: interface endpoint ${service} serves no run-time call`);
        if (JSON.stringify(gateways) !== JSON.stringify(called.has("s3") ? ["s3"] : []))
            differences.push(`stack ${stack}: gateway endpoints ${gateways.join(", ")}`);
    }
    return { created, differences };
}

describe("VPC endpoints: a created VPC has an endpoint for exactly the services called from it at run time", function () {
    this.timeout(300_000);

    it("has one interface endpoint per service the Glue jobs and JDBC crawlers call (S3 through the gateway), and no other", async () => {
        const { created, differences } = createdVpcDifferences(await accounts());
        expect(differences).to.deep.equal([]);
        expect(created, "at least one committed stack creates its VPC").to.be.greaterThan(0);
    });

    it("with a streaming pipeline, also Kinesis (the stream views' reads) and STS (their role chain), and still no other", async () => {
        const views = await streamingViews();
        expect(plannedStreaming(views).readers.length, "the probe's stream view").to.equal(1);
        const { created, differences } = createdVpcDifferences(views);
        expect(differences).to.deep.equal([]);
        expect(created).to.equal(1);
    });

    it("can fail: a call to a service without an endpoint, or an endpoint without a call, is a difference", () => {
        const rows: CallRow<{ readonly x: string }>[] = [
            { call: "c", action: "cloudwatch:PutMetricData", resource: () => "*", source: { title: "t", url: "u" } },
        ];
        expect(calledFromVpc([{ label: "l", world: { x: "" } }], rows)).to.deep.equal(["monitoring"]);
        expect(calledFromVpc([{ label: "l", world: { x: "" } }], [{ ...rows[0], when: () => false }])).to.deep.equal(
            [],
        );
        expect(
            calledFromVpc(
                [{ label: "l", world: { x: "" } }],
                [
                    {
                        ...rows[0],
                        action: "kms:Decrypt",
                        context: () => ({ "kms:ViaService": "s3.eu-central-1.amazonaws.com" }),
                    },
                ],
            ),
        ).to.deep.equal([]);
    });
});
