import { listRingFiles } from "../../activities/listRingFiles";
import {
  CONTAINER_URL,
  VM_ID,
  WATCHER,
  armError,
  fakeEnv,
  forbidden,
  throttled,
  type FakeBlob,
  type FakeWorld,
} from "./support/fakeAzure";

const RING = "alertring-web-1-0a1b2c3d";
const REF = { watcher: WATCHER, name: RING };
/** Where Network Watcher says the continuous capture writes (the local emulator's layout). */
const FOLDER = `${CONTAINER_URL}/subscriptions/s/resourcegroups/app-rg/providers/microsoft.compute/virtualmachines/web-1/2026/01/01`;
const STORAGE_PATH = `${FOLDER}/packetcapture_02_00_00_000.cap`;
const written = (iso: string, size = 1000): FakeBlob => ({
  bytes: Buffer.alloc(size),
  lastModified: iso,
});

/** The ring's three closed files, written out of name order, and what else shares the folder. */
const BLOBS: Record<string, FakeBlob> = {
  [`${FOLDER}/packetcapture_02_00_00_000/2.cap`]: written("2026-01-01T02:10:00.000Z", 3000),
  [`${FOLDER}/packetcapture_02_00_00_000/0.cap`]: written("2026-01-01T02:30:00.000Z", 1000),
  // Hours older than any lookback: still listed, the window is the orchestrator's choice.
  [`${FOLDER}/packetcapture_02_00_00_000/1.cap`]: written("2025-12-31T20:00:00.000Z", 2000),
  [`${FOLDER}/packetcapture_02_00_00_000.cap.freeze-20260101T020000000Z.json`]: written(
    "2026-01-01T02:31:00.000Z",
  ),
  [`${FOLDER}/packetcapture_02_00_00_000/notes.txt`]: written("2026-01-01T02:31:00.000Z"),
  [`${FOLDER}/packetcapture_01_00_00_000/0.cap`]: written("2026-01-01T01:10:00.000Z"),
};

function world(extra: FakeWorld = {}): FakeWorld {
  return {
    captures: { [RING]: { target: VM_ID, storagePath: STORAGE_PATH } },
    blobs: { ...BLOBS },
    ...extra,
  };
}

describe("listRingFiles", () => {
  test("lists every capture file under the storage path in name order, with size and last write, and nothing else", async () => {
    const { env, calls } = fakeEnv(world());
    expect(await listRingFiles(REF, env)).toEqual({
      ok: true,
      value: {
        storagePath: STORAGE_PATH,
        blobs: [
          {
            url: `${FOLDER}/packetcapture_02_00_00_000/0.cap`,
            sizeBytes: 1000,
            lastModified: "2026-01-01T02:30:00.000Z",
          },
          {
            url: `${FOLDER}/packetcapture_02_00_00_000/1.cap`,
            sizeBytes: 2000,
            lastModified: "2025-12-31T20:00:00.000Z",
          },
          {
            url: `${FOLDER}/packetcapture_02_00_00_000/2.cap`,
            sizeBytes: 3000,
            lastModified: "2026-01-01T02:10:00.000Z",
          },
        ],
      },
    });
    // The listing asks storage for the path's prefix only, not the whole container.
    expect(calls).toContain(
      `container.listBlobsFlat ${STORAGE_PATH.slice(CONTAINER_URL.length + 1, -".cap".length)}`,
    );
  });

  test.each([
    ["pcap", "0.pcap", true],
    ["pcapng", "0.pcapng", true],
    ["upper-case extension", "0.CAP", true],
    ["JSON summary", "0.json", false],
    ["extensionless", "0", false],
  ])("%s file %s is listed: %s", async (_case, name, listed) => {
    const url = `${FOLDER}/packetcapture_02_00_00_000/${name}`;
    const { env } = fakeEnv(world({ blobs: { [url]: written("2026-01-01T02:00:00.000Z") } }));
    const result = await listRingFiles(REF, env);
    expect(result.ok && result.value.blobs.map((b) => b.url)).toEqual(listed ? [url] : []);
  });

  test.each<[string, FakeWorld]>([
    ["a ring that has written nothing yet", { blobs: {} }],
    [
      "a capture container that does not exist yet (not a failure)",
      {
        failures: {
          "container.listBlobsFlat": armError(404, "ContainerNotFound", "No such container."),
        },
      },
    ],
  ])("%s is an empty listing", async (_case, overrides) => {
    const { env } = fakeEnv(world(overrides));
    expect(await listRingFiles(REF, env)).toEqual({
      ok: true,
      value: { storagePath: STORAGE_PATH, blobs: [] },
    });
  });

  test("a SAS on the reported storage path is redacted from the listing", async () => {
    const { env } = fakeEnv(
      world({
        captures: { [RING]: { target: VM_ID, storagePath: `${STORAGE_PATH}?sv=2024&sig=SECRET` } },
      }),
    );
    const result = await listRingFiles(REF, env);
    expect(result.ok && result.value.storagePath).not.toContain("SECRET");
    expect(result.ok && result.value.blobs).toHaveLength(3);
  });

  test.each<[string, string, FakeWorld, string]>([
    [
      "the capture is gone",
      "NoStoragePath",
      { captures: {} },
      `Network Watcher reports no storagePath for ${RING}`,
    ],
    [
      "the capture writes to the VM's disk only",
      "NoStoragePath",
      { captures: { [RING]: { target: VM_ID } } },
      `Network Watcher reports no storagePath for ${RING}`,
    ],
    [
      "the capture cannot be read",
      "CaptureUnreadable",
      { failures: { "packetCaptures.get": forbidden() } },
      "403 AuthorizationFailed: The client does not have authorization.",
    ],
    [
      "the ring's blobs cannot be listed",
      "BlobUnreadable",
      { failures: { "container.listBlobsFlat": forbidden() } },
      "403 AuthorizationFailed: The client does not have authorization.",
    ],
    [
      "the storage path is in an account the settings do not allow",
      "BlobUnreadable",
      {
        captures: {
          [RING]: {
            target: VM_ID,
            storagePath: "https://elsewhere.blob.core.windows.net/network-watcher-logs/r.cap",
          },
        },
      },
      "the storage path's host elsewhere.blob.core.windows.net is not the blob endpoint of an allowed storage account (CAPTURE_STORAGE_ACCOUNT_ID, CAPTURE_ALLOWED_STORAGE_ACCOUNT_IDS)",
    ],
  ])("%s is a permanent %s", async (_case, code, overrides, message) => {
    const { env } = fakeEnv(world(overrides));
    expect(await listRingFiles(REF, env)).toMatchObject({ ok: false, failure: { code, message } });
  });

  test.each([
    ["reading the capture", "packetCaptures.get"],
    ["listing the blobs", "container.listBlobsFlat"],
  ])("throttling while %s is thrown for durable retries", async (_case, method) => {
    const { env } = fakeEnv(world({ failures: { [method]: throttled() } }));
    await expect(listRingFiles(REF, env)).rejects.toMatchObject({ statusCode: 429 });
  });
});
