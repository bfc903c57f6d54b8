import { randomFillSync } from "node:crypto";

/** Longest key any table hashes; the hash key below covers this many words. */
const MAX_KEY_WORDS = 16;
/**
 * Slots looked at before a lookup gives up. With a random hash and at most half the slots used, an
 * average lookup looks at about 1.5 and a run of 64 is practically impossible for honest or crafted
 * input alike; the bound caps the damage if that ever fails, whatever the input.
 */
const PROBE_LIMIT = 64;
/** Exported for callers; the loop uses the local PROBE_LIMIT (no `exports` lookup per probe). */
export const MAX_PROBES = PROBE_LIMIT;
/** Hashes are 31-bit, so a negative one marks a retired entry. */
const RETIRED = -1;

/**
 * The per-process secret of the hash: an offset and an odd multiplier per key word, then a start
 * value, all from the OS's random source. Without them a capture cannot aim at a slot — unlike the
 * fixed, invertible mix this replaced, where choosing an address's last word chose the hash.
 */
function randomHashKey(): Int32Array {
  const key = randomFillSync(new Int32Array(2 * MAX_KEY_WORDS + 1));
  for (let i = 1; i < 2 * MAX_KEY_WORDS; i += 2) key[i]! |= 1;
  return key;
}

/** Shared by every table keyed on capture content (see compareKeyTable), so none can be aimed at. */
export const PROCESS_HASH_KEY = randomHashKey();
/** Where PROCESS_HASH_KEY keeps the start value; word i's offset and multiplier are at 2i, 2i + 1. */
export const HASH_START = 2 * MAX_KEY_WORDS;

/** murmur3's finaliser: every input bit reaches every output bit; the result is 31-bit. */
export function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) & 0x7fffffff;
}

/**
 * A bounded hash table from fixed-width integer keys to rows of numeric counters.
 *
 * Hosts and conversations are looked up once per packet; string keys in a Map would allocate on every
 * packet, so keys are small Int32Array tuples stored flat, with open addressing over a slot array.
 * Entries are never removed. Once `maxEntries` exist, unknown keys are refused and the caller counts
 * them elsewhere — that bound is what keeps memory flat on hostile captures. A lookup that would need
 * more than MAX_PROBES slots is refused the same way, so no input can make a lookup slow.
 */
export class FlowTable {
  /** Counters of entry i live at [i * counterWords, (i + 1) * counterWords). Re-read after `upsert`: it may grow. */
  counters: Float64Array;
  size = 0;
  /** Whether the last successful `upsert` created its entry (counters zeroed, for the caller to initialise). */
  created = false;
  /** Slots examined by all lookups so far, and lookups refused at MAX_PROBES: the cost an input caused. */
  probes = 0;
  probeLimitHits = 0;
  /** The hash of the key of the last `upsert`, found or refused: random per key, for counting refused keys. */
  lastHash = 0;

  private keys: Int32Array;
  private hashes: Int32Array;
  /** Entry index + 1 per slot; 0 marks an empty slot. */
  private slots: Int32Array;
  private capacity: number;

  /**
   * @param hashKey The hash's secret (see randomHashKey), the per-process one by default. Given only
   *   to show, with a chosen key, what happens when everything collides.
   */
  constructor(
    readonly keyWords: number,
    readonly counterWords: number,
    readonly maxEntries: number,
    private readonly hashKey: Int32Array = PROCESS_HASH_KEY,
  ) {
    if (keyWords > MAX_KEY_WORDS) throw new RangeError(`keys of ${keyWords} words are too long`);
    this.capacity = Math.max(1, Math.min(1024, maxEntries));
    this.keys = new Int32Array(this.capacity * keyWords);
    this.hashes = new Int32Array(this.capacity);
    this.counters = new Float64Array(this.capacity * counterWords);
    this.slots = new Int32Array(slotCountFor(this.capacity));
  }

  /**
   * The entry index for `key` (its first `keyWords` words), creating it; -1 when new and the table is
   * full, or when the key's slot lies more than MAX_PROBES slots away.
   */
  upsert(key: Int32Array): number {
    const w = this.keyWords;
    const hash = this.hash(key);
    this.lastHash = hash;
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    for (let probe = 1; ; probe++) {
      const stored = this.slots[slot]!;
      if (stored === 0) {
        this.probes += probe;
        break;
      }
      const entry = stored - 1;
      if (this.hashes[entry] === hash && this.keyEquals(entry, key)) {
        this.probes += probe;
        this.created = false;
        return entry;
      }
      if (probe === PROBE_LIMIT) {
        this.probes += probe;
        this.probeLimitHits++;
        return -1;
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

  /**
   * Each word is offset and multiplied by its own secret, chained, then finished with murmur3's
   * avalanche: as cheap as the fixed mix it replaced (the hash is most of a packet's cost), and
   * which keys collide depends on the secret.
   */
  private hash(key: Int32Array): number {
    const s = this.hashKey;
    let h = s[HASH_START]!;
    for (let i = 0; i < this.keyWords; i++) h = Math.imul(h ^ key[i]! ^ s[2 * i]!, s[2 * i + 1]!);
    return avalanche(h);
  }

  /**
   * Makes `entry` unfindable, keeping its key and counters for reporting: the next `upsert` of the
   * same key creates a new entry (a reused TCP 4-tuple becomes a second conversation). Its slot stays
   * occupied, with a hash no key has, so probe chains through it are unchanged.
   */
  retire(entry: number): void {
    this.hashes[entry] = RETIRED;
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
      if (this.hashes[entry] === RETIRED) continue;
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
