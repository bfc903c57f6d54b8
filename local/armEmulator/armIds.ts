// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * ARM resource IDs the emulator accepts. ARM compares IDs case-insensitively and Azure itself mixes
 * `resourceGroups`/`resourcegroups`, so parsing ignores case and `canonical` rebuilds the documented casing.
 */

export type ComputeKind = "virtualMachines" | "virtualMachineScaleSets";

export interface ComputeTarget {
  subscriptionId: string;
  resourceGroup: string;
  kind: ComputeKind;
  name: string;
  /** `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Compute/{kind}/{name}` */
  id: string;
  /** Lower-cased `id`: the identity used for lookups. */
  key: string;
}

export interface StorageAccountRef {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const COMPUTE_ID =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.compute\/(virtualmachines|virtualmachinescalesets)\/([^/]+)\/?$/i;
const STORAGE_ID =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.storage\/storageaccounts\/([^/]+)\/?$/i;

export function computeTarget(
  subscriptionId: string,
  resourceGroup: string,
  kind: ComputeKind,
  name: string,
): ComputeTarget {
  const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/${kind}/${name}`;
  return { subscriptionId, resourceGroup, kind, name, id, key: id.toLowerCase() };
}

export function parseComputeTargetId(id: string): ComputeTarget | undefined {
  const m = COMPUTE_ID.exec(id.trim());
  if (!m) return undefined;
  const [, sub, rg, kind, name] = m as unknown as [string, string, string, string, string];
  return computeTarget(
    sub,
    rg,
    kind.toLowerCase() === "virtualmachines" ? "virtualMachines" : "virtualMachineScaleSets",
    name,
  );
}

export function parseStorageAccountId(id: string): StorageAccountRef | undefined {
  const m = STORAGE_ID.exec(id.trim());
  if (!m) return undefined;
  const [, subscriptionId, resourceGroup, name] = m as unknown as [string, string, string, string];
  return { subscriptionId, resourceGroup, name };
}
