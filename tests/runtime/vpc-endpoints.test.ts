import { expect } from "chai";
import { AccountView, accounts } from "../bootstrap/support/plans";
import { CallRow, GLUE_JOB_CALLS, JDBC_CRAWLER_CALLS, REDSHIFT_COPY_CALLS } from "./calls";
import { Caller, plannedServices } from "./world";

/**
 * Calls AWS makes on the caller's behalf from its own control plane, not from the caller's network: Glue
 * creates, tags and inspects the connection's network interfaces before the job or crawler runs in them
 * ("Setting up Amazon VPC for JDBC connections ... from AWS Glue"), so they need no endpoint in the VPC.
 */
const CONTROL_PLANE_SERVICES = new Set(["ec2"]);

/** The VPC endpoint service a call's IAM service prefix is reached through (CloudWatch's is `monitoring`). */
const endpointService = (action: string): string => {
    const prefix = action.split(":")[0];
    return prefix === "cloudwatch" ? "monitoring" : prefix;
};

/** The endpoint services the rows call from inside the VPC, on every caller the rows apply to. */
function calledFromVpc<W>(callers: readonly Caller<W>[], rows: readonly CallRow<W>[]): string[] {
    return callers.flatMap((caller) => rows.filter((row) => row.when === undefined || row.when(caller.world)).map((row) => endpointService(row.action)));
}

/**
 * A VPC the data-platform stack creates has no internet route: every service the Glue jobs, the JDBC
 * crawlers (both run in the Glue connection's subnet) and Redshift's COPY (the sandbox workgroup, enhanced
 * VPC routing) call from it needs an endpoint there, and an interface endpoint no such call needs is an
 * hourly charge for nothing. The calls are the runtime-call table's rows, so a row added for a new service
 * asks for its endpoint, and an endpoint no row calls is reported.
 */
describe("VPC endpoints: a created VPC has an endpoint for exactly the services called from it at run time", function () {
    let views: AccountView[];

    before(async function () {
        views = await accounts();
    });

    it("has one interface endpoint per service the Glue jobs and JDBC crawlers call (S3 through the gateway), and no other", () => {
        const stacks = [...new Set(views.flatMap((v) => v.pipelines.map((p) => p.stack)))].sort();
        let created = 0;
        for (const stack of stacks) {
            const dp = views.flatMap((v) => v.pipelines).find((p) => p.project === "tracking-data-platform" && p.stack === stack);
            if (!dp || !dp.resources.some((r) => r.type === "awsx:ec2:Vpc" || r.type === "aws:ec2/vpc:Vpc")) continue; // a configured VPC: its owner provides the routes
            created++;
            const services = plannedServices(views.map((v) => ({ ...v, pipelines: v.pipelines.filter((p) => p.stack === stack) })));
            expect(services.glueJobs.length, `stack ${stack}: load jobs`).to.be.greaterThan(0);
            const called = new Set([
                ...calledFromVpc(services.glueJobs, GLUE_JOB_CALLS),
                ...calledFromVpc(services.glueJobs, REDSHIFT_COPY_CALLS),
                ...calledFromVpc(services.jdbcCrawlers, JDBC_CRAWLER_CALLS),
            ].filter((service) => !CONTROL_PLANE_SERVICES.has(service)));
            const endpoints = dp.resources.filter((r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint");
            const name = (r: (typeof endpoints)[number]) => String(r.inputs.serviceName).replace(`com.amazonaws.${dp.region}.`, "");
            const interfaces = endpoints.filter((r) => r.inputs.vpcEndpointType === "Interface").map(name).sort();
            const gateways = endpoints.filter((r) => r.inputs.vpcEndpointType === "Gateway").map(name).sort();
            expect(gateways, `stack ${stack}: gateway endpoints`).to.deep.equal(called.has("s3") ? ["s3"] : []);
            expect(interfaces, `stack ${stack}: interface endpoints`).to.deep.equal([...called].filter((s) => s !== "s3").sort());
        }
        expect(created, "at least one committed stack creates its VPC").to.be.greaterThan(0);
    });

    it("can fail: a call to a service without an endpoint, or an endpoint without a call, is a difference", () => {
        const rows: CallRow<{ readonly x: string }>[] = [{ call: "c", action: "cloudwatch:PutMetricData", resource: () => "*", source: { title: "t", url: "u" } }];
        expect(calledFromVpc([{ label: "l", world: { x: "" } }], rows)).to.deep.equal(["monitoring"]);
        expect(calledFromVpc([{ label: "l", world: { x: "" } }], [{ ...rows[0], when: () => false }])).to.deep.equal([]);
    });
});
