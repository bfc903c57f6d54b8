// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Validates a `PUT packetCaptures/{name}` body the way the service documents it (spec 2026-01-01
 * `PacketCaptureParameters`): target and storageLocation required, numeric ranges enforced, filters in
 * Network Watcher notation. `continuousCapture: true` with `captureSettings` asks for a ring of files
 * (ringSession.ts); `filePath` is invalid then, as the spec says, and only a storage account is emulated.
 */
import { invalidParameter, ArmError } from "../armHttp";
import {
  parseComputeTargetId,
  parseStorageAccountId,
  type ComputeTarget,
  type StorageAccountRef,
} from "../armIds";
import { parseFilters, type CaptureFilter, type CaptureFilterWire } from "./captureFilters";
import { parseContinuous, type RingParameters } from "./ringRequest";

export const LIMITS = {
  timeLimitInSeconds: { min: 0, max: 18000, default: 18000 },
  totalBytesPerSession: { min: 0, max: 4294967295, default: 1073741824 },
  bytesToCapturePerPacket: { min: 0, max: 4294967295, default: 0 },
} as const;

export type TargetType = "AzureVM" | "AzureVMSS";

export interface StorageLocation {
  storageId?: string;
  storagePath?: string;
  filePath?: string;
}

export interface CaptureParameters {
  target: ComputeTarget;
  targetType?: TargetType;
  scope?: { include?: string[]; exclude?: string[] };
  bytesToCapturePerPacket: number;
  totalBytesPerSession: number;
  timeLimitInSeconds: number;
  storageLocation: StorageLocation;
  storageAccount?: StorageAccountRef;
  filters: CaptureFilter[];
  filtersWire: CaptureFilterWire[];
  /** Present for `continuousCapture: true`: the ring's `captureSettings`, defaults filled in. */
  continuous?: RingParameters;
}

export function parseCaptureRequest(body: unknown): CaptureParameters {
  const props = objectAt(
    isObject(body) ? body["properties"] : undefined,
    "properties",
    true,
  ) as Record<string, unknown>;
  const targetId = props["target"];
  if (typeof targetId !== "string" || targetId.length === 0)
    throw invalidParameter("properties.target is required.");
  const target = parseComputeTargetId(targetId);
  if (!target)
    throw new ArmError(
      400,
      "InvalidTarget",
      `properties.target '${targetId}' is not a virtual machine or virtual machine scale set resource ID; only AzureVM and AzureVMSS targets are supported.`,
    );

  const continuous = parseContinuous(props);
  const { wire: filtersWire, filters } = parseFilters(props["filters"], "properties.filters");
  const { location: storageLocation, account: storageAccount } = parseStorageLocation(
    props["storageLocation"],
  );
  const targetType = parseTargetType(props["targetType"], target);
  const scope = parseScope(props["scope"], target);

  return {
    target,
    ...(targetType && { targetType }),
    ...(scope && { scope }),
    bytesToCapturePerPacket: integerIn(props, "bytesToCapturePerPacket"),
    totalBytesPerSession: integerIn(props, "totalBytesPerSession"),
    timeLimitInSeconds: integerIn(props, "timeLimitInSeconds"),
    storageLocation,
    ...(storageAccount && { storageAccount }),
    filters,
    filtersWire,
    ...(continuous && { continuous }),
  };
}

function parseStorageLocation(value: unknown): {
  location: StorageLocation;
  account?: StorageAccountRef;
} {
  const raw = objectAt(value, "properties.storageLocation", true) as Record<string, unknown>;
  const storageId = stringAt(raw, "storageId");
  const filePath = stringAt(raw, "filePath");
  if (!storageId && !filePath)
    throw invalidParameter("properties.storageLocation needs storageId or filePath.");
  const location: StorageLocation = {};
  let account: StorageAccountRef | undefined;
  if (storageId) {
    account = parseStorageAccountId(storageId);
    if (!account)
      throw invalidParameter(
        `properties.storageLocation.storageId '${storageId}' is not a storage account resource ID.`,
      );
    location.storageId = storageId;
  }
  if (filePath) {
    // Spec: "For linux virtual machine it must start with /var/captures" and name a *.cap file.
    if (
      !filePath.startsWith("/var/captures/") ||
      !filePath.endsWith(".cap") ||
      filePath.split("/").includes("..")
    ) {
      throw invalidParameter(
        `properties.storageLocation.filePath '${filePath}' must be a *.cap file under /var/captures.`,
      );
    }
    location.filePath = filePath;
  }
  return account ? { location, account } : { location };
}

function parseTargetType(value: unknown, target: ComputeTarget): TargetType | undefined {
  if (value === undefined || value === null) return undefined;
  const expected: TargetType = target.kind === "virtualMachines" ? "AzureVM" : "AzureVMSS";
  // PowerShell examples send "azurevmss", so the value is compared case-insensitively.
  if (typeof value !== "string" || value.toLowerCase() !== expected.toLowerCase()) {
    throw invalidParameter(
      `properties.targetType '${String(value)}' does not match the target (expected ${expected}).`,
    );
  }
  return expected;
}

function parseScope(value: unknown, target: ComputeTarget): CaptureParameters["scope"] {
  if (value === undefined || value === null) return undefined;
  const raw = objectAt(value, "properties.scope", false) as Record<string, unknown>;
  if (target.kind !== "virtualMachineScaleSets")
    throw invalidParameter("properties.scope applies only to scale-set targets.");
  const list = (key: string): string[] | undefined => {
    const v = raw[key];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || !v.every((x) => typeof x === "string"))
      throw invalidParameter(`properties.scope.${key} must be an array of strings.`);
    return v;
  };
  const include = list("include");
  const exclude = list("exclude");
  return { ...(include && { include }), ...(exclude && { exclude }) };
}

function integerIn(props: Record<string, unknown>, key: keyof typeof LIMITS): number {
  const { min, max, default: fallback } = LIMITS[key];
  const v = props[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw invalidParameter(
      `properties.${key} must be an integer from ${min} to ${max}; got ${JSON.stringify(v)}.`,
    );
  }
  return v;
}

function stringAt(raw: Record<string, unknown>, key: string): string | undefined {
  const v = raw[key];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string")
    throw invalidParameter(`properties.storageLocation.${key} must be a string.`);
  return v;
}

function objectAt(
  value: unknown,
  at: string,
  required: boolean,
): Record<string, unknown> | undefined {
  if (value === undefined || value === null) {
    if (required) throw invalidParameter(`${at} is required.`);
    return undefined;
  }
  if (!isObject(value)) throw invalidParameter(`${at} must be an object.`);
  return value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
