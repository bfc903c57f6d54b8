// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * What durable-functions' Orchestrator returns to the extension (OrchestratorState and its
 * actions), and how the extension reads it back from a successful return or from the
 * `$OutOfProcData$` suffix of a failed invocation's error message.
 */

export enum ActionType {
  CallActivity = 0,
  CallActivityWithRetry = 1,
  CallSubOrchestrator = 2,
  CallSubOrchestratorWithRetry = 3,
  ContinueAsNew = 4,
  CreateTimer = 5,
  WaitForExternalEvent = 6,
  CallEntity = 7,
  CallHttp = 8,
  SignalEntity = 9,
  ScheduledSignalEntity = 10,
  WhenAny = 11,
  WhenAll = 12,
}

export interface RetryOptionsPayload {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

export interface Action {
  actionType: ActionType;
  functionName?: string;
  input?: unknown;
  retryOptions?: RetryOptionsPayload;
  /** ISO string once serialized. */
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  compoundActions?: Action[];
  instanceId?: string;
  /** CallSubOrchestrator: the version the parent asked for (empty: the default version). */
  version?: string;
}

export interface OrchestratorState {
  isDone: boolean;
  actions: Action[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion?: number;
}

const outOfProcDataLabel = "\n\n$OutOfProcData$:";

/** The state, plus the error message when the orchestrator failed (as the extension's OutOfProcExceptionHelpers split it). */
export interface OrchestratorOutcome {
  state: OrchestratorState;
  /** Set when the invocation failed: the friendly message before the `$OutOfProcData$` label. */
  failureMessage?: string;
}

export function outcomeFromReturn(value: unknown): OrchestratorOutcome {
  return { state: asState(value) };
}

export function outcomeFromError(error: unknown): OrchestratorOutcome {
  const message = error instanceof Error ? error.message : String(error);
  const at = message.indexOf(outOfProcDataLabel);
  if (at === -1) {
    // Not thrown by durable-functions' executor (e.g. the handler is not an orchestrator): no actions to replay.
    return { state: { isDone: false, actions: [[]], error: message }, failureMessage: message };
  }
  const state = asState(JSON.parse(message.slice(at + outOfProcDataLabel.length)) as unknown);
  return { state, failureMessage: message.slice(0, at) };
}

function asState(value: unknown): OrchestratorState {
  if (
    typeof value !== "object" ||
    value === null ||
    !Array.isArray((value as { actions?: unknown }).actions)
  ) {
    throw new Error(
      `The orchestrator returned no OrchestratorState (got ${JSON.stringify(value)?.slice(0, 200)})`,
    );
  }
  return value as OrchestratorState;
}
