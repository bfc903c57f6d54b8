/**
 * When to ask Network Watcher for a capture's status. Pure: a function of the seconds elapsed
 * since the capture started and its time limit, so the orchestrator can replay it.
 *
 * - The first polls come at 10, 20 and 30 s: an agent that fails at start is seen within ~30 s.
 * - After that the next poll is at most twice the elapsed time away (delay ≤ elapsed), so a
 *   capture that stops early (byte limit reached) is noticed within about twice its lifetime.
 * - Delays are capped so that a 5-hour capture costs at most ~30 status calls, and a poll
 *   always lands just after the time limit, when the capture should have stopped by itself.
 */

const EARLY_POLLS_SECONDS = [10, 20, 30] as const;
/** Network Watcher needs a moment after the time limit to stop and upload; poll then, not on the dot. */
export const SETTLE_SECONDS = 10;
/** Past the time limit, poll often: the capture is due to stop any moment. */
const OVERRUN_POLL_SECONDS = 15;

function maxDelaySeconds(timeLimitSeconds: number): number {
  return Math.max(60, Math.ceil(timeLimitSeconds / 20));
}

/** Elapsed second of the next status poll after a poll at `elapsedSeconds`. Always > elapsedSeconds. */
export function nextPollAt(elapsedSeconds: number, timeLimitSeconds: number): number {
  const elapsed = Math.max(0, elapsedSeconds);
  const due = timeLimitSeconds + SETTLE_SECONDS;
  if (elapsed >= due) return elapsed + OVERRUN_POLL_SECONDS;
  const early = EARLY_POLLS_SECONDS.find((at) => at > elapsed);
  const candidate = early ?? elapsed + Math.min(elapsed, maxDelaySeconds(timeLimitSeconds));
  return Math.min(candidate, due);
}

/** Every poll up to and including the first one after the time limit: the plan for a capture that runs its full time. */
export function plannedPolls(timeLimitSeconds: number): number[] {
  const polls: number[] = [];
  let at = 0;
  // Bounded: each step advances by ≥ 10 s and stops at the time limit; 10,000 is far past any real plan.
  while (polls.length < 10_000) {
    at = nextPollAt(at, timeLimitSeconds);
    polls.push(at);
    if (at >= timeLimitSeconds + SETTLE_SECONDS) break;
  }
  return polls;
}
