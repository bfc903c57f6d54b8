/**
 * The download link in notifications, against real Azurite: it reads the one blob, cannot
 * write, and stops working when it expires. (Azure signs it with a user-delegation key; Azurite
 * with the account key — the same SAS rules apply.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { BlobServiceClient, type StorageSharedKeyCredential } from "@azure/storage-blob";
import { readOnlyLink } from "../../lib/azure/downloadLink";
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

  const link = await readOnlyLink(blob, service.credential as StorageSharedKeyCredential, 3);
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
