/**
 * Cross-capture comparison cost: `pcap-summary --compare A B` on two large captures of the same
 * traffic, against the single-file triage (`pcap-summary A`) measured in the same run. Goal:
 * comparing both files takes less than 2× triaging one. `node dist/bench/pcap/compareBench.js
 * [--size-mb N]` (default 256 per capture). B holds A's packets 5 ms later, minus every 97th
 * data segment, so the comparison's loss count is checked too.
 */
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const PAYLOAD = 1400;
const DROP_EVERY = 97;

/** Ethernet + IPv4 + TCP template, A (10.0.0.1:40000) → B (10.0.0.2:5201). */
function template(fromA: boolean, payload: number): Buffer {
  const frame = Buffer.alloc(14 + 20 + 20 + payload);
  frame.writeUInt16BE(0x0800, 12);
  frame[14] = 0x45;
  frame.writeUInt16BE(40 + payload, 16);
  frame[22] = 64;
  frame[23] = 6;
  frame.writeUInt32BE(fromA ? 0x0a000001 : 0x0a000002, 26);
  frame.writeUInt32BE(fromA ? 0x0a000002 : 0x0a000001, 30);
  frame.writeUInt16BE(fromA ? 40000 : 5201, 34);
  frame.writeUInt16BE(fromA ? 5201 : 40000, 36);
  frame[46] = 5 << 4;
  frame[47] = 0x10;
  return frame;
}

class PcapFile {
  private readonly fd: number;
  private readonly buffer = Buffer.alloc(4 << 20);
  private used = 0;
  bytes = 24;

  constructor(file: string) {
    this.fd = openSync(file, "w");
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2c3d4, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(262144, 16);
    header.writeUInt32LE(1, 20);
    writeSync(this.fd, header);
  }

  write(frame: Buffer, micros: number): void {
    if (this.used + 16 + frame.length > this.buffer.length) this.flush();
    const b = this.buffer;
    b.writeUInt32LE(Math.floor(micros / 1e6), this.used);
    b.writeUInt32LE(micros % 1e6, this.used + 4);
    b.writeUInt32LE(frame.length, this.used + 8);
    b.writeUInt32LE(frame.length, this.used + 12);
    frame.copy(b, this.used + 16);
    this.used += 16 + frame.length;
    this.bytes += 16 + frame.length;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    writeSync(this.fd, this.buffer, 0, this.used);
    this.used = 0;
  }
}

/** Writes both ends; returns how many A→B segments B never got. */
function writeEnds(
  fileA: string,
  fileB: string,
  bytes: number,
): { dropped: number; packets: number } {
  const a = new PcapFile(fileA);
  const b = new PcapFile(fileB);
  const data = template(true, PAYLOAD);
  const ack = template(false, 0);
  const start = 1_780_000_000 * 1e6;
  let dropped = 0;
  let packets = 0;
  for (let i = 0; a.bytes < bytes; i++) {
    const t = start + i * 100;
    data.writeUInt16BE(i & 0xffff, 18);
    data.writeUInt32BE((1 + i * PAYLOAD) >>> 0, 38);
    a.write(data, t);
    packets++;
    if (i % DROP_EVERY === 50) dropped++;
    else b.write(data, t + 5000);
    if (i % 2 === 1) {
      ack.writeUInt16BE((i >> 1) & 0xffff, 18);
      ack.writeUInt32BE((1 + (i + 1) * PAYLOAD) >>> 0, 42);
      b.write(ack, t + 5050);
      a.write(ack, t + 10050);
      packets++;
    }
  }
  a.close();
  b.close();
  return { dropped, packets };
}

interface Run {
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  stdout: string;
}

/**
 * Wall time, CPU time (user + system) which a shared, loaded machine distorts less, and peak RSS,
 * all from GNU `time`.
 */
function timed(args: string[]): Run {
  const started = process.hrtime.bigint();
  const run = spawnSync("/usr/bin/time", ["-f", "cpu %U %S rss %M", process.execPath, ...args], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (run.status !== 0) throw new Error(`pcap-summary failed: ${run.stderr.slice(-2000)}`);
  const [, user, system, rssKb] = /cpu ([\d.]+) ([\d.]+) rss (\d+)/.exec(run.stderr) ?? [];
  return {
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    cpuSeconds: Number(user) + Number(system),
    peakRssMb: Number(rssKb) / 1024,
    stdout: run.stdout,
  };
}

function main(): void {
  const { values } = parseArgs({ options: { "size-mb": { type: "string", default: "256" } } });
  const sizeMb = Number(values["size-mb"]);
  if (!(sizeMb > 0)) throw new Error(`--size-mb needs a positive number, got ${values["size-mb"]}`);
  const dir = mkdtempSync(join(tmpdir(), "pcap-compare-bench-"));
  try {
    const fileA = join(dir, "a.pcap");
    const fileB = join(dir, "b.pcap");
    const { dropped, packets } = writeEnds(fileA, fileB, sizeMb * 1024 * 1024);
    const cli = join(__dirname, "..", "..", "lib", "pcap", "cli.js");
    const triage = timed([cli, fileA, "--json"]);
    const compare = timed([cli, "--compare", fileA, fileB, "--json"]);
    const result = JSON.parse(compare.stdout) as {
      directions: Array<{ sender: string; lost: number; sent: number }>;
    };
    const lost = result.directions.filter((d) => d.sender === "a").reduce((n, d) => n + d.lost, 0);
    const ratio = compare.seconds / triage.seconds;
    const cpuRatio = compare.cpuSeconds / triage.cpuSeconds;
    console.log(
      [
        `two captures of ${sizeMb} MB (${packets.toLocaleString("en-US")} packets in A)`,
        `triage of A            ${triage.seconds.toFixed(2)} s wall, ${triage.cpuSeconds.toFixed(2)} s CPU, ${triage.peakRssMb.toFixed(0)} MB peak RSS (baseline)`,
        `compare A with B       ${compare.seconds.toFixed(2)} s wall = ${ratio.toFixed(2)}×, ${compare.cpuSeconds.toFixed(2)} s CPU = ${cpuRatio.toFixed(2)}× the triage of one (goal < 2×)`,
        `                       ${compare.peakRssMb.toFixed(0)} MB peak RSS = ${(compare.peakRssMb / triage.peakRssMb).toFixed(2)}× the triage's`,
        `losses found A→B       ${lost} (B was written without ${dropped})`,
      ].join("\n"),
    );
    if (lost !== dropped) {
      console.error(`compare bench: found ${lost} lost, expected ${dropped}`);
      process.exitCode = 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
