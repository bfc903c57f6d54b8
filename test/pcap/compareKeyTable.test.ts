import { CompareKeyTable } from "../../lib/pcap/compareKeyTable";
import { Fate, NONE, SightingRing } from "../../lib/pcap/sightingRing";
import { prng } from "./support/fuzzCases";

describe("CompareKeyTable", () => {
  test("agrees with a Map over random inserts, updates and removals, across growth", () => {
    const table = new CompareKeyTable();
    const reference = new Map<string, [number, number]>();
    const random = prng(42);
    // Few distinct keys, so probe runs form and removals shift entries back through them.
    const word = (): number => (Math.floor(random() * 64) - 32) * 0x1000193;
    const disagreements: string[] = [];
    const check = (what: string, ours: unknown, theirs: unknown): void => {
      if (ours !== theirs) disagreements.push(`${what}: ${String(ours)} ≠ ${String(theirs)}`);
    };
    const valuesOf = (entry: number): string => `${table.first(entry)},${table.last(entry)}`;
    let largest = 0;
    for (let i = 0; i < 100_000 && disagreements.length < 5; i++) {
      const key = [Math.floor(random() * 8), word(), word()] as const;
      const name = key.join();
      const roll = random();
      if (roll < 0.5) {
        const entry = table.upsert(...key);
        check(`created ${name}`, table.created, !reference.has(name));
        const values: [number, number] = table.created ? [i, i] : [reference.get(name)![0], i];
        table.setFirst(entry, values[0]);
        table.setLast(entry, values[1]);
        reference.set(name, values);
      } else {
        const entry = table.find(...key);
        check(`found ${name}`, entry >= 0, reference.has(name));
        if (entry < 0) continue;
        check(`values of ${name}`, valuesOf(entry), reference.get(name)!.join());
        if (roll < 0.8) {
          table.remove(entry);
          reference.delete(name);
        }
      }
      largest = Math.max(largest, table.size);
    }
    for (const [name, values] of reference) {
      const entry = table.find(...(name.split(",").map(Number) as [number, number, number]));
      check(`finally ${name}`, entry >= 0 && valuesOf(entry), values.join());
    }
    expect(disagreements).toEqual([]);
    expect(table.size).toBe(reference.size);
    expect(largest).toBeGreaterThan(4096); // grown several times
  });

  test("with isStale, keeps every live entry findable while sweeping stale ones out instead of growing", () => {
    // Values are arrival numbers; an entry is stale once its arrival is older than the newest 500.
    let oldestLive = 0;
    const table = new CompareKeyTable((first) => first < oldestLive);
    const random = prng(7);
    const live = new Map<string, number>();
    const lost: string[] = [];
    let largest = 0;
    for (let n = 0; n < 50_000; n++) {
      oldestLive = Math.max(0, n - 500);
      // Keys recur (300 flows × 400 words), so stale entries are also found and overwritten.
      const key = [Math.floor(random() * 300), Math.floor(random() * 400), 9] as const;
      const entry = table.upsert(...key);
      if (table.created || table.first(entry) < oldestLive) table.setFirst(entry, n);
      live.set(key.join(), table.first(entry));
      for (const [name, first] of live)
        if (first < oldestLive) live.delete(name);
        else if (n % 5000 === 0) {
          const found = table.find(...(name.split(",").map(Number) as [number, number, number]));
          if (found < 0 || table.first(found) !== first) lost.push(`${name} at ${n}`);
        }
      largest = Math.max(largest, table.size);
    }
    expect(lost).toEqual([]);
    // At most 500 live entries: sweeps keep the table at 2,048 entries, at most half of them held.
    // Without them it would hold every key ever seen (up to 120,000).
    expect(largest).toBeLessThanOrEqual(1024);
  });

  test("remapValues rewrites both values of every entry", () => {
    const table = new CompareKeyTable();
    for (let k = 0; k < 3000; k++) {
      const entry = table.upsert(1, k, -k);
      table.setFirst(entry, k);
      table.setLast(entry, 2 * k);
    }
    table.remapValues((v) => v + 7);
    const entry = table.find(1, 1234, -1234);
    expect([table.first(entry), table.last(entry)]).toEqual([1241, 2475]);
  });
});

describe("SightingRing", () => {
  test("keeps every live sighting, its fields and chain links across growth, and says where each moved", () => {
    const moves: Array<(slot: number) => number> = [];
    const ring = new SightingRing((moved) => moves.push(moved));
    const slots = new Map<number, number>(); // arrival number → slot, as a user of the ring keeps it
    const push = (n: number): void => {
      const grown = moves.length;
      const slot = ring.push(n / 10, n % 5, n, -n, n * 3, n % 2 === 0);
      if (moves.length > grown) for (const [k, s] of slots) slots.set(k, moves.at(-1)!(s));
      if (slots.has(n - 1)) ring.setNext(slots.get(n - 1)!, slot);
      slots.set(n, slot);
    };
    // The window starts later than 0, so the live range wraps around the first capacity.
    for (let n = 0; n < 3000; n++) push(n);
    for (let n = 0; n < 2500; n++) {
      ring.shift();
      slots.delete(n);
    }
    ring.setFate(slots.get(2600)!, Fate.matched);
    ring.setRetransmissions(slots.get(2700)!, 4);
    for (let n = 3000; n < 20_000; n++) push(n);
    expect(moves.length).toBe(3); // 4096 → 32768
    expect(ring.size).toBe(20_000 - 2500);
    expect(ring.headSlot).toBe(slots.get(2500));
    const wrong = [...slots].filter(
      ([n, slot]) =>
        ring.time(slot) !== n / 10 ||
        ring.flow(slot) !== n % 5 ||
        ring.keyA(slot) !== n ||
        ring.keyB(slot) !== -n ||
        ring.check(slot) !== n * 3 ||
        ring.udp(slot) !== (n % 2 === 0) ||
        ring.next(slot) !== (slots.get(n + 1) ?? NONE),
    );
    expect(wrong.map(([n]) => n)).toEqual([]);
    expect(ring.fate(slots.get(2600)!)).toBe(Fate.matched);
    expect(ring.fate(slots.get(2601)!)).toBe(Fate.pending);
    expect(ring.retransmissions(slots.get(2700)!)).toBe(4);
    // Arrival numbers: the live ones lead to their sightings' slots, the rest are not held.
    expect(ring.newestArrival()).toBe(19_999);
    expect([...slots].filter(([n, slot]) => !ring.holds(n) || ring.slotOf(n) !== slot)).toEqual([]);
    expect([0, 2499, 20_000].map((n) => ring.holds(n))).toEqual([false, false, false]);
  });
});
