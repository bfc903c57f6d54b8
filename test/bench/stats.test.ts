// The benches' summaries: percentiles and the median that picks the storm's baseline.
import { distribution, median } from "../../bench/support/stats";

describe("median", () => {
  it("takes the middle of an odd count whatever the order", () => {
    expect(median([1200, 410, 395])).toBe(410);
  });

  it("takes the lower middle of an even count and NaN of none", () => {
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(median([])).toBeNaN();
  });
});

describe("distribution", () => {
  it("uses nearest-rank percentiles, so p99 of 200 samples is the 198th smallest", () => {
    const samples = Array.from({ length: 200 }, (_, i) => 200 - i);
    expect(distribution(samples)).toEqual({ n: 200, p50: 100, p99: 198, max: 200 });
  });
});
