/**
 * Issue 18.3: a capture crafted so that every source address collides in the flow table's hash must
 * not turn lookups quadratic, and no capture may hold the summariser past its time budget.
 */
import { CaptureReader } from "../../lib/pcap/captureReader";
import { Diagnostics } from "../../lib/pcap/diagnostics";
import { FlowTable, MAX_PROBES } from "../../lib/pcap/flowTable";
import { TrafficStats } from "../../lib/pcap/trafficStats";
import { writePcap } from "./support/captureWriter";
import { summarize } from "./support/chunked";
import { ipv6, udp } from "./support/packetBuilder";

const T0 = 1_700_000_000n * 1_000_000_000n;
const RAW_IPV6 = 229;

/**
 * The hash the table used before issue 18.3: FNV word mixing and a murmur3 finaliser, all fixed and
 * invertible. Given the first four words of a key, any hash value can be reached by solving for the
 * fifth — which is what an attacker controlling the low 32 bits of an IPv6 source does.
 */
const FNV_PRIME = 0x01000193;
const M1 = 0x85ebca6b;
const M2 = 0xc2b2ae35;

function oldHash(words: number[]): number {
  let h = 0x811c9dc5 | 0;
  for (const w of words) h = Math.imul(h ^ w, FNV_PRIME);
  h ^= h >>> 16;
  h = Math.imul(h, M1);
  h ^= h >>> 13;
  h = Math.imul(h, M2);
  return (h ^ (h >>> 16)) & 0x7fffffff;
}

function inverseMod32(odd: number): number {
  let x = odd; // Newton's iteration doubles the correct low bits each step.
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(odd, x));
  return x;
}

/** The last key word that makes `oldHash([...prefix, word])` equal `target` (a 31-bit value). */
function wordFor(prefix: number[], target: number): number {
  let h = target;
  h ^= h >>> 16;
  h = Math.imul(h, inverseMod32(M2));
  h ^= (h >>> 13) ^ (h >>> 26);
  h = Math.imul(h, inverseMod32(M1));
  h ^= h >>> 16;
  let state = 0x811c9dc5 | 0;
  for (const w of prefix) state = Math.imul(state ^ w, FNV_PRIME);
  return Math.imul(h, inverseMod32(FNV_PRIME)) ^ state;
}

/** Sources in 2001:db8::/64 whose host keys [6, address words] all share the old hash's low 20 bits. */
function collidingSources(count: number): string[] {
  const prefix = [6, 0x20010db8, 0, 0x1234];
  return Array.from({ length: count }, (_, i) => {
    const word = wordFor(prefix, (i << 20) | 0x5a5a5) >>> 0;
    const hex = (n: number) => n.toString(16);
    return `2001:db8:0:1234:${hex(word >>> 16)}:${hex(word & 0xffff)}`;
  });
}

describe("hash flooding (issue 18.3)", () => {
  const sources = collidingSources(2000);

  test("the crafted sources really did collide in the old hash", () => {
    const words = (address: string) => {
      const groups = address.split(":").map((g) => parseInt(g, 16));
      return [6, 0x20010db8, 0, 0x1234, (groups[4]! << 16) | groups[5]! | 0];
    };
    const slots = new Set(sources.map((s) => oldHash(words(s)) & 0xfffff));
    expect(slots.size).toBe(1);
    expect(new Set(sources).size).toBe(sources.length);
  });

  test("a capture of them is read with a bounded number of probes per lookup", () => {
    const packets = sources.map((src, i) => ({
      timeNs: T0 + BigInt(i),
      data: ipv6({ src, dst: "2001:db8::1", nextHeader: 17 }, udp(1000, 53, Buffer.alloc(4))).bytes,
    }));
    const diagnostics = new Diagnostics();
    const stats = new TrafficStats(
      { maxHosts: 100_000, maxConversations: 100_000, maxTimelineBuckets: 10 },
      diagnostics,
    );
    const reader = new CaptureReader(stats, diagnostics, () => undefined);
    reader.push(writePcap(packets, { linkType: RAW_IPV6 }));
    reader.end();

    expect(diagnostics.warnings()).toEqual([]);
    expect(stats.hosts.size).toBe(sources.length + 1);
    expect(stats.hosts.probeLimitHits).toBe(0);
    const lookups = 2 * sources.length;
    // In the old table the collision chain grew with every source: ~1000 probes per lookup on average.
    expect(stats.hosts.probes / lookups).toBeLessThan(4);
    expect(stats.conversations.probes / sources.length).toBeLessThan(4);
  });

  test("even if every key collides, no lookup looks at more than MAX_PROBES slots", () => {
    // Multipliers of zero (never produced by randomHashKey) send every key to one slot.
    const table = new FlowTable(1, 1, 100_000, new Int32Array(33));
    const results: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const before = table.probes;
      results.push(table.upsert(Int32Array.of(i)));
      expect(table.probes - before).toBeLessThanOrEqual(MAX_PROBES);
    }
    expect(table.size).toBe(MAX_PROBES);
    expect(results.filter((r) => r < 0)).toHaveLength(1000 - MAX_PROBES);
    expect(table.probeLimitHits).toBe(1000 - MAX_PROBES);
    // Keys admitted before the chain got long are still found, not duplicated.
    expect(table.upsert(Int32Array.of(0))).toBe(0);
    expect(table.created).toBe(false);
  });
});

describe("time budget (issue 18.3)", () => {
  test("a capture that outlasts the budget ends with 'summary truncated', not a hang", async () => {
    const one = ipv6(
      { src: "2001:db8::2", dst: "2001:db8::1", nextHeader: 17 },
      udp(1, 2, Buffer.alloc(0)),
    );
    const count = 200_000;
    const packets = Array.from({ length: count }, (_, i) => ({
      timeNs: T0 + BigInt(i),
      data: one.bytes,
    }));
    const bytes = writePcap(packets, { linkType: RAW_IPV6 });
    // 200 000 packets cannot be decoded in 1 ms; without a budget all of them are.
    const truncated = await summarize(bytes, { timeBudgetMs: 1 });
    expect(truncated.packets).toBeLessThan(count);
    expect(truncated.warnings[0]).toMatch(
      /^reading stopped early: summary truncated: the 0\.001 s processing budget ran out after \d+ packets$/,
    );
    const whole = await summarize(bytes);
    expect(whole.packets).toBe(count);
    expect(whole.warnings).toEqual([]);
  });
});
