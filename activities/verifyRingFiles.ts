/**
 * Proves each kept ring file is a capture: still in storage, larger than a pcap header, pcap or
 * pcapng magic. A file that fails is left out with the reason (the rest of the ring is still
 * worth having); storage trouble throws so durable retries try again.
 */
import { permanentOrThrow } from "../lib/azure/armErrors";
import { checkCaptureFile } from "../lib/azure/captureBlobs";
import { ok, type ActivityResult } from "../lib/domain/activityResult";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import {
  RecorderActivities,
  type VerifiedRingFile,
  type VerifyRingInput,
  type VerifyRingOutput,
} from "../lib/workflow/recorderContracts";

export async function verifyRingFiles(
  { files }: VerifyRingInput,
  env: ActivityEnv,
): Promise<ActivityResult<VerifyRingOutput>> {
  const verified: VerifiedRingFile[] = [];
  const rejected: string[] = [];
  try {
    for (const file of files) {
      const result = await checkCaptureFile(
        file,
        env.clients,
        "gone from storage (the ring reused it)",
      );
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
