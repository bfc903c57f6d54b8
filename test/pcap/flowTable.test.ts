import { FlowTable } from "../../lib/pcap/flowTable";

describe("FlowTable", () => {
  test("finds every key again across growth, and counts match a Map", () => {
    const table = new FlowTable(3, 1, 100_000);
    const reference = new Map<string, number>();
    const key = new Int32Array(3);
    let x = 12345;
    for (let i = 0; i < 60_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) | 0;
      key[0] = x & 0x3fff; // many repeats
      key[1] = -(x & 3);
      key[2] = 7;
      const entry = table.upsert(key);
      table.counters[entry]! += 1;
      const name = key.join();
      expect(table.created).toBe(!reference.has(name));
      reference.set(name, (reference.get(name) ?? 0) + 1);
    }
    expect(table.size).toBe(reference.size);
    for (let entry = 0; entry < table.size; entry++) {
      const name = [0, 1, 2].map((w) => table.keyWord(entry, w)).join();
      expect(table.counters[entry]).toBe(reference.get(name));
    }
  });

  test("refuses new keys once full, but still finds the old ones", () => {
    const table = new FlowTable(1, 1, 2);
    expect(table.upsert(Int32Array.of(1))).toBe(0);
    expect(table.upsert(Int32Array.of(2))).toBe(1);
    expect(table.upsert(Int32Array.of(3))).toBe(-1);
    expect(table.upsert(Int32Array.of(1))).toBe(0);
    expect(table.size).toBe(2);
  });
});
