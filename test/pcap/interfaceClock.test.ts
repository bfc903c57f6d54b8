import { InterfaceClock } from "../../lib/pcap/interfaceClock";

/** A deterministic xorshift generator, so that a failure can be replayed. */
function random32(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
}

describe("InterfaceClock splits 64-bit timestamps exactly, without BigInt", () => {
  test.each([
    ["microseconds", 6],
    ["nanoseconds", 9],
    ["milliseconds", 3],
    ["2^-20 seconds", 0x80 | 20],
    ["2^-30 seconds", 0x80 | 30],
  ])("%s", (_name, tsresol) => {
    const next = random32(tsresol + 1);
    const exponent = BigInt(tsresol & 0x7f);
    const perSecond = tsresol & 0x80 ? 1n << exponent : 10n ** exponent;
    const offset = 1000;
    const clock = new InterfaceClock(tsresol, offset);
    for (let i = 0; i < 2000; i++) {
      // Epoch-sized values for the resolution, plus the full 64-bit range now and then.
      const high =
        i % 10 === 0
          ? next()
          : Number((BigInt(1_700_000_000 + (next() % 1_000_000_000)) * perSecond) >> 32n);
      const low = next();
      const units = (BigInt(high) << 32n) | BigInt(low);
      clock.split(high, low);
      const expectedSeconds = Number(units / perSecond) + offset;
      const expectedNanos = Number(((units % perSecond) * 1_000_000_000n) / perSecond);
      if (expectedSeconds <= Number.MAX_SAFE_INTEGER)
        expect([clock.seconds, clock.nanoseconds]).toEqual([expectedSeconds, expectedNanos]);
    }
  });
});
