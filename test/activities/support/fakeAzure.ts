/**
 * An in-memory subscription for activity unit tests: just the SDK methods lib/azure's adapters
 * call, answering as the SDK does (RestError with ARM's status and code), and a capture storage
 * account whose blobs are trusted as lib/azure/clients trusts them. Each test states the world it
 * needs; the activity runs through its injected environment in milliseconds.
 */
import { Readable } from "node:stream";
import { RestError } from "@azure/core-rest-pipeline";
import { BlobClient, ContainerClient } from "@azure/storage-blob";
import { untrustedBlobReason, UntrustedBlobUrl } from "../../../lib/domain/blobLocation";
import { parseStorageAccountId } from "../../../lib/domain/armId";
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
/** The one storage account the fake trusts, and its capture container's URL. */
export const STORAGE_ACCOUNT_ID = `/subscriptions/${SUB}/resourceGroups/app-rg/providers/Microsoft.Storage/storageAccounts/stcaps`;
export const CONTAINER_URL = "https://stcaps.blob.core.windows.net/network-watcher-logs";

export interface FakeCapture {
  target: string;
  provisioningState?: string;
  status?: string;
  stopReason?: string;
  errors?: string[];
  storagePath?: string;
  /** ISO; Network Watcher reports it once the capture runs. */
  captureStartTime?: string;
  /** The PUT's scale-set scope, as sent. */
  scope?: { include?: string[]; exclude?: string[] };
}

export interface FakeBlob {
  bytes: Buffer;
  /** ISO time of the last write; the epoch when unset. */
  lastModified?: string;
  contentType?: string;
  /** Storage answers a download without a body stream (as a browser client may). */
  noBody?: boolean;
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
  /** Blobs of the trusted account by URL (query ignored); uploads land here too. */
  blobs?: Record<string, FakeBlob>;
  /**
   * The capture container does not exist yet (Network Watcher creates it with its first file):
   * listing and uploads answer 404 ContainerNotFound, as Storage does, until it is created.
   */
  containerMissing?: boolean;
  /**
   * An error every call of this method throws, e.g. `{ "virtualMachines.get": forbidden() }`, or
   * only its calls for one resource: `{ "blob.download https://…/a.cap": forbidden() }`.
   */
  failures?: Record<string, Error>;
  settings?: Record<string, unknown>;
}

export const armError = (statusCode: number, code: string, message = code) =>
  new RestError(message, { statusCode, code });
export const notFound = () => armError(404, "NotFound", "The resource was not found.");
export const forbidden = () =>
  armError(403, "AuthorizationFailed", "The client does not have authorization.");
export const containerNotFound = () =>
  armError(404, "ContainerNotFound", "The specified container does not exist.");
export const throttled = () => armError(429, "TooManyRequests", "Rate limit.");
export const unavailable = () => armError(503, "ServerBusy", "The server is busy.");

/** Calls the activity made, in order, as "resource.method name". */
export type CallLog = string[];

export function fakeEnv(world: FakeWorld): { env: ActivityEnv; calls: CallLog; world: FakeWorld } {
  const calls: CallLog = [];
  const captures = (world.captures ??= {});
  const call = <T>(method: string, detail: string, answer: () => T): Promise<T> => {
    const named = `${method} ${detail}`.trim();
    calls.push(named);
    const failure = world.failures?.[named] ?? world.failures?.[method];
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
            captureStartTime: c.captureStartTime ? new Date(c.captureStartTime) : undefined,
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
    clients: { network: () => network, compute: () => compute, ...fakeStorage(world, call) },
  } as unknown as ActivityEnv;
  return { env, calls, world };
}

type Call = <T>(method: string, detail: string, answer: () => T) => Promise<T>;

/** A blob's URL as the SDK spells it (path encoded), without its query: the store's key. */
function blobKey(url: string): string {
  const key = new URL(new BlobClient(url).url);
  key.search = "";
  return key.toString();
}

/** The trusted account's blobs, through the methods the activities call, as the SDK answers. */
function fakeStorage(world: FakeWorld, call: Call) {
  const stored = (world.blobs ??= {});
  const stores = { accountIds: [STORAGE_ACCOUNT_ID] };
  const trusted = (url: string): void => {
    const reason = untrustedBlobReason(url, stores);
    if (reason) throw new UntrustedBlobUrl(reason);
  };
  const existing = (key: string): FakeBlob => {
    const found = Object.entries(stored).find(([url]) => blobKey(url) === key)?.[1];
    if (!found) throw armError(404, "BlobNotFound", "The specified blob does not exist.");
    return found;
  };
  const blob = (url: string) => {
    trusted(url);
    const sdk = new BlobClient(url);
    const key = blobKey(url);
    return {
      url: sdk.url,
      name: sdk.name,
      getProperties: () =>
        call("blob.getProperties", key, () => ({
          contentLength: existing(key).bytes.length,
          lastModified: new Date(existing(key).lastModified ?? 0),
        })),
      downloadToBuffer: (offset = 0, count?: number) =>
        call("blob.downloadToBuffer", key, () =>
          existing(key).bytes.subarray(offset, count === undefined ? undefined : offset + count),
        ),
      download: () =>
        call("blob.download", key, () => {
          const { bytes, noBody } = existing(key);
          return { readableStreamBody: noBody ? undefined : Readable.from([bytes]) };
        }),
      getBlockBlobClient: () => ({
        upload: (
          body: string,
          _length: number,
          options?: { blobHTTPHeaders?: { blobContentType?: string } },
        ) =>
          call("blockBlob.upload", key, () => {
            if (world.containerMissing) throw containerNotFound();
            const contentType = options?.blobHTTPHeaders?.blobContentType;
            stored[key] = { bytes: Buffer.from(body), contentType };
          }),
      }),
    };
  };
  const container = (url: string) => {
    trusted(`${url.replace(/\/+$/, "")}/ring`);
    const sdk = new ContainerClient(url);
    async function* listBlobsFlat({ prefix = "" }: { prefix?: string } = {}) {
      const listing = () => {
        if (world.containerMissing) throw containerNotFound();
        return (
          Object.entries(stored)
            .map(([blobUrl, b]) => ({ at: new BlobClient(blobUrl), b }))
            .filter(({ at }) => at.url.startsWith(`${sdk.url}/`) && at.name.startsWith(prefix))
            // Storage lists a container's blobs in name order.
            .sort((x, y) => (x.at.name < y.at.name ? -1 : x.at.name > y.at.name ? 1 : 0))
            .map(({ at, b }) => ({
              name: at.name,
              properties: {
                contentLength: b.bytes.length,
                lastModified: new Date(b.lastModified ?? 0),
              },
            }))
        );
      };
      for (const item of await call("container.listBlobsFlat", prefix, listing)) yield item;
    }
    return {
      url: sdk.url,
      listBlobsFlat,
      getBlobClient: (name: string) => blob(sdk.getBlobClient(name).url),
      getBlockBlobClient: (name: string) => blob(sdk.getBlobClient(name).url).getBlockBlobClient(),
      createIfNotExists: () =>
        call("container.createIfNotExists", sdk.url, () => {
          world.containerMissing = false;
          return {};
        }),
    };
  };
  return {
    blob,
    container,
    // The public cloud's endpoint, as the app's clients name it for an ARM ID (not the local runtime).
    captureContainer: (storageAccountId: string) => {
      const account = parseStorageAccountId(storageAccountId);
      if (!account) throw new UntrustedBlobUrl(`${storageAccountId} is not a storage account ID`);
      return container(`https://${account.name}.blob.core.windows.net/network-watcher-logs`);
    },
    downloadLink: (url: string, ttlSeconds: number) =>
      call("blob.downloadLink", blobKey(url), () => {
        trusted(url);
        return `${blobKey(url)}?sig=read-only&ttl=${ttlSeconds}`;
      }),
  };
}
