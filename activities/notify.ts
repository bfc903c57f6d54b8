/**
 * Tells the on-call people: the signed generic webhook, Teams and Slack, whichever are
 * configured. Success and failure alike; the download link is minted here, at send time, so it
 * is fresh when the page arrives.
 */
import { createHash } from "node:crypto";
import { buildNotification, type NotificationExtras } from "../lib/notify/notification";
import { slackMessage, teamsMessage } from "../lib/notify/channels";
import { postJson, type DeliveryResult } from "../lib/notify/deliver";
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signBody } from "../lib/notify/signature";
import { describeError, failed, ok } from "../lib/azure/armErrors";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import { ActivityNames, type ActivityResult, type CaptureReport, type NotifyInput, type NotifyOutput } from "../lib/workflow/contracts";

const LINK_TTL_SECONDS = 24 * 3600;

/** Same capture, same outcome → same key, however often the activity is retried or replayed. */
export function idempotencyKey(report: CaptureReport): string {
  return createHash("sha256").update(`${report.instanceId}|${report.startedAt}|${report.outcome}`).digest("hex").slice(0, 32);
}

async function downloadLink(report: CaptureReport, env: ActivityEnv): Promise<NotificationExtras> {
  if (!report.blob) return {};
  try {
    const downloadUrl = await env.clients.downloadLink(report.blob.storagePath, LINK_TTL_SECONDS);
    return { downloadUrl, downloadExpiresAt: new Date(Date.now() + LINK_TTL_SECONDS * 1000).toISOString() };
  } catch (error) {
    env.log(`no download link: ${describeError(error)}`);
    return {};
  }
}

export async function notify({ report }: NotifyInput, env: ActivityEnv): Promise<ActivityResult<NotifyOutput>> {
  const { settings, log } = env;
  const notification = buildNotification(report, await downloadLink(report, env));
  const sends: Array<[string, () => Promise<DeliveryResult>]> = [];
  if (settings.NOTIFY_WEBHOOK_URL) {
    const url = settings.NOTIFY_WEBHOOK_URL;
    const body = JSON.stringify(notification);
    const headers: Record<string, string> = { [IDEMPOTENCY_HEADER]: idempotencyKey(report) };
    if (settings.NOTIFY_WEBHOOK_SECRET) headers[SIGNATURE_HEADER] = signBody(settings.NOTIFY_WEBHOOK_SECRET, body, Math.floor(Date.now() / 1000));
    sends.push(["webhook", () => postJson("webhook", url, body, headers)]);
  }
  if (settings.NOTIFY_TEAMS_URL) {
    const url = settings.NOTIFY_TEAMS_URL;
    sends.push(["teams", () => postJson("teams", url, JSON.stringify(teamsMessage(notification)))]);
  }
  if (settings.NOTIFY_SLACK_URL) {
    const url = settings.NOTIFY_SLACK_URL;
    sends.push(["slack", () => postJson("slack", url, JSON.stringify(slackMessage(notification)))]);
  }
  if (sends.length === 0) {
    log(`no notification channel configured; ${notification.title}`);
    return ok({ delivered: [] });
  }
  const delivered: string[] = [];
  const refused: string[] = [];
  for (const [channel, send] of sends) {
    const result = await send();
    if (result.delivered) delivered.push(channel);
    else refused.push(result.reason);
  }
  log(`${notification.title}: delivered to ${delivered.join(", ") || "none"}`);
  if (refused.length) return failed("NotificationRefused", refused.join("; "), "Check the channel URLs in the app settings (NOTIFY_*_URL).");
  return ok({ delivered });
}

defineActivity(ActivityNames.notify, notify);
