import type { Timeline } from "./types";

/** What each bucket counts: packets and bytes of every packet, and TCP events worth marking on a chart. */
export const TimelineSeries = { packets: 0, bytes: 1, rst: 2, retransmissions: 3 } as const;
const SERIES = 4;

/**
 * Counts per time bucket, never more than `maxBuckets` of them: when a packet falls outside the span
 * the buckets can cover, the bucket width doubles (1 s, 2 s, 4 s, …) until it fits, merging
 * neighbours. Buckets start at multiples of their width, so merging never splits one.
 */
export class TimelineBuilder {
  private width = 1;
  /** Start of bucket 0 in epoch seconds, a multiple of `width`; NaN until the first packet. */
  private start = NaN;
  private used = 0;
  /** SERIES counters per bucket, bucket-major. */
  private counts: Float64Array;

  constructor(private readonly maxBuckets: number) {
    this.counts = new Float64Array(maxBuckets * SERIES);
  }

  /** One packet of `bytes` at `seconds`. */
  add(seconds: number, bytes: number): void {
    const base = this.bucketOf(seconds) * SERIES;
    this.counts[base + TimelineSeries.packets]! += 1;
    this.counts[base + TimelineSeries.bytes]! += bytes;
  }

  /** One event of `series` (a RST, a retransmission) at `seconds`, a time already `add`ed. */
  mark(seconds: number, series: number): void {
    this.counts[this.bucketOf(seconds) * SERIES + series]! += 1;
  }

  result(): Timeline {
    const column = (series: number) =>
      Array.from({ length: this.used }, (_, i) => this.counts[i * SERIES + series]!);
    return {
      bucketSeconds: this.width,
      startEpochSeconds: Number.isNaN(this.start) ? null : this.start,
      packets: column(TimelineSeries.packets),
      bytes: column(TimelineSeries.bytes),
      rst: column(TimelineSeries.rst),
      retransmissions: column(TimelineSeries.retransmissions),
    };
  }

  private bucketOf(seconds: number): number {
    if (Number.isNaN(this.start)) this.start = Math.floor(seconds / this.width) * this.width;
    let index = Math.floor((seconds - this.start) / this.width);
    if (index < 0 || index >= this.maxBuckets) {
      this.widenToInclude(seconds);
      index = Math.floor((seconds - this.start) / this.width);
    }
    if (index >= this.used) this.used = index + 1;
    return index;
  }

  private widenToInclude(seconds: number): void {
    const low = Math.min(this.start, seconds);
    const high = Math.max(this.start + this.used * this.width - 1, seconds);
    let width = this.width;
    while (Math.floor(high / width) - Math.floor(low / width) >= this.maxBuckets) width *= 2;
    const start = Math.floor(low / width) * width;
    const counts = new Float64Array(this.maxBuckets * SERIES);
    let used = 0;
    for (let i = 0; i < this.used; i++) {
      const target = Math.floor((this.start + i * this.width - start) / width);
      for (let s = 0; s < SERIES; s++) counts[target * SERIES + s]! += this.counts[i * SERIES + s]!;
      if (this.counts[i * SERIES + TimelineSeries.packets]! > 0) used = Math.max(used, target + 1);
    }
    this.width = width;
    this.start = start;
    this.used = used;
    this.counts = counts;
  }
}
