/**
 * The files a continuous capture has written so far. Azure documents neither their names nor
 * where under `storagePath` they go, so this takes every capture file whose blob name starts
 * with the storage path (without a `.cap` extension, should Azure report a file) and leaves
 * ordering to blob time (lib/domain/ringFiles); names are never parsed.
 */
import { isNotFound, permanentOrThrow } from "../lib/azure/armErrors";
import { getCapture } from "../lib/azure/networkWatcher";
import { failed, ok, type ActivityResult } from "../lib/domain/activityResult";
import type { RingBlob } from "../lib/domain/ringFiles";
import { redactSecrets } from "../lib/logging/redact";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import type { CaptureRef } from "../lib/workflow/contracts";
import { RecorderActivities, type RingListing } from "../lib/workflow/recorderContracts";

const CAPTURE_FILE = /\.(p?cap|pcapng)$/i;

/** Container URL and name prefix of the blobs under a storage path. */
function ringLocation(
  storagePath: string,
  env: ActivityEnv,
): { containerUrl: string; prefix: string } {
  const blob = env.clients.blob(storagePath);
  const url = new URL(blob.url);
  url.search = "";
  const encodedName = blob.name.split("/").map(encodeURIComponent).join("/");
  const containerUrl = url.toString().slice(0, url.toString().length - encodedName.length - 1);
  return { containerUrl, prefix: blob.name.replace(CAPTURE_FILE, "") };
}

export async function listRingFiles(
  capture: CaptureRef,
  env: ActivityEnv,
): Promise<ActivityResult<RingListing>> {
  let storagePath: string | undefined;
  try {
    storagePath = (await getCapture(env.clients, capture.watcher, capture.name))?.storagePath;
  } catch (error) {
    return permanentOrThrow(error, "CaptureUnreadable", "Grant the identity packetCaptures/read.");
  }
  if (!storagePath)
    return failed(
      "NoStoragePath",
      `Network Watcher reports no storagePath for ${capture.name}`,
      "The ring is on the VM's disk only; fetch it from there.",
    );
  const blobs: RingBlob[] = [];
  try {
    // Inside the try: a storage path outside the allowed capture containers is a permanent failure.
    const { containerUrl, prefix } = ringLocation(storagePath, env);
    const container = env.clients.container(containerUrl);
    for await (const item of container.listBlobsFlat({ prefix })) {
      if (!CAPTURE_FILE.test(item.name)) continue;
      blobs.push({
        url: container.getBlobClient(item.name).url,
        sizeBytes: item.properties.contentLength ?? 0,
        lastModified: item.properties.lastModified.toISOString(),
      });
    }
  } catch (error) {
    if (isNotFound(error)) return ok({ storagePath: redactSecrets(storagePath), blobs: [] });
    return permanentOrThrow(
      error,
      "BlobUnreadable",
      "Grant the function app's identity Storage Blob Data Reader on the capture storage account.",
    );
  }
  return ok({ storagePath: redactSecrets(storagePath), blobs });
}

defineActivity(RecorderActivities.listRingFiles, listRingFiles);
