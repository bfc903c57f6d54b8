/**
 * The comparison of a fixed-seed synthetic pair (test/pcap/support/syntheticPair), pinned whole:
 * the matcher is tuned for speed, and any change to what it reports must show up here as a
 * snapshot diff to be explained, not slip through. The independent checks come first: the losses
 * found each way are exactly the packets the pair builder dropped, and the clock offset is found.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { compareStreams } from "../../lib/pcap/compare";
import type { CaptureComparison } from "../../lib/pcap/compareTypes";
import { type SyntheticPair, syntheticPair } from "./support/syntheticPair";

const dir = mkdtempSync(join(tmpdir(), "pcap-compare-synthetic-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let pair: SyntheticPair;
let comparison: CaptureComparison;

beforeAll(async () => {
  pair = syntheticPair(dir, { bytes: 16 << 20, seed: 7, lossToServers: 0.05, lossToClients: 0.03 });
  // Odd chunk sizes, so records straddle chunk boundaries in both files.
  const chunks = (buffer: Buffer, size: number): Readable =>
    Readable.from(
      Array.from({ length: Math.ceil(buffer.length / size) }, (_, i) =>
        buffer.subarray(i * size, (i + 1) * size),
      ),
    );
  comparison = await compareStreams(chunks(pair.a, 65_521), chunks(pair.b, 40_009));
});

const lostBy = (sender: "a" | "b"): number =>
  comparison.directions.filter((d) => d.sender === sender).reduce((n, d) => n + d.lost, 0);

test("finds exactly the packets dropped on the path each way, and B's clock 250 ms ahead", () => {
  expect(pair.droppedToServers).toBeGreaterThan(40);
  expect(pair.droppedToClients).toBeGreaterThan(40);
  expect(lostBy("a")).toBe(pair.droppedToServers);
  expect(lostBy("b")).toBe(pair.droppedToClients);
  expect(comparison.directions.every((d) => d.unexplainedArrivals === 0)).toBe(true);
  // The generator retransmits the odd segment too, so at least the pair builder's resends.
  const originalLost = comparison.directions.reduce(
    (n, d) => n + d.retransmissions.originalLost,
    0,
  );
  expect(pair.retransmittedLost).toBeGreaterThan(20);
  expect(originalLost).toBeGreaterThanOrEqual(pair.retransmittedLost);
  expect(comparison.clock.offsetSeconds).toBeCloseTo(0.25, 2);
});

test("reports the same comparison as when it was pinned (a deliberate change updates the snapshot)", () => {
  // Thousands of client/server directions: the snapshot holds a digest of all of it, and the
  // totals and busiest directions readably, so that a diff shows roughly what moved.
  const { directions, ...rest } = comparison;
  const total = (pick: (d: (typeof directions)[number]) => number): number =>
    directions.reduce((n, d) => n + pick(d), 0);
  expect({
    sha256: createHash("sha256").update(JSON.stringify(comparison)).digest("hex"),
    ...rest,
    directions: directions.length,
    sent: total((d) => d.sent),
    lost: total((d) => d.lost),
    retransmissions: total((d) => d.retransmissions.total),
    originalLost: total((d) => d.retransmissions.originalLost),
    spurious: total((d) => d.retransmissions.spurious),
    busiest: directions.slice(0, 3),
  }).toMatchSnapshot();
});
