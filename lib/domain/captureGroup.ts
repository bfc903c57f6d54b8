/**
 * Capture groups: one alert naming several VMs — every VM in a multi-resource alert's
 * `alertTargetIDs`, plus the `capturePeers` custom property (`;`-separated VM ARM IDs). Each is
 * checked like a single target; the group's instance ID depends only on the set of targets, so
 * retries of the alert land on the same group.
 */
import { createHash } from "node:crypto";
import { canonicalId, parseCaptureTarget } from "./armId";
import type { CaptureTarget } from "./types";

export const PEERS_KEY = "capturePeers";

export type GroupTargets =
  | { ok: true; targets: CaptureTarget[] }
  | { ok: false; status: 403 | 422; message: string; key?: string };

/**
 * The alert's own targets first (the primary one leading), then the peers; duplicates (compared
 * case-insensitively) count once. Refuses a peer that is not a VM, one `scopeRefusal` refuses
 * (the webhook passes lib/config/allowLists' check, so every member passes what a single target
 * does), and more than `maxTargets` in all.
 */
export function groupTargets(
  alertTargets: readonly CaptureTarget[],
  overrides: Record<string, unknown>,
  scopeRefusal: (resourceId: string) => string | undefined,
  maxTargets: number,
): GroupTargets {
  const peers = peerIds(overrides);
  if (typeof peers === "string") return { ok: false, status: 422, message: peers, key: PEERS_KEY };
  const targets: CaptureTarget[] = [];
  const seen = new Set<string>();
  for (const candidate of [...alertTargets, ...peers]) {
    const target = typeof candidate === "string" ? parseCaptureTarget(candidate) : candidate;
    if (!target)
      return {
        ok: false,
        status: 422,
        key: PEERS_KEY,
        message: `${PEERS_KEY}: ${JSON.stringify(String(candidate).slice(0, 200))} is not the ARM ID of a virtual machine or scale set`,
      };
    const id = canonicalId(target.resourceId);
    if (seen.has(id)) continue;
    seen.add(id);
    const outOfScope = scopeRefusal(target.resourceId);
    if (outOfScope) return { ok: false, status: 403, message: outOfScope };
    targets.push(target);
  }
  if (targets.length > maxTargets)
    return {
      ok: false,
      status: 422,
      key: PEERS_KEY,
      message: `${PEERS_KEY}: a capture group holds at most ${maxTargets} VMs (CAPTURE_GROUP_MAX_TARGETS); this alert names ${targets.length}`,
    };
  return { ok: true, targets };
}

/** Durable instance ID of a group: the same set of VMs, in any order or casing, is the same group. */
export function groupInstanceIdFor(targets: readonly CaptureTarget[]): string {
  const ids = targets.map((t) => canonicalId(t.resourceId)).sort();
  const hash = createHash("sha256").update(ids.join("\n")).digest("hex").slice(0, 16);
  return `group-${targets.length}-${hash}`;
}

/** The `capturePeers` value as ARM IDs, or a message naming the key when it is not a string. */
function peerIds(overrides: Record<string, unknown>): string[] | string {
  const key = Object.keys(overrides).find((k) => k.toLowerCase() === PEERS_KEY.toLowerCase());
  if (key === undefined) return [];
  const value = overrides[key];
  if (typeof value !== "string") return `${PEERS_KEY}: must be a string of ;-separated VM ARM IDs`;
  return value
    .split(";")
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
}
