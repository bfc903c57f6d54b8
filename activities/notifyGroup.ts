/**
 * Tells the on-call people once about a capture group, on one channel. Download links for every
 * member are minted here, at send time; the signed webhook carries an idempotency key per group
 * and outcome, as single captures do.
 */
import { describeError } from "../lib/azure/armErrors";
import { ok, type ActivityResult } from "../lib/domain/activityResult";
import {
  channelUrl,
  idempotencyKeyOf,
  sendToChannel,
  webhookHeaders,
} from "../lib/notify/channelDelivery";
import {
  buildGroupNotification,
  groupSlackMessage,
  groupTeamsMessage,
} from "../lib/notify/groupNotification";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import { GroupActivities, type NotifyGroupInput } from "../lib/workflow/groupContracts";

const LINK_TTL_SECONDS = 24 * 3600;

async function downloadLinks(
  input: NotifyGroupInput,
  env: ActivityEnv,
): Promise<Record<string, string>> {
  const links: Record<string, string> = {};
  for (const member of input.report.members) {
    const blob = member.report?.blob;
    if (!blob) continue;
    try {
      links[member.instanceId] = await env.clients.downloadLink(blob.storagePath, LINK_TTL_SECONDS);
    } catch (error) {
      env.log(`no download link for ${member.name}: ${describeError(error)}`);
    }
  }
  return links;
}

export async function notifyGroup(
  input: NotifyGroupInput,
  env: ActivityEnv,
): Promise<ActivityResult<{ delivered: string[] }>> {
  const { channel, report } = input;
  const url = channelUrl(channel, env.settings);
  if (!url) return ok({ delivered: [] });
  const notification = buildGroupNotification(report, await downloadLinks(input, env));
  let body: string;
  let headers: Record<string, string> = {};
  if (channel === "teams") body = JSON.stringify(groupTeamsMessage(notification));
  else if (channel === "slack") body = JSON.stringify(groupSlackMessage(notification));
  else {
    body = JSON.stringify(notification);
    const key = idempotencyKeyOf(report.instanceId, report.startedAt, report.outcome);
    headers = webhookHeaders(body, key, env.settings);
  }
  return sendToChannel(channel, url, { title: notification.title, body, headers }, env.log);
}

defineActivity(GroupActivities.notifyGroup, notifyGroup);
