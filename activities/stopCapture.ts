/** Stops a running capture; Network Watcher then uploads what it has. Idempotent. */
import { ok, permanentOrThrow } from "../lib/azure/armErrors";
import { stopCapture as stop } from "../lib/azure/networkWatcher";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import { ActivityNames, type ActivityResult, type CaptureRef } from "../lib/workflow/contracts";

export async function stopCapture(ref: CaptureRef, { clients, log }: ActivityEnv): Promise<ActivityResult<null>> {
  try {
    await stop(clients, ref.watcher, ref.name);
    log(`stopped ${ref.name}`);
    return ok(null);
  } catch (error) {
    return permanentOrThrow(error, "StopFailed", "Stop the capture by hand (az network watcher packet-capture stop) and check the identity's stop/action permission.");
  }
}

defineActivity(ActivityNames.stopCapture, stopCapture);
