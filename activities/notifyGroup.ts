/**
 * Tells the on-call people once about a capture group, on one channel. Download links for every
 * member (for a scale set, every instance's file) are minted here, at send time; the signed webhook carries an idempotency key per group
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

/** Links by member instance ID (its one file) and by storage path (each scale-set instance's file). */
async function downloadLinks(
  input: NotifyGroupInput,
  env: ActivityEnv,
): Promise<{ links: Record<string, string>; fileLinks: Record<string, string> }> {
  const links: Record<string, string> = {};
  const fileLinks: Record<string, string> = {};
  const mint = async (into: Record<string, string>, key: string, path: string, what: string) => {
    try {
      into[key] = await env.clients.downloadLink(path, LINK_TTL_SECONDS);
    } catch (error) {
      env.log(`no download link for ${what}: ${describeError(error)}`);
    }
  };
  for (const member of input.report.members) {
    const blob = member.report?.blob;
    if (blob) await mint(links, member.instanceId, blob.storagePath, member.name);
    for (const file of member.report?.instances?.files ?? [])
      await mint(fileLinks, file.storagePath, file.storagePath, `${member.name}'s instance file`);
  }
  return { links, fileLinks };
}

export async function notifyGroup(
  input: NotifyGroupInput,
  env: ActivityEnv,
): Promise<ActivityResult<{ delivered: string[] }>> {
  const { channel, report } = input;
  const url = channelUrl(channel, env.settings);
  if (!url) return ok({ delivered: [] });
  const { links, fileLinks } = await downloadLinks(input, env);
  const notification = buildGroupNotification(report, links, fileLinks);
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
