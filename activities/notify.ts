/**
 * Tells the on-call people on one channel — the signed generic webhook, Teams or Slack — if it
 * is configured. Success and failure alike; the download link is minted here, at send time, so
 * it is fresh when the page arrives.
 */
import {
  buildNotification,
  type Notification,
  type NotificationExtras,
} from "../lib/notify/notification";
import { slackMessage, teamsMessage } from "../lib/notify/channels";
import {
  channelUrl,
  idempotencyKeyOf,
  sendToChannel,
  webhookHeaders,
} from "../lib/notify/channelDelivery";
import { describeError } from "../lib/azure/armErrors";
import { ok, type ActivityResult } from "../lib/domain/activityResult";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import type { ActivitySettings } from "../lib/config/appSettings";
import {
  Activities,
  type CaptureReport,
  type NotifyChannel,
  type NotifyInput,
  type NotifyOutput,
} from "../lib/workflow/contracts";

const LINK_TTL_SECONDS = 24 * 3600;

/** Same capture, same outcome → same key, however often the activity is retried or replayed. */
export function idempotencyKey(report: CaptureReport): string {
  return idempotencyKeyOf(report.instanceId, report.startedAt, report.outcome);
}

/** A frozen ring's files and combined summary, or a scale set's instance files, each with its own read-only link. */
async function fileLinks(report: CaptureReport, env: ActivityEnv): Promise<NotificationExtras> {
  const urls = [
    ...(report.ring?.files ?? []).map((f) => f.url),
    ...(report.ring?.summaryPath ? [report.ring.summaryPath] : []),
    ...(report.instances?.files ?? []).map((f) => f.storagePath),
  ];
  const links: Record<string, string> = {};
  for (const url of urls) {
    try {
      links[url] = await env.clients.downloadLink(url, LINK_TTL_SECONDS);
    } catch (error) {
      env.log(`no download link: ${describeError(error)}`);
    }
  }
  return urls.length ? { fileLinks: links } : {};
}

async function downloadLink(report: CaptureReport, env: ActivityEnv): Promise<NotificationExtras> {
  if (!report.blob) return fileLinks(report, env);
  try {
    const downloadUrl = await env.clients.downloadLink(report.blob.storagePath, LINK_TTL_SECONDS);
    return {
      downloadUrl,
      downloadExpiresAt: new Date(Date.now() + LINK_TTL_SECONDS * 1000).toISOString(),
    };
  } catch (error) {
    env.log(`no download link: ${describeError(error)}`);
    return {};
  }
}

function render(
  channel: NotifyChannel,
  notification: Notification,
  report: CaptureReport,
  settings: ActivitySettings,
): { body: string; headers: Record<string, string> } {
  if (channel === "teams") return { body: JSON.stringify(teamsMessage(notification)), headers: {} };
  if (channel === "slack") return { body: JSON.stringify(slackMessage(notification)), headers: {} };
  const body = JSON.stringify(notification);
  return { body, headers: webhookHeaders(body, idempotencyKey(report), settings) };
}

export async function notify(
  { report, channel }: NotifyInput,
  env: ActivityEnv,
): Promise<ActivityResult<NotifyOutput>> {
  const url = channelUrl(channel, env.settings);
  if (!url) return ok({ delivered: [] });
  const notification = buildNotification(report, await downloadLink(report, env));
  const rendered = render(channel, notification, report, env.settings);
  return sendToChannel(channel, url, { title: notification.title, ...rendered }, env.log);
}

defineActivity(Activities.notify, notify);
