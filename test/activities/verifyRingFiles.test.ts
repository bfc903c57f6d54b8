import { verifyRingFiles } from "../../activities/verifyRingFiles";
import type { RingFile } from "../../lib/domain/ringFiles";
import {
  CONTAINER_URL,
  fakeEnv,
  forbidden,
  throttled,
  unavailable,
  type FakeBlob,
} from "./support/fakeAzure";

const RING = `${CONTAINER_URL}/ring/packetcapture_02_00_00_000`;
const PCAP_MAGIC = Buffer.from("d4c3b2a1", "hex");
const PCAPNG_MAGIC = Buffer.from("0a0d0d0a", "hex");
/** A file whose first four bytes are `head`, `size` bytes long. */
const stored = (head: Buffer, size: number): FakeBlob => ({
  bytes: Buffer.concat([head, Buffer.alloc(size - head.length)]),
});
/** As the orchestrator hands it over: listed (possibly smaller, while still being written) and spanned. */
const ringFile = (slot: string, listedBytes = 100): RingFile => ({
  url: `${RING}/${slot}.cap`,
  sizeBytes: listedBytes,
  lastModified: "2026-01-01T02:10:00.000Z",
  from: "2026-01-01T02:00:00.000Z",
  to: "2026-01-01T02:10:00.000Z",
});
const PATH = "/network-watcher-logs/ring/packetcapture_02_00_00_000";

describe("verifyRingFiles", () => {
  test("pcap and pcapng files are verified in ring order with the size storage holds now", async () => {
    const { env } = fakeEnv({
      blobs: {
        [`${RING}/1.cap`]: stored(PCAPNG_MAGIC, 4096),
        [`${RING}/0.cap`]: stored(PCAP_MAGIC, 2048),
      },
    });
    expect(await verifyRingFiles({ files: [ringFile("0"), ringFile("1")] }, env)).toEqual({
      ok: true,
      value: {
        verified: [
          { ...ringFile("0"), sizeBytes: 2048, format: "pcap" },
          { ...ringFile("1"), sizeBytes: 4096, format: "pcapng" },
        ],
        rejected: [],
      },
    });
  });

  test("a file that fails is left out with its reason; the rest of the ring is kept", async () => {
    const { env } = fakeEnv({
      blobs: {
        [`${RING}/0.cap`]: stored(PCAP_MAGIC, 24),
        [`${RING}/1.cap`]: stored(Buffer.from("PK\x03\x04"), 4096),
        [`${RING}/3.cap`]: stored(PCAP_MAGIC, 25),
        [`${RING}/4.cap`]: { bytes: Buffer.alloc(0) },
      },
    });
    const files = ["0", "1", "2", "3", "4"].map((slot) => ringFile(slot));
    expect(await verifyRingFiles({ files }, env)).toEqual({
      ok: true,
      value: {
        verified: [{ ...ringFile("3"), sizeBytes: 25, format: "pcap" }],
        rejected: [
          `${PATH}/0.cap: 24 bytes, no packets`,
          `${PATH}/1.cap: not pcap or pcapng`,
          `${PATH}/2.cap: gone from storage (the ring reused it)`,
          `${PATH}/4.cap: 0 bytes, no packets`,
        ],
      },
    });
  });

  test("no file kept is an empty verification, not a failure (the orchestrator words EmptyRing)", async () => {
    const { env, calls } = fakeEnv({});
    expect(await verifyRingFiles({ files: [] }, env)).toEqual({
      ok: true,
      value: { verified: [], rejected: [] },
    });
    expect(calls).toEqual([]);
  });

  test.each<[string, Record<string, Error>]>([
    ["reading its properties", { "blob.getProperties": forbidden() }],
    ["reading its header", { "blob.downloadToBuffer": forbidden() }],
  ])(
    "a 403 %s is a permanent BlobUnreadable naming the role, not a file left out",
    async (_case, failures) => {
      const { env } = fakeEnv({
        blobs: { [`${RING}/0.cap`]: stored(PCAP_MAGIC, 4096) },
        failures,
      });
      expect(await verifyRingFiles({ files: [ringFile("0")] }, env)).toEqual({
        ok: false,
        failure: {
          code: "BlobUnreadable",
          message: "403 AuthorizationFailed: The client does not have authorization.",
          action:
            "Grant the function app's identity Storage Blob Data Reader on the capture storage account.",
        },
      });
    },
  );

  test("a file in an account the settings do not allow is a permanent BlobUnreadable", async () => {
    const { env } = fakeEnv({});
    const file = { ...ringFile("0"), url: "https://elsewhere.blob.core.windows.net/x/0.cap" };
    expect(await verifyRingFiles({ files: [file] }, env)).toMatchObject({
      ok: false,
      failure: { code: "BlobUnreadable" },
    });
  });

  test.each([
    ["throttled", throttled()],
    ["unavailable", unavailable()],
  ])("storage %s is thrown for durable retries", async (_case, error) => {
    const { env } = fakeEnv({
      blobs: { [`${RING}/0.cap`]: stored(PCAP_MAGIC, 4096) },
      failures: { "blob.getProperties": error },
    });
    await expect(verifyRingFiles({ files: [ringFile("0")] }, env)).rejects.toBe(error);
  });
});
