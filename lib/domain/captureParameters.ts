/**
 * Capture settings from, highest first: the alert rule's custom properties, the app settings,
 * built-in defaults. Azure Monitor sends custom property values as strings, so numbers arrive
 * as "600"; a value out of Network Watcher's range is refused, never clamped, so the alert rule
 * author learns about the typo instead of getting a different capture than asked for.
 */
import { z } from "zod";
import { parseStorageAccountId } from "./armId";
import { captureFiltersSchema } from "./captureFilters";
import type { InstanceScope } from "./instanceFiles";
import type { CaptureSettings, TargetKind } from "./types";
import { firstIssue } from "./zodIssue";

export const OVERRIDE_KEYS = {
  timeLimit: "captureTimeLimitSeconds",
  totalBytes: "captureTotalBytes",
  bytesPerPacket: "captureBytesPerPacket",
  filters: "captureFilters",
  storageAccount: "captureStorageAccountId",
  scope: "captureScope",
} as const;

/** Network Watcher's documented limits (PacketCaptureParameters). */
export const LIMITS = {
  timeLimitInSeconds: { min: 1, max: 18000 },
  totalBytesPerSession: { min: 0, max: 4294967295 },
  bytesToCapturePerPacket: { min: 0, max: 4294967295 },
} as const;

export const BUILT_IN_DEFAULTS = {
  timeLimitInSeconds: 300,
  totalBytesPerSession: 1073741824,
  bytesToCapturePerPacket: 0,
} as const;

/**
 * What this app lets an alert ask for, below Network Watcher's own limits: whoever can create an
 * alert rule must not be able to hold a VM's one capture slot for hours with a filter matching
 * nothing (every later alert for that VM is deduplicated against it).
 */
export interface CaptureCaps {
  maxTimeLimitSeconds: number;
  maxTotalBytes: number;
  /** false: an alert's captureFilters is refused; the app's defaults (no filter) stand. */
  alertFiltersAllowed: boolean;
}

export interface CaptureDefaults {
  timeLimitInSeconds: number;
  totalBytesPerSession: number;
  bytesToCapturePerPacket: number;
  storageAccountId?: string;
  caps?: CaptureCaps;
}

export type SettingsResult =
  | { ok: true; settings: CaptureSettings }
  /**
   * `setting`: the app setting to blame — unset (a misconfiguration) or, with `cap`, the cap
   * the alert's value is over.
   */
  | { ok: false; key: string; message: string; setting?: string; cap?: number | boolean };

/** A whole number in range, as a number or the string Azure Monitor sends. */
export function integerIn(range: { min: number; max: number }) {
  // The union's own message: without it, a failed union says only "Invalid input".
  return z
    .union([z.number(), z.string().trim().regex(/^\d+$/).transform(Number)], {
      error: "must be a whole number",
    })
    .pipe(z.number().int("must be a whole number").min(range.min).max(range.max));
}

/** Built once: constructing zod schemas costs milliseconds, and a storm is a thousand alerts. */
const VALUE_SCHEMAS = {
  timeLimit: integerIn(LIMITS.timeLimitInSeconds),
  totalBytes: integerIn(LIMITS.totalBytesPerSession),
  bytesPerPacket: integerIn(LIMITS.bytesToCapturePerPacket),
};

const filtersValue = z
  .union([z.string().max(64 * 1024), z.array(z.unknown())])
  .transform((value, ctx) => {
    if (Array.isArray(value)) return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "must be a JSON array of filter objects" });
      return z.NEVER;
    }
  })
  .pipe(captureFiltersSchema);

const storageAccountValue = z
  .string()
  .refine(
    (id) => parseStorageAccountId(id) !== undefined,
    "must be the ARM ID of a storage account",
  );

/**
 * A scale set's instances (Network Watcher's `scope`), as the JSON text Azure Monitor sends:
 * `{"include": ["0", "1"]}` or `{"exclude": ["web_2"]}`. Entries are instance IDs or instance
 * names (Microsoft's docs show both); an empty scope is all instances.
 */
const instanceList = z
  .array(
    z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/,
        "must be a scale-set instance ID (e.g. 3) or instance name (e.g. web_3)",
      ),
  )
  .max(1000);
const scopeValue = z
  .union([z.string().max(64 * 1024), z.record(z.string(), z.unknown())])
  .transform((value, ctx) => {
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({
        code: "custom",
        message: 'must be JSON such as {"include": ["0", "1"]} or {"exclude": ["2"]}',
      });
      return z.NEVER;
    }
  })
  .pipe(z.strictObject({ include: instanceList.optional(), exclude: instanceList.optional() }));

/** A scope that names no instance selects them all: nothing to send. */
function scopeOrNone(scope: InstanceScope | undefined): InstanceScope | undefined {
  if (!scope?.include?.length && !scope?.exclude?.length) return undefined;
  return {
    ...(scope.include?.length && { include: scope.include }),
    ...(scope.exclude?.length && { exclude: scope.exclude }),
  };
}

/** Looks a key up the way Azure Monitor users type them: case-insensitively. */
function lookup(overrides: Record<string, unknown>, key: string): unknown {
  const wanted = key.toLowerCase();
  return Object.entries(overrides).find(([k]) => k.toLowerCase() === wanted)?.[1];
}

/** One custom property through its schema; absent or empty means the fallback, invalid is a message naming the key. */
export function readOverride<T>(
  overrides: Record<string, unknown>,
  key: string,
  schema: z.ZodType<T>,
  fallback: T,
): { ok: true; value: T } | { ok: false; key: string; message: string } {
  const raw = lookup(overrides, key);
  if (isEmpty(raw)) return { ok: true, value: fallback };
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const { path, message } = firstIssue(parsed.error);
  const where = path ? ` (at ${path})` : "";
  return { ok: false, key, message: `${key}: ${message}${where}` };
}

/** An alert-supplied value over this app's cap: 422 naming the key, the cap and its setting. */
function overCap(
  overrides: Record<string, unknown>,
  key: string,
  value: number,
  cap: number,
  setting: string,
): SettingsResult | undefined {
  if (isEmpty(lookup(overrides, key)) || value <= cap) return undefined;
  return {
    ok: false,
    key,
    setting,
    cap,
    message: `${key}: ${value} is over this app's cap of ${cap} (app setting ${setting})`,
  };
}

function isEmpty(raw: unknown): boolean {
  return raw === undefined || raw === null || raw === "";
}

function capsProblem(
  overrides: Record<string, unknown>,
  settings: CaptureSettings,
  caps: CaptureCaps,
): SettingsResult | undefined {
  if (!caps.alertFiltersAllowed && !isEmpty(lookup(overrides, OVERRIDE_KEYS.filters))) {
    return {
      ok: false,
      key: OVERRIDE_KEYS.filters,
      setting: "CAPTURE_ALLOW_ALERT_FILTERS",
      cap: false,
      message: `${OVERRIDE_KEYS.filters}: this app does not let alerts choose capture filters (app setting CAPTURE_ALLOW_ALERT_FILTERS=false)`,
    };
  }
  return (
    overCap(
      overrides,
      OVERRIDE_KEYS.timeLimit,
      settings.timeLimitInSeconds,
      caps.maxTimeLimitSeconds,
      "CAPTURE_MAX_TIME_LIMIT_SECONDS",
    ) ??
    overCap(
      overrides,
      OVERRIDE_KEYS.totalBytes,
      settings.totalBytesPerSession,
      caps.maxTotalBytes,
      "CAPTURE_MAX_TOTAL_BYTES",
    )
  );
}

export function resolveCaptureSettings(
  overrides: Record<string, unknown>,
  defaults: CaptureDefaults,
  targetKind: TargetKind = "virtualMachine",
): SettingsResult {
  const timeLimit = readOverride(
    overrides,
    OVERRIDE_KEYS.timeLimit,
    VALUE_SCHEMAS.timeLimit,
    defaults.timeLimitInSeconds,
  );
  if (!timeLimit.ok) return timeLimit;
  const totalBytes = readOverride(
    overrides,
    OVERRIDE_KEYS.totalBytes,
    VALUE_SCHEMAS.totalBytes,
    defaults.totalBytesPerSession,
  );
  if (!totalBytes.ok) return totalBytes;
  const perPacket = readOverride(
    overrides,
    OVERRIDE_KEYS.bytesPerPacket,
    VALUE_SCHEMAS.bytesPerPacket,
    defaults.bytesToCapturePerPacket,
  );
  if (!perPacket.ok) return perPacket;
  const filters = readOverride(overrides, OVERRIDE_KEYS.filters, filtersValue, []);
  if (!filters.ok) return filters;
  const storage = readOverride<string | undefined>(
    overrides,
    OVERRIDE_KEYS.storageAccount,
    storageAccountValue,
    defaults.storageAccountId,
  );
  if (!storage.ok) return storage;
  if (!storage.value) {
    return {
      ok: false,
      key: OVERRIDE_KEYS.storageAccount,
      setting: "CAPTURE_STORAGE_ACCOUNT_ID",
      message: `${OVERRIDE_KEYS.storageAccount}: no storage account for the capture; set the app setting CAPTURE_STORAGE_ACCOUNT_ID or the alert rule's custom property`,
    };
  }
  const scope = readOverride<InstanceScope | undefined>(
    overrides,
    OVERRIDE_KEYS.scope,
    scopeValue,
    undefined,
  );
  if (!scope.ok) return scope;
  if (scope.value && targetKind !== "virtualMachineScaleSet")
    return {
      ok: false,
      key: OVERRIDE_KEYS.scope,
      message: `${OVERRIDE_KEYS.scope}: selects scale-set instances, but the target is a virtual machine`,
    };
  const instances = scopeOrNone(scope.value);
  const settings: CaptureSettings = {
    timeLimitInSeconds: timeLimit.value,
    totalBytesPerSession: totalBytes.value,
    bytesToCapturePerPacket: perPacket.value,
    filters: filters.value,
    storageAccountId: storage.value,
    ...(instances && { scope: instances }),
  };
  return (
    (defaults.caps && capsProblem(overrides, settings, defaults.caps)) ?? { ok: true, settings }
  );
}
