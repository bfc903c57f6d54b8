/**
 * One capture, start to notification: checkQuota → resolveCaptureName → startCapture → poll on
 * durable timers → verifyCaptureBlob → summarizeCapture → notify.
 *
 * Deterministic by construction: time comes only from context.df.currentUtcDateTime, waiting
 * only from durable timers, I/O only from activities — so a host restart replays to the same
 * point and the capture keeps its schedule.
 */
import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler } from "durable-functions";
import { nextPollAt } from "../lib/domain/pollSchedule";
import { parseCaptureRequest, refused, type RequestVerdict } from "../lib/domain/captureRequest";
import {
  asCaptureFailure,
  CaptureFailure,
  failureReason,
  firstLine,
} from "../lib/workflow/captureFailure";
import { CaptureRun } from "../lib/workflow/captureRun";
import {
  Activities,
  NotifyChannels,
  OrchestratorNames,
  type CaptureOutcome,
  type CaptureRef,
  type CaptureReport,
  type InstanceFilesReport,
  type ResolveNameOutput,
  type SummarizeOutput,
  type VerifyBlobOutput,
} from "../lib/workflow/contracts";
import type { CaptureStatusOutput } from "../lib/domain/captureStatus";
import { CANCEL_EVENT, ONE_LOOK } from "../lib/workflow/policies";
import { run, type Flow, type RunOptions } from "../lib/workflow/run";
import {
  OrchestrationVersions,
  startedOnOrAfter,
  unstampedVersion,
} from "../lib/workflow/versions";

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
  { policy }: CaptureRun,
  since: Date,
): Flow<boolean | undefined> {
  if (secondsSince(context, since) >= policy.quotaWaitSeconds) return false;
  const recheckAt = new Date(
    context.df.currentUtcDateTime.getTime() + policy.quotaRecheckSeconds * 1000,
  );
  return (yield* waitOrCancel(context, recheckAt)) ? undefined : true;
}

interface Launched {
  ref: CaptureRef;
  resolution: ResolveNameOutput["resolution"];
}

/**
 * Quota → name → start. A full region is waited out on durable timers within one bounded budget,
 * whether checkQuota saw it or ARM refused the PUT because another capture took the last session
 * between the check and the start. Returns undefined when cancelled while waiting.
 */
function* launchCapture(
  context: OrchestrationContext,
  capture: CaptureRun,
): Flow<Launched | undefined> {
  const { request, policy } = capture;
  const since = context.df.currentUtcDateTime;
  for (;;) {
    capture.enter("checkQuota");
    const quota = yield* run(context, Activities.checkQuota, {
      target: request.target,
      watcher: request.watcher,
    });
    capture.report.watcher = quota.watcher;
    let refusal = `${quota.running}/${quota.limit} sessions in ${quota.region}`;
    if (quota.available) {
      capture.enter("resolveCaptureName");
      const named = yield* run(context, Activities.resolveCaptureName, {
        watcher: quota.watcher,
        target: request.target,
        desiredName: request.captureName,
      });
      const ref: CaptureRef = { watcher: quota.watcher, name: named.name };
      capture.claim(ref);
      if (named.resolution === "adopted") return { ref, resolution: named.resolution };
      capture.enter("startCapture", { captureName: named.name });
      try {
        yield* run(context, Activities.startCapture, {
          watcher: quota.watcher,
          target: request.target,
          name: named.name,
          settings: request.settings,
        });
        return { ref, resolution: named.resolution };
      } catch (error) {
        if (!(error instanceof CaptureFailure) || error.failure.code !== "QuotaExceeded")
          throw error;
        refusal = error.failure.message;
      }
    }
    capture.enter("waitingForQuota", { lastStatus: refusal });
    const waited = yield* waitForQuota(context, capture, since);
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

/** What a capture left in storage: one blob, or (a scale set, 2.4 on) one file per instance. */
interface Stored {
  blob?: VerifyBlobOutput;
  instances?: InstanceFilesReport;
}

interface PollEnd {
  outcome: CaptureOutcome;
  status?: CaptureStatusOutput;
  /** Already verified (a lost agent's partial file). */
  stored?: Stored;
}

/**
 * Scale sets write one file per instance. Instances started before 2.4 replay with the one-blob
 * check they began with.
 */
function perInstance(context: OrchestrationContext, capture: CaptureRun): boolean {
  return (
    capture.request.target.kind === "virtualMachineScaleSet" &&
    startedOnOrAfter(context, OrchestrationVersions.perInstanceFiles)
  );
}

function* verifyStored(
  context: OrchestrationContext,
  capture: CaptureRun,
  ref: CaptureRef,
  options: RunOptions = {},
): Flow<Stored> {
  if (!perInstance(context, capture))
    return { blob: yield* run(context, Activities.verifyCaptureBlob, { capture: ref }, options) };
  const input = { capture: ref, target: capture.request.target };
  return { instances: yield* run(context, Activities.verifyInstanceFiles, input, options) };
}

/** Polls on the adaptive schedule until Network Watcher stops the capture, an operator cancels, or the deadline passes. */
function* watchCapture(
  context: OrchestrationContext,
  capture: CaptureRun,
  ref: CaptureRef,
  startedAt: Date,
): Flow<PollEnd> {
  const timeLimit = capture.request.settings.timeLimitInSeconds;
  const giveUpAt = timeLimit + capture.policy.deadlineGraceSeconds;
  let elapsed = 0;
  for (;;) {
    const pollAt = Math.min(nextPollAt(elapsed, timeLimit), giveUpAt);
    if (yield* waitOrCancel(context, new Date(startedAt.getTime() + pollAt * 1000)))
      return { outcome: "cancelled" };
    elapsed = secondsSince(context, startedAt);
    const status = yield* run(context, Activities.getCaptureStatus, ref);
    capture.progress.poll(status);
    if (status.status === "Error") {
      // A lost agent may already have written part of the capture: keep it if it is in storage.
      const partial = status.errors.includes("AgentStopped")
        ? yield* partialFile(context, capture, ref)
        : undefined;
      if (partial) return { outcome: "partial", status, stored: partial };
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

/** Check, launch, watch, stop when we must, verify, summarize: the report of a capture that did not fail. */
function* captureAndVerify(context: OrchestrationContext, capture: CaptureRun): Flow<void> {
  const { report } = capture;
  // Instances started before versioning replay without this step (see lib/workflow/versions).
  if (startedOnOrAfter(context, OrchestrationVersions.validatesRequest)) {
    capture.enter("validateRequest");
    yield* run(context, Activities.validateRequest, capture.request);
  }
  const launched = yield* launchCapture(context, capture);
  if (!launched) {
    report.outcome = "cancelled";
    return;
  }
  const { ref } = launched;
  const startedAt = context.df.currentUtcDateTime;
  capture.progress.capturing(startedAt, launched.resolution);

  const end = yield* watchCapture(context, capture, ref, startedAt);
  report.outcome = end.outcome;
  report.status = end.status;
  if (end.outcome === "cancelled" || end.outcome === "overran") {
    capture.enter("stopCapture", { lastStatus: end.outcome });
    yield* run(context, Activities.stopCapture, ref);
  }
  capture.stopped();

  capture.enter(perInstance(context, capture) ? "verifyInstanceFiles" : "verifyCaptureBlob");
  const stored = end.stored ?? (yield* verifyStored(context, capture, ref));
  if (stored.blob) report.blob = stored.blob;
  if (stored.instances) report.instances = stored.instances;
  // An instance that wrote nothing is a hole in the capture, whatever the session's own end.
  if (stored.instances?.missing.length && GOOD_ENDS.has(report.outcome)) report.outcome = "partial";

  if (capture.policy.summarize) {
    capture.enter("summarizeCapture");
    if (report.blob) report.summary = yield* summarize(context, report.blob);
    for (const file of report.instances?.files ?? [])
      file.summary = yield* summarize(context, file);
  }
}

const GOOD_ENDS = new Set<CaptureOutcome>(["succeeded", "stoppedEarly"]);

/**
 * Anyone with the system key can start this orchestrator, with any input and any version. What
 * can be refused deterministically is refused here, before anything reads the input: an input
 * without a request's shape, and a version no deploy ever stamped — naming an older one would
 * otherwise skip validateRequest, which checks the rest.
 */
function startable(context: OrchestrationContext): RequestVerdict {
  const unstamped = unstampedVersion(context);
  if (unstamped) return refused("version", unstamped);
  return parseCaptureRequest(context.df.getInput<unknown>());
}

/**
 * One look, no retries: an agent that stopped before writing anything left no file to wait for.
 * Instances started before 2.1 failed at once on a lost agent and replay that way.
 */
function* partialFile(
  context: OrchestrationContext,
  capture: CaptureRun,
  ref: CaptureRef,
): Flow<Stored | undefined> {
  if (!startedOnOrAfter(context, OrchestrationVersions.keepsPartialCaptures)) return undefined;
  // Only a CaptureFailure means "no file": anything else (an answer outside the activity's
  // contract) is a bug, and fails the capture as one.
  try {
    return yield* verifyStored(context, capture, ref, { retry: ONE_LOOK });
  } catch (error) {
    if (error instanceof CaptureFailure) return undefined;
    throw error;
  }
}

const captureOrchestrator: OrchestrationHandler = function* (
  context: OrchestrationContext,
): Flow<CaptureReport> {
  const shape = startable(context);
  if (!shape.ok) {
    throw new Error(
      failureReason(
        new CaptureFailure("validateRequest", { code: "RequestRefused", message: shape.message }),
      ),
    );
  }
  const capture = new CaptureRun(context, shape.request);
  return yield* runToEnd(context, capture, captureAndVerify(context, capture));
};

/** What a flow returns after `context.df.continueAsNew`: the new execution carries on. */
export const CONTINUED_AS_NEW = "continuedAsNew";

/**
 * Runs `work` and ends the run the way every capture-like orchestration ends: on failure it
 * compensates, notifies and throws the typed reason (so the instance ends Failed with it); on
 * success it notifies and returns the report.
 */
export function* runToEnd(
  context: OrchestrationContext,
  capture: CaptureRun,
  work: Flow<typeof CONTINUED_AS_NEW | void>,
): Flow<CaptureReport> {
  try {
    // Handed over to a new execution (a recorder's generation): nothing has ended yet.
    if ((yield* work) === CONTINUED_AS_NEW) return capture.report;
  } catch (error) {
    const failure = asCaptureFailure(error, capture.phase);
    capture.fail(failure);
    capture.enter("compensating", { lastStatus: failure.failure.code });
    yield* compensate(context, capture);
    capture.end();
    yield* notify(context, capture);
    capture.enter("failed", { lastStatus: failureReason(failure) });
    // Stryker disable next-line ObjectLiteral: durable-functions records only a thrown error's message; the cause is for a debugger attached to the worker.
    throw new Error(failureReason(failure), { cause: error });
  }
  capture.end();
  yield* notify(context, capture);
  capture.enter("done", { lastStatus: capture.report.outcome });
  return capture.report;
}

/** Triage is a bonus: its failure degrades the notification, never the capture. */
function* summarize(context: OrchestrationContext, blob: VerifyBlobOutput): Flow<SummarizeOutput> {
  try {
    return yield* run(context, Activities.summarizeCapture, {
      storagePath: blob.storagePath,
      sizeBytes: blob.sizeBytes,
    });
  } catch (error) {
    if (!(error instanceof CaptureFailure)) throw error;
    return { highlights: [], skippedReason: error.failure.message };
  }
}

/**
 * Best effort: stop what may still run, then delete the capture resource so nothing is left in
 * the regional quota. What fails is recorded in the report, so the failure notification and the
 * instance's output tell ops what to remove by hand.
 */
function* compensate(context: OrchestrationContext, capture: CaptureRun): Flow<void> {
  const cleanup = capture.cleanup();
  if (!cleanup) return;
  const errors: string[] = [];
  for (const step of cleanup.steps) {
    try {
      yield* run(context, step, cleanup.capture);
    } catch (error) {
      errors.push(`${step.name} ${cleanup.capture.name}: ${firstLine(error)}`);
    }
  }
  if (errors.length) capture.report.cleanupError = errors.join("; ");
}

/** Every channel, one activity call each: a channel that is not configured answers at once with nothing delivered. */
function* notify(context: OrchestrationContext, capture: CaptureRun): Flow<void> {
  if (!capture.policy.notify) return;
  capture.enter("notify");
  const errors: string[] = [];
  for (const channel of NotifyChannels) {
    try {
      yield* run(context, Activities.notify, { report: capture.report, channel });
    } catch (error) {
      errors.push(`${channel}: ${firstLine(error)}`);
    }
  }
  if (errors.length) capture.report.notifyError = errors.join("; ");
}

df.app.orchestration(OrchestratorNames.capture, captureOrchestrator);

export default captureOrchestrator;
