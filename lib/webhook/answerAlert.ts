/**
 * The webhook's decision for one alert, as DESIGN.md's table: start (202), deduplicate (200),
 * ignore (200), or refuse with a reason (4xx). Engine trouble is a 503 with Retry-After, which
 * Azure Monitor retries; nothing the caller sends can make it a 500.
 */
import type { HttpManagementPayload } from "durable-functions";
import { isWithinScope, canonicalId } from "../domain/armId";
import { parseAlertPayload } from "../domain/alertPayload";
import { OVERRIDE_KEYS, resolveCaptureSettings } from "../domain/captureParameters";
import { captureNameFor, instanceIdFor } from "../domain/naming";
import { resolveCaptureMode } from "../domain/recorderParameters";
import type { CaptureRequest } from "../domain/types";
import { captureDefaults, type WebhookSettings } from "../config/appSettings";
import type { CaptureStarter } from "./captureStarter";
import { routeRecorder, type RecorderAnswers } from "./recorderRouting";

export interface WebhookAnswer {
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

const ACTIVE_STATES = new Set(["Pending", "Running", "ContinuedAsNew", "Suspended"]);
const RETRY_AFTER_SECONDS = "10";

export async function answerAlert(
  body: unknown,
  settings: WebhookSettings,
  starter: CaptureStarter,
  now: Date,
): Promise<WebhookAnswer> {
  const parsed = parseAlertPayload(body);
  if (parsed.kind === "rejected") return { status: parsed.status, body: { error: parsed.message } };
  if (parsed.kind === "ignored")
    return { status: 200, body: { ignored: true, reason: parsed.reason } };

  const scopes = settings.CAPTURE_ALLOWED_SCOPES;
  if (
    scopes.length > 0 &&
    !scopes.some((scope) => isWithinScope(parsed.target.resourceId, scope))
  ) {
    return forbidden(
      `target ${parsed.target.resourceId} is outside the allowed scopes (CAPTURE_ALLOWED_SCOPES)`,
    );
  }

  const resolved = resolveCaptureSettings(parsed.overrides, captureDefaults(settings));
  if (!resolved.ok) return { status: 422, body: { error: resolved.message, key: resolved.key } };
  if (!storageAllowed(resolved.settings.storageAccountId, settings)) {
    return forbidden(
      `${OVERRIDE_KEYS.storageAccount}: storage account is neither CAPTURE_STORAGE_ACCOUNT_ID nor in CAPTURE_ALLOWED_STORAGE_ACCOUNT_IDS`,
    );
  }

  const mode = resolveCaptureMode(parsed.overrides);
  if (!mode.ok) return { status: 422, body: { error: mode.message, key: mode.key } };
  if (mode.value !== "once") {
    const routed = await routeRecorder(
      mode.value,
      parsed,
      resolved.settings,
      settings,
      starter,
      now,
      recorderAnswers(starter),
    );
    if (routed) return routed;
  }

  const instanceId = instanceIdFor(parsed.target);
  const payload = starter.managementPayload(instanceId);
  try {
    const existing = await starter.status(instanceId);
    if (existing && isBusy(existing, settings, now))
      return deduplicated(payload, existing.runtimeStatus);

    const request: CaptureRequest = {
      target: parsed.target,
      settings: resolved.settings,
      alert: parsed.alert,
      captureName: parsed.captureName ?? captureNameFor(parsed.target),
      watcher: parsed.watcher,
      statusUrl: withoutKey(payload.statusQueryGetUri),
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
        return deduplicated(payload, now2.runtimeStatus);
      throw startError;
    }
    return {
      status: 202,
      headers: { Location: payload.statusQueryGetUri, "Retry-After": RETRY_AFTER_SECONDS },
      body: { ...payload, target: parsed.target.resourceId },
    };
  } catch {
    return {
      status: 503,
      headers: { "Retry-After": RETRY_AFTER_SECONDS },
      body: { error: "the orchestration store is unavailable; retry later" },
    };
  }
}

/** The recorder branch answers with the same links, states and 503 as the one-shot one. */
function recorderAnswers(starter: CaptureStarter): RecorderAnswers<WebhookAnswer> {
  return {
    links: (id) => ({
      id,
      statusQueryGetUri: withoutKey(starter.managementPayload(id).statusQueryGetUri),
    }),
    isActive: (runtimeStatus) => ACTIVE_STATES.has(runtimeStatus),
    reply: (status, body, headers) => ({ status, body, ...(headers && { headers }) }),
    retryLater: (error) => ({
      status: 503,
      headers: { "Retry-After": RETRY_AFTER_SECONDS },
      body: { error },
    }),
  };
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

function deduplicated(payload: HttpManagementPayload, runtimeStatus: string): WebhookAnswer {
  return { status: 200, body: { ...payload, deduplicated: true, runtimeStatus } };
}

function forbidden(message: string): WebhookAnswer {
  return { status: 403, body: { error: message } };
}

/** The status URL as people may see it: without the system key the extension appends. */
export function withoutKey(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete("code");
  return parsed.toString();
}
