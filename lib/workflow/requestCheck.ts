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
import { parseCaptureRequest, refused, type RequestVerdict } from "../domain/captureRequest";
import { OVERRIDE_KEYS, resolveCaptureSettings } from "../domain/captureParameters";
import type { CaptureSettings, CaptureTarget } from "../domain/types";

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

  const resolved = resolveCaptureSettings(asOverrides(request.settings), captureDefaults(settings));
  if (!resolved.ok) return refused("settings", resolved.message);
  if (!storageAllowed(request.settings.storageAccountId, settings))
    return refused(
      "settings.storageAccountId",
      "storage account is neither CAPTURE_STORAGE_ACCOUNT_ID nor in CAPTURE_ALLOWED_STORAGE_ACCOUNT_IDS",
    );
  return shape;
}
