// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Decides what an orchestrator episode asked for, the way the Durable extension does for
 * out-of-process languages (OutOfProcOrchestrationShim, replay schema V2/V3): the worker returns
 * the execution's whole action list; the extension replays it against the history in order —
 * each top-level action is invoked, then awaited before the next — while DurableTask.Core feeds
 * history events one by one. Every scheduling action takes the next sequence number (the
 * `EventId` of its TaskScheduled/TimerCreated); scheduling actions not yet in history are the
 * episode's new work. Retries follow DurableTask.Core's RetryInterceptor: a failed attempt is
 * followed by a retry timer, then the next attempt, each with its own sequence number.
 *
 * Pure and synchronous: tasks complete through callbacks while the history is walked.
 */
import { EventType, type HistoryEvent, toJsonText } from "./historyEvents";
import { type Action, ActionType, type OrchestratorOutcome } from "./orchestratorResult";
import { nextRetryDelayMs } from "./retryDelay";

export type ScheduledWork =
  | { kind: "activity"; id: number; name: string; input: string }
  | { kind: "timer"; id: number; fireAt: string }
  | {
      kind: "subOrchestration";
      id: number;
      name: string;
      instanceId: string;
      input: string;
      /** The version the parent named ("" when none: the child gets defaultVersion). */
      version: string;
    };

export type EpisodeOutcome =
  | { kind: "running" }
  | { kind: "completed"; output: string }
  | { kind: "failed"; output: string }
  | { kind: "continuedAsNew"; input: string };

export interface EpisodeDecision {
  /** Scheduling actions of this execution that history does not hold yet, in sequence order. */
  newWork: ScheduledWork[];
  /** Timers the orchestrator cancelled (Task.any losers it called cancel() on): no need to fire them. */
  cancelledTimerIds: number[];
  outcome: EpisodeOutcome;
  /** JSON text, or null when the orchestrator set none. */
  customStatus: string | null;
}

class SimTask {
  done = false;
  failed = false;
  private listeners: Array<() => void> = [];

  settle(failed: boolean): void {
    if (this.done) return;
    this.done = true;
    this.failed = failed;
    for (const listener of this.listeners.splice(0)) listener();
  }

  onDone(listener: () => void): void {
    if (this.done) listener();
    else this.listeners.push(listener);
  }
}

class ShimReplay {
  private nextId = 0;
  private nowMs = 0;
  private cursor = 0;
  private finished = false;
  private continueAsNewInput: string | undefined;
  private problem: string | undefined;
  private executionId = "";
  private instanceId = "";
  private readonly unmatched = new Map<number, ScheduledWork>();
  private readonly open = new Map<number, SimTask>();
  private readonly eventWaiters = new Map<string, SimTask[]>();
  private readonly bufferedEvents = new Map<string, number>();
  readonly cancelledTimerIds: number[] = [];

  constructor(private readonly actions: Action[]) {}

  feed(event: HistoryEvent): void {
    switch (event.EventType) {
      case EventType.OrchestratorStarted:
        this.nowMs = Date.parse(event.Timestamp);
        break;
      case EventType.ExecutionStarted:
        this.executionId = event.OrchestrationInstance?.ExecutionId ?? "";
        this.instanceId = event.OrchestrationInstance?.InstanceId ?? "";
        this.advance();
        break;
      case EventType.TaskScheduled:
      case EventType.TimerCreated:
      case EventType.SubOrchestrationInstanceCreated:
        this.matchScheduled(event);
        break;
      case EventType.TaskCompleted:
      case EventType.SubOrchestrationInstanceCompleted:
        this.settleOpen(event.TaskScheduledId, false);
        break;
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceFailed:
        this.settleOpen(event.TaskScheduledId, true);
        break;
      case EventType.TimerFired:
        this.settleOpen(event.TimerId, false);
        break;
      case EventType.EventRaised:
        this.deliverEvent(event.Name ?? "");
        break;
      default:
        break;
    }
  }

  decision(outcome: OrchestratorOutcome, orchestratorName: string): EpisodeDecision {
    const newWork = [...this.unmatched.values()].sort((a, b) => a.id - b.id);
    const customStatus =
      outcome.state.customStatus === undefined ? null : toJsonText(outcome.state.customStatus);
    const decide = (result: EpisodeOutcome): EpisodeDecision => ({
      newWork,
      cancelledTimerIds: this.cancelledTimerIds,
      outcome: result,
      customStatus,
    });
    if (this.problem !== undefined) return decide({ kind: "failed", output: this.problem });
    // Like the extension, an outcome only counts once every returned action has been replayed to completion.
    if (!this.finished) return decide({ kind: "running" });
    // The extension reads the error from the returned state; durable-functions' thrown message is not the user's.
    const error = outcome.state.error ?? outcome.failureMessage;
    if (error !== undefined)
      return decide({
        kind: "failed",
        output: `Orchestrator function '${orchestratorName}' failed: ${error}`,
      });
    if (!outcome.state.isDone) return decide({ kind: "running" });
    if (this.continueAsNewInput !== undefined)
      return decide({ kind: "continuedAsNew", input: this.continueAsNewInput });
    return decide({ kind: "completed", output: toJsonText(outcome.state.output) });
  }

  private advance(): void {
    while (this.cursor < this.actions.length && this.problem === undefined) {
      const action = this.actions[this.cursor++] as Action;
      const task = this.invoke(action);
      if (!task.done) {
        task.onDone(() => this.advance());
        return;
      }
    }
    if (this.problem === undefined) this.finished = true;
  }

  private invoke(action: Action): SimTask {
    switch (action.actionType) {
      case ActionType.CallActivity:
        return this.scheduleActivity(action);
      case ActionType.CallActivityWithRetry:
        return this.withRetry(action, () => this.scheduleActivity(action));
      case ActionType.CallSubOrchestrator:
        return this.scheduleSubOrchestration(action);
      case ActionType.CallSubOrchestratorWithRetry:
        return this.withRetry(action, () => this.scheduleSubOrchestration(action));
      case ActionType.CreateTimer:
        return this.createTimer(
          action.fireAt ?? new Date(this.nowMs).toISOString(),
          action.isCanceled === true,
        );
      case ActionType.WaitForExternalEvent:
        return this.waitForEvent(action.externalEventName ?? "");
      case ActionType.ContinueAsNew: {
        this.continueAsNewInput = toJsonText(action.input);
        return settled(false);
      }
      case ActionType.WhenAll:
        return whenAll((action.compoundActions ?? []).map((child) => this.invoke(child)));
      case ActionType.WhenAny:
        return whenAny((action.compoundActions ?? []).map((child) => this.invoke(child)));
      default:
        this.problem = `The local durable engine does not support ${ActionType[action.actionType] ?? `action type ${action.actionType}`} (entities and durable HTTP are not emulated).`;
        return new SimTask();
    }
  }

  private scheduleActivity(action: Action): SimTask {
    const id = this.nextId++;
    this.unmatched.set(id, {
      kind: "activity",
      id,
      name: action.functionName ?? "",
      input: toJsonText(action.input),
    });
    return this.track(id);
  }

  private scheduleSubOrchestration(action: Action): SimTask {
    const id = this.nextId++;
    const instanceId = action.instanceId || `${this.executionId}:${id}`;
    // The extension's CallDurableTaskFunctionAsync throws these ArgumentExceptions, failing the orchestrator.
    if (instanceId.toLowerCase() === this.instanceId.toLowerCase())
      this.problem ??=
        "The instance ID of a sub-orchestration must be different than the instance ID of a parent orchestration.";
    else if (instanceId.startsWith("@"))
      this.problem ??= "Orchestration instance ids must not start with @";
    this.unmatched.set(id, {
      kind: "subOrchestration",
      id,
      name: action.functionName ?? "",
      instanceId,
      input: toJsonText(action.input),
      version: action.version ?? "",
    });
    return this.track(id);
  }

  /** DurableTask.Core's RetryInterceptor around one kind of attempt. */
  private withRetry(action: Action, attemptOnce: () => SimTask): SimTask {
    const options = action.retryOptions ?? {
      firstRetryIntervalInMilliseconds: 1000,
      maxNumberOfAttempts: 1,
    };
    const outer = new SimTask();
    const firstAttemptMs = this.nowMs;
    let attempt = 0;
    const tryOnce = (): void => {
      const task = attemptOnce();
      task.onDone(() => {
        if (!task.failed) return outer.settle(false);
        const delay = nextRetryDelayMs(options, attempt, firstAttemptMs, this.nowMs);
        if (delay <= 0) return outer.settle(true);
        const timer = this.createTimer(new Date(this.nowMs + delay).toISOString(), false);
        timer.onDone(() => {
          attempt++;
          if (attempt >= options.maxNumberOfAttempts) outer.settle(true);
          else tryOnce();
        });
      });
    };
    tryOnce();
    return outer;
  }

  private createTimer(fireAt: string, cancelled: boolean): SimTask {
    const id = this.nextId++;
    this.unmatched.set(id, { kind: "timer", id, fireAt: new Date(fireAt).toISOString() });
    const task = this.track(id);
    if (cancelled) {
      this.cancelledTimerIds.push(id);
      task.settle(true);
    }
    return task;
  }

  private waitForEvent(name: string): SimTask {
    const key = name.toLowerCase();
    const buffered = this.bufferedEvents.get(key) ?? 0;
    if (buffered > 0) {
      this.bufferedEvents.set(key, buffered - 1);
      return settled(false);
    }
    const task = new SimTask();
    this.eventWaiters.set(key, [...(this.eventWaiters.get(key) ?? []), task]);
    return task;
  }

  private deliverEvent(name: string): void {
    const key = name.toLowerCase();
    const waiter = this.eventWaiters.get(key)?.shift();
    if (waiter) waiter.settle(false);
    else this.bufferedEvents.set(key, (this.bufferedEvents.get(key) ?? 0) + 1);
  }

  private track(id: number): SimTask {
    const task = new SimTask();
    this.open.set(id, task);
    return task;
  }

  private matchScheduled(event: HistoryEvent): void {
    const expected = this.unmatched.get(event.EventId);
    const matches = expected !== undefined && scheduledMatches(expected, event);
    if (!matches) {
      this.problem ??= `Non-Deterministic workflow detected: ${EventType[event.EventType]} ${event.EventId} ${event.Name ?? ""} was not scheduled by this replay.`;
      return;
    }
    this.unmatched.delete(event.EventId);
  }

  private settleOpen(id: number | undefined, failed: boolean): void {
    if (id === undefined) return;
    const task = this.open.get(id);
    this.open.delete(id);
    task?.settle(failed);
  }
}

function scheduledMatches(expected: ScheduledWork, event: HistoryEvent): boolean {
  switch (event.EventType) {
    case EventType.TimerCreated:
      return expected.kind === "timer";
    case EventType.SubOrchestrationInstanceCreated:
      return expected.kind === "subOrchestration" && expected.name === event.Name;
    default:
      return expected.kind === "activity" && expected.name === event.Name;
  }
}

function settled(failed: boolean): SimTask {
  const task = new SimTask();
  task.settle(failed);
  return task;
}

function whenAll(children: SimTask[]): SimTask {
  const outer = new SimTask();
  const check = (): void => {
    if (children.every((c) => c.done)) outer.settle(children.some((c) => c.failed));
  };
  for (const child of children) child.onDone(check);
  if (children.length === 0) outer.settle(false);
  return outer;
}

function whenAny(children: SimTask[]): SimTask {
  const outer = new SimTask();
  for (const child of children) child.onDone(() => outer.settle(false));
  return outer;
}

/**
 * Replays `outcome.state.actions` (schema V2+: one flat list) against `history` — past events and
 * this episode's new ones, in order — and returns the new work and how the execution stands.
 */
export function decideEpisode(
  history: readonly HistoryEvent[],
  outcome: OrchestratorOutcome,
  orchestratorName: string,
): EpisodeDecision {
  const replay = new ShimReplay(outcome.state.actions.flat());
  for (const event of history) replay.feed(event);
  return replay.decision(outcome, orchestratorName);
}
