/**
 * The files a continuous capture has written so far (lib/azure/captureBlobs: every capture file
 * under the storage path, names never parsed); ordering is left to blob time (lib/domain/ringFiles).
 */
import { permanentOrThrow } from "../lib/azure/armErrors";
import { listCaptureBlobs } from "../lib/azure/captureBlobs";
import { getCapture } from "../lib/azure/networkWatcher";
import { failed, ok, type ActivityResult } from "../lib/domain/activityResult";
import type { RingBlob } from "../lib/domain/ringFiles";
import { redactSecrets } from "../lib/logging/redact";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import type { CaptureRef } from "../lib/workflow/contracts";
import { RecorderActivities, type RingListing } from "../lib/workflow/recorderContracts";

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
  let blobs: RingBlob[];
  try {
    // Inside the try: a storage path outside the allowed capture containers is a permanent failure.
    blobs = await listCaptureBlobs(storagePath, env.clients);
  } catch (error) {
    return permanentOrThrow(
      error,
      "BlobUnreadable",
      "Grant the function app's identity Storage Blob Data Reader on the capture storage account.",
    );
  }
  return ok({ storagePath: redactSecrets(storagePath), blobs });
}

defineActivity(RecorderActivities.listRingFiles, listRingFiles);
