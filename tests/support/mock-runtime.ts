/**
 * Runs components under the Pulumi SDK's mock runtime and records every resource they register, with its
 * inputs fully resolved, and the state the AWS-shaped mocks of `npm run plan` return for it (real ARN
 * formats, so a policy condition on a rule's ARN is checked against the ARN AWS would give).
 */
import * as pulumi from "@pulumi/pulumi";
import { mockCall, mockResource } from "../../tools/plan/aws-mocks";
import { settleRegistrations } from "../../tools/plan/sdk-adapter";

export const TEST_ACCOUNT = "111111111111";
export const TEST_REGION = "eu-central-1";

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    readonly inputs: Record<string, unknown>;
    readonly state: Record<string, unknown>;
}

class RecordingMocks implements pulumi.runtime.Mocks {
    readonly resources: RecordedResource[] = [];
    private readonly ctx = { account: TEST_ACCOUNT, region: TEST_REGION, project: "ops-test", stack: "test" };

    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, unknown> } {
        if (!args.custom) return { id: undefined, state: {} };
        const mocked = mockResource(args.type, args.name, args.inputs as Record<string, unknown>, this.ctx);
        this.resources.push({
            type: args.type,
            name: args.name,
            inputs: args.inputs as Record<string, unknown>,
            state: mocked.state,
        });
        return mocked;
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        return mockCall(args.token, args.inputs as Record<string, unknown>, this.ctx);
    }
}

/** Resolves an output's value under the mock runtime. */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(output).apply((v) => resolve(v as T)));
}

/**
 * Builds the components `program` creates and returns every resource registered, once all registrations
 * have completed. Throws what the program throws synchronously (argument validation).
 */
export async function recordResources(program: () => void): Promise<RecordedResource[]> {
    const mocks = new RecordingMocks();
    await pulumi.runtime.setMocks(mocks, "ops-test", "test", false);
    program();
    await settleRegistrations();
    return mocks.resources;
}

/** The recorded resources of one type. */
export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}

/**
 * Runs a program expected to refuse its input: the error it threw (undefined when it threw nothing) and
 * what it registered before throwing.
 */
export async function refusal(program: () => void): Promise<{ error: unknown; resources: RecordedResource[] }> {
    let error: unknown;
    const resources = await recordResources(() => {
        try {
            program();
        } catch (err) {
            error = err;
        }
    });
    return { error, resources };
}
