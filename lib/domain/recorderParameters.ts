/**
 * The flight recorder's custom properties (docs/design.md, "Added in the second round"):
 * captureMode picks one-shot, arm or freeze; the ring and freeze-window keys follow the same
 * rules as the one-shot ones — case-insensitive keys, string values, out of range is refused
 * naming the key, never clamped.
 */
import { z } from "zod";
import { integerIn, readOverride } from "./captureParameters";

export const RECORDER_KEYS = {
  mode: "captureMode",
  ringFiles: "captureRingFiles",
  ringFileBytes: "captureRingFileBytes",
  ringSeconds: "captureRingSeconds",
  lookback: "captureLookbackSeconds",
  postTrigger: "capturePostTriggerSeconds",
} as const;

/** once: today's one-shot capture. ring: arm a recorder. freeze: freeze the armed recorder (one-shot when none is armed). */
export type CaptureMode = "once" | "ring" | "freeze";

/** Network Watcher's `captureSettings` (PacketCaptureSettings) for a continuous capture. */
export interface RingSettings {
  fileCount: number;
  fileSizeInBytes: number;
  sessionTimeLimitInSeconds: number;
}

/** What a freeze keeps: ring files overlapping [fired − lookback, stop], stop = fired + postTrigger. */
export interface FreezeWindow {
  lookbackSeconds: number;
  postTriggerSeconds: number;
}

/**
 * PacketCaptureSettings ranges from the 2026-01-01 spec. The spec's minimum is 0 for all three,
 * but a ring of no files, of empty files or of no time records nothing, so 1 is the floor.
 */
export const RING_LIMITS = {
  fileCount: { min: 1, max: 10000 },
  fileSizeInBytes: { min: 1, max: 4294967295 },
  sessionTimeLimitInSeconds: { min: 1, max: 604800 },
} as const;

export const RING_DEFAULTS: RingSettings = {
  fileCount: 10,
  fileSizeInBytes: 104857600,
  sessionTimeLimitInSeconds: 86400,
};

/** A lookback longer than the longest session could never be held; a post-trigger tail is minutes, not hours. */
export const FREEZE_LIMITS = {
  lookbackSeconds: { min: 0, max: 604800 },
  postTriggerSeconds: { min: 0, max: 3600 },
} as const;

export const FREEZE_DEFAULTS: FreezeWindow = { lookbackSeconds: 300, postTriggerSeconds: 30 };

const modeValue = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(["once", "ring", "freeze"], "must be once, ring or freeze"));

type Read<T> = { ok: true; value: T } | { ok: false; key: string; message: string };

export function resolveCaptureMode(overrides: Record<string, unknown>): Read<CaptureMode> {
  return readOverride<CaptureMode>(overrides, RECORDER_KEYS.mode, modeValue, "once");
}

/** Whole-number custom properties, each read over its fallback; the first bad one is refused. */
function readWholeNumbers<F extends string>(
  overrides: Record<string, unknown>,
  fields: Record<F, { key: string; range: { min: number; max: number }; fallback: number }>,
): Read<Record<F, number>> {
  const values = {} as Record<F, number>;
  for (const field of Object.keys(fields) as F[]) {
    const { key, range, fallback } = fields[field];
    const read = readOverride(overrides, key, integerIn(range), fallback);
    if (!read.ok) return read;
    values[field] = read.value;
  }
  return { ok: true, value: values };
}

/** The ring from custom properties over `fallback` (ops arguments reuse this with their own values). */
export function resolveRingSettings(
  overrides: Record<string, unknown>,
  fallback: RingSettings = RING_DEFAULTS,
): Read<RingSettings> {
  return readWholeNumbers(overrides, {
    fileCount: {
      key: RECORDER_KEYS.ringFiles,
      range: RING_LIMITS.fileCount,
      fallback: fallback.fileCount,
    },
    fileSizeInBytes: {
      key: RECORDER_KEYS.ringFileBytes,
      range: RING_LIMITS.fileSizeInBytes,
      fallback: fallback.fileSizeInBytes,
    },
    sessionTimeLimitInSeconds: {
      key: RECORDER_KEYS.ringSeconds,
      range: RING_LIMITS.sessionTimeLimitInSeconds,
      fallback: fallback.sessionTimeLimitInSeconds,
    },
  });
}

export function resolveFreezeWindow(overrides: Record<string, unknown>): Read<FreezeWindow> {
  return readWholeNumbers(overrides, {
    lookbackSeconds: {
      key: RECORDER_KEYS.lookback,
      range: FREEZE_LIMITS.lookbackSeconds,
      fallback: FREEZE_DEFAULTS.lookbackSeconds,
    },
    postTriggerSeconds: {
      key: RECORDER_KEYS.postTrigger,
      range: FREEZE_LIMITS.postTriggerSeconds,
      fallback: FREEZE_DEFAULTS.postTriggerSeconds,
    },
  });
}
