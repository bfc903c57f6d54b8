/**
 * The one vocabulary for where a capture is: failures name the phase they happened in and the
 * custom status names the phase the capture is in, with the same words. Every activity's name
 * is a phase (the step that calls it); the rest are the orchestration's own states.
 */

/** Every activity, by name. The name is registered with Durable Functions and is the activity's failure phase. */
export type ActivityName =
  | "validateRequest"
  | "checkQuota"
  | "resolveCaptureName"
  | "startCapture"
  | "getCaptureStatus"
  | "stopCapture"
  | "deleteCapture"
  | "verifyCaptureBlob"
  | "verifyInstanceFiles"
  | "summarizeCapture"
  | "notify"
  | "captureInstances"
  | "signalCaptures"
  | "compareCaptures"
  | "notifyGroup"
  /** Flight recorder (recorderContracts.ts). */
  | "validateRecorderRequest"
  | "checkRecorderCap"
  | "confirmRecorderCap"
  | "listRingFiles"
  | "verifyRingFiles"
  | "summarizeRing"
  | "readRecorderMailbox";

/** States between and around activities. */
export type FlowPhase =
  /** Started, nothing run yet. */
  | "accepted"
  /** The region is full; re-checking on durable timers. */
  | "waitingForQuota"
  /** The capture runs; polls follow the adaptive schedule. */
  | "capturing"
  /** A failure is being cleaned up (stop, delete). */
  | "compensating"
  /** Capture group: the member captures run (started together, or joined). */
  | "capturingGroup"
  /** Capture group: waiting for members that were already capturing when the group started. */
  | "waitingForJoined"
  /** Recorder: the ring records, health checks follow their schedule. */
  | "armed"
  /** Recorder: a freeze arrived; recording the post-trigger tail before the stop. */
  | "freezing"
  /** Recorder: the ring ended (session limit, disarm); a freeze raised now still gets its files, the webhook sends new ones to one-shot captures. */
  | "ringEnded"
  | "failed"
  | "done";

export type Phase = ActivityName | FlowPhase;
