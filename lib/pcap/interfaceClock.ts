const TWO_POW_32 = 4294967296;
/** 2^53 / 2^32: below this high word, hi·2^32 + lo is an exact double. */
const EXACT_HIGH_WORD_LIMIT = 2097152;
/** Long division by 16-bit digits stays exact while remainder·2^16 < 2^53. */
const EXACT_DIVISOR_LIMIT = 2 ** 37;

/**
 * Turns a pcapng interface's 64-bit timestamps (units of 10^-n or 2^-n seconds, if_tsresol) into
 * whole seconds and nanoseconds without BigInt, so nothing is allocated per packet: the result is
 * left in `seconds` / `nanoseconds`.
 */
export class InterfaceClock {
  seconds = 0;
  nanoseconds = 0;
  private readonly unitsPerSecond: number;
  private readonly nanosecondsPerUnit: number;

  /** @param tsresol the if_tsresol option byte (default 6: microseconds); @param offsetSeconds if_tsoffset. */
  constructor(
    tsresol = 6,
    private readonly offsetSeconds = 0,
  ) {
    const exponent = tsresol & 0x7f;
    this.unitsPerSecond = tsresol & 0x80 ? 2 ** exponent : 10 ** exponent;
    this.nanosecondsPerUnit = 1e9 / this.unitsPerSecond;
  }

  split(high: number, low: number): void {
    const perSecond = this.unitsPerSecond;
    let whole: number;
    let fraction: number;
    if (high < EXACT_HIGH_WORD_LIMIT || perSecond >= EXACT_DIVISOR_LIMIT) {
      // Exact for microsecond epochs; beyond the exact range (exotic resolutions) an approximation is fine.
      const units = high * TWO_POW_32 + low;
      whole = Math.floor(units / perSecond);
      fraction = Math.max(0, units - whole * perSecond);
    } else {
      // Nanosecond epochs exceed 2^53: long division by 16-bit digits, most significant first.
      let current = high >>> 16;
      const q0 = Math.floor(current / perSecond);
      current = (current - q0 * perSecond) * 65536 + (high & 0xffff);
      const q1 = Math.floor(current / perSecond);
      current = (current - q1 * perSecond) * 65536 + (low >>> 16);
      const q2 = Math.floor(current / perSecond);
      current = (current - q2 * perSecond) * 65536 + (low & 0xffff);
      const q3 = Math.floor(current / perSecond);
      fraction = current - q3 * perSecond;
      whole = ((q0 * 65536 + q1) * 65536 + q2) * 65536 + q3;
    }
    this.seconds = whole + this.offsetSeconds;
    this.nanoseconds = Math.min(999_999_999, Math.floor(fraction * this.nanosecondsPerUnit));
  }
}
