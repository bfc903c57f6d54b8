/**
 * A capture group: one alert, several VMs captured at once, compared, notified once.
 *
 *   captureInstances   which members already capture (another alert started them): join those
 *   captureOrchestrator × n, as sub-orchestrations started together so the captures overlap
 *   (a `cancel` event is passed on to them)
 *   captureInstances   on durable timers, until the joined members finish
 *   compareCaptures    the alert's primary VM against each other member (2.5 on: a scale-set
 *                      instance named as a member is compared with its own file)
 *   notifyGroup        once per channel: per-VM links and summaries, the comparison's verdict
 *
 * Deterministic like the capture orchestrator: time from currentUtcDateTime, waiting on durable
 * timers, I/O in activities. Each child task is yielded once inside Task.any and afterwards on
 * its own (never in a second compound task, which would schedule it again).
 */
import * as df from "durable-functions";
import type { OrchestrationContext, OrchestrationHandler } from "durable-functions";
import { CaptureFailure, firstLine } from "../lib/workflow/captureFailure";
import { NotifyChannels, OrchestratorNames, type CaptureReport } from "../lib/workflow/contracts";
import {
  GroupActivities,
  GroupOrchestratorName,
  type GroupMember,
  type GroupOutcome,
  type GroupReport,
  type GroupRequest,
  type MemberResult,
  type PairComparison,
} from "../lib/workflow/groupContracts";
import { captureLanded, filesToCompare, type ComparedFile } from "../lib/workflow/groupFiles";
import { GroupProgress } from "../lib/workflow/groupProgress";
import { CANCEL_EVENT } from "../lib/workflow/policies";
import { run, type Flow } from "../lib/workflow/run";
import { CURRENT_VERSION, OrchestrationVersions, startedOnOrAfter } from "../lib/workflow/versions";

const ACTIVE = new Set(["Pending", "Running", "ContinuedAsNew", "Suspended"]);
const JOIN_POLL_SECONDS = 15;
/** Beyond the longest member's time limit, how long to keep waiting for joined members. */
const JOIN_SLACK_SECONDS = 600;
const MAX_JOIN_POLLS = 10_000;
const ALREADY_EXISTS = /already exists/i;

const captureGroupOrchestrator: OrchestrationHandler = function* (
  context: OrchestrationContext,
): Flow<GroupReport> {
  const request = context.df.getInput<GroupRequest>();
  const startedAt = context.df.currentUtcDateTime;
  const progress = new GroupProgress(context, request);

  const before = yield* run(context, GroupActivities.captureInstances, {
    instanceIds: request.members.map((m) => m.instanceId),
  });
  const busy = new Set(before.filter((s) => ACTIVE.has(s.runtimeStatus)).map((s) => s.instanceId));
  const results = new Map<string, MemberResult>();
  const toStart = request.members.filter((m) => !busy.has(m.instanceId));
  const joined = request.members.filter((m) => busy.has(m.instanceId));
  progress.capturing(joined.map((m) => m.instanceId));

  const cancelled = yield* runChildren(context, toStart, results, joined);
  progress.waitingForJoined(joined.map((m) => m.instanceId));
  yield* awaitJoined(context, joined, results);

  // Every member has its result by now: a started one from runChildren, a joined one from awaitJoined.
  const members = request.members.map((m) => results.get(m.instanceId)!);
  // Before 2.5 a member was its one blob; instances named in the group did not exist yet.
  const perInstance = startedOnOrAfter(context, OrchestrationVersions.groupInstanceMembers);
  const files = perInstance
    ? request.members.flatMap((m, i) => filesToCompare(m, members[i]!.report))
    : members.map((m) => ({ name: m.name, ...(m.report?.blob && { blob: m.report.blob }) }));
  const landed = perInstance
    ? request.members.filter((m, i) => captureLanded(m, members[i]!.report)).length
    : members.filter((m) => m.report?.blob !== undefined).length;
  progress.enter("compareCaptures");
  const comparisons = yield* compareAll(context, files);
  const report: GroupReport = {
    instanceId: context.df.instanceId,
    outcome: cancelled ? "cancelled" : outcomeOf(landed, members.length),
    alert: request.alert,
    startedAt: startedAt.toISOString(),
    endedAt: context.df.currentUtcDateTime.toISOString(),
    members,
    comparisons,
    ...(request.statusUrl ? { statusUrl: request.statusUrl } : {}),
  };
  progress.enter("notifyGroup");
  yield* notifyGroup(context, report);
  progress.done(report.outcome);
  return report;
};

/**
 * Starts every member not already capturing as a sub-orchestration, all together, and waits for
 * them; a `cancel` meanwhile is passed on. A child refused because its VM started capturing in
 * the meantime joins the others to be waited for. Returns whether the group was cancelled.
 */
function* runChildren(
  context: OrchestrationContext,
  toStart: GroupMember[],
  results: Map<string, MemberResult>,
  joined: GroupMember[],
): Flow<boolean> {
  if (toStart.length === 0) return false;
  // Stamped with this build's version, not left to the SDK's default (lib/workflow/README.md, "Versioning").
  const children = toStart.map((m) =>
    context.df.callSubOrchestrator(
      OrchestratorNames.capture,
      m.request,
      m.instanceId,
      CURRENT_VERSION,
    ),
  );
  const cancel = context.df.waitForExternalEvent(CANCEL_EVENT);
  const first = yield context.df.Task.any([context.df.Task.all(children), cancel]);
  const cancelled = first === cancel;
  if (cancelled)
    yield* run(context, GroupActivities.signalCaptures, {
      instanceIds: toStart.map((m) => m.instanceId),
      event: CANCEL_EVENT,
    });
  for (const [i, member] of toStart.entries()) {
    const result = memberResult(member, "started");
    try {
      result.report = (yield children[i]!) as CaptureReport;
    } catch (error) {
      const reason = firstLine(error);
      if (ALREADY_EXISTS.test(reason) && !cancelled) {
        joined.push(member);
        continue;
      }
      result.error = reason;
    }
    results.set(member.instanceId, result);
  }
  return cancelled;
}

/** Polls the members another alert started until they finish, within their time limit plus slack. */
function* awaitJoined(
  context: OrchestrationContext,
  joined: GroupMember[],
  results: Map<string, MemberResult>,
): Flow<void> {
  // Stryker disable next-line ConditionalExpression: without it the loop below still ends at once (no member to wait for); the guard spares a Math.max over nothing.
  if (joined.length === 0) return;
  const longest = Math.max(...joined.map((m) => m.request.settings.timeLimitInSeconds));
  const giveUpAt = context.df.currentUtcDateTime.getTime() + (longest + JOIN_SLACK_SECONDS) * 1000;
  let waiting = joined;
  // Bounded in count as well as time; the time bound always ends it first, at most (18000 s + 600 s) / 15 s = 1240 polls.
  // Stryker disable next-line EqualityOperator,ConditionalExpression,UpdateOperator: the count bound is never reached, so loosening or dropping it changes nothing a run can show.
  for (let poll = 0; poll < MAX_JOIN_POLLS; poll++) {
    const states = yield* run(context, GroupActivities.captureInstances, {
      instanceIds: waiting.map((m) => m.instanceId),
    });
    const still: GroupMember[] = [];
    for (const member of waiting) {
      const state = states.find((s) => s.instanceId === member.instanceId);
      if (state && ACTIVE.has(state.runtimeStatus)) {
        still.push(member);
        continue;
      }
      const result = memberResult(member, "joined");
      if (state?.report) result.report = state.report;
      else
        result.error =
          state?.error ?? `the capture orchestration is ${state?.runtimeStatus ?? "gone"}`;
      results.set(member.instanceId, result);
    }
    waiting = still;
    if (waiting.length === 0) return;
    const now = context.df.currentUtcDateTime.getTime();
    if (now >= giveUpAt) break;
    yield context.df.createTimer(new Date(now + JOIN_POLL_SECONDS * 1000));
  }
  for (const member of waiting)
    results.set(member.instanceId, {
      ...memberResult(member, "joined"),
      error: "still capturing when the group stopped waiting for it",
    });
}

/** The alert's primary VM's file against each other file that landed in storage. */
function* compareAll(context: OrchestrationContext, files: ComparedFile[]): Flow<PairComparison[]> {
  const [primary, ...others] = files;
  const comparisons: PairComparison[] = [];
  if (!primary?.blob) return comparisons;
  for (const other of others) {
    if (!other.blob) continue;
    try {
      comparisons.push(
        yield* run(context, GroupActivities.compareCaptures, {
          a: { name: primary.name, blob: primary.blob },
          b: { name: other.name, blob: other.blob },
        }),
      );
    } catch (error) {
      if (!(error instanceof CaptureFailure)) throw error;
      comparisons.push({
        a: primary.name,
        b: other.name,
        verdict: `${primary.name} and ${other.name} could not be compared`,
        details: [],
        directions: [],
        error: error.failure.message,
      });
    }
  }
  return comparisons;
}

/** Every channel, one activity call each, as for a single capture. */
function* notifyGroup(context: OrchestrationContext, report: GroupReport): Flow<void> {
  const errors: string[] = [];
  for (const channel of NotifyChannels) {
    try {
      yield* run(context, GroupActivities.notifyGroup, { report, channel });
    } catch (error) {
      errors.push(`${channel}: ${firstLine(error)}`);
    }
  }
  if (errors.length) report.notifyError = errors.join("; ");
}

function memberResult(member: GroupMember, role: MemberResult["role"]): MemberResult {
  return {
    instanceId: member.instanceId,
    name: member.request.target.name,
    resourceId: member.request.target.resourceId,
    role,
  };
}

/** How many members' captures landed, out of how many. */
function outcomeOf(good: number, total: number): GroupOutcome {
  if (good === total) return "succeeded";
  return good === 0 ? "failed" : "partial";
}

df.app.orchestration(GroupOrchestratorName, captureGroupOrchestrator);

export default captureGroupOrchestrator;
