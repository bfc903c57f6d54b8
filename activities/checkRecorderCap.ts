/**
 * The cost guard: how many flight recorders are armed in the watcher's region, counted from
 * Network Watcher itself (ring captures by their name prefix, running or starting), so the count
 * survives restarts and sees recorders armed by any instance. Our own ring is never counted: a
 * re-run adopts it.
 */
import { permanentOrThrow } from "../lib/azure/armErrors";
import { listCaptures } from "../lib/azure/networkWatcher";
import { ok, type ActivityResult } from "../lib/domain/activityResult";
import { RING_CAPTURE_PREFIX } from "../lib/domain/naming";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import {
  RecorderActivities,
  type CheckRecorderCapInput,
  type CheckRecorderCapOutput,
} from "../lib/workflow/recorderContracts";
import { countRunning } from "./checkQuota";

export async function checkRecorderCap(
  input: CheckRecorderCapInput,
  { clients, log }: ActivityEnv,
): Promise<ActivityResult<CheckRecorderCapOutput>> {
  try {
    const rings = (await listCaptures(clients, input.watcher))
      .map((c) => c.name)
      .filter(
        (name) =>
          name.toLowerCase().startsWith(RING_CAPTURE_PREFIX) &&
          name.toLowerCase() !== input.captureName.toLowerCase(),
      );
    const armed = rings.length ? await countRunning(clients, input.watcher, rings) : 0;
    log(`${armed}/${input.limit} recorders armed in ${input.region}`);
    return ok({ armed, limit: input.limit, available: armed < input.limit });
  } catch (error) {
    return permanentOrThrow(
      error,
      "CapturesUnreadable",
      "Grant the function app's identity Microsoft.Network/networkWatchers/packetCaptures/read.",
    );
  }
}

defineActivity(RecorderActivities.checkRecorderCap, checkRecorderCap);
