import { decide as decideAny, Decision, Policies, Request } from "../../support/iam-decision";

export type { Decision };
export type AccessRequest = Request;
export type PolicySet = Policies;

const ROLE_ARN = /^arn:[a-z-]+:iam::\d{12}:role\//;

/** {@link decideAny} for the data-platform grants, whose every caller is a role (Firehose, Glue, the deployer). */
export async function decide(request: AccessRequest, policies: PolicySet): Promise<Decision> {
    if (!ROLE_ARN.test(request.principal))
        throw new Error(`the test's principal must be a role ARN (got ${request.principal})`);
    return decideAny(request, policies);
}
