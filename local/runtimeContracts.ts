/**
 * LOCAL DEV/TEST INFRASTRUCTURE — never imported by functions/, orchestrators/ or activities/.
 *
 * The seam between the local Functions host (local/host) and the durable engine
 * (local/durable). The host owns function registrations and invokes them through
 * @azure/functions' own invocation model; the engine owns orchestration state and asks the
 * host to run orchestrator and activity functions.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** Runs registered durable functions exactly as the Node worker would. */
export interface DurableFunctionInvoker {
  /** Names of registered functions by trigger type, read from their binding metadata. */
  orchestrationNames(): string[];
  activityNames(): string[];
  /**
   * Runs an orchestrator episode. `bindingInfo` is the orchestrationTrigger payload the Durable
   * extension sends ({ history, input, instanceId, isReplaying, parentInstanceId, upperSchemaVersion, ... });
   * resolves to the orchestrator's returned state ({ isDone, actions, output, error, customStatus, schemaVersion }).
   */
  invokeOrchestrator(name: string, bindingInfo: unknown): Promise<unknown>;
  /** Runs an activity; rejects with the activity's error when it throws. */
  invokeActivity(name: string, input: unknown, instanceId: string): Promise<unknown>;
}

/** What the host needs from the engine. */
export interface DurableEngineHandle {
  /** Serves `/runtime/webhooks/durabletask/*`; resolves false when the path is not the engine's. */
  handleHttp(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<boolean>;
  /** The JSON the Durable extension would put in a `durableClient` input binding, so df.getClient(context) works unchanged. */
  clientBinding(): Record<string, unknown>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface DurableEngineOptions {
  invoker: DurableFunctionInvoker;
  /** Azurite (or any Table endpoint) connection string; task-hub tables live there. */
  storageConnectionString: string;
  taskHub: string;
  /** Public base of the host, e.g. http://127.0.0.1:7071 — used to build management URLs. */
  baseUrl: string;
  /** The host's system key: appended as `code=` to management URLs, as the Durable extension does. */
  systemKey: string;
  /** "skip": durable timers fire as soon as nothing else is runnable (tests only). */
  clock: "real" | "skip";
  log: (line: string) => void;
}
