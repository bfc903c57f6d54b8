/**
 * A scale-set capture's files, one per instance: every capture file under the storage path Network
 * Watcher reported (never a guessed name, lib/azure/captureBlobs), each proved a capture, each
 * attributed to an instance where the documented layout names it (lib/domain/instanceFiles), and
 * the instances in the capture's scope that left no file. Nothing uploaded yet throws, so durable
 * retries wait for the uploads that follow a stop; a file missing once others are there is a
 * verdict (the instance is reported), not something to wait for.
 */
import { permanentOrThrow } from "../lib/azure/armErrors";
import { checkCaptureFile, listCaptureBlobs } from "../lib/azure/captureBlobs";
import { getCapture, listScaleSetInstances } from "../lib/azure/networkWatcher";
import { failed, ok, type ActivityResult } from "../lib/domain/activityResult";
import {
  instanceOfBlob,
  instancesInScope,
  instancesWithoutFile,
  type ScaleSetInstance,
} from "../lib/domain/instanceFiles";
import { redactSecrets } from "../lib/logging/redact";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import {
  Activities,
  type InstanceFile,
  type InstanceFilesReport,
  type VerifyInstancesInput,
} from "../lib/workflow/contracts";
import { BlobNotYetUploaded } from "./verifyCaptureBlob";

const READER_ACTION =
  "Grant the function app's identity Storage Blob Data Reader on the capture storage account.";

export async function verifyInstanceFiles(
  { capture, target }: VerifyInstancesInput,
  { clients, log }: ActivityEnv,
): Promise<ActivityResult<InstanceFilesReport>> {
  let storagePath: string | undefined;
  let expected: ScaleSetInstance[];
  try {
    const resource = await getCapture(clients, capture.watcher, capture.name);
    storagePath = resource?.storagePath;
    expected = instancesInScope(await listScaleSetInstances(clients, target), resource?.scope);
  } catch (error) {
    return permanentOrThrow(
      error,
      "CaptureUnreadable",
      "Grant the identity packetCaptures/read and Microsoft.Compute/virtualMachineScaleSets/virtualMachines/read.",
    );
  }
  if (!storagePath) {
    return failed(
      "NoStoragePath",
      `Network Watcher reports no storagePath for ${capture.name}`,
      "The capture was saved to the instances' disks only; fetch the files from there.",
    );
  }
  const files: InstanceFile[] = [];
  const rejected: string[] = [];
  try {
    const listed = await listCaptureBlobs(storagePath, clients);
    if (listed.length === 0) throw new BlobNotYetUploaded(storagePath);
    for (const blob of listed) {
      const checked = await checkCaptureFile(blob, clients);
      if (typeof checked === "string") {
        rejected.push(checked);
        continue;
      }
      const instanceId = instanceOfBlob(new URL(blob.url).pathname, expected)?.instanceId;
      files.push({
        storagePath: redactSecrets(blob.url),
        sizeBytes: checked.sizeBytes,
        format: checked.format,
        ...(instanceId !== undefined && { instanceId }),
      });
    }
  } catch (error) {
    if (error instanceof BlobNotYetUploaded) throw error;
    return permanentOrThrow(error, "BlobUnreadable", READER_ACTION);
  }
  const missing = instancesWithoutFile(expected, files);
  log(
    `${target.name}: ${files.length} instance file(s) verified, ${rejected.length} rejected, no file from [${missing.join(", ")}]`,
  );
  return ok({ storagePath: redactSecrets(storagePath), files, missing, rejected });
}

defineActivity(Activities.verifyInstanceFiles, verifyInstanceFiles);
