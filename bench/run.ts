/**
 * `npm run bench`: every measurable hardening goal, in labelled sections —
 *   poll     status calls and history of our poll schedule vs naive 60 s polling
 *   pcap     summariser throughput and memory vs tshark (BENCH_PCAP_MB, default 256)
 *   latency  alert POST → first activity, vs a loopback HTTP round trip (issue 3)
 *   storms   1,000 posts for one VM (issue 7)
 *   herd     100 VMs at once (issue 7)
 * BENCH_ONLY=latency,storms runs a subset. Exits non-zero when a correctness goal is violated
 * (counts, 5xx, a section failing); timing goals are printed as ratios to their baselines only.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { alertLatencyBench } from "./alerts/alertLatency";
import { manyVmStorm, oneVmStorm } from "./alerts/alertStorms";

type Section = { key: string; title: string; run: () => Promise<string[]> };

const print = (line: string): void => console.log(line);

function pcapBench(sizeMb: string): Promise<string[]> {
  const script = path.join(__dirname, "pcap", "bench.js");
  const child = spawn(process.execPath, [script, "--size-mb", sizeMb], { stdio: "inherit" });
  return new Promise((resolve) =>
    child.once("exit", (code) => resolve(code === 0 ? [] : [`pcap bench exited with ${code}`])),
  );
}

const sections: Section[] = [
  {
    key: "poll",
    title: "poll schedule (bench/poll)",
    run: async () => {
      // Loaded here: it registers the orchestrator with @azure/functions, which warns outside a host.
      const { pollBench } = await import("./poll/pollBench.js");
      await pollBench();
      return [];
    },
  },
  {
    key: "pcap",
    title: `capture summariser (bench/pcap, ${process.env.BENCH_PCAP_MB ?? "256"} MB)`,
    run: () => pcapBench(process.env.BENCH_PCAP_MB ?? "256"),
  },
  {
    key: "latency",
    title: "alert → first activity latency (issue 3)",
    run: async () =>
      (await alertLatencyBench({ alerts: 200, isolated: 20, warmup: 10, goalP99Ms: 250 }, print))
        .violations,
  },
  {
    key: "storms",
    title: "alert storm: 1,000 concurrent posts for one VM (issue 7)",
    run: () => oneVmStorm(1000, print),
  },
  {
    key: "herd",
    title: "alert storm: 100 VMs at once (issue 7)",
    run: () => manyVmStorm(100, 120, print),
  },
];

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());
  const failures: string[] = [];
  for (const section of sections.filter((s) => !only || only.includes(s.key))) {
    print(`\n=== ${section.title} ===`);
    const started = Date.now();
    try {
      const violations = await section.run();
      for (const v of violations) print(`  VIOLATION: ${v}`);
      failures.push(...violations.map((v) => `${section.key}: ${v}`));
    } catch (error) {
      print(`  FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      failures.push(`${section.key}: ${error instanceof Error ? error.message : String(error)}`);
    }
    print(`(${section.key}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  print(`\n=== summary ===`);
  print(
    failures.length === 0
      ? "every correctness goal met (timing goals are above, as ratios to their baselines)"
      : `${failures.length} correctness goal(s) violated:\n${failures.map((f) => `  - ${f}`).join("\n")}`,
  );
  process.exitCode = failures.length === 0 ? 0 : 1;
}

void main();
