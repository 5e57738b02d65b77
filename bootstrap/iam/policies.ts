/**
 * The bootstrap's IAM documents, rendered from the tables: the deployer's, the previewer's and the drift
 * reader's managed policies, the workload boundary, and the API Gateway logging role's inline policy. All are plain
 * strings computed from configuration alone, so the plan shows them in full and tests read them there.
 */
import type { AccountRole } from "../config";
import { APIGATEWAY_LOGS_ROLE_NAME, DEPLOYER_ROLE_NAME, DRIFT_READER_ROLE_NAME, GITHUB_OIDC_HOST, PREVIEWER_ROLE_NAME, WORKLOAD_BOUNDARY_NAME } from "../../shared/naming";
import { document, PolicyDocument, PolicyStatement, splitIntoManagedPolicies } from "./document";
import { deployerGrants, driftReaderGrants, Grant, previewerDenials, previewerGrants, stackLogGroups } from "./permissions";
import { arn, Scope } from "./scope";

function statementOf(grant: Grant): PolicyStatement {
    const actions = [...new Set([...(grant.readOnly ?? []), ...(grant.refreshOnly ?? []), ...(grant.deployOnly ?? [])])].sort();
    return {
        Sid: grant.sid,
        Effect: "Allow",
        Action: actions,
        Resource: [...grant.resources],
        ...(grant.condition ? { Condition: grant.condition } : {}),
    };
}

/**
 * Defence in depth: whatever the tables grow into, the deployer never touches the identities that
 * govern it. Stack names cannot collide with these (config refuses the reserved names).
 */
function bootstrapIdentitiesDeny(scope: Scope): PolicyStatement {
    const iam = (resource: string) => arn(scope, "iam", resource, { region: false });
    return {
        Sid: "DenyBootstrapIdentities",
        Effect: "Deny",
        Action: ["iam:*"],
        Resource: [
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
    };
}

/** The deployer's statements, in table order, before they are split into managed policies. */
export function deployerStatements(role: AccountRole, scope: Scope): PolicyStatement[] {
    return [...deployerGrants(role, scope).map(statementOf).filter((s) => s.Action.length > 0), bootstrapIdentitiesDeny(scope)];
}

/**
 * The previewer's reads, then its Denies (`deniedToPreviewer` in the table): refresh-only reads, such as an
 * API key's value, that one of those reads' patterns would otherwise cover.
 */
export function previewerStatements(role: AccountRole, scope: Scope): PolicyStatement[] {
    const denies = previewerDenials(role, scope).map((d): PolicyStatement => ({ Sid: d.sid, Effect: "Deny", Action: [...d.actions].sort(), Resource: [...d.resources] }));
    return [...previewerGrants(role, scope).map(statementOf), ...denies];
}

export function driftReaderStatements(role: AccountRole, scope: Scope): PolicyStatement[] {
    return driftReaderGrants(role, scope).map(statementOf);
}

export function deployerPolicies(role: AccountRole, scope: Scope): PolicyDocument[] {
    return splitIntoManagedPolicies(deployerStatements(role, scope), DEPLOYER_ROLE_NAME);
}

export function previewerPolicies(role: AccountRole, scope: Scope): PolicyDocument[] {
    return splitIntoManagedPolicies(previewerStatements(role, scope), PREVIEWER_ROLE_NAME);
}

export function driftReaderPolicies(role: AccountRole, scope: Scope): PolicyDocument[] {
    return splitIntoManagedPolicies(driftReaderStatements(role, scope), DRIFT_READER_ROLE_NAME);
}

/**
 * What API Gateway writes with the account's CloudWatch role: execution logs into the log groups it
 * creates itself (`API-Gateway-Execution-Logs_<api id>/<stage>`), access logs into the stacks' groups.
 */
export function apiGatewayLogsPolicy(scope: Scope): PolicyDocument {
    const groups = [arn(scope, "logs", "log-group:API-Gateway-Execution-Logs_*"), ...stackLogGroups(scope)];
    return document([
        { Sid: "WriteApiLogs", Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"], Resource: groups },
        { Sid: "DescribeLogGroups", Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: ["*"] },
    ]);
}
