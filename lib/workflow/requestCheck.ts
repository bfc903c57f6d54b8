/**
 * Defence in depth: the whole check a capture request passes before the orchestration acts on
 * it, whoever started it. The webhook builds requests from alerts after checking them; a request
 * started directly through the Durable HTTP API (or an ops re-run of stored input) gets the same
 * checks here, with the webhook's own building blocks: the target parsed from its ARM ID, the
 * scope and storage allow-lists, Network Watcher's parameter ranges.
 */
import { storageAllowed, scopeRefusal } from "../config/allowLists";
import { captureDefaults, type WebhookSettings } from "../config/appSettings";
import { canonicalId, parseCaptureTarget, watcherResourceId } from "../domain/armId";
import { ringCaptureNameFor } from "../domain/naming";
import {
  RECORDER_KEYS,
  resolveFreezeWindow,
  resolveRingSettings,
} from "../domain/recorderParameters";
import { parseCaptureRequest, refused, type RequestVerdict } from "../domain/captureRequest";
import { OVERRIDE_KEYS, resolveCaptureSettings } from "../domain/captureParameters";
import type { CaptureSettings, CaptureTarget } from "../domain/types";
import type { RecorderRequest } from "./recorderContracts";
import { parseRecorderRequest } from "./recorderShape";

/** ARM calls are built from the target's fields, so they must be exactly what its ARM ID says. */
function sameTarget(parsed: CaptureTarget, given: CaptureTarget): boolean {
  return (
    // Stryker disable next-line ConditionalExpression: parsed comes from given.resourceId and differs only where canonicalId folds (case, spaces, a trailing slash); kept in case parsing ever normalises more.
    canonicalId(parsed.resourceId) === canonicalId(given.resourceId) &&
    parsed.subscriptionId.toLowerCase() === given.subscriptionId.toLowerCase() &&
    parsed.resourceGroup.toLowerCase() === given.resourceGroup.toLowerCase() &&
    parsed.name.toLowerCase() === given.name.toLowerCase() &&
    parsed.kind === given.kind
  );
}

/** The settings as the custom properties that would have produced them, for the webhook's own range checks. */
function asOverrides(settings: CaptureSettings): Record<string, unknown> {
  return {
    [OVERRIDE_KEYS.timeLimit]: settings.timeLimitInSeconds,
    [OVERRIDE_KEYS.totalBytes]: settings.totalBytesPerSession,
    [OVERRIDE_KEYS.bytesPerPacket]: settings.bytesToCapturePerPacket,
    [OVERRIDE_KEYS.filters]: settings.filters,
    [OVERRIDE_KEYS.storageAccount]: settings.storageAccountId,
    [OVERRIDE_KEYS.scope]: settings.scope,
  };
}

/** The request when every check passes; otherwise the first field at fault and why. */
export function checkCaptureRequest(input: unknown, settings: WebhookSettings): RequestVerdict {
  const shape = parseCaptureRequest(input);
  if (!shape.ok) return shape;
  const { request } = shape;

  const target = parseCaptureTarget(request.target.resourceId);
  if (!target || !sameTarget(target, request.target))
    return refused(
      "target",
      "the target's fields do not match the VM or scale set its resourceId names",
    );
  const outOfScope = scopeRefusal(target.resourceId, settings);
  if (outOfScope) return refused("target.resourceId", outOfScope);
  if (
    request.watcher &&
    request.watcher.subscriptionId.toLowerCase() !== target.subscriptionId.toLowerCase()
  )
    return refused("watcher.subscriptionId", "the watcher must be in the target's subscription");
  const watcherOutOfScope =
    request.watcher &&
    scopeRefusal(watcherResourceId(request.watcher), settings, "network watcher");
  if (watcherOutOfScope) return refused("watcher", watcherOutOfScope);

  const resolved = resolveCaptureSettings(
    asOverrides(request.settings),
    captureDefaults(settings),
    request.target.kind,
  );
  if (!resolved.ok) return refused("settings", resolved.message);
  if (!storageAllowed(request.settings.storageAccountId, settings))
    return refused(
      "settings.storageAccountId",
      "storage account is neither CAPTURE_STORAGE_ACCOUNT_ID nor in CAPTURE_ALLOWED_STORAGE_ACCOUNT_IDS",
    );
  return shape;
}

/**
 * A recorder's request: every check of a capture request, then the ring and the freeze window
 * against Network Watcher's and the app's ranges (the webhook's own readers, as for custom
 * properties), the ring capture's name (the recorder stops and deletes the capture it names, so
 * it must be its VM's ring) and the regional cap (an input must not raise RECORDER_MAX_PER_REGION).
 */
export function checkRecorderRequest(
  input: unknown,
  settings: WebhookSettings,
): RequestVerdict<RecorderRequest> {
  const shape = parseRecorderRequest(input);
  if (!shape.ok) return shape;
  const capture = checkCaptureRequest(input, settings);
  if (!capture.ok) return capture;
  const { request } = shape;
  const { ring } = request.settings;
  const ringRead = resolveRingSettings({
    [RECORDER_KEYS.ringFiles]: ring.fileCount,
    [RECORDER_KEYS.ringFileBytes]: ring.fileSizeInBytes,
    [RECORDER_KEYS.ringSeconds]: ring.sessionTimeLimitInSeconds,
  });
  if (!ringRead.ok) return refused("settings.ring", ringRead.message);
  const window = resolveFreezeWindow({
    [RECORDER_KEYS.lookback]: request.freeze.lookbackSeconds,
    [RECORDER_KEYS.postTrigger]: request.freeze.postTriggerSeconds,
  });
  if (!window.ok) return refused("freeze", window.message);
  const ringName = ringCaptureNameFor(request.target);
  if (request.captureName.toLowerCase() !== ringName.toLowerCase())
    return refused("captureName", `a recorder of this VM records into ${ringName}`);
  const cap = settings.RECORDER_MAX_PER_REGION;
  if (
    !Number.isInteger(request.maxPerRegion) ||
    request.maxPerRegion < 1 ||
    request.maxPerRegion > cap
  )
    return refused(
      "maxPerRegion",
      `must be a whole number from 1 to RECORDER_MAX_PER_REGION (${cap})`,
    );
  return shape;
}
