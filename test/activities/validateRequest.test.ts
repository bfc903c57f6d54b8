import { validateRequest } from "../../activities/validateRequest";
import type { CaptureRequest } from "../../lib/domain/types";
import type { ActivityEnv } from "../../lib/workflow/activity";
import { SUB, TARGET, VMSS_TARGET, WATCHER } from "./support/fakeAzure";

const OTHER_SUB = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
const STORAGE = `/subscriptions/${SUB}/resourceGroups/caps-rg/providers/Microsoft.Storage/storageAccounts/stcaps`;
const request: CaptureRequest = {
  target: TARGET,
  settings: {
    timeLimitInSeconds: 300,
    totalBytesPerSession: 1073741824,
    bytesToCapturePerPacket: 0,
    filters: [],
    storageAccountId: STORAGE,
  },
  alert: { schema: "common", ruleName: "tcp-out" },
  captureName: "alertcap-web-1-0123456789",
};
const logged: string[] = [];
const env = { log: (m: string) => logged.push(m) } as unknown as ActivityEnv;

/** Runs the activity with these app settings in process.env, as the host provides them. */
async function withSettings(settings: Record<string, string>, input: CaptureRequest) {
  const saved = { ...process.env };
  Object.assign(process.env, { CAPTURE_STORAGE_ACCOUNT_ID: STORAGE, ...settings });
  try {
    return await validateRequest(input, env);
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

describe("validateRequest (the orchestration's own check of its input)", () => {
  test("a request the webhook would build passes", async () => {
    expect(await withSettings({}, request)).toEqual({ ok: true, value: null });
  });

  test("a scale set's instance scope is checked again: fine on a scale set, refused on a VM or malformed", async () => {
    const scoped = (target: CaptureRequest["target"], scope: unknown) =>
      ({ ...request, target, settings: { ...request.settings, scope } }) as CaptureRequest;
    expect(await withSettings({}, scoped(VMSS_TARGET, { include: ["0"] }))).toEqual({
      ok: true,
      value: null,
    });
    expect(await withSettings({}, scoped(TARGET, { include: ["0"] }))).toMatchObject({
      ok: false,
      failure: { message: expect.stringContaining("captureScope: selects scale-set instances") },
    });
    expect(await withSettings({}, scoped(VMSS_TARGET, { include: ["../x"] }))).toMatchObject({
      ok: false,
      failure: { message: expect.stringContaining("captureScope") },
    });
  });

  test("with two scopes, a VM in the second one passes and one in neither is refused", async () => {
    const scopes = {
      CAPTURE_ALLOWED_SCOPES: `/subscriptions/${OTHER_SUB};/subscriptions/${SUB}/resourceGroups/app-rg`,
    };
    expect(await withSettings(scopes, request)).toEqual({ ok: true, value: null });
    const elsewhere = {
      CAPTURE_ALLOWED_SCOPES: `/subscriptions/${OTHER_SUB};/subscriptions/${SUB}/resourceGroups/db-rg`,
    };
    expect(await withSettings(elsewhere, request)).toMatchObject({
      ok: false,
      failure: {
        code: "RequestRefused",
        message: expect.stringContaining("target.resourceId: target"),
      },
    });
  });

  test("a named watcher outside the scopes is refused, even in the target's subscription", async () => {
    const scopes = { CAPTURE_ALLOWED_SCOPES: `/subscriptions/${SUB}/resourceGroups/app-rg` };
    const result = await withSettings(scopes, { ...request, watcher: WATCHER });
    expect(result).toMatchObject({
      ok: false,
      failure: {
        code: "RequestRefused",
        message: `watcher: network watcher /subscriptions/${SUB}/resourceGroups/NetworkWatcherRG/providers/Microsoft.Network/networkWatchers/nw-weu is outside the allowed scopes (CAPTURE_ALLOWED_SCOPES)`,
      },
    });
    expect(logged.at(-1)).toContain("refused: watcher");
  });

  test("unreadable app settings are Misconfigured, naming the setting", async () => {
    const result = await withSettings({ CAPTURE_TIME_LIMIT_SECONDS: "lots" }, request);
    expect(result).toMatchObject({
      ok: false,
      failure: {
        code: "Misconfigured",
        message: expect.stringContaining("CAPTURE_TIME_LIMIT_SECONDS"),
      },
    });
  });
});
