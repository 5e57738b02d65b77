/**
 * API Gateway (REST) stages: access logs, execution logs and throttling. Method settings and usage plans
 * are resources of their own, paired with their stage by `restApi` + `stageName`.
 */
import { StackContext, StackResource, resourcePolicy, stackPolicy } from "./support/define";
import { asArray, asObject, asString, isUnknown, Plain, UNKNOWN, Unknown } from "./support/plain";

const STAGE = "aws:apigateway/stage:Stage";
const METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings";
const USAGE_PLAN = "aws:apigateway/usagePlan:UsagePlan";
/** Method settings for every method of the stage. */
const ALL_METHODS = "*/*";

export const apiGatewayAccessLogging = resourcePolicy({
    name: "apigateway-access-logging",
    description:
        "Every API Gateway stage writes access logs (accessLogSettings with a destinationArn and a format), one line per " +
        "request (Security Hub's APIGateway.9 asks the same of HTTP and WebSocket stages; no control covers REST).",
    severity: "medium",
    remediation: "Set accessLogSettings { destinationArn: <log group ARN>, format: <JSON line> } on the stage.",
    types: [STAGE],
    check: (context) => {
        const settings = context.props.accessLogSettings;
        if (isUnknown(settings)) return context.undetermined.note("accessLogSettings");
        const object = asObject(settings);
        if (object === undefined) {
            context.report("Stage has no accessLogSettings.");
            return;
        }
        for (const field of ["destinationArn", "format"]) {
            const value = object[field];
            if (isUnknown(value)) context.undetermined.note(`accessLogSettings.${field}`);
            else if (typeof value !== "string" || value.trim() === "")
                context.report(`Stage accessLogSettings has no ${field}.`);
        }
    },
});

/** The method settings that apply to every method of `stage` (methodPath `*\/*`). */
function stageWideSettings(stage: StackResource, resources: readonly StackResource[]): StackResource[] | Unknown {
    const stageName = asString(stage.props.stageName);
    const restApi = asString(stage.props.restApi);
    const matched: StackResource[] = [];
    let unresolved = false;
    for (const candidate of resources) {
        if (candidate.type !== METHOD_SETTINGS) continue;
        const pathValue = candidate.props.methodPath;
        const byDependency = (candidate.propertyDependencies.stageName ?? []).includes(stage.urn);
        const byValue =
            stageName !== undefined &&
            restApi !== undefined &&
            candidate.props.stageName === stageName &&
            candidate.props.restApi === restApi;
        if (byDependency || byValue) {
            if (isUnknown(pathValue)) unresolved = true;
            else if (pathValue === ALL_METHODS) matched.push(candidate);
        } else if (isUnknown(candidate.props.stageName) || isUnknown(candidate.props.restApi)) {
            if ((candidate.propertyDependencies.stageName ?? []).length === 0) unresolved = true;
        }
    }
    return matched.length === 0 && unresolved ? UNKNOWN : matched;
}

function settingsOf(methodSettings: StackResource): Record<string, Plain> | Unknown {
    const settings = methodSettings.props.settings;
    if (isUnknown(settings)) return UNKNOWN;
    return asObject(settings) ?? {};
}

function forEachStage(
    context: StackContext<object>,
    judge: (
        stage: StackResource,
        settings: Array<{ readonly resource: StackResource; readonly settings: Record<string, Plain> }>,
    ) => void,
): void {
    for (const stage of context.resources.filter((r) => r.type === STAGE)) {
        const wide = stageWideSettings(stage, context.resources);
        if (isUnknown(wide)) {
            context.undetermined.note(`method settings of ${stage.name}`);
            continue;
        }
        const resolved: Array<{ resource: StackResource; settings: Record<string, Plain> }> = [];
        for (const resource of wide) {
            const settings = settingsOf(resource);
            if (isUnknown(settings)) context.undetermined.note(`${resource.name}.settings`);
            else resolved.push({ resource, settings });
        }
        judge(stage, resolved);
    }
}

const LOGGING_LEVELS = ["ERROR", "INFO"];

export const apiGatewayExecutionLogging = stackPolicy({
    name: "apigateway-execution-logging",
    description:
        'Every API Gateway stage has stage-wide method settings ("*/*") with loggingLevel ERROR or INFO, so integration failures are logged.',
    control: { id: "APIGateway.1", title: "API Gateway REST and WebSocket API execution logging should be enabled" },
    severity: "medium",
    remediation:
        'Add an aws.apigateway.MethodSettings for the stage with methodPath "*/*" and settings.loggingLevel "ERROR" (or "INFO").',
    types: [STAGE, METHOD_SETTINGS],
    check: (context) => {
        forEachStage(context, (stage, settings) => {
            if (settings.length === 0) {
                context.report(
                    stage,
                    'Stage has no stage-wide MethodSettings (methodPath "*/*"), so execution logging is off.',
                );
                return;
            }
            for (const { resource, settings: s } of settings) {
                if (isUnknown(s.loggingLevel)) context.undetermined.note(`${resource.name}.settings.loggingLevel`);
                else if (!LOGGING_LEVELS.includes(asString(s.loggingLevel) ?? "OFF")) {
                    context.report(
                        stage,
                        `MethodSettings "${resource.name}" sets loggingLevel ${JSON.stringify(s.loggingLevel ?? "OFF")}; execution logging needs ERROR or INFO.`,
                    );
                }
            }
        });
    },
});

function positive(value: Plain): boolean {
    return typeof value === "number" && value > 0;
}

export const apiGatewayThrottling = stackPolicy({
    name: "apigateway-throttling",
    description:
        'Every API Gateway stage has stage-wide throttling (MethodSettings "*/*" with throttlingRateLimit and ' +
        "throttlingBurstLimit above 0) below the account limit, and every usage plan on the stage sets throttleSettings: " +
        "one client cannot exhaust the Kinesis shards or the account's request quota.",
    severity: "medium",
    remediation:
        'Set settings.throttlingRateLimit and settings.throttlingBurstLimit on the stage\'s "*/*" MethodSettings.',
    types: [STAGE, METHOD_SETTINGS, USAGE_PLAN],
    check: (context) => {
        forEachStage(context, (stage, settings) => {
            const throttled = settings.some(
                ({ settings: s }) => positive(s.throttlingRateLimit) && positive(s.throttlingBurstLimit),
            );
            const unknown = settings.some(
                ({ settings: s }) => isUnknown(s.throttlingRateLimit) || isUnknown(s.throttlingBurstLimit),
            );
            if (!throttled) {
                if (unknown) context.undetermined.note(`throttling of ${stage.name}`);
                else
                    context.report(
                        stage,
                        'Stage has no stage-wide throttling (MethodSettings "*/*" with throttlingRateLimit and throttlingBurstLimit > 0).',
                    );
            }
            const stageName = asString(stage.props.stageName);
            const restApi = asString(stage.props.restApi);
            for (const plan of context.resources.filter((r) => r.type === USAGE_PLAN)) {
                const stages = plan.props.apiStages;
                if (isUnknown(stages)) continue;
                const onThisStage = asArray(stages).some((entry) => {
                    const object = asObject(entry as Plain);
                    return object !== undefined && object.apiId === restApi && object.stage === stageName;
                });
                if (!onThisStage) continue;
                const planThrottle = asObject(plan.props.throttleSettings);
                if (
                    !isUnknown(plan.props.throttleSettings) &&
                    !(positive(planThrottle?.rateLimit ?? null) && positive(planThrottle?.burstLimit ?? null))
                ) {
                    context.report(
                        stage,
                        `Usage plan "${plan.name}" on this stage sets no throttleSettings (rateLimit and burstLimit > 0).`,
                    );
                }
            }
        });
    },
});

export const apiGatewayPolicies = [apiGatewayAccessLogging, apiGatewayExecutionLogging, apiGatewayThrottling];
