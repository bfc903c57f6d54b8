/**
 * A recorder's first step (instances started on 2.2 or later): its request checked as a capture
 * request's is, plus the ring, the freeze window, the ring capture's name and the regional cap —
 * so an ops re-run of stale input or a forged start (a VM outside the allowed scopes, a storage
 * account off the allow-list, a cap above RECORDER_MAX_PER_REGION) fails before anything is armed.
 */
import type { ActivityResult } from "../lib/domain/activityResult";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import { RecorderActivities, type RecorderRequest } from "../lib/workflow/recorderContracts";
import { checkRecorderRequest } from "../lib/workflow/requestCheck";
import { verdictOn } from "./validateRequest";

export function validateRecorderRequest(
  request: RecorderRequest,
  env: ActivityEnv,
): Promise<ActivityResult<null>> {
  return Promise.resolve(verdictOn(checkRecorderRequest, request, env));
}

defineActivity(RecorderActivities.validateRecorderRequest, validateRecorderRequest);
