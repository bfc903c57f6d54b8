/**
 * The ARM emulator against Azure's own API specs. The production adapters in lib/azure drive the
 * emulator through the real SDK clients over the app's whole call set (discovery, agent check and
 * install, create, status, list, stop, delete, LRO polling, error answers, throttling and failed
 * operations); the emulator records every exchange, and each one is validated with Microsoft's `oav`
 * against the vendored specs in ./azure-rest-api-specs. Zero violations, or the emulator has drifted.
 * Scale-set capture starts go through the startCapture activity itself, so its instance listing
 * (VirtualMachineScaleSetVMs_List) is recorded as production code makes it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startCapture } from "../../activities/startCapture";
import type { AzureClients } from "../../lib/azure/clients";
import { readActivitySettings } from "../../lib/config/appSettings";
import * as adapters from "../../lib/azure/networkWatcher";
import type { CaptureSettings, WatcherRef } from "../../lib/domain/types";
import { SUBSCRIPTION, emulatedTarget } from "../local/armEmulator/support/clients";
import {
  STORAGE,
  WATCHER,
  WATCHER_RG,
  useEmulator,
} from "../local/armEmulator/support/emulatorFixture";
import { loadArmContract, readTraffic, type ExchangeVerdict } from "./support/armContract";

const trafficDir = mkdtempSync(path.join(tmpdir(), "arm-traffic-"));
const inventoryDir = mkdtempSync(path.join(tmpdir(), "arm-inventory-"));
afterAll(() => {
  rmSync(trafficDir, { recursive: true, force: true });
  rmSync(inventoryDir, { recursive: true, force: true });
});

const target = emulatedTarget;

/**
 * A Manual-policy set whose instance 1 still runs a model without the agent: its VM list answers
 * `latestModelApplied: false` with that instance's own extensions, a shape the spec must accept too.
 */
const manualSet = target("virtualMachineScaleSet", "ss-manual");
const inventoryFile = path.join(inventoryDir, "inventory.json");
writeFileSync(
  inventoryFile,
  JSON.stringify({
    scaleSets: {
      [manualSet.resourceId]: {
        upgradePolicy: "Manual",
        instances: [{ instanceId: "0" }, { instanceId: "1", agentInstalled: false }],
      },
    },
  }),
);

const f = useEmulator({ trafficDir, inventoryFile });

/** The production adapters only need these two clients for ARM. */
function adapterClients(): AzureClients {
  const unused = (): never => {
    throw new Error("blob access is not part of the ARM contract");
  };
  return {
    network: () => f.network,
    compute: () => f.compute,
    blob: unused,
    container: unused,
    captureContainer: unused,
    downloadLink: unused,
  };
}

const settings: CaptureSettings = {
  timeLimitInSeconds: 60,
  totalBytesPerSession: 1_048_576,
  bytesToCapturePerPacket: 0,
  filters: [{ protocol: "TCP", localPort: "80;443", remoteIPAddress: "10.0.0.1-10.0.0.9" }],
  storageAccountId: STORAGE,
};

/** Runs the app's ARM call set; returns after every call has been answered. */
async function driveAppCallSet(): Promise<void> {
  const clients = adapterClients();
  const watcher: WatcherRef = {
    subscriptionId: SUBSCRIPTION,
    resourceGroup: WATCHER_RG,
    name: WATCHER,
  };
  const vm = target("virtualMachine", "vm-contract");
  const vmss = target("virtualMachineScaleSet", "ss-contract");

  expect(await adapters.listWatchers(clients, SUBSCRIPTION)).toContainEqual(
    expect.objectContaining({ name: WATCHER }),
  );
  expect(await adapters.getWatcher(clients, watcher)).toMatchObject({ location: "westeurope" });
  for (const t of [vm, vmss]) {
    const info = await adapters.getTarget(clients, t);
    expect(info).toMatchObject({ location: "westeurope", osType: "Linux" });
    expect((await adapters.listExtensions(clients, t)).length).toBeGreaterThan(0);
    await adapters.installAgent(clients, t, info);
  }

  await adapters.createCapture(clients, watcher, vm, "pc-contract", settings);
  expect(await adapters.getCapture(clients, watcher, "pc-contract")).toMatchObject({
    provisioningState: "Succeeded",
  });
  expect((await adapters.getCaptureStatus(clients, watcher, "pc-contract")).status).toBe("Running");
  expect(await adapters.listCaptures(clients, watcher)).toHaveLength(1);
  await adapters.stopCapture(clients, watcher, "pc-contract");
  expect(await adapters.getCaptureStatus(clients, watcher, "pc-contract")).toMatchObject({
    status: "Stopped",
    stopReason: "Manual",
  });
  await expect(
    adapters.createCapture(clients, watcher, vm, "pc-contract", settings),
  ).rejects.toMatchObject({
    statusCode: 409,
  });
  await adapters.deleteCapture(clients, watcher, "pc-contract");

  // Answers to what no longer exists: 404 on GET and POST, 204 on DELETE.
  expect(await adapters.getCapture(clients, watcher, "pc-contract")).toBeUndefined();
  await adapters.stopCapture(clients, watcher, "pc-contract");
  await adapters.deleteCapture(clients, watcher, "pc-contract");

  // Throttling and server errors the SDK retries, honouring Retry-After.
  f.emulator.faults.add({
    kind: "throttle",
    operation: "NetworkWatchers_ListAll",
    retryAfterSeconds: 0,
  });
  f.emulator.faults.add({ kind: "serverError", operation: "PacketCaptures_List", status: 503 });
  await adapters.listWatchers(clients, SUBSCRIPTION);
  await adapters.listCaptures(clients, watcher);

  // Failed long-running operations: a Failed Azure-AsyncOperation, and a failed Location poll.
  f.emulator.faults.add({
    kind: "lroFailure",
    operation: "PacketCaptures_Create",
    code: "InternalError",
  });
  await expect(adapters.createCapture(clients, watcher, vm, "pc-failed", settings)).rejects.toThrow(
    /long-running operation has failed/,
  );
  expect(await adapters.getCaptureStatus(clients, watcher, "pc-failed")).toMatchObject({
    status: "Error",
  });
  f.emulator.faults.add({ kind: "lroFailure", operation: "PacketCaptures_Stop", code: "Conflict" });
  await expect(adapters.stopCapture(clients, watcher, "pc-failed")).rejects.toThrow();
  f.emulator.faults.add({
    kind: "lroFailure",
    operation: "VirtualMachineExtensions_CreateOrUpdate",
  });
  await expect(adapters.installAgent(clients, vm, { location: "westeurope" })).rejects.toThrow();
  await adapters.deleteCapture(clients, watcher, "pc-failed");

  await driveScaleSetStarts(clients, watcher, vmss);
}

/**
 * Scale-set capture starts as the activity makes them: the agent check, the set's VM list, and
 * either the capture create (scoped to one instance) or the refusal naming the instance that lacks
 * the agent. The created capture is deleted again.
 */
async function driveScaleSetStarts(
  clients: AzureClients,
  watcher: WatcherRef,
  vmss: ReturnType<typeof target>,
): Promise<void> {
  const activitySettings = readActivitySettings({ CAPTURE_INSTALL_AGENT: "true" });
  if (!activitySettings.ok) throw new Error(activitySettings.message);
  const env = { settings: activitySettings.value, clients, log: () => undefined };
  const scoped = { ...settings, scope: { include: ["0"] } };
  expect(
    await startCapture({ watcher, target: vmss, name: "pc-vmss", settings: scoped }, env),
  ).toMatchObject({ ok: true, value: { name: "pc-vmss" } });
  expect(await adapters.getCapture(clients, watcher, "pc-vmss")).toMatchObject({
    scope: { include: ["0"] },
  });
  await adapters.deleteCapture(clients, watcher, "pc-vmss");
  expect(
    await startCapture({ watcher, target: manualSet, name: "pc-manual", settings }, env),
  ).toMatchObject({ ok: false, failure: { code: "AgentNotOnInstances" } });
}

let verdicts: ExchangeVerdict[] = [];

beforeAll(async () => {
  await driveAppCallSet();
  await f.emulator.stop();
  const contract = await loadArmContract();
  verdicts = await Promise.all(
    (await readTraffic(trafficDir)).map(({ file, traffic }) => contract.check(file, traffic)),
  );
}, 60_000);

test("every recorded exchange matches Microsoft's specs: 0 violations", () => {
  const violations = verdicts.filter((v) => v.issues.length > 0);
  expect(violations).toEqual([]);
});

test("the recording covers the app's Network Watcher and Compute call sets, LRO polls and errors", () => {
  const checked = new Set(verdicts.flatMap((v) => (v.specOperation ? [v.specOperation] : [])));
  expect([...checked].sort()).toEqual(
    expect.arrayContaining([
      "AzureAsyncOperation_Get",
      "NetworkWatchers_Get",
      "NetworkWatchers_ListAll",
      "PacketCaptures_Create",
      "PacketCaptures_Delete",
      "PacketCaptures_Get",
      "PacketCaptures_GetStatus",
      "PacketCaptures_List",
      "PacketCaptures_Stop",
      "VirtualMachineScaleSets_Get",
      "VirtualMachines_Get",
      "VirtualMachineExtensions_CreateOrUpdate",
      "VirtualMachineExtensions_Get",
      "VirtualMachineExtensions_List",
      "VirtualMachineScaleSetExtensions_CreateOrUpdate",
      "VirtualMachineScaleSetExtensions_Get",
      "VirtualMachineScaleSetExtensions_List",
      "VirtualMachineScaleSetVMs_List",
    ]),
  );
  expect(verdicts.length).toBeGreaterThan(30);
});

test("no exchange goes unchecked: each one matched an operation of a vendored spec", () => {
  expect(verdicts.filter((v) => !v.specOperation).map((v) => `${v.operation} (${v.file})`)).toEqual(
    [],
  );
});
