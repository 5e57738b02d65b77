/** Reads the files the real CLI reads: `Pulumi.yaml` and `Pulumi.<stack>.yaml`. */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

export interface ProjectFile {
    readonly name: string;
    /** Folder holding Pulumi.yaml. */
    readonly dir: string;
    /** The compiled entry point that `main` names, absolute. */
    readonly entry: string;
}

export interface StackConfig {
    /** `namespace:key` -> value as the CLI hands it to the program (objects as JSON text). */
    readonly values: Record<string, string>;
    readonly secretKeys: string[];
}

/** A project or stack file that cannot be used: the message names the file (and line) and the rule. */
export class StackFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackFileError";
    }
}

/** A file's path as the user typed it: relative to where the command runs. */
function shown(file: string): string {
    return path.relative(process.cwd(), file) || file;
}

/** Parses a YAML file; a syntax error names the file, line and column. */
function loadYaml(file: string): unknown {
    try {
        return yaml.load(fs.readFileSync(file, "utf8"));
    } catch (err) {
        if (err instanceof yaml.YAMLException) {
            const at = err.mark ? `:${err.mark.line + 1}:${err.mark.column + 1}` : "";
            throw new StackFileError(`${shown(file)}${at}: invalid YAML: ${err.reason}`);
        }
        throw err;
    }
}

/** Marks where a `secure:` value stood; the plan never sees a real secret. */
export const SECRET_PLACEHOLDER_PREFIX = "<secret placeholder for ";

export function readProjectFile(dir: string): ProjectFile {
    const file = path.join(dir, "Pulumi.yaml");
    const doc = (loadYaml(file) ?? {}) as Record<string, unknown>;
    const name = doc.name;
    if (typeof name !== "string") throw new StackFileError(`${shown(file)}: 'name' is required`);
    const runtime = typeof doc.runtime === "string" ? doc.runtime : (doc.runtime as { name?: string } | undefined)?.name;
    if (runtime !== "nodejs") throw new StackFileError(`${shown(file)}: runtime must be nodejs (got ${JSON.stringify(runtime)})`);
    if (typeof doc.main !== "string") throw new StackFileError(`${shown(file)}: 'main' must name the compiled program`);
    const entry = path.resolve(dir, doc.main);
    if (!fs.existsSync(path.join(entry, "index.js")) && !fs.existsSync(entry)) {
        throw new StackFileError(`${shown(file)}: main '${doc.main}' does not exist (run \`npm run build\` first)`);
    }
    return { name, dir, entry };
}

export function stackFiles(project: ProjectFile): string[] {
    return fs
        .readdirSync(project.dir)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

export function readStackConfig(project: ProjectFile, stack: string): StackConfig {
    const file = path.join(project.dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        const existing = stackFiles(project);
        throw new StackFileError(`${project.name} has no stack ${JSON.stringify(stack)}: ${shown(file)} does not exist (its stacks: ${existing.join(", ") || "none"})`);
    }
    const doc = (loadYaml(file) ?? {}) as { config?: Record<string, unknown> };
    if (doc.config !== undefined && (doc.config === null || typeof doc.config !== "object" || Array.isArray(doc.config))) {
        throw new StackFileError(`${shown(file)}: 'config' must be a mapping of keys to values`);
    }
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [rawKey, value] of Object.entries(doc.config ?? {})) {
        const key = rawKey.includes(":") ? rawKey : `${project.name}:${rawKey}`;
        if (isSecure(value)) {
            values[key] = `${SECRET_PLACEHOLDER_PREFIX}${key}>`;
            secretKeys.push(key);
        } else if (value !== null && typeof value === "object") {
            values[key] = JSON.stringify(value);
        } else {
            values[key] = String(value);
        }
    }
    return { values, secretKeys };
}

function isSecure(value: unknown): boolean {
    return value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

/** The account a stack deploys into, from the AWS provider's own guard, `aws:allowedAccountIds`. */
export function stackAccount(config: StackConfig, where: string): string {
    const raw = config.values["aws:allowedAccountIds"];
    const ids = raw ? (JSON.parse(raw) as unknown) : undefined;
    if (!Array.isArray(ids) || ids.length !== 1 || typeof ids[0] !== "string") {
        throw new StackFileError(`${where}: aws:allowedAccountIds must list exactly the stack's one account`);
    }
    return ids[0];
}
