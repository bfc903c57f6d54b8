/**
 * A bounded hash table from fixed-width integer keys to rows of numeric counters.
 *
 * Hosts and conversations are looked up once per packet; string keys in a Map would allocate on every
 * packet, so keys are small Int32Array tuples stored flat, with open addressing over a slot array.
 * Entries are never removed. Once `maxEntries` exist, unknown keys are refused and the caller counts
 * them elsewhere — that bound is what keeps memory flat on hostile captures.
 */
export class FlowTable {
  /** Counters of entry i live at [i * counterWords, (i + 1) * counterWords). Re-read after `upsert`: it may grow. */
  counters: Float64Array;
  size = 0;
  /** Whether the last successful `upsert` created its entry (counters zeroed, for the caller to initialise). */
  created = false;

  private keys: Int32Array;
  private hashes: Int32Array;
  /** Entry index + 1 per slot; 0 marks an empty slot. */
  private slots: Int32Array;
  private capacity: number;

  constructor(
    readonly keyWords: number,
    readonly counterWords: number,
    readonly maxEntries: number,
  ) {
    this.capacity = Math.max(1, Math.min(1024, maxEntries));
    this.keys = new Int32Array(this.capacity * keyWords);
    this.hashes = new Int32Array(this.capacity);
    this.counters = new Float64Array(this.capacity * counterWords);
    this.slots = new Int32Array(slotCountFor(this.capacity));
  }

  /** The entry index for `key` (its first `keyWords` words), creating it; -1 when new and the table is full. */
  upsert(key: Int32Array): number {
    const w = this.keyWords;
    const hash = hashWords(key, w);
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (;;) {
      const stored = this.slots[slot]!;
      if (stored === 0) break;
      const entry = stored - 1;
      if (this.hashes[entry] === hash && this.keyEquals(entry, key)) {
        this.created = false;
        return entry;
      }
      slot = (slot + 1) & mask;
    }
    if (this.size >= this.maxEntries) return -1;
    if (this.size === this.capacity) this.growEntries();
    const entry = this.size++;
    this.keys.set(key.subarray(0, w), entry * w);
    this.hashes[entry] = hash;
    if (this.size * 2 > this.slots.length) {
      this.rehash(this.slots.length * 2);
    } else {
      this.slots[slot] = entry + 1;
    }
    this.created = true;
    return entry;
  }

  keyWord(entry: number, word: number): number {
    return this.keys[entry * this.keyWords + word]!;
  }

  private keyEquals(entry: number, key: Int32Array): boolean {
    const base = entry * this.keyWords;
    for (let i = 0; i < this.keyWords; i++) if (this.keys[base + i] !== key[i]) return false;
    return true;
  }

  private growEntries(): void {
    this.capacity = Math.min(this.capacity * 2, this.maxEntries);
    this.keys = grow(this.keys, this.capacity * this.keyWords);
    this.hashes = grow(this.hashes, this.capacity);
    const counters = new Float64Array(this.capacity * this.counterWords);
    counters.set(this.counters);
    this.counters = counters;
  }

  private rehash(slotCount: number): void {
    this.slots = new Int32Array(slotCount);
    const mask = slotCount - 1;
    for (let entry = 0; entry < this.size; entry++) {
      let slot = this.hashes[entry]! & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = entry + 1;
    }
  }
}

function slotCountFor(entries: number): number {
  let n = 16;
  while (n < entries * 2) n *= 2;
  return n;
}

function grow(a: Int32Array, length: number): Int32Array {
  const b = new Int32Array(length);
  b.set(a);
  return b;
}

/** FNV-style word mixing with a murmur3 finaliser: addresses differ mostly in their low bits. */
function hashWords(key: Int32Array, words: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < words; i++) h = Math.imul(h ^ key[i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) & 0x7fffffff;
}
