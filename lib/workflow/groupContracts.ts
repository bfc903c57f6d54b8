/**
 * The capture group's contracts: its input (one capture request per VM), the activities only
 * the group runs, and the report it notifies once for all its members.
 */
import type { AlertInfo, CaptureRequest } from "../domain/types";
import { contract } from "./activityContract";
import type { CaptureReport, NotifyChannel, VerifyBlobOutput } from "./contracts";
import { armRetry, blobRetry, notifyRetry } from "./policies";

export const GroupOrchestratorName = "captureGroupOrchestrator";

/** One VM of the group and the capture orchestration that captures it. */
export interface GroupMember {
  /** The capture orchestration's instance ID: the same one a single-VM alert would use, so both meet. */
  instanceId: string;
  request: CaptureRequest;
  /**
   * A scale set's instances the alert named on their own (orchestration 2.5 on): each is compared
   * with its own file from the capture's per-instance files; absent, the member's one blob is.
   */
  instances?: string[];
}

/** The group orchestrator's input. */
export interface GroupRequest {
  alert: AlertInfo;
  members: GroupMember[];
  /** The group's status URL (no key), for the notification. */
  statusUrl?: string;
}

/** How a member ended, as the group saw it. */
export interface MemberResult {
  instanceId: string;
  name: string;
  resourceId: string;
  /** started: a child of this group; joined: it was already capturing when the group started. */
  role: "started" | "joined";
  /** The member's own report, when its orchestration produced one. */
  report?: CaptureReport;
  /** Why there is no report (the member failed, or was not done in time). */
  error?: string;
}

/** One pair of members compared (the alert's primary VM against each other one). */
export interface PairComparison {
  a: string;
  b: string;
  /** One line leading the notification, e.g. "web-1→db-1: 37 of 1,204 packets (3.1 %) …". */
  verdict: string;
  details: string[];
  /** Lost packets and their share per direction, for tests and dashboards. */
  directions: Array<{ from: string; to: string; sent: number; lost: number; lostShare: number }>;
  error?: string;
}

export type GroupOutcome = "succeeded" | "partial" | "failed" | "cancelled";

export interface GroupReport {
  instanceId: string;
  outcome: GroupOutcome;
  alert: AlertInfo;
  startedAt: string;
  endedAt: string;
  members: MemberResult[];
  comparisons: PairComparison[];
  statusUrl?: string;
  notifyError?: string;
}

export interface CaptureInstancesInput {
  instanceIds: string[];
}
export interface CaptureInstanceState {
  instanceId: string;
  /** Durable runtime status, or "NotFound". */
  runtimeStatus: string;
  /** The finished capture's report (Completed), or its failure reason (Failed/Terminated). */
  report?: CaptureReport;
  error?: string;
}

export interface SignalCapturesInput {
  instanceIds: string[];
  event: string;
}

export interface CompareCapturesInput {
  a: { name: string; blob: VerifyBlobOutput };
  b: { name: string; blob: VerifyBlobOutput };
}

export interface NotifyGroupInput {
  report: GroupReport;
  channel: NotifyChannel;
}

export const GroupActivities = {
  /** Reads member orchestrations through the durable client: which are running, what finished ones returned. */
  captureInstances: contract<CaptureInstancesInput, CaptureInstanceState[]>(
    "captureInstances",
    armRetry,
  ),
  /** Raises an event (cancel) on member orchestrations. */
  signalCaptures: contract<SignalCapturesInput, null>("signalCaptures", armRetry),
  /** Streams two members' captures from storage through the cross-capture comparison. */
  compareCaptures: contract<CompareCapturesInput, PairComparison>("compareCaptures", blobRetry),
  notifyGroup: contract<NotifyGroupInput, { delivered: string[] }>("notifyGroup", notifyRetry),
} as const;
