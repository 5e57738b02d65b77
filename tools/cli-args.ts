/** Command-line flags of the `npm run` tools: `--help`, and one clear error per mistake. */
import { nearestKey } from "../shared/config";

export interface FlagSpec {
    /** `--stack`. */
    readonly name: string;
    /** Placeholder of its value (`NAME`); a flag without one is a switch. */
    readonly value?: string;
    readonly help: string;
    /** Shown without brackets in the usage line; the command itself checks it is given. */
    readonly required?: boolean;
}

export interface CommandSpec {
    /** `npm run plan`. */
    readonly command: string;
    /** What the command does, one or two sentences. */
    readonly summary: string;
    readonly flags: readonly FlagSpec[];
    /** Positional arguments (`PLAN.json...`), when the command takes them. */
    readonly positional?: { readonly name: string; readonly help: string };
}

/** A command-line mistake; the message names the argument and the rule. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

export interface ParsedFlags {
    readonly help: boolean;
    /** Flag name -> value (switches map to "true"). */
    readonly values: ReadonlyMap<string, string>;
    readonly positionals: readonly string[];
}

export function usageLine(spec: CommandSpec): string {
    const flag = (f: FlagSpec) => `${f.name}${f.value ? ` ${f.value}` : ""}`;
    const words = [
        ...spec.flags.map((f) => (f.required ? flag(f) : `[${flag(f)}]`)),
        ...(spec.positional ? [spec.positional.name] : []),
    ];
    // npm hands the tool only what follows `--`.
    return `usage: ${spec.command}${words.length > 0 ? ` -- ${words.join(" ")}` : ""}`;
}

export function helpText(spec: CommandSpec): string {
    const rows: Array<[string, string]> = [
        ...spec.flags.map((f): [string, string] => [`${f.name}${f.value ? ` ${f.value}` : ""}`, f.help]),
        ...(spec.positional ? [[spec.positional.name, spec.positional.help] as [string, string]] : []),
        ["--help, -h", "print this help and exit"],
    ];
    const width = Math.max(...rows.map(([left]) => left.length)) + 2;
    return [
        usageLine(spec),
        "",
        spec.summary,
        "",
        ...rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`),
    ].join("\n");
}

/** Parses `--flag value`, `--flag=value` and switches; an unknown flag names the nearest known one. */
export function parseFlags(spec: CommandSpec, argv: readonly string[]): ParsedFlags {
    const values = new Map<string, string>();
    const positionals: string[] = [];
    let help = false;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--help" || arg === "-h") {
            help = true;
            continue;
        }
        if (!arg.startsWith("-")) {
            if (!spec.positional)
                throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (this command takes flags only)`);
            positionals.push(arg);
            continue;
        }
        const eq = arg.indexOf("=");
        const name = eq > 0 ? arg.slice(0, eq) : arg;
        const flag = spec.flags.find((f) => f.name === name);
        if (!flag) {
            const names = spec.flags.map((f) => f.name);
            const nearest = names.find((n) => name.length > 3 && n.startsWith(name)) ?? nearestKey(name, names);
            throw new UsageError(`unknown flag ${name}${nearest ? ` (did you mean ${nearest}?)` : ""}`);
        }
        if (values.has(name)) throw new UsageError(`${name} is given twice`);
        if (!flag.value) {
            if (eq > 0) throw new UsageError(`${name} takes no value`);
            values.set(name, "true");
            continue;
        }
        const value = eq > 0 ? arg.slice(eq + 1) : argv[i + 1];
        if (value === undefined || value === "" || (eq < 0 && value.startsWith("--")))
            throw new UsageError(`${name} needs a value (${flag.value})`);
        if (eq < 0) i++;
        values.set(name, value);
    }
    return { help, values, positionals };
}

/** The stack name rule of every pipeline stack, checked before anything runs. */
export function checkStackFlag(value: string): string {
    if (!/^[a-z][a-z0-9]{0,9}$/.test(value))
        throw new UsageError(
            `--stack must be a stack name of 1-10 lowercase letters and digits, starting with a letter (got ${JSON.stringify(value)})`,
        );
    return value;
}
