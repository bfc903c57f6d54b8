/**
 * The allow-lists in the app settings: which targets may be captured (CAPTURE_ALLOWED_SCOPES)
 * and which storage accounts may receive a capture. The webhook checks them at the edge and the
 * orchestration again in its first step, with these same functions.
 */
import { canonicalId, isWithinScope } from "../domain/armId";
import type { WebhookSettings } from "./appSettings";

/** Why the target is outside CAPTURE_ALLOWED_SCOPES, or undefined when it may be captured. */
export function scopeRefusal(
  resourceId: string,
  settings: WebhookSettings,
  what = "target",
): string | undefined {
  const scopes = settings.CAPTURE_ALLOWED_SCOPES;
  if (scopes.length === 0 || scopes.some((scope) => isWithinScope(resourceId, scope)))
    return undefined;
  return `${what} ${resourceId} is outside the allowed scopes (CAPTURE_ALLOWED_SCOPES)`;
}

/** The payload must never steer captures out: only the configured account or the allow-list. */
export function storageAllowed(storageAccountId: string, settings: WebhookSettings): boolean {
  const allowed = settings.CAPTURE_ALLOWED_STORAGE_ACCOUNT_IDS;
  const id = canonicalId(storageAccountId);
  if (
    settings.CAPTURE_STORAGE_ACCOUNT_ID &&
    id === canonicalId(settings.CAPTURE_STORAGE_ACCOUNT_ID)
  )
    return true;
  return allowed.some((a) => canonicalId(a) === id);
}
