/**
 * Typed adapters over @azure/arm-network v39 and @azure/arm-compute for the calls activities
 * make. They translate SDK shapes into ours and nothing else: errors propagate for the activity
 * to classify.
 */
import type { PacketCapture } from "@azure/arm-network";
import { isNotFound } from "./armErrors";
import type { AzureClients } from "./clients";
import {
  AGENT_DEFAULT_NAME,
  AGENT_PUBLISHER,
  AGENT_TYPE_HANDLER_VERSION,
  AGENT_TYPES,
  type ExtensionInfo,
} from "../domain/agentExtension";
import type { CaptureSettings, CaptureTarget, WatcherRef } from "../domain/types";
import type { CaptureSessionStatus, CaptureStatusOutput } from "../domain/captureStatus";
import type { InstanceScope, ScaleSetInstance } from "../domain/instanceFiles";

export interface WatcherInfo extends WatcherRef {
  location?: string;
}

export interface TargetInfo {
  location: string;
  osType?: string;
  /** A scale set's `upgradePolicy.mode` (Automatic, Manual, Rolling). */
  upgradeMode?: string;
}

function resourceGroupOf(id: string | undefined): string | undefined {
  return /\/resourcegroups\/([^/]+)/i.exec(id ?? "")?.[1];
}

export async function getTarget(clients: AzureClients, target: CaptureTarget): Promise<TargetInfo> {
  const compute = clients.compute(target.subscriptionId);
  if (target.kind === "virtualMachine") {
    const vm = await compute.virtualMachines.get(target.resourceGroup, target.name);
    return { location: vm.location, osType: vm.storageProfile?.osDisk?.osType };
  }
  const set = await compute.virtualMachineScaleSets.get(target.resourceGroup, target.name);
  return {
    location: set.location,
    osType: set.virtualMachineProfile?.storageProfile?.osDisk?.osType,
    ...(set.upgradePolicy?.mode && { upgradeMode: set.upgradePolicy.mode }),
  };
}

export async function listWatchers(
  clients: AzureClients,
  subscriptionId: string,
): Promise<WatcherInfo[]> {
  const watchers: WatcherInfo[] = [];
  for await (const watcher of clients.network(subscriptionId).networkWatchers.listAll()) {
    const resourceGroup = resourceGroupOf(watcher.id);
    if (watcher.name && resourceGroup)
      watchers.push({
        subscriptionId,
        resourceGroup,
        name: watcher.name,
        location: watcher.location,
      });
  }
  return watchers;
}

export async function getWatcher(clients: AzureClients, ref: WatcherRef): Promise<WatcherInfo> {
  const watcher = await clients
    .network(ref.subscriptionId)
    .networkWatchers.get(ref.resourceGroup, ref.name);
  return { ...ref, location: watcher.location };
}

export interface CaptureResource {
  name: string;
  target?: string;
  provisioningState?: string;
  storagePath?: string;
  /** A scale-set capture's instance scope, as Network Watcher keeps it. */
  scope?: InstanceScope;
}

export async function listCaptures(
  clients: AzureClients,
  watcher: WatcherRef,
): Promise<CaptureResource[]> {
  const captures: CaptureResource[] = [];
  for await (const capture of clients
    .network(watcher.subscriptionId)
    .packetCaptures.list(watcher.resourceGroup, watcher.name)) {
    if (capture.name)
      captures.push({
        name: capture.name,
        target: capture.target,
        provisioningState: capture.provisioningState,
        storagePath: capture.storageLocation?.storagePath,
      });
  }
  return captures;
}

export async function getCapture(
  clients: AzureClients,
  watcher: WatcherRef,
  name: string,
): Promise<CaptureResource | undefined> {
  try {
    const capture = await clients
      .network(watcher.subscriptionId)
      .packetCaptures.get(watcher.resourceGroup, watcher.name, name);
    return {
      name,
      target: capture.target,
      provisioningState: capture.provisioningState,
      storagePath: capture.storageLocation?.storagePath,
      ...(capture.scope && { scope: capture.scope }),
    };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function getCaptureStatus(
  clients: AzureClients,
  watcher: WatcherRef,
  name: string,
): Promise<CaptureStatusOutput> {
  const result = await clients
    .network(watcher.subscriptionId)
    .packetCaptures.getStatus(watcher.resourceGroup, watcher.name, name);
  return {
    status: (result.packetCaptureStatus ?? "Unknown") as CaptureSessionStatus,
    stopReason: result.stopReason || undefined,
    errors: result.packetCaptureError ?? [],
    captureStartTime: result.captureStartTime?.toISOString(),
  };
}

export async function createCapture(
  clients: AzureClients,
  watcher: WatcherRef,
  target: CaptureTarget,
  name: string,
  settings: CaptureSettings,
): Promise<{ id?: string; provisioningState?: string }> {
  const parameters: PacketCapture = {
    target: target.resourceId,
    targetType: target.kind === "virtualMachine" ? "AzureVM" : "AzureVMSS",
    bytesToCapturePerPacket: settings.bytesToCapturePerPacket,
    totalBytesPerSession: settings.totalBytesPerSession,
    timeLimitInSeconds: settings.timeLimitInSeconds,
    storageLocation: { storageId: settings.storageAccountId },
    filters: settings.filters,
    // A recorder's ring: Network Watcher rotates files itself and ignores the one-shot limits.
    ...(settings.ring && { continuousCapture: true, captureSettings: settings.ring }),
    // A scale set's instances to capture on; without it Network Watcher captures on all.
    ...(settings.scope && target.kind === "virtualMachineScaleSet" && { scope: settings.scope }),
  };
  const result = await clients
    .network(watcher.subscriptionId)
    .packetCaptures.create(watcher.resourceGroup, watcher.name, name, parameters);
  return { id: result.id, provisioningState: result.provisioningState };
}

/** Stop and delete treat "already gone" as done: both are cleanup, and cleanup must be idempotent. */
export async function stopCapture(
  clients: AzureClients,
  watcher: WatcherRef,
  name: string,
): Promise<void> {
  try {
    await clients
      .network(watcher.subscriptionId)
      .packetCaptures.stop(watcher.resourceGroup, watcher.name, name);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

export async function deleteCapture(
  clients: AzureClients,
  watcher: WatcherRef,
  name: string,
): Promise<void> {
  try {
    await clients
      .network(watcher.subscriptionId)
      .packetCaptures.delete(watcher.resourceGroup, watcher.name, name);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

export async function listExtensions(
  clients: AzureClients,
  target: CaptureTarget,
): Promise<ExtensionInfo[]> {
  const compute = clients.compute(target.subscriptionId);
  if (target.kind === "virtualMachine") {
    const result = await compute.virtualMachineExtensions.list(target.resourceGroup, target.name);
    return (result.value ?? []).map((e) => ({
      name: e.name,
      publisher: e.publisher,
      type: e.typePropertiesType,
      provisioningState: e.provisioningState,
    }));
  }
  const extensions: ExtensionInfo[] = [];
  for await (const e of compute.virtualMachineScaleSetExtensions.list(
    target.resourceGroup,
    target.name,
  )) {
    extensions.push({
      name: e.name,
      publisher: e.publisher,
      type: e.typePropertiesType,
      provisioningState: e.provisioningState,
    });
  }
  return extensions;
}

export async function installAgent(
  clients: AzureClients,
  target: CaptureTarget,
  info: TargetInfo,
): Promise<void> {
  const compute = clients.compute(target.subscriptionId);
  const type = info.osType?.toLowerCase() === "windows" ? AGENT_TYPES.Windows : AGENT_TYPES.Linux;
  const extension = {
    publisher: AGENT_PUBLISHER,
    typePropertiesType: type,
    typeHandlerVersion: AGENT_TYPE_HANDLER_VERSION,
    autoUpgradeMinorVersion: true,
  };
  if (target.kind === "virtualMachine") {
    await compute.virtualMachineExtensions.createOrUpdate(
      target.resourceGroup,
      target.name,
      AGENT_DEFAULT_NAME,
      { location: info.location, ...extension },
    );
  } else {
    await compute.virtualMachineScaleSetExtensions.createOrUpdate(
      target.resourceGroup,
      target.name,
      AGENT_DEFAULT_NAME,
      extension,
    );
  }
}

/** A scale set's VM as Compute lists it: its ID and name, and what it runs of the set's model. */
export interface ScaleSetVm extends ScaleSetInstance {
  /** False when the set's model changed (e.g. an extension added) and this VM was not updated. */
  latestModelApplied?: boolean;
  /** The VM's own extensions (its `resources`): what it actually runs. */
  extensions: ExtensionInfo[];
}

export async function listScaleSetInstances(
  clients: AzureClients,
  target: CaptureTarget,
): Promise<ScaleSetVm[]> {
  const vms: ScaleSetVm[] = [];
  for await (const vm of clients
    .compute(target.subscriptionId)
    .virtualMachineScaleSetVMs.list(target.resourceGroup, target.name)) {
    if (vm.instanceId === undefined) continue;
    vms.push({
      instanceId: vm.instanceId,
      ...(vm.name && { name: vm.name }),
      ...(vm.latestModelApplied !== undefined && { latestModelApplied: vm.latestModelApplied }),
      extensions: (vm.resources ?? []).map((e) => ({
        name: e.name,
        publisher: e.publisher,
        type: e.typePropertiesType,
        provisioningState: e.provisioningState,
      })),
    });
  }
  return vms;
}
