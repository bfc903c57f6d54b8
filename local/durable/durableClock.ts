// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Time for the engine and its durable timers.
 *   real: wall clock; a timer fires at its fireAt.
 *   skip: virtual time. Whenever the engine reports it is idle (no episode, activity or message
 *         in flight), the earliest armed timer fires at once and virtual time jumps to its fireAt,
 *         so orchestrations that wait hours finish in moments while `currentUtcDateTime` (the
 *         OrchestratorStarted timestamps) still moves forward consistently.
 */

interface ArmedTimer {
  fireAtMs: number;
  fire: () => void;
  handle?: NodeJS.Timeout;
}

/** setTimeout's ceiling; longer timers are re-armed in steps. */
const maxTimeoutMs = 2_147_000_000;

export class DurableClock {
  private offsetMs = 0;
  private readonly armed = new Map<string, ArmedTimer>();
  private stopped = false;

  constructor(readonly mode: "real" | "skip") {}

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  nowIso(): string {
    return new Date(this.nowMs()).toISOString();
  }

  /** Virtual time never goes back, not even across a host restart (skip mode only). */
  advanceTo(ms: number): void {
    if (this.mode === "skip" && ms > this.nowMs()) this.offsetMs = ms - Date.now();
  }

  /** Arms (or re-arms) a timer under a unique key; `fire` runs once. */
  arm(key: string, fireAtMs: number, fire: () => void): void {
    this.disarm(key);
    if (this.stopped) return;
    const timer: ArmedTimer = { fireAtMs, fire };
    this.armed.set(key, timer);
    if (this.mode === "real") this.schedule(key, timer);
  }

  disarm(key: string): void {
    const timer = this.armed.get(key);
    if (timer?.handle) clearTimeout(timer.handle);
    this.armed.delete(key);
  }

  disarmWhere(predicate: (key: string) => boolean): void {
    for (const key of [...this.armed.keys()]) if (predicate(key)) this.disarm(key);
  }

  /** Skip mode: fire the earliest timer (advancing virtual time) — call only when nothing else can run. */
  fireNextWhenIdle(): boolean {
    if (this.mode !== "skip" || this.stopped) return false;
    let next: [string, ArmedTimer] | undefined;
    for (const entry of this.armed) if (!next || entry[1].fireAtMs < next[1].fireAtMs) next = entry;
    if (!next) return false;
    const [key, timer] = next;
    this.armed.delete(key);
    this.advanceTo(timer.fireAtMs);
    timer.fire();
    return true;
  }

  stop(): void {
    this.stopped = true;
    for (const key of [...this.armed.keys()]) this.disarm(key);
  }

  private schedule(key: string, timer: ArmedTimer): void {
    const wait = Math.max(0, timer.fireAtMs - this.nowMs());
    timer.handle = setTimeout(
      () => {
        if (this.armed.get(key) !== timer) return;
        if (timer.fireAtMs > this.nowMs()) return this.schedule(key, timer);
        this.armed.delete(key);
        timer.fire();
      },
      Math.min(wait, maxTimeoutMs),
    );
  }
}
