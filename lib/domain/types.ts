/**
 * The typed values the webhook validates once at the edge and the orchestrator and
 * activities carry inward. Field names follow Network Watcher's own (PacketCapture) so
 * nothing is renamed on the way to ARM.
 */
import type { InstanceScope } from "./instanceFiles";
import type { RingSettings } from "./recorderParameters";

export type TargetKind = "virtualMachine" | "virtualMachineScaleSet";

/** A VM or VM scale set, parsed from its ARM ID. `resourceId` keeps the caller's casing. */
export interface CaptureTarget {
  resourceId: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  kind: TargetKind;
}

export type FilterProtocol = "TCP" | "UDP" | "Any";

export interface CaptureFilter {
  protocol?: FilterProtocol;
  localIPAddress?: string;
  remoteIPAddress?: string;
  localPort?: string;
  remotePort?: string;
}

export interface CaptureSettings {
  timeLimitInSeconds: number;
  totalBytesPerSession: number;
  bytesToCapturePerPacket: number;
  filters: CaptureFilter[];
  /** ARM ID of the storage account the `.cap` is written to. */
  storageAccountId: string;
  /** Present for a flight recorder: a continuous capture into a ring of files instead of one `.cap`. */
  ring?: RingSettings;
  /** A scale set only: the instances to capture on (Network Watcher's `scope`); absent means all. */
  scope?: InstanceScope;
}

export type AlertSchema = "common" | "nonCommon" | "classic" | "direct";

/** What the on-call people need to recognise the alert that caused a capture. */
export interface AlertInfo {
  schema: AlertSchema;
  ruleName?: string;
  severity?: string;
  signalType?: string;
  firedAt?: string;
  alertId?: string;
  description?: string;
}

/** A Network Watcher instance, discovered (or, for a direct request, named by the caller). */
export interface WatcherRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/** The orchestrator's input: everything needed to run and report one capture. */
export interface CaptureRequest {
  target: CaptureTarget;
  settings: CaptureSettings;
  alert: AlertInfo;
  /** Stable per target, so a re-run adopts or replaces its own earlier capture. */
  captureName: string;
  /** Only a direct request names its watcher; alerts leave discovery to checkQuota. */
  watcher?: WatcherRef;
  /** Status query URL without any key, for people reading the notification. */
  statusUrl?: string;
  /** Orchestration tunables fixed at start (so replays never read settings); defaults apply when absent. */
  policy?: Partial<OrchestrationPolicy>;
}

export interface OrchestrationPolicy {
  /** How long to keep re-checking a full regional quota before failing. */
  quotaWaitSeconds: number;
  quotaRecheckSeconds: number;
  /** Past timeLimit + this, the orchestrator stops the capture itself. */
  deadlineGraceSeconds: number;
  summarize: boolean;
  /** false for a capture group's member: the group notifies once for all of them. */
  notify: boolean;
}
