/**
 * Issue 18.2: whoever names an alert rule or a VM writes into our Slack and Teams messages. Their
 * text must show literally — no mention, no disguised link, no emphasis — and no field may grow a
 * message past what the channel accepts. Checked through the real builders, with a CommonMark
 * renderer standing in for Teams' Markdown and the Adaptive Cards library validating the card.
 */
import MarkdownIt from "markdown-it";
import { slackMessage, teamsMessage } from "../../lib/notify/channels";
import { buildNotification } from "../../lib/notify/notification";
import { captureReport as report } from "../support/reports";
import { cardProblems } from "./support/cardProblems";

const PHISH =
  "<!channel> [Reset your password](https://evil.example/reset) <https://evil.example|Open incident>";
const RULE = `${PHISH} **urgent** _now_ ~gone~ \`code\`\n- fake fact\n1. fake item`;
const VM = "<!everyone>vm1";

function hostile(ruleName = RULE) {
  const base = report("failed");
  return buildNotification({
    ...base,
    request: {
      ...base.request,
      target: { ...base.request.target, name: VM, resourceGroup: "<!here>*rg*" },
      alert: {
        schema: "common",
        ruleName,
        severity: "Sev2 <!channel>",
        firedAt: "[now](https://evil.example)",
      },
    },
    failure: {
      phase: "startCapture",
      code: "Bad",
      message: PHISH,
      action: "[Fix it](https://evil.example)",
    },
    summary: { highlights: ["```<!here> break out```", "- [x](https://evil.example)"] },
  });
}

interface SlackBlock {
  type: string;
  text?: { type: string; text: string };
  fields?: Array<{ type: string; text: string }>;
}

describe("Slack", () => {
  const message = slackMessage(hostile()) as { text: string; blocks: SlackBlock[] };
  const mrkdwn = message.blocks.flatMap((b) => [
    ...(b.text?.type === "mrkdwn" ? [b.text.text] : []),
    ...(b.fields ?? []).map((f) => f.text),
  ]);

  test("no mention or link syntax reaches a mrkdwn field or the push-notification text", () => {
    expect(mrkdwn.length).toBeGreaterThan(3);
    for (const text of [message.text, ...mrkdwn]) expect(text).not.toMatch(/[<>]/);
    expect(message.text).toContain("&lt;!everyone&gt;vm1");
    expect(mrkdwn.join("\n")).toContain(
      "&lt;!channel&gt; [Reset your password](https://evil.example/reset) &lt;https://evil.example|Open incident&gt;",
    );
  });

  test("highlights cannot close the code block they are shown in", () => {
    const triage = mrkdwn.find((t) => t.startsWith("*Triage*"))!;
    expect(triage.match(/```/g)).toHaveLength(2);
  });
});

describe("Teams", () => {
  const md = new MarkdownIt();
  const escapeHtml = (s: string) =>
    s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const card = (n: ReturnType<typeof hostile>) =>
    (
      teamsMessage(n) as {
        attachments: Array<{ content: { body: Array<Record<string, unknown>> } }>;
      }
    ).attachments[0]!.content;

  test("every fact renders as exactly its text: no link, emphasis or list", () => {
    const facts = card(hostile()).body.find((b) => b.type === "FactSet")!.facts as Array<{
      title: string;
      value: string;
    }>;
    const shown = Object.fromEntries(facts.map((f) => [f.title, f.value]));
    expect(md.renderInline(shown.VM!)).toBe(escapeHtml(`${VM} (<!here>*rg*)`));
    // Newlines became spaces, so the rule cannot fake a list; severity was not a severity.
    expect(md.renderInline(shown.Alert!)).toBe(escapeHtml(RULE.replace(/\n/g, " ")));
    expect(md.renderInline(shown.Failure!)).toBe(escapeHtml(`[startCapture] Bad: ${PHISH}`));
    expect(md.renderInline(shown["What to do"]!)).toBe(
      escapeHtml("[Fix it](https://evil.example)"),
    );
    expect(shown.Fired).toBeUndefined();
  });

  test("text blocks render without links; highlights stay a two-item list", () => {
    const blocks = card(hostile()).body.filter((b) => b.type === "TextBlock");
    const html = blocks.map((b) => md.render(b.text as string)).join("");
    expect(html).not.toMatch(/<(a|em|strong|code|ol|h\d)\b/);
    expect(html.match(/<li>/g)).toHaveLength(2);
    expect(html).toContain(escapeHtml("<!everyone>vm1"));
  });

  test("a 60 KB rule name still gives a small, valid card (Teams refuses ~28 KB and up)", () => {
    const n = hostile("x".repeat(60_000));
    const teams = JSON.stringify(teamsMessage(n));
    expect(teams.length).toBeLessThan(8_000);
    expect(JSON.stringify(slackMessage(n)).length).toBeLessThan(8_000);
    expect(cardProblems(card(n))).toEqual([]);
    expect(cardProblems(card(hostile()))).toEqual([]);
  });
});

describe("fields with a known format are checked, not passed on", () => {
  test.each([
    ["Sev0", "2026-01-01T02:00:00.1234567Z", "Sev0", "2026-01-01T02:00:00.1234567Z"],
    ["sev9", "2026-13-45T99:00:00Z", undefined, undefined],
    ["Sev2\n<!channel>", "yesterday", undefined, undefined],
  ])("severity %j, fired %j", (severity, firedAt, shownSeverity, shownFired) => {
    const base = report("succeeded");
    const n = buildNotification({
      ...base,
      request: { ...base.request, alert: { schema: "common", ruleName: "r", severity, firedAt } },
    });
    expect(n.alert.severity).toBe(shownSeverity);
    expect(n.alert.firedAt).toBe(shownFired);
  });
});
