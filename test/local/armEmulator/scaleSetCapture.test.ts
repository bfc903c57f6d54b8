// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * A scale set in the emulator: Compute lists its instances, and a capture runs one tcpdump per
 * instance in scope, each uploading its own file under the documented folder (several instances)
 * or as the documented single-instance file, through the real SDK clients.
 */
import { writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { BlobServiceClient } from "@azure/storage-blob";
import { SUBSCRIPTION } from "./support/clients";
import { WATCHER, WATCHER_RG, captureOn, useEmulator } from "./support/emulatorFixture";
import { blobLocation, eventually } from "./support/traffic";

jest.setTimeout(90_000);

const SET = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachineScaleSets/ss-three`;
const MANUAL = SET.replace("ss-three", "ss-manual");
const inventoryFile = path.join(tmpdir(), `armemu-vmss-inventory-${process.pid}.json`);
beforeAll(() => {
  const instances = ["0", "1", "3"].map((instanceId) => ({ instanceId }));
  const manual = {
    upgradePolicy: "Manual",
    instances: [{ instanceId: "0" }, { instanceId: "1", agentInstalled: false }],
  };
  writeFileSync(
    inventoryFile,
    JSON.stringify({ scaleSets: { [SET]: { instances }, [MANUAL]: manual } }),
  );
});
afterAll(() => rm(inventoryFile, { force: true }));

const f = useEmulator({ inventoryFile });

async function blobsUnder(storagePath: string): Promise<string[]> {
  const { container, blobName } = blobLocation(storagePath);
  const names: string[] = [];
  const client = BlobServiceClient.fromConnectionString(
    f.azurite.connectionString,
  ).getContainerClient(container);
  for await (const blob of client.listBlobsFlat({ prefix: blobName.replace(/\.cap$/, "") }))
    names.push(blob.name.slice(blobName.replace(/\.cap$/, "").length));
  return names.sort();
}

async function stopped(name: string): Promise<{ status?: string; stopReason?: string }> {
  return eventually(
    async () => {
      const s = await f.network.packetCaptures.getStatus(WATCHER_RG, WATCHER, name);
      return s.packetCaptureStatus === "Stopped" || s.packetCaptureStatus === "Error"
        ? { status: s.packetCaptureStatus, stopReason: s.stopReason }
        : undefined;
    },
    30_000,
    `${name} to end`,
  );
}

test("Compute lists the set's instances with their names, model state and extensions", async () => {
  const vms = [];
  for await (const vm of f.compute.virtualMachineScaleSetVMs.list("rg-app", "ss-three"))
    vms.push(vm);
  expect(vms.map((v) => [v.instanceId, v.name, v.latestModelApplied])).toEqual([
    ["0", "ss-three_0", true],
    ["1", "ss-three_1", true],
    ["3", "ss-three_3", true],
  ]);
  expect(vms[0]!.resources?.map((r) => r.publisher)).toEqual(["Microsoft.Azure.NetworkWatcher"]);
});

test("every instance captures into its own file under the folder; one that failed to upload has none", async () => {
  f.emulator.faults.add({ kind: "storageFailed", target: SET, instanceId: "1" });
  const created = await f.network.packetCaptures.create(
    WATCHER_RG,
    WATCHER,
    "pc-three",
    captureOn(SET, { targetType: "AzureVMSS", timeLimitInSeconds: 2 }),
  );
  const storagePath = created.storageLocation?.storagePath ?? "";
  // Several instances: a folder, no extension (documented).
  expect(blobLocation(storagePath).blobName).toMatch(
    /virtualmachinescalesets\/ss-three\/\d{4}\/\d{2}\/\d{2}\/packetcapture_\d{2}_\d{2}_\d{2}_\d{3}$/,
  );
  expect(f.emulator.sessions()).toHaveLength(1);
  expect(await stopped("pc-three")).toEqual({ status: "Stopped", stopReason: "TimeExceeded" });
  const files = await blobsUnder(storagePath);
  expect(files).toEqual([
    expect.stringMatching(/^\/virtualmachines\/0\/packetcapture_[\d_]+\.cap$/),
    expect.stringMatching(/^\/virtualmachines\/3\/packetcapture_[\d_]+\.cap$/),
  ]);
  await f.network.packetCaptures.delete(WATCHER_RG, WATCHER, "pc-three");
});

test("a scope of one instance writes the documented single-instance file; a scope selecting none is refused", async () => {
  const created = await f.network.packetCaptures.create(
    WATCHER_RG,
    WATCHER,
    "pc-one",
    captureOn(SET, {
      targetType: "AzureVMSS",
      timeLimitInSeconds: 1,
      scope: { include: ["ss-three_3", "1"], exclude: ["1"] },
    }),
  );
  const storagePath = created.storageLocation?.storagePath ?? "";
  expect(blobLocation(storagePath).blobName).toMatch(
    /virtualmachinescalesets\/ss-three\/virtualmachines\/3\/\d{4}\/\d{2}\/\d{2}\/packetcapture_[\d_]+\.cap$/,
  );
  await stopped("pc-one");
  expect(await blobsUnder(storagePath)).toEqual([".cap"]);
  await f.network.packetCaptures.delete(WATCHER_RG, WATCHER, "pc-one");

  await expect(
    f.network.packetCaptures.create(
      WATCHER_RG,
      WATCHER,
      "pc-none",
      captureOn(SET, { targetType: "AzureVMSS", scope: { include: ["7"] } }),
    ),
  ).rejects.toMatchObject({ statusCode: 400, code: "InvalidRequestFormat" });
});

test("Manual upgrade policy: a model change reaches no instance, and an instance without the agent captures nothing", async () => {
  const set = await f.compute.virtualMachineScaleSets.get("rg-app", "ss-manual");
  expect(set.upgradePolicy?.mode).toBe("Manual");
  const state = async () => {
    const rows: Array<[string, boolean | undefined, string[]]> = [];
    for await (const vm of f.compute.virtualMachineScaleSetVMs.list("rg-app", "ss-manual"))
      rows.push([vm.instanceId!, vm.latestModelApplied, (vm.resources ?? []).map((r) => r.name!)]);
    return rows;
  };
  expect(await state()).toEqual([
    ["0", true, ["AzureNetworkWatcherExtension"]],
    ["1", false, []],
  ]);
  // Another extension on the model: instance 0 keeps what it ran, instance 1 too.
  await f.compute.virtualMachineScaleSetExtensions.createOrUpdate("rg-app", "ss-manual", "other", {
    publisher: "Contoso",
    typePropertiesType: "Other",
    typeHandlerVersion: "1.0",
  });
  expect(await state()).toEqual([
    ["0", false, ["AzureNetworkWatcherExtension"]],
    ["1", false, []],
  ]);

  const created = await f.network.packetCaptures.create(
    WATCHER_RG,
    WATCHER,
    "pc-manual",
    captureOn(MANUAL, { targetType: "AzureVMSS", timeLimitInSeconds: 1 }),
  );
  expect(await stopped("pc-manual")).toMatchObject({ status: "Stopped" });
  expect(await blobsUnder(created.storageLocation?.storagePath ?? "")).toEqual([
    expect.stringMatching(/^\/virtualmachines\/0\//),
  ]);
  await f.network.packetCaptures.delete(WATCHER_RG, WATCHER, "pc-manual");
});
