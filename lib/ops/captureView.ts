/**
 * One capture as ops see it, read from a durable status: the orchestration's input (what was
 * asked), custom status (where it is) and output (the report, or the failure text). Everything
 * read here came through an alert payload or the task hub, so it is parsed defensively — a shape
 * we do not recognise is left out, never trusted.
 */
import { z } from "zod";
import type { CaptureOutcome } from "../workflow/contracts";
import { statusUrlAt } from "../domain/statusUrl";
import { BROWSER_SEGMENT } from "./access";
import { clip } from "./timeWindow";

/** What the ops code needs from a DurableOrchestrationStatus (which satisfies it structurally). */
export interface InstanceStatus {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  createdTime: Date;
  lastUpdatedTime: Date;
  input: unknown;
  output: unknown;
  customStatus?: unknown;
}

export interface CaptureRow {
  instanceId: string;
  runtimeStatus: string;
  createdTime: string;
  lastUpdatedTime: string;
  target?: { resourceId: string; name: string; resourceGroup?: string };
  alert?: { rule?: string; severity?: string; firedAt?: string };
  /** The report's outcome once Completed; `failed` / `terminated` for those ends; absent while running. */
  outcome?: CaptureOutcome | "terminated";
  phase?: string;
  progress?: {
    polls?: number;
    lastStatus?: string;
    startedAt?: string;
    expectedEnd?: string;
    percent?: number;
  };
  failure?: string;
  sizeBytes?: number;
  links: CaptureLinks;
}

export interface CaptureLinks {
  /** The Durable status query URL, without any key. */
  status: string;
  /** Blob URLs as Network Watcher and the summary activity reported them (need storage access). */
  capture?: string;
  summary?: string;
  /** Ops API routes that redirect to a short-lived read-only link (admin key, or a signed-in session under `/ops/web`). */
  captureDownload?: string;
  summaryDownload?: string;
  /** The HTML capture report (needs the admin key), once there is a summary. */
  report?: string;
}

/** Where the links point: the function app's origin and the ops routes' base path (`/api/ops`). */
export interface LinkBase {
  origin: string;
  opsPath: string;
}

const text = z.string().max(2000);

const requestShape = z.object({
  target: z.object({ resourceId: text, name: text, resourceGroup: text.optional() }),
  alert: z
    .object({ ruleName: text.optional(), severity: text.optional(), firedAt: text.optional() })
    .optional(),
  statusUrl: text.optional(),
});

const progressShape = z.object({
  phase: text,
  target: text.optional(),
  polls: z.number().optional(),
  lastStatus: text.optional(),
  startedAt: text.optional(),
  expectedEnd: text.optional(),
});

const reportShape = z.object({
  outcome: z.enum(["succeeded", "stoppedEarly", "cancelled", "overran", "partial", "failed"]),
  blob: z.object({ storagePath: text, sizeBytes: z.number() }).optional(),
  summary: z.object({ summaryPath: text.optional() }).optional(),
  instances: z
    .object({
      files: z.array(
        z.object({
          instanceId: text.optional(),
          storagePath: text,
          summary: z.object({ summaryPath: text.optional() }).optional(),
        }),
      ),
      missing: z.array(text),
    })
    .optional(),
  failure: z.object({ phase: text, code: text, message: text, action: text.optional() }).optional(),
});

export type CaptureReportView = z.infer<typeof reportShape>;

/** The extension may hand JSON values back still encoded as a string (input especially). */
export function decoded(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function progressOf(status: InstanceStatus): z.infer<typeof progressShape> | undefined {
  const parsed = progressShape.safeParse(decoded(status.customStatus));
  return parsed.success ? parsed.data : undefined;
}

export function reportOf(status: InstanceStatus): CaptureReportView | undefined {
  const parsed = reportShape.safeParse(decoded(status.output));
  return parsed.success ? parsed.data : undefined;
}

function requestOf(status: InstanceStatus): z.infer<typeof requestShape> | undefined {
  const parsed = requestShape.safeParse(decoded(status.input));
  return parsed.success ? parsed.data : undefined;
}

/** The extension prefixes an orchestrator's exception with "Orchestrator function 'x' failed:"; our reason follows. */
export function withoutExtensionPrefix(text: string): string {
  return text.replace(/^Orchestrator function '[^']*' failed:\s*/, "");
}

export function failureOf(status: InstanceStatus): string | undefined {
  if (status.runtimeStatus !== "Failed" && status.runtimeStatus !== "Terminated") return undefined;
  const progress = progressOf(status);
  const output = decoded(status.output);
  const raw =
    status.runtimeStatus === "Failed" && progress?.phase === "failed" && progress.lastStatus
      ? progress.lastStatus
      : typeof output === "string"
        ? withoutExtensionPrefix(output)
        : undefined;
  const firstLine = raw?.split("\n")[0]?.trim();
  if (status.runtimeStatus === "Terminated")
    return `terminated${firstLine ? `: ${clip(firstLine, 500)}` : ""}`;
  return firstLine ? clip(firstLine, 500) : "failed (no reason recorded)";
}

function percentDone(
  progress: z.infer<typeof progressShape> | undefined,
  now: Date,
): number | undefined {
  if (progress?.phase !== "capturing" || !progress.startedAt || !progress.expectedEnd)
    return undefined;
  const start = Date.parse(progress.startedAt);
  const end = Date.parse(progress.expectedEnd);
  if (!(end > start)) return undefined;
  return Math.round(Math.min(1, Math.max(0, (now.getTime() - start) / (end - start))) * 100);
}

function outcomeOf(
  status: InstanceStatus,
  report: CaptureReportView | undefined,
): CaptureRow["outcome"] {
  if (status.runtimeStatus === "Completed") return report?.outcome;
  if (status.runtimeStatus === "Failed") return "failed";
  if (status.runtimeStatus === "Terminated") return "terminated";
  return undefined;
}

/** The target's ARM ID: from the input, or (input not shown) the custom status. */
function targetIdOf(status: InstanceStatus): string | undefined {
  return requestOf(status)?.target.resourceId ?? progressOf(status)?.target;
}

/** A full ARM ID matches exactly (case-insensitively, as ARM compares); anything else is a substring of it. */
export function matchesTarget(status: InstanceStatus, filter: string): boolean {
  const id = targetIdOf(status)?.toLowerCase();
  if (!id) return false;
  const wanted = filter.trim().toLowerCase().replace(/\/+$/, "");
  return wanted.startsWith("/subscriptions/") ? id === wanted : id.includes(wanted);
}

function nameFromId(resourceId: string): { name: string; resourceGroup?: string } {
  const parts = resourceId.split("/");
  const rg = parts.findIndex((p) => p.toLowerCase() === "resourcegroups");
  return {
    name: parts[parts.length - 1] || resourceId,
    ...(rg >= 0 && parts[rg + 1] ? { resourceGroup: parts[rg + 1] } : {}),
  };
}

function statusUrlOf(status: InstanceStatus, base: LinkBase): string {
  const fromInput = requestOf(status)?.statusUrl;
  // The webhook stores a keyless URL; strip a key anyway should an older input carry one.
  if (fromInput && /^https?:\/\//i.test(fromInput) && URL.canParse(fromInput)) {
    const url = new URL(fromInput);
    url.searchParams.delete("code");
    return url.toString();
  }
  return statusUrlAt(base.origin, base.opsPath.replace(/\/ops$/i, ""), status.instanceId);
}

export function captureRow(status: InstanceStatus, base: LinkBase, now: Date): CaptureRow {
  const request = requestOf(status);
  const progress = progressOf(status);
  const report = status.runtimeStatus === "Completed" ? reportOf(status) : undefined;
  const targetId = request?.target.resourceId ?? progress?.target;
  const capture = `${base.origin}${base.opsPath}/captures/${encodeURIComponent(status.instanceId)}`;
  const files = `${capture}/files`;
  const failure = failureOf(status);
  const outcome = outcomeOf(status, report);
  const percent = percentDone(progress, now);
  const alert = request?.alert;
  return {
    instanceId: status.instanceId,
    runtimeStatus: status.runtimeStatus,
    createdTime: status.createdTime.toISOString(),
    lastUpdatedTime: status.lastUpdatedTime.toISOString(),
    ...(targetId && {
      target: {
        resourceId: targetId,
        ...nameFromId(targetId),
        ...(request?.target.name && { name: request.target.name }),
      },
    }),
    ...(alert && {
      alert: { rule: alert.ruleName, severity: alert.severity, firedAt: alert.firedAt },
    }),
    ...(outcome && { outcome }),
    ...(progress && {
      phase: progress.phase,
      // A failed run's last status is its failure, shown once as `failure`.
      progress: {
        polls: progress.polls,
        lastStatus: progress.phase === "failed" ? undefined : progress.lastStatus,
        startedAt: progress.startedAt,
        expectedEnd: progress.expectedEnd,
        ...(percent !== undefined && { percent }),
      },
    }),
    ...(failure && { failure }),
    ...(report?.blob && { sizeBytes: report.blob.sizeBytes }),
    links: {
      status: statusUrlOf(status, base),
      ...(report?.blob && {
        capture: report.blob.storagePath,
        captureDownload: `${files}/capture`,
      }),
      ...(report?.summary?.summaryPath && {
        summary: report.summary.summaryPath,
        summaryDownload: `${files}/summary`,
        report: `${capture}/report`,
      }),
      // A scale set: each instance's file and summary, and the instances that left none.
      ...(report?.instances && {
        instances: report.instances.files.map((f) => ({
          ...(f.instanceId !== undefined && { instanceId: f.instanceId }),
          capture: f.storagePath,
          ...(f.summary?.summaryPath && { summary: f.summary.summaryPath }),
        })),
        instancesWithoutFile: report.instances.missing,
      }),
    },
  };
}

/**
 * The origin and `/…/ops` base of an ops request, whatever the host's routePrefix is. A request
 * to the signed-in routes (`/…/ops/web/…`) keeps that base, so its links stay on the routes a
 * browser session may use.
 */
export function linkBaseOf(requestUrl: string): LinkBase {
  const url = new URL(requestUrl);
  const ops = new RegExp(`^(.*?/ops(?:/${BROWSER_SEGMENT})?)(?:/|$)`, "i").exec(url.pathname);
  return { origin: url.origin, opsPath: ops?.[1] ?? "/api/ops" };
}
