/** A Network Watcher capture session's status, as queryStatus reports it. */

export type CaptureSessionStatus = "NotStarted" | "Running" | "Stopped" | "Error" | "Unknown";

export interface CaptureStatusOutput {
  status: CaptureSessionStatus;
  stopReason?: string;
  errors: string[];
  captureStartTime?: string;
}
