/**
 * What every channel says about a capture group, built once from the group's report: the
 * comparison's verdict first (what the on-call person needs), then one entry per VM with its
 * link, outcome and triage highlights. Pure; the Teams and Slack renderings are plain text
 * sections so the verdict reads the same everywhere.
 */
import type { GroupReport } from "../workflow/groupContracts";
import { adaptiveCardMessage } from "./channels";

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
    highlights: string[];
    statusUrl?: string;
    error?: string;
  }>;
  statusUrl?: string;
}

const TITLES: Record<GroupReport["outcome"], string> = {
  succeeded: "Capture group ready",
  partial: "Capture group partly ready — some VMs failed",
  failed: "Capture group FAILED",
  cancelled: "Capture group cancelled — partial files kept",
};

/** `links` maps a member's instance ID to its freshly minted download link. */
export function buildGroupNotification(
  report: GroupReport,
  links: Record<string, string> = {},
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
      highlights: m.report?.summary?.highlights ?? [],
      statusUrl: m.report?.request.statusUrl,
      error: m.error ?? m.report?.failure?.message,
    })),
    statusUrl: report.statusUrl,
  };
}

/** The notification as lines of text: verdicts, details, then one block per VM. */
export function groupNotificationText(n: GroupNotification): string[] {
  const lines = [...n.verdicts, ...n.details.map((d) => `· ${d}`)];
  for (const m of n.members) {
    const size = m.sizeBytes === undefined ? "" : `, ${m.sizeBytes} bytes`;
    lines.push(`${m.name} (${m.role}): ${m.outcome}${size}${m.error ? ` — ${m.error}` : ""}`);
    if (m.downloadUrl) lines.push(`  download: ${m.downloadUrl}`);
    for (const h of m.highlights.slice(0, 3)) lines.push(`  ${h}`);
  }
  if (n.statusUrl) lines.push(`status: ${n.statusUrl}`);
  return lines;
}

export function groupTeamsMessage(n: GroupNotification): Record<string, unknown> {
  return adaptiveCardMessage([
    { type: "TextBlock", text: n.title, weight: "Bolder", size: "Medium", wrap: true },
    ...groupNotificationText(n).map((text) => ({ type: "TextBlock", text, wrap: true })),
  ]);
}

export function groupSlackMessage(n: GroupNotification): Record<string, unknown> {
  const text = groupNotificationText(n).join("\n").slice(0, 2900);
  return {
    text: n.title.slice(0, 3000),
    blocks: [
      { type: "header", text: { type: "plain_text", text: n.title.slice(0, 150), emoji: true } },
      { type: "section", text: { type: "mrkdwn", text } },
    ],
  };
}
