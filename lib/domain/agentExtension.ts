/**
 * The Network Watcher agent VM extension is found by publisher and type, never by name:
 * Microsoft notes it may be installed under a name other than AzureNetworkWatcherExtension.
 */
export const AGENT_PUBLISHER = "Microsoft.Azure.NetworkWatcher";
export const AGENT_TYPES = {
  Linux: "NetworkWatcherAgentLinux",
  Windows: "NetworkWatcherAgentWindows",
} as const;
export const AGENT_DEFAULT_NAME = "AzureNetworkWatcherExtension";
export const AGENT_TYPE_HANDLER_VERSION = "1.4";

export interface ExtensionInfo {
  name?: string;
  publisher?: string;
  type?: string;
  provisioningState?: string;
}

export function findAgent(extensions: ExtensionInfo[]): ExtensionInfo | undefined {
  const types: string[] = Object.values(AGENT_TYPES).map((t) => t.toLowerCase());
  return extensions.find(
    (e) =>
      e.publisher?.toLowerCase() === AGENT_PUBLISHER.toLowerCase() &&
      types.includes((e.type ?? "").toLowerCase()),
  );
}

/** The scale-set instances (in scope) that do not run the agent: they would capture nothing. */
export function instancesWithoutAgent(
  instances: ReadonlyArray<{ instanceId: string; extensions: ExtensionInfo[] }>,
): string[] {
  return instances
    .filter((i) => {
      const agent = findAgent(i.extensions);
      return !agent || agent.provisioningState?.toLowerCase() === "failed";
    })
    .map((i) => i.instanceId);
}

/** The Azure CLI command that brings instances up to their scale set's model (the agent included). */
export function updateInstancesCommand(
  target: { resourceGroup: string; name: string },
  instanceIds: readonly string[],
): string {
  return `az vmss update-instances --resource-group ${target.resourceGroup} --name ${target.name} --instance-ids ${instanceIds.join(" ")}`;
}

/** Azure reports regions in two spellings ("West Europe" from some APIs, "westeurope" from others). */
export function sameRegion(a: string | undefined, b: string | undefined): boolean {
  const norm = (r: string | undefined) => (r ?? "").replace(/\s+/g, "").toLowerCase();
  return norm(a) !== "" && norm(a) === norm(b);
}
