/**
 * The flight recorder's own contracts: its request, the events that steer it, and the activities
 * only it calls. It also runs the one-shot activities (checkQuota, resolveCaptureName,
 * startCapture, getCaptureStatus, stopCapture, deleteCapture, notify) under their contracts in
 * contracts.ts.
 */
import type { FreezeWindow, RingSettings } from "../domain/recorderParameters";
import type { RingBlob, RingFile, RingHolding } from "../domain/ringFiles";
import type { AlertInfo, CaptureRequest, CaptureSettings, WatcherRef } from "../domain/types";
import { contract } from "./activityContract";
import type { CaptureRef, ResolveNameOutput } from "./contracts";
import { armRetry, blobRetry } from "./policies";

/** The recorder orchestration's input. `captureName` is the VM's ring capture name. */
export interface RecorderRequest extends CaptureRequest {
  settings: CaptureSettings & { ring: RingSettings };
  armedBy: "alert" | "ops";
  /** The arming rule's freeze window, used when a freeze names none. */
  freeze: FreezeWindow;
  /** Armed recorders allowed per region (RECORDER_MAX_PER_REGION), fixed at arming. */
  maxPerRegion: number;
}

/**
 * What a recorder hands its next generation (2.6+, `context.df.continueAsNew`): the armed ring
 * and what ops see of it, so the new execution carries on where the old one stopped without
 * replaying its history. Carried in the input beside the request, as `generation`.
 */
export interface RecorderGeneration {
  /** 2 for the first continued execution. */
  number: number;
  /** When the first generation started: the report's startedAt. */
  startedAt: string;
  capture: CaptureRef;
  /** The ring's arming time: its session clock, and the key of its mailbox. */
  armedAt: string;
  resolution: ResolveNameOutput["resolution"];
  polls: number;
  holding?: RingHolding;
  lastStatus?: string;
}

/** A continued recorder's input: its request, and the generation it continues. */
export type RecorderInput = RecorderRequest & { generation?: RecorderGeneration };

/** External events a recorder waits for. */
export const RecorderEvents = { freeze: "freeze", disarm: "disarm" } as const;

/** Raised by the webhook when an alert whose rule says captureMode=freeze arrives for an armed VM. */
export interface FreezeEvent extends FreezeWindow {
  /** The alert's fired time (ISO): the moment the timeline marks and the lookback counts from. */
  firedAt: string;
  alert: AlertInfo;
}

/**
 * A freeze or disarm as its raiser wrote it to the recorder's mailbox before raising the event
 * (lib/workflow/recorderMailbox): a continued generation reads these first, because
 * continueAsNew drops an event the old generation had received but not taken.
 */
export type MailboxRequest =
  { kind: "freeze"; event: FreezeEvent; writtenAt: string } | { kind: "disarm"; writtenAt: string };

/** One arming's mailbox: the recorder's instance, its ring's arming time, the ring's account. */
export interface MailboxRef {
  instanceId: string;
  armedAt: string;
  storageAccountId: string;
}

export interface MailboxContents {
  /** Oldest first. */
  requests: MailboxRequest[];
}

export interface CheckRecorderCapInput {
  watcher: WatcherRef;
  region: string;
  /** Our own ring capture, never counted against us (a re-run adopts it). */
  captureName: string;
  limit: number;
}
export interface CheckRecorderCapOutput {
  armed: number;
  limit: number;
  available: boolean;
}

/** After starting: rings ranked ahead of ours (lib/domain/recorderCap); not available means stand down. */
export interface ConfirmRecorderCapOutput {
  ahead: number;
  limit: number;
  available: boolean;
}

export interface RingListing {
  storagePath: string;
  blobs: RingBlob[];
}

/** A kept ring file after verification: in storage, larger than a header, pcap or pcapng. */
export interface VerifiedRingFile extends RingFile {
  format: "pcap" | "pcapng";
}

export interface VerifyRingInput {
  files: RingFile[];
}
export interface VerifyRingOutput {
  verified: VerifiedRingFile[];
  /** Files left out, each with why (empty, not a capture). */
  rejected: string[];
}

export interface SummarizeRingInput {
  storagePath: string;
  files: VerifiedRingFile[];
  firedAt: string;
}
export interface SummarizeRingOutput {
  /** The combined before/after timeline as JSON, beside the ring. */
  summaryPath?: string;
  highlights: string[];
  skippedReason?: string;
}

/** What a recorder's report says about its ring. */
export interface RingReport {
  settings: RingSettings;
  armedAt?: string;
  /** The last health check's view of storage. */
  holding?: RingHolding;
  /** On a freeze: the fired time, the window kept, the files and their combined timeline. */
  firedAt?: string;
  window?: { from: string; to: string };
  files?: VerifiedRingFile[];
  rejected?: string[];
  summaryPath?: string;
  /**
   * A freeze that came after the ring had ended (session limit or disarm): when it ended, how,
   * and — outcome `ringEnded` — why nothing was kept.
   */
  endedBeforeFreeze?: { at: string; by: "sessionEnded" | "disarmed"; kept?: string };
  /** Why the recorder was not armed (the regional cap). */
  refusal?: string;
}

export const RecorderActivities = {
  /** Permanent refusals only: a bad input is not fixed by retrying. */
  validateRecorderRequest: contract<RecorderRequest, null>("validateRecorderRequest", armRetry),
  checkRecorderCap: contract<CheckRecorderCapInput, CheckRecorderCapOutput>(
    "checkRecorderCap",
    armRetry,
  ),
  confirmRecorderCap: contract<CheckRecorderCapInput, ConfirmRecorderCapOutput>(
    "confirmRecorderCap",
    armRetry,
  ),
  listRingFiles: contract<CaptureRef, RingListing>("listRingFiles", blobRetry),
  verifyRingFiles: contract<VerifyRingInput, VerifyRingOutput>("verifyRingFiles", blobRetry),
  summarizeRing: contract<SummarizeRingInput, SummarizeRingOutput>("summarizeRing", armRetry),
  readRecorderMailbox: contract<MailboxRef, MailboxContents>("readRecorderMailbox", blobRetry),
} as const;
