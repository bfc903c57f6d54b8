/**
 * The webhook's decision for one alert, as docs/design.md's table: start (202), deduplicate (200),
 * ignore (200), or refuse with a reason (4xx). Engine trouble and a misconfigured app are a 503
 * with Retry-After, which Azure Monitor retries (it drops 4xx and 500); nothing the caller sends
 * can make it a 500. Answers carry the instance ID and our key-less status URL only: the Durable
 * management URLs hold the system key and are for the admin ops API.
 */
import type { RecorderMailbox } from "../workflow/recorderMailbox";
import { parseAlertPayload } from "../domain/alertPayload";
import { watcherResourceId } from "../domain/armId";
import { OVERRIDE_KEYS, resolveCaptureSettings } from "../domain/captureParameters";
import { captureNameFor, instanceIdFor } from "../domain/naming";
import { resolveCaptureMode } from "../domain/recorderParameters";
import type { CaptureRequest } from "../domain/types";
import { captureDefaults, type WebhookSettings } from "../config/appSettings";
import { scopeRefusal, storageAllowed } from "../config/allowLists";
import { redactSecrets } from "../logging/redact";
import { groupTargets } from "../domain/captureGroup";
import { CANCEL_EVENT } from "../workflow/policies";
import { answerGroup } from "./answerGroup";
import type { CaptureStarter, InstanceSnapshot } from "./captureStarter";
import type { RecentInstances, Sighting } from "./recentInstances";
import { runningCaptureOf, severityRank, supersedeReason } from "./supersede";
import { routeRecorder, type RecorderAnswers } from "./recorderRouting";

export interface WebhookAnswer {
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
  /** Set when the app, not the caller, is at fault: logged as an error naming the setting. */
  problem?: string;
  /** Why a 503 happened, for the function's log only: never sent to the caller. */
  cause?: string;
}

/** What one decision runs against. */
export interface AlertEnvironment {
  starter: CaptureStarter;
  /** Where freezes are written before they are raised (lib/ops/raiseRecorderRequest). */
  mailbox: RecorderMailbox;
  now: Date;
  /** The key-less status URL of an instance (statusRoute.ts), as the caller reaches this app. */
  statusUrlOf: (instanceId: string) => string;
  /** This host's fast path (recentInstances.ts); absent: every alert asks the task hub. */
  recent?: RecentInstances;
  /** Waits between status reads while a superseded capture ends (tests pass an instant one). */
  pause?: (ms: number) => Promise<void>;
}

export const ACTIVE_STATES = new Set(["Pending", "Running", "ContinuedAsNew", "Suspended"]);
export const RETRY_AFTER_SECONDS = "10";
/** A sighting of a running instance answers alerts for at most this long (and never past the cooldown). */
const FAST_PATH_MAX_SECONDS = 30;
/** Up to 8 × 1 s for a superseded capture to stop, verify and notify, then a 503 Azure Monitor retries. */
const SUPERSEDE_POLLS = 8;
const SUPERSEDE_POLL_MS = 1000;

export async function answerAlert(
  body: unknown,
  settings: WebhookSettings,
  env: AlertEnvironment,
): Promise<WebhookAnswer> {
  const { now, statusUrlOf } = env;
  const parsed = parseAlertPayload(body);
  if (parsed.kind === "rejected") return { status: parsed.status, body: { error: parsed.message } };
  if (parsed.kind === "ignored")
    return { status: 200, body: { ignored: true, reason: parsed.reason } };

  const outOfScope = scopeRefusal(parsed.target.resourceId, settings);
  if (outOfScope) return forbidden(outOfScope);
  // A direct request may name its watcher, but only one the target's scopes would allow too.
  const watcherOutOfScope =
    parsed.watcher && scopeRefusal(watcherResourceId(parsed.watcher), settings, "network watcher");
  if (watcherOutOfScope) return forbidden(watcherOutOfScope);

  const resolved = resolveCaptureSettings(
    parsed.overrides,
    captureDefaults(settings),
    parsed.target.kind,
  );
  if (!resolved.ok) {
    if (resolved.setting && resolved.cap === undefined)
      return misconfigured(`app setting ${resolved.setting} is unset: ${resolved.message}`);
    return {
      status: 422,
      body: {
        error: resolved.message,
        key: resolved.key,
        // Stryker disable next-line ConditionalExpression: an undefined cap and setting vanish when the body is sent as JSON
        ...(resolved.cap !== undefined && { cap: resolved.cap, setting: resolved.setting }),
      },
    };
  }
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
      env.starter,
      env.mailbox,
      now,
      recorderAnswers(statusUrlOf),
    );
    if (routed) return routed;
  }

  // Several VMs (a multi-resource alert, capturePeers): one group orchestration captures them all.
  const group = groupTargets(
    [parsed.target, ...(parsed.otherTargets ?? [])],
    parsed.overrides,
    (resourceId) => scopeRefusal(resourceId, settings),
    settings.CAPTURE_GROUP_MAX_TARGETS,
  );
  if (!group.ok) return { status: group.status, body: { error: group.message, key: group.key } };
  if (group.memberIds.length > 1)
    return answerGroup(
      group.targets,
      group.memberIds,
      parsed.alert,
      resolved.settings,
      settings,
      env,
    );

  const instanceId = instanceIdFor(parsed.target);
  const links = { id: instanceId, statusQueryGetUri: statusUrlOf(instanceId) };
  const request: CaptureRequest = {
    target: parsed.target,
    settings: resolved.settings,
    alert: parsed.alert,
    captureName: captureNameFor(parsed.target),
    watcher: parsed.watcher,
    statusUrl: links.statusQueryGetUri,
    policy: policyFrom(settings),
  };
  const decision: Decision = { instanceId, links, request, settings, env };
  if (!env.recent) return (await withEngine(decision)).answer;

  // Fast path. An alert asking exactly what the decision in flight asks is its duplicate
  // whatever that decision finds: it either starts this very capture or finds one at least as
  // good. Otherwise wait for what it saw, or reuse a fresh sighting, before asking the engine.
  const inFlight = env.recent.following(instanceId);
  if (inFlight && sameAsk(inFlight.ask, request)) return deduplicated(links);
  const seen = inFlight
    ? await inFlight.sighting
    : env.recent.recent(instanceId, now.getTime(), fastPathTtlMs(settings));
  if (seen && ACTIVE_STATES.has(seen.runtimeStatus) && !supersedes(request, seen.input))
    return deduplicated(links, seen.runtimeStatus);
  return env.recent.lead(instanceId, request, () => withEngine(decision));
}

/** Same severity rank, capture settings and watcher: one capture serves both alerts alike. */
function sameAsk(ask: unknown, request: CaptureRequest): boolean {
  const other = ask as CaptureRequest;
  return (
    severityRank(other.alert.severity) === severityRank(request.alert.severity) &&
    JSON.stringify([other.settings, other.watcher]) ===
      JSON.stringify([request.settings, request.watcher])
  );
}

interface Decision {
  instanceId: string;
  links: InstanceLinks;
  request: CaptureRequest;
  settings: WebhookSettings;
  env: AlertEnvironment;
}

type EngineOutcome = { answer: WebhookAnswer; sighting?: Sighting };

/** How long a sighting of a running instance may answer for the engine: never past the cooldown. */
function fastPathTtlMs(settings: WebhookSettings): number {
  return Math.min(settings.CAPTURE_COOLDOWN_SECONDS, FAST_PATH_MAX_SECONDS) * 1000;
}

/** The decision as the task hub sees it: dedup, supersede, or start (the engine refuses a second start). */
async function withEngine({
  instanceId,
  links,
  request,
  settings,
  env,
}: Decision): Promise<EngineOutcome> {
  const { starter, now } = env;
  const seen = (status: InstanceSnapshot): Sighting | undefined =>
    ACTIVE_STATES.has(status.runtimeStatus)
      ? { runtimeStatus: status.runtimeStatus, input: status.input, seenAt: now.getTime() }
      : undefined;
  try {
    const existing = await starter.status(instanceId);
    let superseded: string | undefined;
    if (existing && isBusy(existing, settings, now)) {
      superseded = supersedes(request, existing.input);
      if (!superseded)
        return { answer: deduplicated(links, existing.runtimeStatus), sighting: seen(existing) };
      if (
        ACTIVE_STATES.has(existing.runtimeStatus) &&
        !(await cancelAndWait(env, instanceId, superseded))
      )
        return {
          answer: retryLater(
            `superseding the running capture ${instanceId} (cancel sent: ${superseded}); retry to start the new one`,
          ),
        };
    }
    try {
      await starter.start(instanceId, request);
    } catch (startError) {
      // Two alerts for one VM can race past the status check; the engine refuses the second
      // start, and that refusal is the dedup answer, not an error.
      const now2 = await starter.status(instanceId);
      if (now2 && ACTIVE_STATES.has(now2.runtimeStatus))
        return { answer: deduplicated(links, now2.runtimeStatus), sighting: seen(now2) };
      throw startError;
    }
    return {
      answer: {
        status: 202,
        headers: { Location: links.statusQueryGetUri, "Retry-After": RETRY_AFTER_SECONDS },
        body: {
          ...links,
          target: request.target.resourceId,
          ...(superseded && { superseded }),
        },
      },
      sighting: { runtimeStatus: "Pending", input: request, seenAt: now.getTime() },
    };
  } catch (error) {
    // A 503 makes Azure Monitor retry; the log must still say why, or a bug would hide as an outage.
    return {
      answer: retryLater(
        "the orchestration store is unavailable; retry later",
        undefined,
        redactSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error)),
      ),
    };
  }
}

/** Orchestration tunables fixed at start, so replays never read settings. */
export function policyFrom(settings: WebhookSettings): NonNullable<CaptureRequest["policy"]> {
  return {
    quotaWaitSeconds: settings.CAPTURE_QUOTA_WAIT_SECONDS,
    quotaRecheckSeconds: settings.CAPTURE_QUOTA_RECHECK_SECONDS,
    deadlineGraceSeconds: settings.CAPTURE_DEADLINE_GRACE_SECONDS,
    summarize: settings.CAPTURE_SUMMARIZE,
  };
}

/** The recorder branch answers with the same key-less links, states and 503 as the one-shot one. */
function recorderAnswers(
  statusUrlOf: AlertEnvironment["statusUrlOf"],
): RecorderAnswers<WebhookAnswer> {
  return {
    links: (id) => ({ id, statusQueryGetUri: statusUrlOf(id) }),
    isActive: (runtimeStatus) => ACTIVE_STATES.has(runtimeStatus),
    reply: (status, body, headers) => ({ status, body, ...(headers && { headers }) }),
    retryLater: (error) => retryLater(error),
  };
}

/** Why `request` supersedes the capture started with `runningInput`, if it does (supersede.ts). */
function supersedes(request: CaptureRequest, runningInput: unknown): string | undefined {
  const running = runningCaptureOf(runningInput);
  return running && supersedeReason(request, running);
}

/**
 * Raises the orchestration's `cancel` (it stops, verifies and notifies the partial capture) and
 * waits a bounded while for the instance to end. false: still running; Azure Monitor's retry of
 * the 503 finds it ended and starts the new capture.
 */
async function cancelAndWait(
  { starter, now, pause = sleep }: AlertEnvironment,
  instanceId: string,
  reason: string,
): Promise<boolean> {
  await starter.raise(instanceId, CANCEL_EVENT, {
    requestedAt: now.toISOString(),
    by: "supersede",
    reason,
  });
  for (let attempt = 0; attempt < SUPERSEDE_POLLS; attempt++) {
    await pause(SUPERSEDE_POLL_MS);
    const status = await starter.status(instanceId);
    if (!status || !ACTIVE_STATES.has(status.runtimeStatus)) return true;
  }
  return false;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function isBusy(
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

interface InstanceLinks {
  id: string;
  statusQueryGetUri: string;
}

/** `runtimeStatus` is absent when the alert joined a decision still in flight. */
function deduplicated(links: InstanceLinks, runtimeStatus?: string): WebhookAnswer {
  return {
    status: 200,
    body: { ...links, deduplicated: true, ...(runtimeStatus && { runtimeStatus }) },
  };
}

/** "We cannot decide now": the one answer Azure Monitor retries instead of dropping the alert. */
export function retryLater(error: string, problem?: string, cause?: string): WebhookAnswer {
  return {
    status: 503,
    headers: { "Retry-After": RETRY_AFTER_SECONDS },
    body: { error },
    ...(problem && { problem }),
    ...(cause && { cause }),
  };
}

/** The app's settings, not the alert, are wrong (`problem` names the setting): keep the alert alive for after the fix. */
export function misconfigured(problem: string): WebhookAnswer {
  return retryLater("the function app is misconfigured; retry later (see its logs)", problem);
}

function forbidden(message: string): WebhookAnswer {
  return { status: 403, body: { error: message } };
}
