/**
 * The dev stacks planned with one streaming pipeline added (`streaming: true`, under a name no user would
 * pick): no committed declaration streams, so the bootstrap suites judge what the streaming tier adds to a
 * plan on this one. Planned once per test process.
 */
import { PipelineDefinition } from "../../../shared/pipeline-codegen/definition";
import { pipelines } from "../../../shared/pipelines";
import { redshiftStreamingRoleName, streamReaderRoleName } from "../../../shared/naming";
import { runPlan } from "../../../tools/plan/runner";
import { PlannedCall, plannedCalls } from "./coverage";
import { AccountView, accounts } from "./plans";

/** A streaming pipeline as a user would declare it. */
export const STREAMING_PROBE: PipelineDefinition = {
    name: "zz-bootstrap-stream",
    table: { schema: "tracking", name: "zz_bootstrap_stream" },
    columns: [
        { name: "request_id", type: "char", length: 36, nullable: false },
        { name: "seen_at", type: "timestamp", nullable: false },
    ],
    partitionKeyField: "request_id",
    eventTimeField: "seen_at",
    mergeKey: "request_id",
    streaming: true,
};

/** The environment stack the probe is planned in. */
export const STREAMING_STACK = "dev";

let planned: Promise<AccountView[]> | undefined;

/** The account views of the bootstrap stacks and the dev stacks with STREAMING_PROBE declared. */
export function streamingViews(): Promise<AccountView[]> {
    planned ??= (async () => {
        pipelines.push(STREAMING_PROBE);
        try {
            return await accounts(await runPlan({ stack: STREAMING_STACK, write: false }));
        } finally {
            pipelines.splice(pipelines.indexOf(STREAMING_PROBE), 1);
        }
    })();
    return planned;
}

/** A call by stack, resource, action and ARN: the same call in two plans has the same key. */
function callKey(call: PlannedCall): string {
    return JSON.stringify([
        call.plan.project,
        call.plan.stack,
        call.resource.type,
        call.resource.name,
        call.requirement.action,
        call.requirement.resource,
    ]);
}

/** The IAM calls the view's pipeline plans make that the same account's plans in `base` do not. */
export function addedCalls(view: AccountView, base: readonly AccountView[]): PlannedCall[] {
    const before = base.find((b) => b.account === view.account);
    if (!before) throw new Error(`no base plan of account ${view.account}`);
    const known = new Set(plannedCalls(before).map(callKey));
    return plannedCalls(view).filter((call) => !known.has(callKey(call)));
}

/** Per account of the streaming plan, the calls it makes that the committed stacks' plans do not. */
export async function streamingAddedCalls(): Promise<{ view: AccountView; calls: PlannedCall[] }[]> {
    const base = await accounts();
    return (await streamingViews()).map((view) => ({ view, calls: addedCalls(view, base) }));
}

/**
 * What the probe's streaming tier adds that the roles must be judged on: the stream view, each streaming
 * role and its inline policy, the Kinesis and STS interface endpoints, and handing the Redshift role to
 * Redshift (the namespace's `iamRoles`). Returns those missing from `calls`, so a suite judging `calls`
 * is known to judge them all.
 */
export function streamingAdditionsMissing(calls: readonly PlannedCall[]): string[] {
    const reader = streamReaderRoleName(STREAMING_STACK, STREAMING_PROBE.name);
    const redshift = redshiftStreamingRoleName(STREAMING_STACK);
    const wanted: [string, (call: PlannedCall) => boolean][] = [
        ["the stream view", (c) => c.resource.type === "pulumi-nodejs:dynamic/redshift:StreamView"],
        ...[reader, redshift].flatMap((role): [string, (call: PlannedCall) => boolean][] => [
            [`role ${role}`, (c) => c.resource.type === "aws:iam/role:Role" && c.resource.outputs.name === role],
            [
                `the inline policy of ${role}`,
                (c) => c.resource.type === "aws:iam/rolePolicy:RolePolicy" && c.resource.inputs.role === role,
            ],
        ]),
        ...["kinesis-streams", "sts"].map((service): [string, (call: PlannedCall) => boolean] => [
            `the ${service} interface endpoint`,
            (c) =>
                c.resource.type === "aws:ec2/vpcEndpoint:VpcEndpoint" &&
                String(c.resource.inputs.serviceName).endsWith(`.${service}`),
        ]),
        [
            `iam:PassRole of ${redshift} to Redshift`,
            (c) => c.requirement.action === "iam:PassRole" && c.requirement.resource.endsWith(`:role/${redshift}`),
        ],
    ];
    return wanted.filter(([, found]) => !calls.some(found)).map(([what]) => what);
}
