// The benches' summaries: percentiles, whose p50 also picks the storm's median baseline.
import { distribution } from "../../bench/support/stats";

describe("p50 as the median", () => {
  it("takes the middle of an odd count whatever the order", () => {
    expect(distribution([1200, 410, 395]).p50).toBe(410);
  });

  it("takes the lower middle of an even count and NaN of none", () => {
    expect(distribution([4, 1, 3, 2]).p50).toBe(2);
    expect(distribution([]).p50).toBeNaN();
  });
});

describe("distribution", () => {
  it("uses nearest-rank percentiles, so p99 of 200 samples is the 198th smallest", () => {
    const samples = Array.from({ length: 200 }, (_, i) => 200 - i);
    expect(distribution(samples)).toEqual({ n: 200, p50: 100, p99: 198, max: 200 });
  });
});
