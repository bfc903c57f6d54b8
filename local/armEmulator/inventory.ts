// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * What the emulated subscription contains. By default it behaves like a fresh subscription: every VM
 * or scale-set ID exists, in the default region, captured on loopback, and each subscription has one
 * auto-created watcher per region, `NetworkWatcher_<region>` in `NetworkWatcherRG`. An inventory file
 * overrides per VM (interface, network namespace, region, agent missing) and may replace a region's
 * watcher with a differently named one, so discovery code cannot get away with guessing names:
 *
 *   { "region": "westeurope",
 *     "vms": { "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1":
 *              { "netns": "capns", "interface": "veth-vm1", "region": "eastus", "agentInstalled": false } },
 *     "networkWatchers": [ { "resourceGroup": "rg-net", "name": "eastus-watcher", "region": "eastus" } ] }
 *
 * Scale sets (`scaleSets`, keyed by the set's ID) list their instances, each captured where it says
 * (interface / network namespace; the set's placement by default). EMULATION: a scale set the
 * inventory does not list has two instances, "0" and "1", both on the set's placement.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { parseComputeTargetId, type ComputeTarget } from "./armIds";

const inventoryFile = z
  .object({
    region: z.string().min(1).optional(),
    vms: z
      .record(
        z.string(),
        z.strictObject({
          interface: z.string().min(1).optional(),
          netns: z.string().min(1).optional(),
          region: z.string().min(1).optional(),
          agentInstalled: z.boolean().optional(),
        }),
      )
      .optional(),
    scaleSets: z
      .record(
        z.string(),
        z.strictObject({
          upgradePolicy: z.enum(["Automatic", "Manual", "Rolling"]).optional(),
          instances: z
            .array(
              z.strictObject({
                instanceId: z.string().regex(/^\d{1,9}$/),
                interface: z.string().min(1).optional(),
                netns: z.string().min(1).optional(),
                /** false: this instance was never updated to a model with the agent (Manual policy). */
                agentInstalled: z.boolean().optional(),
              }),
            )
            .min(1)
            .max(100),
        }),
      )
      .optional(),
    networkWatchers: z
      .array(
        z.strictObject({
          subscriptionId: z.string().optional(),
          resourceGroup: z.string().min(1),
          name: z.string().min(1),
          region: z.string().min(1),
        }),
      )
      .optional(),
  })
  .strict();

export type InventoryFile = z.infer<typeof inventoryFile>;

export interface Placement {
  region: string;
  interface: string;
  netns?: string;
}

export interface NetworkWatcherRecord {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  region: string;
  id: string;
}

interface VmOverride {
  placement: Placement;
  agentInstalled: boolean;
}

/** One VM of a scale set: its instance ID and where its traffic is captured. */
export interface ScaleSetInstanceRecord {
  instanceId: string;
  placement: Placement;
  /** False when the instance starts without the agent its set's model has. */
  agentInstalled: boolean;
}

export type UpgradeMode = "Automatic" | "Manual" | "Rolling";

type InstanceOverride = { instanceId: string; agentInstalled?: boolean } & Partial<Placement>;

const DEFAULT_INSTANCE_IDS = ["0", "1"];

export const DEFAULT_REGION = "westeurope";
const LOOPBACK = "lo";

export class Inventory {
  private readonly vms = new Map<string, VmOverride>();
  private readonly scaleSets = new Map<
    string,
    { instances: InstanceOverride[]; upgradePolicy: UpgradeMode }
  >();
  private readonly explicitWatchers: Array<
    Omit<NetworkWatcherRecord, "id" | "subscriptionId"> & { subscriptionId?: string }
  >;

  private constructor(
    readonly defaultRegion: string,
    file: InventoryFile,
  ) {
    for (const [id, vm] of Object.entries(file.vms ?? {})) {
      const target = parseComputeTargetId(id);
      if (!target) throw new Error(`inventory: '${id}' is not a VM or scale-set resource ID`);
      this.vms.set(target.key, {
        placement: {
          region: normalizeRegion(vm.region ?? defaultRegion),
          interface: vm.interface ?? LOOPBACK,
          ...(vm.netns && { netns: vm.netns }),
        },
        agentInstalled: vm.agentInstalled ?? true,
      });
    }
    for (const [id, set] of Object.entries(file.scaleSets ?? {})) {
      const target = parseComputeTargetId(id);
      if (target?.kind !== "virtualMachineScaleSets")
        throw new Error(`inventory: '${id}' is not a scale-set resource ID`);
      this.scaleSets.set(target.key, {
        instances: set.instances,
        upgradePolicy: set.upgradePolicy ?? "Automatic",
      });
    }
    this.explicitWatchers = (file.networkWatchers ?? []).map((w) => ({
      ...w,
      region: normalizeRegion(w.region),
    }));
  }

  static async load(opts: { inventoryFile?: string; region?: string }): Promise<Inventory> {
    const file = opts.inventoryFile
      ? inventoryFile.parse(JSON.parse(await readFile(opts.inventoryFile, "utf8")))
      : {};
    return new Inventory(normalizeRegion(opts.region ?? file.region ?? DEFAULT_REGION), file);
  }

  placement(target: ComputeTarget): Placement {
    return (
      this.vms.get(target.key)?.placement ?? { region: this.defaultRegion, interface: LOOPBACK }
    );
  }

  /** A scale set's instances, each with its placement (the set's unless the inventory says otherwise). */
  instances(target: ComputeTarget): ScaleSetInstanceRecord[] {
    const set = this.placement(target);
    const listed: InstanceOverride[] =
      this.scaleSets.get(target.key)?.instances ??
      DEFAULT_INSTANCE_IDS.map((instanceId) => ({ instanceId }));
    return listed.map((i) => ({
      instanceId: i.instanceId,
      agentInstalled: i.agentInstalled ?? true,
      placement: {
        region: set.region,
        interface: i.interface ?? set.interface,
        ...((i.netns ?? set.netns) && { netns: i.netns ?? set.netns }),
      },
    }));
  }

  /** A scale set's `upgradePolicy.mode`; EMULATION: Automatic unless the inventory says otherwise. */
  upgradeMode(target: ComputeTarget): UpgradeMode {
    return this.scaleSets.get(target.key)?.upgradePolicy ?? "Automatic";
  }

  agentInitiallyInstalled(target: ComputeTarget): boolean {
    return this.vms.get(target.key)?.agentInstalled ?? true;
  }

  /** One watcher per region the subscription has resources in: the default region and every configured one. */
  watchers(subscriptionId: string): NetworkWatcherRecord[] {
    const regions = new Set([
      this.defaultRegion,
      ...[...this.vms.values()].map((v) => v.placement.region),
    ]);
    for (const w of this.explicitWatchers) if (appliesTo(w, subscriptionId)) regions.add(w.region);
    return [...regions].map((region) => {
      const explicit = this.explicitWatchers.find(
        (w) => w.region === region && appliesTo(w, subscriptionId),
      );
      return watcherRecord(
        subscriptionId,
        explicit?.resourceGroup ?? "NetworkWatcherRG",
        explicit?.name ?? `NetworkWatcher_${region}`,
        region,
      );
    });
  }

  watcher(
    subscriptionId: string,
    resourceGroup: string,
    name: string,
  ): NetworkWatcherRecord | undefined {
    return this.watchers(subscriptionId).find(
      (w) =>
        w.resourceGroup.toLowerCase() === resourceGroup.toLowerCase() &&
        w.name.toLowerCase() === name.toLowerCase(),
    );
  }
}

function appliesTo(w: { subscriptionId?: string }, subscriptionId: string): boolean {
  return (
    w.subscriptionId === undefined ||
    w.subscriptionId.toLowerCase() === subscriptionId.toLowerCase()
  );
}

function watcherRecord(
  subscriptionId: string,
  resourceGroup: string,
  name: string,
  region: string,
): NetworkWatcherRecord {
  const id = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/networkWatchers/${name}`;
  return { subscriptionId, resourceGroup, name, region, id };
}

/** ARM location names are lower-case without spaces ("West Europe" → "westeurope"). */
function normalizeRegion(region: string): string {
  return region.replace(/\s+/g, "").toLowerCase();
}
