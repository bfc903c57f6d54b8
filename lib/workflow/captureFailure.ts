/**
 * A permanent failure inside the orchestration, carrying the phase it happened in so the
 * failure notification and the instance's error tell ops where to look.
 */
import type { PermanentFailure } from "../domain/activityResult";
import type { Phase } from "./phases";

export class CaptureFailure extends Error {
  constructor(
    readonly phase: Phase,
    readonly failure: PermanentFailure,
    options?: ErrorOptions,
  ) {
    super(`${failure.code}: ${failure.message}`, options);
    this.name = "CaptureFailure";
  }
}

/**
 * The first line of an error's message: durable-functions appends details after it, as
 * `${reason} \n ${details}`, so the line is trimmed or every reason would end in a space.
 */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]!.trim().slice(0, 500);
}

/** Transient retries that ran out (TaskFailedError) become a failure ops can act on. */
export function retriesExhausted(phase: Phase, lastError: string): PermanentFailure {
  return {
    code: "RetriesExhausted",
    message: `${phase} kept failing: ${lastError}`,
    action:
      "Check Azure Resource Manager / storage health and the function app's identity, then re-run the instance.",
  };
}

/**
 * Anything else thrown in a phase is a bug in the orchestration, not Azure's doing; it still
 * fails with a reason (and its cause kept on the error) rather than vanishing.
 */
export function asCaptureFailure(error: unknown, phase: Phase): CaptureFailure {
  if (error instanceof CaptureFailure) return error;
  return new CaptureFailure(
    phase,
    {
      code: "OrchestrationError",
      message: `${phase}: ${firstLine(error)}`,
      action: "This is a bug in the capture orchestration; report it with the instance ID.",
    },
    { cause: error },
  );
}

/** The reason the failed instance carries: what broke and what to do about it. */
export function failureReason(error: CaptureFailure): string {
  const { code, message, action } = error.failure;
  return `[${error.phase}] ${code}: ${message}${action ? ` Action: ${action}` : ""}`;
}
