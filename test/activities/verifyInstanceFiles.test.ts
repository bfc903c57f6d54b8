/**
 * A scale-set capture leaves one file per instance under the storage path Network Watcher
 * reports: each is listed (never guessed), proved a capture, attributed to its instance, and an
 * instance that left nothing is named.
 */
import { RestError } from "@azure/core-rest-pipeline";
import type { ActivityEnv } from "../../lib/workflow/activity";
import { verifyInstanceFiles } from "../../activities/verifyInstanceFiles";
import { BlobNotYetUploaded } from "../../activities/verifyCaptureBlob";

const ACCOUNT = "https://caps.blob.core.windows.net";
const CONTAINER = `${ACCOUNT}/network-watcher-logs`;
const FOLDER =
  "subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachinescalesets/web/2026/11/25/packetcapture_10_00_00_000";
const PCAP = Buffer.from("d4c3b2a1", "hex");
const INPUT = {
  capture: { watcher: { subscriptionId: "s", resourceGroup: "nw", name: "nw" }, name: "cap" },
  target: {
    resourceId:
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/web",
    subscriptionId: "s",
    resourceGroup: "rg",
    name: "web",
    kind: "virtualMachineScaleSet" as const,
  },
};

interface World {
  storagePath?: string;
  scope?: { include?: string[]; exclude?: string[] };
  instances: string[];
  /** Blob name → bytes. */
  blobs: Record<string, Buffer>;
  listError?: Error;
}

function env(world: World): { env: ActivityEnv; listedPrefixes: string[] } {
  const listedPrefixes: string[] = [];
  const nameOf = (url: string) => decodeURIComponent(url.slice(CONTAINER.length + 1));
  const blob = (url: string) => ({
    url,
    name: nameOf(url),
    getProperties: async () => {
      const bytes = world.blobs[nameOf(url)];
      if (!bytes) throw new RestError("gone", { statusCode: 404, code: "BlobNotFound" });
      return { contentLength: bytes.length };
    },
    downloadToBuffer: async () => world.blobs[nameOf(url)]!.subarray(0, 4),
  });
  const clients = {
    network: () => ({
      packetCaptures: {
        get: async () => ({
          storageLocation: { storagePath: world.storagePath ?? `${CONTAINER}/${FOLDER}` },
          ...(world.scope && { scope: world.scope }),
        }),
      },
    }),
    compute: () => ({
      virtualMachineScaleSetVMs: {
        list: async function* () {
          for (const id of world.instances) yield { instanceId: id, name: `web_${id}` };
        },
      },
    }),
    blob,
    container: (url: string) => {
      expect(url).toBe(CONTAINER);
      return {
        getBlobClient: (name: string) => ({ url: `${CONTAINER}/${name}` }),
        listBlobsFlat: async function* ({ prefix }: { prefix: string }) {
          listedPrefixes.push(prefix);
          if (world.listError) throw world.listError;
          for (const [name, bytes] of Object.entries(world.blobs))
            if (name.startsWith(prefix))
              yield { name, properties: { contentLength: bytes.length, lastModified: new Date() } };
        },
      };
    },
  };
  return {
    env: { settings: {}, log: () => undefined, clients } as unknown as ActivityEnv,
    listedPrefixes,
  };
}

const file = (instance: string, bytes = Buffer.concat([PCAP, Buffer.alloc(100)])) => ({
  [`${FOLDER}/virtualmachines/${instance}/packetcapture_10_00_00_000.cap`]: bytes,
});

describe("verifyInstanceFiles", () => {
  test("every instance's file under the storage path is verified and attributed", async () => {
    const { env: e, listedPrefixes } = env({
      instances: ["0", "1", "2"],
      blobs: { ...file("0"), ...file("1"), ...file("2"), [`${FOLDER}/notes.txt`]: PCAP },
    });
    const result = await verifyInstanceFiles(INPUT, e);
    expect(listedPrefixes).toEqual([FOLDER]);
    expect(result).toEqual({
      ok: true,
      value: {
        storagePath: `${CONTAINER}/${FOLDER}`,
        files: ["0", "1", "2"].map((id) => ({
          instanceId: id,
          storagePath: `${CONTAINER}/${FOLDER}/virtualmachines/${id}/packetcapture_10_00_00_000.cap`,
          sizeBytes: 104,
          format: "pcap",
        })),
        missing: [],
        rejected: [],
      },
    });
  });

  test("an instance without a file is named; a header-only file is rejected with its reason", async () => {
    const { env: e } = env({
      instances: ["0", "1", "2"],
      blobs: { ...file("0"), ...file("2", PCAP) },
    });
    const result = await verifyInstanceFiles(INPUT, e);
    expect(result).toMatchObject({
      ok: true,
      value: {
        files: [{ instanceId: "0" }],
        missing: ["1", "2"],
        rejected: [expect.stringContaining("4 bytes, no packets")],
      },
    });
  });

  test("only the instances in the capture's scope are expected", async () => {
    const { env: e } = env({
      instances: ["0", "1", "2"],
      scope: { exclude: ["1"] },
      blobs: { ...file("0") },
    });
    expect(await verifyInstanceFiles(INPUT, e)).toMatchObject({
      ok: true,
      value: { missing: ["2"] },
    });
  });

  test("nothing uploaded yet throws, so durable retries wait for the uploads after the stop", async () => {
    const { env: e } = env({ instances: ["0"], blobs: {} });
    await expect(verifyInstanceFiles(INPUT, e)).rejects.toBeInstanceOf(BlobNotYetUploaded);
  });

  test("a 403 listing the container is a permanent BlobUnreadable naming the role", async () => {
    const { env: e } = env({
      instances: ["0"],
      blobs: {},
      listError: new RestError("not authorized", { statusCode: 403, code: "AuthorizationFailure" }),
    });
    expect(await verifyInstanceFiles(INPUT, e)).toMatchObject({
      ok: false,
      failure: {
        code: "BlobUnreadable",
        action: expect.stringContaining("Storage Blob Data Reader"),
      },
    });
  });
});
