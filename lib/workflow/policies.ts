/**
 * Durable retry policies. Activities throw only for transient trouble (ARM 429/5xx after the
 * SDK's own Retry-After-honouring retries, network errors, a blob still uploading), so these
 * retry everything they see; permanent failures come back as values and are never retried.
 */
import * as df from "durable-functions";

function retryOptions(firstMs: number, attempts: number, maxMs: number): df.RetryOptions {
  const options = new df.RetryOptions(firstMs, attempts);
  options.backoffCoefficient = 2;
  options.maxRetryIntervalInMilliseconds = maxMs;
  return options;
}

/** ARM calls: ~5 s, 10 s, 20 s, 40 s — rides out a regional blip without holding an alert for long. */
export const armRetry = retryOptions(5_000, 5, 60_000);
/** Network Watcher uploads the .cap after the session stops; give it a few minutes. */
export const blobRetry = retryOptions(10_000, 7, 120_000);
/** Notifications must not page twice (idempotency key) but should survive a channel's hiccup. */
export const notifyRetry = retryOptions(5_000, 4, 60_000);

/** A single attempt: for a look whose "not there" is an answer, not something to wait out. */
export const ONE_LOOK = retryOptions(1_000, 1, 1_000);

export const CANCEL_EVENT = "cancel";
