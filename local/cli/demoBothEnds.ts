// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * `npm run demo -- --both-ends`: two VMs, each in its own network namespace, joined by a path
 * that drops 3 % of web-1→db-1 (nftables). One alert for web-1 names db-1 in `capturePeers`; the
 * capture group captures both ends at once, compares them and sends one notification that says
 * where the packets went missing. Needs root (namespaces); starts its own stack.
 */
import { readFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { GroupReport } from "../../lib/workflow/groupContracts";
import { createImpairedPath } from "../netns/impairedPath";
import { sendAcrossPath } from "../netns/pathTraffic";
import { LOCAL_SUBSCRIPTION, PROJECT_ROOT, startStack } from "../stack";

const DROP_PERCENT = 3;
const CAPTURE_SECONDS = 20;

function say(text: string): void {
  process.stdout.write(`\n▶ ${text}\n`);
}

const vm = (name: string): string =>
  `/subscriptions/${LOCAL_SUBSCRIPTION}/resourceGroups/demo-rg/providers/Microsoft.Compute/virtualMachines/${name}`;

/** The Common Alert Schema sample, fired now for web-1, with db-1 as its capture peer. */
function groupAlert(): unknown {
  const sample = JSON.parse(
    readFileSync(path.join(PROJECT_ROOT, "test/fixtures/common-schema-metric-alert.json"), "utf8"),
  ) as { data: { essentials: Record<string, unknown>; customProperties: unknown } };
  Object.assign(sample.data.essentials, {
    monitorCondition: "Fired",
    alertRule: "demo-db-latency",
    firedDateTime: new Date().toISOString(),
    alertTargetIDs: [vm("web-1")],
  });
  sample.data.customProperties = {
    capturePeers: vm("db-1"),
    captureTimeLimitSeconds: String(CAPTURE_SECONDS),
  };
  return sample;
}

interface GroupStatus {
  runtimeStatus: string;
  phase: string | null;
  members: Array<{ name: string; progress: { phase?: string; polls?: number } | null }>;
  output?: GroupReport;
}

export async function demoBothEnds(): Promise<void> {
  if (process.getuid?.() !== 0)
    throw new Error("--both-ends makes network namespaces: run it as root");
  const impaired = createImpairedPath({
    prefix: `demo${process.pid % 10000}`,
    dropPercentAtoB: DROP_PERCENT,
    dropPercentBtoA: 0,
  });
  const scratch = mkdtempSync(path.join(tmpdir(), "demo-both-ends-"));
  const inventoryFile = path.join(scratch, "inventory.json");
  writeFileSync(
    inventoryFile,
    JSON.stringify({
      vms: {
        [vm("web-1")]: { netns: impaired.a.netns, interface: impaired.a.interface },
        [vm("db-1")]: { netns: impaired.b.netns, interface: impaired.b.interface },
      },
    }),
  );
  say(
    `web-1 (${impaired.a.address}, netns ${impaired.a.netns}) ⇄ path (nftables drops ${DROP_PERCENT} % web-1→db-1) ⇄ db-1 (${impaired.b.address}, netns ${impaired.b.netns})`,
  );
  say("starting a local stack with that inventory…");
  const stack = await startStack({ stateDir: scratch, inventoryFile, log: () => undefined });
  try {
    const { webhookUrl, functionKey, sinkUrl } = stack.endpoints;
    say("Azure Monitor fires for web-1 with capturePeers = db-1");
    const response = await fetch(webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(groupAlert()),
    });
    const accepted = (await response.json()) as { id?: string; statusQueryGetUri?: string };
    if (response.status !== 202 || !accepted.statusQueryGetUri)
      throw new Error(`webhook answered ${response.status}: ${JSON.stringify(accepted)}`);
    process.stdout.write(`  202 Accepted → group ${accepted.id}\n`);
    const read = async (): Promise<GroupStatus> =>
      (await (
        await fetch(accepted.statusQueryGetUri!, { headers: { "x-functions-key": functionKey } })
      ).json()) as GroupStatus;

    say("one status URL, both captures:");
    let last = "";
    let trafficSent = false;
    for (let i = 0; i < (CAPTURE_SECONDS + 120) * 2; i++) {
      const status = await read();
      const line = `${status.runtimeStatus} · ${status.phase} · ${status.members.map((m) => `${m.name}: ${m.progress?.phase ?? "…"}`).join(", ")}`;
      if (line !== last)
        process.stdout.write(`  ${new Date().toISOString().slice(11, 19)}  ${line}\n`);
      last = line;
      const capturing =
        status.members.length === 2 &&
        status.members.every((m) => m.progress?.phase === "capturing");
      if (!trafficSent && capturing) {
        trafficSent = true;
        const got = await sendAcrossPath(impaired.a, impaired.b, {
          tcpBytes: 3_000_000,
          udpDatagrams: 1500,
          seconds: 6,
        });
        const dropped = impaired.dropped();
        process.stdout.write(
          `  traffic web-1→db-1: 3 MB over TCP (${got.tcpBytesReceived} bytes arrived), 1,500 UDP datagrams (${got.udpDatagramsReceived} arrived); nftables dropped ${dropped.aToB} packets web-1→db-1, ${dropped.bToA} back\n`,
        );
      }
      if (status.runtimeStatus === "Completed" || status.runtimeStatus === "Failed") break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    const notifications = (await (await fetch(`${sinkUrl}/notifications`)).json()) as Array<{
      channel: string;
      body: { instanceId?: string; title?: string; verdicts?: string[]; details?: string[] };
    }>;
    const notice = notifications.find(
      (n) => n.channel === "generic" && n.body.instanceId === accepted.id,
    );
    if (!notice) throw new Error("no group notification reached the sink");
    say(`the on-call notification: ${notice.body.title}`);
    for (const line of [...(notice.body.verdicts ?? []), ...(notice.body.details ?? [])])
      process.stdout.write(`  ${line}\n`);
  } finally {
    await stack.stop();
    impaired.remove();
  }
}
