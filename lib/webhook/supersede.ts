/**
 * When a new alert may replace the capture already running for its VM. One capture per VM is
 * the dedup rule, so a low-severity alert that asked for a long, narrowly filtered capture
 * would otherwise blind the VM to every later alert until it ends. A strictly more severe alert
 * (Sev0 is the highest) supersedes a running capture whose settings are narrower than it asks
 * for: the webhook raises the orchestration's `cancel` event with the reason, waits a bounded
 * while for the instance to end, and starts the new capture under the same instance ID (the
 * engine still refuses a start over a running instance, so races stay correct).
 */
import { z } from "zod";
import type { AlertInfo, CaptureSettings } from "../domain/types";

/** What a running instance's input tells about the capture it started. */
export interface RunningCapture {
  severity?: string;
  settings: CaptureSettings;
}

const runningInput = z.object({
  alert: z.object({ severity: z.string().optional() }).optional(),
  settings: z.object({
    timeLimitInSeconds: z.number(),
    totalBytesPerSession: z.number(),
    bytesToCapturePerPacket: z.number(),
    filters: z.array(z.unknown()),
  }),
});

/** The running capture's alert and settings, or undefined when its input is unreadable (then nothing supersedes it). */
export function runningCaptureOf(input: unknown): RunningCapture | undefined {
  const parsed = runningInput.safeParse(input);
  if (!parsed.success) return undefined;
  return {
    severity: parsed.data.alert?.severity,
    settings: parsed.data.settings as CaptureSettings,
  };
}

/** Sev0 → 0 … Sev4 → 4; anything else (a direct request, a classic alert) ranks below all. */
export function severityRank(severity: string | undefined): number {
  // Stryker disable next-line StringLiteral: any stand-in for a missing severity fails the pattern too
  const match = /^sev([0-4])$/i.exec(severity?.trim() ?? "");
  return match ? Number(match[1]) : 5;
}

/** How the running capture is narrower than the new request, or undefined when it is not. */
function narrowerBy(running: CaptureSettings, next: CaptureSettings): string | undefined {
  if (
    running.filters.length > 0 &&
    JSON.stringify(running.filters) !== JSON.stringify(next.filters)
  )
    return "its filters differ";
  if (running.timeLimitInSeconds < next.timeLimitInSeconds) return "it is shorter";
  if (running.totalBytesPerSession < next.totalBytesPerSession) return "it keeps fewer bytes";
  const perPacket = (bytes: number) => (bytes === 0 ? Number.POSITIVE_INFINITY : bytes);
  if (perPacket(running.bytesToCapturePerPacket) < perPacket(next.bytesToCapturePerPacket))
    return "it keeps less of each packet";
  return undefined;
}

/** The reason the new alert supersedes the running capture, or undefined when it does not. */
export function supersedeReason(
  next: { alert: AlertInfo; settings: CaptureSettings },
  running: RunningCapture,
): string | undefined {
  if (severityRank(next.alert.severity) >= severityRank(running.severity)) return undefined;
  const narrower = narrowerBy(running.settings, next.settings);
  if (!narrower) return undefined;
  // Only a Sev0-Sev3 severity outranks another: the new alert's severity is set.
  return `superseded by a ${next.alert.severity!} alert${next.alert.ruleName ? ` (${next.alert.ruleName})` : ""}: the running ${running.severity ?? "lower-severity"} capture is narrower (${narrower})`;
}
