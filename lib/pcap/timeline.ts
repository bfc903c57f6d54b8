import type { Timeline } from "./types";

/**
 * Packets and bytes per time bucket, never more than `maxBuckets` of them: when a packet falls outside
 * the span the buckets can cover, the bucket width doubles (1 s, 2 s, 4 s, …) until it fits, merging
 * neighbours. Buckets start at multiples of their width, so merging never splits one.
 */
export class TimelineBuilder {
  private width = 1;
  /** Start of bucket 0 in epoch seconds, a multiple of `width`; NaN until the first packet. */
  private start = NaN;
  private used = 0;
  private packets: Float64Array;
  private bytes: Float64Array;

  constructor(private readonly maxBuckets: number) {
    this.packets = new Float64Array(maxBuckets);
    this.bytes = new Float64Array(maxBuckets);
  }

  add(seconds: number, bytes: number): void {
    if (Number.isNaN(this.start)) this.start = Math.floor(seconds / this.width) * this.width;
    let index = Math.floor((seconds - this.start) / this.width);
    if (index < 0 || index >= this.maxBuckets) {
      this.widenToInclude(seconds);
      index = Math.floor((seconds - this.start) / this.width);
    }
    this.packets[index]! += 1;
    this.bytes[index]! += bytes;
    if (index >= this.used) this.used = index + 1;
  }

  result(): Timeline {
    return {
      bucketSeconds: this.width,
      startEpochSeconds: Number.isNaN(this.start) ? null : this.start,
      packets: Array.from(this.packets.subarray(0, this.used)),
      bytes: Array.from(this.bytes.subarray(0, this.used)),
    };
  }

  private widenToInclude(seconds: number): void {
    const low = Math.min(this.start, seconds);
    const high = Math.max(this.start + this.used * this.width - 1, seconds);
    let width = this.width;
    while (Math.floor(high / width) - Math.floor(low / width) >= this.maxBuckets) width *= 2;
    const start = Math.floor(low / width) * width;
    const packets = new Float64Array(this.maxBuckets);
    const bytes = new Float64Array(this.maxBuckets);
    let used = 0;
    for (let i = 0; i < this.used; i++) {
      const target = Math.floor((this.start + i * this.width - start) / width);
      packets[target]! += this.packets[i]!;
      bytes[target]! += this.bytes[i]!;
      if (this.packets[i]! > 0) used = Math.max(used, target + 1);
    }
    this.width = width;
    this.start = start;
    this.used = used;
    this.packets = packets;
    this.bytes = bytes;
  }
}
