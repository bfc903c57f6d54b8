/**
 * The exact regional recorder cap. checkRecorderCap before starting cannot be exact: two VMs
 * arming at once both see room for one more. So after starting, each recorder ranks its own ring
 * among the region's rings and stands down when `limit` rings are ahead of it. "Ahead" is
 * conservative: a ring that started at the same moment or earlier, one whose start time is not
 * known yet, or one whose status could not be read. Every survivor then counts every other
 * survivor as ahead of the one that started last (it existed, running, when that one ranked), so
 * at most `limit` survive; the price is that two rings starting at the very same instant both
 * stand down. Start times are Network Watcher's `captureStartTime`, compared as instants.
 */

/** A ring capture under the region's watcher, as its status reads. */
export interface RingSeen {
  name: string;
  /** running (or NotStarted: counted as armed, as the cap check counts it), ended, or unreadable. */
  state: "running" | "ended" | "unreadable";
  /** captureStartTime (ISO), once Network Watcher reports one. */
  startedAt?: string;
}

/** How many rings rank ahead of `own` (started at `ownStartedAt`), never counting `own` itself. */
export function ringsAhead(own: string, ownStartedAt: string, rings: RingSeen[]): number {
  const ownStart = Date.parse(ownStartedAt);
  return rings.filter((ring) => {
    if (ring.name.toLowerCase() === own.toLowerCase() || ring.state === "ended") return false;
    if (ring.state === "unreadable" || ring.startedAt === undefined) return true;
    const start = Date.parse(ring.startedAt);
    return Number.isNaN(start) || start <= ownStart;
  }).length;
}
