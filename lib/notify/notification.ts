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
  ring?: RingNotice;
  /** Failed captures: the exact commands that re-run this instance. */
  rerun?: { cli: string; http: string };
}

export interface NotificationExtras {
  downloadUrl?: string;
  downloadExpiresAt?: string;
  /** Read-only links for a frozen ring's files and combined summary, by blob URL. */
  ringLinks?: Record<string, string>;
}

/** A frozen ring: each kept file and the combined before/after summary, with links. */
export interface RingNotice {
  firedAt?: string;
  window?: { from: string; to: string };
  files: Array<{
    storagePath: string;
    downloadUrl?: string;
    sizeBytes: number;
    from: string;
    to: string;
  }>;
  summaryPath?: string;
  summaryUrl?: string;
  /** What the ring held at the last health check. */
  heldFrom?: string;
  heldBytes?: number;
}

const TITLES: Record<CaptureReport["outcome"], string> = {
  succeeded: "Packet capture ready",
  stoppedEarly: "Packet capture ready (stopped at its size limit)",
  cancelled: "Packet capture cancelled — partial file kept",
  overran: "Packet capture stopped after overrunning its time limit",
  failed: "Packet capture FAILED",
  frozen: "Flight recorder frozen — the minutes before the alert",
  disarmed: "Flight recorder disarmed",
  sessionEnded: "Flight recorder ended at its session limit",
  refused: "Flight recorder NOT armed (regional cap reached)",
};

const GOOD_OUTCOMES = new Set<CaptureReport["outcome"]>([
  "succeeded",
  "stoppedEarly",
  "frozen",
  "disarmed",
  "sessionEnded",
]);

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
    report.outcome === "failed" ? "error" : GOOD_OUTCOMES.has(report.outcome) ? "good" : "warning";
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
    ring: ringNotice(report, extras),
    rerun: report.outcome === "failed" ? rerunCommands(report) : undefined,
  };
}

function ringNotice(report: CaptureReport, extras: NotificationExtras): RingNotice | undefined {
  const ring = report.ring;
  if (!ring) return undefined;
  const links = extras.ringLinks ?? {};
  return {
    firedAt: ring.firedAt,
    window: ring.window,
    files: (ring.files ?? []).map((f) => ({
      storagePath: f.url,
      downloadUrl: links[f.url],
      sizeBytes: f.sizeBytes,
      from: f.from,
      to: f.to,
    })),
    summaryPath: ring.summaryPath,
    summaryUrl: ring.summaryPath ? links[ring.summaryPath] : undefined,
    heldFrom: ring.holding?.oldest,
    heldBytes: ring.holding?.bytes,
  };
}

function rerunCommands(report: CaptureReport): Notification["rerun"] {
  const origin = report.request.statusUrl
    ? new URL(report.request.statusUrl).origin
    : "https://<function-app>.azurewebsites.net";
  return {
    cli: `npm run ops -- rerun ${report.instanceId}`,
    http: `curl -X POST "${origin}/api/ops/captures/${encodeURIComponent(report.instanceId)}/rerun?code=<admin key>"`,
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
