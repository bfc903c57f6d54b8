import { RestError } from "@azure/core-rest-pipeline";
import type { ActivityEnv } from "../../lib/workflow/activity";
import { BlobNotYetUploaded, verifyCaptureBlob } from "../../activities/verifyCaptureBlob";

const STORAGE_PATH = "https://caps.blob.core.windows.net/network-watcher-logs/vm1.cap";
const CAPTURE = {
  capture: { watcher: { subscriptionId: "sub", resourceGroup: "rg", name: "nw" }, name: "cap" },
};

/** The capture resource names STORAGE_PATH; the blob behaves as `blob` says. */
function env(blob: { getProperties(): Promise<unknown>; downloadToBuffer(): Promise<Buffer> }) {
  return {
    settings: {},
    log: () => undefined,
    clients: {
      network: () => ({
        packetCaptures: {
          get: async () => ({ storageLocation: { storagePath: STORAGE_PATH } }),
        },
      }),
      blob: () => blob,
    },
  } as unknown as ActivityEnv;
}

const forbidden = () =>
  new RestError("This request is not authorized to perform this operation.", {
    statusCode: 403,
    code: "AuthorizationPermissionMismatch",
  });

describe("verifyCaptureBlob", () => {
  test("a pcap blob is verified with its size and format", async () => {
    const result = await verifyCaptureBlob(
      CAPTURE,
      env({
        getProperties: async () => ({ contentLength: 4096 }),
        downloadToBuffer: async () => Buffer.from("d4c3b2a1", "hex"),
      }),
    );
    expect(result).toEqual({
      ok: true,
      value: { storagePath: STORAGE_PATH, sizeBytes: 4096, format: "pcap" },
    });
  });

  test("a 403 reading the header is a permanent BlobUnreadable with its reason, not a missing upload", async () => {
    const result = await verifyCaptureBlob(
      CAPTURE,
      env({
        getProperties: async () => ({ contentLength: 4096 }),
        downloadToBuffer: async () => {
          throw forbidden();
        },
      }),
    );
    expect(result).toMatchObject({
      ok: false,
      failure: { code: "BlobUnreadable", message: expect.stringContaining("403") },
    });
  });

  test("a blob not there yet throws, so durable retries wait for the upload", async () => {
    await expect(
      verifyCaptureBlob(
        CAPTURE,
        env({
          getProperties: async () => {
            throw new RestError("The specified blob does not exist.", { statusCode: 404 });
          },
          downloadToBuffer: async () => Buffer.alloc(0),
        }),
      ),
    ).rejects.toBeInstanceOf(BlobNotYetUploaded);
  });

  test("a header-only blob is an empty capture", async () => {
    const result = await verifyCaptureBlob(
      CAPTURE,
      env({
        getProperties: async () => ({ contentLength: 24 }),
        downloadToBuffer: async () => Buffer.from("d4c3b2a1", "hex"),
      }),
    );
    expect(result).toMatchObject({ ok: false, failure: { code: "EmptyCapture" } });
  });
});
