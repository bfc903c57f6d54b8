/**
 * A flight recorder's input, armed by an alert (the webhook) or by ops (`alert.schema` "direct"):
 * one builder, so both arm the same recorder.
 */
import type { WebhookSettings } from "../config/appSettings";
import type { AlertParseResult } from "../domain/alertPayload";
import { ringCaptureNameFor } from "../domain/naming";
import type { FreezeWindow } from "../domain/recorderParameters";
import type { RecorderRequest } from "./recorderContracts";

type Alert = Extract<AlertParseResult, { kind: "capture" }>;

export function recorderRequest(
  alert: Pick<Alert, "target" | "alert" | "watcher">,
  settings: RecorderRequest["settings"],
  freeze: FreezeWindow,
  app: WebhookSettings,
  statusUrl: string,
): RecorderRequest {
  return {
    target: alert.target,
    settings,
    alert: alert.alert,
    captureName: ringCaptureNameFor(alert.target),
    watcher: alert.watcher,
    statusUrl,
    armedBy: alert.alert.schema === "direct" ? "ops" : "alert",
    freeze,
    maxPerRegion: app.RECORDER_MAX_PER_REGION,
    policy: {
      deadlineGraceSeconds: app.CAPTURE_DEADLINE_GRACE_SECONDS,
      summarize: app.CAPTURE_SUMMARIZE,
    },
  };
}
