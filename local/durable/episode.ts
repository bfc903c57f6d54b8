// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * One orchestration episode, as the Durable Task dispatcher runs it: take the instance's pending
 * messages, append them to history after an OrchestratorStarted, run the orchestrator through
 * durable-functions' own replay, turn its actions into TaskScheduled/TimerCreated events and,
 * when it is done, an ExecutionCompleted — then commit (see taskHubStore for the commit point).
 */
import type { DurableFunctionInvoker } from "../runtimeContracts";
import type { DurableClock } from "./durableClock";
import {
  EventType,
  events,
  type HistoryEvent,
  OrchestrationStatus,
  parseJsonText,
  terminalStatuses,
} from "./historyEvents";
import {
  type OrchestratorOutcome,
  outcomeFromError,
  outcomeFromReturn,
} from "./orchestratorResult";
import { decideEpisode, type EpisodeDecision, type ScheduledWork } from "./replay";
import type { InboxMessage, InstanceRecord, TaskHubStore } from "./taskHubStore";
import { newExecutionId } from "./ids";
import { type VersioningSettings, versionMismatch } from "./versioning";

export interface EpisodeDeps {
  store: TaskHubStore;
  invoker: DurableFunctionInvoker;
  clock: DurableClock;
  versioning: VersioningSettings;
}

export interface EpisodeReport {
  /** The record as committed (undefined when nothing was committed). */
  record?: InstanceRecord;
  /** Work for the execution in `record`, to dispatch after the commit. */
  newWork: ScheduledWork[];
  cancelledTimerIds: number[];
  /** More messages are waiting (or a new execution was queued): run another episode. */
  again: boolean;
  /** `record` is a new execution that continued this one: the old one's history can go. */
  continuedAsNew?: boolean;
  /** Set when versionFailureStrategy Reject left the messages for a worker that accepts the instance's version. */
  rejected?: string;
}

/** Leaves room in the commit transaction (≤ 100 operations) for the sentinel and a continue-as-new message. */
const maxMessagesPerEpisode = 98;

/** Settings the Durable extension sends with every orchestrationTrigger (Azure Storage provider values). */
const triggerSettings = {
  upperSchemaVersion: 1,
  upperSchemaVersionNew: 2,
  longRunningTimerIntervalDuration: "3.00:00:00",
  maximumShortTimerDuration: "6.00:00:00",
  defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
};

export async function runEpisode(deps: EpisodeDeps, instanceId: string): Promise<EpisodeReport> {
  const idle: EpisodeReport = { newWork: [], cancelledTimerIds: [], again: false };
  const loaded = await deps.store.loadInstance(instanceId);
  if (!loaded || loaded.inbox.length === 0) return idle;
  const { record, etag, history, inbox } = loaded;
  const batch = inbox.slice(0, maxMessagesPerEpisode);
  const consumed = batch.map((m) => m.rowKey);
  const accepted = terminalStatuses.has(record.runtimeStatus)
    ? []
    : acceptMessages(history, batch, record.executionId);
  if (accepted.length === 0) {
    // Late results for a finished or replaced execution, duplicates of re-run activities: drop them.
    await deps.store.deleteRows(instanceId, consumed);
    return { ...idle, again: inbox.length > batch.length };
  }

  const now = deps.clock.nowIso();
  const incoming = [events.orchestratorStarted(now), ...accepted];
  const terminated = accepted.find((e) => e.EventType === EventType.ExecutionTerminated);
  const mismatch = terminated ? undefined : versionMismatch(record.version, deps.versioning);
  if (mismatch && deps.versioning.failureStrategy === "Reject")
    return { ...idle, rejected: mismatch };
  const step = terminated
    ? terminate(record, now, terminated.Input ?? null)
    : mismatch
      ? failVersion(now, mismatch)
      : await orchestrate(deps, record, history, incoming, now);

  const appended = [...incoming, ...step.events, events.orchestratorCompleted(now)];
  const next: InstanceRecord = step.nextExecution ?? {
    ...record,
    ...step.changes,
    historyCount: history.length + appended.length,
    lastUpdatedTime: now,
  };
  await deps.store.commit(
    next,
    etag,
    consumed,
    step.nextExecution ? [startMessage(next, now)] : [],
    { executionId: record.executionId, fromSeq: history.length, events: appended },
  );
  return {
    record: next,
    newWork:
      next.executionId === record.executionId && next.runtimeStatus === "Running"
        ? (step.decision?.newWork ?? [])
        : [],
    cancelledTimerIds: step.decision?.cancelledTimerIds ?? [],
    again: inbox.length > batch.length || step.nextExecution !== undefined,
    ...(step.nextExecution && { continuedAsNew: true }),
  };
}

interface EpisodeStep {
  events: HistoryEvent[];
  changes: Partial<InstanceRecord>;
  decision?: EpisodeDecision;
  /** Set on continue-as-new: the record of the execution that replaces this one. */
  nextExecution?: InstanceRecord;
}

function terminate(record: InstanceRecord, now: string, reason: string | null): EpisodeStep {
  return {
    events: [events.executionCompleted(now, OrchestrationStatus.Terminated, reason)],
    changes: { runtimeStatus: "Terminated", output: reason },
  };
}

/** versionFailureStrategy Fail: the instance fails without running, with the reason. */
function failVersion(now: string, reason: string): EpisodeStep {
  const output = JSON.stringify(reason);
  return {
    events: [events.executionCompleted(now, OrchestrationStatus.Failed, output)],
    changes: { runtimeStatus: "Failed", output },
  };
}

async function orchestrate(
  deps: EpisodeDeps,
  record: InstanceRecord,
  history: HistoryEvent[],
  incoming: HistoryEvent[],
  now: string,
): Promise<EpisodeStep> {
  const past = history.map((e) => ({ ...e, IsPlayed: true }));
  const episodeHistory = [...past, ...incoming];
  const outcome = await invokeOrchestrator(deps.invoker, record, episodeHistory, past.length > 0);
  const decision = decideEpisode(episodeHistory, outcome, record.name);
  const scheduling = decision.newWork.map((work): HistoryEvent => {
    switch (work.kind) {
      case "activity":
        return events.taskScheduled(now, work.id, work.name, work.input);
      case "timer":
        return events.timerCreated(now, work.id, work.fireAt);
      case "subOrchestration":
        return events.subOrchestrationCreated(
          now,
          work.id,
          work.name,
          work.instanceId,
          work.input,
          work.version,
        );
    }
  });
  const customStatus = decision.customStatus ?? record.customStatus;
  switch (decision.outcome.kind) {
    case "running":
      return { events: scheduling, changes: { runtimeStatus: "Running", customStatus }, decision };
    case "completed":
      return {
        events: [
          ...scheduling,
          events.executionCompleted(now, OrchestrationStatus.Completed, decision.outcome.output),
        ],
        changes: { runtimeStatus: "Completed", output: decision.outcome.output, customStatus },
        decision,
      };
    case "failed":
      return {
        events: [
          ...scheduling,
          events.executionCompleted(now, OrchestrationStatus.Failed, decision.outcome.output),
        ],
        changes: { runtimeStatus: "Failed", output: decision.outcome.output, customStatus },
        decision,
      };
    case "continuedAsNew": {
      // The whole batch is consumed with the old history: an event it received but no waiter took
      // is dropped, as the extension drops it for out-of-proc workers — its shim calls
      // ContinueAsNew(input) without preserveUnprocessedEvents (azure-functions-durable-extension,
      // Listener/OutOfProcOrchestrationShim.cs:171; default false, IDurableOrchestrationContext.cs:98).
      // Messages left in the inbox, and events raised later, go to the new execution.
      const input = decision.outcome.input;
      return {
        events: [...scheduling, events.continueAsNew(now, input)],
        changes: {},
        decision,
        nextExecution: {
          ...record,
          executionId: newExecutionId(),
          historyCount: 0,
          runtimeStatus: "Running",
          input,
          output: null,
          customStatus,
          lastUpdatedTime: now,
        },
      };
    }
  }
}

async function invokeOrchestrator(
  invoker: DurableFunctionInvoker,
  record: InstanceRecord,
  history: HistoryEvent[],
  isReplaying: boolean,
): Promise<OrchestratorOutcome> {
  if (!invoker.orchestrationNames().includes(record.name)) {
    const message = `The function '${record.name}' doesn't exist, is disabled, or is not an orchestrator function.`;
    return { state: { isDone: false, actions: [[]], error: message }, failureMessage: message };
  }
  const started = history.find((e) => e.EventType === EventType.ExecutionStarted);
  const bindingInfo = {
    history,
    input: parseJsonText(started?.Input),
    instanceId: record.instanceId,
    isReplaying,
    parentInstanceId: record.parent?.OrchestrationInstance.InstanceId ?? null,
    ...triggerSettings,
  };
  try {
    return outcomeFromReturn(await invoker.invokeOrchestrator(record.name, bindingInfo));
  } catch (error) {
    return outcomeFromError(error);
  }
}

/** The message that starts an execution; consumed by its first episode. */
export function startMessage(record: InstanceRecord, now: string): Omit<InboxMessage, "rowKey"> {
  return {
    executionId: record.executionId,
    event: events.executionStarted(
      now,
      record.name,
      record.input,
      record.instanceId,
      record.executionId,
      record.version,
      record.parent,
    ),
  };
}

/**
 * Messages this execution can use, in arrival order. Results for tasks it never scheduled or
 * already holds (an activity re-run after a crash, a re-armed timer) and messages for another
 * execution are dropped, so each result enters history once.
 */
function acceptMessages(
  history: readonly HistoryEvent[],
  messages: readonly InboxMessage[],
  executionId: string,
): HistoryEvent[] {
  const scheduledTasks = new Set<number>();
  const createdTimers = new Set<number>();
  const settled = new Set<number>();
  let started = false;
  for (const e of history) {
    if (isScheduling(e)) scheduledTasks.add(e.EventId);
    else if (e.EventType === EventType.TimerCreated) createdTimers.add(e.EventId);
    else if (isTaskResult(e)) settled.add(e.TaskScheduledId ?? -1);
    else if (e.EventType === EventType.TimerFired) settled.add(e.TimerId ?? -1);
    else if (e.EventType === EventType.ExecutionStarted) started = true;
  }
  const accepted: HistoryEvent[] = [];
  for (const { event, executionId: target } of messages) {
    const forThisExecution = target === executionId;
    switch (event.EventType) {
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed:
      case EventType.TimerFired: {
        const id = event.EventType === EventType.TimerFired ? event.TimerId : event.TaskScheduledId;
        const open = event.EventType === EventType.TimerFired ? createdTimers : scheduledTasks;
        if (forThisExecution && id !== undefined && open.has(id) && !settled.has(id)) {
          settled.add(id);
          accepted.push(event);
        }
        break;
      }
      case EventType.ExecutionStarted:
        if (forThisExecution && !started) {
          started = true;
          accepted.push(event);
        }
        break;
      case EventType.EventRaised:
      case EventType.ExecutionTerminated:
        accepted.push(event);
        break;
      default:
        break;
    }
  }
  return accepted;
}

/** TaskScheduled or SubOrchestrationInstanceCreated: a task whose result arrives by TaskScheduledId. */
export function isScheduling(event: HistoryEvent): boolean {
  return (
    event.EventType === EventType.TaskScheduled ||
    event.EventType === EventType.SubOrchestrationInstanceCreated
  );
}

/** A result settling the task with `event.TaskScheduledId`. */
export function isTaskResult(event: HistoryEvent): boolean {
  return (
    event.EventType === EventType.TaskCompleted ||
    event.EventType === EventType.TaskFailed ||
    event.EventType === EventType.SubOrchestrationInstanceCompleted ||
    event.EventType === EventType.SubOrchestrationInstanceFailed
  );
}
