/**
 * The Teams card checked by Microsoft's own Adaptive Cards library (the renderer Teams builds
 * on): every element type and property value must be one it knows for schema 1.5, and every
 * required property present — for success, failure and absurd inputs alike.
 */
import { buildNotification } from "../../lib/notify/notification";
import { teamsMessage } from "../../lib/notify/channels";
import type { CaptureReport } from "../../lib/workflow/contracts";

// The package's ESM build uses extensionless imports Node cannot load; its UMD bundle works.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require("adaptivecards/dist/adaptivecards.js") as {
  AdaptiveCard: new () => { parse(json: unknown, context: unknown): void; validateProperties(): { validationEvents: Array<{ message: string }> } };
  SerializationContext: new () => { eventCount: number; getEventAt(i: number): { message: string } };
};

function cardProblems(card: unknown): string[] {
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  parsed.parse(card, context);
  const parseEvents = Array.from({ length: context.eventCount }, (_, i) => context.getEventAt(i).message);
  return [...parseEvents, ...parsed.validateProperties().validationEvents.map((e) => e.message)];
}

function report(outcome: CaptureReport["outcome"], extra: Partial<CaptureReport> = {}): CaptureReport {
  return {
    instanceId: "capture-vm1-0123456789",
    outcome,
    request: {
      target: { resourceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1", subscriptionId: "s", resourceGroup: "rg", name: "vm1", kind: "virtualMachine" },
      settings: { timeLimitInSeconds: 60, totalBytesPerSession: 1, bytesToCapturePerPacket: 0, filters: [], storageAccountId: "x" },
      alert: { schema: "common", ruleName: "<b>tcp</b>", severity: "Sev1" },
      captureName: "c",
      statusUrl: "https://app.azurewebsites.net/runtime/webhooks/durabletask/instances/x",
    },
    startedAt: "2026-01-01T00:00:00Z",
    endedAt: "2026-01-01T00:01:00Z",
    pollCount: 3,
    ...extra,
  };
}

describe("Teams Adaptive Card (schema 1.5)", () => {
  test.each([
    ["success with highlights and a link", buildNotification(report("succeeded", { summary: { highlights: ["a ⇄ b 10 packets"] }, blob: { storagePath: "https://a/b.cap", sizeBytes: 100, format: "pcap" } }), { downloadUrl: "https://a/b.cap?sig=x" })],
    ["failure with the re-run command", buildNotification(report("failed", { failure: { phase: "startCapture", code: "AgentMissing", message: "m", action: "a" } }))],
    ["cancelled without a file", buildNotification(report("cancelled"))],
  ])("%s: no unknown element, bad value or missing property", (_name, notification) => {
    const message = teamsMessage(notification) as { attachments: Array<{ content: unknown }> };
    expect(cardProblems(message.attachments[0]!.content)).toEqual([]);
  });

  test("the checker itself catches a bad card", () => {
    expect(cardProblems({ type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: "x", size: "Huge" }], actions: [{ type: "Action.OpenUrl", title: "t" }] })).toHaveLength(2);
  });
});
