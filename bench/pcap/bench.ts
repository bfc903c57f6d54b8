/**
 * Throughput and peak memory of our summariser beside tshark and capinfos, on one generated capture:
 * `node dist/bench/pcap/bench.js [--size-mb N]` (default 1024). tshark is the named baseline; the
 * goal is at least 5× its throughput with a peak RSS under 150 MB.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeSyntheticCapture } from "./syntheticCapture";

const TIME = "/usr/bin/time";
const RSS_POLL_MS = 20;

interface Measurement {
  tool: string;
  seconds: number;
  peakRssMb: number;
  stdout: string;
}

/** Runs a command to completion, timing it and taking its peak RSS from `time -v`, or by polling VmHWM. */
async function measure(tool: string, command: string, args: string[]): Promise<Measurement> {
  const viaTime = existsSync(TIME);
  const started = process.hrtime.bigint();
  const child = viaTime ? spawn(TIME, ["-v", command, ...args]) : spawn(command, args);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  let polledKb = 0;
  const poll = viaTime
    ? undefined
    : setInterval(() => (polledKb = Math.max(polledKb, vmHwmKb(child.pid))), RSS_POLL_MS);
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearInterval(poll);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`${tool} exited with ${code}: ${stderr.slice(-2000)}`);
  const rssKb = viaTime
    ? Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? NaN)
    : polledKb;
  return { tool, seconds, peakRssMb: rssKb / 1024, stdout };
}

function vmHwmKb(pid: number | undefined): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0; // the process has just exited
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { "size-mb": { type: "string", default: "1024" } } });
  const sizeMb = Number(values["size-mb"]);
  if (!(sizeMb > 0)) throw new Error(`--size-mb needs a positive number, got ${values["size-mb"]}`);
  const dir = mkdtempSync(join(tmpdir(), "pcap-bench-"));
  const file = join(dir, "synthetic.pcap");
  const cleanUp = () => rmSync(dir, { recursive: true, force: true });
  process.once("SIGINT", () => {
    cleanUp();
    process.exit(130);
  });
  try {
    const generatedAt = Date.now();
    const capture = writeSyntheticCapture(file, sizeMb * 1024 * 1024);
    const mb = capture.bytes / 1e6;
    console.log(
      `capture: ${mb.toFixed(0)} MB, ${capture.packets.toLocaleString("en-US")} packets (generated in ${((Date.now() - generatedAt) / 1000).toFixed(1)} s)`,
    );

    const cli = join(__dirname, "..", "..", "lib", "pcap", "cli.js");
    const ours = await measure("pcap-summary (ours)", process.execPath, [cli, file, "--json"]);
    const summary = JSON.parse(ours.stdout) as { packets: number; warnings: string[] };
    if (summary.packets !== capture.packets || summary.warnings.length > 0) {
      throw new Error(
        `our summary is wrong: ${summary.packets} packets, warnings ${JSON.stringify(summary.warnings)}`,
      );
    }
    const tshark = await measure("tshark -q -z conv,tcp", "tshark", [
      "-n",
      "-q",
      "-z",
      "conv,tcp",
      "-r",
      file,
    ]);
    const capinfos = await measure("capinfos", "capinfos", [file]);

    console.log("");
    console.log("| tool | seconds | MB/s | packets/s | peak RSS MB | throughput vs tshark |");
    console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (const m of [ours, tshark, capinfos]) {
      const ratio = tshark.seconds / m.seconds;
      console.log(
        `| ${m.tool} | ${m.seconds.toFixed(2)} | ${(mb / m.seconds).toFixed(0)} | ${Math.round(capture.packets / m.seconds).toLocaleString("en-US")} | ${m.peakRssMb.toFixed(0)} | ${ratio.toFixed(1)}× |`,
      );
    }
    const speedup = tshark.seconds / ours.seconds;
    console.log("");
    console.log(
      `goal ≥5× tshark: ${speedup >= 5 ? "met" : "NOT met"} (${speedup.toFixed(1)}×); goal peak RSS < 150 MB: ${ours.peakRssMb < 150 ? "met" : "NOT met"} (${ours.peakRssMb.toFixed(0)} MB)`,
    );
  } finally {
    cleanUp();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
