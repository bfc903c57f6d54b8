import type { Server } from "node:http";
import { notify } from "../../activities/notify";
import { verifySignature } from "../../lib/notify/signature";
import type { ActivityEnv } from "../../lib/workflow/activity";
import { captureReport } from "../support/reports";
import { channel, closeAll } from "./support/loopbackChannel";

function env(settings: Record<string, unknown>, links: string[] = []): ActivityEnv {
  return {
    settings,
    log: () => undefined,
    clients: {
      downloadLink: async (url: string) => {
        links.push(url);
        return `${url}?sig=read-only`;
      },
    },
  } as unknown as ActivityEnv;
}

const SECRET = "notify-test-secret";
const blob = {
  storagePath: "https://stcaps.blob.core.windows.net/network-watcher-logs/vm1.cap",
  sizeBytes: 4096,
  format: "pcap" as const,
};
const servers: Server[] = [];
afterAll(() => closeAll(servers));

describe("notify (one channel per call)", () => {
  test("an unconfigured channel is skipped at once: nothing delivered, nothing posted", async () => {
    expect(await notify({ report: captureReport("succeeded"), channel: "teams" }, env({}))).toEqual(
      {
        ok: true,
        value: { delivered: [] },
      },
    );
  });

  test("the webhook gets the notification signed, with an idempotency key stable per capture and outcome, and a fresh link", async () => {
    const hook = await channel(200);
    servers.push(hook.server);
    const links: string[] = [];
    const settings = { NOTIFY_WEBHOOK_URL: hook.url, NOTIFY_WEBHOOK_SECRET: SECRET };
    const report = captureReport("succeeded", { blob });
    expect(await notify({ report, channel: "webhook" }, env(settings, links))).toEqual({
      ok: true,
      value: { delivered: ["webhook"] },
    });
    await notify({ report, channel: "webhook" }, env(settings, links));
    const [first, second] = hook.received;
    expect(first!.headers["idempotency-key"]).toBe(second!.headers["idempotency-key"]);
    expect(first!.headers["idempotency-key"]).toMatch(/^[0-9a-f]{32}$/);
    const signature = String(first!.headers["x-capture-signature"]);
    expect(verifySignature(SECRET, first!.body, signature, Math.floor(Date.now() / 1000))).toBe(
      true,
    );
    expect(
      verifySignature("another-secret", first!.body, signature, Math.floor(Date.now() / 1000)),
    ).toBe(false);
    const body = JSON.parse(first!.body) as { capture?: { downloadUrl?: string } };
    expect(body.capture?.downloadUrl).toBe(`${blob.storagePath}?sig=read-only`);
    expect(links).toEqual([blob.storagePath, blob.storagePath]);

    const failed = await notify(
      { report: captureReport("failed", { blob }), channel: "webhook" },
      env(settings),
    );
    expect(failed.ok).toBe(true);
    expect(hook.received[2]!.headers["idempotency-key"]).not.toBe(
      first!.headers["idempotency-key"],
    );
  });

  test("a channel refusing the message (4xx) is a permanent NotificationRefused naming its setting", async () => {
    const teams = await channel(400);
    servers.push(teams.server);
    expect(
      await notify(
        { report: captureReport("succeeded"), channel: "teams" },
        env({ NOTIFY_TEAMS_URL: teams.url }),
      ),
    ).toMatchObject({
      ok: false,
      failure: {
        code: "NotificationRefused",
        action: "Check NOTIFY_TEAMS_URL in the app settings.",
      },
    });
  });

  test("a channel that is unavailable (5xx) throws, so durable retries try it again", async () => {
    const slack = await channel(503);
    servers.push(slack.server);
    await expect(
      notify(
        { report: captureReport("succeeded"), channel: "slack" },
        env({ NOTIFY_SLACK_URL: slack.url }),
      ),
    ).rejects.toThrow(/503/);
    expect(slack.received).toHaveLength(1);
  });
});
