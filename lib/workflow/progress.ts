/**
 * The orchestration's custom status: what ops see in the status query URL while a capture
 * runs. Derived only from replay-safe values, so it is identical on every replay.
 */
import type { OrchestrationContext } from "durable-functions";
import type { CaptureStatusOutput } from "../domain/captureStatus";
import type { RingHolding } from "../domain/ringFiles";
import type { CaptureRequest } from "../domain/types";
import type { ResolveNameOutput } from "./contracts";
import type { Phase } from "./phases";

export interface CaptureProgress {
  phase: Phase;
  target: string;
  captureName?: string;
  resolution?: ResolveNameOutput["resolution"];
  startedAt?: string;
  expectedEnd?: string;
  polls: number;
  lastStatus?: string;
  /** A flight recorder: what its ring holds in storage at the last health check. */
  ring?: RingHolding;
}

export class ProgressReporter {
  private state: CaptureProgress;

  constructor(
    private readonly context: OrchestrationContext,
    private readonly request: CaptureRequest,
  ) {
    this.state = {
      phase: "accepted",
      target: request.target.resourceId,
      captureName: request.captureName,
      polls: 0,
    };
  }

  get phase(): Phase {
    return this.state.phase;
  }

  get polls(): number {
    return this.state.polls;
  }

  /** What ops see now; a recorder hands it to its next generation. */
  get current(): Readonly<CaptureProgress> {
    return this.state;
  }

  update(change: Partial<CaptureProgress>): void {
    this.state = { ...this.state, ...change };
    this.context.df.setCustomStatus(this.state);
  }

  capturing(startedAt: Date, resolution: ResolveNameOutput["resolution"]): void {
    const end = new Date(startedAt.getTime() + this.request.settings.timeLimitInSeconds * 1000);
    this.update({
      phase: "capturing",
      resolution,
      startedAt: startedAt.toISOString(),
      expectedEnd: end.toISOString(),
    });
  }

  poll(status: CaptureStatusOutput): void {
    const detail = status.stopReason ? `${status.status} (${status.stopReason})` : status.status;
    this.update({ polls: this.state.polls + 1, lastStatus: detail });
  }
}
