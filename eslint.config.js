// Typed linting over the TypeScript sources; the compiled output and native build are not linted.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "native/build/**", "**/*.mjs", "eslint.config.js", "rpc-schema/generated/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false, attributes: false } }],
      // Unused parameters named with a leading underscore document a deliberate signature.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // Tests and fixtures interpolate numbers and errors into messages on purpose.
      "@typescript-eslint/restrict-template-expressions": "off",
      // Control loops (`while (true)` with a break) are the clearest form for pollers and retry loops.
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
);
