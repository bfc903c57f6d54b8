// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * VM and scale-set extensions. A machine starts with the Network Watcher agent installed (as
 * `AzureNetworkWatcherExtension`) unless the inventory says otherwise; the agent is recognised by
 * publisher and type, never by name, because Azure lets it be installed under any name.
 *
 * A scale set's instances run its model's extensions, except an instance left behind: under a
 * Manual upgrade policy a model change (an extension PUT on the set) reaches no instance until it
 * is upgraded (`az vmss update-instances`), so each instance keeps the extensions it ran
 * (`latestModelApplied: false`); under Automatic or Rolling the emulator applies it at once
 * (EMULATION: Azure rolls it out over time). An inventory instance with `agentInstalled: false`
 * starts left behind without the agent.
 */
import type { ComputeTarget } from "../armIds";
import type { AgentRegistry } from "../faults";
import type { Inventory, ScaleSetInstanceRecord } from "../inventory";

export interface ExtensionRecord {
  name: string;
  publisher: string;
  type: string;
  typeHandlerVersion?: string;
  autoUpgradeMinorVersion?: boolean;
  enableAutomaticUpgrade?: boolean;
  settings?: unknown;
  provisioningState: "Creating" | "Updating" | "Succeeded" | "Failed";
}

export const AGENT_PUBLISHER = "Microsoft.Azure.NetworkWatcher";
const AGENT_TYPES = ["networkwatcheragentlinux", "networkwatcheragentwindows"];

export function isNetworkWatcherAgent(ext: Pick<ExtensionRecord, "publisher" | "type">): boolean {
  return (
    ext.publisher.toLowerCase() === AGENT_PUBLISHER.toLowerCase() &&
    AGENT_TYPES.includes(ext.type.toLowerCase())
  );
}

export class ExtensionStore implements AgentRegistry {
  private readonly byTarget = new Map<string, Map<string, ExtensionRecord>>();
  /** Instances not on the latest model, by `{set key}#{instanceId}`: the extensions they still run. */
  private readonly leftBehind = new Map<string, ExtensionRecord[]>();
  /** Inventory instances already put in their initial left-behind state. */
  private readonly seeded = new Set<string>();

  constructor(private readonly inventory: Inventory) {}

  list(target: ComputeTarget): ExtensionRecord[] {
    return [...this.extensions(target).values()];
  }

  get(target: ComputeTarget, name: string): ExtensionRecord | undefined {
    return this.extensions(target).get(name.toLowerCase());
  }

  put(target: ComputeTarget, record: ExtensionRecord): void {
    if (
      target.kind === "virtualMachineScaleSets" &&
      this.inventory.upgradeMode(target) === "Manual"
    )
      for (const instance of this.inventory.instances(target)) {
        // Before the model changes: what each instance runs now is what it keeps.
        const { extensions } = this.instanceState(target, instance);
        this.leftBehind.set(instanceKey(target, instance.instanceId), extensions);
      }
    this.extensions(target).set(record.name.toLowerCase(), record);
  }

  /** What a scale-set instance runs: its set's model, or what it kept when left behind. */
  instanceState(
    set: ComputeTarget,
    instance: ScaleSetInstanceRecord,
  ): { extensions: ExtensionRecord[]; latestModelApplied: boolean } {
    const key = instanceKey(set, instance.instanceId);
    if (!instance.agentInstalled && !this.leftBehind.has(key) && !this.seeded.has(key)) {
      this.seeded.add(key);
      this.leftBehind.set(
        key,
        this.list(set).filter((e) => !isNetworkWatcherAgent(e)),
      );
    }
    const kept = this.leftBehind.get(key);
    return kept
      ? { extensions: kept, latestModelApplied: false }
      : { extensions: this.list(set), latestModelApplied: true };
  }

  /** Whether one scale-set instance runs a working agent. */
  instanceHasAgent(set: ComputeTarget, instance: ScaleSetInstanceRecord): boolean {
    return this.instanceState(set, instance).extensions.some(
      (e) => isNetworkWatcherAgent(e) && e.provisioningState === "Succeeded",
    );
  }

  /** Every VM's extensions, for the state file. */
  saved(): Record<string, ExtensionRecord[]> {
    return Object.fromEntries([...this.byTarget].map(([key, map]) => [key, [...map.values()]]));
  }

  /** Extensions of an emulator that was killed; an install still running then ended with it. */
  restore(saved: Readonly<Record<string, readonly ExtensionRecord[]>>): void {
    for (const [key, records] of Object.entries(saved)) {
      const settled = records.map((r): ExtensionRecord =>
        r.provisioningState === "Succeeded" ? r : { ...r, provisioningState: "Failed" },
      );
      this.byTarget.set(key, new Map(settled.map((r) => [r.name.toLowerCase(), r])));
    }
  }

  hasAgent(target: ComputeTarget): boolean {
    return this.list(target).some(
      (e) => isNetworkWatcherAgent(e) && e.provisioningState === "Succeeded",
    );
  }

  uninstallAgent(target: ComputeTarget): void {
    const extensions = this.extensions(target);
    for (const [key, ext] of extensions) if (isNetworkWatcherAgent(ext)) extensions.delete(key);
  }

  private extensions(target: ComputeTarget): Map<string, ExtensionRecord> {
    let extensions = this.byTarget.get(target.key);
    if (!extensions) {
      extensions = new Map();
      if (this.inventory.agentInitiallyInstalled(target)) {
        const agent: ExtensionRecord = {
          name: "AzureNetworkWatcherExtension",
          publisher: AGENT_PUBLISHER,
          type: "NetworkWatcherAgentLinux",
          typeHandlerVersion: "1.4",
          autoUpgradeMinorVersion: true,
          provisioningState: "Succeeded",
        };
        extensions.set(agent.name.toLowerCase(), agent);
      }
      this.byTarget.set(target.key, extensions);
    }
    return extensions;
  }
}

function instanceKey(set: ComputeTarget, instanceId: string): string {
  return `${set.key}#${instanceId}`;
}
