/**
 * The webhook's decision for one alert, as DESIGN.md's table: start (202), deduplicate (200),
 * ignore (200), or refuse with a reason (4xx). Engine trouble and a misconfigured app are a 503
 * with Retry-After, which Azure Monitor retries (it drops 4xx and 500); nothing the caller sends
 * can make it a 500. Answers carry the instance ID and our key-less status URL only: the Durable
 * management URLs hold the system key and are for the admin ops API.
 */
import { isWithinScope, canonicalId } from "../domain/armId";
import { parseAlertPayload } from "../domain/alertPayload";
import { OVERRIDE_KEYS, resolveCaptureSettings } from "../domain/captureParameters";
import { captureNameFor, instanceIdFor } from "../domain/naming";
import type { CaptureRequest, WatcherRef } from "../domain/types";
import { captureDefaults, type WebhookSettings } from "../config/appSettings";
import type { CaptureStarter } from "./captureStarter";

export interface WebhookAnswer {
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
  /** Set when the app, not the caller, is at fault: logged as an error naming the setting. */
  problem?: string;
}

/** What one decision runs against. */
export interface AlertEnvironment {
  starter: CaptureStarter;
  now: Date;
  /** The key-less status URL of an instance (statusRoute.ts), as the caller reaches this app. */
  statusUrlOf: (instanceId: string) => string;
}

const ACTIVE_STATES = new Set(["Pending", "Running", "ContinuedAsNew", "Suspended"]);
const RETRY_AFTER_SECONDS = "10";

export async function answerAlert(
  body: unknown,
  settings: WebhookSettings,
  { starter, now, statusUrlOf }: AlertEnvironment,
): Promise<WebhookAnswer> {
  const parsed = parseAlertPayload(body);
  if (parsed.kind === "rejected") return { status: parsed.status, body: { error: parsed.message } };
  if (parsed.kind === "ignored")
    return { status: 200, body: { ignored: true, reason: parsed.reason } };

  const scopes = settings.CAPTURE_ALLOWED_SCOPES;
  if (!withinScopes(parsed.target.resourceId, scopes)) {
    return forbidden(
      `target ${parsed.target.resourceId} is outside the allowed scopes (CAPTURE_ALLOWED_SCOPES)`,
    );
  }
  // A direct request may name its watcher, but only one the target's scopes would allow too.
  if (parsed.watcher && !withinScopes(watcherId(parsed.watcher), scopes)) {
    return forbidden(
      `network watcher ${watcherId(parsed.watcher)} is outside the allowed scopes (CAPTURE_ALLOWED_SCOPES)`,
    );
  }

  const resolved = resolveCaptureSettings(parsed.overrides, captureDefaults(settings));
  if (!resolved.ok) {
    if (resolved.setting)
      return misconfigured(`app setting ${resolved.setting} is unset: ${resolved.message}`);
    return { status: 422, body: { error: resolved.message, key: resolved.key } };
  }
  if (!storageAllowed(resolved.settings.storageAccountId, settings)) {
    return forbidden(
      `${OVERRIDE_KEYS.storageAccount}: storage account is neither CAPTURE_STORAGE_ACCOUNT_ID nor in CAPTURE_ALLOWED_STORAGE_ACCOUNT_IDS`,
    );
  }

  const instanceId = instanceIdFor(parsed.target);
  const links = { id: instanceId, statusQueryGetUri: statusUrlOf(instanceId) };
  try {
    const existing = await starter.status(instanceId);
    if (existing && isBusy(existing, settings, now))
      return deduplicated(links, existing.runtimeStatus);

    const request: CaptureRequest = {
      target: parsed.target,
      settings: resolved.settings,
      alert: parsed.alert,
      captureName: captureNameFor(parsed.target),
      watcher: parsed.watcher,
      statusUrl: links.statusQueryGetUri,
      policy: {
        quotaWaitSeconds: settings.CAPTURE_QUOTA_WAIT_SECONDS,
        quotaRecheckSeconds: settings.CAPTURE_QUOTA_RECHECK_SECONDS,
        deadlineGraceSeconds: settings.CAPTURE_DEADLINE_GRACE_SECONDS,
        summarize: settings.CAPTURE_SUMMARIZE,
      },
    };
    try {
      await starter.start(instanceId, request);
    } catch (startError) {
      // Two alerts for one VM can race past the status check; the engine refuses the second
      // start, and that refusal is the dedup answer, not an error.
      const now2 = await starter.status(instanceId);
      if (now2 && ACTIVE_STATES.has(now2.runtimeStatus))
        return deduplicated(links, now2.runtimeStatus);
      throw startError;
    }
    return {
      status: 202,
      headers: { Location: links.statusQueryGetUri, "Retry-After": RETRY_AFTER_SECONDS },
      body: { ...links, target: parsed.target.resourceId },
    };
  } catch {
    return retryLater("the orchestration store is unavailable; retry later");
  }
}

function isBusy(
  existing: { runtimeStatus: string; lastUpdatedTime?: Date },
  settings: WebhookSettings,
  now: Date,
): boolean {
  if (ACTIVE_STATES.has(existing.runtimeStatus)) return true;
  const cooldownMs = settings.CAPTURE_COOLDOWN_SECONDS * 1000;
  return (
    cooldownMs > 0 &&
    existing.runtimeStatus === "Completed" &&
    existing.lastUpdatedTime !== undefined &&
    now.getTime() - existing.lastUpdatedTime.getTime() < cooldownMs
  );
}

/** Empty scopes mean any; otherwise the ID must lie within one of them. */
function withinScopes(resourceId: string, scopes: string[]): boolean {
  return scopes.length === 0 || scopes.some((scope) => isWithinScope(resourceId, scope));
}

function watcherId(watcher: WatcherRef): string {
  return `/subscriptions/${watcher.subscriptionId}/resourceGroups/${watcher.resourceGroup}/providers/Microsoft.Network/networkWatchers/${watcher.name}`;
}

/** The payload must never steer captures out: only the configured account or the allow-list. */
function storageAllowed(storageAccountId: string, settings: WebhookSettings): boolean {
  const allowed = settings.CAPTURE_ALLOWED_STORAGE_ACCOUNT_IDS;
  const id = canonicalId(storageAccountId);
  if (
    settings.CAPTURE_STORAGE_ACCOUNT_ID &&
    id === canonicalId(settings.CAPTURE_STORAGE_ACCOUNT_ID)
  )
    return true;
  return allowed.some((a) => canonicalId(a) === id);
}

interface InstanceLinks {
  id: string;
  statusQueryGetUri: string;
}

function deduplicated(links: InstanceLinks, runtimeStatus: string): WebhookAnswer {
  return { status: 200, body: { ...links, deduplicated: true, runtimeStatus } };
}

/** "We cannot decide now": the one answer Azure Monitor retries instead of dropping the alert. */
export function retryLater(error: string, problem?: string): WebhookAnswer {
  return {
    status: 503,
    headers: { "Retry-After": RETRY_AFTER_SECONDS },
    body: { error },
    ...(problem && { problem }),
  };
}

/** The app's settings, not the alert, are wrong (`problem` names the setting): keep the alert alive for after the fix. */
export function misconfigured(problem: string): WebhookAnswer {
  return retryLater("the function app is misconfigured; retry later (see its logs)", problem);
}

function forbidden(message: string): WebhookAnswer {
  return { status: 403, body: { error: message } };
}
