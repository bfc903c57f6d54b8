/**
 * The orchestration's first step: the request checked again, in an activity because the
 * allow-lists are app settings (which may differ between deploys, so an orchestrator must not
 * read them). A refusal is permanent and names the field, so a forged start — a VM outside the
 * allowed scopes, a storage account off the allow-list, out-of-range parameters — fails before
 * any ARM call.
 */
import { readWebhookSettings, type WebhookSettings } from "../lib/config/appSettings";
import { failed, ok, type ActivityResult } from "../lib/domain/activityResult";
import type { RequestVerdict } from "../lib/domain/captureRequest";
import type { CaptureRequest } from "../lib/domain/types";
import { defineActivity, type ActivityEnv } from "../lib/workflow/activity";
import { Activities } from "../lib/workflow/contracts";
import { checkCaptureRequest } from "../lib/workflow/requestCheck";

/** The whole check of a started orchestration's input, against the app settings of this deploy. */
export type RequestCheck = (
  input: unknown,
  settings: WebhookSettings,
) => RequestVerdict<CaptureRequest>;

/** `check`'s verdict as an activity result: a refusal is permanent and names the field. */
export function verdictOn(
  check: RequestCheck,
  request: CaptureRequest,
  { log }: ActivityEnv,
): ActivityResult<null> {
  const settings = readWebhookSettings();
  if (!settings.ok)
    return failed(
      "Misconfigured",
      settings.message,
      "Fix the function app's application settings, then re-run.",
    );
  const verdict = check(request, settings.value);
  if (verdict.ok) return ok(null);
  log(`refused: ${verdict.message}`);
  return failed(
    "RequestRefused",
    verdict.message,
    "Start captures through the alert webhook. If this input was, the allow-lists or limits changed since; fix the request or the app settings, then re-run.",
  );
}

/** An activity that checks its orchestration's input with `check` (captures, recorders). */
export function validating<R extends CaptureRequest>(
  check: RequestCheck,
): (request: R, env: ActivityEnv) => Promise<ActivityResult<null>> {
  return (request, env) => Promise.resolve(verdictOn(check, request, env));
}

export const validateRequest = validating<CaptureRequest>(checkCaptureRequest);

defineActivity(Activities.validateRequest, validateRequest);
