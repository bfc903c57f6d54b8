/**
 * What every channel says about a capture group, built once from the group's report: the
 * comparison's verdict first (what the on-call person needs), then one entry per VM with its
 * outcome and triage highlights, links as buttons. Pure; the Teams and Slack renderings escape
 * every alert-derived value with the single notification's rules (channelText.ts).
 */
import type { GroupReport } from "../workflow/groupContracts";
import { adaptiveCardMessage } from "./channels";
import { clip, oneLine, slackEscape, teamsEscape } from "./channelText";

/** One line of the group text at most this long: a hostile name cannot grow the message. */
const LINE_MAX = 500;

export const GROUP_NOTIFICATION_SCHEMA = "alert-packet-capture/group-notification@1";

export interface GroupNotification {
  schema: typeof GROUP_NOTIFICATION_SCHEMA;
  title: string;
  tone: "good" | "warning" | "error";
  instanceId: string;
  outcome: GroupReport["outcome"];
  /** The comparisons' verdicts, e.g. "web-1→db-1: 37 of 1,204 packets (3.1 %) left web-1 and never reached db-1, …". */
  verdicts: string[];
  details: string[];
  alert: { rule?: string; severity?: string; firedAt?: string; schema: string };
  members: Array<{
    name: string;
    resourceId: string;
    role: "started" | "joined";
    outcome: string;
    sizeBytes?: number;
    downloadUrl?: string;
    /** A scale set: one file per instance (Network Watcher writes one each), each with its own link. */
    files?: MemberFile[];
    highlights: string[];
    statusUrl?: string;
    error?: string;
  }>;
  statusUrl?: string;
}

/** One instance's file of a scale-set member. */
export interface MemberFile {
  /** `{set}_{instanceId}` as Azure names instances, or `{set} file {n}` when the path names none. */
  name: string;
  instanceId?: string;
  sizeBytes: number;
  downloadUrl?: string;
}

/** Instance files listed in the text per member at most; the JSON carries every one. */
const FILE_LINES = 10;
/** Download buttons at most: Slack takes 25 in one actions block, and the status needs one. */
const DOWNLOAD_BUTTONS = 24;

const TITLES: Record<GroupReport["outcome"], string> = {
  succeeded: "Capture group ready",
  partial: "Capture group partly ready — some VMs failed",
  failed: "Capture group FAILED",
  cancelled: "Capture group cancelled — partial files kept",
};

/**
 * `links` maps a member's instance ID to its freshly minted download link; `fileLinks` a scale-set
 * instance file's storage path to its own.
 */
export function buildGroupNotification(
  report: GroupReport,
  links: Record<string, string> = {},
  fileLinks: Record<string, string> = {},
): GroupNotification {
  const names = report.members.map((m) => m.name).join(", ");
  return {
    schema: GROUP_NOTIFICATION_SCHEMA,
    title: `${TITLES[report.outcome]}: ${names}`,
    tone:
      report.outcome === "succeeded" ? "good" : report.outcome === "failed" ? "error" : "warning",
    instanceId: report.instanceId,
    outcome: report.outcome,
    verdicts: report.comparisons.map((c) => (c.error ? `${c.verdict}: ${c.error}` : c.verdict)),
    details: report.comparisons.flatMap((c) => c.details),
    alert: {
      rule: report.alert.ruleName,
      severity: report.alert.severity,
      firedAt: report.alert.firedAt,
      schema: report.alert.schema,
    },
    members: report.members.map((m) => ({
      name: m.name,
      resourceId: m.resourceId,
      role: m.role,
      outcome: m.report?.outcome ?? "failed",
      sizeBytes: m.report?.blob?.sizeBytes,
      downloadUrl: links[m.instanceId],
      ...(m.report?.instances && {
        files: m.report.instances.files.map((f, i) => ({
          name:
            f.instanceId === undefined ? `${m.name} file ${i + 1}` : `${m.name}_${f.instanceId}`,
          ...(f.instanceId !== undefined && { instanceId: f.instanceId }),
          sizeBytes: f.sizeBytes,
          downloadUrl: fileLinks[f.storagePath],
        })),
      }),
      highlights: m.report?.summary?.highlights ?? [],
      statusUrl: m.report?.request.statusUrl,
      error: m.error ?? m.report?.failure?.message,
    })),
    statusUrl: report.statusUrl,
  };
}

/**
 * The notification as lines of plain text: verdicts, details, then one block per VM. Every value
 * comes from alerts and VM names, so each line is one line (no control characters to fake extra
 * facts) and clipped; links are left to buttons, so no URL has to survive channel escaping.
 */
export function groupNotificationText(n: GroupNotification): string[] {
  const lines = [...n.verdicts, ...n.details.map((d) => `· ${d}`)];
  for (const m of n.members) {
    const size = m.sizeBytes === undefined ? "" : `, ${m.sizeBytes} bytes`;
    lines.push(`${m.name} (${m.role}): ${m.outcome}${size}${m.error ? ` — ${m.error}` : ""}`);
    const files = m.files ?? [];
    for (const f of files.slice(0, FILE_LINES)) lines.push(`  ${f.name}: ${f.sizeBytes} bytes`);
    if (files.length > FILE_LINES) lines.push(`  … and ${files.length - FILE_LINES} more files`);
    for (const h of m.highlights.slice(0, 3)) lines.push(`  ${h}`);
  }
  return lines.map((line) => clip(oneLine(line), LINE_MAX));
}

/**
 * Each member's download link, each scale-set instance file's, and the group's status, as buttons:
 * at most 24 downloads, so that the status survives Slack's 25 buttons.
 */
function groupLinks(n: GroupNotification): Array<{ title: string; url: string }> {
  const button = (name: string, url: string | undefined) =>
    url ? [{ title: clip(`Download ${oneLine(name)}`, 80), url }] : [];
  const links = n.members
    .flatMap((m) => [
      ...button(m.name, m.downloadUrl),
      ...(m.files ?? []).flatMap((f) => button(f.name, f.downloadUrl)),
    ])
    .slice(0, DOWNLOAD_BUTTONS);
  if (n.statusUrl) links.push({ title: "Group status", url: n.statusUrl });
  return links;
}

/** Adaptive Card: every text Markdown-escaped, as the single-capture card (channels.ts). */
export function groupTeamsMessage(n: GroupNotification): Record<string, unknown> {
  return adaptiveCardMessage(
    [
      {
        type: "TextBlock",
        text: teamsEscape(clip(oneLine(n.title), LINE_MAX)),
        weight: "Bolder",
        size: "Medium",
        wrap: true,
      },
      ...groupNotificationText(n).map((text) => ({
        type: "TextBlock",
        text: teamsEscape(text),
        wrap: true,
      })),
    ],
    groupLinks(n).map((l) => ({ type: "Action.OpenUrl", title: l.title, url: l.url })),
  );
}

/** Block Kit: mrkdwn text and the fallback `text` escaped (`&`, `<`, `>`), within Slack's limits. */
export function groupSlackMessage(n: GroupNotification): Record<string, unknown> {
  const title = oneLine(n.title);
  const blocks: Array<Record<string, unknown>> = [
    { type: "header", text: { type: "plain_text", text: clip(title, 150), emoji: true } },
    {
      type: "section",
      text: { type: "mrkdwn", text: clip(slackEscape(groupNotificationText(n).join("\n")), 3000) },
    },
  ];
  const buttons = groupLinks(n).map((l) => ({
    type: "button",
    text: { type: "plain_text", text: l.title },
    url: l.url,
  }));
  // Slack allows at most 25 elements in one actions block.
  if (buttons.length) blocks.push({ type: "actions", elements: buttons.slice(0, 25) });
  return { text: clip(slackEscape(title), 3000), blocks };
}
