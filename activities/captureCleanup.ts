/**
 * stopCapture and deleteCapture: the two idempotent cleanup calls ("already gone" is done).
 * Stop makes Network Watcher end the session and upload what it has; delete removes the
 * capture resource (not its file) so it no longer counts against the regional quota.
 */
import { permanentOrThrow } from "../lib/azure/armErrors";
import { ok, type ActivityResult } from "../lib/domain/activityResult";
import type { AzureClients } from "../lib/azure/clients";
import {
  deleteCapture as removeCapture,
  stopCapture as endCapture,
} from "../lib/azure/networkWatcher";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import { Activities, type CaptureRef } from "../lib/workflow/contracts";
import type { WatcherRef } from "../lib/domain/types";

type CaptureCall = (clients: AzureClients, watcher: WatcherRef, name: string) => Promise<void>;

function cleanup(verb: string, call: CaptureCall, code: string, action: string) {
  return async (ref: CaptureRef, { clients, log }: ActivityEnv): Promise<ActivityResult<null>> => {
    try {
      await call(clients, ref.watcher, ref.name);
      log(`${verb} ${ref.name}`);
      return ok(null);
    } catch (error) {
      return permanentOrThrow(error, code, action);
    }
  };
}

export const stopCapture = defineActivity(
  Activities.stopCapture,
  cleanup(
    "stopped",
    endCapture,
    "StopFailed",
    "Stop the capture by hand (az network watcher packet-capture stop) and check the identity's stop/action permission.",
  ),
);

export const deleteCapture = defineActivity(
  Activities.deleteCapture,
  cleanup(
    "deleted",
    removeCapture,
    "DeleteFailed",
    "Delete the capture by hand (az network watcher packet-capture delete).",
  ),
);
