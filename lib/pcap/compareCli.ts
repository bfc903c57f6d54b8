import { type FileReadResult, open, stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { ExitCode } from "./cli";
import { compareStreams } from "./compare";
import { comparisonDetails, comparisonVerdict } from "./compareText";
import type { CaptureComparison } from "./compareTypes";
import { count } from "./textFormat";

export const COMPARE_USAGE =
  "usage: pcap-summary --compare A.cap B.cap [--json] [--window SECONDS]";
const CHUNK_BYTES = 1024 * 1024;

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** `pcap-summary --compare A B`: what left one end and never reached the other, and how long it took. */
export async function compareMain(argv: string[], io: Io): Promise<number> {
  const args = parseArguments(argv);
  if (typeof args === "string") {
    io.stderr.write(`pcap-summary: ${args}\n${COMPARE_USAGE}\n`);
    return ExitCode.usage;
  }
  for (const file of args.files) {
    try {
      if (!(await stat(file)).isFile()) throw new Error("not a regular file");
    } catch (error) {
      io.stderr.write(`pcap-summary: cannot read ${file}: ${(error as Error).message}\n`);
      return ExitCode.unreadable;
    }
  }
  try {
    const [a, b] = args.files.map(fileChunks);
    const comparison = await compareStreams(
      a!,
      b!,
      args.window ? { windowSeconds: args.window } : {},
    );
    io.stdout.write(
      args.json ? `${JSON.stringify(comparison, null, 2)}\n` : renderText(comparison),
    );
    return ExitCode.ok;
  } catch (error) {
    io.stderr.write(`pcap-summary: cannot compare: ${(error as Error).message}\n`);
    return ExitCode.unreadable;
  }
}

/**
 * A file's bytes, read piece by piece into two buffers that the pieces take turns in: while the
 * comparison works on one piece, the next is already being read into the other (the read runs on
 * libuv's thread pool, so it overlaps the parsing instead of adding to the wall time). compareStreams
 * is done with a piece before it asks for the next, so the buffer it had can take the one after.
 * A read stream's fresh megabyte per read was most of the comparison's memory (garbage until the
 * next collection) and page-fault time.
 */
async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  const file = await open(path, "r");
  const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)] as const;
  // Up to the size the file had when opened: a file still being written ends there.
  const size = (await file.stat()).size;
  const readAt = (turn: number, offset: number): Promise<FileReadResult<Buffer>> => {
    const read = file.read(buffers[turn % 2]!, 0, Math.min(CHUNK_BYTES, size - offset), offset);
    // Handled here too: a read that fails before the consumer asks for it must reach the consumer
    // (awaited below), not end the process as an unhandled rejection in between.
    read.catch(() => undefined);
    return read;
  };
  let pending = size > 0 ? readAt(0, 0) : undefined;
  try {
    for (let offset = 0, turn = 0; pending; turn++) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) return;
      offset += bytesRead;
      pending = offset < size ? readAt(turn + 1, offset) : undefined;
      yield buffers[turn % 2]!.subarray(0, bytesRead);
    }
  } finally {
    // A read still under way when the consumer stops must end before the file closes.
    await pending?.catch(() => undefined);
    await file.close();
  }
}

function renderText(c: CaptureComparison): string {
  const names = { a: "A", b: "B" };
  const lines = [
    `# Capture comparison`,
    "",
    comparisonVerdict(c, names),
    "",
    ...comparisonDetails(c, names).map((line) => `- ${line}`),
    `- flows compared: ${count(c.flowsCompared)} (only in A: ${count(c.flowsOnlyInA)}, only in B: ${count(c.flowsOnlyInB)})`,
    "",
    "| from | to | sent | lost | share | p50 delay | p99 delay | retransmissions (lost / spurious) |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...c.directions.map(
      (d) =>
        `| ${d.from} (${d.sender.toUpperCase()}) | ${d.to} | ${count(d.sent)} | ${count(d.lost)} | ${(100 * d.lostShare).toFixed(1)} % | ${ms(d.delay?.p50Seconds)} | ${ms(d.delay?.p99Seconds)} | ${count(d.retransmissions.total)} (${count(d.retransmissions.originalLost)} / ${count(d.retransmissions.spurious)}) |`,
    ),
    ...(c.warnings.length > 0 ? ["", "Warnings:", ...c.warnings.map((w) => `- ${w}`)] : []),
  ];
  return `${lines.join("\n")}\n`;
}

function ms(seconds: number | undefined): string {
  return seconds === undefined ? "–" : `${(seconds * 1000).toFixed(2)} ms`;
}

function parseArguments(
  argv: string[],
): { files: string[]; json: boolean; window?: number } | string {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: "boolean" }, window: { type: "string" } },
    });
  } catch (error) {
    return (error as Error).message;
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 2) return "--compare needs exactly two capture files";
  const window = values.window === undefined ? undefined : Number(values.window);
  if (window !== undefined && !(Number.isFinite(window) && window > 0))
    return `--window needs a positive number of seconds, got ${values.window}`;
  return { files: positionals, json: values.json ?? false, ...(window ? { window } : {}) };
}
