import type { SightingRing } from "./sightingRing";

/** A chain spans less than half the sequence space, so serial comparisons within it are exact. */
const MAX_SPAN = 2 ** 31;
const INITIAL_FLOWS = 64;

/**
 * Per flow direction of one capture: the run ("chain") of TCP segments that each started at or
 * beyond where the one before ended, in sequence space. Such a segment cannot repeat a segment
 * still in the window (same sequence number and length), so the matcher need not look it up in
 * its retransmission index, nor insert it there until a segment that does need a lookup comes.
 * In-order traffic, the bulk of a large capture, then costs no random access into that index.
 *
 * Exactness, by offsets from the chain's start (sequence number − start, mod 2³²): a segment is
 * chained only if its offset is at least the chain's span (it starts at or beyond the end) and its
 * offset plus its advance stays below 2³¹. So it repeats no chained segment (their offsets lie
 * below the span). Nor a segment indexed while the chain was live: that one was not chained
 * because it started behind the end then (offset below that span, or at 2³¹ past it or more) or
 * because its offset plus advance reached 2³¹ — which a segment of the same length would too. A
 * chain starts afresh only when none of its segments and no indexed segment is in the window.
 *
 * Sightings are referred to by the ring's arrival numbers (-1: none), which tell by themselves
 * whether they are still in the window.
 */
export class SegmentChains {
  private starts = new Int32Array(INITIAL_FLOWS);
  private ends = new Int32Array(INITIAL_FLOWS);
  /** The newest chained segment. */
  private lastChained = new Float64Array(INITIAL_FLOWS).fill(-1);
  /** The newest segment anchored in the index. */
  private lastIndexed = new Float64Array(INITIAL_FLOWS).fill(-1);

  constructor(private readonly ring: SightingRing) {}

  /**
   * Chains the segment (it then needs no lookup: it is the first of its kind in the window) when
   * it may be; `advance` is the sequence space it takes (its length, 1 for a SYN or FIN).
   */
  extend(flow: number, seq: number, advance: number, arrival: number): boolean {
    if (flow >= this.starts.length) this.grow(flow);
    const ring = this.ring;
    if (!ring.holds(this.lastChained[flow]!)) {
      if (ring.holds(this.lastIndexed[flow]!)) return false;
      this.starts[flow] = seq;
    } else {
      const span = (this.ends[flow]! - this.starts[flow]!) >>> 0;
      const gap = (seq - this.ends[flow]!) | 0;
      if (gap < 0 || span + gap + advance >= MAX_SPAN) return false;
    }
    this.ends[flow] = (seq + advance) | 0;
    this.lastChained[flow] = arrival;
    return true;
  }

  /** A segment that was not chained became the first of its kind in the index. */
  indexed(flow: number, arrival: number): void {
    if (flow >= this.starts.length) this.grow(flow);
    this.lastIndexed[flow] = arrival;
  }

  private grow(flow: number): void {
    let size = this.starts.length;
    while (size <= flow) size *= 2;
    const wider = <T extends Int32Array | Float64Array>(old: T, fresh: T): T => {
      fresh.set(old);
      return fresh;
    };
    this.starts = wider(this.starts, new Int32Array(size));
    this.ends = wider(this.ends, new Int32Array(size));
    this.lastChained = wider(this.lastChained, new Float64Array(size).fill(-1));
    this.lastIndexed = wider(this.lastIndexed, new Float64Array(size).fill(-1));
  }
}
