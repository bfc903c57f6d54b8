/**
 * `npm run fuzz [-- --count N --seed S --concurrency C]`: fuzzes the alert webhook on a fresh
 * local stack (default 10,000 bodies, seed 1, 16 in flight), prints the answers per status code,
 * and exits non-zero on any violation. A reported case replays alone with `--seed S --from I --count 1`.
 */
import { parseArgs } from "node:util";
import { vmId } from "../../test/e2e/support/testStack";
import { startBenchStack } from "../support/benchStack";
import { formatFuzzReport, fuzzWebhook } from "./fuzzWebhook";

function positiveInt(name: string, text: string | undefined, fallback: number): number {
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name} needs a non-negative integer, got ${text}`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: "string" },
      from: { type: "string" },
      seed: { type: "string" },
      concurrency: { type: "string" },
    },
  });
  const options = {
    count: positiveInt("count", values.count, 10_000),
    from: positiveInt("from", values.from, 0),
    seed: positiveInt("seed", values.seed, 1),
    concurrency: Math.max(1, positiveInt("concurrency", values.concurrency, 16)),
    vmResourceId: vmId("fuzz01"),
  };
  const stack = await startBenchStack();
  try {
    const report = await fuzzWebhook(stack, options);
    console.log(formatFuzzReport(report, options));
    if (report.violations.length > 0) process.exitCode = 1;
  } finally {
    await stack.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
