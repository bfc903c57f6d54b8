/**
 * Finds the Network Watcher for the target's region and counts its capture sessions against the
 * regional limit (10,000 per subscription and region in Azure today; configurable because it
 * was 10 once and may change again). Listing is cheap; the per-capture status calls that tell
 * running from finished sessions are only made when the listing alone reaches the limit.
 */
import { sameRegion } from "../lib/domain/agentExtension";
import { isNotFound, permanentOrThrow } from "../lib/azure/armErrors";
import { ok, failed, type ActivityResult } from "../lib/domain/activityResult";
import {
  getCaptureStatus,
  getTarget,
  getWatcher,
  listCaptures,
  listWatchers,
  type WatcherInfo,
} from "../lib/azure/networkWatcher";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import type { CaptureStatusOutput } from "../lib/domain/captureStatus";
import { Activities, type CheckQuotaInput, type CheckQuotaOutput } from "../lib/workflow/contracts";

const STATUS_CHECK_CONCURRENCY = 8;

export async function checkQuota(
  input: CheckQuotaInput,
  { clients, settings, log }: ActivityEnv,
): Promise<ActivityResult<CheckQuotaOutput>> {
  const { target } = input;
  let region: string;
  try {
    region = (await getTarget(clients, target)).location;
  } catch (error) {
    if (isNotFound(error))
      return failed(
        "TargetNotFound",
        `${target.resourceId} does not exist or the function app's identity cannot read it`,
        "Check the alert's target and grant the identity Microsoft.Compute/virtualMachines/read.",
      );
    return permanentOrThrow(
      error,
      "TargetUnreadable",
      "Grant the function app's identity read access to the VM.",
    );
  }

  let watcher: WatcherInfo | undefined;
  try {
    watcher = input.watcher
      ? await getWatcher(clients, input.watcher)
      : (await listWatchers(clients, target.subscriptionId)).find((w) =>
          sameRegion(w.location, region),
        );
  } catch (error) {
    if (isNotFound(error)) watcher = undefined;
    else
      return permanentOrThrow(
        error,
        "WatcherUnreadable",
        "Grant the function app's identity Microsoft.Network/networkWatchers/read.",
      );
  }
  if (!watcher) {
    return failed(
      "WatcherNotFound",
      `no Network Watcher in region ${region} for subscription ${target.subscriptionId}`,
      `Enable Network Watcher in ${region} (az network watcher configure -l ${region} -g NetworkWatcherRG --enabled true), then re-run.`,
    );
  }
  if (!sameRegion(watcher.location, region)) {
    return failed(
      "WatcherRegionMismatch",
      `watcher ${watcher.name} is in ${watcher.location}, the VM in ${region}`,
      "Name the watcher of the VM's region, or leave the watcher out and let it be discovered.",
    );
  }

  const ref = {
    subscriptionId: watcher.subscriptionId,
    resourceGroup: watcher.resourceGroup,
    name: watcher.name,
  };
  try {
    const captures = await listCaptures(clients, ref);
    const limit = settings.CAPTURE_SESSION_LIMIT;
    const running =
      captures.length < limit
        ? captures.length
        : await countRunning(
            clients,
            ref,
            captures.map((c) => c.name),
          );
    log(`${running}/${limit} sessions under ${watcher.name} (${region})`);
    return ok({ region, watcher: ref, running, limit, available: running < limit });
  } catch (error) {
    return permanentOrThrow(
      error,
      "CapturesUnreadable",
      "Grant the function app's identity Microsoft.Network/networkWatchers/packetCaptures/read.",
    );
  }
}

/** Each named capture's status, `STATUS_CHECK_CONCURRENCY` at a time; undefined where it could not be read. */
export async function statusesOf(
  clients: ActivityEnv["clients"],
  watcher: CheckQuotaOutput["watcher"],
  names: string[],
): Promise<Array<CaptureStatusOutput | undefined>> {
  const statuses: Array<CaptureStatusOutput | undefined> = [];
  for (let i = 0; i < names.length; i += STATUS_CHECK_CONCURRENCY) {
    statuses.push(
      ...(await Promise.all(
        names
          .slice(i, i + STATUS_CHECK_CONCURRENCY)
          .map((name) => getCaptureStatus(clients, watcher, name).catch(() => undefined)),
      )),
    );
  }
  return statuses;
}

/** True for a session that holds its slot: running, not started yet, or unreadable. */
export function holdsSession(status: CaptureStatusOutput | undefined): boolean {
  return status === undefined || status.status === "Running" || status.status === "NotStarted";
}

/** A capture whose status cannot be read is counted as running: over-counting delays a capture, under-counting makes ARM refuse it. */
export async function countRunning(
  clients: ActivityEnv["clients"],
  watcher: CheckQuotaOutput["watcher"],
  names: string[],
): Promise<number> {
  return (await statusesOf(clients, watcher, names)).filter(holdsSession).length;
}

defineActivity(Activities.checkQuota, checkQuota);
