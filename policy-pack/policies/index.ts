/**
 * Every policy of the pack, apart from the `PolicyPack` that serves them: constructing a `PolicyPack`
 * starts the analyzer's gRPC server, so tests, `npm run plan` and `npm run policy` import this module and
 * drive the policies through tools/policy/evaluate.ts instead.
 */
import type { EnforcementLevel } from "@pulumi/policy";
import { apiGatewayPolicies } from "./apigateway";
import { documentSizePolicies } from "./document-size";
import { gluePolicies } from "./glue";
import { iamPolicies } from "./iam";
import { operationsPolicies } from "./operations";
import { s3Policies } from "./s3";
import { streamingPolicies } from "./streaming";
import { DEFAULT_ENFORCEMENT_LEVEL, PackPolicy } from "./support/define";

export const PACK_NAME = "tracking-pipeline-least-privilege";

/** Applies to every policy the config does not give a level: a violation blocks the deployment. */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = DEFAULT_ENFORCEMENT_LEVEL;

export const policies: readonly PackPolicy[] = [
    ...iamPolicies,
    ...s3Policies,
    ...streamingPolicies,
    ...apiGatewayPolicies,
    ...gluePolicies,
    ...operationsPolicies,
    ...documentSizePolicies,
];

export type { PackPolicy, PackResourcePolicy, PackStackPolicy, SecurityHubControl } from "./support/define";
export { isStackPolicy } from "./support/define";
