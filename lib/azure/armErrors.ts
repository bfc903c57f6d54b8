/**
 * Sorting Azure errors into the two kinds the orchestration treats differently: transient
 * (throw, and durable retries try again) and permanent (returned as a value ops can act on).
 * The SDK has already retried 429/5xx honouring Retry-After before we see them.
 */
import { isRestError } from "@azure/core-rest-pipeline";
import type { Failed } from "../domain/activityResult";
import { UntrustedBlobUrl } from "../domain/blobLocation";

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export function statusOf(error: unknown): number | undefined {
  return isRestError(error) ? error.statusCode : undefined;
}

export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

/**
 * A long-running operation that ended Failed or Canceled (ARM's terminal states) is the service's
 * verdict, not a hiccup. core-lro words them "The long-running operation has failed…" and
 * "Operation was canceled"; neither carries an HTTP status.
 */
function isFailedLro(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.message.startsWith("The long-running operation has failed") ||
      error.message === "Operation was canceled")
  );
}

export function isTransient(error: unknown): boolean {
  if (isFailedLro(error) || error instanceof UntrustedBlobUrl) return false;
  const status = statusOf(error);
  if (status !== undefined) return TRANSIENT_STATUS.has(status);
  // No HTTP status: a network-level failure (reset, DNS, timeout), worth another try.
  return true;
}

export function describeError(error: unknown): string {
  if (isRestError(error))
    return `${error.statusCode ?? "?"} ${error.code ?? "Error"}: ${error.message.split("\n")[0]}`;
  return error instanceof Error ? (error.message.split("\n")[0] ?? error.name) : String(error);
}

/** Rethrows transient errors for durable retries; turns the rest into a permanent failure value. */
export function permanentOrThrow(error: unknown, code: string, action: string): Failed {
  if (isTransient(error)) throw error;
  return { ok: false, failure: { code, message: describeError(error), action } };
}
