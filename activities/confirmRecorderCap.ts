/**
 * After starting, the exact cap: ranks our ring among the region's rings (lib/domain/recorderCap)
 * and answers whether fewer than `limit` are ahead of it. Our ring must have reported its start
 * time first — until it has, this throws, so the durable retries wait for it.
 */
import { permanentOrThrow } from "../lib/azure/armErrors";
import { ok, type ActivityResult } from "../lib/domain/activityResult";
import { ringsAhead } from "../lib/domain/recorderCap";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import {
  RecorderActivities,
  type CheckRecorderCapInput,
  type ConfirmRecorderCapOutput,
} from "../lib/workflow/recorderContracts";
import { CAPTURES_UNREADABLE_ACTION, ringsUnder } from "./checkRecorderCap";

/** Thrown while our ring has no start time: transient, retried. */
class NotStartedYet extends Error {}

export async function confirmRecorderCap(
  input: CheckRecorderCapInput,
  { clients, log }: ActivityEnv,
): Promise<ActivityResult<ConfirmRecorderCapOutput>> {
  try {
    const rings = await ringsUnder(clients, input.watcher);
    const own = rings.find((r) => r.name.toLowerCase() === input.captureName.toLowerCase());
    // A ring that already ended holds no session: nothing to cap, the health check reports it.
    if (own?.state === "ended") return ok({ ahead: 0, limit: input.limit, available: true });
    if (!own?.startedAt)
      throw new NotStartedYet(`ring ${input.captureName} has not reported its start yet`);
    const ahead = ringsAhead(own.name, own.startedAt, rings);
    log(`${ahead} ring(s) ahead of ${own.name} in ${input.region}, cap ${input.limit}`);
    return ok({ ahead, limit: input.limit, available: ahead < input.limit });
  } catch (error) {
    if (error instanceof NotStartedYet) throw error;
    return permanentOrThrow(error, "CapturesUnreadable", CAPTURES_UNREADABLE_ACTION);
  }
}

defineActivity(RecorderActivities.confirmRecorderCap, confirmRecorderCap);
