/**
 * The Teams card checked by Microsoft's own Adaptive Cards library (the renderer Teams builds
 * on): every element type and property value must be one it knows for schema 1.5, and every
 * required property present — for success, failure and absurd inputs alike.
 */
import { buildNotification } from "../../lib/notify/notification";
import { teamsMessage } from "../../lib/notify/channels";
import { captureReport as report } from "../support/reports";

// The package's ESM build uses extensionless imports Node cannot load; its UMD bundle works.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require("adaptivecards/dist/adaptivecards.js") as {
  AdaptiveCard: new () => {
    parse(json: unknown, context: unknown): void;
    validateProperties(): { validationEvents: Array<{ message: string }> };
  };
  SerializationContext: new () => {
    eventCount: number;
    getEventAt(i: number): { message: string };
  };
};

function cardProblems(card: unknown): string[] {
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  parsed.parse(card, context);
  const parseEvents = Array.from(
    { length: context.eventCount },
    (_, i) => context.getEventAt(i).message,
  );
  return [...parseEvents, ...parsed.validateProperties().validationEvents.map((e) => e.message)];
}

describe("Teams Adaptive Card (schema 1.5)", () => {
  test.each([
    [
      "success with highlights and a link",
      buildNotification(
        report("succeeded", {
          summary: { highlights: ["a ⇄ b 10 packets"] },
          blob: { storagePath: "https://a/b.cap", sizeBytes: 100, format: "pcap" },
        }),
        { downloadUrl: "https://a/b.cap?sig=x" },
      ),
    ],
    [
      "failure with the re-run command",
      buildNotification(
        report("failed", {
          failure: {
            phase: "startCapture",
            code: "AgentMissing",
            message: "<b>m</b>",
            action: "a",
          },
        }),
      ),
    ],
    ["cancelled without a file", buildNotification(report("cancelled"))],
  ])("%s: no unknown element, bad value or missing property", (_name, notification) => {
    const message = teamsMessage(notification) as { attachments: Array<{ content: unknown }> };
    expect(cardProblems(message.attachments[0]!.content)).toEqual([]);
  });

  test("the checker itself catches a bad card", () => {
    expect(
      cardProblems({
        type: "AdaptiveCard",
        version: "1.5",
        body: [{ type: "TextBlock", text: "x", size: "Huge" }],
        actions: [{ type: "Action.OpenUrl", title: "t" }],
      }),
    ).toHaveLength(2);
  });
});
