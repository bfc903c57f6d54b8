/**
 * An in-memory subscription for activity unit tests: just the SDK methods lib/azure's adapters
 * call, answering as the SDK does (RestError with ARM's status and code). Each test states the
 * world it needs; the activity runs through its injected environment in milliseconds.
 */
import { RestError } from "@azure/core-rest-pipeline";
import type { ActivityEnv } from "../../../lib/workflow/activity";

export const SUB = "6d3e1f0a-2b4c-4d5e-8f90-a1b2c3d4e5f6";
export const VM_ID = `/subscriptions/${SUB}/resourceGroups/app-rg/providers/Microsoft.Compute/virtualMachines/web-1`;
export const TARGET = {
  resourceId: VM_ID,
  subscriptionId: SUB,
  resourceGroup: "app-rg",
  name: "web-1",
  kind: "virtualMachine" as const,
};
export const VMSS_TARGET = {
  resourceId: `/subscriptions/${SUB}/resourceGroups/app-rg/providers/Microsoft.Compute/virtualMachineScaleSets/web-set`,
  subscriptionId: SUB,
  resourceGroup: "app-rg",
  name: "web-set",
  kind: "virtualMachineScaleSet" as const,
};
/** The agent extension as Compute lists it, under its documented name. */
export const AGENT = {
  name: "AzureNetworkWatcherExtension",
  publisher: "Microsoft.Azure.NetworkWatcher",
  type: "NetworkWatcherAgentLinux",
};
/** Capture settings a startCapture test sends when they are not what it is about. */
export const SETTINGS = {
  timeLimitInSeconds: 60,
  totalBytesPerSession: 1024,
  bytesToCapturePerPacket: 0,
  filters: [],
  storageAccountId:
    "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/caps",
};
export const WATCHER = { subscriptionId: SUB, resourceGroup: "NetworkWatcherRG", name: "nw-weu" };

export interface FakeCapture {
  target: string;
  provisioningState?: string;
  status?: string;
  stopReason?: string;
  errors?: string[];
  storagePath?: string;
  /** The PUT's scale-set scope, as sent. */
  scope?: { include?: string[]; exclude?: string[] };
}

export interface FakeWorld {
  vmLocation?: string;
  osType?: string;
  watchers?: Array<{ name: string; resourceGroup: string; location: string }>;
  captures?: Record<string, FakeCapture>;
  extensions?: Array<{ name: string; publisher: string; type: string; provisioningState?: string }>;
  /**
   * A scale set (the target when VMSS_TARGET is used): `extensions` are its model's; each instance
   * runs the agent or not, whatever the model says (as under a Manual upgrade policy).
   */
  scaleSet?: { upgradeMode?: string; instances: Array<{ instanceId: string; agent: boolean }> };
  /** An error every call of this method throws, e.g. `{ "virtualMachines.get": forbidden() }`. */
  failures?: Record<string, Error>;
  settings?: Record<string, unknown>;
}

export const armError = (statusCode: number, code: string, message = code) =>
  new RestError(message, { statusCode, code });
export const notFound = () => armError(404, "NotFound", "The resource was not found.");
export const forbidden = () =>
  armError(403, "AuthorizationFailed", "The client does not have authorization.");
export const throttled = () => armError(429, "TooManyRequests", "Rate limit.");

/** Calls the activity made, in order, as "resource.method name". */
export type CallLog = string[];

export function fakeEnv(world: FakeWorld): { env: ActivityEnv; calls: CallLog; world: FakeWorld } {
  const calls: CallLog = [];
  const captures = (world.captures ??= {});
  const call = <T>(method: string, detail: string, answer: () => T): Promise<T> => {
    calls.push(`${method} ${detail}`.trim());
    const failure = world.failures?.[method];
    if (failure) return Promise.reject(failure);
    try {
      return Promise.resolve(answer());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  };
  const capture = (name: string): FakeCapture => {
    const found = captures[name];
    if (!found) throw notFound();
    return found;
  };
  async function* iterate<T>(method: string, items: () => T[]): AsyncGenerator<T> {
    for (const item of await call(method, "", items)) yield item;
  }
  const network = {
    networkWatchers: {
      listAll: () =>
        iterate("networkWatchers.listAll", () =>
          (world.watchers ?? []).map((w) => ({
            name: w.name,
            location: w.location,
            id: `/subscriptions/${SUB}/resourceGroups/${w.resourceGroup}/providers/Microsoft.Network/networkWatchers/${w.name}`,
          })),
        ),
      get: (_rg: string, name: string) =>
        call("networkWatchers.get", name, () => {
          const w = (world.watchers ?? []).find((x) => x.name === name);
          if (!w) throw notFound();
          return { name: w.name, location: w.location };
        }),
    },
    packetCaptures: {
      list: () =>
        iterate("packetCaptures.list", () =>
          Object.entries(captures).map(([name, c]) => ({
            name,
            target: c.target,
            provisioningState: c.provisioningState ?? "Succeeded",
          })),
        ),
      get: (_rg: string, _w: string, name: string) =>
        call("packetCaptures.get", name, () => {
          const c = capture(name);
          return {
            name,
            target: c.target,
            provisioningState: c.provisioningState ?? "Succeeded",
            storageLocation: { storagePath: c.storagePath },
          };
        }),
      getStatus: (_rg: string, _w: string, name: string) =>
        call("packetCaptures.getStatus", name, () => {
          const c = capture(name);
          return {
            packetCaptureStatus: c.status ?? "Running",
            stopReason: c.stopReason ?? "",
            packetCaptureError: c.errors ?? [],
          };
        }),
      create: (
        _rg: string,
        _w: string,
        name: string,
        parameters: { target: string; scope?: FakeCapture["scope"] },
      ) =>
        call("packetCaptures.create", name, () => {
          if (captures[name]) throw armError(409, "Conflict", "A capture with this name exists.");
          captures[name] = {
            target: parameters.target,
            status: "Running",
            ...(parameters.scope && { scope: parameters.scope }),
          };
          return { id: `${name}-id`, provisioningState: "Succeeded" };
        }),
      stop: (_rg: string, _w: string, name: string) =>
        call("packetCaptures.stop", name, () => {
          capture(name).status = "Stopped";
        }),
      delete: (_rg: string, _w: string, name: string) =>
        call("packetCaptures.delete", name, () => {
          capture(name);
          delete captures[name];
        }),
    },
  };
  const extensionList = () =>
    (world.extensions ?? []).map((e) => ({
      name: e.name,
      publisher: e.publisher,
      typePropertiesType: e.type,
      provisioningState: e.provisioningState ?? "Succeeded",
    }));
  const AGENT_RESOURCE = {
    name: AGENT.name,
    publisher: AGENT.publisher,
    typePropertiesType: AGENT.type,
    provisioningState: "Succeeded",
  };
  /** An extension PUT on a VM or a scale set's model: it joins `world.extensions`. */
  const install =
    (method: string) =>
    (_rg: string, machine: string, name: string, ext: Record<string, unknown>) =>
      call(method, `${machine}/${name}`, () => {
        (world.extensions ??= []).push({
          name,
          publisher: String(ext.publisher),
          type: String(ext.typePropertiesType),
        });
        return ext;
      });
  const compute = {
    virtualMachineScaleSets: {
      get: (_rg: string, name: string) =>
        call("virtualMachineScaleSets.get", name, () => ({
          location: world.vmLocation ?? "westeurope",
          upgradePolicy: { mode: world.scaleSet?.upgradeMode ?? "Automatic" },
          virtualMachineProfile: {
            storageProfile: { osDisk: { osType: world.osType ?? "Linux" } },
          },
        })),
    },
    virtualMachineScaleSetExtensions: {
      list: () => iterate("virtualMachineScaleSetExtensions.list", extensionList),
      createOrUpdate: install("virtualMachineScaleSetExtensions.createOrUpdate"),
    },
    virtualMachineScaleSetVMs: {
      list: (_rg: string, set: string) =>
        iterate("virtualMachineScaleSetVMs.list", () =>
          (world.scaleSet?.instances ?? []).map((i) => ({
            instanceId: i.instanceId,
            name: `${set}_${i.instanceId}`,
            latestModelApplied: i.agent,
            resources: i.agent ? [AGENT_RESOURCE] : [],
          })),
        ),
    },
    virtualMachines: {
      get: (_rg: string, name: string) =>
        call("virtualMachines.get", name, () => ({
          location: world.vmLocation ?? "westeurope",
          storageProfile: { osDisk: { osType: world.osType ?? "Linux" } },
        })),
    },
    virtualMachineExtensions: {
      list: (_rg: string, vm: string) =>
        call("virtualMachineExtensions.list", vm, () => ({ value: extensionList() })),
      createOrUpdate: install("virtualMachineExtensions.createOrUpdate"),
    },
  };
  const env = {
    settings: { CAPTURE_SESSION_LIMIT: 10000, CAPTURE_INSTALL_AGENT: false, ...world.settings },
    log: () => undefined,
    clients: { network: () => network, compute: () => compute },
  } as unknown as ActivityEnv;
  return { env, calls, world };
}
