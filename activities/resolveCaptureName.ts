/**
 * Makes sure the capture name is ours to use: adopt our target's running capture (an alert
 * retried, or a host that restarted mid-start), delete a finished one of ours, or step aside to
 * a suffixed name when another target's capture holds it.
 */
import { MAX_NAME_ATTEMPTS, decideOnExisting } from "../lib/domain/nameConflict";
import { suffixedCaptureName } from "../lib/domain/naming";
import { isNotFound, permanentOrThrow } from "../lib/azure/armErrors";
import { failed, ok, type ActivityResult } from "../lib/domain/activityResult";
import { deleteCapture, getCapture, getCaptureStatus } from "../lib/azure/networkWatcher";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import {
  Activities,
  type ResolveNameInput,
  type ResolveNameOutput,
} from "../lib/workflow/contracts";

export async function resolveCaptureName(
  input: ResolveNameInput,
  { clients, log }: ActivityEnv,
): Promise<ActivityResult<ResolveNameOutput>> {
  const { watcher, target, desiredName } = input;
  try {
    for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
      const name = attempt === 1 ? desiredName : suffixedCaptureName(desiredName, attempt);
      const existing = await getCapture(clients, watcher, name);
      if (!existing) return ok({ name, resolution: attempt === 1 ? "new" : "suffixed" });
      const status = await getCaptureStatus(clients, watcher, name).catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
      const decision = decideOnExisting(
        {
          target: existing.target,
          provisioningState: existing.provisioningState,
          status: status?.status,
        },
        target.resourceId,
      );
      if (decision === "adopt") {
        log(`adopting running capture ${name}`);
        return ok({ name, resolution: "adopted" });
      }
      if (decision === "replace") {
        log(
          `deleting finished capture ${name} (${status?.status ?? "status unknown"}) to reuse its name`,
        );
        await deleteCapture(clients, watcher, name);
        return ok({ name, resolution: attempt === 1 ? "replaced" : "suffixed" });
      }
    }
  } catch (error) {
    return permanentOrThrow(
      error,
      "NameUnresolved",
      "Check the function app's packetCaptures read/delete permissions.",
    );
  }
  return failed(
    "NameConflict",
    `${desiredName} and ${MAX_NAME_ATTEMPTS - 1} suffixed names are held by other targets' captures under ${watcher.name}`,
    "Delete stale packet captures under the watcher, then re-run.",
  );
}

defineActivity(Activities.resolveCaptureName, resolveCaptureName);
