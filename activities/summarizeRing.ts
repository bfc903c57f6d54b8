/**
 * Triage of a frozen ring as ONE timeline: each kept file streamed through the pcap summarizer
 * (lib/pcap's public API, bounded memory), the summaries combined around the alert's fired time
 * (what was there before, what changed after), the combined JSON stored beside the ring, and
 * highlights for the notification such as "RST burst from 10.0.0.4:443 started 47 s before the
 * alert fired".
 */
import { permanentOrThrow } from "../lib/azure/armErrors";
import { failed, ok, type ActivityResult } from "../lib/domain/activityResult";
import { formatBytes } from "../lib/notify/notification";
import { summarizeStream, type CaptureSummary } from "../lib/pcap";
import { ringHighlights } from "../lib/recorder/ringHighlights";
import { combineRing } from "../lib/recorder/ringTimeline";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import {
  RecorderActivities,
  type SummarizeRingInput,
  type SummarizeRingOutput,
} from "../lib/workflow/recorderContracts";

/** Enough conversations per file that a storm of short connections is dated from its first ones. */
const TOP_PER_FILE = 100;

/** `<storagePath>.freeze-<fired>.json`: beside the ring, one per freeze, never a capture-file name. */
export function ringSummaryPath(storagePath: string, firedAt: string): string {
  const url = new URL(storagePath);
  url.search = "";
  url.pathname = `${url.pathname.replace(/\/$/, "")}.freeze-${firedAt.replace(/[-:.]/g, "")}.json`;
  return url.toString();
}

export async function summarizeRing(
  input: SummarizeRingInput,
  { clients, settings, log }: ActivityEnv,
): Promise<ActivityResult<SummarizeRingOutput>> {
  const total = input.files.reduce((n, f) => n + f.sizeBytes, 0);
  const limit = settings.CAPTURE_SUMMARY_MAX_BYTES;
  if (total > limit)
    return ok({
      highlights: [],
      skippedReason: `not summarized: the kept ring files hold ${formatBytes(total)}, over the ${formatBytes(limit)} limit (CAPTURE_SUMMARY_MAX_BYTES)`,
    });
  try {
    const summaries: CaptureSummary[] = [];
    for (const file of input.files) {
      const download = await clients.blob(file.url).download();
      if (!download.readableStreamBody)
        return failed("NoBody", `storage returned no body for ${new URL(file.url).pathname}`);
      summaries.push(await summarizeStream(download.readableStreamBody, { topN: TOP_PER_FILE }));
    }
    const timeline = combineRing(summaries, new Date(input.firedAt));
    const summaryPath = ringSummaryPath(input.storagePath, input.firedAt);
    const json = JSON.stringify({ timeline, files: input.files, summaries }, null, 2);
    await clients
      .blob(summaryPath)
      .getBlockBlobClient()
      .upload(json, Buffer.byteLength(json), {
        blobHTTPHeaders: { blobContentType: "application/json" },
      });
    log(`ring timeline: ${timeline.packets} packets in ${timeline.files} file(s)`);
    return ok({ summaryPath, highlights: ringHighlights(timeline) });
  } catch (error) {
    return permanentOrThrow(
      error,
      "SummaryFailed",
      "Grant the identity Storage Blob Data Contributor to store the summary.",
    );
  }
}

defineActivity(RecorderActivities.summarizeRing, summarizeRing);
