/**
 * How many distinct keys were seen, in 8 KiB whatever their number: linear counting (Whang et al.,
 * 1990) over a 65 536-bit map. Nearly exact for a few hundred keys, within about 1 % up to a few
 * hundred thousand; past ~700 000 the map fills and the estimate becomes a lower bound.
 */
const BITS = 1 << 16;

export class DistinctEstimate {
  private readonly bits = new Uint32Array(BITS / 32);
  private set = 0;

  /** Records a key by its hash: any well-mixed 31-bit value (the flow table's keyed hash). */
  add(hash: number): void {
    const bit = hash & (BITS - 1);
    const word = bit >>> 5;
    const mask = 1 << (bit & 31);
    if ((this.bits[word]! & mask) === 0) {
      this.bits[word]! |= mask;
      this.set++;
    }
  }

  estimate(): number {
    const empty = BITS - this.set;
    return Math.round(BITS * Math.log(BITS / Math.max(1, empty)));
  }
}
