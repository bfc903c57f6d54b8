/**
 * ARM resource IDs as Azure Monitor sends them. Azure mixes casing freely
 * (`resourcegroups` vs `resourceGroups`, `microsoft.compute` vs `Microsoft.Compute`), so
 * matching is case-insensitive while the caller's spelling is kept for display and for ARM.
 */
import type { CaptureTarget, TargetKind, WatcherRef } from "./types";

/** Azure's length limits for the name segments we accept (Azure naming rules per resource type). */
export const ARM_NAME_LIMITS = {
  subscription: 36,
  resourceGroup: 90,
  virtualMachine: 64,
  networkWatcher: 80,
  packetCapture: 80,
} as const;

export type ArmSegment = keyof typeof ARM_NAME_LIMITS;

/**
 * Per segment, the characters Azure allows (a subscription is a GUID; resource groups take
 * letters, digits, `_().-`; VMs and scale sets anything but spaces, control characters and
 * `~!@#$%^&*()=+[]{}\|;:'",<>/?`; network resources alphanumerics, `_.-`, starting alphanumeric,
 * ending alphanumeric or `_`). Every rule refuses `.`, `..`, `%` and control characters, so no
 * name can become a dot-segment or an escape in an ARM URL.
 */
const SEGMENT_PATTERNS: Record<ArmSegment, RegExp> = {
  subscription: /^[0-9A-Za-z-]+$/,
  resourceGroup: /^[\p{L}\p{N}_().-]*[\p{L}\p{N}_()-]$/u,
  virtualMachine:
    /^[^\s\p{Cc}~!@#$%^&*()=+[\]{}\\|;:'",<>/?_][^\s\p{Cc}~!@#$%^&*()=+[\]{}\\|;:'",<>/?]*(?<![.-])$/u,
  networkWatcher: /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/,
  packetCapture: /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/,
};

/** Why `value` is not a valid name for the segment, or undefined when it is. Length first: patterns only ever see bounded input. */
export function armSegmentProblem(segment: ArmSegment, value: string): string | undefined {
  const limit = ARM_NAME_LIMITS[segment];
  if (value.length === 0 || value.length > limit)
    return `must be 1-${limit} characters (got ${value.length})`;
  return SEGMENT_PATTERNS[segment].test(value)
    ? undefined
    : `${JSON.stringify(value)} is not a valid Azure ${segment} name`;
}

const TARGET_PATTERN =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.compute\/(virtualmachines|virtualmachinescalesets)\/([^/]+)\/?$/i;

const INSTANCE_PATTERN =
  /^(\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.compute\/virtualmachinescalesets\/[^/]+)\/virtualmachines\/([^/]+)\/?$/i;

/** A uniform scale set's instance IDs are non-negative integers; no leading zero, so one ID has one spelling. */
const INSTANCE_ID = /^(?:0|[1-9][0-9]{0,9})$/;

const STORAGE_ACCOUNT_PATTERN =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.storage\/storageaccounts\/([a-z0-9]{3,24})\/?$/i;

/** A VM or scale-set ID, or undefined for anything else (a disk, a workspace, a VMSS instance…). */
export function parseCaptureTarget(resourceId: string): CaptureTarget | undefined {
  const match = TARGET_PATTERN.exec(resourceId.trim());
  if (!match) return undefined;
  const [, subscriptionId, resourceGroup, type, name] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (
    armSegmentProblem("subscription", subscriptionId) ||
    armSegmentProblem("resourceGroup", resourceGroup) ||
    armSegmentProblem("virtualMachine", name)
  )
    return undefined;
  const kind: TargetKind =
    foldCase(type) === "virtualmachines" ? "virtualMachine" : "virtualMachineScaleSet";
  return {
    resourceId: resourceId.trim().replace(/\/$/, ""),
    subscriptionId,
    resourceGroup,
    name,
    kind,
  };
}

/** One VM of a scale set, named by its ARM ID: the set to capture on and the instance within it. */
export interface ScaleSetInstanceRef {
  /** The scale set, parsed like any target (scope checks and captures apply to it). */
  set: CaptureTarget;
  instanceId: string;
}

/**
 * A scale-set instance's ID (`…/virtualMachineScaleSets/{set}/virtualMachines/{instanceId}`), or
 * undefined for anything else, including a set or instance name Azure would not accept.
 */
export function parseScaleSetInstance(resourceId: string): ScaleSetInstanceRef | undefined {
  const match = INSTANCE_PATTERN.exec(resourceId.trim());
  if (!match) return undefined;
  const [, setId, instanceId] = match as unknown as [string, string, string];
  const set = parseCaptureTarget(setId);
  if (!set || set.kind !== "virtualMachineScaleSet" || !INSTANCE_ID.test(instanceId))
    return undefined;
  return { set, instanceId };
}

export interface StorageAccountRef {
  resourceId: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

export function parseStorageAccountId(resourceId: string): StorageAccountRef | undefined {
  const match = STORAGE_ACCOUNT_PATTERN.exec(resourceId.trim());
  if (!match) return undefined;
  const [, subscriptionId, resourceGroup, name] = match as unknown as [
    string,
    string,
    string,
    string,
  ];
  if (armSegmentProblem("subscription", subscriptionId)) return undefined;
  if (armSegmentProblem("resourceGroup", resourceGroup)) return undefined;
  return { resourceId: resourceId.trim().replace(/\/$/, ""), subscriptionId, resourceGroup, name };
}

/**
 * Ordinal case-insensitive comparison folds ASCII letters only, as Azure compares ARM IDs.
 * `toLowerCase()` would also fold non-ASCII letters onto ASCII ones (the Kelvin sign U+212A
 * becomes `k`), letting a look-alike ID pass a scope check that ARM itself would not match.
 */
export function foldCase(text: string): string {
  let out = "";
  for (const char of text) out += char >= "A" && char <= "Z" ? char.toLowerCase() : char;
  return out;
}

/** ARM IDs compare case-insensitively; this is the one canonical form used for keys and hashes. */
export function canonicalId(resourceId: string): string {
  const trimmed = resourceId.trim();
  return foldCase(trimmed.endsWith("/") ? trimmed.slice(0, -1) : trimmed);
}

/** True when `resourceId` lies within `scope` (a subscription or resource-group ID), ignoring ASCII case. */
export function isWithinScope(resourceId: string, scope: string): boolean {
  const id = canonicalId(resourceId);
  const prefix = canonicalId(scope);
  return id === prefix || id.startsWith(`${prefix}/`);
}

/** A Network Watcher's ARM ID, for scope checks on a watcher a request names. */
export function watcherResourceId(watcher: WatcherRef): string {
  return `/subscriptions/${watcher.subscriptionId}/resourceGroups/${watcher.resourceGroup}/providers/Microsoft.Network/networkWatchers/${watcher.name}`;
}
