/** Unit tests run from TypeScript sources through SWC (type checking is `npm run build`'s job);
 *  end-to-end tests under test/e2e drive the compiled app on the local runtime. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2023" }, module: { type: "commonjs" } }] },
  testTimeout: 30000,
  maxWorkers: 2,
};
