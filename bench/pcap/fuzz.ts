/** A longer fuzz run than the test suite's: `node dist/bench/pcap/fuzz.js [--cases N] [--seed S]`. */
import { parseArgs } from "node:util";
import { runFuzz } from "../../test/pcap/support/fuzzCases";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cases: { type: "string", default: "10000" },
      seed: { type: "string", default: String(Date.now() % 1e9) },
    },
  });
  const cases = Number(values.cases);
  const seed = Number(values.seed);
  const started = Date.now();
  const report = await runFuzz(cases, seed);
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `seed ${seed}: ${report.cases} cases in ${seconds.toFixed(1)} s, ${report.withWarnings} with warnings, ${report.packets} packets, max heap ${(report.maxHeapUsedBytes / 2 ** 20).toFixed(1)} MiB`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
