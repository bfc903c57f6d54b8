// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/** Each injected fault, as the real v39 SDK surfaces it. */
import { rawRequest } from "./support/clients";
import { WATCHER, WATCHER_RG, captureOn, useEmulator, vmId } from "./support/emulatorFixture";
import { blobExists, eventually } from "./support/traffic";

const f = useEmulator();
const VM = vmId("vm-faults");

afterEach(async () => {
  f.emulator.faults.clear();
  for await (const c of f.network.packetCaptures.list(WATCHER_RG, WATCHER))
    await f.network.packetCaptures.delete(WATCHER_RG, WATCHER, c.name ?? "");
  expect(f.emulator.sessions()).toEqual([]);
});

const statusOf = (name: string) => f.network.packetCaptures.getStatus(WATCHER_RG, WATCHER, name);

test("429s fewer than the SDK's retries are absorbed: the SDK honours Retry-After and the call succeeds", async () => {
  await f.network.packetCaptures.create(WATCHER_RG, WATCHER, "pc-429", captureOn(VM));
  f.emulator.faults.add({ kind: "throttle", operation: "PacketCaptures_Get", count: 2 });
  await expect(f.network.packetCaptures.get(WATCHER_RG, WATCHER, "pc-429")).resolves.toMatchObject({
    name: "pc-429",
  });
  expect(f.emulator.faults.pending()).toEqual([]);
});

test("429s beyond the SDK's retries surface as RestError 429", async () => {
  f.emulator.faults.add({ kind: "throttle", operation: "NetworkWatchers_ListAll", count: 10 });
  const listAll = async () => {
    for await (const w of f.network.networkWatchers.listAll()) void w;
  };
  await expect(listAll()).rejects.toMatchObject({
    name: "RestError",
    statusCode: 429,
    code: "TooManyRequests",
  });
  // Default retry policy: one attempt plus three retries.
  expect(f.emulator.faults.pending()).toEqual([expect.objectContaining({ remaining: 6 })]);
});

test("a transient 5xx is retried by the SDK", async () => {
  f.emulator.faults.add({
    kind: "serverError",
    operation: "NetworkWatchers_Get",
    status: 503,
    count: 1,
  });
  await expect(f.network.networkWatchers.get(WATCHER_RG, WATCHER)).resolves.toMatchObject({
    name: WATCHER,
  });
  expect(f.emulator.faults.pending()).toEqual([]);
});

test("a failed create operation rejects with the SDK's LRO error and leaves a Failed resource", async () => {
  f.emulator.faults.add({
    kind: "lroFailure",
    operation: "PacketCaptures_Create",
    code: "InternalServerError",
    message: "boom",
  });
  await expect(
    f.network.packetCaptures.create(WATCHER_RG, WATCHER, "pc-lro", captureOn(VM)),
  ).rejects.toThrow("The long-running operation has failed. InternalServerError. boom");
  await expect(f.network.packetCaptures.get(WATCHER_RG, WATCHER, "pc-lro")).resolves.toMatchObject({
    provisioningState: "Failed",
  });
  await expect(statusOf("pc-lro")).resolves.toMatchObject({
    packetCaptureStatus: "Error",
    packetCaptureError: ["InternalError"],
  });
  expect(f.emulator.sessions()).toEqual([]);
});

test("a failed stop operation surfaces as RestError from the Location poll and leaves the capture running", async () => {
  await f.network.packetCaptures.create(WATCHER_RG, WATCHER, "pc-stopfail", captureOn(VM));
  f.emulator.faults.add({
    kind: "lroFailure",
    operation: "PacketCaptures_Stop",
    code: "StopFailed",
    message: "agent busy",
  });
  await expect(
    f.network.packetCaptures.stop(WATCHER_RG, WATCHER, "pc-stopfail"),
  ).rejects.toMatchObject({ name: "RestError", code: "StopFailed" });
  await expect(statusOf("pc-stopfail")).resolves.toMatchObject({ packetCaptureStatus: "Running" });
});

test("agentStopped kills tcpdump mid-capture: status Error [AgentStopped], nothing uploaded", async () => {
  f.emulator.faults.add({ kind: "agentStopped", captureName: "pc-agent", afterMs: 100 });
  const created = await f.network.packetCaptures.create(
    WATCHER_RG,
    WATCHER,
    "pc-agent",
    captureOn(VM),
  );
  const ended = await eventually(
    async () => {
      const s = await statusOf("pc-agent");
      return s.packetCaptureStatus === "Running" ? undefined : s;
    },
    10_000,
    "agent to stop",
  );
  expect(ended).toMatchObject({
    packetCaptureStatus: "Error",
    packetCaptureError: ["AgentStopped"],
  });
  expect(
    await blobExists(f.azurite.connectionString, created.storageLocation?.storagePath ?? ""),
  ).toBe(false);
});

test("storageFailed: the capture stops but the upload fails: status Error [StorageFailed], no blob", async () => {
  f.emulator.faults.add({ kind: "storageFailed", target: VM.toLowerCase() });
  const created = await f.network.packetCaptures.create(
    WATCHER_RG,
    WATCHER,
    "pc-storage",
    captureOn(VM),
  );
  await f.network.packetCaptures.stop(WATCHER_RG, WATCHER, "pc-storage");
  await expect(statusOf("pc-storage")).resolves.toMatchObject({
    packetCaptureStatus: "Error",
    packetCaptureError: ["StorageFailed"],
  });
  expect(
    await blobExists(f.azurite.connectionString, created.storageLocation?.storagePath ?? ""),
  ).toBe(false);
});

test("slowUpload: after tcpdump has stopped the session stays Running until the file is in storage", async () => {
  f.emulator.faults.add({ kind: "slowUpload", captureName: "pc-slow", delayMs: 5000 });
  const created = await f.network.packetCaptures.create(
    WATCHER_RG,
    WATCHER,
    "pc-slow",
    captureOn(VM),
  );
  const pid = f.emulator.sessions()[0]?.pid ?? 0;
  const stopping = f.network.packetCaptures.stop(WATCHER_RG, WATCHER, "pc-slow");
  await eventually(async () => (isAlive(pid) ? undefined : true), 5000, "tcpdump to exit");
  await expect(statusOf("pc-slow")).resolves.toMatchObject({ packetCaptureStatus: "Running" });
  expect(
    await blobExists(f.azurite.connectionString, created.storageLocation?.storagePath ?? ""),
  ).toBe(false);
  await stopping;
  await expect(statusOf("pc-slow")).resolves.toMatchObject({
    packetCaptureStatus: "Stopped",
    stopReason: "Manual",
  });
  expect(
    await blobExists(f.azurite.connectionString, created.storageLocation?.storagePath ?? ""),
  ).toBe(true);
}, 20_000);

test("the admin API arms, lists and clears faults over HTTPS with the same bearer token", async () => {
  const armed = await rawRequest(f.emulator, "POST", "/_emulator/faults", {
    body: { kind: "throttle", operation: "PacketCaptures_List", count: 3 },
  });
  expect(armed).toMatchObject({ status: 201, body: { id: expect.any(String) } });
  expect((await rawRequest(f.emulator, "GET", "/_emulator/faults")).body).toEqual({
    value: [
      expect.objectContaining({
        remaining: 3,
        spec: expect.objectContaining({ operation: "PacketCaptures_List", retryAfterSeconds: 1 }),
      }),
    ],
  });
  expect((await rawRequest(f.emulator, "DELETE", "/_emulator/faults")).status).toBe(204);
  expect(f.emulator.faults.pending()).toEqual([]);

  expect(
    await rawRequest(f.emulator, "POST", "/_emulator/faults", {
      body: { kind: "throttle", operation: "NoSuch_Op" },
    }),
  ).toMatchObject({
    status: 400,
    body: { error: { code: "InvalidFault" } },
  });
  expect(
    await rawRequest(f.emulator, "POST", "/_emulator/faults", { body: { kind: "meteor" } }),
  ).toMatchObject({ status: 400 });
  expect(
    await rawRequest(f.emulator, "DELETE", "/_emulator/faults", { token: null }),
  ).toMatchObject({ status: 401, body: { error: { code: "AuthenticationFailed" } } });

  await f.network.packetCaptures.create(WATCHER_RG, WATCHER, "pc-admin", captureOn(VM));
  const sessions = await rawRequest(f.emulator, "GET", "/_emulator/captures");
  expect(sessions.body).toEqual({
    value: [expect.objectContaining({ status: "Running", target: VM, pid: expect.any(Number) })],
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
