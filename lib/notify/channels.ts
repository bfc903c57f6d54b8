/**
 * Renderings of one Notification for each channel. Teams: an Adaptive Card 1.5 in the message
 * envelope Workflows and incoming webhooks accept. Slack: Block Kit within its documented limits
 * (header ≤ 150 chars, section text ≤ 3000, ≤ 10 fields of ≤ 2000, ≤ 50 blocks).
 */
import { clip, slackEscape, teamsEscape } from "./channelText";
import { facts, type Notification } from "./notification";

const TEAMS_COLOR: Record<Notification["tone"], string> = {
  good: "Good",
  warning: "Warning",
  error: "Attention",
};

function links(n: Notification): Array<{ title: string; url: string }> {
  const result: Array<{ title: string; url: string }> = [];
  if (n.capture.downloadUrl) result.push({ title: "Download .cap", url: n.capture.downloadUrl });
  // A frozen ring: one link per kept file (oldest first; Slack takes 25 buttons) and the combined summary.
  n.ring?.files.slice(0, 20).forEach((f, i) => {
    if (f.downloadUrl)
      result.push({ title: `Ring file ${i + 1} (${clip(f.from, 40)})`, url: f.downloadUrl });
  });
  // A scale set: one link per instance's file (same button budget as a ring).
  n.instances?.files.slice(0, 20).forEach((f, i) => {
    if (f.downloadUrl)
      result.push({
        title: f.instanceId !== undefined ? `Instance ${f.instanceId} .cap` : `File ${i + 1} .cap`,
        url: f.downloadUrl,
      });
  });
  if (n.ring?.summaryUrl) result.push({ title: "Before/after summary", url: n.ring.summaryUrl });
  if (n.reportUrl) result.push({ title: "Capture report", url: n.reportUrl });
  if (n.statusUrl) result.push({ title: "Orchestration status", url: n.statusUrl });
  return result;
}

/**
 * Every value derived from the alert or the capture is Markdown-escaped: TextBlocks and FactSet
 * values render links and emphasis. Lengths are already bounded by buildNotification.
 */
export function teamsMessage(n: Notification): Record<string, unknown> {
  const body: Array<Record<string, unknown>> = [
    {
      type: "TextBlock",
      text: teamsEscape(n.title),
      weight: "Bolder",
      size: "Medium",
      color: TEAMS_COLOR[n.tone],
      wrap: true,
    },
    {
      type: "FactSet",
      facts: facts(n).map(([title, value]) => ({ title, value: teamsEscape(value) })),
    },
  ];
  if (n.highlights.length) {
    body.push({ type: "TextBlock", text: "Triage", weight: "Bolder", wrap: true });
    body.push({
      type: "TextBlock",
      text: n.highlights.map((h) => `- ${teamsEscape(h)}`).join("\n"),
      wrap: true,
      fontType: "Monospace",
    });
  }
  if (n.summaryNote)
    body.push({ type: "TextBlock", text: teamsEscape(n.summaryNote), isSubtle: true, wrap: true });
  if (n.rerun)
    body.push({
      type: "TextBlock",
      text: `Re-run: ${teamsEscape(n.rerun.cli)}`,
      wrap: true,
      fontType: "Monospace",
    });
  return adaptiveCardMessage(
    body,
    links(n).map((l) => ({ type: "Action.OpenUrl", title: l.title, url: l.url })),
  );
}

/** The message envelope Teams Workflows and incoming webhooks accept around an Adaptive Card 1.5. */
export function adaptiveCardMessage(
  body: Array<Record<string, unknown>>,
  actions: Array<Record<string, unknown>> = [],
): Record<string, unknown> {
  return {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.5",
          body,
          actions,
        },
      },
    ],
  };
}

/**
 * Alert-derived values are escaped (`&`, `<`, `>`) wherever Slack parses mrkdwn, the fallback `text`
 * included: Slack turns `<!channel>` there into a mention and `<url|label>` into a disguised link.
 */
export function slackMessage(n: Notification): Record<string, unknown> {
  const blocks: Array<Record<string, unknown>> = [
    { type: "header", text: { type: "plain_text", text: clip(n.title, 150), emoji: true } },
    {
      type: "section",
      fields: facts(n)
        .slice(0, 10)
        .map(([title, value]) => ({
          type: "mrkdwn",
          text: clip(`*${title}*\n${slackEscape(value)}`, 2000),
        })),
    },
  ];
  if (n.highlights.length)
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        // A backtick run in a highlight would close the code block early; an apostrophe reads the same.
        text: clip(
          `*Triage*\n\`\`\`${slackEscape(n.highlights.join("\n").replace(/`/g, "'"))}\`\`\``,
          3000,
        ),
      },
    });
  if (n.rerun)
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: clip(`*Re-run*: \`${slackEscape(n.rerun.cli.replace(/`/g, "'"))}\``, 3000),
      },
    });
  const buttons = links(n).map((l) => ({
    type: "button",
    text: { type: "plain_text", text: l.title },
    url: l.url,
  }));
  if (buttons.length) blocks.push({ type: "actions", elements: buttons });
  // `text` is the fallback Slack shows in notifications and to screen readers.
  return { text: clip(slackEscape(n.title), 3000), blocks: blocks.slice(0, 50) };
}
