/**
 * A readable account of an orchestration's history: what each activity answered and how long it
 * took, which timers fired, which events arrived, how it ended. Reads the Durable HTTP API's
 * `historyEvents` (EventType as a name, FunctionName/ScheduledTime folded into completions) and
 * the raw task-hub form (EventType as a number), since which one arrives depends on the path
 * the history came by.
 */
import { withoutExtensionPrefix } from "./captureView";
import { clip } from "./timeWindow";

export interface TimelineEntry {
  at: string;
  event: string;
  text: string;
}

export interface ActivityTally {
  name: string;
  completed: number;
  failed: number;
  /** Scheduled → finished, summed over calls (includes queueing, not durable retry back-off). */
  seconds: number;
}

export interface HistorySummary {
  eventCount: number;
  activities: ActivityTally[];
  timersFired: number;
  eventsReceived: string[];
  timeline: TimelineEntry[];
  /** Timeline rows left out of the middle of a long history. */
  omitted?: number;
}

/** The Durable Task Framework's EventType numbering (as durable-functions' HistoryEventType). */
const EVENT_NAMES = [
  "ExecutionStarted",
  "ExecutionCompleted",
  "ExecutionFailed",
  "ExecutionTerminated",
  "TaskScheduled",
  "TaskCompleted",
  "TaskFailed",
  "SubOrchestrationInstanceCreated",
  "SubOrchestrationInstanceCompleted",
  "SubOrchestrationInstanceFailed",
  "TimerCreated",
  "TimerFired",
  "OrchestratorStarted",
  "OrchestratorCompleted",
  "EventSent",
  "EventRaised",
  "ContinueAsNew",
  "GenericEvent",
  "HistoryState",
  "ExecutionSuspended",
  "ExecutionResumed",
];
/** Replay bookkeeping that says nothing to a person. */
const SILENT = new Set([
  "OrchestratorStarted",
  "OrchestratorCompleted",
  "TaskScheduled",
  "TimerCreated",
  "HistoryState",
  "GenericEvent",
]);
/** Keep the start and the end of a long history; the middle is polls. */
const HEAD = 40;
const TAIL = 120;

type Fields = Record<string, unknown>;

function eventName(event: Fields): string {
  const type = event.EventType;
  if (typeof type === "number") return EVENT_NAMES[type] ?? `Event${type}`;
  return typeof type === "string" ? type : "Unknown";
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

function parsed(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** An activity's answer in a few words: our ActivityResult's failure, or the value's scalar fields. */
export function describeResult(value: unknown): string {
  const result = parsed(value);
  if (result === null || result === undefined) return "";
  if (typeof result !== "object") return clip(String(result), 120);
  const record = result as Fields;
  if (record.ok === false && typeof record.failure === "object" && record.failure !== null) {
    const failure = record.failure as Fields;
    return `permanent failure ${String(failure.code)}: ${clip(String(failure.message), 160)}`;
  }
  const shown = record.ok === true ? record.value : record;
  if (shown === undefined || shown === null) return "ok";
  if (typeof shown !== "object") return clip(String(shown), 120);
  const scalars = Object.entries(shown as Fields)
    .filter(([, v]) => ["string", "number", "boolean"].includes(typeof v))
    .slice(0, 4)
    .map(([k, v]) => `${k}=${clip(String(v), 60)}`);
  return scalars.join(" ") || "ok";
}

function seconds(from: unknown, to: unknown): number | undefined {
  const a = Date.parse(String(from));
  const b = Date.parse(String(to));
  return Number.isFinite(a) && Number.isFinite(b) && b >= a ? (b - a) / 1000 : undefined;
}

function tally(tallies: Map<string, ActivityTally>, name: string): ActivityTally {
  let entry = tallies.get(name);
  if (!entry) tallies.set(name, (entry = { name, completed: 0, failed: 0, seconds: 0 }));
  return entry;
}

/** Raw histories name the activity only on TaskScheduled; the HTTP API's view folds it into the completion. */
function activityName(event: Fields, scheduled: Map<number, string>): string {
  return str(event.FunctionName) ?? scheduled.get(Number(event.TaskScheduledId)) ?? "activity";
}

function entryText(
  name: string,
  event: Fields,
  scheduled: Map<number, string>,
  tallies: Map<string, ActivityTally>,
): string | undefined {
  switch (name) {
    case "ExecutionStarted":
      return `started ${str(event.FunctionName) ?? str(event.Name) ?? "orchestration"}`;
    case "TaskCompleted":
    case "TaskFailed": {
      const activity = activityName(event, scheduled);
      const took = seconds(event.ScheduledTime, event.Timestamp);
      const entry = tally(tallies, activity);
      if (took !== undefined) entry.seconds += took;
      const duration = took === undefined ? "" : ` in ${took.toFixed(1)} s`;
      if (name === "TaskFailed") {
        entry.failed++;
        return `${activity} threw${duration} (durable retry follows if attempts remain): ${clip(str(event.Reason) ?? str(event.Details) ?? "no reason", 200)}`;
      }
      entry.completed++;
      const result = describeResult(event.Result);
      return `${activity} answered${duration}${result ? `: ${result}` : ""}`;
    }
    case "TimerFired":
      return `timer fired${str(event.FireAt) ? ` (set for ${str(event.FireAt)})` : ""}`;
    case "EventRaised":
      return `event '${str(event.Name) ?? "?"}' received`;
    case "ExecutionCompleted": {
      const status =
        str(event.OrchestrationStatus) ??
        (typeof event.OrchestrationStatus === "number"
          ? [
              "Running",
              "Completed",
              "ContinuedAsNew",
              "Failed",
              "Canceled",
              "Terminated",
              "Pending",
              "Suspended",
            ][event.OrchestrationStatus]
          : undefined) ??
        "Completed";
      const detail =
        status === "Failed"
          ? clip(
              withoutExtensionPrefix(String(parsed(event.Result) ?? str(event.Details) ?? "")),
              300,
            )
          : describeResult(event.Result);
      return `ended ${status}${detail ? `: ${detail}` : ""}`;
    }
    case "ExecutionTerminated":
      return `terminated${str(parsed(event.Input)) ? `: ${clip(String(parsed(event.Input)), 200)}` : ""}`;
    case "ContinueAsNew":
      return "continued as new";
    default:
      return name;
  }
}

export function summarizeHistory(events: readonly unknown[]): HistorySummary {
  const scheduled = new Map<number, string>();
  const tallies = new Map<string, ActivityTally>();
  const timeline: TimelineEntry[] = [];
  const eventsReceived: string[] = [];
  let timersFired = 0;
  for (const raw of events) {
    if (typeof raw !== "object" || raw === null) continue;
    const event = raw as Fields;
    const name = eventName(event);
    if (name === "TaskScheduled" && typeof event.EventId === "number" && str(event.Name))
      scheduled.set(event.EventId, event.Name as string);
    if (SILENT.has(name)) continue;
    if (name === "TimerFired") timersFired++;
    if (name === "EventRaised") eventsReceived.push(str(event.Name) ?? "?");
    const text = entryText(name, event, scheduled, tallies);
    if (text) timeline.push({ at: str(event.Timestamp) ?? "", event: name, text });
  }
  const omitted = timeline.length - HEAD - TAIL;
  return {
    eventCount: events.length,
    activities: [...tallies.values()].map((t) => ({
      ...t,
      seconds: Math.round(t.seconds * 10) / 10,
    })),
    timersFired,
    eventsReceived,
    timeline: omitted > 0 ? [...timeline.slice(0, HEAD), ...timeline.slice(-TAIL)] : timeline,
    ...(omitted > 0 && { omitted }),
  };
}
