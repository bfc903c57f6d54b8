// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/** What goes over the wire: auth, api-version, ARM casing, LRO headers, and PUT validation as the SDK surfaces it. */
import { SUBSCRIPTION, rawRequest } from "./support/clients";
import {
  STORAGE,
  WATCHER,
  WATCHER_RG,
  captureOn,
  useEmulator,
  vmId,
} from "./support/emulatorFixture";
import { eventually } from "./support/traffic";

const f = useEmulator();
const VM = vmId("vm-wire");
const API = "api-version=2026-01-01";
const capturePath = (name: string): string =>
  `/subscriptions/${SUBSCRIPTION}/resourceGroups/${WATCHER_RG}/providers/Microsoft.Network/networkWatchers/${WATCHER}/packetCaptures/${name}`;

afterEach(async () => {
  for await (const c of f.network.packetCaptures.list(WATCHER_RG, WATCHER))
    await f.network.packetCaptures.delete(WATCHER_RG, WATCHER, c.name ?? "");
});

test("requests without the configured bearer token get 401 AuthenticationFailed", async () => {
  const path = `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Network/networkWatchers?${API}`;
  expect(await rawRequest(f.emulator, "GET", path, { token: null })).toMatchObject({
    status: 401,
    body: { error: { code: "AuthenticationFailed" } },
  });
  expect(await rawRequest(f.emulator, "GET", path, { token: "wrong" })).toMatchObject({
    status: 401,
    body: { error: { code: "AuthenticationFailed" } },
  });
  expect((await rawRequest(f.emulator, "GET", path)).status).toBe(200);
});

test("api-version is required, and path segments match case-insensitively as in ARM", async () => {
  const watcherPath = `/subscriptions/${SUBSCRIPTION}/resourcegroups/networkwatcherrg/providers/microsoft.network/NETWORKWATCHERS/networkwatcher_westeurope`;
  expect(await rawRequest(f.emulator, "GET", watcherPath)).toMatchObject({
    status: 400,
    body: { error: { code: "MissingApiVersionParameter" } },
  });
  expect(await rawRequest(f.emulator, "GET", `${watcherPath}?api-version=latest`)).toMatchObject({
    status: 400,
    body: { error: { code: "InvalidApiVersionParameter" } },
  });
  expect(await rawRequest(f.emulator, "GET", `${watcherPath}?${API}`)).toMatchObject({
    status: 200,
    body: { name: WATCHER },
  });
});

test("PUT answers 201 + Azure-AsyncOperation; the operation reports InProgress/Succeeded; queryStatus answers 202 + Location then 200", async () => {
  const put = await rawRequest(f.emulator, "PUT", `${capturePath("pc-wire")}?${API}`, {
    body: {
      properties: { target: VM, storageLocation: { storageId: STORAGE }, timeLimitInSeconds: 30 },
    },
  });
  expect(put.status).toBe(201);
  expect(put.headers["retry-after"]).toBe("0");
  expect(put.body).toMatchObject({
    name: "pc-wire",
    properties: { provisioningState: "Updating", target: VM },
  });
  const asyncOp = new URL(String(put.headers["azure-asyncoperation"]));
  expect(asyncOp.origin).toBe(f.emulator.url);
  expect(asyncOp.pathname).toMatch(
    new RegExp(
      `^/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Network/locations/westeurope/operations/`,
    ),
  );
  const done = await eventually(
    async () => {
      const poll = await rawRequest(f.emulator, "GET", `${asyncOp.pathname}${asyncOp.search}`);
      expect(poll.status).toBe(200);
      expect(["InProgress", "Succeeded"]).toContain((poll.body as { status: string }).status);
      return (poll.body as { status: string }).status === "Succeeded" ? poll : undefined;
    },
    15_000,
    "create to succeed",
  );
  expect(done.body).toMatchObject({ status: "Succeeded" });

  const query = await rawRequest(
    f.emulator,
    "POST",
    `${capturePath("pc-wire")}/queryStatus?${API}`,
  );
  expect(query.status).toBe(202);
  const location = new URL(String(query.headers["location"]));
  const result = await eventually(
    async () => {
      const poll = await rawRequest(f.emulator, "GET", `${location.pathname}${location.search}`);
      return poll.status === 202 ? undefined : poll;
    },
    10_000,
    "queryStatus result",
  );
  expect(result).toMatchObject({
    status: 200,
    body: { name: "pc-wire", packetCaptureStatus: "Running", packetCaptureError: [] },
  });
});

test.each([
  [
    "a time limit over 5 hours",
    { timeLimitInSeconds: 18001 },
    "InvalidParameter",
    /timeLimitInSeconds/,
  ],
  [
    "a negative byte limit",
    { totalBytesPerSession: -1 },
    "InvalidParameter",
    /totalBytesPerSession/,
  ],
  [
    "a snap length over the maximum",
    { bytesToCapturePerPacket: 4294967296 },
    "InvalidParameter",
    /bytesToCapturePerPacket/,
  ],
  [
    "a protocol outside TCP|UDP|Any",
    { filters: [{ protocol: "ICMP" as "TCP" }] },
    "InvalidParameter",
    /protocol/,
  ],
  [
    "a range mixed with a list",
    { filters: [{ localIPAddress: "10.0.0.1-10.0.0.5;10.0.0.9" }] },
    "InvalidParameter",
    /localIPAddress/,
  ],
  ["a port out of range", { filters: [{ remotePort: "70000" }] }, "InvalidParameter", /remotePort/],
  [
    "a target that is not a VM or scale set",
    { target: STORAGE },
    "InvalidTarget",
    /only AzureVM and AzureVMSS/,
  ],
  [
    "a storage location with neither storageId nor filePath",
    { storageLocation: {} },
    "InvalidParameter",
    /storageId or filePath/,
  ],
  [
    "a targetType contradicting the target",
    { targetType: "AzureVMSS" as const },
    "InvalidParameter",
    /targetType/,
  ],
  [
    "a continuous capture to a VM-local filePath",
    {
      continuousCapture: true,
      storageLocation: { storageId: STORAGE, filePath: "/var/captures/ring.cap" },
    },
    "InvalidParameter",
    /filePath is invalid when continuousCapture is given/,
  ],
])("PUT with %s is refused with 400", async (_what, overrides, code, message) => {
  await expect(
    f.network.packetCaptures.create(WATCHER_RG, WATCHER, "pc-invalid", captureOn(VM, overrides)),
  ).rejects.toMatchObject({
    name: "RestError",
    statusCode: 400,
    code,
    message: expect.stringMatching(message),
  });
  expect(f.emulator.sessions()).toEqual([]);
});

test("a filePath-only capture keeps the file on the emulated VM and reports no storagePath", async () => {
  const created = await f.network.packetCaptures.create(
    WATCHER_RG,
    WATCHER,
    "pc-file",
    captureOn(VM, { storageLocation: { filePath: "/var/captures/pc-file.cap" } }),
  );
  expect(created.storageLocation).toEqual({ filePath: "/var/captures/pc-file.cap" });
  await f.network.packetCaptures.stop(WATCHER_RG, WATCHER, "pc-file");
  await expect(
    f.network.packetCaptures.getStatus(WATCHER_RG, WATCHER, "pc-file"),
  ).resolves.toMatchObject({ packetCaptureStatus: "Stopped" });
});
