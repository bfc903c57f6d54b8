// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
import type { RetryOptionsPayload } from "./orchestratorResult";

/**
 * Delay before retry number `attempt` (0-based), as DurableTask.Core's RetryInterceptor computes
 * it: firstRetryInterval × backoffCoefficient^attempt, capped at maxRetryInterval; zero (give up
 * without a timer) once `now` is past firstAttempt + retryTimeout. Unset options mean "no limit".
 */
export function nextRetryDelayMs(
  options: RetryOptionsPayload,
  attempt: number,
  firstAttemptMs: number,
  nowMs: number,
): number {
  const timeout = options.retryTimeoutInMilliseconds;
  if (timeout !== undefined && nowMs >= firstAttemptMs + timeout) return 0;
  const delay =
    options.firstRetryIntervalInMilliseconds * Math.pow(options.backoffCoefficient ?? 1, attempt);
  const cap = options.maxRetryIntervalInMilliseconds;
  return cap !== undefined && delay >= cap ? cap : delay;
}
