const INITIAL_CAPACITY = 4096;
/** "No sighting" in a link field. */
export const NONE = -1;

/** What happened to one packet seen in one capture. */
export const enum Fate {
  pending,
  matched,
  unmatched,
}

/** A sighting's bits: its Fate in the low two, then whether it is UDP, then whether it is chained. */
const enum Bits {
  fate = 3,
  udp = 4,
  /** A TCP segment in its flow's in-order chain, not (yet) in the retransmission index (SegmentChains). */
  chained = 8,
}

/**
 * One capture's packet sightings in arrival order, from the oldest still in the matching window
 * (`headSlot`) to the newest: the window's FIFO and the sightings' storage at once.
 *
 * A sighting is a slot in parallel typed arrays, not an object: the window holds tens of
 * thousands of them, and as objects they were most of the comparison's time in allocation and
 * garbage collection. Capacity doubles when the window is full and slots are reused as the head
 * moves on, so memory follows the window, never the capture. Growing moves sightings to new
 * slots: `onGrow` gets the old slot → new slot function, for whoever keeps slots elsewhere.
 *
 * Each sighting also has an arrival number (0, 1, 2, … in push order) that never moves and is
 * never reused, so a reference by arrival number can tell by itself whether its sighting is still
 * in the window (`holds`): a table may keep such references past their sighting and let them go
 * stale, instead of finding and deleting each one as its sighting leaves.
 */
export class SightingRing {
  /** The oldest sighting's slot (when size > 0). */
  headSlot = 0;
  size = 0;
  /** Sightings ever pushed: the next arrival number. */
  private pushed = 0;
  private capacity = INITIAL_CAPACITY;
  private mask = INITIAL_CAPACITY - 1;
  private times = new Float64Array(INITIAL_CAPACITY);
  /** The flow direction's index (CaptureMatcher.flowList). */
  private flows = new Int32Array(INITIAL_CAPACITY);
  /** The identity within the flow direction: TCP sequence and IP ID; UDP IP ID and checksum. */
  private keyAs = new Int32Array(INITIAL_CAPACITY);
  private keyBs = new Int32Array(INITIAL_CAPACITY);
  /** The rest of the identity, compared on a key match: TCP payload length·256 + flags; UDP length. */
  private checks = new Int32Array(INITIAL_CAPACITY);
  /** Later retransmissions of this segment, classified once this sighting's fate is known. */
  private retransmissionCounts = new Int32Array(INITIAL_CAPACITY);
  /** The next (younger) unmatched sighting with the same key, or NONE. */
  private nexts = new Int32Array(INITIAL_CAPACITY);
  private bits = new Uint8Array(INITIAL_CAPACITY);

  constructor(private readonly onGrow: (moved: (slot: number) => number) => void) {}

  /** Appends a pending sighting; returns its slot. */
  push(
    time: number,
    flow: number,
    keyA: number,
    keyB: number,
    check: number,
    udp: boolean,
  ): number {
    if (this.size === this.capacity) this.grow();
    this.pushed++;
    const i = (this.headSlot + this.size++) & this.mask;
    this.times[i] = time;
    this.flows[i] = flow;
    this.keyAs[i] = keyA;
    this.keyBs[i] = keyB;
    this.checks[i] = check;
    this.retransmissionCounts[i] = 0;
    this.nexts[i] = NONE;
    this.bits[i] = Fate.pending | (udp ? Bits.udp : 0);
    return i;
  }

  /** The arrival number of the newest sighting (size > 0). */
  newestArrival(): number {
    return this.pushed - 1;
  }

  /** The arrival number of the oldest sighting (when size > 0; else the next one's). */
  oldestArrival(): number {
    return this.pushed - this.size;
  }

  /** Whether the sighting with this arrival number is still in the ring. */
  holds(arrival: number): boolean {
    return arrival >= this.pushed - this.size && arrival < this.pushed;
  }

  /** The slot of the sighting with this arrival number, which the ring holds. */
  slotOf(arrival: number): number {
    return (this.headSlot + (arrival - (this.pushed - this.size))) & this.mask;
  }

  /** Drops the oldest sighting (size > 0); its slot is free for reuse. */
  shift(): void {
    this.headSlot = (this.headSlot + 1) & this.mask;
    this.size--;
  }

  time(slot: number): number {
    return this.times[slot]!;
  }

  flow(slot: number): number {
    return this.flows[slot]!;
  }

  keyA(slot: number): number {
    return this.keyAs[slot]!;
  }

  keyB(slot: number): number {
    return this.keyBs[slot]!;
  }

  check(slot: number): number {
    return this.checks[slot]!;
  }

  udp(slot: number): boolean {
    return (this.bits[slot]! & Bits.udp) !== 0;
  }

  chained(slot: number): boolean {
    return (this.bits[slot]! & Bits.chained) !== 0;
  }

  setChained(slot: number): void {
    this.bits[slot] = this.bits[slot]! | Bits.chained;
  }

  fate(slot: number): Fate {
    return this.bits[slot]! & Bits.fate;
  }

  setFate(slot: number, fate: Fate): void {
    this.bits[slot] = (this.bits[slot]! & ~Bits.fate) | fate;
  }

  retransmissions(slot: number): number {
    return this.retransmissionCounts[slot]!;
  }

  setRetransmissions(slot: number, n: number): void {
    this.retransmissionCounts[slot] = n;
  }

  next(slot: number): number {
    return this.nexts[slot]!;
  }

  setNext(slot: number, next: number): void {
    this.nexts[slot] = next;
  }

  /**
   * Doubles the capacity, unwrapping the ring so that the oldest sighting moves to slot 0: two
   * block copies per array, and a slot's new place is its distance from the old head.
   */
  private grow(): void {
    const oldHead = this.headSlot;
    const oldMask = this.mask;
    this.capacity *= 2;
    this.mask = this.capacity - 1;
    this.headSlot = 0;
    const movedSlot = (slot: number): number => (slot === NONE ? NONE : (slot - oldHead) & oldMask);
    this.times = unwrapped(this.times, oldHead, new Float64Array(this.capacity));
    this.flows = unwrapped(this.flows, oldHead, new Int32Array(this.capacity));
    this.keyAs = unwrapped(this.keyAs, oldHead, new Int32Array(this.capacity));
    this.keyBs = unwrapped(this.keyBs, oldHead, new Int32Array(this.capacity));
    this.checks = unwrapped(this.checks, oldHead, new Int32Array(this.capacity));
    this.retransmissionCounts = unwrapped(
      this.retransmissionCounts,
      oldHead,
      new Int32Array(this.capacity),
    );
    this.nexts = unwrapped(this.nexts, oldHead, new Int32Array(this.capacity));
    for (let slot = 0; slot < this.size; slot++) this.nexts[slot] = movedSlot(this.nexts[slot]!);
    this.bits = unwrapped(this.bits, oldHead, new Uint8Array(this.capacity));
    this.onGrow(movedSlot);
  }
}

/** A full ring's contents in arrival order (from `head` to the end, then from 0) at the start of `into`. */
function unwrapped<T extends Float64Array | Int32Array | Uint8Array>(
  ring: T,
  head: number,
  into: T,
): T {
  into.set(ring.subarray(head));
  into.set(ring.subarray(0, head), ring.length - head);
  return into;
}
