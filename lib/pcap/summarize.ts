import { CaptureReader } from "./captureReader";
import { captureBytes } from "./decompress";
import { Diagnostics } from "./diagnostics";
import { buildSummary } from "./summaryReport";
import { TrafficStats } from "./trafficStats";
import type { CaptureSummary, SummarizeOptions } from "./types";

const DEFAULTS = {
  topN: 10,
  maxConversations: 100_000,
  maxHosts: 100_000,
  maxTimelineBuckets: 3600,
  timeBudgetMs: 120_000,
};

/**
 * Reads a pcap or pcapng capture from a stream, chunk by chunk, and summarises it; a gzip- or
 * zstd-compressed capture is decompressed on the way.
 *
 * Problems in the capture's content (truncation, corruption, hostile lengths, caps reached) never
 * reject: the summary covers what could be read and `warnings` says what went wrong. Errors of the
 * source itself (a failing download, a string stream) do reject, so that a caller can retry rather
 * than report a capture that was never fully read.
 */
export async function summarizeStream(
  source: NodeJS.ReadableStream | AsyncIterable<Uint8Array>,
  options: SummarizeOptions = {},
): Promise<CaptureSummary> {
  const limits = { ...DEFAULTS, ...definedOnly(options) };
  const diagnostics = new Diagnostics();
  // Processing time only: a slow download is the source's problem, not a hostile capture's.
  let busyMs = 0;
  let pushStartedAt = 0;
  const checkBudget = () => {
    if (busyMs + performance.now() - pushStartedAt > limits.timeBudgetMs)
      diagnostics.stop(
        `summary truncated: the ${limits.timeBudgetMs / 1000} s processing budget ran out after ${stats.packets} packets`,
      );
  };
  const stats = new TrafficStats(limits, diagnostics, checkBudget);
  const reader = new CaptureReader(stats, diagnostics, (linkType) => stats.addLinkType(linkType));
  let bytesRead = 0;
  const chunks = captureBytes(source as AsyncIterable<Uint8Array | string>, {
    onSourceBytes: (n) => (bytesRead += n),
    onCorrupt: (message) => diagnostics.note(message),
  });
  for await (const chunk of chunks) {
    pushStartedAt = performance.now();
    reader.push(chunk);
    checkBudget();
    busyMs += performance.now() - pushStartedAt;
    options.onProgress?.(bytesRead);
    // Nothing after a fatal problem can be trusted; leaving the loop also releases the source.
    if (reader.stopped) break;
  }
  reader.end();
  return buildSummary(stats, {
    format: reader.format,
    bytesRead,
    topN: limits.topN,
    warnings: diagnostics.warnings(),
    notCapture: reader.notCapture,
  });
}

function definedOnly(options: SummarizeOptions): Partial<typeof DEFAULTS> {
  const picked: Partial<typeof DEFAULTS> = {};
  for (const name of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const value = options[name];
    if (value !== undefined) {
      if (!Number.isInteger(value) || value < 1)
        throw new RangeError(`${name} must be a positive integer, got ${value}`);
      picked[name] = value;
    }
  }
  return picked;
}
