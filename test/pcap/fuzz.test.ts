import { Worker } from "node:worker_threads";
import { join } from "node:path";
import type { FuzzReport } from "./support/fuzzCases";

const CASES = 300;
/** A hard cap for the worker; the heap actually used must stay well below it. */
const HEAP_LIMIT_MB = 128;
const HEAP_EXPECTED_MB = 64;
const TIME_LIMIT_MS = 90_000;

/**
 * Runs TypeScript in a worker by compiling each required .ts file with SWC (as jest does), because a
 * worker is what lets the test cap the heap (resourceLimits) and stop a hung loop (terminate).
 */
const BOOTSTRAP = `
const { readFileSync } = require("node:fs");
const { workerData } = require("node:worker_threads");
const { transformSync } = require(workerData.swc);
require.extensions[".ts"] = (module, filename) => {
  const options = { filename, jsc: { target: "es2023", parser: { syntax: "typescript" } }, module: { type: "commonjs" } };
  module._compile(transformSync(readFileSync(filename, "utf8"), options).code, filename);
};
require(workerData.entry);
`;

function fuzzInWorker(cases: number, seed: number): Promise<FuzzReport> {
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: {
      cases,
      seed,
      entry: join(__dirname, "support", "fuzzWorker.ts"),
      swc: require.resolve("@swc/core"),
    },
    resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB },
  });
  return new Promise<FuzzReport>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`fuzzing did not finish within ${TIME_LIMIT_MS} ms`));
    }, TIME_LIMIT_MS);
    worker.on("message", (message: { report?: FuzzReport; error?: string }) => {
      clearTimeout(timer);
      void worker.terminate();
      if (message.report) resolve(message.report);
      else reject(new Error(message.error));
    });
    worker.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

test(
  `${CASES} mutated and truncated captures all end, in bounded heap, with a summary`,
  async () => {
    const report = await fuzzInWorker(CASES, 20240601);
    expect(report.cases).toBe(CASES);
    // The mutations really did damage files, and readable parts were still summarised.
    expect(report.withWarnings).toBeGreaterThan(CASES / 3);
    expect(report.packets).toBeGreaterThan(0);
    expect(report.maxHeapUsedBytes).toBeLessThan(HEAP_EXPECTED_MB * 1024 * 1024);
  },
  TIME_LIMIT_MS + 10_000,
);
