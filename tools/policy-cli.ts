/**
 * `npm run policy -- [--config <policy-config.json>] <plan.json>...`: runs the policy pack over plan files
 * (as `npm run plan` writes them) and prints every violation with its stack, resource and policy.
 *
 * Exit status: 0 when no mandatory violation, 1 when at least one, 2 on a usage error (no plan, an
 * unreadable or malformed plan file, an invalid pack config).
 */
import * as fs from "fs";
import * as path from "path";
import { CommandSpec, helpText, parseFlags, usageLine, UsageError } from "./cli-args";
import { DEFAULT_CONFIG_FILE, evaluatePlansDetailed, loadPackConfig, PolicyConfigError } from "./policy/evaluate";
import { StackPlan } from "./plan/types";

export const POLICY_COMMAND: CommandSpec = {
    command: "npm run policy",
    summary:
        "Runs the policy pack over plan files as `npm run plan` writes them and prints every violation with its stack,\nresource and policy. Exits 1 on a mandatory violation, 2 on a usage error.",
    flags: [
        {
            name: "--config",
            value: "FILE",
            help: `the pack's config (default ${path.relative(process.cwd(), DEFAULT_CONFIG_FILE)})`,
        },
    ],
    positional: { name: "PLAN.json...", help: "plan files, e.g. plan/*.json" },
};

function parseArgs(argv: readonly string[]): { configFile: string; planFiles: readonly string[] } | "help" {
    const flags = parseFlags(POLICY_COMMAND, argv);
    if (flags.help) return "help";
    if (flags.positionals.length === 0) throw new UsageError("no plan file given");
    return { configFile: flags.values.get("--config") ?? DEFAULT_CONFIG_FILE, planFiles: flags.positionals };
}

function requireField(
    file: string,
    where: string,
    value: unknown,
    field: string,
    type: "string" | "object" | "array",
): void {
    const actual = (value as Record<string, unknown>)[field];
    const ok =
        type === "array"
            ? Array.isArray(actual)
            : type === "object"
              ? actual !== null && typeof actual === "object" && !Array.isArray(actual)
              : typeof actual === type;
    if (!ok)
        throw new UsageError(
            `${file}: ${where}${field} must be ${type === "array" ? "an array" : `a${type === "object" ? "n" : ""} ${type}`}`,
        );
}

/** Reads a plan file: one StackPlan, or an array of them. Checks the fields the pack reads. */
function readPlans(file: string): StackPlan[] {
    if (!fs.existsSync(file)) throw new UsageError(`${file} does not exist (\`npm run plan\` writes plan/*.json)`);
    let parsed: unknown;
    try {
        parsed = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new UsageError(`${file}: ${(error as Error).message}`);
    }
    const plans = Array.isArray(parsed) ? parsed : [parsed];
    plans.forEach((plan, p) => {
        const at = Array.isArray(parsed) ? `[${p}].` : "";
        if (plan === null || typeof plan !== "object")
            throw new UsageError(`${file}: ${at || "the file "}must be a stack plan object`);
        for (const field of ["project", "stack", "account", "region"]) requireField(file, at, plan, field, "string");
        requireField(file, at, plan, "resources", "array");
        (plan as StackPlan).resources.forEach((resource, r) => {
            const where = `${at}resources[${r}].`;
            if (resource === null || typeof resource !== "object")
                throw new UsageError(`${file}: ${where.slice(0, -1)} must be an object`);
            for (const field of ["urn", "type", "name"]) requireField(file, where, resource, field, "string");
            for (const field of ["inputs", "outputs", "options"]) requireField(file, where, resource, field, "object");
            if (!Array.isArray(resource.options.dependsOn))
                throw new UsageError(`${file}: ${where}options.dependsOn must be an array`);
        });
    });
    return plans as StackPlan[];
}

function main(argv: readonly string[]): number {
    let plans: StackPlan[];
    let configFile: string;
    try {
        const args = parseArgs(argv);
        if (args === "help") {
            console.log(helpText(POLICY_COMMAND));
            return 0;
        }
        configFile = args.configFile;
        plans = args.planFiles.flatMap(readPlans);
    } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        console.error(`policy: ${error.message}\n${usageLine(POLICY_COMMAND)}`);
        return 2;
    }

    let evaluation;
    try {
        evaluation = evaluatePlansDetailed(plans, loadPackConfig(configFile));
    } catch (error) {
        if (!(error instanceof PolicyConfigError)) throw error;
        console.error(`policy: ${configFile}: ${error.message}`);
        return 2;
    }

    for (const v of evaluation.violations) {
        console.log(`[${v.enforcementLevel}] ${v.project}/${v.stack} ${v.urn}\n    ${v.policy}: ${v.message}`);
    }
    for (const u of evaluation.undetermined) {
        console.log(`[undetermined] ${u.project}/${u.stack} ${u.urn}\n    ${u.policy}: ${u.message}`);
    }
    const mandatory = evaluation.violations.filter((v) => v.enforcementLevel === "mandatory").length;
    const resources = plans.reduce((sum, plan) => sum + plan.resources.length, 0);
    console.log(
        `policy pack over ${plans.length} stack(s), ${resources} resource(s): ${mandatory} mandatory violation(s), ` +
            `${evaluation.violations.length - mandatory} advisory, ${evaluation.undetermined.length} undetermined`,
    );
    return mandatory > 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
