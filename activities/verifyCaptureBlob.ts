/**
 * Proves the capture landed: the blob at the storagePath Network Watcher reported exists, holds
 * more than a pcap header, and starts with pcap or pcapng magic. "Not there yet" throws, so
 * durable retries wait for the upload that follows a stop; anything else is a verdict.
 */
import { detectCaptureFormat, PCAP_HEADER_BYTES } from "../lib/domain/captureFile";
import { isNotFound, permanentOrThrow } from "../lib/azure/armErrors";
import { failed, ok, type ActivityResult } from "../lib/domain/activityResult";
import { redactSecrets } from "../lib/logging/redact";
import { getCapture } from "../lib/azure/networkWatcher";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import { Activities, type VerifyBlobInput, type VerifyBlobOutput } from "../lib/workflow/contracts";

export class BlobNotYetUploaded extends Error {
  constructor(path: string) {
    // storagePath may carry a SAS; its signature must not reach logs or history.
    super(`BlobNotYetUploaded: ${redactSecrets(path)} does not exist yet`);
    this.name = "BlobNotYetUploaded";
  }
}

export async function verifyCaptureBlob(
  { capture }: VerifyBlobInput,
  { clients, log }: ActivityEnv,
): Promise<ActivityResult<VerifyBlobOutput>> {
  let storagePath: string | undefined;
  try {
    storagePath = (await getCapture(clients, capture.watcher, capture.name))?.storagePath;
  } catch (error) {
    return permanentOrThrow(error, "CaptureUnreadable", "Grant the identity packetCaptures/read.");
  }
  if (!storagePath) {
    return failed(
      "NoStoragePath",
      `Network Watcher reports no storagePath for ${capture.name}`,
      "The capture was saved to the VM's disk only; fetch it from there.",
    );
  }
  let blob: ReturnType<typeof clients.blob>;
  try {
    blob = clients.blob(storagePath);
  } catch (error) {
    return permanentOrThrow(
      error,
      "UntrustedStoragePath",
      "Network Watcher reported a file outside the allowed storage accounts: check the capture's storage account against CAPTURE_STORAGE_ACCOUNT_ID / CAPTURE_ALLOWED_STORAGE_ACCOUNT_IDS.",
    );
  }
  let size: number;
  let head: Buffer | undefined;
  try {
    size = (await blob.getProperties()).contentLength ?? 0;
    // Read inside the try: a 403 here is a permission problem to report, not a missing upload to wait for.
    if (size > PCAP_HEADER_BYTES) head = await blob.downloadToBuffer(0, 4);
  } catch (error) {
    if (isNotFound(error)) throw new BlobNotYetUploaded(storagePath);
    return permanentOrThrow(
      error,
      "BlobUnreadable",
      "Grant the function app's identity Storage Blob Data Reader on the capture storage account.",
    );
  }
  if (!head) {
    return failed(
      "EmptyCapture",
      `${redactSecrets(storagePath)} is ${size} bytes: no packets were captured`,
      "Check the capture filters and that the VM had the expected traffic, then re-run.",
    );
  }
  const format = detectCaptureFormat(head);
  if (!format) {
    return failed(
      "NotACapture",
      `${redactSecrets(storagePath)} does not start with pcap or pcapng magic (${head.toString("hex")})`,
      "Inspect the blob; it may have been overwritten.",
    );
  }
  log(`verified ${redactSecrets(storagePath)}: ${size} bytes, ${format}`);
  return ok({ storagePath: redactSecrets(storagePath), sizeBytes: size, format });
}

defineActivity(Activities.verifyCaptureBlob, verifyCaptureBlob);
