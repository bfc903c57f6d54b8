/** One status poll (queryStatus). A capture that vanished is permanent: someone deleted it. */
import { isNotFound, permanentOrThrow } from "../lib/azure/armErrors";
import { failed, ok, type ActivityResult } from "../lib/domain/activityResult";
import { getCaptureStatus as queryStatus } from "../lib/azure/networkWatcher";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import type { CaptureStatusOutput } from "../lib/domain/captureStatus";
import { Activities, type CaptureRef } from "../lib/workflow/contracts";

export async function getCaptureStatus(
  ref: CaptureRef,
  { clients }: ActivityEnv,
): Promise<ActivityResult<CaptureStatusOutput>> {
  try {
    return ok(await queryStatus(clients, ref.watcher, ref.name));
  } catch (error) {
    if (isNotFound(error))
      return failed(
        "CaptureNotFound",
        `packet capture ${ref.name} no longer exists under ${ref.watcher.name}`,
        "Someone deleted it; re-run if a capture is still wanted.",
      );
    return permanentOrThrow(
      error,
      "StatusUnreadable",
      "Grant the identity Microsoft.Network/networkWatchers/packetCaptures/queryStatus/action.",
    );
  }
}

defineActivity(Activities.getCaptureStatus, getCaptureStatus);
