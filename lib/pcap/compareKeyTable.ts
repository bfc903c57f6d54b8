import { avalanche, HASH_START, PROCESS_HASH_KEY } from "./flowTable";

const INITIAL_ENTRIES = 1024;
/**
 * Words per entry, side by side so that a probe reads one cache line: the hash (0 marks a free
 * entry), the key's three words, then the two values.
 */
const STRIDE = 6;
const HASH = 0;
const FLOW = 1;
const KEY_A = 2;
const KEY_B = 3;
const FIRST = 4;
const LAST = 5;

/**
 * A hash table from three 32-bit words (a flow's index and two words of a packet's identity) to
 * two 32-bit values, with removal: the comparison's per-packet index of the sightings in its window.
 *
 * It replaces Maps keyed by 48-bit numbers, which boxed every key (a heap number per packet, the
 * bulk of the comparison's garbage) and spread each lookup over several objects: here an entry is
 * six words in one typed array, so a packet allocates nothing and a lookup touches one cache line.
 * Open addressing with linear probing, kept at most half full; removal shifts the rest of the probe
 * run back (no tombstones, so lookups never slow down as sightings come and go). The hash is keyed
 * with the per-process secret the flow table uses, so a capture cannot be crafted to pile its
 * packets into one probe run.
 *
 * A table given `isStale` may leave entries whose values have gone stale (by that test) in place
 * rather than have each removed: its owner treats a stale entry it finds as absent and overwrites
 * it. When the table would pass half full it first drops the stale entries, and grows only if the
 * rest fill more than a quarter, so a sweep comes at most once every quarter capacity of inserts.
 */
export class CompareKeyTable {
  /** Entries held, stale ones included. */
  size = 0;
  /** Whether the last `upsert` added its key (values zero, for the caller to set). */
  created = false;
  private cells = new Int32Array(STRIDE * INITIAL_ENTRIES);
  private mask = INITIAL_ENTRIES - 1;

  constructor(private readonly isStale?: (first: number, last: number) => boolean) {}

  /** The entry holding the key, or -1. Valid until the next `upsert` or `remove`. */
  find(flow: number, a: number, b: number): number {
    const cells = this.cells;
    const wanted = this.hash(flow, a, b);
    for (let entry = wanted & this.mask; ; entry = (entry + 1) & this.mask) {
      const at = entry * STRIDE;
      const hash = cells[at + HASH]!;
      if (hash === 0) return -1;
      if (hash === wanted && cells[at + FLOW] === flow && cells[at + KEY_A] === a)
        if (cells[at + KEY_B] === b) return entry;
    }
  }

  /** The entry holding the key, added when missing (then `created` is true). */
  upsert(flow: number, a: number, b: number): number {
    if (2 * (this.size + 1) > this.mask + 1) this.grow();
    const cells = this.cells;
    const wanted = this.hash(flow, a, b);
    let entry = wanted & this.mask;
    for (; ; entry = (entry + 1) & this.mask) {
      const at = entry * STRIDE;
      const hash = cells[at + HASH]!;
      if (hash === 0) break;
      if (hash === wanted && cells[at + FLOW] === flow && cells[at + KEY_A] === a)
        if (cells[at + KEY_B] === b) {
          this.created = false;
          return entry;
        }
    }
    const at = entry * STRIDE;
    cells[at + HASH] = wanted;
    cells[at + FLOW] = flow;
    cells[at + KEY_A] = a;
    cells[at + KEY_B] = b;
    cells[at + FIRST] = 0;
    cells[at + LAST] = 0;
    this.size++;
    this.created = true;
    return entry;
  }

  first(entry: number): number {
    return this.cells[entry * STRIDE + FIRST]!;
  }

  last(entry: number): number {
    return this.cells[entry * STRIDE + LAST]!;
  }

  setFirst(entry: number, value: number): void {
    this.cells[entry * STRIDE + FIRST] = value;
  }

  setLast(entry: number, value: number): void {
    this.cells[entry * STRIDE + LAST] = value;
  }

  /** Empties `entry`, moving later entries of its probe run back so that each stays findable. */
  remove(entry: number): void {
    const cells = this.cells;
    const mask = this.mask;
    let hole = entry;
    for (
      let next = (hole + 1) & mask;
      cells[next * STRIDE + HASH] !== 0;
      next = (next + 1) & mask
    ) {
      const home = cells[next * STRIDE + HASH]! & mask;
      // The entry at `next` may fill the hole unless its home lies after the hole, up to `next`.
      if (((next - home) & mask) < ((next - hole) & mask)) continue;
      cells.copyWithin(hole * STRIDE, next * STRIDE, next * STRIDE + STRIDE);
      hole = next;
    }
    cells[hole * STRIDE + HASH] = 0;
    this.size--;
  }

  /** Calls `visit` with every entry's key and values, in no particular order. */
  forEach(visit: (flow: number, a: number, b: number, first: number, last: number) => void): void {
    const cells = this.cells;
    for (let at = 0; at < cells.length; at += STRIDE)
      if (cells[at + HASH] !== 0)
        visit(
          cells[at + FLOW]!,
          cells[at + KEY_A]!,
          cells[at + KEY_B]!,
          cells[at + FIRST]!,
          cells[at + LAST]!,
        );
  }

  /** Replaces every stored value v by move(v): what the values point at was moved. */
  remapValues(move: (value: number) => number): void {
    const cells = this.cells;
    for (let at = 0; at < cells.length; at += STRIDE)
      if (cells[at + HASH] !== 0) {
        cells[at + FIRST] = move(cells[at + FIRST]!);
        cells[at + LAST] = move(cells[at + LAST]!);
      }
  }

  /** Never 0, which marks a free entry, and positive as an Int32: 1 to 2³⁰. */
  private hash(flow: number, a: number, b: number): number {
    const s = PROCESS_HASH_KEY;
    let h = s[HASH_START]!;
    h = Math.imul(h ^ flow ^ s[0]!, s[1]!);
    h = Math.imul(h ^ a ^ s[2]!, s[3]!);
    h = Math.imul(h ^ b ^ s[4]!, s[5]!);
    return (avalanche(h) >>> 1) + 1;
  }

  /**
   * Called when the table would pass half full: drops the stale entries where they are, then
   * doubles the table if the rest still fill more than a quarter of it.
   */
  private grow(): void {
    if (this.isStale) this.dropStale();
    if (4 * this.size <= this.mask + 1) return;
    const old = this.cells;
    const entries = 2 * (this.mask + 1);
    this.cells = new Int32Array(STRIDE * entries);
    this.mask = entries - 1;
    for (let from = 0; from < old.length; from += STRIDE) {
      const hash = old[from + HASH]!;
      if (hash === 0) continue;
      let entry = hash & this.mask;
      while (this.cells[entry * STRIDE + HASH] !== 0) entry = (entry + 1) & this.mask;
      for (let word = 0; word < STRIDE; word++)
        this.cells[entry * STRIDE + word] = old[from + word]!;
    }
  }

  /**
   * Removes every stale entry in place (no second table: a fresh one per sweep was megabytes of
   * garbage). A removal moves later entries back, possibly into the entry just removed, so that
   * entry is looked at again; nothing moves to before it except across the end of the table,
   * into entries already looked at, where only kept ones move.
   */
  private dropStale(): void {
    const cells = this.cells;
    for (let entry = 0; entry <= this.mask;) {
      const at = entry * STRIDE;
      if (cells[at + HASH] !== 0 && this.isStale!(cells[at + FIRST]!, cells[at + LAST]!))
        this.remove(entry);
      else entry++;
    }
  }
}
