// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * The emulator's ARM state outlives its process: captures, operations and extensions come back
 * from the state dir, and a capture whose tcpdump died with the emulator reports what Network
 * Watcher reports after losing its agent (Error, AgentStopped) with what it had captured uploaded.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { BlobServiceClient } from "@azure/storage-blob";
import { startArmEmulator, type ArmEmulator } from "../../../local/armEmulator";
import { startAzurite, type RunningAzurite } from "./support/azurite";
import { TOKEN, sdkClients } from "./support/clients";
import { WATCHER, WATCHER_RG, captureOn, vmId } from "./support/emulatorFixture";
import { blobLocation, downloadBlob, exchange, startEchoServer } from "./support/traffic";

jest.setTimeout(120_000);

let stateDir: string;
let azurite: RunningAzurite;

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), "armemu-restart-"));
  azurite = await startAzurite();
}, 60_000);

/** An emulator a failed assertion left running: stopped before its state dir goes. */
let unstopped: ArmEmulator | undefined;

afterAll(async () => {
  await unstopped?.stop();
  await azurite?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

/** What Network Watcher reports for a session whose agent was lost: Error, AgentStopped. */
async function expectLostAgent(clients: ReturnType<typeof sdkClients>, name: string) {
  const status = await clients.network.packetCaptures.beginGetStatusAndWait(
    WATCHER_RG,
    WATCHER,
    name,
  );
  expect(status).toMatchObject({
    packetCaptureStatus: "Error",
    packetCaptureError: ["AgentStopped"],
  });
}

const start = () =>
  startArmEmulator({ stateDir, token: TOKEN, storageConnectionString: azurite.connectionString });

test("a running capture survives the emulator's restart as Error/AgentStopped, its packets uploaded; finished ones and extensions stay as they were", async () => {
  const echo = await startEchoServer();
  const first = await start();
  unstopped = first;
  const { network } = sdkClients(first);
  const done = await network.packetCaptures.beginCreateAndWait(
    WATCHER_RG,
    WATCHER,
    "pc-done",
    captureOn(vmId("vm-done"), { timeLimitInSeconds: 1 }),
    { updateIntervalInMs: 100 },
  );
  const running = await network.packetCaptures.beginCreateAndWait(
    WATCHER_RG,
    WATCHER,
    "pc-lost",
    captureOn(vmId("vm-lost"), { timeLimitInSeconds: 600 }),
    { updateIntervalInMs: 100 },
  );
  // Someone removed this VM's agent: a fresh emulator would have it installed again.
  first.faults.add({ kind: "agentMissing", target: vmId("vm-gone") });
  await exchange(echo.port, ["before the crash"]);
  for (let i = 0; i < 50; i++) {
    const status = await network.packetCaptures.beginGetStatusAndWait(
      WATCHER_RG,
      WATCHER,
      "pc-done",
    );
    if (status.packetCaptureStatus === "Stopped") break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await first.stop();
  unstopped = undefined;
  await echo.close();

  const second = await start();
  try {
    const again = sdkClients(second);
    await expectLostAgent(again, "pc-lost");
    const kept = await again.network.packetCaptures.get(WATCHER_RG, WATCHER, "pc-lost");
    expect(kept.storageLocation?.storagePath).toBe(running.storageLocation?.storagePath);
    const file = path.join(stateDir, "partial.cap");
    await downloadBlob(azurite.connectionString, kept.storageLocation?.storagePath as string, file);
    const bytes = await readFile(file);
    expect(bytes.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(bytes.includes(Buffer.from("before the crash"))).toBe(true);

    const finished = await again.network.packetCaptures.beginGetStatusAndWait(
      WATCHER_RG,
      WATCHER,
      "pc-done",
    );
    expect(finished).toMatchObject({ packetCaptureStatus: "Stopped", stopReason: "TimeExceeded" });
    expect(done.provisioningState).toBe("Succeeded");
    const extensions = await again.compute.virtualMachineExtensions.list("rg-app", "vm-gone");
    expect(extensions.value ?? []).toEqual([]);
    expect(second.sessions()).toEqual([]);
  } finally {
    await second.stop();
  }
});

test("a running ring survives the restart the same way: Error/AgentStopped, the slot it was writing uploaded", async () => {
  const echo = await startEchoServer();
  const first = await start();
  unstopped = first;
  const ring = await sdkClients(first).network.packetCaptures.beginCreateAndWait(
    WATCHER_RG,
    WATCHER,
    "ring-lost",
    captureOn(vmId("vm-ring-lost"), {
      continuousCapture: true,
      captureSettings: { fileCount: 3, fileSizeInBytes: 1_000_000, sessionTimeLimitInSeconds: 600 },
      filters: [{ protocol: "TCP", localPort: String(echo.port) }],
    }),
    { updateIntervalInMs: 100 },
  );
  await exchange(echo.port, ["ring before the crash"]);
  await first.stop();
  unstopped = undefined;
  await echo.close();

  const second = await start();
  try {
    const again = sdkClients(second);
    await expectLostAgent(again, "ring-lost");
    const { container, blobName } = blobLocation(ring.storageLocation?.storagePath as string);
    const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString)
      .getContainerClient(container)
      .listBlobsFlat({ prefix: `${blobName}/` });
    const names: string[] = [];
    for await (const b of blobs) names.push(b.name);
    expect(names).toHaveLength(1);
    const file = path.join(stateDir, "ring-slot.cap");
    const url = `${ring.storageLocation?.storagePath as string}/${names[0]!.split("/").pop()!}`;
    await downloadBlob(azurite.connectionString, url, file);
    expect((await readFile(file)).includes(Buffer.from("ring before the crash"))).toBe(true);
    expect(second.sessions()).toEqual([]);
  } finally {
    await second.stop();
  }
});

test("a running scale-set capture survives the restart per instance: Error/AgentStopped, each instance's file uploaded", async () => {
  const echo = await startEchoServer();
  const first = await start();
  unstopped = first;
  const set = vmId("ss-lost").replace("/virtualMachines/", "/virtualMachineScaleSets/");
  const created = await sdkClients(first).network.packetCaptures.beginCreateAndWait(
    WATCHER_RG,
    WATCHER,
    "ss-lost",
    captureOn(set, {
      targetType: "AzureVMSS",
      timeLimitInSeconds: 600,
      filters: [{ protocol: "TCP", localPort: String(echo.port) }],
    }),
    { updateIntervalInMs: 100 },
  );
  await exchange(echo.port, ["set before the crash"]);
  await first.stop();
  unstopped = undefined;
  await echo.close();

  const second = await start();
  try {
    await expectLostAgent(sdkClients(second), "ss-lost");
    const { container, blobName } = blobLocation(created.storageLocation?.storagePath as string);
    const names: string[] = [];
    for await (const b of BlobServiceClient.fromConnectionString(azurite.connectionString)
      .getContainerClient(container)
      .listBlobsFlat({ prefix: `${blobName}/` }))
      names.push(b.name.slice(blobName.length));
    // The default scale set's two instances, each with its own partial file.
    expect(names.map((n) => n.split("/").slice(0, 3).join("/")).sort()).toEqual([
      "/virtualmachines/0",
      "/virtualmachines/1",
    ]);
    expect(second.sessions()).toEqual([]);
  } finally {
    await second.stop();
  }
});
