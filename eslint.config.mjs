// House rules: typescript-eslint's type-checked recommendations where they catch real bugs
// (floating promises, misused promises, unsafe any flowing into typed code), over every
// TypeScript file the build compiles. Formatting is Prettier's job, not ESLint's.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      ".local/**",
      ".package/**",
      "coverage/**",
      "**/*.js",
      "**/*.mjs",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_" },
      ],
      // Async functions without await implement async interfaces (ports, fakes); not a bug here.
      "@typescript-eslint/require-await": "off",
      // String(value) on untyped JSON (history events, table entities) is deliberate rendering.
      "@typescript-eslint/no-base-to-string": "off",
    },
  },
  {
    // Tests read JSON answers and use jest's asymmetric matchers (typed any) on purpose.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
    },
  },
);
