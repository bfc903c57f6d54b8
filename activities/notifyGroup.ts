/**
 * Tells the on-call people once about a capture group, on one channel. Download links for every
 * member are minted here, at send time; the signed webhook carries an idempotency key per group
 * and outcome, as single captures do.
 */
import { createHash } from "node:crypto";
import { describeError } from "../lib/azure/armErrors";
import { failed, ok, type ActivityResult } from "../lib/domain/activityResult";
import { postJson } from "../lib/notify/deliver";
import {
  buildGroupNotification,
  groupSlackMessage,
  groupTeamsMessage,
} from "../lib/notify/groupNotification";
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signBody } from "../lib/notify/signature";
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
  const url = {
    webhook: env.settings.NOTIFY_WEBHOOK_URL,
    teams: env.settings.NOTIFY_TEAMS_URL,
    slack: env.settings.NOTIFY_SLACK_URL,
  }[channel];
  if (!url) return ok({ delivered: [] });
  const notification = buildGroupNotification(report, await downloadLinks(input, env));
  const headers: Record<string, string> = {};
  let body: string;
  if (channel === "teams") body = JSON.stringify(groupTeamsMessage(notification));
  else if (channel === "slack") body = JSON.stringify(groupSlackMessage(notification));
  else {
    body = JSON.stringify(notification);
    headers[IDEMPOTENCY_HEADER] = createHash("sha256")
      .update(`${report.instanceId}|${report.startedAt}|${report.outcome}`)
      .digest("hex")
      .slice(0, 32);
    if (env.settings.NOTIFY_WEBHOOK_SECRET)
      headers[SIGNATURE_HEADER] = signBody(
        env.settings.NOTIFY_WEBHOOK_SECRET,
        body,
        Math.floor(Date.now() / 1000),
      );
  }
  const result = await postJson(channel, url, body, headers);
  if (!result.delivered)
    return failed(
      "NotificationRefused",
      result.reason,
      `Check NOTIFY_${channel.toUpperCase()}_URL in the app settings.`,
    );
  env.log(`${notification.title}: delivered to ${channel}`);
  return ok({ delivered: [channel] });
}

defineActivity(GroupActivities.notifyGroup, notifyGroup);
