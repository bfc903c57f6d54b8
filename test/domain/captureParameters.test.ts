import { resolveCaptureSettings, type CaptureDefaults } from "../../lib/domain/captureParameters";
import { ipSpecProblem, portSpecProblem } from "../../lib/domain/captureFilters";

const STORAGE =
  "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/caps";
const defaults: CaptureDefaults = {
  timeLimitInSeconds: 300,
  totalBytesPerSession: 1073741824,
  bytesToCapturePerPacket: 0,
  storageAccountId: STORAGE,
};

describe("capture parameters", () => {
  test("built-in defaults apply when nothing overrides them", () => {
    expect(resolveCaptureSettings({}, defaults)).toEqual({
      ok: true,
      settings: {
        timeLimitInSeconds: 300,
        totalBytesPerSession: 1073741824,
        bytesToCapturePerPacket: 0,
        filters: [],
        storageAccountId: STORAGE,
      },
    });
  });

  test("custom properties win, keys matched case-insensitively, numbers as strings", () => {
    const result = resolveCaptureSettings(
      {
        CAPTURETIMELIMITSECONDS: "600",
        captureTotalBytes: "1048576",
        captureBytesPerPacket: " 128 ",
        captureFilters: '[{"protocol":"TCP","remotePort":"443;8443"}]',
      },
      defaults,
    );
    expect(result).toMatchObject({
      ok: true,
      settings: {
        timeLimitInSeconds: 600,
        totalBytesPerSession: 1048576,
        bytesToCapturePerPacket: 128,
        filters: [{ protocol: "TCP", remotePort: "443;8443" }],
      },
    });
  });

  test.each([
    ["captureTimeLimitSeconds", "0"],
    ["captureTimeLimitSeconds", "18001"],
    ["captureTimeLimitSeconds", "5m"],
    ["captureTimeLimitSeconds", "-1"],
    ["captureTimeLimitSeconds", "1.5"],
    ["captureTotalBytes", "4294967296"],
    ["captureBytesPerPacket", "abc"],
    ["captureFilters", "not json"],
    ["captureFilters", '{"protocol":"TCP"}'],
    ["captureFilters", '[{"protocol":"ICMP"}]'],
    ["captureFilters", '[{"localPort":"70000"}]'],
    ["captureFilters", '[{"remoteIPAddress":"10.0.0.9-10.0.0.1"}]'],
    ["captureFilters", '[{"remoteIPAddress":"10.0.0.1-10.0.0.9;10.0.1.1"}]'],
    ["captureFilters", '[{"proto":"TCP"}]'],
    [
      "captureStorageAccountId",
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm",
    ],
  ])("%s = %p is refused with a message naming the key", (key, value) => {
    const result = resolveCaptureSettings({ [key]: value }, defaults);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.key).toBe(key);
      expect(result.message.startsWith(`${key}:`)).toBe(true);
    }
  });

  test("limits at the edges are accepted", () => {
    expect(
      resolveCaptureSettings(
        {
          captureTimeLimitSeconds: "18000",
          captureTotalBytes: "4294967295",
          captureBytesPerPacket: "0",
        },
        defaults,
      ).ok,
    ).toBe(true);
    expect(resolveCaptureSettings({ captureTimeLimitSeconds: 1 }, defaults).ok).toBe(true);
  });

  test("no storage account anywhere is refused, naming the key", () => {
    const result = resolveCaptureSettings({}, { ...defaults, storageAccountId: undefined });
    expect(result).toMatchObject({ ok: false, key: "captureStorageAccountId" });
  });

  test("filter notation follows the spec: single, one range, ;-list with optional trailing ;", () => {
    expect(ipSpecProblem("10.0.0.4")).toBeUndefined();
    expect(ipSpecProblem("127.0.0.1;127.0.0.5;")).toBeUndefined();
    expect(ipSpecProblem("10.0.0.1-10.0.0.255")).toBeUndefined();
    expect(ipSpecProblem("fe80::1")).toBeUndefined();
    expect(ipSpecProblem("10.0.0.1-10.0.0.5-10.0.0.9")).toBeDefined();
    expect(ipSpecProblem("10.0.0.256")).toBeDefined();
    expect(portSpecProblem("80-85")).toBeUndefined();
    expect(portSpecProblem("80;443;")).toBeUndefined();
    expect(portSpecProblem("85-80")).toBeDefined();
    expect(portSpecProblem("http")).toBeDefined();
  });
});

describe("this app's caps on what an alert may ask for", () => {
  const capped: CaptureDefaults = {
    ...defaults,
    caps: { maxTimeLimitSeconds: 3600, maxTotalBytes: 104857600, alertFiltersAllowed: false },
  };

  test("over a cap: refused naming the key, the cap and its app setting", () => {
    expect(resolveCaptureSettings({ captureTimeLimitSeconds: "18000" }, capped)).toEqual({
      ok: false,
      key: "captureTimeLimitSeconds",
      setting: "CAPTURE_MAX_TIME_LIMIT_SECONDS",
      cap: 3600,
      message: expect.stringContaining("cap of 3600"),
    });
    expect(resolveCaptureSettings({ captureTotalBytes: "104857601" }, capped)).toMatchObject({
      ok: false,
      key: "captureTotalBytes",
      setting: "CAPTURE_MAX_TOTAL_BYTES",
    });
    expect(
      resolveCaptureSettings({ captureFilters: '[{"protocol":"TCP"}]' }, capped),
    ).toMatchObject({ ok: false, key: "captureFilters", setting: "CAPTURE_ALLOW_ALERT_FILTERS" });
  });

  test("at the cap, and the app's own defaults, pass", () => {
    expect(resolveCaptureSettings({ captureTimeLimitSeconds: "3600" }, capped).ok).toBe(true);
    const generous = { ...capped, timeLimitInSeconds: 7200 };
    expect(resolveCaptureSettings({}, generous)).toMatchObject({
      ok: true,
      settings: { timeLimitInSeconds: 7200, filters: [] },
    });
  });
});

describe("what an alert-rule author reads when a custom property is refused", () => {
  test.each([
    ["captureTimeLimitSeconds", "5m", "captureTimeLimitSeconds: must be a whole number"],
    ["captureTimeLimitSeconds", "PT60", "captureTimeLimitSeconds: must be a whole number"],
    ["captureTimeLimitSeconds", 1.5, "captureTimeLimitSeconds: must be a whole number"],
    ["captureTimeLimitSeconds", true, "captureTimeLimitSeconds: must be a whole number"],
    [
      "captureTimeLimitSeconds",
      "18001",
      "captureTimeLimitSeconds: Too big: expected number to be <=18000",
    ],
    ["captureFilters", "not json", "captureFilters: must be a JSON array of filter objects"],
    [
      "captureFilters",
      '[{"protocol":"TCP"},{"localPort":"70000"}]',
      'captureFilters: "70000" is not a port (0-65535) (at 1.localPort)',
    ],
    [
      "captureStorageAccountId",
      "/x",
      "captureStorageAccountId: must be the ARM ID of a storage account",
    ],
  ])("%s = %j: %s", (key, value, message) => {
    expect(resolveCaptureSettings({ [key]: value }, defaults)).toEqual({ ok: false, key, message });
  });

  test("a blank or null custom property falls back to the default", () => {
    expect(
      resolveCaptureSettings(
        { captureTimeLimitSeconds: "", captureTotalBytes: null, captureFilters: "" },
        defaults,
      ),
    ).toEqual(resolveCaptureSettings({}, defaults));
  });

  test("no storage account anywhere: the message names the key and the app setting", () => {
    expect(resolveCaptureSettings({}, { ...defaults, storageAccountId: undefined })).toEqual({
      ok: false,
      key: "captureStorageAccountId",
      setting: "CAPTURE_STORAGE_ACCOUNT_ID",
      message:
        "captureStorageAccountId: no storage account for the capture; set the app setting CAPTURE_STORAGE_ACCOUNT_ID or the alert rule's custom property",
    });
  });
});

describe("captureScope: a scale set's instances", () => {
  const onSet = (scope: unknown) =>
    resolveCaptureSettings({ captureScope: scope }, defaults, "virtualMachineScaleSet");

  test("include or exclude, as JSON text or an object; an empty list is left out", () => {
    expect(onSet('{"include":["0","web_3"],"exclude":[]}')).toMatchObject({
      ok: true,
      settings: { scope: { include: ["0", "web_3"] } },
    });
    expect(onSet({ include: [], exclude: ["2"] })).toMatchObject({
      ok: true,
      settings: { scope: { exclude: ["2"] } },
    });
    const both = onSet({ include: ["1"], exclude: ["2"] });
    expect(both.ok && both.settings.scope).toEqual({ include: ["1"], exclude: ["2"] });
  });

  test("a scope naming no instance is every instance: nothing is sent", () => {
    const empty = onSet('{"include":[],"exclude":[]}');
    expect(empty).toEqual(resolveCaptureSettings({}, defaults));
  });

  test.each([
    ["{nope", 'captureScope: must be JSON such as {"include": ["0", "1"]} or {"exclude": ["2"]}'],
    ['{"only":["1"]}', 'captureScope: Unrecognized key: "only"'],
    [
      '{"include":["-1"]}',
      "captureScope: must be a scale-set instance ID (e.g. 3) or instance name (e.g. web_3) (at include.0)",
    ],
  ])("%s is refused: %s", (scope, message) => {
    expect(onSet(scope)).toEqual({ ok: false, key: "captureScope", message });
  });

  test("on a virtual machine, a scope is refused", () => {
    expect(resolveCaptureSettings({ captureScope: '{"include":["0"]}' }, defaults)).toEqual({
      ok: false,
      key: "captureScope",
      message: "captureScope: selects scale-set instances, but the target is a virtual machine",
    });
  });
});
