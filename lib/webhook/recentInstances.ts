/**
 * The webhook's fast path for alert storms: what this host has just seen of an instance. A
 * storm is hundreds of alerts for one VM at once; without this, each one asks the task hub for
 * the instance's status and races to start it. Concurrent alerts for one instance join the one
 * decision in flight (asking the same, they are its duplicates at once; asking otherwise, they
 * wait for what it saw); later alerts reuse a sighting of a running
 * instance for a short TTL (never longer than the cooldown, so a cached "running" answers no
 * differently than the cooldown would). Correctness stays with the engine: it refuses a second
 * start over a running instance, whatever any host's cache says.
 */

/** An instance as one decision saw it: its status and the input it was started with. */
export interface Sighting {
  runtimeStatus: string;
  input?: unknown;
  /** When it was seen (ms since the epoch); the deciding alert's arrival, which is conservative. */
  seenAt: number;
}

/** A decision being made: the request it decides for, and what it will have seen. */
export interface InFlight {
  ask: unknown;
  sighting: Promise<Sighting | undefined>;
}

export class RecentInstances {
  private readonly seen = new Map<string, Sighting>();
  private readonly inFlight = new Map<string, InFlight>();

  /** `maxEntries` bounds the memory a storm over many VMs can take; the oldest go first. */
  constructor(private readonly maxEntries: number) {}

  /** A sighting of `instanceId` no older than `ttlMs` at `at`. */
  recent(instanceId: string, at: number, ttlMs: number): Sighting | undefined {
    const sighting = this.seen.get(instanceId);
    if (!sighting) return undefined;
    if (at - sighting.seenAt < ttlMs) return sighting;
    this.seen.delete(instanceId);
    return undefined;
  }

  /** The decision in flight for `instanceId`: what it asks, and what it saw once done; undefined when none. */
  following(instanceId: string): InFlight | undefined {
    return this.inFlight.get(instanceId);
  }

  /** Runs `decide` for `ask` as the decision in flight for `instanceId`; what it saw is shared and remembered. */
  async lead<T>(
    instanceId: string,
    ask: unknown,
    decide: () => Promise<{ answer: T; sighting?: Sighting }>,
  ): Promise<T> {
    const outcome = decide();
    const entry: InFlight = {
      ask,
      sighting: outcome.then(
        (o) => o.sighting,
        () => undefined,
      ),
    };
    this.inFlight.set(instanceId, entry);
    try {
      const { answer, sighting } = await outcome;
      if (sighting) this.remember(instanceId, sighting);
      else this.seen.delete(instanceId);
      return answer;
    } finally {
      if (this.inFlight.get(instanceId) === entry) this.inFlight.delete(instanceId);
    }
  }

  private remember(instanceId: string, sighting: Sighting): void {
    this.seen.delete(instanceId);
    this.seen.set(instanceId, sighting);
    while (this.seen.size > this.maxEntries) {
      const oldest = this.seen.keys().next().value as string;
      this.seen.delete(oldest);
    }
  }
}
