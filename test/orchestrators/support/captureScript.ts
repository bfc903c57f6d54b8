/**
 * The scripted world every capture-orchestrator replay test starts from: a request, activities
 * that behave as Azure does for a capture that runs its full time, and readers of what the
 * orchestration did. Tests override only the activity their case is about.
 */
import type { CaptureRequest } from "../../../lib/domain/types";
import type { CaptureReport } from "../../../lib/workflow/contracts";
import type { ReplayRun, ScriptedActivity } from "../../support/replayHarness";
import { validateRequest } from "../../../activities/validateRequest";
import type { ActivityEnv } from "../../../lib/workflow/activity";

export const START = new Date("2026-01-01T02:00:00Z");
export const STORAGE =
  "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/caps";
/** The app settings the real validateRequest checks against: captures allowed in subscription `sub`, into STORAGE. */
const APP_SETTINGS = {
  CAPTURE_STORAGE_ACCOUNT_ID: STORAGE,
  CAPTURE_ALLOWED_SCOPES: "/subscriptions/sub",
  // The 5-hour cases need the whole of Network Watcher's range, above the app's default cap.
  CAPTURE_MAX_TIME_LIMIT_SECONDS: "18000",
};
/** Call at the top of a test file: the real validateRequest reads these app settings. */
export function useCaptureAppSettings(): void {
  const saved = { ...process.env };
  beforeAll(() => Object.assign(process.env, APP_SETTINGS));
  afterAll(() => {
    for (const key of Object.keys(APP_SETTINGS)) delete process.env[key];
    Object.assign(process.env, saved);
  });
}
export const refusals: string[] = [];
/** An activity env whose log collects into `refusals`, for running real check activities. */
export const ACTIVITY_ENV = { log: (m: string) => refusals.push(m) } as unknown as ActivityEnv;
export const WATCHER = {
  subscriptionId: "sub",
  resourceGroup: "NetworkWatcherRG",
  name: "NetworkWatcher_westeurope",
};

export function request(
  timeLimitInSeconds = 300,
  policy: CaptureRequest["policy"] = {},
): CaptureRequest {
  return {
    target: {
      resourceId:
        "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
      subscriptionId: "sub",
      resourceGroup: "rg",
      name: "vm1",
      kind: "virtualMachine",
    },
    settings: {
      timeLimitInSeconds,
      totalBytesPerSession: 1073741824,
      bytesToCapturePerPacket: 0,
      filters: [],
      storageAccountId: STORAGE,
    },
    alert: { schema: "common", ruleName: "tcp-out" },
    captureName: "alertcap-vm1-abc",
    policy: {
      quotaWaitSeconds: 600,
      quotaRecheckSeconds: 60,
      deadlineGraceSeconds: 120,
      summarize: true,
      ...policy,
    },
  };
}

export const ok = (value: unknown = {}) => ({ ok: true, value });
export const fail = (code: string) => ({
  ok: false,
  failure: { code, message: `${code} happened`, action: "do something" },
});
/** A transient failure on every attempt, as an activity throws it for durable retries. */
export const failsWith = (message: string) => (): never => {
  throw new Error(message);
};
export const secondsFromStart = (at: Date) => (at.getTime() - START.getTime()) / 1000;

/** A capture that runs until a few seconds past its time limit, then reports Stopped/TimeExceeded, as Network Watcher does. */
export function activities(
  overrides: Record<string, ScriptedActivity> = {},
  timeLimit = 300,
): Record<string, ScriptedActivity> {
  let startedAt = 0;
  return {
    validateRequest: (input) => validateRequest(input as CaptureRequest, ACTIVITY_ENV),
    checkQuota: () =>
      ok({ region: "westeurope", watcher: WATCHER, running: 3, limit: 10000, available: true }),
    resolveCaptureName: (input) =>
      ok({ name: (input as { desiredName: string }).desiredName, resolution: "new" }),
    startCapture: (_input, { at }) => {
      startedAt = secondsFromStart(at);
      return ok({ name: "alertcap-vm1-abc", id: "pc-id" });
    },
    getCaptureStatus: (_input, { at }) =>
      ok(
        secondsFromStart(at) - startedAt >= timeLimit + 5
          ? { status: "Stopped", stopReason: "TimeExceeded", errors: [] }
          : { status: "Running", errors: [] },
      ),
    stopCapture: () => ok(),
    deleteCapture: () => ok(),
    verifyCaptureBlob: () =>
      ok({
        storagePath: "https://caps.blob.core.windows.net/network-watcher-logs/x.cap",
        sizeBytes: 4096,
        format: "pcap",
      }),
    summarizeCapture: () => ok({ highlights: ["10.0.0.4:443 ⇄ 10.0.0.9:51000 1200 packets"] }),
    notify: () => ok({ delivered: ["webhook"] }),
    ...overrides,
  };
}

/** Activity names in call order; the per-channel notify calls count once (the webhook's). */
export function names(run: { calls: Array<{ name: string; input: unknown }> }): string[] {
  return run.calls
    .filter((c) => c.name !== "notify" || (c.input as { channel: string }).channel === "webhook")
    .map((c) => c.name);
}

export function notified(run: { calls: Array<{ name: string; input: unknown }> }): CaptureReport {
  const call = run.calls.filter((c) => c.name === "notify").pop();
  if (!call) throw new Error("notify was never called");
  return (call.input as { report: CaptureReport }).report;
}

/** A forged input's run: failed in `phase` with the reason, nothing but the check and the notification. */
export function expectRefusedFirst(run: ReplayRun, phase: string, reason: string): void {
  expect(run.error).toContain(`[${phase}] RequestRefused`);
  expect(run.error).toContain(reason);
  expect(names(run)).toEqual([phase, "notify"]);
  expect(notified(run).failure).toMatchObject({ phase, code: "RequestRefused" });
  expect(refusals.pop()).toContain(reason);
}
