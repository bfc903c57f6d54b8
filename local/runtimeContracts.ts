// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * The seam between the local Functions host (local/host) and the durable engine
 * (local/durable). The host owns function registrations and invokes them through
 * @azure/functions' own invocation model; the engine owns orchestration state and asks the
 * host to run orchestrator and activity functions.
 */
import type { VersioningSettings } from "./durable/versioning";

/** Runs registered durable functions exactly as the Node worker would. */
export interface DurableFunctionInvoker {
  /** Names of registered functions by trigger type, read from their binding metadata. */
  orchestrationNames(): string[];
  activityNames(): string[];
  /**
   * Runs an orchestrator episode. `bindingInfo` is the orchestrationTrigger payload the Durable
   * extension sends ({ history, input, instanceId, isReplaying, parentInstanceId, upperSchemaVersion, ... });
   * resolves to the orchestrator's returned state ({ isDone, actions, output, error, customStatus, schemaVersion }).
   * Rejects with the worker's error when the orchestrator fails; durable-functions puts the state
   * after a `$OutOfProcData$:` label in that error's message, as the extension expects.
   */
  invokeOrchestrator(name: string, bindingInfo: unknown): Promise<unknown>;
  /** Runs an activity; resolves to its JSON-able result, rejects with the activity's error when it throws. */
  invokeActivity(name: string, input: unknown, instanceId: string): Promise<unknown>;
}

/** A request to the Durable extension's HTTP API, already authorized by the host. */
export interface EngineHttpRequest {
  method: string;
  /** Path below the webhook base, e.g. `/instances/abc/raiseEvent/go` (no query). */
  path: string;
  /** The whole path the caller used (for `Location` headers). */
  fullPath: string;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: Buffer;
  /** Origin the caller used (`http://127.0.0.1:7071`), so returned URLs point where it called. */
  origin: string;
}

export interface EngineHttpResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialized as JSON unless undefined. */
  body?: unknown;
}

/** What a `durableClient` input binding carries, as the Durable extension builds it. */
export interface DurableClientBinding {
  taskHubName: string;
  creationUrls: { createNewInstancePostUri: string; createAndWaitOnNewInstancePostUri: string };
  managementUrls: Record<string, string>;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
  httpBaseUrl: string;
}

/** Size of one instance's work, for tests and benchmarks. */
export interface InstanceStats {
  instanceId: string;
  runtimeStatus: string;
  /** Events in the current execution's history. */
  historyEvents: number;
  /** Activity executions scheduled in the current execution (TaskScheduled events; each retry counts). */
  activities: number;
  /** Durable timers created in the current execution (retry delays included). */
  timers: number;
  /** Orchestrator episodes (OrchestratorStarted events) of the current execution. */
  episodes: number;
}

/** What the host needs from the engine. */
export interface DurableEngineHandle {
  /** Serves the Durable HTTP API (public webhook and local RPC endpoint alike). */
  handleHttp(request: EngineHttpRequest): Promise<EngineHttpResponse>;
  /** The JSON the Durable extension would put in a `durableClient` input binding, so df.getClient(context) works unchanged. */
  clientBinding(): DurableClientBinding;
  stats(instanceId: string): Promise<InstanceStats | undefined>;
  /** Creates task-hub tables and resumes every unfinished instance (timers re-armed, in-flight activities run again). */
  start(): Promise<void>;
  /** Stops dispatching new work and waits for running work to settle. */
  stop(): Promise<void>;
}

export interface DurableEngineOptions {
  invoker: DurableFunctionInvoker;
  /** Azurite (or any Table endpoint) connection string; task-hub tables live there. */
  storageConnectionString: string;
  taskHub: string;
  /** Public base of the host, e.g. http://127.0.0.1:7071 — used to build management URLs. */
  baseUrl: string;
  /** Base of the keyless loopback RPC endpoint DurableClient talks to, ending in `/`. */
  rpcBaseUrl: string;
  /** The host's system key: appended as `code=` to management URLs, as the Durable extension does. */
  systemKey: string;
  /** "skip": durable timers fire as soon as nothing else is runnable (tests only). */
  clock: "real" | "skip";
  /** host.json `extensions.durableTask.maxConcurrentActivityFunctions`. */
  maxConcurrentActivities: number;
  /** host.json's orchestration versioning settings; off when absent. */
  versioning?: VersioningSettings;
  log: (line: string) => void;
}
