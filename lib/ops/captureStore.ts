/**
 * What the app needs from Durable Functions, as one port bound to the real DurableClient — the
 * only door to the task hub, so the same code runs unchanged in Azure. The webhook uses its
 * status/start/startGroup/raise (lib/webhook/captureStarter), the ops API the rest. Tests bind
 * the port to fakes; the end-to-end tests run this binding against the local engine's Durable
 * HTTP API.
 */
import type {
  DurableClient,
  HttpManagementPayload,
  OrchestrationRuntimeStatus,
} from "durable-functions";
import type { CaptureRequest } from "../domain/types";
import { OrchestratorNames } from "../workflow/contracts";
import { GroupOrchestratorName, type GroupRequest } from "../workflow/groupContracts";
import type { RecorderRequest } from "../workflow/recorderContracts";
import type { InstanceStatus } from "./captureView";

export interface InstanceFilter {
  createdTimeFrom: Date;
  createdTimeTo?: Date;
  /** Empty or absent: any status. */
  runtimeStatus?: OrchestrationRuntimeStatus[];
}

export interface InspectedInstance {
  status: InstanceStatus;
  /** undefined when neither path returned a history. */
  history?: unknown[];
  /** Why there is no history, when reading it failed: the status is still worth showing. */
  historyError?: string;
}

/** An instance as the Durable status API shows it, without history: enough to decide whether it
 *  is busy and with what capture (its input), and to answer our key-less status route. */
export interface InstanceSnapshot {
  name?: string;
  instanceId?: string;
  runtimeStatus: string;
  createdTime?: Date;
  lastUpdatedTime?: Date;
  input?: unknown;
  customStatus?: unknown;
  output?: unknown;
}

export interface CaptureStore {
  /** With input, without history; undefined when no instance with this ID exists. */
  status(instanceId: string): Promise<InstanceSnapshot | undefined>;
  /** Every instance in the window (the client follows the extension's continuation tokens). */
  list(filter: InstanceFilter): Promise<InstanceStatus[]>;
  /** With input; undefined when there is no such instance. */
  get(instanceId: string): Promise<InstanceStatus | undefined>;
  /** Status with input and output, plus its history. */
  inspect(instanceId: string): Promise<InspectedInstance | undefined>;
  /** Rejects when the engine refuses (an instance with this ID is Pending or Running) or is unreachable. */
  start(instanceId: string, input: CaptureRequest): Promise<void>;
  /** The same for a capture group's orchestration. */
  startGroup(instanceId: string, input: GroupRequest): Promise<void>;
  /** Starts a VM's flight recorder (the recorder orchestrator); rejects like `start`. */
  startRecorder(instanceId: string, input: RecorderRequest): Promise<void>;
  /** Raises an external event on the instance (a capture's `cancel`, a recorder's `freeze`). */
  raise(instanceId: string, eventName: string, data: unknown): Promise<void>;
  /** The Durable HTTP API's management URLs, system key included: for admins only. */
  managementUrls(instanceId: string): HttpManagementPayload;
  /** The status list is required and non-empty: an empty one would mean "any", running instances included. */
  purge(filter: {
    createdTimeFrom: Date;
    createdTimeTo: Date;
    runtimeStatus: [OrchestrationRuntimeStatus, ...OrchestrationRuntimeStatus[]];
  }): Promise<number>;
}

/** DurableClient reports "no such instance" only as an Error naming the extension's HTTP 404. */
function isNotFound(error: unknown): boolean {
  return error instanceof Error && /HTTP 404/.test(error.message);
}

const HISTORY_TIMEOUT_MS = 30_000;

/**
 * durable-functions v3 builds DurableOrchestrationStatus from `init.history`, but the extension
 * answers with `historyEvents` (Azure/azure-functions-durable-js#620), so `status.history` comes
 * back undefined. The same status endpoint, reached through the management URL the client itself
 * hands out (system key included), returns the events; that is the fallback.
 */
async function historyFromStatusQuery(
  client: DurableClient,
  instanceId: string,
): Promise<unknown[] | undefined> {
  const url = new URL(client.createHttpManagementPayload(instanceId).statusQueryGetUri);
  url.searchParams.set("showHistory", "true");
  url.searchParams.set("showHistoryOutput", "true");
  url.searchParams.set("showInput", "false");
  const response = await fetch(url, { signal: AbortSignal.timeout(HISTORY_TIMEOUT_MS) });
  if (response.status === 404) return undefined;
  // The URL carries the system key: never put it in an error message.
  if (!response.ok && response.status !== 202)
    throw new Error(`history query answered HTTP ${response.status}`);
  const body = (await response.json()) as { historyEvents?: unknown };
  return Array.isArray(body.historyEvents) ? (body.historyEvents as unknown[]) : undefined;
}

function historyOf(status: unknown): unknown[] | undefined {
  const { history, historyEvents } = status as { history?: unknown; historyEvents?: unknown };
  if (Array.isArray(history)) return history as unknown[];
  return Array.isArray(historyEvents) ? (historyEvents as unknown[]) : undefined;
}

/**
 * getStatusBy is typed as DurableOrchestrationStatus[] but returns the extension's JSON as is:
 * its times are strings. Read them as the typed status would have them.
 */
function fromListRow(row: unknown): InstanceStatus {
  const r = row as Record<string, unknown>;
  return {
    name: String(r.name),
    instanceId: String(r.instanceId),
    runtimeStatus: String(r.runtimeStatus),
    createdTime: new Date(r.createdTime as string),
    lastUpdatedTime: new Date(r.lastUpdatedTime as string),
    input: r.input,
    output: r.output,
    customStatus: r.customStatus,
  };
}

export function durableCaptureStore(client: DurableClient): CaptureStore {
  const get = async (instanceId: string, detail: "input" | "history") => {
    try {
      return await client.getStatus(instanceId, {
        showInput: true,
        showHistory: detail === "history",
        showHistoryOutput: detail === "history",
      });
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  return {
    async status(instanceId) {
      const status = await get(instanceId, "input");
      return (
        status && {
          name: status.name,
          instanceId: status.instanceId,
          runtimeStatus: String(status.runtimeStatus),
          createdTime: status.createdTime,
          lastUpdatedTime: status.lastUpdatedTime,
          input: status.input,
          customStatus: status.customStatus,
          output: status.output,
        }
      );
    },
    async list(filter) {
      const rows = await client.getStatusBy({
        createdTimeFrom: filter.createdTimeFrom,
        ...(filter.createdTimeTo && { createdTimeTo: filter.createdTimeTo }),
        ...(filter.runtimeStatus?.length && { runtimeStatus: filter.runtimeStatus }),
      });
      return rows.map(fromListRow);
    },
    get: (instanceId) => get(instanceId, "input"),
    async inspect(instanceId) {
      const status = await get(instanceId, "history");
      if (!status) return undefined;
      const direct = historyOf(status);
      if (direct) return { status, history: direct };
      try {
        const history = await historyFromStatusQuery(client, instanceId);
        return { status, ...(history && { history }) };
      } catch (error) {
        // E.g. access restrictions that keep the app from calling its own hostname.
        return {
          status,
          historyError: `history unavailable: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
    },
    async start(instanceId, input) {
      await client.startNew(OrchestratorNames.capture, { instanceId, input });
    },
    async startGroup(instanceId, input) {
      await client.startNew(GroupOrchestratorName, { instanceId, input });
    },
    async startRecorder(instanceId, input) {
      await client.startNew(OrchestratorNames.recorder, { instanceId, input });
    },
    raise: (instanceId, eventName, data) => client.raiseEvent(instanceId, eventName, data),
    managementUrls: (instanceId) => client.createHttpManagementPayload(instanceId),
    async purge(filter) {
      const result = await client.purgeInstanceHistoryBy({
        createdTimeFrom: filter.createdTimeFrom,
        createdTimeTo: filter.createdTimeTo,
        runtimeStatus: filter.runtimeStatus,
      });
      return result.instancesDeleted;
    },
  };
}
