/**
 * Drives an orchestrator the way the Durable extension does, through durable-functions' own
 * replay: each episode sends the whole history (PascalCase wire events) to the library's
 * Orchestrator, reads back the actions, and appends what the extension would record —
 * TaskScheduled/Completed/Failed, retry timers, TimerCreated/Fired, EventRaised — on a
 * virtual clock. Activities are scripted by the test. continueAsNew starts a new execution with
 * the new input and an empty history, as the extension does for an out-of-process worker: an
 * event the old execution had received but not taken is dropped with its history (the shim calls
 * ContinueAsNew without preserveUnprocessedEvents; see orchestrators/recorderOrchestrator.ts).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { InvocationContext } from "@azure/functions";
import type { OrchestrationHandler } from "durable-functions";

type Listener = (trigger: unknown, context: InvocationContext) => Promise<OrchestratorState>;

const REGISTERED_NAME = "replayedOrchestrator";
/** Registration promises, so replays running at once (racing instances) register a handler once. */
const listeners = new WeakMap<OrchestrationHandler, Promise<Listener>>();

/**
 * The orchestrator exactly as the Functions worker receives it, through public doors only:
 * durable-functions' `app.orchestration` registers it with @azure/functions, which hands the
 * wrapped handler to the worker's `@azure/functions-core` `registerFunction` — the contract the
 * local host implements too. Here a stand-in core module keeps that callback. It is loaded in an
 * isolated module registry because @azure/functions decides once, at first use, whether a worker
 * is present (in jest it is not, and it then skips registrations).
 */
function registered(handler: OrchestrationHandler): Promise<Listener> {
  let known = listeners.get(handler);
  if (!known) {
    known = register(handler);
    listeners.set(handler, known);
  }
  return known;
}

async function register(handler: OrchestrationHandler): Promise<Listener> {
  let listener: Listener | undefined;
  const workerCore = {
    registerFunction: (_metadata: unknown, callback: Listener) => {
      listener = callback;
      return { dispose: () => undefined };
    },
    setProgrammingModel: () => undefined,
    registerHook: () => ({ dispose: () => undefined }),
    log: () => undefined,
  };
  await jest.isolateModulesAsync(async () => {
    jest.doMock("@azure/functions-core", () => workerCore, { virtual: true });
    const df = await import("durable-functions");
    df.app.orchestration(REGISTERED_NAME, handler);
  });
  jest.dontMock("@azure/functions-core");
  if (!listener) throw new Error("replay harness: the orchestrator was not registered");
  return listener;
}

const SCHEMA_V3 = 2;
const EventType = {
  ExecutionStarted: 0,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventRaised: 15,
} as const;
const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  WhenAny: 11,
  WhenAll: 12,
} as const;

interface Action {
  actionType: number;
  functionName?: string;
  instanceId?: string;
  /** CallSubOrchestrator: the version the parent names for the child. */
  version?: string;
  input?: unknown;
  fireAt?: string | Date;
  isCanceled?: boolean;
  retryOptions?: {
    firstRetryIntervalInMilliseconds: number;
    maxNumberOfAttempts: number;
    backoffCoefficient?: number;
    maxRetryIntervalInMilliseconds?: number;
  };
  compoundActions?: Action[];
}
interface OrchestratorState {
  isDone: boolean;
  actions: Action[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
}
export type WireEvent = Record<string, unknown> & {
  EventType: number;
  EventId: number;
  Timestamp: string;
  IsPlayed: boolean;
};

/** A scripted activity: return (or resolve to) its result, or throw (reject) to simulate a transient failure. */
export type ScriptedActivity = (input: unknown, call: { attempt: number; at: Date }) => unknown;

export interface ReplayRun {
  output: unknown;
  error?: string;
  customStatus: unknown;
  history: WireEvent[];
  calls: Array<{ name: string; input: unknown; at: Date; attempt: number }>;
  statuses: unknown[];
  episodes: number;
  finishedAt: Date;
  /** One entry per execution (continueAsNew starts another): its episodes and history events. */
  executions: Array<{ episodes: number; events: number }>;
  /** The inputs each continueAsNew started the next execution with. */
  continuedWith: unknown[];
}

/** A scripted sub-orchestration: finishes `seconds` after it was started with this result (or throws: the child failed). */
export interface ScriptedChild {
  seconds: number;
  run: (input: unknown, instanceId: string) => unknown;
}

export interface ReplayOptions {
  /** The orchestration's input (with `history`: taken from its ExecutionStarted instead). */
  input?: unknown;
  /** The instance's version; by default host.json's defaultVersion, as the extension stamps new instances. */
  version?: string;
  /**
   * Resume an instance from a history recorded earlier (e.g. by an older build of the app), ended
   * at an episode boundary with only timers pending — as a deploy meets an in-flight instance.
   */
  history?: WireEvent[];
  activities: Record<string, ScriptedActivity>;
  /** Sub-orchestrations by instance ID (the extension's SubOrchestrationInstance* events). */
  children?: Record<string, ScriptedChild>;
  /**
   * External events, raised at a virtual time offset (seconds from start). `withTimer`: delivered
   * in the same batch as the next timer that fires at or after that time, right after it (a
   * message that reached the queue just behind the timer's).
   */
  events?: Array<{ name: string; atSecond: number; input?: unknown; withTimer?: boolean }>;
  start?: Date;
  instanceId?: string;
  maxEpisodes?: number;
}

interface PendingActivity {
  id: number;
  name: string;
  input: unknown;
  retry?: Action["retryOptions"];
  attempt: number;
  dueAt: number;
}
interface PendingTimer {
  id: number;
  fireAt: number;
  actionIndex: number;
  retryOf?: PendingActivity;
  /** A sub-orchestration finishing at fireAt. */
  child?: { instanceId: string; input: unknown };
}

/** A failed orchestration comes back, as to the extension, as an error carrying the state after `$OutOfProcData$:`. */
async function runEpisode(run: Listener, trigger: unknown): Promise<OrchestratorState> {
  try {
    return await run(
      trigger,
      new InvocationContext({ functionName: REGISTERED_NAME, logHandler: () => undefined }),
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const marker = message.indexOf("$OutOfProcData$:");
    if (marker < 0) throw error;
    return JSON.parse(message.slice(marker + "$OutOfProcData$:".length)) as OrchestratorState;
  }
}

function flatten(actions: Action[]): Action[] {
  return actions.flatMap((a) => (a.compoundActions ? flatten(a.compoundActions) : [a]));
}

function describe(action: Action): string {
  if (action.actionType === ActionType.CreateTimer) return "a timer";
  if (action.actionType === ActionType.CallSubOrchestrator)
    return `sub-orchestration ${action.functionName}`;
  return `activity ${action.functionName}`;
}

/** host.json's extensions.durableTask.defaultVersion: what the extension stamps on a new instance. */
function hostDefaultVersion(): string {
  const hostJson = JSON.parse(
    readFileSync(path.join(__dirname, "..", "..", "host.json"), "utf8"),
  ) as {
    extensions?: { durableTask?: { defaultVersion?: string } };
  };
  return hostJson.extensions?.durableTask?.defaultVersion ?? "";
}

/** Loads a recorded history: its scheduling events become handled actions, unfired timers pending ones. */
function resume(
  recorded: WireEvent[],
  history: WireEvent[],
  timers: PendingTimer[],
  scheduled: string[],
): void {
  const answered = new Set(recorded.map((e) => e.TaskScheduledId).filter((id) => id !== undefined));
  const fired = new Set(recorded.map((e) => e.TimerId).filter((id) => id !== undefined));
  for (const event of recorded) {
    history.push({ ...event, IsPlayed: true });
    if (event.EventType === EventType.TaskScheduled) {
      if (!answered.has(event.EventId))
        throw new Error("replay harness: resume only where no activity is pending");
      scheduled.push(`activity ${String(event.Name)}`);
    } else if (event.EventType === EventType.TimerCreated) {
      if (!fired.has(event.EventId))
        timers.push({
          id: event.EventId,
          fireAt: Date.parse(event.FireAt as string),
          actionIndex: scheduled.length,
        });
      scheduled.push("a timer");
    }
  }
}

export async function replay(
  orchestrator: OrchestrationHandler,
  options: ReplayOptions,
): Promise<ReplayRun> {
  const run = await registered(orchestrator);
  const history: WireEvent[] = [];
  const calls: ReplayRun["calls"] = [];
  const statuses: unknown[] = [];
  const activities: PendingActivity[] = [];
  const timers: PendingTimer[] = [];
  /** What each handled action scheduled, in order: a replay must ask for the same again. */
  const scheduled: string[] = [];
  let incoming: Array<
    Omit<WireEvent, "EventId" | "IsPlayed" | "Timestamp"> & Record<string, unknown>
  > = [];
  const recorded = options.history;
  const started = recorded?.find((e) => e.EventType === EventType.ExecutionStarted);
  if (recorded && !started) throw new Error("replay harness: the history has no ExecutionStarted");
  const start = started
    ? new Date(started.Timestamp)
    : (options.start ?? new Date("2026-01-01T02:00:00Z"));
  let input: unknown = started ? JSON.parse(started.Input as string) : options.input;
  const executions: ReplayRun["executions"] = [];
  const continuedWith: unknown[] = [];
  let executionStartEpisode = 1;
  let now = recorded ? Date.parse(recorded[recorded.length - 1]!.Timestamp) : start.getTime();
  const events = [...(options.events ?? [])].sort((a, b) => a.atSecond - b.atSecond);
  const push = (event: Omit<WireEvent, "IsPlayed" | "Timestamp">) =>
    history.push({
      ...event,
      Timestamp: new Date(now).toISOString(),
      IsPlayed: false,
    } as WireEvent);

  if (recorded) resume(recorded, history, timers, scheduled);
  const version = started ? started.Version : (options.version ?? hostDefaultVersion());
  const startExecution = () =>
    push({
      EventType: EventType.ExecutionStarted,
      EventId: -1,
      Name: "orchestrator",
      Version: version,
      Input: JSON.stringify(input),
    });
  if (!recorded) startExecution();
  let nextId = Math.max(-1, ...history.map((e) => e.EventId)) + 1;
  let handledActions = scheduled.length;
  const maxEpisodes = options.maxEpisodes ?? 500;
  for (let episode = 1; episode <= maxEpisodes; episode++) {
    // Resuming: the recorded history ends with an episode; what comes next is a timer firing.
    if (!(recorded && episode === 1)) {
      for (const event of history) event.IsPlayed = true;
      push({ EventType: EventType.OrchestratorStarted, EventId: -1 });
      for (const event of incoming) push({ EventId: -1, ...event });
      incoming = [];

      // The orchestrationTrigger binding data as the Durable extension sends it to the worker.
      const trigger = {
        history,
        input,
        instanceId: options.instanceId ?? "replay-instance",
        isReplaying: episode > 1,
        parentInstanceId: null,
        upperSchemaVersion: 1,
        upperSchemaVersionNew: SCHEMA_V3,
        longRunningTimerIntervalDuration: "3.00:00:00",
        maximumShortTimerDuration: "6.00:00:00",
        defaultHttpAsyncRequestSleepTimeMillseconds: 30000,
      };
      const state = await runEpisode(run, trigger);
      statuses.push(state.customStatus);
      const all = flatten(state.actions.flat());
      const flat = all.filter(
        (a) =>
          a.actionType !== ActionType.WaitForExternalEvent &&
          a.actionType !== ActionType.ContinueAsNew,
      );
      flat.slice(0, handledActions).forEach((action, i) => {
        if (describe(action) !== scheduled[i])
          throw new Error(
            `replay harness: non-deterministic replay: action ${i} is ${describe(action)}, the history has ${scheduled[i]}`,
          );
      });
      for (const timer of timers) {
        if (flat[timer.actionIndex]?.isCanceled) timer.fireAt = Number.POSITIVE_INFINITY;
      }
      for (const action of flat.slice(handledActions)) {
        const id = nextId++;
        if (action.actionType === ActionType.CreateTimer) {
          const fireAt = new Date(action.fireAt as string).getTime();
          push({
            EventType: EventType.TimerCreated,
            EventId: id,
            FireAt: new Date(fireAt).toISOString(),
          });
          timers.push({ id, fireAt, actionIndex: handledActions });
        } else if (
          action.actionType === ActionType.CallActivity ||
          action.actionType === ActionType.CallActivityWithRetry
        ) {
          push({
            EventType: EventType.TaskScheduled,
            EventId: id,
            Name: action.functionName,
            Input: JSON.stringify(action.input),
          });
          activities.push({
            id,
            name: action.functionName!,
            input: action.input,
            retry: action.retryOptions,
            attempt: 1,
            dueAt: now,
          });
        } else if (action.actionType === ActionType.CallSubOrchestrator) {
          const instanceId = action.instanceId ?? `replay-execution:${id}`;
          push({
            EventType: EventType.SubOrchestrationInstanceCreated,
            EventId: id,
            Name: action.functionName,
            Version: action.version ?? "",
            InstanceId: instanceId,
            Input: JSON.stringify(action.input),
          });
          const script = options.children?.[instanceId];
          if (!script) throw new Error(`replay harness: no script for child ${instanceId}`);
          calls.push({
            name: `child:${instanceId}`,
            input: action.input,
            at: new Date(now),
            attempt: 1,
          });
          timers.push({
            id,
            fireAt: now + script.seconds * 1000,
            actionIndex: -1,
            child: { instanceId, input: action.input },
          });
        } else {
          throw new Error(`replay harness: unsupported action type ${action.actionType}`);
        }
        scheduled.push(describe(action));
        handledActions++;
      }
      push({ EventType: EventType.OrchestratorCompleted, EventId: -1 });
      const continued = all.find((a) => a.actionType === ActionType.ContinueAsNew);
      if (state.isDone || state.error)
        executions.push({ episodes: episode - executionStartEpisode + 1, events: history.length });
      if (continued && state.isDone) {
        // A new execution: its own history, ids and schedule; what the old one had pending goes with it.
        input = continued.input;
        continuedWith.push(input);
        history.length = 0;
        activities.length = 0;
        timers.length = 0;
        scheduled.length = 0;
        handledActions = 0;
        nextId = 0;
        executionStartEpisode = episode + 1;
        startExecution();
        continue;
      }
      if (state.isDone || state.error) {
        return {
          executions,
          continuedWith,
          output: state.output,
          error: state.error,
          customStatus: state.customStatus,
          history,
          calls,
          statuses,
          episodes: episode,
          finishedAt: new Date(now),
        };
      }
    }

    const activity = activities.shift();
    if (activity) {
      const script = options.activities[activity.name];
      if (!script) throw new Error(`replay harness: no script for activity ${activity.name}`);
      calls.push({
        name: activity.name,
        input: activity.input,
        at: new Date(now),
        attempt: activity.attempt,
      });
      try {
        const result: unknown = await script(JSON.parse(JSON.stringify(activity.input ?? null)), {
          attempt: activity.attempt,
          at: new Date(now),
        });
        incoming.push({
          EventType: EventType.TaskCompleted,
          TaskScheduledId: activity.id,
          Result: JSON.stringify(result ?? null),
        });
      } catch (error) {
        incoming.push({
          EventType: EventType.TaskFailed,
          TaskScheduledId: activity.id,
          Reason: (error as Error).message,
          Details: "scripted failure",
        });
        const retry = activity.retry;
        if (retry) {
          // As the library's RetryableTask expects: a timer after every failure (after the last one it
          // fails the task), then the activity scheduled again under a new ID while attempts remain.
          const delay = Math.min(
            retry.firstRetryIntervalInMilliseconds *
              (retry.backoffCoefficient ?? 1) ** (activity.attempt - 1),
            retry.maxRetryIntervalInMilliseconds ?? Number.MAX_SAFE_INTEGER,
          );
          timers.push({ id: -1, fireAt: now + delay, actionIndex: -1, retryOf: activity });
        }
      }
      continue;
    }

    const due = timers
      .filter((t) => Number.isFinite(t.fireAt))
      .sort((a, b) => a.fireAt - b.fireAt)[0];
    const event = events.find((e) => !e.withTimer);
    if (event && (!due || start.getTime() + event.atSecond * 1000 <= due.fireAt)) {
      events.splice(events.indexOf(event), 1);
      now = Math.max(now, start.getTime() + event.atSecond * 1000);
      incoming.push({
        EventType: EventType.EventRaised,
        Name: event.name,
        Input: JSON.stringify(event.input ?? null),
      });
      continue;
    }
    if (!due)
      throw new Error(
        "replay harness: orchestration is stuck (no activity, timer or event pending)",
      );
    timers.splice(timers.indexOf(due), 1);
    now = Math.max(now, due.fireAt);
    if (due.retryOf) {
      const timerId = nextId++;
      incoming.push({
        EventType: EventType.TimerCreated,
        EventId: timerId,
        FireAt: new Date(due.fireAt).toISOString(),
      });
      incoming.push({
        EventType: EventType.TimerFired,
        TimerId: timerId,
        FireAt: new Date(due.fireAt).toISOString(),
      });
      if (due.retryOf.attempt < (due.retryOf.retry?.maxNumberOfAttempts ?? 1)) {
        const taskId = nextId++;
        incoming.push({
          EventType: EventType.TaskScheduled,
          EventId: taskId,
          Name: due.retryOf.name,
        });
        activities.push({
          ...due.retryOf,
          id: taskId,
          attempt: due.retryOf.attempt + 1,
          dueAt: now,
        });
      }
      continue;
    }
    if (due.child) {
      const { instanceId, input } = due.child;
      try {
        const result = options.children![instanceId]!.run(
          JSON.parse(JSON.stringify(input ?? null)),
          instanceId,
        );
        incoming.push({
          EventType: EventType.SubOrchestrationInstanceCompleted,
          TaskScheduledId: due.id,
          Result: JSON.stringify(result ?? null),
        });
      } catch (error) {
        incoming.push({
          EventType: EventType.SubOrchestrationInstanceFailed,
          TaskScheduledId: due.id,
          Reason: (error as Error).message,
          Details: "scripted child failure",
        });
      }
      continue;
    }
    incoming.push({
      EventType: EventType.TimerFired,
      TimerId: due.id,
      FireAt: new Date(due.fireAt).toISOString(),
    });
    for (const behind of events.filter(
      (e) => e.withTimer && start.getTime() + e.atSecond * 1000 <= due.fireAt,
    )) {
      events.splice(events.indexOf(behind), 1);
      incoming.push({
        EventType: EventType.EventRaised,
        Name: behind.name,
        Input: JSON.stringify(behind.input ?? null),
      });
    }
  }
  throw new Error(`replay harness: not done after ${maxEpisodes} episodes`);
}
