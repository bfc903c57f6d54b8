/**
 * Compares two members' captures: both streamed from storage at once through the cross-capture
 * analysis (bounded memory), reduced to the verdict and per-direction losses for the notification.
 */
import { isNotFound, permanentOrThrow } from "../lib/azure/armErrors";
import { failed, ok, type ActivityResult } from "../lib/domain/activityResult";
import { compareStreams } from "../lib/pcap/compare";
import { comparisonDetails, comparisonVerdict } from "../lib/pcap/compareText";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import {
  GroupActivities,
  type CompareCapturesInput,
  type PairComparison,
} from "../lib/workflow/groupContracts";

export async function compareCaptures(
  { a, b }: CompareCapturesInput,
  { clients, log }: ActivityEnv,
): Promise<ActivityResult<PairComparison>> {
  try {
    const [downloadA, downloadB] = await Promise.all([
      clients.blob(a.blob.storagePath).download(),
      clients.blob(b.blob.storagePath).download(),
    ]);
    if (!downloadA.readableStreamBody || !downloadB.readableStreamBody)
      return failed("NoBody", "storage returned no body for a capture");
    const comparison = await compareStreams(
      downloadA.readableStreamBody,
      downloadB.readableStreamBody,
    );
    const names = { a: a.name, b: b.name };
    const verdict = comparisonVerdict(comparison, names);
    log(verdict);
    return ok({
      a: a.name,
      b: b.name,
      verdict,
      details: comparisonDetails(comparison, names),
      directions: comparison.directions.map((d) => ({
        from: d.sender === "a" ? a.name : b.name,
        to: d.sender === "a" ? b.name : a.name,
        sent: d.sent,
        lost: d.lost,
        lostShare: d.lostShare,
      })),
    });
  } catch (error) {
    if (isNotFound(error))
      return failed("BlobMissing", "a capture blob disappeared before it could be compared");
    return permanentOrThrow(
      error,
      "CompareFailed",
      "Check that the identity can read both capture blobs, then re-run the group.",
    );
  }
}

defineActivity(GroupActivities.compareCaptures, compareCaptures);
