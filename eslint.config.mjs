// Lint is part of `npm test`. Type-aware rules are left out on purpose: `tsc` already type-checks
// the whole tree in the same run, and the untyped rule set keeps lint under a few seconds.
import eslint from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["build/**", "node_modules/**", "plan/**", "**/*.js", "**/*.mjs"] },
    eslint.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
            "@typescript-eslint/no-require-imports": "off",
            eqeqeq: ["error", "always", { null: "ignore" }],
            "no-console": "off",
        },
    },
);
