import { filesOverlapping, ringHolding, ringSpans } from "../../lib/domain/ringFiles";

const START = new Date("2026-01-01T00:00:00Z");
const at = (s: number) => new Date(START.getTime() + s * 1000).toISOString();
const blob = (name: string, writtenAt: number, sizeBytes = 100) => ({
  url: `https://caps.blob.core.windows.net/network-watcher-logs/ring/${name}`,
  sizeBytes,
  lastModified: at(writtenAt),
});

describe("ring files by blob time", () => {
  test("spans chain from the capture start, ordered by write time whatever the names", () => {
    const files = ringSpans([blob("zz.cap", 120), blob("aa.cap", 60), blob("mm.cap", 200)], START);
    expect(files.map((f) => [f.url.split("/").pop(), f.from, f.to])).toEqual([
      ["aa.cap", at(0), at(60)],
      ["zz.cap", at(60), at(120)],
      ["mm.cap", at(120), at(200)],
    ]);
  });

  test("the window keeps exactly the files that overlap it", () => {
    const files = ringSpans([blob("0", 60), blob("1", 120), blob("2", 180), blob("3", 240)], START);
    const pick = (from: number, to: number) =>
      filesOverlapping(files, new Date(at(from)), new Date(at(to))).map((f) =>
        f.url.split("/").pop(),
      );
    expect(pick(130, 170)).toEqual(["2"]);
    expect(pick(100, 200)).toEqual(["1", "2", "3"]);
    expect(pick(241, 300)).toEqual([]);
    expect(pick(-50, 0)).toEqual(["0"]);
  });

  test("a wrapped ring's oldest file spans no longer than the longest of the others", () => {
    // Slots overwritten since the start: the oldest surviving file was closed at 600 s, not begun at 0.
    const files = ringSpans([blob("a", 600), blob("b", 660), blob("c", 700)], START);
    expect(files[0]).toMatchObject({ from: at(540), to: at(600) });
    // A single file has nothing to compare with: it reaches back to the capture's start.
    expect(ringSpans([blob("a", 600)], START)[0]).toMatchObject({ from: at(0), to: at(600) });
  });

  test("holding: files, bytes and how far back the ring reaches", () => {
    const files = ringSpans([blob("a", 60, 10), blob("b", 120, 32)], START);
    expect(ringHolding(files)).toEqual({ files: 2, bytes: 42, oldest: at(0), newest: at(120) });
    expect(ringHolding([])).toEqual({ files: 0, bytes: 0 });
  });

  test("files written at the same instant are ordered by URL", () => {
    const files = ringSpans([blob("b", 60), blob("a", 60), blob("c", 30)], START);
    expect(files.map((f) => [f.url.split("/").pop(), f.from, f.to])).toEqual([
      ["c", at(0), at(30)],
      ["a", at(30), at(60)],
      ["b", at(60), at(60)],
    ]);
  });

  test("an oldest file closed soon after the start reaches back to the start, never before it", () => {
    const files = ringSpans([blob("a", 30), blob("b", 200)], START);
    expect(files[0]).toMatchObject({ from: at(0), to: at(30) });
  });
});
