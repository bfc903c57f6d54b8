/**
 * One capture, start to notification: checkQuota → resolveCaptureName → startCapture → poll on
 * durable timers → verifyCaptureBlob → summarizeCapture → notify.
 *
 * Deterministic by construction: time comes only from context.df.currentUtcDateTime, waiting
 * only from durable timers, I/O only from activities — so a host restart replays to the same
 * point and the capture keeps its schedule.
 */
import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler, Task } from "durable-functions";
import { nextPollAt } from "../lib/domain/pollSchedule";
import type { CaptureRequest, OrchestrationPolicy } from "../lib/domain/types";
import { asCaptureFailure, CaptureFailure, failureReason } from "../lib/workflow/captureFailure";
import {
  ActivityNames,
  NotifyChannels,
  OrchestratorNames,
  type ActivityResult,
  type CaptureOutcome,
  type CaptureRef,
  type CaptureReport,
  type CaptureStatusOutput,
  type CheckQuotaOutput,
  type ResolveNameOutput,
  type StartCaptureOutput,
  type SummarizeOutput,
  type VerifyBlobOutput,
} from "../lib/workflow/contracts";
import {
  armRetry,
  blobRetry,
  CANCEL_EVENT,
  DEFAULT_POLICY,
  notifyRetry,
} from "../lib/workflow/policies";
import { ProgressReporter } from "../lib/workflow/progress";

type Flow<T> = Generator<Task, T, unknown>;

/** Runs one activity with retries; running out of retries becomes a CaptureFailure for this phase. */
function* callActivity<T>(
  context: OrchestrationContext,
  phase: string,
  name: string,
  input: unknown,
  retry = armRetry,
): Flow<ActivityResult<T>> {
  try {
    return (yield context.df.callActivityWithRetry(name, retry, input)) as ActivityResult<T>;
  } catch (error) {
    throw asCaptureFailure(error, phase);
  }
}

/** Runs one activity; a permanent failure it reports becomes a CaptureFailure for this phase. */
function* activity<T>(
  context: OrchestrationContext,
  phase: string,
  name: string,
  input: unknown,
  retry = armRetry,
): Flow<T> {
  const result = yield* callActivity<T>(context, phase, name, input, retry);
  if (!result.ok) throw new CaptureFailure(phase, result.failure);
  return result.value;
}

/** Waits until `fireAt` unless a `cancel` event arrives first; true when cancelled. */
function* waitOrCancel(context: OrchestrationContext, fireAt: Date): Flow<boolean> {
  const timer = context.df.createTimer(fireAt);
  const cancel = context.df.waitForExternalEvent(CANCEL_EVENT);
  const winner = yield context.df.Task.any([timer, cancel]);
  if (winner === cancel) {
    timer.cancel();
    return true;
  }
  return false;
}

function secondsSince(context: OrchestrationContext, start: Date): number {
  return (context.df.currentUtcDateTime.getTime() - start.getTime()) / 1000;
}

const QUOTA_ACTION =
  "Stop unneeded captures in that region (or raise CAPTURE_SESSION_LIMIT if Azure allows more), then re-run the instance.";

/** Waits `quotaRecheckSeconds` for the region to free up; false when out of waiting budget, undefined when cancelled. */
function* waitForQuota(
  context: OrchestrationContext,
  policy: OrchestrationPolicy,
  since: Date,
): Flow<boolean | undefined> {
  if (secondsSince(context, since) >= policy.quotaWaitSeconds) return false;
  const recheckAt = new Date(
    context.df.currentUtcDateTime.getTime() + policy.quotaRecheckSeconds * 1000,
  );
  return (yield* waitOrCancel(context, recheckAt)) ? undefined : true;
}

/** Where the capture lives once started, and whether cleanup must stop it first. */
interface RunState {
  started?: CaptureRef;
  mayBeRunning: boolean;
}

/**
 * Quota → name → start. A full region is waited out on durable timers within one bounded budget,
 * whether checkQuota saw it or ARM refused the PUT because another capture took the last session
 * between the check and the start. Returns undefined when cancelled while waiting.
 */
function* launchCapture(
  context: OrchestrationContext,
  request: CaptureRequest,
  policy: OrchestrationPolicy,
  progress: ProgressReporter,
  report: CaptureReport,
  run: RunState,
): Flow<{ ref: CaptureRef; resolution: ResolveNameOutput["resolution"] } | undefined> {
  const since = context.df.currentUtcDateTime;
  for (;;) {
    const quota = yield* activity<CheckQuotaOutput>(
      context,
      "checkQuota",
      ActivityNames.checkQuota,
      { target: request.target, watcher: request.watcher },
    );
    report.watcher = quota.watcher;
    let refusal = `${quota.running}/${quota.limit} sessions in ${quota.region}`;
    if (quota.available) {
      const named = yield* activity<ResolveNameOutput>(
        context,
        "resolveCaptureName",
        ActivityNames.resolveCaptureName,
        { watcher: quota.watcher, target: request.target, desiredName: request.captureName },
      );
      const ref: CaptureRef = { watcher: quota.watcher, name: named.name };
      report.captureName = named.name;
      // From here on the capture may exist (a PUT can succeed even when its LRO reply is lost), so failures compensate.
      run.started = ref;
      run.mayBeRunning = true;
      if (named.resolution === "adopted") return { ref, resolution: named.resolution };
      progress.update({ phase: "starting", captureName: named.name });
      const start = yield* callActivity<StartCaptureOutput>(
        context,
        "startCapture",
        ActivityNames.startCapture,
        {
          watcher: quota.watcher,
          target: request.target,
          name: named.name,
          settings: request.settings,
        },
      );
      if (start.ok) return { ref, resolution: named.resolution };
      if (start.failure.code !== "QuotaExceeded")
        throw new CaptureFailure("startCapture", start.failure);
      refusal = start.failure.message;
    }
    progress.update({ phase: "waitingForQuota", lastStatus: refusal });
    const waited = yield* waitForQuota(context, policy, since);
    if (waited === undefined) return undefined;
    if (!waited) {
      throw new CaptureFailure("checkQuota", {
        code: "QuotaExceeded",
        message: `the region stayed full for ${policy.quotaWaitSeconds} s (${refusal})`,
        action: QUOTA_ACTION,
      });
    }
  }
}

interface PollEnd {
  outcome: CaptureOutcome;
  status?: CaptureStatusOutput;
  /** Already verified (a lost agent's partial file). */
  blob?: VerifyBlobOutput;
}

/** Polls on the adaptive schedule until Network Watcher stops the capture, an operator cancels, or the deadline passes. */
function* watchCapture(
  context: OrchestrationContext,
  request: CaptureRequest,
  policy: OrchestrationPolicy,
  ref: CaptureRef,
  startedAt: Date,
  progress: ProgressReporter,
): Flow<PollEnd> {
  const timeLimit = request.settings.timeLimitInSeconds;
  const giveUpAt = timeLimit + policy.deadlineGraceSeconds;
  let elapsed = 0;
  for (;;) {
    const pollAt = Math.min(nextPollAt(elapsed, timeLimit), giveUpAt);
    if (yield* waitOrCancel(context, new Date(startedAt.getTime() + pollAt * 1000)))
      return { outcome: "cancelled" };
    elapsed = secondsSince(context, startedAt);
    const status = yield* activity<CaptureStatusOutput>(
      context,
      "getCaptureStatus",
      ActivityNames.getCaptureStatus,
      ref,
    );
    progress.poll(status);
    if (status.status === "Error") {
      // A lost agent may already have written part of the capture: keep it if it is in storage.
      const partial = status.errors.includes("AgentStopped")
        ? yield* partialFile(context, ref)
        : undefined;
      if (partial) return { outcome: "partial", status, blob: partial };
      throw new CaptureFailure("getCaptureStatus", {
        code: "CaptureFailed",
        message: `Network Watcher reports the capture failed: ${status.errors.join(", ") || "no error detail"}`,
        action:
          "Check the Network Watcher agent extension on the VM and its outbound access to storage (443), 169.254.169.254:80 and 168.63.129.16:8037, then re-run.",
      });
    }
    if (status.status === "Stopped") {
      return {
        outcome: status.stopReason?.toLowerCase() === "timeexceeded" ? "succeeded" : "stoppedEarly",
        status,
      };
    }
    if (elapsed >= giveUpAt) return { outcome: "overran", status };
  }
}

/** One look, no retries: an agent that stopped before writing anything left no file to wait for. */
function* partialFile(
  context: OrchestrationContext,
  ref: CaptureRef,
): Flow<VerifyBlobOutput | undefined> {
  try {
    const found = (yield context.df.callActivity(ActivityNames.verifyCaptureBlob, {
      capture: ref,
    })) as ActivityResult<VerifyBlobOutput>;
    return found.ok ? found.value : undefined;
  } catch {
    return undefined;
  }
}

const captureOrchestrator: OrchestrationHandler = function* (
  context: OrchestrationContext,
): Flow<CaptureReport> {
  const request = context.df.getInput<CaptureRequest>();
  const policy: OrchestrationPolicy = { ...DEFAULT_POLICY, ...request.policy };
  const progress = new ProgressReporter(context, request);
  const report: CaptureReport = {
    instanceId: context.df.instanceId,
    outcome: "failed",
    request,
    startedAt: context.df.currentUtcDateTime.toISOString(),
    endedAt: "",
    pollCount: 0,
  };
  let phase = "checkQuota";
  const run: RunState = { mayBeRunning: false };
  try {
    progress.update({ phase: "checkingQuota" });
    const launched = yield* launchCapture(context, request, policy, progress, report, run);
    if (!launched) {
      report.outcome = "cancelled";
    } else {
      const { ref } = launched;
      const startedAt = context.df.currentUtcDateTime;
      progress.capturing(startedAt, launched.resolution);

      phase = "getCaptureStatus";
      const end = yield* watchCapture(context, request, policy, ref, startedAt, progress);
      report.outcome = end.outcome;
      report.status = end.status;
      report.pollCount = progress.polls;
      if (end.outcome === "cancelled" || end.outcome === "overran") {
        phase = "stopCapture";
        progress.update({ phase: "stopping", lastStatus: end.outcome });
        yield* activity<void>(context, phase, ActivityNames.stopCapture, ref);
      }
      run.mayBeRunning = false;

      phase = "verifyCaptureBlob";
      progress.update({ phase: "verifying" });
      const blob = end.blob ?? (yield* verifyBlob(context, ref));
      report.blob = blob;

      if (policy.summarize) {
        progress.update({ phase: "summarizing" });
        report.summary = yield* summarize(context, blob);
      }
    }
  } catch (error) {
    const failure = asCaptureFailure(error, phase);
    report.outcome = "failed";
    report.failure = { ...failure.failure, phase: failure.phase };
    report.pollCount = progress.polls;
    progress.update({ phase: "compensating", lastStatus: failure.failure.code });
    if (run.started) yield* compensate(context, run.started, run.mayBeRunning);
    report.endedAt = context.df.currentUtcDateTime.toISOString();
    yield* notify(context, report, progress);
    progress.update({ phase: "failed", lastStatus: failureReason(failure) });
    throw new Error(failureReason(failure), { cause: error });
  }
  report.endedAt = context.df.currentUtcDateTime.toISOString();
  yield* notify(context, report, progress);
  progress.update({ phase: "done", lastStatus: report.outcome });
  return report;
};

/** Blob checks retry while Network Watcher finishes the upload; running out of retries means the file never came. */
function* verifyBlob(context: OrchestrationContext, capture: CaptureRef): Flow<VerifyBlobOutput> {
  let result: ActivityResult<VerifyBlobOutput>;
  try {
    result = (yield context.df.callActivityWithRetry(ActivityNames.verifyCaptureBlob, blobRetry, {
      capture,
    })) as ActivityResult<VerifyBlobOutput>;
  } catch (error) {
    throw new CaptureFailure("verifyCaptureBlob", {
      code: "BlobMissing",
      message: `the capture file never appeared in storage: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      action:
        "Check that the storage account exists, is not premium, and that the Network Watcher agent can reach it over 443; then re-run.",
    });
  }
  if (!result.ok) throw new CaptureFailure("verifyCaptureBlob", result.failure);
  return result.value;
}

/** Triage is a bonus: its failure degrades the notification, never the capture. */
function* summarize(context: OrchestrationContext, blob: VerifyBlobOutput): Flow<SummarizeOutput> {
  try {
    const result = (yield context.df.callActivityWithRetry(
      ActivityNames.summarizeCapture,
      armRetry,
      { storagePath: blob.storagePath, sizeBytes: blob.sizeBytes },
    )) as ActivityResult<SummarizeOutput>;
    return result.ok ? result.value : { highlights: [], skippedReason: result.failure.message };
  } catch (error) {
    return {
      highlights: [],
      skippedReason: `summary failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
    };
  }
}

/** Best effort: stop what may still run, then delete the capture resource so nothing is left in the regional quota. */
function* compensate(
  context: OrchestrationContext,
  capture: CaptureRef,
  mayBeRunning: boolean,
): Flow<void> {
  const steps = mayBeRunning
    ? [ActivityNames.stopCapture, ActivityNames.deleteCapture]
    : [ActivityNames.deleteCapture];
  for (const step of steps) {
    try {
      yield context.df.callActivityWithRetry(step, armRetry, capture);
    } catch {
      // Already failing; the failure notification names the capture so ops can clean up by hand.
    }
  }
}

/** Every channel, one activity call each: a channel that is not configured answers at once with nothing delivered. */
function* notify(
  context: OrchestrationContext,
  report: CaptureReport,
  progress: ProgressReporter,
): Flow<void> {
  progress.update({ phase: "notifying" });
  const errors: string[] = [];
  for (const channel of NotifyChannels) {
    try {
      const result = (yield context.df.callActivityWithRetry(ActivityNames.notify, notifyRetry, {
        report,
        channel,
      })) as ActivityResult<unknown>;
      if (!result.ok) errors.push(result.failure.message);
    } catch (error) {
      errors.push(
        `${channel}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
      );
    }
  }
  if (errors.length) report.notifyError = errors.join("; ");
}

df.app.orchestration(OrchestratorNames.capture, captureOrchestrator);

export default captureOrchestrator;
