// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * The Durable HTTP API's status body (StatusResponsePayload) and its `historyEvents` view, shaped
 * as the extension's GetDurableOrchestrationStatusAsync does: OrchestratorStarted/Completed and
 * the TaskScheduled rows are folded away, completions carry FunctionName and ScheduledTime,
 * EventType and OrchestrationStatus are names, results appear only with showHistoryOutput.
 */
import { EventType, type HistoryEvent, OrchestrationStatus, parseJsonText } from "./historyEvents";
import type { InstanceRecord } from "./taskHubStore";

export interface StatusOptions {
  showInput: boolean;
  showHistory: boolean;
  showHistoryOutput: boolean;
}

export interface StatusPayload {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  historyEvents?: Array<Record<string, unknown>>;
}

/** .NET's `ToString("s") + "Z"`: seconds precision. */
function sortableUtc(iso: string): string {
  return iso ? `${iso.slice(0, 19)}Z` : iso;
}

export function statusPayload(
  record: InstanceRecord,
  options: StatusOptions,
  history?: readonly HistoryEvent[],
): StatusPayload {
  const payload: StatusPayload = {
    name: record.name,
    instanceId: record.instanceId,
    runtimeStatus: record.runtimeStatus,
    input: options.showInput ? parseJsonText(record.input) : null,
    customStatus: parseJsonText(record.customStatus),
    output: parseJsonText(record.output),
    createdTime: sortableUtc(record.createdTime),
    lastUpdatedTime: sortableUtc(record.lastUpdatedTime),
  };
  if (options.showHistory && history && record.runtimeStatus !== "Pending")
    payload.historyEvents = historyView(history, options);
  return payload;
}

function historyView(
  history: readonly HistoryEvent[],
  options: StatusOptions,
): Array<Record<string, unknown>> {
  const scheduled = new Map<number, HistoryEvent>();
  const view: Array<Record<string, unknown>> = [];
  for (const event of history) {
    const item: Record<string, unknown> = { ...event, EventType: EventType[event.EventType] };
    switch (event.EventType) {
      case EventType.OrchestratorStarted:
      case EventType.OrchestratorCompleted:
        continue;
      case EventType.TaskScheduled:
      case EventType.SubOrchestrationInstanceCreated:
        scheduled.set(event.EventId, event);
        continue;
      case EventType.TaskCompleted:
      case EventType.TaskFailed:
      case EventType.SubOrchestrationInstanceCompleted:
      case EventType.SubOrchestrationInstanceFailed: {
        const origin = scheduled.get(event.TaskScheduledId ?? -1);
        if (origin) {
          item.ScheduledTime = origin.Timestamp;
          item.FunctionName = origin.Name;
          if (options.showInput) item.Input = origin.Input;
        }
        delete item.TaskScheduledId;
        if (origin?.InstanceId !== undefined) item.InstanceId = origin.InstanceId;
        if (
          event.EventType === EventType.TaskCompleted ||
          event.EventType === EventType.SubOrchestrationInstanceCompleted
        ) {
          if (options.showHistoryOutput) item.Result = parseJsonText(event.Result);
          else delete item.Result;
        }
        break;
      }
      case EventType.ExecutionStarted:
        item.FunctionName = event.Name;
        for (const key of ["Name", "OrchestrationInstance", "ParentInstance", "Version", "Tags"])
          delete item[key];
        break;
      case EventType.ExecutionCompleted:
      case EventType.ContinueAsNew:
        item.OrchestrationStatus =
          OrchestrationStatus[event.OrchestrationStatus ?? OrchestrationStatus.Completed];
        if (options.showHistoryOutput) item.Result = parseJsonText(event.Result);
        else delete item.Result;
        break;
      case EventType.TimerFired:
        delete item.TimerId;
        break;
      default:
        break;
    }
    if (!options.showInput) delete item.Input;
    delete item.EventId;
    delete item.IsPlayed;
    view.push(item);
  }
  return view;
}
