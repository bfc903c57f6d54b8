/**
 * The webhook's answer when one alert names several VMs: one group orchestration for the set
 * (202, its status URL shows every member), or the running group's answer (200, deduplicated).
 * Each member is captured by the ordinary capture orchestration under the instance ID a
 * single-VM alert would use, so a VM already capturing is joined rather than captured twice.
 */
import { groupInstanceIdFor } from "../domain/captureGroup";
import { captureNameFor, instanceIdFor } from "../domain/naming";
import type { AlertInfo, CaptureSettings, CaptureTarget } from "../domain/types";
import type { WebhookSettings } from "../config/appSettings";
import type { GroupRequest } from "../workflow/groupContracts";
import {
  ACTIVE_STATES,
  isBusy,
  policyFrom,
  RETRY_AFTER_SECONDS,
  type WebhookAnswer,
  withoutKey,
} from "./answerAlert";
import type { CaptureStarter } from "./captureStarter";

/** Where a group's progress is read (function key in `x-functions-key`): the group and each member. */
export function groupStatusUrl(durableStatusUrl: string, groupId: string): string {
  return `${new URL(durableStatusUrl).origin}/api/groups/${encodeURIComponent(groupId)}`;
}

export async function answerGroup(
  targets: CaptureTarget[],
  alert: AlertInfo,
  captureSettings: CaptureSettings,
  settings: WebhookSettings,
  starter: CaptureStarter,
  now: Date,
): Promise<WebhookAnswer> {
  const groupId = groupInstanceIdFor(targets);
  const payload = starter.managementPayload(groupId);
  const statusUrl = groupStatusUrl(payload.statusQueryGetUri, groupId);
  const members = targets.map((target) => {
    const instanceId = instanceIdFor(target);
    return {
      instanceId,
      request: {
        target,
        settings: captureSettings,
        alert,
        captureName: captureNameFor(target),
        statusUrl: withoutKey(starter.managementPayload(instanceId).statusQueryGetUri),
        policy: { ...policyFrom(settings), notify: false },
      },
    };
  });
  const body = {
    id: groupId,
    statusQueryGetUri: statusUrl,
    members: members.map((m) => ({
      target: m.request.target.resourceId,
      instanceId: m.instanceId,
    })),
  };
  try {
    const existing = await starter.status(groupId);
    if (existing && isBusy(existing, settings, now))
      return groupDeduplicated(body, existing.runtimeStatus);
    const request: GroupRequest = { alert, members, statusUrl };
    try {
      await starter.startGroup(groupId, request);
    } catch (startError) {
      const again = await starter.status(groupId);
      if (again && ACTIVE_STATES.has(again.runtimeStatus))
        return groupDeduplicated(body, again.runtimeStatus);
      throw startError;
    }
    return {
      status: 202,
      headers: { Location: statusUrl, "Retry-After": RETRY_AFTER_SECONDS },
      body,
    };
  } catch {
    return {
      status: 503,
      headers: { "Retry-After": RETRY_AFTER_SECONDS },
      body: { error: "the orchestration store is unavailable; retry later" },
    };
  }
}

function groupDeduplicated(body: Record<string, unknown>, runtimeStatus: string): WebhookAnswer {
  return { status: 200, body: { ...body, deduplicated: true, runtimeStatus } };
}
