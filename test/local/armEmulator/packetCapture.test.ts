// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/** The emulator driven through the real @azure/arm-network v39 client, capturing real loopback traffic. */
import path from "node:path";
import type { NetworkWatcher } from "@azure/arm-network";
import { SUBSCRIPTION } from "./support/clients";
import { WATCHER_RG, captureOn, useEmulator, vmId } from "./support/emulatorFixture";
import {
  blobExists,
  blobLocation,
  downloadBlob,
  eventually,
  exchange,
  startEchoServer,
  tcpPayloads,
  tsharkFields,
  type EchoServer,
} from "./support/traffic";

const f = useEmulator({ pageSize: 2 });
const VM = vmId("vm-web1", "RG-App");
let echo: EchoServer;
let watcher: NetworkWatcher & { name: string };

beforeAll(async () => {
  echo = await startEchoServer();
  const watchers: NetworkWatcher[] = [];
  for await (const w of f.network.networkWatchers.listAll()) watchers.push(w);
  const found = watchers.find((w) => w.location === "westeurope");
  if (!found?.name) throw new Error("no watcher for westeurope");
  watcher = { ...found, name: found.name };
});

afterAll(async () => {
  await echo?.close();
});

afterEach(() => {
  expect(f.emulator.sessions()).toEqual([]);
});

const capture = (overrides: Parameters<typeof captureOn>[1] = {}) => captureOn(VM, overrides);

async function statusOf(name: string) {
  return f.network.packetCaptures.getStatus(WATCHER_RG, watcher.name, name);
}

async function waitUntilEnded(name: string) {
  return eventually(
    async () => {
      const s = await statusOf(name);
      return s.packetCaptureStatus === "Running" || s.packetCaptureStatus === "NotStarted"
        ? undefined
        : s;
    },
    20_000,
    `${name} to end`,
  );
}

test("a fresh subscription has one auto-created watcher per region, NetworkWatcher_<region> in NetworkWatcherRG", async () => {
  expect(watcher).toMatchObject({
    name: "NetworkWatcher_westeurope",
    location: "westeurope",
    provisioningState: "Succeeded",
  });
  expect(watcher.id).toBe(
    `/subscriptions/${SUBSCRIPTION}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/NetworkWatcher_westeurope`,
  );
  const got = await f.network.networkWatchers.get("networkwatcherrg", "networkwatcher_westeurope");
  expect(got.id).toBe(watcher.id);
});

test("create → Running → real traffic → stop → Stopped; the .cap is in Azurite at Network Watcher's layout and holds the packets", async () => {
  const name = "pc-happy";
  const created = await f.network.packetCaptures.create(
    WATCHER_RG,
    watcher.name,
    name,
    capture({ filters: [{ protocol: "TCP", localPort: String(echo.port) }] }),
  );
  expect(created).toMatchObject({
    name,
    provisioningState: "Succeeded",
    target: VM,
    timeLimitInSeconds: 60,
    totalBytesPerSession: 1073741824,
    bytesToCapturePerPacket: 0,
  });
  const storagePath = created.storageLocation?.storagePath ?? "";
  const { container, blobName } = blobLocation(storagePath);
  expect(container).toBe("network-watcher-logs");
  expect(blobName).toMatch(
    new RegExp(
      `^subscriptions/${SUBSCRIPTION}/resourcegroups/rg-app/providers/microsoft\\.compute/virtualmachines/vm-web1/\\d{4}/\\d{2}/\\d{2}/packetcapture_\\d{2}_\\d{2}_\\d{2}_\\d{3}\\.cap$`,
    ),
  );

  const running = await statusOf(name);
  expect(running.packetCaptureStatus).toBe("Running");
  expect(running.captureStartTime).toBeInstanceOf(Date);
  expect(f.emulator.sessions()).toEqual([
    expect.objectContaining({ status: "Running", interface: "lo", target: VM }),
  ]);

  const noise = await startEchoServer();
  try {
    await exchange(echo.port, ["hello-capture-1", "hello-capture-2"]);
    await exchange(noise.port, ["filtered-out"]);
  } finally {
    await noise.close();
  }
  await f.network.packetCaptures.stop(WATCHER_RG, watcher.name, name);
  const stopped = await statusOf(name);
  expect(stopped).toMatchObject({
    packetCaptureStatus: "Stopped",
    stopReason: "Manual",
    packetCaptureError: [],
  });

  const got = await f.network.packetCaptures.get(WATCHER_RG, watcher.name, name);
  expect(got.storageLocation?.storagePath).toBe(storagePath);
  const file = path.join(f.scratch, "happy.cap");
  await downloadBlob(f.azurite.connectionString, storagePath, file);
  const payloads = await tcpPayloads(file, `tcp.port == ${echo.port}`);
  // Each message appears twice: sent by the client and echoed back by the server.
  expect(payloads.filter((p) => p === "hello-capture-1")).toHaveLength(2);
  expect(payloads.filter((p) => p === "hello-capture-2")).toHaveLength(2);
  expect(await tsharkFields(file, `tcp.port == ${noise.port}`, ["frame.number"])).toEqual([]);
  const syns = await tsharkFields(file, "tcp.flags.syn == 1 && tcp.flags.ack == 0", [
    "tcp.dstport",
  ]);
  expect(syns).toEqual([[String(echo.port)]]);

  await f.network.packetCaptures.delete(WATCHER_RG, watcher.name, name);
  await expect(f.network.packetCaptures.get(WATCHER_RG, watcher.name, name)).rejects.toMatchObject({
    name: "RestError",
    statusCode: 404,
  });
  expect(await blobExists(f.azurite.connectionString, storagePath)).toBe(true);
});

test("the time limit stops the session by itself with stopReason TimeExceeded", async () => {
  const name = "pc-timed";
  const created = await f.network.packetCaptures.create(
    WATCHER_RG,
    watcher.name,
    name,
    capture({ timeLimitInSeconds: 1 }),
  );
  const ended = await waitUntilEnded(name);
  expect(ended).toMatchObject({ packetCaptureStatus: "Stopped", stopReason: "TimeExceeded" });
  expect(
    await blobExists(f.azurite.connectionString, created.storageLocation?.storagePath ?? ""),
  ).toBe(true);
  await f.network.packetCaptures.delete(WATCHER_RG, watcher.name, name);
});

test("the byte limit stops the session once the file reaches totalBytesPerSession", async () => {
  const name = "pc-bytes";
  await f.network.packetCaptures.create(
    WATCHER_RG,
    watcher.name,
    name,
    capture({
      totalBytesPerSession: 4000,
      filters: [{ protocol: "TCP", remotePort: String(echo.port) }],
    }),
  );
  const ended = await eventually(
    async () => {
      await exchange(echo.port, ["x".repeat(500)]);
      const s = await statusOf(name);
      return s.packetCaptureStatus === "Stopped" ? s : undefined;
    },
    20_000,
    "byte limit",
  );
  expect(ended.stopReason).toBe("TotalBytesExceeded");
  await f.network.packetCaptures.delete(WATCHER_RG, watcher.name, name);
});

test("bytesToCapturePerPacket truncates every packet to that snap length", async () => {
  const name = "pc-snap";
  const created = await f.network.packetCaptures.create(
    WATCHER_RG,
    watcher.name,
    name,
    capture({
      bytesToCapturePerPacket: 60,
      filters: [{ protocol: "TCP", localPort: String(echo.port) }],
    }),
  );
  await exchange(echo.port, ["y".repeat(400)]);
  await f.network.packetCaptures.stop(WATCHER_RG, watcher.name, name);
  const file = path.join(f.scratch, "snap.cap");
  await downloadBlob(f.azurite.connectionString, created.storageLocation?.storagePath ?? "", file);
  const rows = await tsharkFields(file, "tcp.len > 0", ["frame.cap_len", "frame.len"]);
  expect(rows.length).toBeGreaterThan(0);
  for (const [capLen, len] of rows) {
    // libpcap on Linux may keep a couple of bytes less than the snap length (observed: 58 for 60).
    expect(Number(capLen)).toBeLessThanOrEqual(60);
    expect(Number(capLen)).toBeGreaterThanOrEqual(54);
    expect(Number(len)).toBeGreaterThan(400);
  }
  await f.network.packetCaptures.delete(WATCHER_RG, watcher.name, name);
});

test("list pages through nextLink and returns every capture under the watcher", async () => {
  const names = ["pc-l1", "pc-l2", "pc-l3", "pc-l4", "pc-l5"];
  for (const n of names)
    await f.network.packetCaptures.create(WATCHER_RG, watcher.name, n, capture());
  let pages = 0;
  const listed: string[] = [];
  for await (const page of f.network.packetCaptures.list(WATCHER_RG, watcher.name).byPage()) {
    pages++;
    listed.push(...page.map((c) => c.name ?? ""));
  }
  expect(pages).toBe(3);
  expect(listed.sort()).toEqual(names);
  for (const n of names) await f.network.packetCaptures.delete(WATCHER_RG, watcher.name, n);
  const after: unknown[] = [];
  for await (const c of f.network.packetCaptures.list(WATCHER_RG, watcher.name)) after.push(c);
  expect(after).toEqual([]);
});

test("PUT on an existing capture name is refused with 409 and leaves the running session alone", async () => {
  const name = "pc-dup";
  await f.network.packetCaptures.create(WATCHER_RG, watcher.name, name, capture());
  await expect(
    f.network.packetCaptures.create(WATCHER_RG, watcher.name, name, capture()),
  ).rejects.toMatchObject({
    statusCode: 409,
    code: "PacketCaptureAlreadyExists",
  });
  expect((await statusOf(name)).packetCaptureStatus).toBe("Running");
  await f.network.packetCaptures.delete(WATCHER_RG, watcher.name, name);
});

test("deleting a running capture ends its tcpdump without uploading", async () => {
  const name = "pc-del";
  const created = await f.network.packetCaptures.create(WATCHER_RG, watcher.name, name, capture());
  const [session] = f.emulator.sessions();
  expect(session?.pid).toBeGreaterThan(0);
  await f.network.packetCaptures.delete(WATCHER_RG, watcher.name, name);
  expect(f.emulator.sessions()).toEqual([]);
  expect(() => process.kill(session?.pid ?? 0, 0)).toThrow();
  expect(
    await blobExists(f.azurite.connectionString, created.storageLocation?.storagePath ?? ""),
  ).toBe(false);
});

test("unknown watcher and unknown capture are 404 ResourceNotFound; deleting a missing capture succeeds", async () => {
  await expect(
    f.network.packetCaptures.get(WATCHER_RG, "NetworkWatcher_mars", "x"),
  ).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
  await expect(
    f.network.packetCaptures.get(WATCHER_RG, watcher.name, "nope"),
  ).rejects.toMatchObject({ statusCode: 404, code: "ResourceNotFound" });
  await expect(
    f.network.packetCaptures.getStatus(WATCHER_RG, watcher.name, "nope"),
  ).rejects.toMatchObject({ statusCode: 404 });
  await expect(
    f.network.packetCaptures.delete(WATCHER_RG, watcher.name, "nope"),
  ).resolves.toBeUndefined();
});
