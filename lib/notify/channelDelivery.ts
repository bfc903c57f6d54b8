/**
 * Sending one rendered notification to one channel, shared by the single-capture and the group
 * notifications: which URL a channel has, the generic webhook's idempotency key and signature,
 * and what a refusal means for ops.
 */
import { createHash } from "node:crypto";
import { failed, ok, type ActivityResult } from "../domain/activityResult";
import type { ActivitySettings } from "../config/appSettings";
import type { NotifyChannel } from "../workflow/contracts";
import { postJson } from "./deliver";
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signBody } from "./signature";

export function channelUrl(channel: NotifyChannel, settings: ActivitySettings): string | undefined {
  return {
    webhook: settings.NOTIFY_WEBHOOK_URL,
    teams: settings.NOTIFY_TEAMS_URL,
    slack: settings.NOTIFY_SLACK_URL,
  }[channel];
}

/** Same instance, same start, same outcome → same key, however often it is retried or replayed. */
export function idempotencyKeyOf(instanceId: string, startedAt: string, outcome: string): string {
  return createHash("sha256")
    .update(`${instanceId}|${startedAt}|${outcome}`)
    .digest("hex")
    .slice(0, 32);
}

/** The generic webhook's headers: the idempotency key, and the HMAC signature when a secret is set. */
export function webhookHeaders(
  body: string,
  idempotencyKey: string,
  settings: ActivitySettings,
): Record<string, string> {
  const headers: Record<string, string> = { [IDEMPOTENCY_HEADER]: idempotencyKey };
  if (settings.NOTIFY_WEBHOOK_SECRET)
    headers[SIGNATURE_HEADER] = signBody(
      settings.NOTIFY_WEBHOOK_SECRET,
      body,
      Math.floor(Date.now() / 1000),
    );
  return headers;
}

/** Posts; a channel refusing the message (4xx) is permanent, its unavailability throws (retried). */
export async function sendToChannel(
  channel: NotifyChannel,
  url: string,
  message: { title: string; body: string; headers: Record<string, string> },
  log: (line: string) => void,
): Promise<ActivityResult<{ delivered: string[] }>> {
  const result = await postJson(channel, url, message.body, message.headers);
  if (!result.delivered)
    return failed(
      "NotificationRefused",
      result.reason,
      `Check NOTIFY_${channel.toUpperCase()}_URL in the app settings.`,
    );
  log(`${message.title}: delivered to ${channel}`);
  return ok({ delivered: [channel] });
}
