import { CaptureReader } from "./captureReader";
import { CaptureMatcher, type Side } from "./compareMatcher";
import { buildComparison } from "./compareReport";
import type { CaptureComparison, CompareOptions } from "./compareTypes";
import { Diagnostics } from "./diagnostics";

export type * from "./compareTypes";

type Source = NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

const DEFAULTS = { windowSeconds: 5, maxFlows: 100_000, maxPendingPackets: 2_000_000 };

/**
 * Compares two captures of the same traffic taken at its two ends (A and B), reading both streams
 * chunk by chunk, the one whose clock is behind first, so that memory stays bounded by the
 * matching window. Problems in a capture's content become warnings; a failing source rejects.
 * Each chunk is consumed before the next is asked for, so a source may reuse its buffer.
 */
export async function compareStreams(
  a: Source,
  b: Source,
  options: CompareOptions = {},
): Promise<CaptureComparison> {
  const limits = { ...DEFAULTS, ...definedOnly(options) };
  const diagnostics: [Diagnostics, Diagnostics] = [new Diagnostics(), new Diagnostics()];
  const shared = new Diagnostics();
  const matcher = new CaptureMatcher(limits, shared);
  const readers = ([0, 1] as const).map(
    (s) => new CaptureReader(matcher.sink(s), diagnostics[s], () => undefined),
  );
  const iterators = [a, b].map((source) =>
    (source as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator](),
  );
  const done = [false, false];
  for (let step = 0; step < Number.MAX_SAFE_INTEGER && !(done[0] && done[1]); step++) {
    const side: Side = done[0]
      ? 1
      : done[1]
        ? 0
        : matcher.lastTime[0] <= matcher.lastTime[1]
          ? 0
          : 1;
    const next = await iterators[side]!.next();
    const reader = readers[side]!;
    if (next.done || reader.stopped) {
      done[side] = true;
      reader.end();
      if (!next.done) await iterators[side]!.return?.();
    } else {
      const chunk = next.value;
      if (typeof chunk === "string")
        throw new TypeError(
          "compareStreams needs binary streams; one with an encoding set yields strings",
        );
      reader.push(
        Buffer.isBuffer(chunk)
          ? chunk
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
      );
    }
    const other = (1 - side) as Side;
    matcher.expire(other, done[side] ? Infinity : matcher.lastTime[side]);
    matcher.expire(side, done[other] ? Infinity : matcher.lastTime[other]);
  }
  matcher.finish();
  const warnings = [
    ...diagnostics[0].warnings().map((w) => `capture A: ${w}`),
    ...diagnostics[1].warnings().map((w) => `capture B: ${w}`),
    ...shared.warnings(),
  ];
  return buildComparison(matcher, warnings);
}

function definedOnly(options: CompareOptions): Partial<typeof DEFAULTS> {
  const picked: Partial<typeof DEFAULTS> = {};
  for (const name of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const value = options[name];
    if (value !== undefined) {
      if (!(Number.isFinite(value) && value > 0))
        throw new RangeError(`${name} must be a positive number, got ${value}`);
      picked[name] = value;
    }
  }
  return picked;
}
