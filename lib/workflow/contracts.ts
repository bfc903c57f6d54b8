/**
 * The contract between the orchestrator and its activities: names, inputs, outputs.
 *
 * Durable retry options cannot tell a transient error from a permanent one, so activities
 * throw only for transient failures (ARM 429/5xx, network, blob not yet uploaded) and let
 * durable retries handle them; a permanent failure is returned as a value the orchestrator
 * can act on without burning retries.
 */
import type { CaptureRequest, CaptureSettings, CaptureTarget, WatcherRef } from "../domain/types";

export const ActivityNames = {
  checkQuota: "checkQuota",
  resolveCaptureName: "resolveCaptureName",
  startCapture: "startCapture",
  getCaptureStatus: "getCaptureStatus",
  stopCapture: "stopCapture",
  deleteCapture: "deleteCapture",
  verifyCaptureBlob: "verifyCaptureBlob",
  summarizeCapture: "summarizeCapture",
  notify: "notify",
} as const;

export const OrchestratorNames = { capture: "captureOrchestrator" } as const;

export interface PermanentFailure {
  /** Stable, machine-readable: AgentMissing, QuotaExceeded, WatcherNotFound, VmNotFound, CaptureFailed, BlobMissing, … */
  code: string;
  message: string;
  /** What an operator can do about it. */
  action?: string;
}

export type ActivityResult<T> = { ok: true; value: T } | { ok: false; failure: PermanentFailure };

export interface CheckQuotaInput {
  target: CaptureTarget;
  watcher?: WatcherRef;
}
export interface CheckQuotaOutput {
  region: string;
  watcher: WatcherRef;
  running: number;
  limit: number;
  available: boolean;
}

export interface ResolveNameInput {
  watcher: WatcherRef;
  target: CaptureTarget;
  desiredName: string;
}
export interface ResolveNameOutput {
  name: string;
  /** new: nothing there; adopted: our target's capture is already running; replaced: a stale one was deleted; suffixed: the name belongs to another target. */
  resolution: "new" | "adopted" | "replaced" | "suffixed";
}

export interface StartCaptureInput {
  watcher: WatcherRef;
  target: CaptureTarget;
  name: string;
  settings: CaptureSettings;
}
export interface StartCaptureOutput {
  name: string;
  id: string;
  provisioningState?: string;
}

export interface CaptureRef {
  watcher: WatcherRef;
  name: string;
}

export type CaptureSessionStatus = "NotStarted" | "Running" | "Stopped" | "Error" | "Unknown";
export interface CaptureStatusOutput {
  status: CaptureSessionStatus;
  stopReason?: string;
  errors: string[];
  captureStartTime?: string;
}

export interface VerifyBlobInput {
  capture: CaptureRef;
}
export interface VerifyBlobOutput {
  storagePath: string;
  sizeBytes: number;
  format: "pcap" | "pcapng";
}

export interface SummarizeInput {
  storagePath: string;
  sizeBytes: number;
}
export interface SummarizeOutput {
  /** Where the full JSON summary was written, beside the capture. */
  summaryPath?: string;
  /** Short lines for the notification (top conversations, TCP health). */
  highlights: string[];
  skippedReason?: string;
}

/**
 * succeeded: ran its full time. stoppedEarly: Network Watcher stopped it first (byte limit).
 * cancelled: an operator's `cancel` event. overran: still running past its deadline, so we stopped it.
 * partial: the agent was lost mid-capture (Error, AgentStopped) but what it captured is in storage.
 */
export type CaptureOutcome =
  "succeeded" | "stoppedEarly" | "cancelled" | "overran" | "partial" | "failed";

/** Everything a notification channel renders; also the orchestration's output. */
export interface CaptureReport {
  instanceId: string;
  outcome: CaptureOutcome;
  request: CaptureRequest;
  captureName?: string;
  watcher?: WatcherRef;
  startedAt: string;
  endedAt: string;
  status?: CaptureStatusOutput;
  blob?: VerifyBlobOutput;
  summary?: SummarizeOutput;
  failure?: PermanentFailure & { phase: string };
  pollCount: number;
  /** Set when notify itself failed after its retries; the capture is still good. */
  notifyError?: string;
}

/** Each channel is its own activity call, so a retry after one channel's hiccup never re-posts to the others. */
export const NotifyChannels = ["webhook", "teams", "slack"] as const;
export type NotifyChannel = (typeof NotifyChannels)[number];

export interface NotifyInput {
  report: CaptureReport;
  channel: NotifyChannel;
}

export interface NotifyOutput {
  delivered: string[];
}
