import { timelineChart } from "../../lib/report/timelineChart";

const points = (svg: string, cls: string) =>
  new RegExp(`<polyline class="${cls}" points="([^"]*)"`).exec(svg)?.[1]?.split(" ") ?? [];

describe("timeline chart", () => {
  const timeline = {
    bucketSeconds: 2,
    startEpochSeconds: 1_700_000_000,
    packets: Array.from({ length: 50 }, (_, i) => i % 7),
    bytes: Array.from({ length: 50 }, (_, i) => 100 * (i % 5)),
    rst: Array.from({ length: 50 }, (_, i) => (i === 10 || i === 30 ? 2 : 0)),
    retransmissions: Array.from({ length: 50 }, (_, i) => (i === 20 ? 1 : 0)),
  };

  test("one point per bucket for packets and for bytes, inside the plot, in time order", () => {
    const svg = timelineChart(timeline).text;
    for (const cls of ["packets", "bytes"]) {
      const xy = points(svg, cls).map((p) => p.split(",").map(Number));
      expect(xy).toHaveLength(50);
      const xs = xy.map(([x]) => x!);
      expect(xs).toEqual([...xs].sort((a, b) => a - b));
      for (const [x, y] of xy) {
        expect(x).toBeGreaterThan(72);
        expect(x).toBeLessThan(960 - 84);
        expect(y).toBeGreaterThanOrEqual(34);
        expect(y).toBeLessThanOrEqual(260 - 34);
      }
    }
    // The busiest bucket (6 packets in 2 s) is at the top of the plot.
    const ys = points(svg, "packets").map((p) => Number(p.split(",")[1]));
    expect(Math.min(...ys)).toBe(34);
    expect(svg).toContain("3 pkt/s");
  });

  test("RSTs and retransmissions are marked where they happened", () => {
    const svg = timelineChart(timeline).text;
    expect(svg.match(/<rect class="rst"/g)).toHaveLength(2);
    expect(svg.match(/<rect class="retransmission"/g)).toHaveLength(1);
  });

  test("the alert's fired time is a vertical line at its place, or a note when outside", () => {
    const inside = timelineChart(timeline, "2023-11-14T22:14:00Z").text; // 1_700_000_040: bucket 20
    const x = Number(/<line class="fired" x1="([\d.]+)"/.exec(inside)?.[1]);
    const bucket20 = Number(points(inside, "packets")[20]!.split(",")[0]);
    expect(Math.abs(x - bucket20)).toBeLessThan(10);
    const outside = timelineChart(timeline, "2020-01-01T00:00:00Z").text;
    expect(outside).not.toContain('class="fired"');
    expect(outside).toContain("outside the capture");
  });

  test("no timestamps: a note instead of an empty chart", () => {
    const svg = timelineChart({
      bucketSeconds: 1,
      startEpochSeconds: null,
      packets: [],
      bytes: [],
    });
    expect(svg.text).toContain("No timestamped packets");
  });
});
