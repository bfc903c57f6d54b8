/**
 * A permanent failure inside the orchestration, carrying the phase it happened in so the
 * failure notification and the instance's error tell ops where to look.
 */
import type { PermanentFailure } from "./contracts";

export class CaptureFailure extends Error {
  constructor(
    readonly phase: string,
    readonly failure: PermanentFailure,
  ) {
    super(`${failure.code}: ${failure.message}`);
    this.name = "CaptureFailure";
  }
}

/** Transient retries that ran out surface as TaskFailedError; they become a failure ops can act on. */
export function asCaptureFailure(error: unknown, phase: string): CaptureFailure {
  if (error instanceof CaptureFailure) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CaptureFailure(phase, {
    code: "RetriesExhausted",
    message: `${phase} kept failing: ${message.split("\n")[0]?.slice(0, 500) ?? ""}`,
    action:
      "Check Azure Resource Manager / storage health and the function app's identity, then re-run the instance.",
  });
}

/** The reason the failed instance carries: what broke and what to do about it. */
export function failureReason(error: CaptureFailure): string {
  const { code, message, action } = error.failure;
  return `[${error.phase}] ${code}: ${message}${action ? ` Action: ${action}` : ""}`;
}
