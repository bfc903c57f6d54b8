/**
 * What the webhook needs from Durable Functions, as a port: the function binds it to the real
 * DurableClient, tests bind it to anything. Keeping the port this small is what lets the
 * webhook's answers be tested without a running engine.
 */
import type { DurableClient, HttpManagementPayload } from "durable-functions";
import type { CaptureRequest } from "../domain/types";
import { OrchestratorNames } from "../workflow/contracts";
import type { RecorderRequest } from "../workflow/recorderContracts";

export interface InstanceSnapshot {
  runtimeStatus: string;
  lastUpdatedTime?: Date;
}

export interface CaptureStarter {
  /** undefined when no instance with this ID exists. */
  status(instanceId: string): Promise<InstanceSnapshot | undefined>;
  /** Rejects when the engine refuses (an instance with this ID is Pending or Running) or is unreachable. */
  start(instanceId: string, input: CaptureRequest): Promise<void>;
  /** Starts a VM's flight recorder; rejects like `start`. */
  startRecorder(instanceId: string, input: RecorderRequest): Promise<void>;
  /** Raises an external event on the instance (a recorder's `freeze`). */
  raise(instanceId: string, eventName: string, data: unknown): Promise<void>;
  managementPayload(instanceId: string): HttpManagementPayload;
}

/** DurableClient reports "no such instance" only as an Error mentioning the extension's HTTP 404. */
function isNotFound(error: unknown): boolean {
  return error instanceof Error && /HTTP 404/.test(error.message);
}

export function durableCaptureStarter(client: DurableClient): CaptureStarter {
  return {
    async status(instanceId) {
      try {
        const status = await client.getStatus(instanceId, { showHistory: false, showInput: false });
        return {
          runtimeStatus: String(status.runtimeStatus),
          lastUpdatedTime: status.lastUpdatedTime,
        };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    async start(instanceId, input) {
      await client.startNew(OrchestratorNames.capture, { instanceId, input });
    },
    async startRecorder(instanceId, input) {
      await client.startNew(OrchestratorNames.recorder, { instanceId, input });
    },
    async raise(instanceId, eventName, data) {
      await client.raiseEvent(instanceId, eventName, data);
    },
    managementPayload: (instanceId) => client.createHttpManagementPayload(instanceId),
  };
}
