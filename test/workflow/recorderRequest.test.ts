/** recorderRequest: the one builder of a flight recorder's input, for alerts and for ops. */
import { readWebhookSettings } from "../../lib/config/appSettings";
import { parseCaptureTarget } from "../../lib/domain/armId";
import { RING_DEFAULTS } from "../../lib/domain/recorderParameters";
import { recorderRequest } from "../../lib/workflow/recorderRequest";
import { request, STORAGE } from "../orchestrators/support/captureScript";

const read = readWebhookSettings({
  CAPTURE_STORAGE_ACCOUNT_ID: STORAGE,
  RECORDER_MAX_PER_REGION: "3",
  CAPTURE_DEADLINE_GRACE_SECONDS: "240",
  CAPTURE_SUMMARIZE: "false",
});
if (!read.ok) throw new Error(read.message);
const app = read.value;
const target = parseCaptureTarget(
  "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
)!;
const settings = { ...request().settings, ring: RING_DEFAULTS };
const freeze = { lookbackSeconds: 600, postTriggerSeconds: 60 };

test.each([
  ["an alert", "common", "alert"],
  ["ops (a direct request)", "direct", "ops"],
] as const)(
  "armed by %s: armedBy says %s, and the app's cap, grace and summarize apply",
  (_, schema, armedBy) => {
    const built = recorderRequest(
      { target, alert: { schema, ruleName: "arm-web" } },
      settings,
      freeze,
      app,
      "https://status",
    );
    expect(built).toEqual({
      target,
      settings,
      alert: { schema, ruleName: "arm-web" },
      captureName: built.captureName,
      watcher: undefined,
      statusUrl: "https://status",
      armedBy,
      freeze,
      maxPerRegion: 3,
      policy: { deadlineGraceSeconds: 240, summarize: false },
    });
    expect(built.captureName).toMatch(/^alertring-vm1-[0-9a-f]{10}$/);
  },
);
