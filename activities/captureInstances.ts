/**
 * What a capture group needs to know about its members' orchestrations: which are running
 * (another alert started them: the group joins them) and, for finished ones, their reports.
 * A missing instance is "NotFound"; only an unreachable store throws (retried).
 */
import { ok, failed, type ActivityResult } from "../lib/domain/activityResult";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import type { CaptureReport } from "../lib/workflow/contracts";
import {
  GroupActivities,
  type CaptureInstanceState,
  type CaptureInstancesInput,
  type SignalCapturesInput,
} from "../lib/workflow/groupContracts";

const NO_CLIENT = "Register the activity with the durable client binding.";

export async function captureInstances(
  { instanceIds }: CaptureInstancesInput,
  { durable }: ActivityEnv,
): Promise<ActivityResult<CaptureInstanceState[]>> {
  if (!durable) return failed("Misconfigured", "no durable client", NO_CLIENT);
  const states: CaptureInstanceState[] = [];
  for (const instanceId of instanceIds) {
    try {
      const status = await durable.getStatus(instanceId, { showInput: false });
      const runtimeStatus = String(status.runtimeStatus);
      const state: CaptureInstanceState = { instanceId, runtimeStatus };
      if (runtimeStatus === "Completed") state.report = status.output as CaptureReport;
      else if (runtimeStatus === "Failed" || runtimeStatus === "Terminated")
        state.error = String(status.output ?? runtimeStatus).split("\n")[0];
      states.push(state);
    } catch (error) {
      // DurableClient reports "no such instance" only as an Error mentioning the extension's HTTP 404.
      if (error instanceof Error && /HTTP 404/.test(error.message))
        states.push({ instanceId, runtimeStatus: "NotFound" });
      else throw error;
    }
  }
  return ok(states);
}

export async function signalCaptures(
  { instanceIds, event }: SignalCapturesInput,
  { durable }: ActivityEnv,
): Promise<ActivityResult<null>> {
  if (!durable) return failed("Misconfigured", "no durable client", NO_CLIENT);
  for (const instanceId of instanceIds) {
    try {
      await durable.raiseEvent(instanceId, event, null);
    } catch (error) {
      // DurableClient resolves a finished member's 410 Gone itself, and reports a missing one
      // (404) only by this message: neither has anything to cancel.
      if (!(error instanceof Error && /^No instance with ID '.*' found\.$/.test(error.message)))
        throw error;
    }
  }
  return ok(null);
}

defineActivity(GroupActivities.captureInstances, captureInstances, { durableClient: true });
defineActivity(GroupActivities.signalCaptures, signalCaptures, { durableClient: true });
