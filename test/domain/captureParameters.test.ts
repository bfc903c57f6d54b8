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
