// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * The continuous-capture part of a `PUT packetCaptures/{name}` body (spec 2026-01-01):
 * `continuousCapture` (nullable boolean) and `captureSettings` (`PacketCaptureSettings`: fileCount
 * 0–10000 default 10, fileSizeInBytes 0–4294967295 default 104857600, sessionTimeLimitInSeconds
 * 0–604800 default 86400). The spec says `filePath` "is invalid if 'Continuous Capture' is provided
 * with 'true' or 'false'".
 * Emulator choices (Azure documents none of them): only `continuousCapture: true` records a ring
 * (`false` and null are today's one-shot capture); a 0 in captureSettings means that field's
 * default; `localPath` (a ring on the VM's disk) is not emulated, so a storage account is required.
 */
import { invalidParameter } from "../armHttp";

export interface RingParameters {
  fileCount: number;
  fileSizeInBytes: number;
  sessionTimeLimitInSeconds: number;
}

const RING_LIMITS = {
  fileCount: { max: 10000, default: 10 },
  fileSizeInBytes: { max: 4294967295, default: 104857600 },
  sessionTimeLimitInSeconds: { max: 604800, default: 86400 },
} as const;

export function parseContinuous(props: Record<string, unknown>): RingParameters | undefined {
  const flag = props["continuousCapture"];
  if (flag !== undefined && flag !== null && typeof flag !== "boolean")
    throw invalidParameter("properties.continuousCapture must be true, false or null.");
  const location = props["storageLocation"] as Record<string, unknown> | undefined;
  if (typeof flag === "boolean" && location?.["filePath"])
    throw invalidParameter(
      "properties.storageLocation.filePath is invalid when continuousCapture is given; use localPath or storageId.",
    );
  if (flag !== true) return undefined;
  if (!location?.["storageId"])
    throw invalidParameter(
      "properties.storageLocation.storageId is required for a continuous capture (localPath is not emulated).",
    );
  const raw = props["captureSettings"] ?? {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw invalidParameter("properties.captureSettings must be an object.");
  const settings = raw as Record<string, unknown>;
  const read = (key: keyof typeof RING_LIMITS): number => {
    const { max, default: fallback } = RING_LIMITS[key];
    const v = settings[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max)
      throw invalidParameter(
        `properties.captureSettings.${key} must be an integer from 0 to ${max}; got ${JSON.stringify(v)}.`,
      );
    return v === 0 ? fallback : v;
  };
  return {
    fileCount: read("fileCount"),
    fileSizeInBytes: read("fileSizeInBytes"),
    sessionTimeLimitInSeconds: read("sessionTimeLimitInSeconds"),
  };
}
