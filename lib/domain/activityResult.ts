/**
 * What every activity returns. Durable retry options cannot tell a transient error from a
 * permanent one, so activities throw only for transient failures (and durable retries handle
 * them); a permanent failure is returned as a value the orchestrator acts on without burning
 * retries. These builders live here, beside the domain types, so any activity can use them
 * whatever it talks to (ARM, storage, a notification channel).
 */

export interface PermanentFailure {
  /** Stable, machine-readable: AgentMissing, QuotaExceeded, WatcherNotFound, VmNotFound, CaptureFailed, BlobMissing, … */
  code: string;
  message: string;
  /** What an operator can do about it. */
  action?: string;
}

export type Failed = { ok: false; failure: PermanentFailure };
export type ActivityResult<T> = { ok: true; value: T } | Failed;

/** A successful result. */
export const ok = <T>(value: T): ActivityResult<T> => ({ ok: true, value });

/** A permanent failure: the orchestrator fails this phase with it, no retry. */
export const failed = (code: string, message: string, action?: string): Failed => ({
  ok: false,
  failure: { code, message, action },
});
