/**
 * The contract between orchestrators and activities: every activity's name, input, output and
 * retry policy, declared once here, and the report a capture produces.
 *
 * Activities throw only for transient failures (ARM 429/5xx, network, blob not yet uploaded)
 * and let durable retries handle them; a permanent failure is returned as a value
 * (lib/domain/activityResult) the orchestrator acts on without burning retries.
 */
import type { PermanentFailure } from "../domain/activityResult";
import type { CaptureStatusOutput } from "../domain/captureStatus";
import type { CaptureRequest, CaptureSettings, CaptureTarget, WatcherRef } from "../domain/types";
import { contract } from "./activityContract";
import type { RingReport } from "./recorderContracts";
import type { Phase } from "./phases";
import { armRetry, blobRetry, notifyRetry } from "./policies";

export const OrchestratorNames = {
  capture: "captureOrchestrator",
  recorder: "recorderOrchestrator",
} as const;

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

export interface VerifyBlobInput {
  capture: CaptureRef;
}
export interface VerifyBlobOutput {
  storagePath: string;
  sizeBytes: number;
  format: "pcap" | "pcapng";
}

export interface VerifyInstancesInput {
  capture: CaptureRef;
  target: CaptureTarget;
}
/** One scale-set instance's verified file; `instanceId` absent when no documented path segment names it. */
export interface InstanceFile extends VerifyBlobOutput {
  instanceId?: string;
  /** Its triage, once summarized. */
  summary?: SummarizeOutput;
}
/** A scale-set capture: Network Watcher writes one file per instance under the storage path. */
export interface InstanceFilesReport {
  storagePath: string;
  files: InstanceFile[];
  /** Instance IDs in the capture's scope with no file in storage. */
  missing: string[];
  /** Files under the storage path that are not captures, with the reason. */
  rejected: string[];
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
 * A flight recorder ends frozen (an alert froze it), disarmed (an operator ended it), sessionEnded
 * (its session limit passed) or refused (the region's armed-recorder cap was reached).
 */
export type CaptureOutcome =
  | "succeeded"
  | "stoppedEarly"
  | "cancelled"
  | "overran"
  | "partial"
  | "failed"
  | "frozen"
  | "disarmed"
  | "sessionEnded"
  | "refused"
  /** A freeze came after the ring had ended, and nothing the ring held overlaps its window. */
  | "ringEnded";

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
  /** A scale-set target (orchestration 2.2 on): every instance's file, and the instances without one. */
  instances?: InstanceFilesReport;
  failure?: PermanentFailure & { phase: Phase };
  pollCount: number;
  /** A flight recorder's ring: what it held, and on a freeze the files kept and their timeline. */
  ring?: RingReport;
  /** Set when notify itself failed after its retries; the capture is still good. */
  notifyError?: string;
  /** Set when cleaning up after a failure failed too: what may be left for ops to remove by hand. */
  cleanupError?: string;
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

/** Running out of blob retries means the file never came: that is what ops need to hear. */
function blobNeverAppeared(lastError: string): PermanentFailure {
  return {
    code: "BlobMissing",
    message: `the capture file never appeared in storage: ${lastError}`,
    action:
      "Check that the storage account exists, is not premium, and that the Network Watcher agent can reach it over 443; then re-run.",
  };
}

/** Every activity, declared once: name (= failure phase), input, output, retry policy. */
export const Activities = {
  /** The request checked again against the app's allow-lists and limits, whoever started the orchestration. */
  validateRequest: contract<CaptureRequest, null>("validateRequest", armRetry),
  checkQuota: contract<CheckQuotaInput, CheckQuotaOutput>("checkQuota", armRetry),
  resolveCaptureName: contract<ResolveNameInput, ResolveNameOutput>("resolveCaptureName", armRetry),
  startCapture: contract<StartCaptureInput, StartCaptureOutput>("startCapture", armRetry),
  getCaptureStatus: contract<CaptureRef, CaptureStatusOutput>("getCaptureStatus", armRetry),
  stopCapture: contract<CaptureRef, null>("stopCapture", armRetry),
  deleteCapture: contract<CaptureRef, null>("deleteCapture", armRetry),
  /** Retried while Network Watcher finishes the upload that follows a stop. */
  verifyCaptureBlob: contract<VerifyBlobInput, VerifyBlobOutput>(
    "verifyCaptureBlob",
    blobRetry,
    blobNeverAppeared,
  ),
  /** A scale set's files, one per instance; retried until at least one has been uploaded. */
  verifyInstanceFiles: contract<VerifyInstancesInput, InstanceFilesReport>(
    "verifyInstanceFiles",
    blobRetry,
    blobNeverAppeared,
  ),
  summarizeCapture: contract<SummarizeInput, SummarizeOutput>("summarizeCapture", armRetry),
  notify: contract<NotifyInput, NotifyOutput>("notify", notifyRetry),
} as const;
