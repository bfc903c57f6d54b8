/**
 * The webhook's answer when one alert names several VMs: one group orchestration for the set
 * (202, its status URL shows every member), or the running group's answer (200, deduplicated).
 * Each member is captured by the ordinary capture orchestration under the instance ID a
 * single-VM alert would use, so a VM already capturing is joined rather than captured twice.
 */
import { groupInstanceIdFor, type GroupTarget } from "../domain/captureGroup";
import { captureNameFor, instanceIdFor } from "../domain/naming";
import { groupStatusUrlFor } from "../domain/statusUrl";
import type { AlertInfo, CaptureSettings } from "../domain/types";
import type { WebhookSettings } from "../config/appSettings";
import { redactSecrets } from "../logging/redact";
import type { GroupMember, GroupRequest } from "../workflow/groupContracts";
import {
  ACTIVE_STATES,
  type AlertEnvironment,
  isBusy,
  policyFrom,
  RETRY_AFTER_SECONDS,
  retryLater,
  type WebhookAnswer,
} from "./answerAlert";

export async function answerGroup(
  targets: GroupTarget[],
  memberIds: string[],
  alert: AlertInfo,
  captureSettings: CaptureSettings,
  settings: WebhookSettings,
  { starter, now, statusUrlOf }: AlertEnvironment,
): Promise<WebhookAnswer> {
  const groupId = groupInstanceIdFor(memberIds);
  // Key-less, like a single capture's: GET /api/groups/{id} (functions/captureGroupStatus).
  const statusUrl = groupStatusUrlFor(statusUrlOf(groupId), groupId);
  const members = targets.map(({ target, instances, whole }): GroupMember => {
    const instanceId = instanceIdFor(target);
    return {
      instanceId,
      request: {
        target,
        // Instances named on their own narrow their set's capture to them; a set named whole keeps the alert's scope.
        settings: whole ? captureSettings : { ...captureSettings, scope: { include: instances } },
        alert,
        captureName: captureNameFor(target),
        statusUrl: statusUrlOf(instanceId),
        policy: { ...policyFrom(settings), notify: false },
      },
      ...(instances.length > 0 && { instances }),
    };
  });
  const body = {
    id: groupId,
    statusQueryGetUri: statusUrl,
    members: members.map((m) => ({
      target: m.request.target.resourceId,
      instanceId: m.instanceId,
      ...(m.instances && { instances: m.instances }),
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
  } catch (error) {
    // A 503 makes Azure Monitor retry; the log must still say why.
    return retryLater(
      "the orchestration store is unavailable; retry later",
      undefined,
      redactSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error)),
    );
  }
}

function groupDeduplicated(body: Record<string, unknown>, runtimeStatus: string): WebhookAnswer {
  return { status: 200, body: { ...body, deduplicated: true, runtimeStatus } };
}
