import type { Server } from "node:http";
import { notifyGroup } from "../../activities/notifyGroup";
import { verifySignature } from "../../lib/notify/signature";
import type { GroupNotification } from "../../lib/notify/groupNotification";
import type { GroupReport } from "../../lib/workflow/groupContracts";
import { captureReport } from "../support/reports";
import { CONTAINER_URL, fakeEnv, forbidden, type FakeWorld } from "./support/fakeAzure";
import { channel, closeAll } from "./support/loopbackChannel";

const SECRET = "notify-group-test-secret";
const WEB = `${CONTAINER_URL}/web-1.cap`;
const DB = `${CONTAINER_URL}/db-1.cap`;
const blobAt = (storagePath: string) => ({ storagePath, sizeBytes: 4096, format: "pcap" as const });

/** web-1 started by the group, app-1 failed without a capture, db-1 joined. */
function groupReport(outcome: GroupReport["outcome"] = "partial"): GroupReport {
  return {
    instanceId: "group-7-0123456789abcdef",
    outcome,
    alert: { schema: "common", ruleName: "tcp-out-high", severity: "Sev2" },
    startedAt: "2026-01-01T02:00:00.000Z",
    endedAt: "2026-01-01T02:06:00.000Z",
    members: [
      {
        instanceId: "capture-web-1",
        name: "web-1",
        resourceId: "r-web",
        role: "started",
        report: captureReport("succeeded", { blob: blobAt(WEB) }),
      },
      {
        instanceId: "capture-app-1",
        name: "app-1",
        resourceId: "r-app",
        role: "started",
        error: "AgentMissing",
      },
      {
        instanceId: "capture-db-1",
        name: "db-1",
        resourceId: "r-db",
        role: "joined",
        report: captureReport("succeeded", { blob: blobAt(DB) }),
      },
    ],
    comparisons: [
      {
        a: "web-1",
        b: "db-1",
        verdict: "web-1→db-1: 3 of 20 packets (15.0 %) left web-1 and never reached db-1",
        details: [],
        directions: [],
      },
    ],
  };
}

const servers: Server[] = [];
afterAll(() => closeAll(servers));

async function listening(status: number) {
  const opened = await channel(status);
  servers.push(opened.server);
  return opened;
}

function env(world: FakeWorld) {
  const faked = fakeEnv(world);
  const logged: string[] = [];
  faked.env.log = (line) => logged.push(line);
  return { ...faked, logged };
}

const now = () => Math.floor(Date.now() / 1000);

describe("notifyGroup (one channel per call)", () => {
  test.each(["webhook", "teams", "slack"] as const)(
    "an unconfigured %s is skipped at once: nothing delivered, no link minted",
    async (name) => {
      const { env: e, calls } = env({});
      expect(await notifyGroup({ report: groupReport(), channel: name }, e)).toEqual({
        ok: true,
        value: { delivered: [] },
      });
      expect(calls).toEqual([]);
    },
  );

  test("the webhook gets the group signed, a link per captured member, and a key stable per group and outcome", async () => {
    const hook = await listening(200);
    const settings = { NOTIFY_WEBHOOK_URL: hook.url, NOTIFY_WEBHOOK_SECRET: SECRET };
    const { env: e, calls } = env({ settings });
    expect(await notifyGroup({ report: groupReport(), channel: "webhook" }, e)).toEqual({
      ok: true,
      value: { delivered: ["webhook"] },
    });
    // Links are minted at send time, for members with a capture only, valid a day.
    expect(calls).toEqual([`blob.downloadLink ${WEB}`, `blob.downloadLink ${DB}`]);
    const [first] = hook.received;
    const body = JSON.parse(first!.body) as GroupNotification;
    expect(body.members.map((m) => [m.name, m.role, m.outcome, m.downloadUrl])).toEqual([
      ["web-1", "started", "succeeded", `${WEB}?sig=read-only&ttl=86400`],
      ["app-1", "started", "failed", undefined],
      ["db-1", "joined", "succeeded", `${DB}?sig=read-only&ttl=86400`],
    ]);
    expect(body.verdicts).toEqual([
      "web-1→db-1: 3 of 20 packets (15.0 %) left web-1 and never reached db-1",
    ]);
    const signature = String(first!.headers["x-capture-signature"]);
    expect(verifySignature(SECRET, first!.body, signature, now())).toBe(true);
    expect(verifySignature("another-secret", first!.body, signature, now())).toBe(false);

    await notifyGroup({ report: groupReport(), channel: "webhook" }, env({ settings }).env);
    await notifyGroup({ report: groupReport("failed"), channel: "webhook" }, env({ settings }).env);
    const keys = hook.received.map((r) => r.headers["idempotency-key"]);
    expect(keys[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
  });

  test("a member whose link cannot be minted is still reported, without a link, and the reason logged", async () => {
    const hook = await listening(200);
    const { env: e, logged } = env({
      settings: { NOTIFY_WEBHOOK_URL: hook.url },
      failures: { [`blob.downloadLink ${DB}`]: forbidden() },
    });
    expect(await notifyGroup({ report: groupReport(), channel: "webhook" }, e)).toEqual({
      ok: true,
      value: { delivered: ["webhook"] },
    });
    const body = JSON.parse(hook.received[0]!.body) as GroupNotification;
    expect(body.members.map((m) => m.downloadUrl)).toEqual([
      `${WEB}?sig=read-only&ttl=86400`,
      undefined,
      undefined,
    ]);
    expect(body.members.map((m) => m.name)).toEqual(["web-1", "app-1", "db-1"]);
    expect(logged).toContain(
      "no download link for db-1: 403 AuthorizationFailed: The client does not have authorization.",
    );
    // Without a secret the webhook is not signed, but still carries its idempotency key.
    expect(hook.received[0]!.headers["x-capture-signature"]).toBeUndefined();
    expect(hook.received[0]!.headers["idempotency-key"]).toMatch(/^[0-9a-f]{32}$/);
  });

  test("a scale-set member gets a link per instance file (minted at send time), in the JSON and as buttons; one that cannot be minted is listed without", async () => {
    const SET = `${CONTAINER_URL}/web-set`;
    const file = (instanceId: string | undefined, name: string) => ({
      ...(instanceId !== undefined && { instanceId }),
      storagePath: `${SET}/${name}`,
      sizeBytes: 2048,
      format: "pcap" as const,
    });
    const report = groupReport("succeeded");
    report.members = [
      report.members[0]!,
      {
        instanceId: "capture-web-set",
        name: "web-set",
        resourceId: "r-set",
        role: "started",
        report: captureReport("succeeded", {
          instances: {
            storagePath: SET,
            files: [
              file("0", "virtualMachines/0/a.cap"),
              file("2", "virtualMachines/2/a.cap"),
              file(undefined, "x.cap"),
            ],
            missing: [],
            rejected: [],
          },
        }),
      },
    ];
    const hook = await listening(200);
    const slack = await listening(200);
    const settings = { NOTIFY_WEBHOOK_URL: hook.url, NOTIFY_SLACK_URL: slack.url };
    const failures = { [`blob.downloadLink ${SET}/x.cap`]: forbidden() };
    const { env: e, calls, logged } = env({ settings, failures });
    await notifyGroup({ report, channel: "webhook" }, e);
    await notifyGroup({ report, channel: "slack" }, env({ settings, failures }).env);
    expect(calls).toEqual([
      `blob.downloadLink ${WEB}`,
      `blob.downloadLink ${SET}/virtualMachines/0/a.cap`,
      `blob.downloadLink ${SET}/virtualMachines/2/a.cap`,
      `blob.downloadLink ${SET}/x.cap`,
    ]);
    expect(logged.filter((l) => l.startsWith("no download link"))).toEqual([
      "no download link for web-set's instance file: 403 AuthorizationFailed: The client does not have authorization.",
    ]);
    const body = JSON.parse(hook.received[0]!.body) as GroupNotification;
    expect(body.members[1]!.files).toEqual([
      {
        name: "web-set_0",
        instanceId: "0",
        sizeBytes: 2048,
        downloadUrl: `${SET}/virtualMachines/0/a.cap?sig=read-only&ttl=86400`,
      },
      {
        name: "web-set_2",
        instanceId: "2",
        sizeBytes: 2048,
        downloadUrl: `${SET}/virtualMachines/2/a.cap?sig=read-only&ttl=86400`,
      },
      { name: "web-set file 3", sizeBytes: 2048 },
    ]);
    const blocks = (
      JSON.parse(slack.received[0]!.body) as {
        blocks: Array<{
          type: string;
          elements?: Array<{ text: { text: string }; url: string }>;
          text?: { text: string };
        }>;
      }
    ).blocks;
    expect(
      blocks.find((b) => b.type === "actions")!.elements!.map((b) => [b.text.text, b.url]),
    ).toEqual([
      ["Download web-1", `${WEB}?sig=read-only&ttl=86400`],
      ["Download web-set_0", `${SET}/virtualMachines/0/a.cap?sig=read-only&ttl=86400`],
      ["Download web-set_2", `${SET}/virtualMachines/2/a.cap?sig=read-only&ttl=86400`],
    ]);
    expect(blocks.find((b) => b.type === "section")!.text!.text).toContain("web-set_2: 2048 bytes");
  });

  test.each([
    ["teams", "NOTIFY_TEAMS_URL"],
    ["slack", "NOTIFY_SLACK_URL"],
    ["webhook", "NOTIFY_WEBHOOK_URL"],
  ] as const)(
    "%s refusing the message (4xx) is a permanent NotificationRefused naming %s",
    async (name, setting) => {
      const refusing = await listening(400);
      const { env: e } = env({ settings: { [setting]: refusing.url } });
      expect(await notifyGroup({ report: groupReport(), channel: name }, e)).toMatchObject({
        ok: false,
        failure: {
          code: "NotificationRefused",
          action: `Check ${setting} in the app settings.`,
        },
      });
      expect(refusing.received).toHaveLength(1);
    },
  );

  test("Teams gets an Adaptive Card and Slack blocks, each titled with the outcome and members", async () => {
    const teams = await listening(200);
    const slack = await listening(200);
    const settings = { NOTIFY_TEAMS_URL: teams.url, NOTIFY_SLACK_URL: slack.url };
    for (const name of ["teams", "slack"] as const)
      await notifyGroup({ report: groupReport(), channel: name }, env({ settings }).env);
    const title = "Capture group partly ready — some VMs failed: web-1, app-1, db-1";
    const card = JSON.parse(teams.received[0]!.body) as {
      attachments: Array<{ contentType: string; content: { body: Array<{ text: string }> } }>;
    };
    expect(card.attachments[0]!.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card.attachments[0]!.content.body[0]!.text).toBe(title);
    expect((JSON.parse(slack.received[0]!.body) as { text: string }).text).toBe(title);
  });

  test("a channel that is unavailable (5xx) throws, so durable retries try it again", async () => {
    const slack = await listening(503);
    const { env: e } = env({ settings: { NOTIFY_SLACK_URL: slack.url } });
    await expect(notifyGroup({ report: groupReport(), channel: "slack" }, e)).rejects.toThrow(
      /503/,
    );
    expect(slack.received).toHaveLength(1);
  });
});
