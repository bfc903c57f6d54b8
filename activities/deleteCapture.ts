/** Removes the capture resource (not its file) so it stops counting against the regional quota. Idempotent. */
import { ok, permanentOrThrow } from "../lib/azure/armErrors";
import { deleteCapture as remove } from "../lib/azure/networkWatcher";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import { ActivityNames, type ActivityResult, type CaptureRef } from "../lib/workflow/contracts";

export async function deleteCapture(ref: CaptureRef, { clients, log }: ActivityEnv): Promise<ActivityResult<null>> {
  try {
    await remove(clients, ref.watcher, ref.name);
    log(`deleted ${ref.name}`);
    return ok(null);
  } catch (error) {
    return permanentOrThrow(error, "DeleteFailed", "Delete the capture by hand (az network watcher packet-capture delete).");
  }
}

defineActivity(ActivityNames.deleteCapture, deleteCapture);
