/**
 * The download link in notifications, against real Azurite: it reads the one blob, cannot
 * write, and stops working when it expires. (Azure signs it with a user-delegation key; Azurite
 * with the account key — the same SAS rules apply.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  BlobServiceClient,
  SASProtocol,
  type BlockBlobClient,
  type StorageSharedKeyCredential,
} from "@azure/storage-blob";
import { linkProtocol, readOnlyLink } from "../../lib/azure/downloadLink";
import { startAzurite, type RunningAzurite } from "../../local/azurite/startAzurite";

jest.setTimeout(60_000);

let azurite: RunningAzurite;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "apc-sas-"));
  azurite = await startAzurite({ dir, blobPort: 0, queuePort: 0, tablePort: 0 });
});
afterAll(async () => {
  await azurite?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("reads the capture, refuses writes and other blobs, and expires", async () => {
  const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
  const container = service.getContainerClient("network-watcher-logs");
  await container.createIfNotExists();
  const blob = container.getBlockBlobClient("subscriptions/s/vm1/packetcapture_01_02_03_004.cap");
  const bytes = Buffer.from("d4c3b2a1020004000000000000000000ffff000001000000", "hex");
  await blob.upload(bytes, bytes.length);
  await container.getBlockBlobClient("other.cap").upload(bytes, bytes.length);

  const link = await readOnlyLink(
    blob,
    service.credential as StorageSharedKeyCredential,
    3,
    SASProtocol.HttpsAndHttp,
  );
  const read = await fetch(link);
  expect(read.status).toBe(200);
  expect(Buffer.from(await read.arrayBuffer())).toEqual(bytes);

  const write = await fetch(link, {
    method: "PUT",
    headers: { "x-ms-blob-type": "BlockBlob" },
    body: "overwritten",
  });
  expect(write.status).toBe(403);
  const sibling = await fetch(link.replace("packetcapture_01_02_03_004.cap", "other.cap"));
  expect(sibling.status).toBe(403);

  await new Promise((resolve) => setTimeout(resolve, 4500));
  expect((await fetch(link)).status).toBe(403);
});

describe("the link's protocol (spr)", () => {
  let blob: BlockBlobClient;
  let credential: StorageSharedKeyCredential;
  beforeAll(async () => {
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const container = service.getContainerClient("protocol-test");
    await container.createIfNotExists();
    blob = container.getBlockBlobClient("capture.cap");
    await blob.upload("d4c3b2a1", 8);
    credential = service.credential as StorageSharedKeyCredential;
  });

  test("https only in Azure: the link says spr=https and storage refuses it over http", async () => {
    const link = await readOnlyLink(blob, credential, 60, linkProtocol(blob.url, false));
    expect(new URL(link).searchParams.get("spr")).toBe("https");
    expect(new URL(link).protocol).toBe("http:"); // Azurite's URL, to prove the refusal
    expect((await fetch(link)).status).toBe(403);
  });

  test("http is allowed only for the local runtime's plain-http Azurite", async () => {
    expect(linkProtocol(blob.url, true)).toBe(SASProtocol.HttpsAndHttp);
    expect(linkProtocol("https://acct.blob.core.windows.net/c/b.cap", true)).toBe(
      SASProtocol.Https,
    );
    const link = await readOnlyLink(blob, credential, 60, linkProtocol(blob.url, true));
    expect(new URL(link).searchParams.get("spr")).toBe("https,http");
    expect((await fetch(link)).status).toBe(200);
  });
});
