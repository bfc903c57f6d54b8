import { combineRing } from "../../lib/recorder/ringTimeline";
import { ringHighlights } from "../../lib/recorder/ringHighlights";
import { writePcap, type CapturedPacket } from "../pcap/support/captureWriter";
import { summarize } from "../pcap/support/chunked";
import { ethernet, ipv4, tcp, TcpFlags } from "../pcap/support/packetBuilder";
import { LinkTypes } from "../pcap/support/scenarios";

const T0 = 1_767_225_600n; // 2026-01-01T00:00:00Z, epoch seconds
const NS = 1_000_000_000n;
const at = (s: number): bigint => T0 * NS + BigInt(Math.round(s * 1000)) * 1_000_000n;
const iso = (s: number) => new Date(Number(T0) * 1000 + s * 1000).toISOString();

const segment = (
  src: string,
  dst: string,
  sport: number,
  dport: number,
  flags: number,
  len = 0,
  seq = 1,
) =>
  ethernet(
    ipv4(
      { src, dst, protocol: 6 },
      tcp({ sport, dport, seq, ack: 1, flags, payload: Buffer.alloc(len) }),
    ),
  );

/** A steady web conversation for the whole ring: one 200-byte segment each second. */
function steady(from: number, to: number): CapturedPacket[] {
  const out: CapturedPacket[] = [];
  for (let s = from; s < to; s++)
    out.push({
      timeNs: at(s),
      data: segment("10.0.0.9", "10.0.0.4", 50000, 443, TcpFlags.ack, 200, 1 + s * 200),
    });
  return out;
}

/** Connection attempts to a closed port, each answered by a RST: 20 per second from `from`. */
function rstStorm(from: number, to: number): CapturedPacket[] {
  const out: CapturedPacket[] = [];
  for (let i = 0; i < (to - from) * 20; i++) {
    const s = from + i / 20;
    const port = 40000 + Math.round(from * 20) + i;
    out.push({ timeNs: at(s), data: segment("10.0.0.9", "10.0.0.7", port, 8081, TcpFlags.syn) });
    out.push({
      timeNs: at(s + 0.001),
      data: segment("10.0.0.7", "10.0.0.9", 8081, port, TcpFlags.rst | TcpFlags.ack),
    });
  }
  return out;
}

const file = (packets: CapturedPacket[]) =>
  summarize(
    writePcap(
      packets.sort((a, b) => Number(a.timeNs - b.timeNs)),
      { linkType: LinkTypes.ethernet },
    ),
    { topN: 100 },
  );

describe("a frozen ring as one timeline", () => {
  test("an RST storm starting 12 s before the alert, across two files, is dated and named", async () => {
    // File 1: 0–60 s steady; file 2: 60–90 s steady + storm from 78 s; alert fires at 90 s; file 3: 90–100 s.
    const summaries = [
      await file(steady(0, 60)),
      await file([...steady(60, 90), ...rstStorm(78, 90)]),
      await file([...steady(90, 100), ...rstStorm(90, 95)]),
    ];
    const t = combineRing(summaries, new Date(iso(90)));
    expect(t.files).toBe(3);
    expect(t.bursts[0]).toMatchObject({
      kind: "rst",
      endpoint: "10.0.0.7:8081",
      protocol: "tcp",
      startedAt: iso(78),
      secondsBeforeFired: 12,
    });
    // 240 attempts before the alert, 100 after; only the first 100 conversations per file are tracked.
    expect(t.bursts[0]!.count).toBeGreaterThanOrEqual(100);
    expect(t.timeline.firedBucket).toBe(90);
    expect(t.before.seconds).toBe(90);
    expect(t.after.seconds).toBeCloseTo(9, 0);
    // Before: 90 steady + 480 storm packets; after: 10 steady + 200 storm.
    expect(t.before.packets).toBe(90 + 480);
    expect(t.after.packets).toBe(10 + 200);
    expect(t.newConversations.before).toBeGreaterThan(0);

    const lines = ringHighlights(t);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^RST burst from 10\.0\.0\.7:8081 started 12 s before the alert fired \(2026-01-01T00:01:18\.000Z\)/,
      ),
    );
    expect(lines[1]).toMatch(/^Rate in the 90 s before the alert: 6\.3 packets\/s/);
  });

  test("a conversation split over files counts once, from its first appearance", async () => {
    const t = combineRing(
      [await file(steady(0, 30)), await file(steady(30, 60))],
      new Date(iso(45)),
    );
    expect(t.bursts).toEqual([]);
    expect(t.newConversations).toEqual({ before: 0, after: 0, biggestBefore: [] });
    expect(t.packets).toBe(60);
    expect(t.before.packets).toBe(45);
  });

  test("an empty selection still reports the fired time", () => {
    const t = combineRing([], new Date(iso(10)));
    expect(t).toMatchObject({ files: 0, packets: 0, firstPacketTime: null, bursts: [] });
    expect(ringHighlights(t)[0]).toMatch(/0 file\(s\), 0 packets/);
  });
});
