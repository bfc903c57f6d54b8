/** Tests run from TypeScript sources through SWC (type checking is `npm run build`'s job).
 *  jose ships ESM only: Node 22 requires it natively, jest's module system needs it transformed. */
const swc = ["@swc/jest", { jsc: { target: "es2023" }, module: { type: "commonjs" } }];
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": swc, "/node_modules/jose/.+\\.js$": swc },
  transformIgnorePatterns: ["/node_modules/(?!jose/)"],
  testTimeout: 30000,
  maxWorkers: 2,
};
