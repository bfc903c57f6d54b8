// LOCAL DEV/TEST INFRASTRUCTURE — the impaired path: namespaces joined by a forwarding path whose
// nftables rules drop a share per direction. Namespaces are made and removed here (unique names).
import { execFileSync } from "node:child_process";
import { createImpairedPath, type ImpairedPath } from "../../../local/netns/impairedPath";
import { sendAcrossPath } from "../../../local/netns/pathTraffic";

jest.setTimeout(90_000);

let path: ImpairedPath | undefined;
const prefix = `t${process.pid % 100000}`;

afterAll(() => path?.remove());

test("drops about the configured share A→B and nothing B→A; TCP still delivers everything", async () => {
  path = createImpairedPath({ prefix, dropPercentAtoB: 20, dropPercentBtoA: 0 });
  const datagrams = 400;
  const received = await sendAcrossPath(path.a, path.b, {
    tcpBytes: 400_000,
    udpDatagrams: datagrams,
    seconds: 3,
  });
  const dropped = path.dropped();
  expect(received.tcpBytesReceived).toBe(Math.ceil(400_000 / 16384) * 16384);
  expect(dropped.bToA).toBe(0);
  expect(dropped.aToB).toBeGreaterThan(0);
  // 400 datagrams through a 20 % coin: far outside 8–32 % only with probability < 1e-6.
  const udpLost = datagrams - received.udpDatagramsReceived;
  expect(udpLost / datagrams).toBeGreaterThan(0.08);
  expect(udpLost / datagrams).toBeLessThan(0.32);
  // Every datagram the receiver missed is one the path dropped (the sender sent them all).
  expect(udpLost).toBeLessThanOrEqual(dropped.aToB);
  expect(udpLost).toBeGreaterThan(0);
});

test("remove() deletes the namespaces (and is safe twice)", () => {
  path?.remove();
  path?.remove();
  const listed = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
  expect(listed).not.toContain(`${prefix}-`);
});
