/**
 * What every channel says about a capture, built once from the orchestration's report so the
 * Teams card, the Slack message and the signed JSON never disagree. Pure.
 */
import { BROWSER_SEGMENT } from "../ops/access";
import type { CaptureReport } from "../workflow/contracts";
import { clip, oneLine } from "./channelText";

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
  /** A scale set: each instance's file with its link and triage, and the instances without one. */
  instances?: InstanceNotice;
  /** The HTML capture report on the ops API (the admin key is added by whoever opens it), once summarised. */
  reportUrl?: string;
  /** Failed captures: the exact commands that re-run this instance. */
  rerun?: { cli: string; http: string };
}

export interface NotificationExtras {
  downloadUrl?: string;
  downloadExpiresAt?: string;
  /** Read-only links by blob URL: a frozen ring's files and combined summary, a scale set's instance files. */
  fileLinks?: Record<string, string>;
}

/** A scale-set capture, file by file. */
export interface InstanceNotice {
  files: Array<{
    /** Absent when the file's path names no instance (lib/domain/instanceFiles). */
    instanceId?: string;
    storagePath: string;
    downloadUrl?: string;
    sizeBytes: number;
    format: string;
  }>;
  /** Instance IDs in the capture's scope that left no file. */
  missing: string[];
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
  /** Why the recorder was refused, or that the freeze came after the ring had ended. */
  note?: string;
  /** What the ring held at the last health check. */
  heldFrom?: string;
  heldBytes?: number;
}

const TITLES: Record<CaptureReport["outcome"], string> = {
  succeeded: "Packet capture ready",
  stoppedEarly: "Packet capture ready (stopped at its size limit)",
  cancelled: "Packet capture cancelled — partial file kept",
  overran: "Packet capture stopped after overrunning its time limit",
  partial: "Packet capture cut short (the capture agent was lost) — partial file kept",
  failed: "Packet capture FAILED",
  frozen: "Flight recorder frozen — the minutes before the alert",
  disarmed: "Flight recorder disarmed",
  sessionEnded: "Flight recorder ended at its session limit",
  refused: "Flight recorder NOT armed (regional cap reached)",
  ringEnded: "Flight recorder had ended before the freeze — nothing kept",
};

const GOOD_OUTCOMES = new Set<CaptureReport["outcome"]>([
  "succeeded",
  "stoppedEarly",
  "frozen",
  "disarmed",
  "sessionEnded",
]);

/**
 * Longest text kept per field. Alert rules, VM names and failure messages are outside our control
 * (a 60 KB rule name made a 181 KB Teams card, which Teams refuses without telling anyone); with
 * these caps every channel's message stays far below its limit (Teams ~28 KB, Slack 40 000 chars).
 */
const MAX = {
  name: 128,
  rule: 256,
  resourceId: 512,
  url: 2048,
  status: 64,
  failure: 1000,
  highlight: 300,
  highlights: 12,
} as const;

/** Azure Monitor severities; anything else is dropped rather than shown as if it were one. */
const SEVERITY = /^Sev[0-4]$/;
/** ISO 8601 date-time as Azure Monitor sends it (up to 7 fractional digits), with a zone. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** One line of at most `max` characters; undefined stays undefined. */
function field(text: string | undefined, max: number): string | undefined {
  return text === undefined ? undefined : clip(oneLine(text), max);
}

function validTime(text: string | undefined): string | undefined {
  return text !== undefined && ISO_TIME.test(text) && Number.isFinite(Date.parse(text))
    ? text
    : undefined;
}

export function buildNotification(
  report: CaptureReport,
  extras: NotificationExtras = {},
): Notification {
  const { target, alert } = report.request;
  const name = field(target.name, MAX.name)!;
  const durationSeconds = Math.max(
    0,
    Math.round((Date.parse(report.endedAt) - Date.parse(report.startedAt)) / 1000),
  );
  const tone =
    report.outcome === "failed" ? "error" : GOOD_OUTCOMES.has(report.outcome) ? "good" : "warning";
  return {
    schema: NOTIFICATION_SCHEMA,
    title: `${titleOf(report)}: ${name}`,
    tone,
    instanceId: report.instanceId,
    outcome: report.outcome,
    target: {
      name,
      resourceGroup: field(target.resourceGroup, MAX.name)!,
      subscriptionId: field(target.subscriptionId, MAX.name)!,
      resourceId: field(target.resourceId, MAX.resourceId)!,
    },
    alert: {
      rule: field(alert.ruleName, MAX.rule),
      severity:
        alert.severity !== undefined && SEVERITY.test(alert.severity) ? alert.severity : undefined,
      firedAt: validTime(alert.firedAt),
      schema: field(alert.schema, MAX.status)!,
    },
    capture: {
      name: field(report.captureName, MAX.name),
      status: field(report.status?.status, MAX.status),
      stopReason: field(report.status?.stopReason, MAX.status),
      durationSeconds,
      sizeBytes: report.blob?.sizeBytes,
      storagePath: field(report.blob?.storagePath, MAX.url),
      downloadUrl: extras.downloadUrl,
      downloadExpiresAt: extras.downloadExpiresAt,
    },
    highlights: highlightsOf(report)
      .slice(0, MAX.highlights)
      .map((h) => field(h, MAX.highlight)!),
    summaryNote: field(report.summary?.skippedReason, MAX.failure),
    failure: report.failure && {
      phase: field(report.failure.phase, MAX.status)!,
      code: field(report.failure.code, MAX.status)!,
      message: field(report.failure.message, MAX.failure)!,
      action: field(report.failure.action, MAX.failure),
    },
    statusUrl: field(report.request.statusUrl, MAX.url),
    reportUrl: report.summary?.summaryPath ? opsUrl(report, "report", BROWSER_SEGMENT) : undefined,
    ring: ringNotice(report, extras),
    instances: instanceNotice(report, extras),
    rerun: report.outcome === "failed" ? rerunCommands(report) : undefined,
  };
}

/** Instance IDs as a reader scans them: at most ten, then how many more. */
function instanceList(ids: readonly string[]): string {
  const shown = ids.slice(0, 10).map((id) => field(id, MAX.status)!);
  return ids.length > 10 ? `${shown.join(", ")} and ${ids.length - 10} more` : shown.join(", ");
}

function titleOf(report: CaptureReport): string {
  const missing = report.instances?.missing ?? [];
  if (report.outcome === "partial" && missing.length)
    return `Packet capture partial — no file from instance(s) ${instanceList(missing)}`;
  return TITLES[report.outcome];
}

/** A scale set's triage is per instance: each line says which instance it is about. */
function highlightsOf(report: CaptureReport): string[] {
  const files = report.instances?.files ?? [];
  if (!files.length) return report.summary?.highlights ?? [];
  return files.flatMap((f) =>
    (f.summary?.highlights ?? []).map((h) => `[instance ${f.instanceId ?? "?"}] ${h}`),
  );
}

function instanceNotice(
  report: CaptureReport,
  extras: NotificationExtras,
): InstanceNotice | undefined {
  const instances = report.instances;
  if (!instances) return undefined;
  const links = extras.fileLinks ?? {};
  return {
    files: instances.files.map((f) => ({
      ...(f.instanceId !== undefined && { instanceId: field(f.instanceId, MAX.status) }),
      storagePath: field(f.storagePath, MAX.url)!,
      downloadUrl: links[f.storagePath],
      sizeBytes: f.sizeBytes,
      format: f.format,
    })),
    missing: instances.missing.map((id) => field(id, MAX.status)!),
  };
}

function ringNotice(report: CaptureReport, extras: NotificationExtras): RingNotice | undefined {
  const ring = report.ring;
  if (!ring) return undefined;
  const links = extras.fileLinks ?? {};
  return {
    // Same caps and one-line rule as the capture's own fields: file names come from storage.
    firedAt: validTime(ring.firedAt),
    window: ring.window && {
      from: field(ring.window.from, MAX.status)!,
      to: field(ring.window.to, MAX.status)!,
    },
    files: (ring.files ?? []).map((f) => ({
      storagePath: field(f.url, MAX.url)!,
      downloadUrl: links[f.url],
      sizeBytes: f.sizeBytes,
      from: field(f.from, MAX.status)!,
      to: field(f.to, MAX.status)!,
    })),
    summaryPath: field(ring.summaryPath, MAX.url),
    summaryUrl: ring.summaryPath ? links[ring.summaryPath] : undefined,
    note: field(ring.refusal ?? lateFreezeNote(ring), MAX.failure),
    heldFrom: field(ring.holding?.oldest, MAX.status),
    heldBytes: ring.holding?.bytes,
  };
}

/**
 * An ops API route for this instance, on the function app the status URL names: the signed-in
 * copy (`web`) for links a person clicks, the keyed one for commands a script runs.
 */
function opsUrl(report: CaptureReport, action: string, door = ""): string {
  const origin = report.request.statusUrl
    ? new URL(report.request.statusUrl).origin
    : "https://<function-app>.azurewebsites.net";
  const base = door ? `/api/ops/${door}` : "/api/ops";
  return `${origin}${base}/captures/${encodeURIComponent(report.instanceId)}/${action}`;
}

function rerunCommands(report: CaptureReport): Notification["rerun"] {
  return {
    cli: `npm run ops -- rerun ${report.instanceId}`,
    http: `curl -X POST -H "x-functions-key: <admin key>" "${opsUrl(report, "rerun")}"`,
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
/** A freeze after the ring's end: said plainly, so nobody looks for a post-trigger tail. */
function lateFreezeNote(ring: NonNullable<CaptureReport["ring"]>): string | undefined {
  const ended = ring.endedBeforeFreeze;
  if (!ended) return undefined;
  const how = ended.by === "disarmed" ? "was disarmed" : "reached its session limit";
  return `The freeze arrived after the ring ${how} at ${ended.at}: ${ended.kept ?? "the kept files end there, with no post-trigger tail"}`;
}

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
      "Instances",
      n.instances &&
        `${n.instances.files.length} file(s)${n.instances.missing.length ? `; no file from ${instanceList(n.instances.missing)}` : ""}`,
    ],
    [
      "Failure",
      n.failure ? `[${n.failure.phase}] ${n.failure.code}: ${n.failure.message}` : undefined,
    ],
    ["What to do", n.failure?.action],
    ["Recorder", n.ring?.note],
  ];
  return rows.filter((row): row is [string, string] => row[1] !== undefined && row[1] !== "");
}
