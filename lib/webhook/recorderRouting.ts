/**
 * The webhook's flight-recorder branch, by the rule's captureMode: `ring` arms the VM's recorder
 * (202, or 200 deduplicated when one is armed already); `freeze` freezes an armed recorder with
 * the alert's fired time (202 `frozen`) and, when none is armed, falls back to today's one-shot
 * capture (undefined: the caller carries on). `once` never reaches here.
 *
 * A recorder whose ring ended (session limit, disarm) stays running a few seconds in phase
 * `ringEnded` (orchestrators/recorderOrchestrator.ts, LATE_FREEZE_GRACE_SECONDS): it still takes a
 * freeze raised by a webhook that saw it armed, but is not armed for new alerts — a freeze then
 * gets a one-shot capture, a ring arm is asked to retry once it has finished.
 */
import type { WebhookSettings } from "../config/appSettings";
import type { AlertParseResult } from "../domain/alertPayload";
import { recorderInstanceIdFor } from "../domain/naming";
import {
  resolveFreezeWindow,
  resolveRingSettings,
  type CaptureMode,
} from "../domain/recorderParameters";
import type { CaptureSettings } from "../domain/types";
import type { RecorderMailbox } from "../workflow/recorderMailbox";
import { raiseRecorderRequest } from "../ops/raiseRecorderRequest";
import type { FreezeEvent } from "../workflow/recorderContracts";
import type { CaptureStarter } from "./captureStarter";
import { recorderRequest } from "../workflow/recorderRequest";

/** What the webhook's own answers are made of, passed in so both branches answer alike. */
export interface RecorderAnswers<A> {
  /** `{ id, statusQueryGetUri }` of an instance, without any key. */
  links: (instanceId: string) => { id: string; statusQueryGetUri: string };
  isActive: (runtimeStatus: string) => boolean;
  reply: (status: number, body: Record<string, unknown>, headers?: Record<string, string>) => A;
  retryLater: (message: string) => A;
}

type Alert = Extract<AlertParseResult, { kind: "capture" }>;

/** The recorder's custom status phase; the Durable client may hand the status over as JSON text. */
function phaseOf(customStatus: unknown): unknown {
  let status = customStatus;
  if (typeof status === "string") {
    try {
      status = JSON.parse(status) as unknown;
    } catch {
      // Unreadable text stays a string: no phase, below.
    }
  }
  return typeof status === "object" && status !== null
    ? (status as { phase?: unknown }).phase
    : undefined;
}

/** The alert's fired time as ISO; missing or unreadable, the time it reached us. */
function firedTime(firedAt: string | undefined, now: Date): string {
  const ms = firedAt === undefined ? NaN : Date.parse(firedAt);
  return Number.isNaN(ms) ? now.toISOString() : new Date(ms).toISOString();
}

export async function routeRecorder<A>(
  mode: Exclude<CaptureMode, "once">,
  alert: Alert,
  capture: CaptureSettings,
  settings: WebhookSettings,
  starter: CaptureStarter,
  mailbox: RecorderMailbox,
  now: Date,
  answers: RecorderAnswers<A>,
): Promise<A | undefined> {
  const window = resolveFreezeWindow(alert.overrides);
  if (!window.ok) return answers.reply(422, { error: window.message, key: window.key });
  const ring = resolveRingSettings(alert.overrides);
  if (!ring.ok) return answers.reply(422, { error: ring.message, key: ring.key });

  const instanceId = recorderInstanceIdFor(alert.target);
  const links = answers.links(instanceId);
  try {
    const existing = await starter.status(instanceId);
    const running = existing !== undefined && answers.isActive(existing.runtimeStatus);
    const ending = running && phaseOf(existing.customStatus) === "ringEnded";
    if (mode === "freeze") {
      if (!running || ending) return undefined;
      const event: FreezeEvent = {
        ...window.value,
        firedAt: firedTime(alert.alert.firedAt, now),
        alert: alert.alert,
      };
      try {
        // Mailbox first: a recorder handing over to its next generation may drop the event.
        const raise = (id: string, name: string, data: unknown) => starter.raise(id, name, data);
        await raiseRecorderRequest({ raise, mailbox }, instanceId, existing, {
          kind: "freeze",
          event,
          writtenAt: now.toISOString(),
        });
      } catch (raiseError) {
        // It finished between our read and the raise: nothing is armed, so a one-shot capture.
        const after = await starter.status(instanceId);
        if (!after || !answers.isActive(after.runtimeStatus)) return undefined;
        throw raiseError;
      }
      return answers.reply(202, { ...links, frozen: true, firedAt: event.firedAt });
    }
    if (ending)
      return answers.retryLater(
        "the VM's recorder is ending (ringEnded); arm it again in a minute",
      );
    if (running) return answers.reply(200, { ...links, deduplicated: true, armed: true });
    const request = recorderRequest(
      alert,
      { ...capture, ring: ring.value },
      window.value,
      settings,
      links.statusQueryGetUri,
    );
    try {
      await starter.startRecorder(instanceId, request);
    } catch (startError) {
      const now2 = await starter.status(instanceId);
      if (now2 && answers.isActive(now2.runtimeStatus))
        return answers.reply(200, { ...links, deduplicated: true, armed: true });
      throw startError;
    }
    return answers.reply(
      202,
      { ...links, armed: true, target: alert.target.resourceId },
      {
        Location: links.statusQueryGetUri,
      },
    );
  } catch {
    return answers.retryLater("the orchestration store is unavailable; retry later");
  }
}
