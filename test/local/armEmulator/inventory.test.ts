// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * An inventory file: a VM in another region captured inside a network namespace we create (veth pair),
 * a watcher that is not named NetworkWatcher_<region>, a VM without the agent, and a session limit of 1.
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { InventoryFile } from "../../../local/armEmulator";
import { WATCHER, WATCHER_RG, captureOn, useEmulator, vmId } from "./support/emulatorFixture";
import { downloadBlob, tsharkFields } from "./support/traffic";

const run = promisify(execFile);
const pid = process.pid;
const NETNS = `nwemu${pid}`;
const HOST_IF = `nwh${pid}`;
const VM_IF = `nwv${pid}`;
// A /30 of 100.64.0.0/10 derived from the pid, so parallel test workers never share addresses.
const NET = `100.${64 + ((pid >> 14) & 63)}.${(pid >> 6) & 255}`;
const HOST_IP = `${NET}.${((pid & 63) << 2) + 1}`;
const VM_IP = `${NET}.${((pid & 63) << 2) + 2}`;
const VM_NS = vmId("vm-east", "rg-east");
const VM_NOAGENT = vmId("vm-bare");
const VM_WEST = vmId("vm-west");
const inventoryFile = path.join(tmpdir(), `armemu-inventory-${pid}.json`);

const sh = (cmd: string, ...args: string[]) => run(cmd, args, { timeout: 10_000 });

beforeAll(async () => {
  await sh("ip", "netns", "add", NETNS);
  await sh("ip", "link", "add", HOST_IF, "type", "veth", "peer", "name", VM_IF);
  await sh("ip", "link", "set", VM_IF, "netns", NETNS);
  await sh("ip", "addr", "add", `${HOST_IP}/30`, "dev", HOST_IF);
  await sh("ip", "link", "set", HOST_IF, "up");
  await sh("ip", "netns", "exec", NETNS, "ip", "addr", "add", `${VM_IP}/30`, "dev", VM_IF);
  await sh("ip", "netns", "exec", NETNS, "ip", "link", "set", VM_IF, "up");
  const inventory: InventoryFile = {
    vms: {
      [VM_NS]: { netns: NETNS, interface: VM_IF, region: "East US" },
      [VM_NOAGENT]: { agentInstalled: false },
    },
    networkWatchers: [{ resourceGroup: "rg-net", name: "eastus-watcher", region: "eastus" }],
  };
  writeFileSync(inventoryFile, JSON.stringify(inventory));
});

afterAll(async () => {
  await sh("ip", "netns", "del", NETNS).catch(() => undefined);
  await rm(inventoryFile, { force: true });
});

const f = useEmulator({ inventoryFile, sessionLimit: 1 });

afterEach(async () => {
  for (const [rg, watcher] of [
    [WATCHER_RG, WATCHER],
    ["rg-net", "eastus-watcher"],
  ] as const) {
    for await (const c of f.network.packetCaptures.list(rg, watcher))
      await f.network.packetCaptures.delete(rg, watcher, c.name ?? "");
  }
  expect(f.emulator.sessions()).toEqual([]);
});

/** A TCP connection attempt to a closed port in the namespace: a SYN in, a RST out — real packets both ways. */
async function knock(port: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const socket = connect({ host: VM_IP, port, timeout: 3000 });
    socket.once("error", () => resolve());
    socket.once("timeout", () => {
      socket.destroy();
      resolve();
    });
    socket.once("connect", () => {
      socket.destroy();
      resolve();
    });
  });
}

test("watchers: the default region's auto-created one plus the configured, differently named one", async () => {
  const names: string[] = [];
  for await (const w of f.network.networkWatchers.listAll()) names.push(`${w.name}@${w.location}`);
  expect(names.sort()).toEqual(["NetworkWatcher_westeurope@westeurope", "eastus-watcher@eastus"]);
  const inGroup: string[] = [];
  for await (const w of f.network.networkWatchers.list("RG-NET")) inGroup.push(w.name ?? "");
  expect(inGroup).toEqual(["eastus-watcher"]);
  await expect(f.compute.virtualMachines.get("rg-east", "vm-east")).resolves.toMatchObject({
    location: "eastus",
  });
});

test("a VM mapped to a namespace interface is captured there, with local/remote filters oriented to the VM", async () => {
  const created = await f.network.packetCaptures.create(
    "rg-net",
    "eastus-watcher",
    "pc-ns",
    captureOn(VM_NS, { filters: [{ protocol: "TCP", localIPAddress: VM_IP, localPort: "7001" }] }),
  );
  expect(f.emulator.sessions()).toEqual([
    expect.objectContaining({ netns: NETNS, interface: VM_IF, status: "Running" }),
  ]);
  await knock(7001);
  await knock(7002);
  await f.network.packetCaptures.stop("rg-net", "eastus-watcher", "pc-ns");
  const file = path.join(f.scratch, "ns.cap");
  await downloadBlob(f.azurite.connectionString, created.storageLocation?.storagePath ?? "", file);
  const packets = await tsharkFields(file, "tcp", [
    "ip.src",
    "tcp.srcport",
    "ip.dst",
    "tcp.dstport",
    "tcp.flags.syn",
    "tcp.flags.reset",
  ]);
  // Received by the VM (local is the destination), then sent by it (local is the source); port 7002 filtered out.
  expect(packets).toEqual([
    [HOST_IP, expect.any(String), VM_IP, "7001", "1", "0"],
    [VM_IP, "7001", HOST_IP, expect.any(String), "0", "1"],
  ]);
});

test("a target outside the watcher's region is refused", async () => {
  await expect(
    f.network.packetCaptures.create(WATCHER_RG, WATCHER, "pc-wrong-region", captureOn(VM_NS)),
  ).rejects.toMatchObject({
    statusCode: 400,
    code: "TargetNotInNetworkWatcherRegion",
  });
});

test("a VM configured without the agent has no Network Watcher extension", async () => {
  const { value = [] } = await f.compute.virtualMachineExtensions.list("rg-app", "vm-bare");
  expect(value).toEqual([]);
});

test("the regional session limit counts running sessions per subscription and region", async () => {
  await f.network.packetCaptures.create(WATCHER_RG, WATCHER, "pc-first", captureOn(VM_WEST));
  await expect(
    f.network.packetCaptures.create(WATCHER_RG, WATCHER, "pc-second", captureOn(VM_WEST)),
  ).rejects.toMatchObject({
    statusCode: 400,
    code: "PacketCaptureSessionLimitReached",
  });
  // Another region has its own budget.
  await expect(
    f.network.packetCaptures.create("rg-net", "eastus-watcher", "pc-east", captureOn(VM_NS)),
  ).resolves.toMatchObject({ provisioningState: "Succeeded" });
  // A stopped session no longer counts.
  await f.network.packetCaptures.stop(WATCHER_RG, WATCHER, "pc-first");
  await expect(
    f.network.packetCaptures.create(WATCHER_RG, WATCHER, "pc-second", captureOn(VM_WEST)),
  ).resolves.toMatchObject({ provisioningState: "Succeeded" });
});
