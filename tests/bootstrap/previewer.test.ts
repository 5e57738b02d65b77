import { expect } from "chai";
import { previewerDenialOf } from "../../bootstrap/iam/permissions";
import { PlannedResource, StackPlan } from "../../tools/plan/types";
import { applicable, effectiveTags, tagContext } from "./support/context";
import { AccountView, accounts, RoleView } from "./support/plans";
import { allowedChanges, decryptsState, deployerChangeRequests, takesLock } from "./support/changes";
import { decide, Decision, Request } from "./support/simulate";
import { backendAccess, READ_ONLY_BACKEND, stateAccountOf } from "./support/backend";
import { apiGatewayArn, apiKeyReads, REFRESH_READ_TYPES, refreshReads } from "./support/refresh";
import { judgeReadOnly, PlannedCall } from "./support/coverage";
import { streamingAddedCalls, streamingAdditionsMissing } from "./support/streaming";

/**
 * The pull-request role cannot create, change or delete anything: every non-read action the deployer
 * holds, on every resource and under every condition the deployer's grant names, and every create,
 * change and delete call of every planned resource, is denied to the previewer by iam-simulate. Nor can
 * it read what only the drift check's refresh reads (scripts, the sandbox's secret value, the ingestion
 * API key's value). On the dev stacks with a streaming pipeline added, every call the streaming tier adds
 * is judged as well: its changes refused, its reads allowed.
 */

type Ask = Omit<Request, "principal">;

/** The role's decision, with only the context keys the action takes on that resource (as IAM does). */
async function ask(role: RoleView, request: Ask): Promise<Decision> {
    const context = await applicable(request.action, request.resource, request.context ?? {});
    return decide({ ...request, principal: role.arn, context }, role.policies);
}

/** apigateway:GET on a planned API Gateway path, with the tags AWS evaluates there. */
function apiGet(plan: StackPlan, path: string, tags: Record<string, string>): Ask {
    return {
        action: "apigateway:GET",
        resource: apiGatewayArn(plan, path),
        resourceAccount: plan.account,
        context: tagContext(tags, "resource"),
    };
}

function plannedOf(plan: StackPlan, type: string): PlannedResource[] {
    return plan.resources.filter((r) => r.type === type);
}
describe("bootstrap: the previewer cannot change anything", function () {
    let views: AccountView[];

    before(async function () {
        views = await accounts();
    });

    it("is denied every write, tagging and permissions action of the deployer's grants, where the deployer is allowed", async function () {
        const leaks: string[] = [];
        let checked = 0;
        for (const view of views) {
            for (const asked of await deployerChangeRequests(view, views)) {
                checked++;
                const asPreviewer = await decide(
                    { ...asked.request, principal: view.previewer.arn },
                    view.previewer.policies,
                    asked.resourcePolicy,
                );
                if (asPreviewer === "Allowed" && !decryptsState(asked) && !takesLock(asked))
                    leaks.push(`${view.bootstrapStack}: ${asked.action} on ${asked.sample}`);
            }
        }
        expect(leaks, "non-read requests the previewer is allowed").to.deep.equal([]);
        expect(checked, "requests checked").to.be.greaterThan(200);
    });

    it("is denied every create, change and delete call of every planned resource", async function () {
        const checks = await Promise.all(views.map((view) => allowedChanges(view, view.previewer)));
        expect(checks.flatMap((c) => c.leaks)).to.deep.equal([]);
        expect(checks.reduce((sum, c) => sum + c.checked, 0)).to.be.greaterThan(100);
    });

    it("can read the stacks' state and take their lock, but not write state", async function () {
        let checked = 0;
        for (const view of views) {
            const state = stateAccountOf(view);
            if (state === undefined) continue;
            expect(
                views.find((v) => v.account === state),
                `bootstrap of the state account ${state}`,
            ).to.not.equal(undefined);
            expect(await backendAccess(view, views, view.previewer, state), view.bootstrapStack).to.deep.equal(
                READ_ONLY_BACKEND,
            );
            checked++;
        }
        expect(checked, "bootstrap stacks using the shared backend").to.be.greaterThan(0);
    });

    it("has none of the refresh-only reads: no Glue script, no sandbox secret value, no data-key decryption for either, no API key value", async function () {
        // The same requests the drift reader is allowed (drift-reader.test.ts): pull requests never see them.
        const allowed: string[] = [];
        let checked = 0;
        for (const view of views) {
            for (const plan of view.pipelines) {
                for (const read of refreshReads(plan)) {
                    checked++;
                    const request = {
                        ...read.request,
                        principal: view.previewer.arn,
                        context: await applicable(
                            read.request.action,
                            read.request.resource,
                            read.request.context ?? {},
                        ),
                    };
                    if ((await decide(request, view.previewer.policies, read.resourcePolicy)) === "Allowed")
                        allowed.push(read.label);
                }
            }
        }
        expect(allowed).to.deep.equal([]);
        expect(checked, "refresh-only reads in the plans (scripts, secret versions, API keys)").to.be.greaterThan(4);
    });

    it("cannot read the ingestion API key's value (GetApiKey(s), GetUsagePlanKey(s) on the planned ids), yet reads the REST API, its stage and the usage plan", async function () {
        // `/usageplans/*`, which the previewer reads, also matches `/usageplans/<id>/keys[/<keyId>]`:
        // these requests are what an explicit Deny has to stop.
        const leaks: string[] = [];
        const missing: string[] = [];
        let keyReads = 0;
        let configurationReads = 0;
        for (const view of views) {
            for (const plan of view.pipelines) {
                const keys = apiKeyReads(plan).map((read) => read.request);
                if (keys.length === 0) continue;
                const apis = plannedOf(plan, "aws:apigateway/restApi:RestApi");
                const usagePlans = plannedOf(plan, "aws:apigateway/usagePlan:UsagePlan");
                const valueReads = [
                    ...keys,
                    // The lists return the values too: GetApiKeys (includeValues), GetUsagePlanKeys.
                    apiGet(plan, "/apikeys", {}),
                    ...usagePlans.map((u) => apiGet(plan, `/usageplans/${u.id}/keys`, effectiveTags(plan, u))),
                ];
                for (const request of valueReads) {
                    keyReads++;
                    if ((await ask(view.previewer, request)) === "Allowed")
                        leaks.push(`${plan.project}: ${request.action} on ${request.resource}`);
                }
                const configuration = [
                    ...apis.map((api) => apiGet(plan, `/restapis/${api.id}`, effectiveTags(plan, api))),
                    ...plannedOf(plan, "aws:apigateway/stage:Stage").map((stage) => {
                        const api = apis.find((a) => a.id === stage.inputs.restApi);
                        if (!api) throw new Error(`${plan.project}: stage ${stage.name} names no planned REST API`);
                        // A stage inherits its API's tags; its own take precedence.
                        return apiGet(plan, `/restapis/${api.id}/stages/${String(stage.inputs.stageName)}`, {
                            ...effectiveTags(plan, api),
                            ...effectiveTags(plan, stage),
                        });
                    }),
                    ...usagePlans.map((u) => apiGet(plan, `/usageplans/${u.id}`, effectiveTags(plan, u))),
                ];
                for (const request of configuration) {
                    configurationReads++;
                    const decision = await ask(view.previewer, request);
                    if (decision !== "Allowed")
                        missing.push(`${plan.project}: ${request.action} on ${request.resource} (${decision})`);
                }
            }
        }
        expect(leaks, "API key values the previewer can read").to.deep.equal([]);
        expect(missing, "configuration reads the previewer lost").to.deep.equal([]);
        expect(
            keyReads,
            "key-value reads of the planned engineering stack (key, usage plan key, both lists)",
        ).to.be.at.least(4);
        expect(configurationReads, "REST API, stage and usage plan reads").to.be.at.least(3);
    });
});

describe("bootstrap: a grant's deniedToPreviewer", function () {
    const keys = "arn:aws:apigateway:eu-central-1::/usageplans/*/keys/*";

    it("denies the previewer the grant's refresh-only actions, and none of its other actions", function () {
        const scripts = "arn:aws:s3:::tracking-dev-glue/scripts/*";
        const denial = previewerDenialOf({
            sid: "Scripts",
            readOnly: ["s3:GetObjectAcl"],
            refreshOnly: ["s3:GetObject", "s3:GetObjectTagging"],
            deployOnly: ["s3:PutObject"],
            resources: [scripts],
            deniedToPreviewer: [scripts],
        });
        expect(denial).to.deep.equal({
            sid: "DenyScripts",
            actions: ["s3:GetObject", "s3:GetObjectTagging"],
            resources: [scripts],
        });
        expect(previewerDenialOf({ sid: "Keys", refreshOnly: ["apigateway:GET"], resources: [keys] })).to.equal(
            undefined,
        );
    });

    it("refuses a grant with nothing refresh-only to deny, naming the grant and the field", function () {
        expect(() =>
            previewerDenialOf({
                sid: "Keys",
                readOnly: ["apigateway:GET"],
                resources: [keys],
                deniedToPreviewer: [keys],
            }),
        ).to.throw(/^grant Keys: deniedToPreviewer needs refreshOnly actions/);
    });
});

describe("bootstrap: the previewer on what a streaming pipeline adds to the plan", function () {
    this.timeout(300_000);
    let added: { view: AccountView; calls: PlannedCall[] }[];

    before(async function () {
        added = await streamingAddedCalls();
    });

    it("is refused every create, change and delete call the streaming tier adds (the stream view's SQL, the roles, the endpoints, passing the role to Redshift), and allowed its reads", async function () {
        expect(streamingAdditionsMissing(added.flatMap((a) => a.calls))).to.deep.equal([]);
        // Reads a refresh makes, but not the refresh-only ones (scripts, secret values, API keys), which are the drift reader's.
        const refreshOnly: readonly string[] = Object.values(REFRESH_READ_TYPES);
        const previewReads = (call: PlannedCall) =>
            call.requirement.notOnRefresh === undefined && !refreshOnly.includes(call.resource.type);
        const judged = await Promise.all(
            added.map(({ view, calls }) => judgeReadOnly(view.previewer, calls, previewReads)),
        );
        expect(
            judged.flatMap((j) => j.allowedChanges),
            "added changes allowed to the previewer",
        ).to.deep.equal([]);
        expect(
            judged.flatMap((j) => j.refusedReads),
            "added reads refused to the previewer",
        ).to.deep.equal([]);
        expect(
            judged.reduce((sum, j) => sum + j.changes, 0),
            "added changes (creates, deletes, the view's SQL)",
        ).to.be.greaterThan(5);
        expect(
            judged.reduce((sum, j) => sum + j.reads, 0),
            "added reads (roles, policies, endpoints)",
        ).to.be.greaterThan(5);
    });
});
