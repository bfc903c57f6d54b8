import { readWebhookSettings, type WebhookSettings } from "../../lib/config/appSettings";
import { parseCaptureTarget } from "../../lib/domain/armId";
import { FREEZE_DEFAULTS, RING_DEFAULTS } from "../../lib/domain/recorderParameters";
import { recorderRequest } from "../../lib/workflow/recorderRequest";
import { checkRecorderRequest } from "../../lib/workflow/requestCheck";

const STORAGE =
  "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/caps";
const target = parseCaptureTarget(
  "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web01",
)!;

function settings(env: Record<string, string> = {}): WebhookSettings {
  const read = readWebhookSettings({ CAPTURE_STORAGE_ACCOUNT_ID: STORAGE, ...env });
  if (!read.ok) throw new Error(read.message);
  return read.value;
}

/** What the webhook and `ops arm` start: the one builder both use. */
function built(app: WebhookSettings, schema: "common" | "direct") {
  return recorderRequest(
    { target, alert: { schema }, watcher: undefined },
    {
      timeLimitInSeconds: 300,
      totalBytesPerSession: 1073741824,
      bytesToCapturePerPacket: 0,
      filters: [],
      storageAccountId: STORAGE,
      ring: RING_DEFAULTS,
    },
    FREEZE_DEFAULTS,
    app,
    "https://app/status",
  );
}

describe("checkRecorderRequest (validateRecorderRequest's verdict)", () => {
  test.each(["common", "direct"] as const)(
    "a recorder the %s path builds passes, so checking never refuses a real arm",
    (schema) => {
      const app = settings({ RECORDER_MAX_PER_REGION: "3" });
      expect(checkRecorderRequest(built(app, schema), app)).toMatchObject({ ok: true });
    },
  );

  test("an input armed under a higher cap is refused after the setting was lowered", () => {
    const armed = built(settings({ RECORDER_MAX_PER_REGION: "20" }), "direct");
    const verdict = checkRecorderRequest(armed, settings({ RECORDER_MAX_PER_REGION: "5" }));
    expect(verdict).toMatchObject({ ok: false, field: "maxPerRegion" });
  });

  test.each([0, -1, 1.5, 4])("maxPerRegion %p is refused under a cap of 3", (maxPerRegion) => {
    const app = settings({ RECORDER_MAX_PER_REGION: "3" });
    expect(checkRecorderRequest({ ...built(app, "direct"), maxPerRegion }, app)).toEqual({
      ok: false,
      field: "maxPerRegion",
      message: "maxPerRegion: must be a whole number from 1 to RECORDER_MAX_PER_REGION (3)",
    });
  });

  test.each([1, 3])(
    "maxPerRegion %p is accepted under a cap of 3 (both bounds count)",
    (maxPerRegion) => {
      const app = settings({ RECORDER_MAX_PER_REGION: "3" });
      expect(checkRecorderRequest({ ...built(app, "direct"), maxPerRegion }, app)).toMatchObject({
        ok: true,
        request: { maxPerRegion },
      });
    },
  );

  test("a capture request without the recorder's fields is refused at the first one missing", () => {
    const app = settings();
    const { armedBy: _armedBy, ...unarmed } = built(app, "direct");
    expect(checkRecorderRequest(unarmed, app)).toEqual({
      ok: false,
      field: "armedBy",
      message: 'armedBy: Invalid option: expected one of "alert"|"ops"',
    });
  });

  test("a recorder field of the wrong type is refused by its full path", () => {
    const app = settings();
    const input = built(app, "direct");
    const forged = {
      ...input,
      settings: { ...input.settings, ring: { ...input.settings.ring, fileCount: "5" } },
    };
    expect(checkRecorderRequest(forged, app)).toEqual({
      ok: false,
      field: "settings.ring.fileCount",
      message: "settings.ring.fileCount: Invalid input: expected number, received string",
    });
  });

  test("a scope list that excludes the VM refuses it, naming the field", () => {
    const app = settings({ CAPTURE_ALLOWED_SCOPES: "/subscriptions/other" });
    expect(checkRecorderRequest(built(app, "common"), app)).toMatchObject({
      ok: false,
      field: "target.resourceId",
    });
  });
});
