#!/usr/bin/env node
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { renderMarkdown } from "./markdown";
import { summarizeStream } from "./summarize";

const USAGE = "usage: pcap-summary FILE [--json] [--top N]";
/** Above this, reading takes long enough that a silent terminal looks hung. */
const PROGRESS_THRESHOLD_BYTES = 50 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;

export const ExitCode = { ok: 0, unreadable: 1, usage: 2, notCapture: 3 } as const;

interface Io {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

/**
 * Summarises FILE (pcap or pcapng, also gzip- or zstd-compressed) to stdout as Markdown, or JSON
 * with --json; returns the exit code (3 when FILE is not a capture at all).
 */
export async function main(argv: string[], io: Io = process): Promise<number> {
  const args = parseArguments(argv);
  if (typeof args === "string") {
    io.stderr.write(`pcap-summary: ${args}\n${USAGE}\n`);
    return ExitCode.usage;
  }
  let size: number;
  try {
    const info = await stat(args.file);
    if (!info.isFile()) throw new Error("not a regular file");
    size = info.size;
  } catch (error) {
    io.stderr.write(`pcap-summary: cannot read ${args.file}: ${(error as Error).message}\n`);
    return ExitCode.unreadable;
  }
  const progress =
    io.stderr.isTTY || size > PROGRESS_THRESHOLD_BYTES
      ? progressReporter(io.stderr, size)
      : undefined;
  try {
    const summary = await summarizeStream(
      createReadStream(args.file, { highWaterMark: CHUNK_BYTES }),
      {
        topN: args.top,
        ...(progress ? { onProgress: progress } : {}),
      },
    );
    if (progress) io.stderr.write("\n");
    if (summary.notCapture !== undefined) {
      io.stderr.write(`pcap-summary: ${args.file} is not a capture: ${summary.notCapture}\n`);
      return ExitCode.notCapture;
    }
    io.stdout.write(args.json ? `${JSON.stringify(summary, null, 2)}\n` : renderMarkdown(summary));
    return ExitCode.ok;
  } catch (error) {
    io.stderr.write(`pcap-summary: cannot read ${args.file}: ${(error as Error).message}\n`);
    return ExitCode.unreadable;
  }
}

function parseArguments(argv: string[]): { file: string; json: boolean; top: number } | string {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: "boolean" }, top: { type: "string" } },
    });
  } catch (error) {
    return (error as Error).message;
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1)
    return positionals.length === 0 ? "missing FILE" : "exactly one FILE, please";
  const top = values.top === undefined ? 10 : Number(values.top);
  if (!Number.isInteger(top) || top < 1) return `--top needs a positive integer, got ${values.top}`;
  return { file: positionals[0]!, json: values.json ?? false, top };
}

/** Whole percents rewritten in place on a terminal; elsewhere every tenth, one per line, so a log stays short. */
function progressReporter(stderr: Io["stderr"], size: number): (bytesRead: number) => void {
  const step = stderr.isTTY ? 1 : 10;
  let shown = -1;
  return (bytesRead) => {
    const percent = size > 0 ? Math.floor((100 * bytesRead) / size / step) * step : 100;
    if (percent === shown) return;
    shown = percent;
    stderr.write(stderr.isTTY ? `\rreading: ${percent}%` : `reading: ${percent}%\n`);
  };
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
