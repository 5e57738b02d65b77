import * as pulumi from "@pulumi/pulumi";

/**
 * A stack configuration value that breaks a rule. The message names the stack file, every offending key
 * and its rule.
 */
export class ConfigError extends Error {
    constructor(
        readonly problems: readonly string[],
        readonly stackFile = `Pulumi.${pulumi.getStack()}.yaml`,
    ) {
        super(`invalid stack configuration in ${stackFile}:\n  - ${problems.join("\n  - ")}`);
        this.name = "ConfigError";
    }
}

/** Edits (insert, delete, substitute) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
            );
        }
        previous = current;
    }
    return previous[b.length];
}

/** The candidate closest to `key` (case-insensitively), if it is close enough to be a likely typo. */
export function nearestKey(key: string, candidates: Iterable<string>): string | undefined {
    let best: { candidate: string; distance: number } | undefined;
    for (const candidate of candidates) {
        const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
        if (best === undefined || distance < best.distance) best = { candidate, distance };
    }
    return best !== undefined && best.distance <= Math.max(2, Math.floor(key.length / 3)) ? best.candidate : undefined;
}

const ACCOUNT_ID = /^\d{12}$/;
/** Commercial, China and GovCloud partitions, e.g. eu-central-1, us-gov-west-1, cn-north-1. */
const REGION =
    /^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-(north|south|east|west|central|northeast|southeast|northwest|southwest)-\d$/;

interface Bounds {
    readonly min: number;
    readonly max: number;
}

/**
 * Reads one project's `pulumi.Config` and checks every value, collecting all problems so a user fixes
 * their stack file in one pass. Call `done()` after the last read: it throws before any resource exists.
 */
export class ConfigReader {
    private readonly config: pulumi.Config;
    private readonly problems: string[] = [];
    /** Every key of this namespace the program reads or acknowledges: any other key in the file is a mistake. */
    private readonly knownKeys = new Set<string>();

    /** `documentedIn`: the file that documents every key of the namespace (named in unknown-key errors). */
    constructor(
        readonly namespace: string,
        readonly documentedIn: string,
    ) {
        this.config = new pulumi.Config(namespace);
    }

    private fail(key: string, rule: string, got?: unknown): void {
        const shown = got === undefined ? "" : ` (got ${JSON.stringify(got)})`;
        this.problems.push(`${this.fullKey(key)}: ${rule}${shown}`);
    }

    private fullKey(key: string): string {
        return key.includes(":") ? key : `${this.namespace}:${key}`;
    }

    private raw(key: string): string | undefined {
        this.knownKeys.add(
            key.includes(":") && key.startsWith(`${this.namespace}:`) ? key.slice(this.namespace.length + 1) : key,
        );
        if (key.includes(":")) {
            const [namespace, name] = key.split(":");
            return new pulumi.Config(namespace).get(name);
        }
        return this.config.get(key);
    }

    /** A required string. */
    requireString(key: string, rule?: { pattern: RegExp; description: string }): string {
        const value = this.raw(key);
        if (value === undefined || value === "") {
            this.fail(key, `is required${rule ? ` (${rule.description})` : ""}`);
            return "";
        }
        if (rule && !rule.pattern.test(value)) this.fail(key, `must be ${rule.description}`, value);
        return value;
    }

    /** An optional string; undefined when unset. */
    optionalString(key: string, rule?: { pattern: RegExp; description: string }): string | undefined {
        const value = this.raw(key);
        if (value === undefined || value === "") return undefined;
        if (rule && !rule.pattern.test(value)) this.fail(key, `must be ${rule.description}`, value);
        return value;
    }

    /** A secret string (a `secure:` value in the stack file). */
    requireSecret(key: string): pulumi.Output<string> {
        if (this.raw(key) === undefined) this.fail(key, "is required (set it with `pulumi config set --secret`)");
        return this.config.getSecret(key) ?? pulumi.secret("");
    }

    /** A 12-digit AWS account id. */
    accountId(key: string): string {
        return this.requireString(key, { pattern: ACCOUNT_ID, description: "a 12-digit AWS account id" });
    }

    /** The AWS region of the stack (`aws:region`). */
    region(): string {
        return this.requireString("aws:region", { pattern: REGION, description: "an AWS region such as eu-central-1" });
    }

    /** `pulumi.getStack()`, the stack name every AWS name holds, checked against STACK_NAME_RULE. */
    stackName(): string {
        const stack = pulumi.getStack();
        this.check(
            STACK_NAME_RULE.pattern.test(stack),
            "pulumi:stack",
            `the stack name must be ${STACK_NAME_RULE.description}`,
            stack,
        );
        return stack;
    }

    /** An integer within bounds, or the default when unset. */
    integer(key: string, bounds: Bounds, defaultValue: number): number {
        const value = this.raw(key);
        if (value === undefined || value === "") return defaultValue;
        const parsed = Number(value);
        if (!Number.isInteger(parsed) || parsed < bounds.min || parsed > bounds.max) {
            this.fail(key, `must be an integer from ${bounds.min} to ${bounds.max}`, value);
            return defaultValue;
        }
        return parsed;
    }

    /** One of a fixed set of values, or the default when unset. */
    oneOf<T extends string>(key: string, allowed: readonly T[], defaultValue: T): T {
        const value = this.raw(key);
        if (value === undefined || value === "") return defaultValue;
        if (!(allowed as readonly string[]).includes(value)) {
            this.fail(key, `must be one of ${allowed.join(", ")}`, value);
            return defaultValue;
        }
        return value as T;
    }

    /** `true` or `false`, or the default when unset. */
    boolean(key: string, defaultValue: boolean): boolean {
        const value = this.raw(key);
        if (value === undefined || value === "") return defaultValue;
        if (value !== "true" && value !== "false") {
            this.fail(key, "must be true or false", value);
            return defaultValue;
        }
        return value === "true";
    }

    /** A structured (YAML object or list) value, parsed; undefined when unset. */
    object<T>(key: string): T | undefined {
        const value = this.raw(key);
        if (value === undefined || value === "") return undefined;
        try {
            return JSON.parse(value) as T;
        } catch {
            this.fail(key, "must be a YAML object or list", value);
            return undefined;
        }
    }

    /** Records a problem found by the caller's own cross-field check. */
    check(condition: boolean, key: string, rule: string, got?: unknown): void {
        if (!condition) this.fail(key, rule, got);
    }

    /**
     * `aws:allowedAccountIds` must be exactly the stack's own account, so the provider itself refuses to
     * deploy with credentials for another account.
     */
    pinnedAccount(accountIdKey: string, accountId: string): void {
        const allowed = this.raw("aws:allowedAccountIds");
        let parsed: unknown;
        try {
            parsed = allowed === undefined ? undefined : JSON.parse(allowed);
        } catch {
            parsed = allowed;
        }
        if (!Array.isArray(parsed) || parsed.length !== 1 || parsed[0] !== accountId) {
            this.fail(
                "aws:allowedAccountIds",
                `must be ["${accountId}"], the value of ${this.fullKey(accountIdKey)}, so the AWS provider refuses any other account`,
                allowed,
            );
        }
    }

    /**
     * `aws:defaultTags` must tag every resource with `{ <tagKey>: <stack> }`: the bootstrap's deployer may
     * create and change only resources carrying it.
     */
    stackTagged(tagKey: string, stack: string): void {
        const defaultTags = this.object<{ tags?: Record<string, unknown> }>("aws:defaultTags");
        this.check(
            defaultTags?.tags?.[tagKey] === stack,
            "aws:defaultTags",
            `must be { tags: { "${tagKey}": "${stack}" } } (the stack name), so the deployer's tag conditions admit every resource`,
            defaultTags,
        );
    }

    /** Keys of this namespace that are valid in some configuration but not read in this one. */
    acknowledge(keys: readonly string[]): void {
        for (const key of keys) this.knownKeys.add(key);
    }

    /**
     * Throws one ConfigError listing every problem found, if any. A key of this project's namespace that the
     * program never read is one: a misspelling would otherwise leave its default silently in force.
     */
    done(): void {
        const prefix = `${this.namespace}:`;
        const own = [...this.knownKeys].filter((key) => !key.includes(":"));
        for (const fullKey of Object.keys(pulumi.runtime.allConfig()).sort()) {
            if (!fullKey.startsWith(prefix) || this.knownKeys.has(fullKey.slice(prefix.length))) continue;
            const nearest = nearestKey(fullKey.slice(prefix.length), own);
            this.problems.push(
                `${fullKey}: is not a key of this project${nearest ? ` (did you mean ${nearest}?)` : ""}; every key is documented in ${this.documentedIn}`,
            );
        }
        if (this.problems.length > 0) throw new ConfigError(this.problems);
    }
}

/** The short stack name used in resource names; validated so derived AWS names stay within their limits. */
export const STACK_NAME_RULE = {
    pattern: /^[a-z][a-z0-9]{0,9}$/,
    description: "1-10 lowercase letters and digits, starting with a letter",
};

/** The only retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
