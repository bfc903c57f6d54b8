/**
 * Capture groups: one alert naming several VMs — every VM in a multi-resource alert's
 * `alertTargetIDs`, plus the `capturePeers` custom property (`;`-separated ARM IDs of VMs, scale
 * sets or scale-set instances). Each is checked like a single target (an instance through its
 * scale set's ID); the group's instance ID depends only on the set of IDs named, so retries of the
 * alert land on the same group.
 */
import { createHash } from "node:crypto";
import { canonicalId, parseCaptureTarget, parseScaleSetInstance } from "./armId";
import type { CaptureTarget } from "./types";

export const PEERS_KEY = "capturePeers";

/**
 * One capture of the group: Network Watcher runs one capture per target resource, so every
 * instance of one scale set the alert names shares its set's capture.
 */
export interface GroupTarget {
  target: CaptureTarget;
  /** Scale-set instances named on their own, in the order named; each is compared with its own file. */
  instances: string[];
  /** The target itself was named (a VM, or a whole scale set): its capture keeps the alert's scope. */
  whole: boolean;
}

export type GroupTargets =
  | { ok: true; targets: GroupTarget[]; memberIds: string[] }
  | { ok: false; status: 403 | 422; message: string; key?: string };

/**
 * The alert's own targets first (the primary one leading), then the peers; duplicates (compared
 * case-insensitively) count once, and instances of one scale set join that set's capture. Refuses
 * a peer that is not a VM, scale set or instance, one `scopeRefusal` refuses (for an instance, its
 * set's ID: the webhook passes lib/config/allowLists' check, so every member passes what a single
 * target does), and more than `maxTargets` VMs named in all. `memberIds` are the IDs named, deduplicated.
 */
export function groupTargets(
  alertTargets: readonly CaptureTarget[],
  overrides: Record<string, unknown>,
  scopeRefusal: (resourceId: string) => string | undefined,
  maxTargets: number,
): GroupTargets {
  const peers = peerIds(overrides);
  if (typeof peers === "string") return { ok: false, status: 422, message: peers, key: PEERS_KEY };
  const byTarget = new Map<string, GroupTarget>();
  const memberIds: string[] = [];
  const seen = new Set<string>();
  for (const candidate of [...alertTargets, ...peers]) {
    const member = typeof candidate === "string" ? parseMember(candidate) : { target: candidate };
    if (!member)
      return {
        ok: false,
        status: 422,
        key: PEERS_KEY,
        message: `${PEERS_KEY}: ${JSON.stringify(String(candidate).slice(0, 200))} is not the ARM ID of a virtual machine, scale set or scale-set instance`,
      };
    const named = typeof candidate === "string" ? candidate : candidate.resourceId;
    if (seen.has(canonicalId(named))) continue;
    seen.add(canonicalId(named));
    const outOfScope = scopeRefusal(member.target.resourceId);
    if (outOfScope) return { ok: false, status: 403, message: outOfScope };
    memberIds.push(named);
    const key = canonicalId(member.target.resourceId);
    const entry = byTarget.get(key) ?? { target: member.target, instances: [], whole: false };
    byTarget.set(key, entry);
    if (member.instanceId === undefined) entry.whole = true;
    else entry.instances.push(member.instanceId);
  }
  if (memberIds.length > maxTargets)
    return {
      ok: false,
      status: 422,
      key: PEERS_KEY,
      message: `${PEERS_KEY}: a capture group holds at most ${maxTargets} VMs (CAPTURE_GROUP_MAX_TARGETS); this alert names ${memberIds.length}`,
    };
  return { ok: true, targets: [...byTarget.values()], memberIds };
}

/** Durable instance ID of a group: the same set of IDs named, in any order or casing, is the same group. */
export function groupInstanceIdFor(memberIds: readonly string[]): string {
  const ids = memberIds.map(canonicalId).sort();
  const hash = createHash("sha256").update(ids.join("\n")).digest("hex").slice(0, 16);
  return `group-${memberIds.length}-${hash}`;
}

/** A peer: a VM or scale set captured whole, or one instance, captured on its scale set. */
function parseMember(id: string): { target: CaptureTarget; instanceId?: string } | undefined {
  const target = parseCaptureTarget(id);
  if (target) return { target };
  const instance = parseScaleSetInstance(id);
  return instance && { target: instance.set, instanceId: instance.instanceId };
}

/** The `capturePeers` value as ARM IDs, or a message naming the key when it is not a string. */
function peerIds(overrides: Record<string, unknown>): string[] | string {
  const key = Object.keys(overrides).find((k) => k.toLowerCase() === PEERS_KEY.toLowerCase());
  if (key === undefined) return [];
  const value = overrides[key];
  if (typeof value !== "string")
    return `${PEERS_KEY}: must be a string of ;-separated VM, scale-set or instance ARM IDs`;
  return value
    .split(";")
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
}
