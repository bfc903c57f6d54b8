/**
 * The Teams card checked by Microsoft's own Adaptive Cards library (the renderer Teams builds
 * on): every element type and property value must be one it knows for schema 1.5, and every
 * required property present — for success, failure and absurd inputs alike.
 */
import { buildNotification } from "../../lib/notify/notification";
import { teamsMessage } from "../../lib/notify/channels";
import { captureReport as report } from "../support/reports";
import { cardProblems } from "./support/cardProblems";

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
