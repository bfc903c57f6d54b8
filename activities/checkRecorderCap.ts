/**
 * The cost guard: how many flight recorders are armed in the watcher's region, counted from
 * Network Watcher itself (ring captures by their name prefix, running or starting), so the count
 * survives restarts and sees recorders armed by any instance. Our own ring is never counted: a
 * re-run adopts it. This check, before starting, refuses cheaply; confirmRecorderCap, after
 * starting, makes the cap exact when recorders arm at the same moment.
 */
import { permanentOrThrow } from "../lib/azure/armErrors";
import { listCaptures } from "../lib/azure/networkWatcher";
import { ok, type ActivityResult } from "../lib/domain/activityResult";
import { RING_CAPTURE_PREFIX } from "../lib/domain/naming";
import type { RingSeen } from "../lib/domain/recorderCap";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import type { WatcherRef } from "../lib/domain/types";
import {
  RecorderActivities,
  type CheckRecorderCapInput,
  type CheckRecorderCapOutput,
} from "../lib/workflow/recorderContracts";
import { holdsSession, statusesOf } from "./checkQuota";

/** Every ring capture under the watcher but `leaveOut` (any case; its status is not read), with its state and start time. */
export async function ringsUnder(
  clients: ActivityEnv["clients"],
  watcher: WatcherRef,
  leaveOut?: string,
): Promise<RingSeen[]> {
  const names = (await listCaptures(clients, watcher))
    .map((c) => c.name)
    .filter(
      (name) =>
        name.toLowerCase().startsWith(RING_CAPTURE_PREFIX) &&
        name.toLowerCase() !== leaveOut?.toLowerCase(),
    );
  const statuses = await statusesOf(clients, watcher, names);
  return names.map((name, i) => {
    const status = statuses[i];
    if (!status) return { name, state: "unreadable" };
    return {
      name,
      state: holdsSession(status) ? "running" : "ended",
      startedAt: status.captureStartTime,
    };
  });
}

/** What ops must grant when the captures cannot be listed or read. */
export const CAPTURES_UNREADABLE_ACTION =
  "Grant the function app's identity Microsoft.Network/networkWatchers/packetCaptures/read.";

export async function checkRecorderCap(
  input: CheckRecorderCapInput,
  { clients, log }: ActivityEnv,
): Promise<ActivityResult<CheckRecorderCapOutput>> {
  try {
    const armed = (await ringsUnder(clients, input.watcher, input.captureName)).filter(
      (ring) => ring.state !== "ended",
    ).length;
    log(`${armed}/${input.limit} recorders armed in ${input.region}`);
    return ok({ armed, limit: input.limit, available: armed < input.limit });
  } catch (error) {
    return permanentOrThrow(error, "CapturesUnreadable", CAPTURES_UNREADABLE_ACTION);
  }
}

defineActivity(RecorderActivities.checkRecorderCap, checkRecorderCap);
