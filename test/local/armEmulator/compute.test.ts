// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/** The Compute calls an agent check makes, through the real @azure/arm-compute v25 client. */
import type { VirtualMachineExtension } from "@azure/arm-compute";
import { SUBSCRIPTION } from "./support/clients";
import { WATCHER, WATCHER_RG, captureOn, useEmulator, vmId } from "./support/emulatorFixture";
import { blobLocation } from "./support/traffic";

const f = useEmulator();

const isAgent = (e: VirtualMachineExtension): boolean =>
  e.publisher === "Microsoft.Azure.NetworkWatcher" &&
  e.typePropertiesType === "NetworkWatcherAgentLinux";

test("a VM exists in the configured region, is Linux, and has the Network Watcher agent", async () => {
  const vm = await f.compute.virtualMachines.get("rg-app", "vm-c1");
  expect(vm).toMatchObject({ id: vmId("vm-c1"), name: "vm-c1", location: "westeurope" });
  expect(vm.storageProfile?.osDisk?.osType).toBe("Linux");
  const { value = [] } = await f.compute.virtualMachineExtensions.list("rg-app", "vm-c1");
  expect(value.filter(isAgent)).toEqual([
    expect.objectContaining({
      name: "AzureNetworkWatcherExtension",
      provisioningState: "Succeeded",
    }),
  ]);
});

test("without the agent the capture's create operation fails; installing the extension through Compute fixes it", async () => {
  const vm = vmId("vm-noagent");
  f.emulator.faults.add({ kind: "agentMissing", target: vm });
  const { value = [] } = await f.compute.virtualMachineExtensions.list("rg-app", "vm-noagent");
  expect(value.filter(isAgent)).toEqual([]);
  await expect(
    f.network.packetCaptures.create(WATCHER_RG, WATCHER, "pc-noagent", captureOn(vm)),
  ).rejects.toThrow(/The long-running operation has failed\. NetworkWatcherAgentNotInstalled/);
  await f.network.packetCaptures.delete(WATCHER_RG, WATCHER, "pc-noagent");

  const installed = await f.compute.virtualMachineExtensions.createOrUpdate(
    "rg-app",
    "vm-noagent",
    "NetworkWatcherAgent",
    {
      location: "westeurope",
      publisher: "Microsoft.Azure.NetworkWatcher",
      typePropertiesType: "NetworkWatcherAgentLinux",
      typeHandlerVersion: "1.4",
      autoUpgradeMinorVersion: true,
    },
  );
  expect(installed).toMatchObject({ name: "NetworkWatcherAgent", provisioningState: "Succeeded" });
  await expect(
    f.network.packetCaptures.create(WATCHER_RG, WATCHER, "pc-noagent", captureOn(vm)),
  ).resolves.toMatchObject({ provisioningState: "Succeeded" });
  await f.network.packetCaptures.delete(WATCHER_RG, WATCHER, "pc-noagent");
});

test("scale sets: get, paged extension list, and a capture whose blob sits under virtualmachinescalesets/", async () => {
  const vmss = await f.compute.virtualMachineScaleSets.get("rg-app", "ss-web");
  expect(vmss).toMatchObject({ name: "ss-web", location: "westeurope" });
  const extensions: VirtualMachineExtension[] = [];
  for await (const e of f.compute.virtualMachineScaleSetExtensions.list("rg-app", "ss-web"))
    extensions.push(e as VirtualMachineExtension);
  expect(extensions.filter(isAgent)).toHaveLength(1);

  const target = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachineScaleSets/ss-web`;
  const created = await f.network.packetCaptures.create(
    WATCHER_RG,
    WATCHER,
    "pc-vmss",
    captureOn(target, { targetType: "AzureVMSS", scope: { include: ["0"] } }),
  );
  expect(created).toMatchObject({ targetType: "AzureVMSS", scope: { include: ["0"] } });
  expect(blobLocation(created.storageLocation?.storagePath ?? "").blobName).toMatch(
    /^subscriptions\/[^/]+\/resourcegroups\/rg-app\/providers\/microsoft\.compute\/virtualmachinescalesets\/ss-web\//,
  );
  await f.network.packetCaptures.delete(WATCHER_RG, WATCHER, "pc-vmss");
});

test("a failed extension install surfaces as the SDK's LRO error", async () => {
  f.emulator.faults.add({
    kind: "lroFailure",
    operation: "VirtualMachineExtensions_CreateOrUpdate",
    code: "VMExtensionProvisioningError",
    message: "install failed",
  });
  await expect(
    f.compute.virtualMachineExtensions.createOrUpdate("rg-app", "vm-c2", "NetworkWatcherAgent", {
      location: "westeurope",
      publisher: "Microsoft.Azure.NetworkWatcher",
      typePropertiesType: "NetworkWatcherAgentLinux",
    }),
  ).rejects.toThrow(
    "The long-running operation has failed. VMExtensionProvisioningError. install failed",
  );
});
