import {
  FREEZE_DEFAULTS,
  RING_DEFAULTS,
  resolveCaptureMode,
  resolveFreezeWindow,
  resolveRingSettings,
} from "../../lib/domain/recorderParameters";
import { recorderInstanceIdFor, ringCaptureNameFor, instanceIdFor } from "../../lib/domain/naming";
import { nextHealthCheckAt, MAX_HEALTH_GAP_SECONDS } from "../../lib/domain/ringSchedule";
import { SETTLE_SECONDS } from "../../lib/domain/pollSchedule";

describe("captureMode", () => {
  test("defaults to once and reads any casing of key and value", () => {
    expect(resolveCaptureMode({})).toEqual({ ok: true, value: "once" });
    expect(resolveCaptureMode({ CAPTUREMODE: " Ring " })).toEqual({ ok: true, value: "ring" });
    expect(resolveCaptureMode({ captureMode: "FREEZE" })).toEqual({ ok: true, value: "freeze" });
  });

  test("an unknown mode is refused naming the key", () => {
    const result = resolveCaptureMode({ captureMode: "loop" });
    expect(result).toMatchObject({ ok: false, key: "captureMode" });
    expect(!result.ok && result.message).toMatch(/captureMode: must be once, ring or freeze/);
  });
});

describe("ring settings", () => {
  test("defaults are Network Watcher's: 10 files of 100 MB for a day", () => {
    expect(resolveRingSettings({})).toEqual({ ok: true, value: RING_DEFAULTS });
    expect(RING_DEFAULTS).toEqual({
      fileCount: 10,
      fileSizeInBytes: 104857600,
      sessionTimeLimitInSeconds: 86400,
    });
  });

  test("string values within range are taken as numbers", () => {
    expect(
      resolveRingSettings({
        captureRingFiles: "10000",
        captureringfilebytes: "4294967295",
        captureRingSeconds: "604800",
      }),
    ).toEqual({
      ok: true,
      value: { fileCount: 10000, fileSizeInBytes: 4294967295, sessionTimeLimitInSeconds: 604800 },
    });
  });

  test.each([
    ["captureRingFiles", "10001"],
    ["captureRingFiles", "0"],
    ["captureRingFileBytes", "4294967296"],
    ["captureRingSeconds", "604801"],
    ["captureRingSeconds", "1.5"],
  ])("%s=%s is refused naming the key, never clamped", (key, value) => {
    const result = resolveRingSettings({ [key]: value });
    expect(result).toMatchObject({ ok: false, key });
  });

  test("an explicit fallback (the ops arguments) is used when a key is absent", () => {
    const fallback = { fileCount: 3, fileSizeInBytes: 1000, sessionTimeLimitInSeconds: 7200 };
    expect(resolveRingSettings({ captureRingFiles: "4" }, fallback)).toEqual({
      ok: true,
      value: { ...fallback, fileCount: 4 },
    });
  });
});

describe("freeze window", () => {
  test("defaults: 300 s back, 30 s after", () => {
    expect(resolveFreezeWindow({})).toEqual({ ok: true, value: FREEZE_DEFAULTS });
    expect(FREEZE_DEFAULTS).toEqual({ lookbackSeconds: 300, postTriggerSeconds: 30 });
  });

  test("out of range is refused naming the key", () => {
    expect(resolveFreezeWindow({ captureLookbackSeconds: "-1" })).toMatchObject({
      ok: false,
      key: "captureLookbackSeconds",
    });
    expect(resolveFreezeWindow({ capturePostTriggerSeconds: "3601" })).toMatchObject({
      ok: false,
      key: "capturePostTriggerSeconds",
    });
  });
});

describe("recorder names", () => {
  const target = {
    resourceId:
      "/subscriptions/s/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines/Web-01",
    subscriptionId: "s",
    resourceGroup: "RG",
    name: "Web-01",
    kind: "virtualMachine" as const,
  };

  test("one recorder per VM, beside (not instead of) its one-shot capture", () => {
    expect(recorderInstanceIdFor(target)).toMatch(/^recorder-web-01-[0-9a-f]{10}$/);
    expect(recorderInstanceIdFor({ ...target, resourceId: target.resourceId.toLowerCase() })).toBe(
      recorderInstanceIdFor(target),
    );
    expect(recorderInstanceIdFor(target).slice("recorder-".length)).toBe(
      instanceIdFor(target).slice("capture-".length),
    );
    expect(ringCaptureNameFor(target)).toMatch(/^alertring-web-01-[0-9a-f]{10}$/);
  });
});

describe("recorder health schedule", () => {
  test.each([3600, 86400, 604800])(
    "a %i s session: early checks, gaps never above the cap, a check just after the limit",
    (limit) => {
      const checks: number[] = [];
      let at = 0;
      while (checks.length < 10_000 && at < limit + SETTLE_SECONDS) {
        at = nextHealthCheckAt(at, limit);
        checks.push(at);
      }
      expect(checks.slice(0, 3)).toEqual([10, 20, 30]);
      expect(checks.at(-1)).toBe(limit + SETTLE_SECONDS);
      const gaps = checks.map((c, i) => c - (checks[i - 1] ?? 0));
      expect(Math.max(...gaps)).toBeLessThanOrEqual(MAX_HEALTH_GAP_SECONDS);
      // Bounded history: a 7-day session stays in the hundreds of checks.
      expect(checks.length).toBeLessThanOrEqual(limit / MAX_HEALTH_GAP_SECONDS + 30);
    },
  );
});
