/**
 * A VM's flight recorder, one durable orchestration per VM (`recorder-<vm>-<hash>`): arm a
 * continuous capture into a ring of files, check its health on an adaptive schedule, and end in
 * one of four ways —
 *   freeze  (an alert whose rule says captureMode=freeze): keep recording capturePostTriggerSeconds,
 *           stop, keep the ring files overlapping [fired − lookback, stop], verify them, triage
 *           them as one timeline with the fired time marked, notify with a link per file;
 *   disarm  (ops): stop and report what the ring held;
 *   session end (sessionTimeLimitInSeconds passed): report what the ring held;
 *   refused (the region already has RECORDER_MAX_PER_REGION armed recorders): nothing started.
 *
 * Deterministic like the capture orchestrator: time from currentUtcDateTime, waits on durable
 * timers no longer than a health-check gap (so never near Durable Functions' maximum timer
 * length, whatever the session), I/O in activities.
 *
 * Generations (2.6+): every GENERATION_SECONDS of session the recorder continues as new with the
 * armed ring in its input, so no execution replays more than half a day of health checks. The
 * Durable extension drops an event the old execution received but had not taken (see
 * readMailbox), so a continued generation first reads the freezes and disarms its raisers wrote
 * to the mailbox before raising them.
 */
import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler, Task } from "durable-functions";
import { refused, type RequestVerdict } from "../lib/domain/captureRequest";
import type { CaptureStatusOutput } from "../lib/domain/captureStatus";
import { filesOverlapping, ringHolding, ringSpans, type RingFile } from "../lib/domain/ringFiles";
import { nextHealthCheckAt } from "../lib/domain/ringSchedule";
import { CaptureFailure, failureReason } from "../lib/workflow/captureFailure";
import { CaptureRun } from "../lib/workflow/captureRun";
import {
  Activities,
  OrchestratorNames,
  type CaptureRef,
  type CaptureReport,
  type ResolveNameOutput,
} from "../lib/workflow/contracts";
import {
  RecorderActivities,
  RecorderEvents,
  type FreezeEvent,
  type RecorderGeneration,
  type RecorderInput,
  type RecorderRequest,
  type RingReport,
} from "../lib/workflow/recorderContracts";
import { parseRecorderRequest } from "../lib/workflow/recorderShape";
import { run, type Flow } from "../lib/workflow/run";
import {
  OrchestrationVersions,
  startedOnOrAfter,
  unstampedVersion,
} from "../lib/workflow/versions";
import { CONTINUED_AS_NEW, runToEnd } from "./captureOrchestrator";

/**
 * How the watch ended; a disarm or a session end hands on the freeze waiter still listening. A
 * hand-over is not an end: the next generation carries on.
 */
type RingEnd =
  | { kind: "freeze"; event: FreezeEvent }
  | { kind: "disarm"; freeze: Task }
  | { kind: "sessionEnded"; status: CaptureStatusOutput; freeze: Task }
  | { kind: "handOver" };

/**
 * Session time one generation watches before it continues as new (2.6+): ~25 health checks at
 * the schedule's 30-min cap, so an episode replays a few hundred history events, not thousands.
 */
export const GENERATION_SECONDS = 12 * 3600;

/**
 * How long a ring that ended still takes a freeze. The webhook reads the recorder's phase and
 * then raises the event; once the phase says `ringEnded` it starts a one-shot capture instead.
 * A webhook that read the phase just before has Azure Monitor's 10 s per call to raise, so a
 * freeze it sent arrives within this grace and still gets its files.
 */
export const LATE_FREEZE_GRACE_SECONDS = 15;

const AGENT_ACTION =
  "Check the Network Watcher agent extension on the VM and its outbound access to storage (443), then arm again.";

function at(start: Date, seconds: number): Date {
  return new Date(start.getTime() + seconds * 1000);
}

/**
 * Where a generation's watch starts: a continued one (2.6+) starts with the health check the old
 * generation's last timer was for; one that hands over stops at `handOverAt`.
 */
interface WatchSpan {
  checkFirst: boolean;
  handOverAt?: Date;
}

/** Checks on the adaptive schedule until a freeze, a disarm, the end of the session or a hand-over. */
function* watchRing(
  context: OrchestrationContext,
  recorder: CaptureRun,
  { ref, armedAt }: ArmedRing,
  span: WatchSpan,
): Flow<RingEnd> {
  const limit = (recorder.request as RecorderRequest).settings.ring.sessionTimeLimitInSeconds;
  const giveUpAt = limit + recorder.policy.deadlineGraceSeconds;
  // An event raised while a check's activities run completes that iteration's waiter, which lost
  // to the timer: it is taken at the next turn (2.3+) instead of being lost with the waiter.
  const takesEveryEvent = startedOnOrAfter(context, OrchestrationVersions.recorderTakesLateFreezes);
  let elapsed = (context.df.currentUtcDateTime.getTime() - armedAt.getTime()) / 1000;
  let checkDue = span.checkFirst;
  let freeze: Task | undefined;
  let disarm: Task | undefined;
  for (;;) {
    if (!checkDue) {
      if (takesEveryEvent && freeze && disarm) {
        if (freeze.isCompleted) return { kind: "freeze", event: freeze.result as FreezeEvent };
        if (disarm.isCompleted) return { kind: "disarm", freeze };
      }
      const timer = context.df.createTimer(
        at(armedAt, Math.min(nextHealthCheckAt(elapsed, limit), giveUpAt)),
      );
      freeze = context.df.waitForExternalEvent(RecorderEvents.freeze);
      disarm = context.df.waitForExternalEvent(RecorderEvents.disarm);
      const winner = (yield context.df.Task.any([timer, freeze, disarm])) as Task;
      if (winner !== timer) {
        timer.cancel();
        return winner === freeze
          ? { kind: "freeze", event: freeze.result as FreezeEvent }
          : { kind: "disarm", freeze };
      }
      elapsed = (context.df.currentUtcDateTime.getTime() - armedAt.getTime()) / 1000;
      // The check this timer was for is the next generation's first step; the session's last one stays here.
      if (span.handOverAt && context.df.currentUtcDateTime >= span.handOverAt && elapsed < giveUpAt)
        return { kind: "handOver" };
    }
    checkDue = false;
    const status = yield* run(context, Activities.getCaptureStatus, ref);
    recorder.progress.poll(status);
    if (status.status === "Error") {
      throw new CaptureFailure("getCaptureStatus", {
        code: "CaptureFailed",
        message: `Network Watcher reports the continuous capture failed: ${status.errors.join(", ") || "no error detail"}`,
        action: AGENT_ACTION,
      });
    }
    yield* takeStock(context, recorder, ref, armedAt);
    if (status.status === "Stopped" || elapsed >= giveUpAt)
      return {
        kind: "sessionEnded",
        status,
        // A continued generation's first check has no waiter yet: the late-freeze grace opens one.
        freeze: freeze ?? context.df.waitForExternalEvent(RecorderEvents.freeze),
      };
  }
}

/** What the ring holds now, for ops and the final report; a listing problem never ends the recorder. */
function* takeStock(
  context: OrchestrationContext,
  recorder: CaptureRun,
  ref: CaptureRef,
  armedAt: Date,
): Flow<RingFile[]> {
  try {
    const listing = yield* run(context, RecorderActivities.listRingFiles, ref);
    const files = ringSpans(listing.blobs, armedAt);
    const holding = ringHolding(files);
    ringOf(recorder).holding = holding;
    recorder.progress.update({ ring: holding });
    return files;
  } catch (error) {
    if (!(error instanceof CaptureFailure)) throw error;
    recorder.progress.update({ lastStatus: `ring listing: ${error.failure.message}` });
    return [];
  }
}

function ringOf(recorder: CaptureRun): RingReport {
  return recorder.report.ring!;
}

/** An armed ring: its capture, how its name was resolved and when it was armed (the first file's earliest start). */
interface ArmedRing {
  ref: CaptureRef;
  resolution: ResolveNameOutput["resolution"];
  armedAt: Date;
}

/** The freeze's alert becomes the report's; the ring notes the fired time. */
function markFreeze(recorder: CaptureRun, event: FreezeEvent): void {
  recorder.report.request = { ...recorder.report.request, alert: event.alert };
  ringOf(recorder).firedAt = event.firedAt;
}

/** Post-trigger tail, stop, then keep the window. */
function* freeze(
  context: OrchestrationContext,
  recorder: CaptureRun,
  ref: CaptureRef,
  armedAt: Date,
  event: FreezeEvent,
): Flow<void> {
  const now = context.df.currentUtcDateTime;
  const fired = new Date(event.firedAt);
  // The tail counts from the fired time, but an alert delivered late never stops the ring in the past, nor a clock-skewed one far in the future.
  const stopAt = new Date(
    Math.min(
      Math.max(fired.getTime() + event.postTriggerSeconds * 1000, now.getTime()),
      now.getTime() + event.postTriggerSeconds * 1000,
    ),
  );
  markFreeze(recorder, event);
  recorder.enter("freezing", { lastStatus: `frozen by ${event.alert.ruleName ?? "an alert"}` });
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a timer due now fires at once, so the stop lands at the same moment either way; the guard only spares the history a timer.
  if (stopAt > now) yield context.df.createTimer(stopAt);

  recorder.enter("stopCapture");
  yield* run(context, Activities.stopCapture, ref);
  recorder.stopped();
  yield* keepWindow(context, recorder, { ref, armedAt }, event);
}

/**
 * Select the ring files overlapping [fired − lookback, now (the ring has stopped)], verify them,
 * triage them. Nothing usable fails the recorder (EmptyRing) — except for a freeze that came after
 * the ring had ended, which then gets the typed outcome `ringEnded`.
 */
function* keepWindow(
  context: OrchestrationContext,
  recorder: CaptureRun,
  { ref, armedAt }: Pick<ArmedRing, "ref" | "armedAt">,
  event: FreezeEvent,
): Flow<void> {
  const { report } = recorder;
  const ring = ringOf(recorder);
  report.outcome = "frozen";
  const windowFrom = at(new Date(event.firedAt), -event.lookbackSeconds);
  const stoppedAt = context.df.currentUtcDateTime;
  ring.window = { from: windowFrom.toISOString(), to: stoppedAt.toISOString() };
  recorder.enter("listRingFiles");
  const listing = yield* run(context, RecorderActivities.listRingFiles, ref);
  const all = ringSpans(listing.blobs, armedAt);
  ring.holding = ringHolding(all);
  const kept = filesOverlapping(all, windowFrom, stoppedAt);

  recorder.enter("verifyRingFiles");
  const verified = yield* run(context, RecorderActivities.verifyRingFiles, { files: kept });
  ring.files = verified.verified;
  ring.rejected = verified.rejected;
  if (verified.verified.length === 0) {
    const message = `no usable ring file overlaps ${ring.window.from} – ${ring.window.to} (${all.length} file(s) in storage${verified.rejected.length ? `; ${verified.rejected.join("; ")}` : ""})`;
    if (ring.endedBeforeFreeze) {
      report.outcome = "ringEnded";
      ring.endedBeforeFreeze.kept = message;
      return;
    }
    throw new CaptureFailure("verifyRingFiles", {
      code: "EmptyRing",
      message,
      action:
        "Check the capture filters and that the VM had traffic; a lookback longer than the ring holds (files × file size) loses the oldest minutes.",
    });
  }

  if (recorder.policy.summarize) {
    recorder.enter("summarizeRing");
    try {
      const triage = yield* run(context, RecorderActivities.summarizeRing, {
        storagePath: listing.storagePath,
        files: verified.verified,
        firedAt: event.firedAt,
      });
      ring.summaryPath = triage.summaryPath;
      report.summary = { highlights: triage.highlights, skippedReason: triage.skippedReason };
    } catch (error) {
      if (!(error instanceof CaptureFailure)) throw error;
      report.summary = { highlights: [], skippedReason: error.failure.message };
    }
  }
}

/**
 * A ring that ended (session limit, disarm) still answers a freeze for LATE_FREEZE_GRACE_SECONDS
 * after its phase says `ringEnded`: one that arrived meanwhile — while the ring was being stopped,
 * or within the grace — keeps the files that overlap its window up to the ring's end (outcome
 * `frozen`, no post-trigger tail), or, when none does, ends `ringEnded`. Either way the
 * notification says the ring had ended first. Instances before 2.3 replay without this.
 */
function* lateFreeze(
  context: OrchestrationContext,
  recorder: CaptureRun,
  ring: ArmedRing,
  pending: Task,
): Flow<void> {
  if (!startedOnOrAfter(context, OrchestrationVersions.recorderTakesLateFreezes)) return;
  const endedAt = context.df.currentUtcDateTime;
  const by = recorder.report.outcome === "disarmed" ? "disarmed" : "sessionEnded";
  recorder.enter("ringEnded", {
    lastStatus: `ring ${by}; a freeze within ${LATE_FREEZE_GRACE_SECONDS} s still gets the files before its end`,
  });
  let event = pending.isCompleted ? (pending.result as FreezeEvent) : undefined;
  if (!event) {
    const freeze = context.df.waitForExternalEvent(RecorderEvents.freeze);
    const timer = context.df.createTimer(at(endedAt, LATE_FREEZE_GRACE_SECONDS));
    if ((yield context.df.Task.any([freeze, timer])) !== freeze) return;
    timer.cancel();
    event = freeze.result as FreezeEvent;
  }
  markFreeze(recorder, event);
  ringOf(recorder).endedBeforeFreeze = { at: endedAt.toISOString(), by };
  yield* keepWindow(context, recorder, ring, event);
}

/** Stops the ring (disarm, or a session we had to end ourselves) and reports what it held. */
function* standDown(
  context: OrchestrationContext,
  recorder: CaptureRun,
  ref: CaptureRef,
  armedAt: Date,
  stop: boolean,
): Flow<void> {
  if (stop) {
    recorder.enter("stopCapture");
    yield* run(context, Activities.stopCapture, ref);
  }
  recorder.stopped();
  yield* takeStock(context, recorder, ref, armedAt);
}

const CAP_ACTION = "RECORDER_MAX_PER_REGION); disarm one or raise the setting, then arm again";

/** Refused by the regional cap: the outcome and why, for the report, ops and the notification. */
function refuse(recorder: CaptureRun, why: string): void {
  recorder.report.outcome = "refused";
  ringOf(recorder).refusal = why;
  recorder.progress.update({ lastStatus: why });
}

/**
 * The exact cap, right after starting (instances on 2.2 or later): when `limit` rings in the
 * region rank ahead of ours (lib/domain/recorderCap), ours stands down — stopped here, deleted by
 * the caller. True when it stays armed.
 */
function* confirmCap(
  context: OrchestrationContext,
  recorder: CaptureRun,
  where: { region: string; ref: CaptureRef },
): Flow<boolean> {
  if (!startedOnOrAfter(context, OrchestrationVersions.recorderGuards)) return true;
  const { ref, region } = where;
  recorder.enter("confirmRecorderCap");
  const rank = yield* run(context, RecorderActivities.confirmRecorderCap, {
    watcher: ref.watcher,
    region,
    captureName: ref.name,
    limit: (recorder.request as RecorderRequest).maxPerRegion,
  });
  if (rank.available) return true;
  refuse(
    recorder,
    `${rank.ahead} recorders in ${region} armed before this one or at the same moment, ${rank.limit} allowed; this one stood down (${CAP_ACTION}`,
  );
  recorder.enter("stopCapture");
  yield* run(context, Activities.stopCapture, ref);
  recorder.stopped();
  return false;
}

/** Watches the armed ring until its ending and carries that ending out, or hands it over. */
function* recordUntilEnd(
  context: OrchestrationContext,
  recorder: CaptureRun,
  ring: ArmedRing,
  span: WatchSpan,
  pending?: RingEnd,
): Flow<typeof CONTINUED_AS_NEW | void> {
  const { report } = recorder;
  const { ref, armedAt } = ring;
  const end = pending ?? (yield* watchRing(context, recorder, ring, span));
  if (end.kind === "handOver") {
    context.df.continueAsNew(nextGeneration(context, recorder, ring));
    return CONTINUED_AS_NEW;
  }
  if (end.kind === "freeze") {
    yield* freeze(context, recorder, ref, armedAt, end.event);
  } else {
    const status = end.kind === "sessionEnded" ? end.status : undefined;
    report.outcome = status ? "sessionEnded" : "disarmed";
    report.status = status;
    yield* standDown(context, recorder, ref, armedAt, status?.status !== "Stopped");
    yield* lateFreeze(context, recorder, ring, end.freeze);
  }
}

/** The next generation's input: the request, the armed ring, and what ops see of it. */
function nextGeneration(
  context: OrchestrationContext,
  recorder: CaptureRun,
  { ref, resolution, armedAt }: ArmedRing,
): RecorderInput {
  const { generation, ...request } = context.df.getInput<RecorderInput>();
  const progress = recorder.progress.current;
  return {
    ...request,
    generation: {
      number: (generation?.number ?? 1) + 1,
      startedAt: recorder.report.startedAt,
      capture: ref,
      armedAt: armedAt.toISOString(),
      resolution,
      polls: progress.polls,
      ...(progress.ring && { holding: progress.ring }),
      ...(progress.lastStatus && { lastStatus: progress.lastStatus }),
    },
  };
}

/** A generation's span: recorders on 2.6 or later hand over GENERATION_SECONDS after `from`. */
function spanFrom(context: OrchestrationContext, from: Date, checkFirst: boolean): WatchSpan {
  return startedOnOrAfter(context, OrchestrationVersions.recorderGenerations)
    ? { checkFirst, handOverAt: at(from, GENERATION_SECONDS) }
    : { checkFirst };
}

/**
 * A freeze or disarm the previous generation had received but not taken when it continued as
 * new: the Durable extension's out-of-proc shim calls ContinueAsNew(input) without
 * preserveUnprocessedEvents, and the default (false) discards such events
 * (azure-functions-durable-extension, src/WebJobs.Extensions.DurableTask/Listener/
 * OutOfProcOrchestrationShim.cs:171; ContextInterfaces/IDurableOrchestrationContext.cs:98;
 * only DurableTaskExtension.cs:829-835 re-sends them, when preserving). Raisers write each request
 * to the arming's mailbox before raising it (lib/ops/raiseRecorderRequest), so whatever
 * the old generation dropped is read here; the oldest request wins, as the first event would have.
 */
function* readMailbox(
  context: OrchestrationContext,
  recorder: CaptureRun,
  { armedAt }: ArmedRing,
): Flow<RingEnd | undefined> {
  recorder.enter("readRecorderMailbox");
  const { requests } = yield* run(context, RecorderActivities.readRecorderMailbox, {
    instanceId: context.df.instanceId,
    armedAt: armedAt.toISOString(),
    storageAccountId: recorder.request.settings.storageAccountId,
  });
  recorder.enter("armed");
  const first = requests[0];
  if (!first) return undefined;
  return first.kind === "freeze"
    ? { kind: "freeze", event: first.event }
    : { kind: "disarm", freeze: context.df.waitForExternalEvent(RecorderEvents.freeze) };
}

/** A continued generation (2.6+): the armed ring as the last one left it, the mailbox, the watch. */
function* continueRecording(
  context: OrchestrationContext,
  recorder: CaptureRun,
  generation: RecorderGeneration,
): Flow<typeof CONTINUED_AS_NEW | void> {
  const { report } = recorder;
  const ring: ArmedRing = {
    ref: generation.capture,
    resolution: generation.resolution,
    armedAt: new Date(generation.armedAt),
  };
  const limit = (recorder.request as RecorderRequest).settings.ring.sessionTimeLimitInSeconds;
  recorder.claim(ring.ref);
  report.startedAt = generation.startedAt;
  ringOf(recorder).armedAt = generation.armedAt;
  ringOf(recorder).holding = generation.holding;
  recorder.enter("armed", {
    resolution: generation.resolution,
    startedAt: generation.armedAt,
    expectedEnd: at(ring.armedAt, limit).toISOString(),
    polls: generation.polls,
    ring: generation.holding,
    lastStatus: generation.lastStatus,
  });
  const pending = yield* readMailbox(context, recorder, ring);
  const span = spanFrom(context, context.df.currentUtcDateTime, true);
  if ((yield* recordUntilEnd(context, recorder, ring, span, pending)) === CONTINUED_AS_NEW)
    return CONTINUED_AS_NEW;
  yield* deleteRing(context, recorder, ring.ref);
}

/** The ring files stay in storage; the capture resource goes, so the name and the session are free. */
function* deleteRing(
  context: OrchestrationContext,
  recorder: CaptureRun,
  ref: CaptureRef,
): Flow<void> {
  recorder.enter("deleteCapture");
  try {
    yield* run(context, Activities.deleteCapture, ref);
  } catch (error) {
    if (!(error instanceof CaptureFailure)) throw error;
    recorder.report.cleanupError = `deleteCapture ${ref.name}: ${error.failure.message}`;
  }
}

/** Check → quota → cap → name → start → confirm the cap → watch → the ending. Returns without a capture when refused. */
function* recordAndEnd(
  context: OrchestrationContext,
  recorder: CaptureRun,
): Flow<typeof CONTINUED_AS_NEW | void> {
  const request = recorder.request as RecorderRequest;
  const { report } = recorder;
  // Recorders started before 2.2 replay without this step (see lib/workflow/versions).
  if (startedOnOrAfter(context, OrchestrationVersions.recorderGuards)) {
    recorder.enter("validateRecorderRequest");
    yield* run(context, RecorderActivities.validateRecorderRequest, request);
  }
  recorder.enter("checkQuota");
  const quota = yield* run(context, Activities.checkQuota, {
    target: request.target,
    watcher: request.watcher,
  });
  report.watcher = quota.watcher;
  if (!quota.available) {
    throw new CaptureFailure("checkQuota", {
      code: "QuotaExceeded",
      message: `${quota.running}/${quota.limit} sessions in ${quota.region}`,
      action: "Stop unneeded captures in that region, then arm again.",
    });
  }
  recorder.enter("checkRecorderCap");
  const cap = yield* run(context, RecorderActivities.checkRecorderCap, {
    watcher: quota.watcher,
    region: quota.region,
    captureName: request.captureName,
    limit: request.maxPerRegion,
  });
  if (!cap.available) {
    refuse(
      recorder,
      `${cap.armed} of ${cap.limit} recorders already armed in ${quota.region} (${CAP_ACTION}`,
    );
    return;
  }

  recorder.enter("resolveCaptureName");
  const named = yield* run(context, Activities.resolveCaptureName, {
    watcher: quota.watcher,
    target: request.target,
    desiredName: request.captureName,
  });
  const ref: CaptureRef = { watcher: quota.watcher, name: named.name };
  recorder.claim(ref);
  if (named.resolution !== "adopted") {
    recorder.enter("startCapture", { captureName: named.name });
    yield* run(context, Activities.startCapture, {
      watcher: quota.watcher,
      target: request.target,
      name: named.name,
      settings: request.settings,
    });
  }
  if (yield* confirmCap(context, recorder, { ...quota, ref })) {
    const armedAt = context.df.currentUtcDateTime;
    ringOf(recorder).armedAt = armedAt.toISOString();
    recorder.enter("armed", {
      resolution: named.resolution,
      startedAt: armedAt.toISOString(),
      expectedEnd: at(armedAt, request.settings.ring.sessionTimeLimitInSeconds).toISOString(),
    });
    const ring = { ref, resolution: named.resolution, armedAt };
    const span = spanFrom(context, armedAt, false);
    if ((yield* recordUntilEnd(context, recorder, ring, span)) === CONTINUED_AS_NEW)
      return CONTINUED_AS_NEW;
  }
  yield* deleteRing(context, recorder, ref);
}

/**
 * Refused before anything reads the input, as the capture orchestrator refuses: no recorder's
 * shape, or a version no deploy stamped. Recorders started on 2.0/2.1 exist, so naming those
 * skips validateRecorderRequest until that branch is removed (7 days + grace after the 2.2 deploy).
 */
function startable(context: OrchestrationContext): RequestVerdict<RecorderInput> {
  const unstamped = unstampedVersion(context);
  if (unstamped) return refused("version", unstamped);
  return parseRecorderRequest(context.df.getInput<unknown>());
}

const recorderOrchestrator: OrchestrationHandler = function* (
  context: OrchestrationContext,
): Flow<CaptureReport> {
  const shape = startable(context);
  if (!shape.ok) {
    throw new Error(
      failureReason(
        new CaptureFailure("validateRecorderRequest", {
          code: "RequestRefused",
          message: shape.message,
        }),
      ),
    );
  }
  // A generation is only ever continued by 2.6 or later; an older instance never names one.
  const { generation, ...request } = shape.request;
  const recorder = new CaptureRun(context, request);
  recorder.report.ring = { settings: request.settings.ring };
  const continued =
    generation && startedOnOrAfter(context, OrchestrationVersions.recorderGenerations)
      ? generation
      : undefined;
  return yield* runToEnd(
    context,
    recorder,
    continued ? continueRecording(context, recorder, continued) : recordAndEnd(context, recorder),
  );
};

df.app.orchestration(OrchestratorNames.recorder, recorderOrchestrator);

export default recorderOrchestrator;
