/**
 * When an armed recorder checks its continuous capture. The one-shot poll schedule's ideas
 * (lib/domain/pollSchedule) carry over — early checks catch an agent that fails at start, gaps
 * grow with the elapsed time, a check lands just after the session limit — with one more cap:
 * a recorder lives for days, and a ring that silently died is a lost flight recorder, so no two
 * checks are further apart than MAX_HEALTH_GAP_SECONDS. Every timer is therefore short, far below
 * Durable Functions' maximum timer length, and a 7-day session costs a few hundred checks.
 */
import { nextPollAt } from "./pollSchedule";

export const MAX_HEALTH_GAP_SECONDS = 1800;

/** Elapsed second of the next health check after one at `elapsedSeconds`. Always > elapsedSeconds. */
export function nextHealthCheckAt(elapsedSeconds: number, sessionLimitSeconds: number): number {
  return Math.min(
    nextPollAt(elapsedSeconds, sessionLimitSeconds),
    Math.max(0, elapsedSeconds) + MAX_HEALTH_GAP_SECONDS,
  );
}
