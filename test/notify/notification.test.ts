import { buildNotification, facts } from "../../lib/notify/notification";
import { slackMessage, teamsMessage } from "../../lib/notify/channels";
import { signBody, verifySignature } from "../../lib/notify/signature";
import { captureReport as report } from "../support/reports";

describe("notifications", () => {
  const ringSettings = { fileCount: 10, fileSizeInBytes: 1, sessionTimeLimitInSeconds: 3600 };
  test("a freeze after the ring ended says so: kept files without a tail, or the typed ringEnded", () => {
    const ended = { at: "2026-01-01T03:00:10.000Z", by: "sessionEnded" as const };
    const frozen = buildNotification(
      report("frozen", { ring: { settings: ringSettings, endedBeforeFreeze: ended } }),
    );
    expect(facts(frozen)).toContainEqual([
      "Recorder",
      "The freeze arrived after the ring reached its session limit at 2026-01-01T03:00:10.000Z: the kept files end there, with no post-trigger tail",
    ]);
    const nothing = buildNotification(
      report("ringEnded", {
        ring: {
          settings: ringSettings,
          endedBeforeFreeze: {
            ...ended,
            by: "disarmed",
            kept: "no usable ring file overlaps x – y",
          },
        },
      }),
    );
    expect(nothing.title).toBe("Flight recorder had ended before the freeze — nothing kept: vm1");
    expect(nothing.tone).toBe("warning");
    expect(JSON.stringify(slackMessage(nothing))).toContain(
      "after the ring was disarmed at 2026-01-01T03:00:10.000Z: no usable ring file overlaps",
    );
  });

  test("success carries VM, alert, status, duration, size, link, highlights and the status URL", () => {
    const n = buildNotification(
      report("succeeded", {
        status: { status: "Stopped", stopReason: "TimeExceeded", errors: [] },
        blob: {
          storagePath: "https://caps.blob.core.windows.net/network-watcher-logs/x.cap",
          sizeBytes: 5 * 1024 * 1024,
          format: "pcap",
        },
        summary: { highlights: ["10.0.0.4:443 ⇄ 10.0.0.9:51000 1,200 pkts"] },
      }),
      { downloadUrl: "https://caps.blob.core.windows.net/network-watcher-logs/x.cap?sv=1&sig=abc" },
    );
    expect(n.tone).toBe("good");
    expect(n.capture).toMatchObject({
      durationSeconds: 320,
      sizeBytes: 5242880,
      downloadUrl: expect.stringContaining("sig="),
    });
    expect(n.rerun).toBeUndefined();
    const rows = Object.fromEntries(facts(n));
    expect(rows).toMatchObject({
      VM: "vm1 (prod)",
      Alert: "tcp-out-high · Sev2",
      Status: "Stopped · TimeExceeded",
      Size: "5.0 MiB",
    });
  });

  test("failure carries the reason, what to do, and the exact re-run commands", () => {
    const n = buildNotification(
      report("failed", {
        failure: {
          phase: "startCapture",
          code: "AgentMissing",
          message: "no agent",
          action: "install it",
        },
      }),
    );
    expect(n.tone).toBe("error");
    expect(n.rerun?.cli).toBe("npm run ops -- rerun capture-vm1-0123456789");
    expect(n.rerun?.http).toContain(
      "https://app.azurewebsites.net/api/ops/captures/capture-vm1-0123456789/rerun",
    );
    expect(Object.fromEntries(facts(n))).toMatchObject({
      Failure: "[startCapture] AgentMissing: no agent",
      "What to do": "install it",
    });
  });

  test("Teams: an Adaptive Card 1.5 in the message envelope, links as OpenUrl actions", () => {
    const card = teamsMessage(
      buildNotification(report("succeeded"), { downloadUrl: "https://x/y.cap?sig=1" }),
    ) as {
      type: string;
      attachments: Array<{
        contentType: string;
        content: { version: string; type: string; actions: Array<{ type: string; url: string }> };
      }>;
    };
    expect(card.type).toBe("message");
    expect(card.attachments[0]!.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card.attachments[0]!.content).toMatchObject({ type: "AdaptiveCard", version: "1.5" });
    expect(card.attachments[0]!.content.actions.map((a) => a.type)).toEqual([
      "Action.OpenUrl",
      "Action.OpenUrl",
    ]);
  });

  test("Slack: Block Kit within its limits even for absurd input", () => {
    const long = "x".repeat(5000);
    const n = buildNotification(
      report("failed", {
        failure: { phase: "startCapture", code: "C", message: long, action: long },
        summary: { highlights: Array(500).fill(long) },
      }),
    );
    const msg = slackMessage(n) as {
      text: string;
      blocks: Array<{ type: string; text?: { text: string }; fields?: Array<{ text: string }> }>;
    };
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    const header = msg.blocks.find((b) => b.type === "header")!;
    expect(header.text!.text.length).toBeLessThanOrEqual(150);
    for (const block of msg.blocks) {
      if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(3000);
      for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(2000);
      expect((block.fields ?? []).length).toBeLessThanOrEqual(10);
    }
  });

  test("HMAC signature verifies, and fails for a changed body, wrong secret or stale timestamp", () => {
    const body = '{"a":1}';
    const header = signBody("s3cret", body, 1_700_000_000);
    expect(verifySignature("s3cret", body, header, 1_700_000_010)).toBe(true);
    expect(verifySignature("s3cret", '{"a":2}', header, 1_700_000_010)).toBe(false);
    expect(verifySignature("other", body, header, 1_700_000_010)).toBe(false);
    expect(verifySignature("s3cret", body, header, 1_700_001_000)).toBe(false);
    expect(verifySignature("s3cret", body, "garbage", 1_700_000_010)).toBe(false);
  });
});

test("a summarised capture links its report page on every channel", () => {
  const n = buildNotification(
    report("succeeded", {
      summary: { summaryPath: "https://st.blob.core.windows.net/c/x.summary.json", highlights: [] },
    }),
  );
  const url = "https://app.azurewebsites.net/api/ops/web/captures/capture-vm1-0123456789/report";
  expect(n.reportUrl).toBe(url);
  expect(JSON.stringify(teamsMessage(n))).toContain(`"url":"${url}"`);
  expect(JSON.stringify(slackMessage(n))).toContain(`"url":"${url}"`);
  expect(buildNotification(report("failed")).reportUrl).toBeUndefined();
});
