/**
 * A re-run starts the same orchestration again with the input it was first given: that input
 * carries everything (target, capture settings, alert, policy fixed at the first start), so the
 * re-run captures exactly what the alert asked for — not what today's app settings would say.
 * It passes the orchestration's own request check first (shape, target, today's allow-lists and
 * limits), so a damaged, foreign or forged input is refused with a reason rather than started
 * and failed.
 */
import type { SettingsRead, WebhookSettings } from "../config/appSettings";
import type { CaptureRequest } from "../domain/types";
import { checkCaptureRequest } from "../workflow/requestCheck";
import { decoded, type InstanceStatus } from "./captureView";

export type RerunInput = { ok: true; request: CaptureRequest } | { ok: false; message: string };

export function rerunInput(
  status: InstanceStatus,
  settings: SettingsRead<WebhookSettings>,
): RerunInput {
  if (!settings.ok)
    return {
      ok: false,
      message: `re-runs are checked against the app settings, which are invalid (${settings.message})`,
    };
  const verdict = checkCaptureRequest(decoded(status.input), settings.value);
  if (!verdict.ok)
    return {
      ok: false,
      message: `the instance's input is refused (${verdict.message}); it cannot be re-run`,
    };
  return { ok: true, request: verdict.request };
}
