/**
 * One capture's state while the orchestration runs: the request and its policy, the report it
 * will return and notify, the progress ops see, and what a failure must clean up. Steps take
 * the run and tell it what happened (enter a phase, claim a capture, record a failure) instead
 * of each threading and mutating its own copy. Built only from the orchestration's input and
 * replay-safe values, so every replay rebuilds the same run.
 */
import type { OrchestrationContext } from "durable-functions";
import { DEFAULT_POLICY } from "../domain/orchestrationPolicy";
import type { CaptureRequest, OrchestrationPolicy } from "../domain/types";
import type { CaptureFailure } from "./captureFailure";
import type { ActivityContract } from "./activityContract";
import { Activities, type CaptureRef, type CaptureReport } from "./contracts";
import type { Phase } from "./phases";
import { type CaptureProgress, ProgressReporter } from "./progress";

export class CaptureRun {
  readonly policy: OrchestrationPolicy;
  readonly progress: ProgressReporter;
  readonly report: CaptureReport;
  private claimed?: CaptureRef;
  // Stryker disable next-line BooleanLiteral: read only after claim() has set it.
  private mayBeRunning = false;

  constructor(
    private readonly context: OrchestrationContext,
    readonly request: CaptureRequest,
  ) {
    this.policy = { ...DEFAULT_POLICY, ...request.policy };
    this.progress = new ProgressReporter(context, request);
    this.report = {
      instanceId: context.df.instanceId,
      outcome: "failed",
      request,
      startedAt: context.df.currentUtcDateTime.toISOString(),
      // Stryker disable next-line StringLiteral: end() stamps it before any report is notified or returned.
      endedAt: "",
      pollCount: 0,
    };
  }

  /** The phase the capture is in: where an unexpected error is attributed. */
  get phase(): Phase {
    return this.progress.phase;
  }

  /** Moves to `phase` and shows it (with any other progress change) in the custom status. */
  enter(phase: Phase, change: Omit<Partial<CaptureProgress>, "phase"> = {}): void {
    this.progress.update({ ...change, phase });
  }

  /**
   * From here on the capture may exist (a PUT can succeed even when its LRO reply is lost), so a
   * failure stops and deletes it.
   */
  claim(capture: CaptureRef): void {
    this.claimed = capture;
    this.mayBeRunning = true;
    this.report.captureName = capture.name;
    this.report.watcher = capture.watcher;
  }

  /** The capture has stopped (by itself or by our stop): cleanup only needs to delete it. */
  stopped(): void {
    this.mayBeRunning = false;
    this.report.pollCount = this.progress.polls;
  }

  /** What a failure leaves to clean up, in order: stop what may still run, then delete. */
  cleanup(): { capture: CaptureRef; steps: Array<ActivityContract<CaptureRef, null>> } | undefined {
    if (!this.claimed) return undefined;
    const { stopCapture, deleteCapture } = Activities;
    return {
      capture: this.claimed,
      steps: this.mayBeRunning ? [stopCapture, deleteCapture] : [deleteCapture],
    };
  }

  /** Records the failure in the report the failure notification renders. */
  fail(failure: CaptureFailure): void {
    this.report.outcome = "failed";
    this.report.failure = { ...failure.failure, phase: failure.phase };
    this.report.pollCount = this.progress.polls;
  }

  /** Stamps the end time, just before notifying. */
  end(): void {
    this.report.endedAt = this.context.df.currentUtcDateTime.toISOString();
  }
}
