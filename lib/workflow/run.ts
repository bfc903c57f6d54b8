/**
 * The one way an orchestrator calls an activity: `yield* run(context, Activities.x, input)`.
 * It schedules the activity under its contract's retry policy and returns the typed output; a
 * permanent failure the activity reports, or transient retries running out, throws the
 * CaptureFailure of the activity's phase.
 */
import type { OrchestrationContext, RetryOptions, Task } from "durable-functions";
import type { ActivityResult } from "../domain/activityResult";
import type { ActivityContract } from "./activityContract";
import { CaptureFailure, firstLine, retriesExhausted } from "./captureFailure";

/** An orchestrator step: a generator that yields durable tasks and returns T. */
export type Flow<T> = Generator<Task, T, unknown>;

export interface RunOptions {
  /** Replaces the contract's retry policy for this call (e.g. ONE_LOOK). */
  retry?: RetryOptions;
}

export function* run<I, O>(
  context: OrchestrationContext,
  contract: ActivityContract<I, O>,
  input: I,
  options: RunOptions = {},
): Flow<O> {
  let result: ActivityResult<O>;
  try {
    result = (yield context.df.callActivityWithRetry(
      contract.name,
      options.retry ?? contract.retry,
      input,
    )) as ActivityResult<O>;
  } catch (error) {
    const lastError = firstLine(error);
    throw new CaptureFailure(
      contract.name,
      contract.exhausted?.(lastError) ?? retriesExhausted(contract.name, lastError),
      // Stryker disable next-line ObjectLiteral: durable-functions records only a failed orchestration's message; the cause is for a debugger.
      { cause: error },
    );
  }
  if (!result.ok) throw new CaptureFailure(contract.name, result.failure);
  return result.value;
}
