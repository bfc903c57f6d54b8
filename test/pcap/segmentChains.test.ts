import { SegmentChains } from "../../lib/pcap/segmentChains";
import { SightingRing } from "../../lib/pcap/sightingRing";
import { prng } from "./support/fuzzCases";

/**
 * SegmentChains lets the comparison skip its retransmission index for a segment only when no
 * segment with the same sequence number and length is in the window. Checked against a brute-force
 * list of the window's first transmissions, over traffic made to break it: retransmissions,
 * reordering, jumps, sequence numbers wrapping past 2³², jumps of nearly 2³¹, a sliding window.
 */
test("a segment is chained only when no segment with its sequence number and length is in the window", () => {
  const random = prng(2024);
  const ring = new SightingRing(() => undefined);
  const chains = new SegmentChains(ring);
  const WINDOW = 300;
  /** First transmissions in the window: arrival → flow, seq, length. */
  const firsts = new Map<number, [number, number, number]>();
  const next = [0xfffff000 | 0, 100, 0x7ffffff0, -5];
  const sent: number[][] = [[], [], [], []];
  const wrong: string[] = [];
  let chained = 0;
  for (let n = 0; n < 60_000 && wrong.length < 5; n++) {
    const flow = Math.floor(random() * 4);
    const length = random() < 0.1 ? 0 : 1 + Math.floor(random() * 1500);
    const roll = random();
    let seq: number;
    const advance = Math.max(length, 1);
    if (roll < 0.05 && sent[flow]!.length > 0) {
      // A retransmission (or a reordered segment): an earlier start, sometimes another length.
      seq = sent[flow]![Math.floor(random() * sent[flow]!.length)]!;
    } else {
      // Flow 3 also jumps wildly (a capture's garbage, a reused 5-tuple); flows 0–2 only skip gaps.
      if (flow === 3 && roll < 0.052)
        next[flow] = (next[flow]! + Math.floor(random() * 2 ** 31)) | 0;
      else if (roll < 0.08) next[flow] = (next[flow]! + 1 + Math.floor(random() * 5000)) | 0; // a gap
      seq = next[flow]!;
      next[flow] = (seq + advance) | 0;
      sent[flow]!.push(seq);
      if (sent[flow]!.length > 50) sent[flow]!.shift();
    }
    ring.push(n, flow, seq, 0, length * 256, false);
    if (ring.size > WINDOW) {
      ring.shift();
      firsts.delete(ring.oldestArrival() - 1);
    }
    const arrival = ring.newestArrival();
    const repeats = [...firsts.values()].some(
      ([f, s, l]) => f === flow && s === seq && l === length,
    );
    if (chains.extend(flow, seq, advance, arrival)) {
      chained++;
      if (repeats) wrong.push(`#${n}: flow ${flow} seq ${seq} length ${length} chained`);
      firsts.set(arrival, [flow, seq, length]);
    } else if (!repeats) {
      chains.indexed(flow, arrival);
      firsts.set(arrival, [flow, seq, length]);
    }
  }
  expect(wrong).toEqual([]);
  // Mostly in order, so most segments are chained: the point of it.
  expect(chained).toBeGreaterThan(40_000);
});

test("a chain never spans half the sequence space: past that, a repeat after wrapping could be chained", () => {
  const ring = new SightingRing(() => undefined);
  const chains = new SegmentChains(ring);
  const send = (seq: number): boolean => {
    ring.push(0, 0, seq | 0, 0, 1000 * 256, false);
    return chains.extend(0, seq | 0, 1000, ring.newestArrival());
  };
  // 0, then 1.5 GB on (gaps are allowed), then 3 GB on: that one would make the span pass 2³¹.
  expect([send(0), send(0x60000000), send(0xc0000000)]).toEqual([true, true, false]);
  chains.indexed(0, ring.newestArrival());
  // 4 GB on is 0 again, the same segment as the first, which is still in the window.
  expect(send(0x100000000)).toBe(false);
});

test("a chain whose segments all left starts afresh only once no indexed segment is in the window", () => {
  const ring = new SightingRing(() => undefined);
  const chains = new SegmentChains(ring);
  const send = (seq: number): boolean => {
    ring.push(0, 0, seq, 0, 1000 * 256, false);
    return chains.extend(0, seq, 1000, ring.newestArrival());
  };
  expect(send(10_000)).toBe(true);
  expect(send(5_000)).toBe(false); // behind the chain: indexed
  chains.indexed(0, ring.newestArrival());
  ring.shift(); // the chained segment leaves; the indexed one stays
  expect(send(5_000)).toBe(false); // its repeat must be looked up, not start a chain
  ring.shift();
  ring.shift(); // nothing of the flow left in the window
  expect(send(5_000)).toBe(true);
});
