/**
 * What every channel says about a capture, built once from the orchestration's report so the
 * Teams card, the Slack message and the signed JSON never disagree. Pure.
 */
import type { CaptureReport } from "../workflow/contracts";

export const NOTIFICATION_SCHEMA = "alert-packet-capture/notification@1";

export interface Notification {
  schema: typeof NOTIFICATION_SCHEMA;
  title: string;
  /** good: the file is there; warning: there, but not what was asked (cancelled, overran); error: failed. */
  tone: "good" | "warning" | "error";
  instanceId: string;
  outcome: CaptureReport["outcome"];
  target: { name: string; resourceGroup: string; subscriptionId: string; resourceId: string };
  alert: { rule?: string; severity?: string; firedAt?: string; schema: string };
  capture: {
    name?: string;
    status?: string;
    stopReason?: string;
    durationSeconds: number;
    sizeBytes?: number;
    storagePath?: string;
    downloadUrl?: string;
    downloadExpiresAt?: string;
  };
  highlights: string[];
  summaryNote?: string;
  failure?: { phase: string; code: string; message: string; action?: string };
  statusUrl?: string;
  /** Failed captures: the exact commands that re-run this instance. */
  rerun?: { cli: string; http: string };
}

export interface NotificationExtras {
  downloadUrl?: string;
  downloadExpiresAt?: string;
}

const TITLES: Record<CaptureReport["outcome"], string> = {
  succeeded: "Packet capture ready",
  stoppedEarly: "Packet capture ready (stopped at its size limit)",
  cancelled: "Packet capture cancelled — partial file kept",
  overran: "Packet capture stopped after overrunning its time limit",
  partial: "Packet capture cut short (the capture agent was lost) — partial file kept",
  failed: "Packet capture FAILED",
};

export function buildNotification(
  report: CaptureReport,
  extras: NotificationExtras = {},
): Notification {
  const { target, alert } = report.request;
  const durationSeconds = Math.max(
    0,
    Math.round((Date.parse(report.endedAt) - Date.parse(report.startedAt)) / 1000),
  );
  const tone =
    report.outcome === "failed"
      ? "error"
      : report.outcome === "succeeded" || report.outcome === "stoppedEarly"
        ? "good"
        : "warning";
  return {
    schema: NOTIFICATION_SCHEMA,
    title: `${TITLES[report.outcome]}: ${target.name}`,
    tone,
    instanceId: report.instanceId,
    outcome: report.outcome,
    target: {
      name: target.name,
      resourceGroup: target.resourceGroup,
      subscriptionId: target.subscriptionId,
      resourceId: target.resourceId,
    },
    alert: {
      rule: alert.ruleName,
      severity: alert.severity,
      firedAt: alert.firedAt,
      schema: alert.schema,
    },
    capture: {
      name: report.captureName,
      status: report.status?.status,
      stopReason: report.status?.stopReason,
      durationSeconds,
      sizeBytes: report.blob?.sizeBytes,
      storagePath: report.blob?.storagePath,
      downloadUrl: extras.downloadUrl,
      downloadExpiresAt: extras.downloadExpiresAt,
    },
    highlights: report.summary?.highlights ?? [],
    summaryNote: report.summary?.skippedReason,
    failure: report.failure,
    statusUrl: report.request.statusUrl,
    rerun: report.outcome === "failed" ? rerunCommands(report) : undefined,
  };
}

function rerunCommands(report: CaptureReport): Notification["rerun"] {
  const origin = report.request.statusUrl
    ? new URL(report.request.statusUrl).origin
    : "https://<function-app>.azurewebsites.net";
  return {
    cli: `npm run ops -- rerun ${report.instanceId}`,
    http: `curl -X POST -H "x-functions-key: <admin key>" "${origin}/api/ops/captures/${encodeURIComponent(report.instanceId)}/rerun"`,
  };
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return "—";
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Facts in display order, shared by the Teams and Slack renderings. */
export function facts(n: Notification): Array<[string, string]> {
  const rows: Array<[string, string | undefined]> = [
    ["VM", `${n.target.name} (${n.target.resourceGroup})`],
    ["Alert", [n.alert.rule, n.alert.severity].filter(Boolean).join(" · ") || undefined],
    ["Fired", n.alert.firedAt],
    ["Status", [n.capture.status, n.capture.stopReason].filter(Boolean).join(" · ") || n.outcome],
    ["Duration", `${n.capture.durationSeconds} s`],
    ["Size", n.capture.sizeBytes === undefined ? undefined : formatBytes(n.capture.sizeBytes)],
    ["Capture", n.capture.name],
    [
      "Failure",
      n.failure ? `[${n.failure.phase}] ${n.failure.code}: ${n.failure.message}` : undefined,
    ],
    ["What to do", n.failure?.action],
  ];
  return rows.filter((row): row is [string, string] => row[1] !== undefined && row[1] !== "");
}
