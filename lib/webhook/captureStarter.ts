/**
 * What the webhook needs from Durable Functions, as a port: the function binds it to the real
 * DurableClient, tests bind it to anything. Keeping the port this small is what lets the
 * webhook's answers be tested without a running engine.
 */
import type { DurableClient } from "durable-functions";
import type { CaptureRequest } from "../domain/types";
import { OrchestratorNames } from "../workflow/contracts";

/** An instance as the Durable status API shows it (input included), times as Dates. */
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

export interface CaptureStarter {
  /** undefined when no instance with this ID exists. */
  status(instanceId: string): Promise<InstanceSnapshot | undefined>;
  /** Rejects when the engine refuses (an instance with this ID is Pending or Running) or is unreachable. */
  start(instanceId: string, input: CaptureRequest): Promise<void>;
  /** Raises an external event on the instance (the orchestration's `cancel`). */
  raise(instanceId: string, eventName: string, data: unknown): Promise<void>;
}

/** DurableClient reports "no such instance" only as an Error mentioning the extension's HTTP 404. */
function isNotFound(error: unknown): boolean {
  return error instanceof Error && /HTTP 404/.test(error.message);
}

/**
 * Bound lazily (`clientOf` runs at the first engine call): an alert refused at the edge never
 * needs the durable client binding, so its refusal cannot fail on it.
 */
export function durableCaptureStarter(clientOf: () => DurableClient): CaptureStarter {
  return {
    async status(instanceId) {
      try {
        const status = await clientOf().getStatus(instanceId, {
          showHistory: false,
          showInput: true,
        });
        return {
          name: status.name,
          instanceId: status.instanceId,
          runtimeStatus: String(status.runtimeStatus),
          createdTime: status.createdTime,
          lastUpdatedTime: status.lastUpdatedTime,
          input: status.input,
          customStatus: status.customStatus,
          output: status.output,
        };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async start(instanceId, input) {
      await clientOf().startNew(OrchestratorNames.capture, { instanceId, input });
    },
    raise: (instanceId, eventName, data) => clientOf().raiseEvent(instanceId, eventName, data),
  };
}
