/**
 * What to do when a packet capture with our name already exists under the watcher. Our names
 * are stable per target, so the capture found is usually our own from an earlier alert or a
 * run cut short by a restart: adopt it if it still runs, replace it if it is finished. A name
 * held by another target's capture is left alone and we take a suffixed name instead.
 */
import { canonicalId } from "./armId";

export interface ExistingCapture {
  target?: string;
  /** A capture whose creation failed holds the name but will never run. */
  provisioningState?: string;
  /** Session status from queryStatus; undefined when it could not be read. */
  status?: string;
}

export type NameDecision = "adopt" | "replace" | "tryAnotherName";

const LIVE = new Set(["running", "notstarted"]);

export function decideOnExisting(existing: ExistingCapture, ourTarget: string): NameDecision {
  const ours =
    existing.target !== undefined && canonicalId(existing.target) === canonicalId(ourTarget);
  if (!ours) return "tryAnotherName";
  if (existing.provisioningState?.toLowerCase() === "failed") return "replace";
  return LIVE.has((existing.status ?? "").toLowerCase()) ? "adopt" : "replace";
}

/** Suffixes tried before giving up; a VM rarely has more than one foreign capture squatting on its name. */
export const MAX_NAME_ATTEMPTS = 5;
