import { expect } from "chai";
import { AccountView, accounts } from "../bootstrap/support/plans";
import { decide, Decision, Request } from "../support/iam-decision";
import {
    API_GATEWAY_CALLS,
    CallRow,
    DEPLOY_DDL_CALLS,
    FIREHOSE_CALLS,
    GLUE_JOB_CALLS,
    JDBC_CRAWLER_CALLS,
    PRECHECK_CALLS,
    REDSHIFT_COPY_CALLS,
    S3_CRAWLER_CALLS,
} from "./calls";
import { Caller, plannedServices, PlannedServices, policyLookup } from "./world";

/** One row of the table on one planned service: the request AWS would authorize. */
interface Instance {
    readonly caller: string;
    readonly row: CallRow<never>;
    readonly request: Request;
}

function instantiate<W extends { readonly roleArn: string; readonly account: string }>(
    callers: Caller<W>[],
    rows: CallRow<W>[],
    lookup: ReturnType<typeof policyLookup>,
): Instance[] {
    return callers.flatMap((caller) =>
        rows
            .filter((row) => row.when === undefined || row.when(caller.world))
            .map((row) => {
                const resource = row.resource(caller.world);
                return {
                    caller: caller.label,
                    row: row as CallRow<never>,
                    request: {
                        principal: caller.world.roleArn,
                        principalTags: lookup.principalTags(caller.world.roleArn),
                        resourceTags: lookup.resourceTags(resource),
                        action: row.action,
                        resource,
                        resourceAccount: lookup.resourceAccount(resource, caller.world.account),
                        ...(row.context ? { context: row.context(caller.world) } : {}),
                    },
                };
            }),
    );
}

function allInstances(services: PlannedServices, lookup: ReturnType<typeof policyLookup>): Instance[] {
    return [
        ...instantiate(services.api, API_GATEWAY_CALLS, lookup),
        ...instantiate(services.firehose, FIREHOSE_CALLS, lookup),
        ...instantiate(services.glueJobs, GLUE_JOB_CALLS, lookup),
        ...instantiate(services.glueJobs, REDSHIFT_COPY_CALLS, lookup),
        ...instantiate(services.prechecks, PRECHECK_CALLS, lookup),
        ...instantiate(services.s3Crawlers, S3_CRAWLER_CALLS, lookup),
        ...instantiate(services.jdbcCrawlers, JDBC_CRAWLER_CALLS, lookup),
        ...instantiate(services.deployDdl, DEPLOY_DDL_CALLS, lookup),
    ];
}

/**
 * Every call the pipeline's services make at run time (tests/runtime/calls.ts, each row from the AWS page
 * it cites), on the planned ARNs, against everything AWS evaluates: the role's identity policies, its
 * permissions boundary, and the bucket or key policy of the resource. A call any of them refuses is data
 * that stops flowing after a deploy that succeeded.
 */
describe("runtime calls: every call the services make at run time is allowed on the planned ARNs", function () {
    let views: AccountView[];
    let instances: Instance[];
    let lookup: ReturnType<typeof policyLookup>;
    const decisions = new Map<string, Promise<Decision>>();

    /** Each distinct request is simulated once, however many rows or tests ask it. */
    const ask = (request: Request): Promise<Decision> => {
        const key = JSON.stringify(request);
        if (!decisions.has(key)) {
            decisions.set(
                key,
                decide(request, {
                    identity: lookup.identity(request.principal),
                    boundary: lookup.boundary(request.principal),
                    resource: lookup.resourcePolicy(request.resource),
                }),
            );
        }
        return decisions.get(key)!;
    };

    before(async function () {
        views = await accounts();
        lookup = policyLookup(views);
        instances = allInstances(plannedServices(views), lookup);
    });

    it("cites an AWS documentation page for every row", () => {
        const rows = [
            API_GATEWAY_CALLS,
            FIREHOSE_CALLS,
            GLUE_JOB_CALLS,
            REDSHIFT_COPY_CALLS,
            PRECHECK_CALLS,
            S3_CRAWLER_CALLS,
            JDBC_CRAWLER_CALLS,
            DEPLOY_DDL_CALLS,
        ].flat() as CallRow<never>[];
        const unsourced = rows.filter(
            (row) => !/^https:\/\/docs\.aws\.amazon\.com\//.test(row.source.url) || row.source.title.trim() === "",
        );
        expect(unsourced.map((row) => `${row.action}: ${row.call}`)).to.deep.equal([]);
    });

    it("covers every planned role, every planned key, and every bucket a planned service uses", () => {
        const plans = views.flatMap((v) => v.pipelines);
        const principals = new Set(instances.map((i) => i.request.principal));
        const resources = instances.map((i) => i.request.resource);
        const roles = plans.flatMap((p) =>
            p.resources.filter((r) => r.type === "aws:iam/role:Role").map((r) => String(r.outputs.arn)),
        );
        const keys = plans.flatMap((p) =>
            p.resources.filter((r) => r.type === "aws:kms/key:Key").map((r) => String(r.outputs.arn)),
        );
        const buckets = plans.flatMap((p) =>
            p.resources.filter((r) => r.type === "aws:s3/bucket:Bucket").map((r) => String(r.outputs.arn)),
        );
        // A bucket is used by a service when a service resource's configuration names it (a delivery stream's
        // bucketArn, a job's s3:// arguments, a crawler's target).
        const services = plans.flatMap((p) =>
            p.resources.filter((r) => /firehoseDeliveryStream|glue\/job:Job|glue\/crawler:Crawler/.test(r.type)),
        );
        const used = buckets.filter((arn) =>
            services.some((s) => JSON.stringify(s.inputs).includes(arn.split(":::")[1])),
        );
        expect(
            roles.filter((arn) => !principals.has(arn)),
            "roles no row calls as",
        ).to.deep.equal([]);
        expect(
            keys.filter((arn) => !resources.includes(arn)),
            "keys no row uses",
        ).to.deep.equal([]);
        expect(
            used.filter((arn) => !resources.some((r) => r === arn || r.startsWith(`${arn}/`))),
            "buckets no row touches",
        ).to.deep.equal([]);
        expect(used.length, "the landing and Glue buckets at least").to.be.at.least(2);
    });

    it("allows every row on every planned service: identity policy, boundary and bucket or key policy together", async function () {
        this.timeout(120_000);
        const refused: string[] = [];
        for (const instance of instances) {
            const decision = await ask(instance.request);
            if (decision !== "Allowed") {
                refused.push(
                    `${instance.caller}: ${instance.request.action} on ${instance.request.resource} (${instance.row.call}; ${instance.row.source.title}): ${decision}`,
                );
            }
        }
        expect(refused).to.deep.equal([]);
        expect(instances.length).to.be.greaterThan(100);
    });

    it("can refuse: the same writes with another canned ACL, or into another pipeline's folder, are denied", async () => {
        const acl = instances.find((i) => i.request.action === "s3:PutObjectAcl");
        expect(acl, "a PutObjectAcl row").to.not.equal(undefined);
        expect(
            await ask({ ...acl!.request, context: { ...acl!.request.context, "s3:x-amz-acl": "public-read" } }),
        ).to.not.equal("Allowed");
        const badRows = instances.filter(
            (i) => i.request.action === "s3:PutObject" && i.request.resource.includes("/_bad-rows/"),
        );
        expect(badRows.length, "a bad-rows write per job").to.be.at.least(2);
        const [mine, theirs] = badRows;
        expect(await ask({ ...mine.request, resource: theirs.request.resource })).to.not.equal("Allowed");
        // A pre-check starts its own pipeline's load job, no other.
        const starts = instances.filter((i) => i.request.action === "glue:StartJobRun");
        expect(starts.length, "a pre-check per pipeline").to.be.at.least(2);
        expect(await ask({ ...starts[0].request, resource: starts[1].request.resource })).to.not.equal("Allowed");
        // Only the JDBC crawlers read the reader secret: a load job (IAM sign-in) may not decrypt it.
        const crawlerSecret = instances.find(
            (i) =>
                i.request.action === "kms:Decrypt" &&
                i.caller.startsWith("JDBC crawler") &&
                i.request.context?.["kms:ViaService"]?.includes("secretsmanager"),
        );
        const jobRole = instances.find((i) => i.caller.startsWith("Glue job"))?.request.principal;
        expect(crawlerSecret, "a JDBC crawler's decrypt of the reader secret").to.not.equal(undefined);
        // The key policy decides here: with an identity policy allowing everything, the crawler passes and the job does not.
        const keyPolicyOnly = (principal: string) =>
            decide(
                { ...crawlerSecret!.request, principal, principalTags: lookup.principalTags(principal) },
                {
                    identity: [
                        {
                            name: "everything",
                            policy: {
                                Version: "2012-10-17",
                                Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
                            },
                        },
                    ],
                    resource: lookup.resourcePolicy(crawlerSecret!.request.resource),
                },
            );
        expect(await keyPolicyOnly(crawlerSecret!.request.principal)).to.equal("Allowed");
        expect(await keyPolicyOnly(jobRole!)).to.not.equal("Allowed");
        // The deployer decrypts a Redshift admin secret's key only through Secrets Manager.
        const secretDecrypt = instances.find(
            (i) => i.request.action === "kms:Decrypt" && i.row.call.includes("admin secret"),
        );
        expect(secretDecrypt, "a deploy-time decrypt of an admin secret").to.not.equal(undefined);
        expect(
            await ask({
                ...secretDecrypt!.request,
                context: { ...secretDecrypt!.request.context, "kms:ViaService": `s3.${views[0].region}.amazonaws.com` },
            }),
        ).to.not.equal("Allowed");
    });
});
