/** Mutated captures for fuzzing the reader: deterministic from a seed, so that any failure replays. */
import { summarizeStream, type CaptureSummary } from "../../../lib/pcap";
import { chunked } from "./chunked";
import { captureVariants } from "./variants";

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  // mulberry32
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EXTREMES = [0, 0xffffffff, 0x7fffffff, 0x80000000, 0x0000ffff, 0x00040000];

function mutateOnce(input: Buffer, random: () => number): Buffer {
  const at = () => Math.floor(random() * Math.max(1, input.length));
  switch (Math.floor(random() * 6)) {
    case 0: {
      const out = Buffer.from(input);
      for (let i = 0, n = 1 + Math.floor(random() * 16); i < n && out.length > 0; i++) {
        const index = at();
        out[index] = out[index]! ^ (1 << Math.floor(random() * 8));
      }
      return out;
    }
    case 1: {
      // Length fields are 32-bit and aligned in both formats: lie in one of them.
      const out = Buffer.from(input);
      const offset = at() & ~3;
      if (offset + 4 <= out.length)
        out.writeUInt32LE(EXTREMES[Math.floor(random() * EXTREMES.length)]!, offset);
      return out;
    }
    case 2:
      return input.subarray(0, at());
    case 3: {
      const start = at();
      return Buffer.concat([
        input.subarray(0, start),
        input.subarray(start + Math.floor(random() * 256)),
      ]);
    }
    case 4: {
      const start = at();
      const piece = input.subarray(start, start + Math.floor(random() * 512));
      return Buffer.concat([input.subarray(0, start), piece, input.subarray(start)]);
    }
    default: {
      const start = at();
      const garbage = Buffer.from(
        Array.from({ length: Math.floor(random() * 512) }, () => Math.floor(random() * 256)),
      );
      return Buffer.concat([input.subarray(0, start), garbage, input.subarray(start)]);
    }
  }
}

export function mutatedCapture(random: () => number): Buffer {
  const variants = captureVariants();
  let bytes = variants[Math.floor(random() * variants.length)]!.bytes;
  for (let i = 0, n = 1 + Math.floor(random() * 3); i < n; i++) bytes = mutateOnce(bytes, random);
  return bytes;
}

export interface FuzzReport {
  cases: number;
  packets: number;
  withWarnings: number;
  maxHeapUsedBytes: number;
}

/** Summarises `cases` mutated captures in random chunk sizes; any exception propagates. */
export async function runFuzz(cases: number, seed: number): Promise<FuzzReport> {
  const random = prng(seed);
  const report: FuzzReport = { cases: 0, packets: 0, withWarnings: 0, maxHeapUsedBytes: 0 };
  for (let i = 0; i < cases; i++) {
    const bytes = mutatedCapture(random);
    const summary: CaptureSummary = await summarizeStream(
      chunked(bytes, 1 + Math.floor(random() * 8192)),
      { maxConversations: 1000, maxHosts: 1000 },
    );
    report.cases++;
    report.packets += summary.packets;
    if (summary.warnings.length > 0) report.withWarnings++;
    report.maxHeapUsedBytes = Math.max(report.maxHeapUsedBytes, process.memoryUsage().heapUsed);
  }
  return report;
}
