/**
 * checkCaptureRequest: the orchestration's own check of a request, whoever started it. Each
 * field of the target must say what its ARM ID says, and a refusal names the field and why.
 */
import { readWebhookSettings, type WebhookSettings } from "../../lib/config/appSettings";
import type { CaptureRequest } from "../../lib/domain/types";
import { checkCaptureRequest } from "../../lib/workflow/requestCheck";
import { request, STORAGE, WATCHER } from "../orchestrators/support/captureScript";

function settings(): WebhookSettings {
  const read = readWebhookSettings({
    CAPTURE_STORAGE_ACCOUNT_ID: STORAGE,
    CAPTURE_ALLOWED_SCOPES: "/subscriptions/sub",
  });
  if (!read.ok) throw new Error(read.message);
  return read.value;
}

const base = request();

describe("checkCaptureRequest", () => {
  test("a request whose target agrees with its ARM ID, in scope, into the configured storage passes as given", () => {
    expect(checkCaptureRequest(base, settings())).toEqual({ ok: true, request: base });
  });

  test.each<[string, Partial<CaptureRequest["target"]>]>([
    ["resource group", { resourceGroup: "other-rg" }],
    ["VM name", { name: "vm2" }],
    ["kind", { kind: "virtualMachineScaleSet" }],
  ])("a target whose %s disagrees with its ARM ID is refused", (_, change) => {
    const forged = { ...base, target: { ...base.target, ...change } };
    expect(checkCaptureRequest(forged, settings())).toEqual({
      ok: false,
      field: "target",
      message: "target: the target's fields do not match the VM or scale set its resourceId names",
    });
  });

  test("an input that is no object at all is refused as a whole, naming zod's reason", () => {
    expect(checkCaptureRequest("capture vm1", settings())).toEqual({
      ok: false,
      field: "input",
      message: "input: Invalid input: expected object, received string",
    });
  });

  test("field case does not matter: ARM names are case-insensitive", () => {
    const shouted = {
      ...base,
      target: { ...base.target, resourceGroup: "RG", name: "VM1", subscriptionId: "SUB" },
    };
    expect(checkCaptureRequest(shouted, settings()).ok).toBe(true);
  });

  test("a watcher in another subscription is refused naming that field", () => {
    const forged = { ...base, watcher: { ...WATCHER, subscriptionId: "evil" } };
    expect(checkCaptureRequest(forged, settings())).toEqual({
      ok: false,
      field: "watcher.subscriptionId",
      message: "watcher.subscriptionId: the watcher must be in the target's subscription",
    });
  });

  test("settings outside Network Watcher's ranges are refused under settings with the range's reason", () => {
    const forged = { ...base, settings: { ...base.settings, bytesToCapturePerPacket: -1 } };
    const verdict = checkCaptureRequest(forged, settings());
    expect(verdict).toMatchObject({ ok: false, field: "settings" });
    expect(verdict.ok ? "" : verdict.message).toMatch(/^settings: captureBytesPerPacket/);
  });
});
