// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Durable Task history events in the shape the Durable extension serializes them for
 * out-of-process workers: PascalCase fields, numeric `EventType` (durable-functions'
 * HistoryEventType), `EventId` = sequence number for scheduling events and -1 otherwise.
 */

export enum EventType {
  ExecutionStarted = 0,
  ExecutionCompleted = 1,
  ExecutionFailed = 2,
  ExecutionTerminated = 3,
  TaskScheduled = 4,
  TaskCompleted = 5,
  TaskFailed = 6,
  SubOrchestrationInstanceCreated = 7,
  SubOrchestrationInstanceCompleted = 8,
  SubOrchestrationInstanceFailed = 9,
  TimerCreated = 10,
  TimerFired = 11,
  OrchestratorStarted = 12,
  OrchestratorCompleted = 13,
  EventSent = 14,
  EventRaised = 15,
  ContinueAsNew = 16,
  GenericEvent = 17,
  HistoryState = 18,
  ExecutionSuspended = 19,
  ExecutionResumed = 20,
}

/** DTFx OrchestrationStatus numbering, used by ExecutionCompleted.OrchestrationStatus. */
export enum OrchestrationStatus {
  Running = 0,
  Completed = 1,
  ContinuedAsNew = 2,
  Failed = 3,
  Canceled = 4,
  Terminated = 5,
  Pending = 6,
  Suspended = 7,
}

export type RuntimeStatus = keyof typeof OrchestrationStatus;

export const terminalStatuses: ReadonlySet<RuntimeStatus> = new Set([
  "Completed",
  "Failed",
  "Terminated",
  "Canceled",
]);

/** One serialized history event. Optional fields depend on EventType, as in DTFx. */
export interface HistoryEvent {
  EventType: EventType;
  EventId: number;
  IsPlayed: boolean;
  /** ISO-8601 UTC. */
  Timestamp: string;
  Name?: string;
  Input?: string | null;
  Result?: string | null;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  Reason?: string;
  Details?: string | null;
  OrchestrationStatus?: OrchestrationStatus;
  OrchestrationInstance?: { InstanceId: string; ExecutionId: string };
  ParentInstance?: null;
  Version?: string;
}

function base(type: EventType, timestamp: string, eventId = -1): HistoryEvent {
  return { EventType: type, EventId: eventId, IsPlayed: false, Timestamp: timestamp };
}

export const events = {
  orchestratorStarted: (ts: string): HistoryEvent => base(EventType.OrchestratorStarted, ts),
  orchestratorCompleted: (ts: string): HistoryEvent => base(EventType.OrchestratorCompleted, ts),
  executionStarted: (
    ts: string,
    name: string,
    input: string | null,
    instanceId: string,
    executionId: string,
    version: string,
  ): HistoryEvent => ({
    ...base(EventType.ExecutionStarted, ts),
    OrchestrationInstance: { InstanceId: instanceId, ExecutionId: executionId },
    ParentInstance: null,
    Name: name,
    Version: version,
    Input: input,
  }),
  executionCompleted: (
    ts: string,
    status: OrchestrationStatus,
    result: string | null,
  ): HistoryEvent => ({
    ...base(EventType.ExecutionCompleted, ts),
    OrchestrationStatus: status,
    Result: result,
  }),
  continueAsNew: (ts: string, result: string | null): HistoryEvent => ({
    ...base(EventType.ContinueAsNew, ts),
    OrchestrationStatus: OrchestrationStatus.ContinuedAsNew,
    Result: result,
  }),
  executionTerminated: (ts: string, reason: string | null): HistoryEvent => ({
    ...base(EventType.ExecutionTerminated, ts),
    Input: reason,
  }),
  taskScheduled: (ts: string, id: number, name: string, input: string | null): HistoryEvent => ({
    ...base(EventType.TaskScheduled, ts, id),
    Name: name,
    Version: "",
    Input: input,
  }),
  taskCompleted: (ts: string, taskScheduledId: number, result: string | null): HistoryEvent => ({
    ...base(EventType.TaskCompleted, ts),
    TaskScheduledId: taskScheduledId,
    Result: result,
  }),
  taskFailed: (
    ts: string,
    taskScheduledId: number,
    reason: string,
    details: string | null,
  ): HistoryEvent => ({
    ...base(EventType.TaskFailed, ts),
    TaskScheduledId: taskScheduledId,
    Reason: reason,
    Details: details,
  }),
  timerCreated: (ts: string, id: number, fireAt: string): HistoryEvent => ({
    ...base(EventType.TimerCreated, ts, id),
    FireAt: fireAt,
  }),
  timerFired: (ts: string, timerId: number, fireAt: string): HistoryEvent => ({
    ...base(EventType.TimerFired, ts),
    TimerId: timerId,
    FireAt: fireAt,
  }),
  eventRaised: (ts: string, name: string, input: string | null): HistoryEvent => ({
    ...base(EventType.EventRaised, ts),
    Name: name,
    Input: input,
  }),
};

/** JSON text of a value as the extension stores payloads; `undefined` becomes JSON null. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/** The extension's ParseToJToken: JSON when it parses, the raw string otherwise (terminate reasons), null for null. */
export function parseJsonText(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  const trimmed = text.trim();
  if (trimmed.length === 0) return "";
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return text;
  }
}
