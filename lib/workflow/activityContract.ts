/**
 * An activity's contract: its name (also its failure phase), its input and output types and
 * the durable retry policy it runs under. Declared once (lib/workflow/contracts.ts); the
 * activity registers its implementation against it (defineActivity) and orchestrators run it
 * (run), so name, types and retries cannot drift apart.
 */
import type { RetryOptions } from "durable-functions";
import type { PermanentFailure } from "../domain/activityResult";
import type { ActivityName } from "./phases";

export interface ActivityContract<I, O> {
  readonly name: ActivityName;
  readonly retry: RetryOptions;
  /** What running out of transient retries means for this step; `RetriesExhausted` when absent. */
  readonly exhausted?: (lastError: string) => PermanentFailure;
  /** Carries the input and output types; never set at run time. */
  readonly types?: { input: I; output: O };
}

/** Declares a contract: `contract<Input, Output>("name", retry)`. */
export function contract<I, O>(
  name: ActivityName,
  retry: RetryOptions,
  exhausted?: ActivityContract<I, O>["exhausted"],
): ActivityContract<I, O> {
  return { name, retry, ...(exhausted && { exhausted }) };
}
