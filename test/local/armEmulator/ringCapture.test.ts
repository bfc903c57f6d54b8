// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/** Continuous capture on the emulator: tcpdump's ring rotation, each closed file in Azurite, status as for one-shot. */
import { createSocket } from "node:dgram";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { BlobServiceClient } from "@azure/storage-blob";
import { captureOn, useEmulator, vmId, WATCHER, WATCHER_RG } from "./support/emulatorFixture";
import { blobLocation, downloadBlob, eventually, tsharkFields } from "./support/traffic";

const f = useEmulator();
const VM = vmId("vm-ring1");
const PORT = 39_517;

afterEach(() => {
  expect(f.emulator.sessions()).toEqual([]);
});

/** UDP datagrams of 1000 bytes to a port nobody listens on, paced so the capture keeps up. */
async function sendUdp(bytes: number, tag: string): Promise<void> {
  const socket = createSocket("udp4");
  const payload = Buffer.alloc(1000, tag);
  try {
    for (let sent = 0, batch = 0; sent < bytes && batch < 10_000; batch++) {
      for (let i = 0; i < 50; i++, sent += payload.length) socket.send(payload, PORT, "127.0.0.1");
      await sleep(5);
    }
  } finally {
    socket.close();
  }
}

async function ringBlobs(storagePath: string) {
  const { container, blobName } = blobLocation(storagePath);
  const client = BlobServiceClient.fromConnectionString(f.azurite.connectionString);
  const blobs: Array<{ name: string; size: number; lastModified: Date }> = [];
  const containerClient = client.getContainerClient(container);
  // The agent creates the container with its first upload.
  if (!(await containerClient.exists())) return blobs;
  for await (const b of containerClient.listBlobsFlat({ prefix: blobName }))
    blobs.push({
      name: b.name,
      size: b.properties.contentLength ?? 0,
      lastModified: b.properties.lastModified,
    });
  return blobs;
}

const ring = (overrides: Record<string, unknown> = {}) =>
  captureOn(VM, {
    continuousCapture: true,
    captureSettings: { fileCount: 3, fileSizeInBytes: 1_000_000, sessionTimeLimitInSeconds: 120 },
    filters: [{ protocol: "UDP", localPort: String(PORT) }],
    ...overrides,
  });

test("a ring rotates in tcpdump, uploads each closed file while Running, and keeps at most fileCount files", async () => {
  const name = "ring-rotates";
  const created = await f.network.packetCaptures.create(WATCHER_RG, WATCHER, name, ring());
  expect(created).toMatchObject({ provisioningState: "Succeeded" });
  const storagePath = created.storageLocation?.storagePath ?? "";
  expect(blobLocation(storagePath).blobName).toMatch(/\/packetcapture_\d{2}_\d{2}_\d{2}_\d{3}$/);

  // Closed files reach storage while the capture still runs: that is what a freeze selects from.
  // A loaded machine's tcpdump drops some datagrams, so send in megabytes until three slots
  // closed (bounded: 30 MB, i.e. ten rings' worth) rather than a fixed amount.
  let during: Awaited<ReturnType<typeof ringBlobs>> = [];
  for (let mb = 0; mb < 30 && during.length < 3; mb++) {
    await sendUdp(1_000_000, "r");
    during = await ringBlobs(storagePath);
  }
  if (during.length < 3)
    during = await eventually(
      async () => {
        const blobs = await ringBlobs(storagePath);
        return blobs.length >= 3 ? blobs : undefined;
      },
      20_000,
      "three rotated ring files in storage",
    );
  expect(
    (await f.network.packetCaptures.getStatus(WATCHER_RG, WATCHER, name)).packetCaptureStatus,
  ).toBe("Running");
  expect(during.every((b) => b.size > 900_000)).toBe(true);

  await f.network.packetCaptures.stop(WATCHER_RG, WATCHER, name);
  expect(await f.network.packetCaptures.getStatus(WATCHER_RG, WATCHER, name)).toMatchObject({
    packetCaptureStatus: "Stopped",
    stopReason: "Manual",
    packetCaptureError: [],
  });
  const after = await ringBlobs(storagePath);
  // Three closed slots, and tcpdump was writing the oldest again: storage holds the ring, no more.
  expect(after.length).toBe(3);
  const newest = after.sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime())[0]!;
  const file = path.join(f.scratch, "newest.cap");
  const url = `${storagePath}/${newest.name.split("/").pop()}`;
  await downloadBlob(f.azurite.connectionString, url, file);
  const rows = await tsharkFields(file, `udp.dstport == ${PORT}`, ["udp.length"]);
  expect(rows.length).toBeGreaterThan(0);
  await f.network.packetCaptures.delete(WATCHER_RG, WATCHER, name);
}, 60_000);

test("the session ends by itself at sessionTimeLimitInSeconds, the file being written uploaded", async () => {
  const name = "ring-expires";
  const created = await f.network.packetCaptures.create(
    WATCHER_RG,
    WATCHER,
    name,
    ring({
      captureSettings: { fileCount: 2, fileSizeInBytes: 1_000_000, sessionTimeLimitInSeconds: 2 },
    }),
  );
  await sendUdp(20_000, "e");
  const ended = await eventually(
    async () => {
      const s = await f.network.packetCaptures.getStatus(WATCHER_RG, WATCHER, name);
      return s.packetCaptureStatus === "Running" ? undefined : s;
    },
    20_000,
    "the ring to end",
  );
  expect(ended).toMatchObject({ packetCaptureStatus: "Stopped", stopReason: "TimeExceeded" });
  const blobs = await ringBlobs(created.storageLocation?.storagePath ?? "");
  expect(blobs).toHaveLength(1);
  // At least one 1,000-byte datagram beyond the pcap header: a starved tcpdump may miss a few.
  expect(blobs[0]!.size).toBeGreaterThan(1_024);
  await f.network.packetCaptures.delete(WATCHER_RG, WATCHER, name);
}, 30_000);

test.each([
  [
    { captureSettings: { fileCount: 10_001 } },
    /captureSettings\.fileCount must be an integer from 0 to 10000/,
  ],
  [
    { storageLocation: { storageId: undefined, filePath: "/var/captures/x.cap" } },
    /filePath is invalid when continuousCapture is given/,
  ],
  [{ captureSettings: { sessionTimeLimitInSeconds: 604_801 } }, /sessionTimeLimitInSeconds/],
])("a bad continuous capture is refused with 400: %j", async (overrides, message) => {
  await expect(
    f.network.packetCaptures.create(WATCHER_RG, WATCHER, "ring-bad", ring(overrides)),
  ).rejects.toMatchObject({ statusCode: 400, message: expect.stringMatching(message) });
});
