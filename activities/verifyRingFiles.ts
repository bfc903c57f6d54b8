/**
 * Proves each kept ring file is a capture: still in storage, larger than a pcap header, pcap or
 * pcapng magic. A file that fails is left out with the reason (the rest of the ring is still
 * worth having); storage trouble throws so durable retries try again.
 */
import { detectCaptureFormat, PCAP_HEADER_BYTES } from "../lib/domain/captureFile";
import { isNotFound, permanentOrThrow } from "../lib/azure/armErrors";
import { ok, type ActivityResult } from "../lib/domain/activityResult";
import type { RingFile } from "../lib/domain/ringFiles";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import {
  RecorderActivities,
  type VerifiedRingFile,
  type VerifyRingInput,
  type VerifyRingOutput,
} from "../lib/workflow/recorderContracts";

async function verdict(file: RingFile, env: ActivityEnv): Promise<VerifiedRingFile | string> {
  const blob = env.clients.blob(file.url);
  const name = new URL(file.url).pathname;
  try {
    const size = (await blob.getProperties()).contentLength ?? 0;
    if (size <= PCAP_HEADER_BYTES) return `${name}: ${size} bytes, no packets`;
    const format = detectCaptureFormat(await blob.downloadToBuffer(0, 4));
    if (!format) return `${name}: not pcap or pcapng`;
    return { ...file, sizeBytes: size, format };
  } catch (error) {
    if (isNotFound(error)) return `${name}: gone from storage (the ring reused it)`;
    throw error;
  }
}

export async function verifyRingFiles(
  { files }: VerifyRingInput,
  env: ActivityEnv,
): Promise<ActivityResult<VerifyRingOutput>> {
  const verified: VerifiedRingFile[] = [];
  const rejected: string[] = [];
  try {
    for (const file of files) {
      const result = await verdict(file, env);
      if (typeof result === "string") rejected.push(result);
      else verified.push(result);
    }
  } catch (error) {
    return permanentOrThrow(
      error,
      "BlobUnreadable",
      "Grant the function app's identity Storage Blob Data Reader on the capture storage account.",
    );
  }
  env.log(`ring: ${verified.length} file(s) verified, ${rejected.length} left out`);
  return ok({ verified, rejected });
}

defineActivity(RecorderActivities.verifyRingFiles, verifyRingFiles);
