/**
 * A recorder's first step (instances started on 2.2 or later): its request checked as a capture
 * request's is, plus the ring, the freeze window, the ring capture's name and the regional cap —
 * so an ops re-run of stale input or a forged start (a VM outside the allowed scopes, a storage
 * account off the allow-list, a cap above RECORDER_MAX_PER_REGION) fails before anything is armed.
 */
import { defineActivity } from "../lib/workflow/activity";
import { RecorderActivities, type RecorderRequest } from "../lib/workflow/recorderContracts";
import { checkRecorderRequest } from "../lib/workflow/requestCheck";
import { validating } from "./validateRequest";

export const validateRecorderRequest = validating<RecorderRequest>(checkRecorderRequest);

defineActivity(RecorderActivities.validateRecorderRequest, validateRecorderRequest);
