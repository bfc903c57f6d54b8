// The storm bench's reading of the kernel's listen-queue overflows from /proc/net/netstat.
import {
  countingListenOverflows,
  formatOverflows,
  parseListenOverflows,
} from "../../bench/support/listenOverflows";

// Trimmed from a real /proc/net/netstat: TcpExt names then values, then other protocols' pairs.
const NETSTAT = [
  "TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows ListenDrops TCPBacklogCoalesce",
  "TcpExt: 0 3 252 260 9001",
  "IpExt: InNoRoutes ListenOverflows",
  "IpExt: 0 77",
  "",
].join("\n");

describe("parseListenOverflows", () => {
  it("reads the TcpExt value in the ListenOverflows column", () => {
    expect(parseListenOverflows(NETSTAT)).toBe(252);
  });

  it("is undefined when TcpExt lacks the column, lacks its values, or the value is not a count", () => {
    expect(parseListenOverflows("TcpExt: SyncookiesSent ListenDrops\nTcpExt: 0 260\n")).toBe(
      undefined,
    );
    expect(parseListenOverflows("TcpExt: SyncookiesSent ListenOverflows\n")).toBe(undefined);
    expect(parseListenOverflows("TcpExt: SyncookiesSent ListenOverflows\nTcpExt: 0 -3\n")).toBe(
      undefined,
    );
    expect(parseListenOverflows("")).toBe(undefined);
  });
});

describe("countingListenOverflows", () => {
  it("returns the task's result and the counter's rise while it ran", async () => {
    const readings = [100, 159];
    const counted = await countingListenOverflows(
      async () => "answers",
      () => readings.shift(),
    );
    expect(counted).toEqual({ result: "answers", overflows: 59 });
  });

  it("reports unknown rather than a number when either reading failed", async () => {
    const readings = [100, undefined];
    const counted = await countingListenOverflows(
      async () => 1,
      () => readings.shift(),
    );
    expect(counted.overflows).toBe(undefined);
    expect(formatOverflows(counted.overflows)).toMatch(/^listen overflows unknown/);
    expect(formatOverflows(0)).toBe("listen overflows 0");
  });
});
