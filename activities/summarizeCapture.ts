/**
 * Triage for the 2 a.m. reader: streams the .cap from storage through the pcap summarizer
 * (bounded memory, never the whole file in RAM), stores the full summary beside the capture as
 * `<capture>.summary.json`, and hands the highlights to the notification.
 */
import { summarizeStream } from "../lib/pcap";
import { highlights } from "../lib/pcap/highlights";
import { formatBytes } from "../lib/notify/notification";
import { isNotFound, permanentOrThrow } from "../lib/azure/armErrors";
import { failed, ok, type ActivityResult } from "../lib/domain/activityResult";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import { Activities, type SummarizeInput, type SummarizeOutput } from "../lib/workflow/contracts";

export function summaryPathFor(storagePath: string): string {
  const url = new URL(storagePath);
  url.pathname = `${url.pathname.replace(/\.(p?cap|pcapng)$/i, "")}.summary.json`;
  return url.toString();
}

export async function summarizeCapture(
  input: SummarizeInput,
  { clients, settings, log }: ActivityEnv,
): Promise<ActivityResult<SummarizeOutput>> {
  const limit = settings.CAPTURE_SUMMARY_MAX_BYTES;
  if (input.sizeBytes > limit) {
    return ok({
      highlights: [],
      skippedReason: `not summarized: the capture is ${formatBytes(input.sizeBytes)}, over the ${formatBytes(limit)} limit (CAPTURE_SUMMARY_MAX_BYTES)`,
    });
  }
  try {
    const download = await clients.blob(input.storagePath).download();
    if (!download.readableStreamBody)
      return failed("NoBody", "storage returned no body for the capture");
    const summary = await summarizeStream(download.readableStreamBody, { topN: 10 });
    const summaryPath = summaryPathFor(input.storagePath);
    const json = JSON.stringify(summary, null, 2);
    await clients
      .blob(summaryPath)
      .getBlockBlobClient()
      .upload(json, Buffer.byteLength(json), {
        blobHTTPHeaders: { blobContentType: "application/json" },
      });
    log(`summarized ${summary.packets} packets; summary at ${new URL(summaryPath).pathname}`);
    const notes = summary.warnings.length
      ? [`${summary.warnings.length} warning(s): ${summary.warnings[0]}`]
      : [];
    return ok({ summaryPath, highlights: [...highlights(summary, 3), ...notes] });
  } catch (error) {
    if (isNotFound(error))
      return failed("BlobMissing", "the capture blob disappeared before it could be summarized");
    return permanentOrThrow(
      error,
      "SummaryFailed",
      "Grant the identity Storage Blob Data Contributor to store the summary.",
    );
  }
}

defineActivity(Activities.summarizeCapture, summarizeCapture);
