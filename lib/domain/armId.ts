/**
 * ARM resource IDs as Azure Monitor sends them. Azure mixes casing freely
 * (`resourcegroups` vs `resourceGroups`, `microsoft.compute` vs `Microsoft.Compute`), so
 * matching is case-insensitive while the caller's spelling is kept for display and for ARM.
 */
import type { CaptureTarget, TargetKind } from "./types";

const TARGET_PATTERN =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.compute\/(virtualmachines|virtualmachinescalesets)\/([^/]+)\/?$/i;

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
  const kind: TargetKind =
    type.toLowerCase() === "virtualmachines" ? "virtualMachine" : "virtualMachineScaleSet";
  return {
    resourceId: resourceId.trim().replace(/\/$/, ""),
    subscriptionId,
    resourceGroup,
    name,
    kind,
  };
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
  return { resourceId: resourceId.trim().replace(/\/$/, ""), subscriptionId, resourceGroup, name };
}

/** ARM IDs compare case-insensitively; this is the one canonical form used for keys and hashes. */
export function canonicalId(resourceId: string): string {
  return resourceId.trim().replace(/\/$/, "").toLowerCase();
}

/** True when `resourceId` lies within `scope` (a subscription or resource-group ID), ignoring case. */
export function isWithinScope(resourceId: string, scope: string): boolean {
  const id = canonicalId(resourceId);
  const prefix = canonicalId(scope);
  return id === prefix || id.startsWith(`${prefix}/`);
}
