/**
 * A capture group end to end over a real impaired path: web-1 and db-1 live in their own network
 * namespaces, joined by a forwarding namespace whose nftables rule drops 3 % of web-1→db-1 and
 * nothing back. One alert for web-1 with `capturePeers: db-1` captures both ends at once (the
 * emulator runs tcpdump inside each VM's namespace), and the one group notification reports the
 * loss — checked against what the path was told to drop and the drops nftables counted.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createImpairedPath, type ImpairedPath } from "../../local/netns/impairedPath";
import { sendAcrossPath } from "../../local/netns/pathTraffic";
import type { GroupReport } from "../../lib/workflow/groupContracts";
import { alertFor, postAlert, useTestStack, vmId } from "./support/testStack";

jest.setTimeout(240_000);

const DROP_PERCENT = 3;
let impaired: ImpairedPath | undefined;

function inventory(): string {
  impaired = createImpairedPath({
    prefix: `g${process.pid % 100000}`,
    dropPercentAtoB: DROP_PERCENT,
    dropPercentBtoA: 0,
  });
  const file = path.join(mkdtempSync(path.join(tmpdir(), "apc-group-")), "inventory.json");
  const vms = {
    [vmId("web-1")]: { netns: impaired.a.netns, interface: impaired.a.interface },
    [vmId("db-1")]: { netns: impaired.b.netns, interface: impaired.b.interface },
  };
  writeFileSync(file, JSON.stringify({ vms }));
  return file;
}

const stack = useTestStack(() => ({ inventoryFile: inventory() }));
afterAll(() => impaired?.remove());

interface GroupStatusBody {
  runtimeStatus: string;
  phase: string;
  members: Array<{ name: string; runtimeStatus: string; progress: { phase?: string } | null }>;
  output?: GroupReport;
}

async function groupStatus(url: string): Promise<GroupStatusBody> {
  const response = await fetch(url, {
    headers: { "x-functions-key": stack().endpoints.functionKey },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as GroupStatusBody;
}

async function until(
  url: string,
  done: (s: GroupStatusBody) => boolean,
  timeoutMs: number,
): Promise<GroupStatusBody> {
  const deadline = Date.now() + timeoutMs;
  let last: GroupStatusBody | undefined;
  while (Date.now() < deadline) {
    last = await groupStatus(url);
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`group still ${JSON.stringify(last).slice(0, 400)}`);
}

test("alert with capturePeers → both ends captured at once → one notification naming the 3 % loss web-1→db-1", async () => {
  const accepted = await postAlert(
    stack(),
    alertFor("web-1", { capturePeers: vmId("db-1"), captureTimeLimitSeconds: "20" }),
  );
  expect(accepted.status).toBe(202);
  const statusUrl = String(accepted.body.statusQueryGetUri);

  // One status URL shows both members' progress; traffic starts once both capture.
  await until(
    statusUrl,
    (s) => s.members.length === 2 && s.members.every((m) => m.progress?.phase === "capturing"),
    60_000,
  );
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const received = await sendAcrossPath(impaired!.a, impaired!.b, {
    tcpBytes: 3_000_000,
    udpDatagrams: 1500,
    seconds: 6,
  });
  expect(received.tcpBytesReceived).toBeGreaterThan(2_900_000);
  const dropped = impaired!.dropped();

  const end = await until(
    statusUrl,
    (s) => s.runtimeStatus !== "Running" && s.runtimeStatus !== "Pending",
    150_000,
  );
  expect(end.runtimeStatus).toBe("Completed");
  const report = end.output!;
  expect(report.outcome).toBe("succeeded");
  const [web, db] = report.members;
  // The captures overlap: each started before the other ended.
  expect(Date.parse(web!.report!.startedAt)).toBeLessThan(Date.parse(db!.report!.endedAt));
  expect(Date.parse(db!.report!.startedAt)).toBeLessThan(Date.parse(web!.report!.endedAt));

  const comparison = report.comparisons[0]!;
  const aToB = comparison.directions.find((d) => d.from === "web-1")!;
  const bToA = comparison.directions.find((d) => d.from === "db-1")!;
  process.stdout.write(
    `capture group e2e: path told to drop ${DROP_PERCENT} % web-1→db-1; nftables dropped ${dropped.aToB} (${dropped.bToA} back); the comparison found ${aToB.lost} of ${aToB.sent} (${(100 * aToB.lostShare).toFixed(2)} %) lost web-1→db-1, ${bToA.lost} of ${bToA.sent} back\n${comparison.verdict}\n`,
  );
  expect(aToB.lostShare).toBeGreaterThan((DROP_PERCENT - 1.5) / 100);
  expect(aToB.lostShare).toBeLessThan((DROP_PERCENT + 1.5) / 100);
  expect(bToA.lost).toBeLessThanOrEqual(1);
  expect(dropped.bToA).toBe(0);
  // What the captures show lost is what nftables dropped (all traffic ran inside both captures).
  expect(Math.abs(aToB.lost - dropped.aToB)).toBeLessThanOrEqual(Math.max(3, dropped.aToB * 0.05));

  const notification = await stack().sink.waitFor(
    (n) =>
      n.channel === "generic" &&
      (n.body as { instanceId?: string }).instanceId === accepted.body.id,
    15_000,
  );
  expect(notification.signatureVerified).toBe(true);
  const body = notification.body as {
    verdicts: string[];
    members: Array<{ name: string; downloadUrl?: string }>;
  };
  expect(body.verdicts[0]).toMatch(
    /^web-1→db-1: [\d,]+ of [\d,]+ packets \([\d.]+ %\) left web-1 and never reached db-1/,
  );
  expect(body.verdicts[0]).toContain("db-1→web-1: none lost");
  expect(body.members.map((m) => m.name)).toEqual(["web-1", "db-1"]);
  expect(body.members.every((m) => m.downloadUrl?.startsWith("http"))).toBe(true);
  // Once for the group: the members did not notify on their own.
  const perMember = stack()
    .sink.received()
    .filter(
      (n) =>
        n.channel === "generic" &&
        (n.body as { schema?: string }).schema?.includes("/notification@"),
    );
  expect(perMember).toEqual([]);
});
