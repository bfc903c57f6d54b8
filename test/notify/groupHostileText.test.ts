/**
 * Issue 18.2 for capture groups: VM names, rule names, failure messages and triage highlights
 * reach the group notification too, and must show as literally there as in a single capture's.
 */
import MarkdownIt from "markdown-it";
import {
  buildGroupNotification,
  groupSlackMessage,
  groupTeamsMessage,
} from "../../lib/notify/groupNotification";
import type { GroupReport } from "../../lib/workflow/groupContracts";
import { captureReport } from "../support/reports";
import { cardProblems } from "./support/cardProblems";

const PHISH = "<!channel> [Reset](https://evil.example/reset) <https://evil.example|Open>";
const DOWNLOAD = "https://caps.blob.example/a.cap?sig=x";

function hostileGroup(): GroupReport {
  const report = captureReport("succeeded", {
    blob: { storagePath: "https://caps/a.cap", sizeBytes: 10, format: "pcap" },
    summary: { highlights: ["**bold** <!here>", "- [x](https://evil.example)"] },
  });
  return {
    instanceId: "group-2-0123456789abcdef",
    outcome: "partial",
    alert: { schema: "common", ruleName: PHISH, severity: "Sev2" },
    startedAt: "2026-01-01T02:00:00Z",
    endedAt: "2026-01-01T02:05:00Z",
    members: [
      {
        instanceId: "capture-a",
        name: "<!everyone>web\n- fake",
        resourceId: "r1",
        role: "started",
        report,
      },
      { instanceId: "capture-b", name: "db_1", resourceId: "r2", role: "joined", error: PHISH },
    ],
    comparisons: [
      { a: "web", b: "db", verdict: `web→db: ${PHISH}`, details: ["*x*"], directions: [] },
    ],
    statusUrl: "https://app.example.net/api/groups/group-2-0123456789abcdef",
  };
}

const notification = buildGroupNotification(hostileGroup(), { "capture-a": DOWNLOAD });

test("Slack: no mention or link syntax in any mrkdwn text or the fallback; links are buttons", () => {
  const message = groupSlackMessage(notification) as {
    text: string;
    blocks: Array<{ type: string; text?: { type: string; text: string }; elements?: unknown[] }>;
  };
  const mrkdwn = message.blocks.flatMap((b) => (b.text?.type === "mrkdwn" ? [b.text.text] : []));
  expect(mrkdwn).toHaveLength(1);
  for (const text of [message.text, ...mrkdwn]) expect(text).not.toMatch(/[<>]/);
  expect(mrkdwn[0]).toContain("&lt;!everyone&gt;web - fake (started)");
  expect(message.blocks.find((b) => b.type === "actions")?.elements).toEqual([
    expect.objectContaining({ url: DOWNLOAD }),
    expect.objectContaining({ url: notification.statusUrl }),
  ]);
});

test("Teams: every TextBlock renders as plain text (no link, emphasis or list), and the card is valid", () => {
  const card = (
    groupTeamsMessage(notification) as {
      attachments: Array<{
        content: { body: Array<{ text: string }>; actions: Array<{ url: string }> };
      }>;
    }
  ).attachments[0]!.content;
  expect(cardProblems(card)).toEqual([]);
  const md = new MarkdownIt();
  for (const block of card.body) {
    const html = md.renderInline(block.text);
    expect(html).not.toMatch(/<(a|strong|em|code)\b/);
  }
  expect(card.body.map((b) => b.text).join("\n")).not.toContain(DOWNLOAD);
  expect(card.actions.map((a) => a.url)).toEqual([DOWNLOAD, notification.statusUrl]);
});
