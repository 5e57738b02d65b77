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

/** Marks where a `secure:` value stood; the plan never sees a real secret. */
export const SECRET_PLACEHOLDER_PREFIX = "<secret placeholder for ";

export function readProjectFile(dir: string): ProjectFile {
    const file = path.join(dir, "Pulumi.yaml");
    const doc = yaml.load(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
    const name = doc.name;
    if (typeof name !== "string") throw new Error(`${file}: 'name' is required`);
    const runtime = typeof doc.runtime === "string" ? doc.runtime : (doc.runtime as { name?: string } | undefined)?.name;
    if (runtime !== "nodejs") throw new Error(`${file}: runtime must be nodejs (got ${JSON.stringify(runtime)})`);
    if (typeof doc.main !== "string") throw new Error(`${file}: 'main' must name the compiled program`);
    const entry = path.resolve(dir, doc.main);
    if (!fs.existsSync(path.join(entry, "index.js")) && !fs.existsSync(entry)) {
        throw new Error(`${file}: main '${doc.main}' does not exist (run \`npm run build\` first)`);
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
    if (!fs.existsSync(file)) throw new Error(`${project.name}: no stack file ${path.relative(process.cwd(), file)}`);
    const doc = (yaml.load(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
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
        throw new Error(`${where}: aws:allowedAccountIds must list exactly the stack's one account`);
    }
    return ids[0];
}
