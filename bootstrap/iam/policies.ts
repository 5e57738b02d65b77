/**
 * The bootstrap's IAM documents, rendered from the tables: the deployer's, the previewer's and the drift
 * reader's managed policies, the workload boundary, and the API Gateway logging role's inline policy. All are plain
 * strings computed from configuration alone, so the plan shows them in full and tests read them there.
 */
import type { AccountRole } from "../config";
import {
    APIGATEWAY_LOGS_ROLE_NAME,
    DEPLOYER_ROLE_NAME,
    DRIFT_READER_ROLE_NAME,
    GITHUB_OIDC_HOST,
    PREVIEWER_ROLE_NAME,
    WORKLOAD_BOUNDARY_NAME,
} from "../../shared/naming";
import {
    allow,
    deny,
    IdentityStatement,
    identityDocument,
    managedPolicyDocuments,
    PolicyDocument,
} from "../../shared/iam";
import { deployerGrants, driftReaderGrants, Grant, previewerDenials, previewerGrants } from "./permissions";
import { stackLogGroups } from "./tables/common";
import { arn, Scope } from "./scope";

function statementOf(grant: Grant): IdentityStatement {
    const actions = [
        ...new Set([...(grant.readOnly ?? []), ...(grant.refreshOnly ?? []), ...(grant.deployOnly ?? [])]),
    ].sort();
    return allow(grant.sid, actions, [...grant.resources], grant.condition);
}

/**
 * Defence in depth: whatever the tables grow into, the deployer never touches the identities that
 * govern it. Stack names cannot collide with these (config refuses the reserved names).
 */
function bootstrapIdentitiesDeny(scope: Scope): IdentityStatement {
    const iam = (resource: string) => arn(scope, "iam", resource, { region: false });
    return deny(
        "DenyBootstrapIdentities",
        ["iam:*"],
        [
            iam(`role/${DEPLOYER_ROLE_NAME}`),
            iam(`role/${PREVIEWER_ROLE_NAME}`),
            iam(`role/${DRIFT_READER_ROLE_NAME}`),
            iam(`role/${APIGATEWAY_LOGS_ROLE_NAME}`),
            iam(`policy/${DEPLOYER_ROLE_NAME}-*`),
            iam(`policy/${PREVIEWER_ROLE_NAME}-*`),
            iam(`policy/${DRIFT_READER_ROLE_NAME}-*`),
            iam(`policy/${WORKLOAD_BOUNDARY_NAME}`),
            iam(`oidc-provider/${GITHUB_OIDC_HOST}`),
        ],
    );
}

/** The deployer's statements, in table order, before they are split into managed policies. */
export function deployerStatements(role: AccountRole, scope: Scope): IdentityStatement[] {
    return [
        ...deployerGrants(role, scope)
            .map(statementOf)
            .filter((s) => s.Action.length > 0),
        bootstrapIdentitiesDeny(scope),
    ];
}

/**
 * The previewer's reads, then its Denies (`deniedToPreviewer` in the table): refresh-only reads, such as an
 * API key's value, that one of those reads' patterns would otherwise cover.
 */
export function previewerStatements(role: AccountRole, scope: Scope): IdentityStatement[] {
    const denies = previewerDenials(role, scope).map((d) => deny(d.sid, [...d.actions].sort(), [...d.resources]));
    return [...previewerGrants(role, scope).map(statementOf), ...denies];
}

export function driftReaderStatements(role: AccountRole, scope: Scope): IdentityStatement[] {
    return driftReaderGrants(role, scope).map(statementOf);
}

export function deployerPolicies(role: AccountRole, scope: Scope): PolicyDocument<IdentityStatement>[] {
    return managedPolicyDocuments(deployerStatements(role, scope), DEPLOYER_ROLE_NAME);
}

export function previewerPolicies(role: AccountRole, scope: Scope): PolicyDocument<IdentityStatement>[] {
    return managedPolicyDocuments(previewerStatements(role, scope), PREVIEWER_ROLE_NAME);
}

export function driftReaderPolicies(role: AccountRole, scope: Scope): PolicyDocument<IdentityStatement>[] {
    return managedPolicyDocuments(driftReaderStatements(role, scope), DRIFT_READER_ROLE_NAME);
}

/**
 * What API Gateway writes with the account's CloudWatch role: execution logs into the log groups it
 * creates itself (`API-Gateway-Execution-Logs_<api id>/<stage>`), access logs into the stacks' groups.
 */
export function apiGatewayLogsPolicy(scope: Scope): PolicyDocument<IdentityStatement> {
    const groups = [arn(scope, "logs", "log-group:API-Gateway-Execution-Logs_*"), ...stackLogGroups(scope)];
    return identityDocument([
        allow(
            "WriteApiLogs",
            ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
            groups,
        ),
        allow("DescribeLogGroups", ["logs:DescribeLogGroups"], ["*"]),
    ]);
}
