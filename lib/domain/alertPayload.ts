/**
 * Turns whatever Azure Monitor (or an operator) posted into a capture target, or a reason not to
 * capture. Recognised by content, because one webhook URL may be wired to action groups with the
 * common schema on or off, and to retired classic rules:
 *   - Common Alert Schema (any signal type)
 *   - non-common metric alert (`schemaId: AzureMonitorMetricAlert`)
 *   - classic metric alert (`status` + `context`, optionally wrapped in `RequestBody`)
 *   - a direct request with the Microsoft article's fields, for manual use
 */
import { z } from "zod";
import { armSegmentProblem, parseCaptureTarget, type ArmSegment } from "./armId";
import type { AlertInfo, CaptureTarget, WatcherRef } from "./types";
import { firstIssue } from "./zodIssue";

export type AlertParseResult =
  | {
      kind: "capture";
      target: CaptureTarget;
      alert: AlertInfo;
      /** Capture overrides, keyed as docs/design.md names them (captureTimeLimitSeconds, …). */
      overrides: Record<string, unknown>;
      /** A multi-resource alert's other VM targets (capture groups). */
      otherTargets?: CaptureTarget[];
      /** Only a direct request may name its watcher (the webhook checks it against the scopes); alerts leave it to discovery. */
      watcher?: WatcherRef;
    }
  | { kind: "ignored"; reason: string }
  | { kind: "rejected"; status: 400 | 422; message: string };

const looseRecord = z.record(z.string(), z.unknown());
const propertyBag = looseRecord.nullish();

// The schemaId picked the shape (parseBySchemaId); the shapes check the rest.
const commonSchema = z.object({
  data: z.object({
    essentials: z.object({
      alertTargetIDs: z.array(z.string()).default([]),
      monitorCondition: z.string().optional(),
      alertRule: z.string().optional(),
      severity: z.string().optional(),
      signalType: z.string().optional(),
      firedDateTime: z.string().optional(),
      alertId: z.string().optional(),
      description: z.string().nullish(),
    }),
    alertContext: looseRecord.nullish(),
    customProperties: propertyBag,
  }),
});

const metricContext = z.object({
  resourceId: z.string().optional(),
  name: z.string().optional(),
  id: z.string().optional(),
  description: z.string().nullish(),
  severity: z.string().optional(),
  timestamp: z.string().optional(),
});

const nonCommonSchema = z.object({
  data: z.object({ status: z.string(), context: metricContext, properties: propertyBag }),
});

const classicSchema = z.object({
  status: z.string(),
  context: metricContext,
  properties: propertyBag,
});

const scalar = z.union([z.string(), z.number()]);
const directSchema = z.object({
  targetVM: z.string(),
  subscriptionId: z.string().optional(),
  networkWatcherResourceGroup: z.string().optional(),
  networkWatcherName: z.string().optional(),
  packetCaptureName: z.string().optional(),
  storageID: z.string().optional(),
  timeLimit: scalar.optional(),
});

const INACTIVE_CONDITIONS = new Set(["resolved", "deactivated"]);

export function parseAlertPayload(body: unknown): AlertParseResult {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { kind: "rejected", status: 400, message: "the body must be a JSON object" };
  }
  const record = body as Record<string, unknown>;
  if (typeof record.schemaId === "string") return parseBySchemaId(record);
  if ("targetVM" in record) return parseDirect(record);
  const wrapped =
    typeof record.RequestBody === "object" && record.RequestBody !== null
      ? record.RequestBody
      : record;
  if (
    typeof wrapped === "object" &&
    wrapped !== null &&
    "context" in wrapped &&
    "status" in wrapped
  ) {
    return parseClassic(wrapped);
  }
  return {
    kind: "rejected",
    status: 400,
    message:
      "unrecognised payload: expected the Common Alert Schema (schemaId azureMonitorCommonAlertSchema), " +
      "a metric alert (schemaId AzureMonitorMetricAlert), a classic metric alert (status and context) " +
      "or a direct request (targetVM, storageID, …)",
  };
}

function parseBySchemaId(record: Record<string, unknown>): AlertParseResult {
  const schemaId = String(record.schemaId);
  if (/^azureMonitorCommonAlertSchema$/i.test(schemaId)) return parseCommon(record);
  if (/^AzureMonitorMetricAlert$/i.test(schemaId)) return parseNonCommon(record);
  return {
    kind: "rejected",
    status: 400,
    message: `unsupported schemaId "${schemaId.slice(0, 80)}"`,
  };
}

function parseCommon(record: unknown): AlertParseResult {
  const parsed = commonSchema.safeParse(record);
  if (!parsed.success) return malformed("Common Alert Schema", parsed.error);
  const { essentials, alertContext, customProperties } = parsed.data.data;
  const alert: AlertInfo = {
    schema: "common",
    ruleName: essentials.alertRule,
    severity: essentials.severity,
    signalType: essentials.signalType,
    firedAt: essentials.firedDateTime,
    alertId: essentials.alertId,
    description: essentials.description ?? undefined,
  };
  if (
    essentials.monitorCondition &&
    INACTIVE_CONDITIONS.has(essentials.monitorCondition.toLowerCase())
  ) {
    return {
      kind: "ignored",
      reason: `alert is ${essentials.monitorCondition}; captures start only when an alert fires`,
    };
  }
  const candidates = [...essentials.alertTargetIDs, ...dimensionValues(alertContext)];
  const target = firstTarget(candidates);
  if (!target) {
    return notAVm("data.essentials.alertTargetIDs", essentials.alertTargetIDs);
  }
  // Custom properties live in `customProperties`; older rules put them in `alertContext.properties`.
  const overrides = { ...asRecord(alertContext?.properties), ...(customProperties ?? {}) };
  const otherTargets = essentials.alertTargetIDs
    .map((id) => parseCaptureTarget(id))
    .filter((t): t is CaptureTarget => t !== undefined && t.resourceId !== target.resourceId);
  return { kind: "capture", target, alert, overrides, otherTargets };
}

function parseNonCommon(record: unknown): AlertParseResult {
  const parsed = nonCommonSchema.safeParse(record);
  if (!parsed.success) return malformed("AzureMonitorMetricAlert", parsed.error);
  const { status, context, properties } = parsed.data.data;
  return fromMetricContext(
    "nonCommon",
    status,
    context,
    properties ?? {},
    "data.context.resourceId",
  );
}

function parseClassic(record: unknown): AlertParseResult {
  const parsed = classicSchema.safeParse(record);
  if (!parsed.success) return malformed("classic metric alert", parsed.error);
  const { status, context, properties } = parsed.data;
  return fromMetricContext("classic", status, context, properties ?? {}, "context.resourceId");
}

function fromMetricContext(
  schema: "nonCommon" | "classic",
  status: string,
  context: z.infer<typeof metricContext>,
  overrides: Record<string, unknown>,
  field: string,
): AlertParseResult {
  if (INACTIVE_CONDITIONS.has(status.toLowerCase())) {
    return {
      kind: "ignored",
      reason: `alert is ${status}; captures start only when an alert fires`,
    };
  }
  const target = context.resourceId ? parseCaptureTarget(context.resourceId) : undefined;
  if (!target) return notAVm(field, context.resourceId ? [context.resourceId] : []);
  const alert: AlertInfo = {
    schema,
    ruleName: context.name,
    severity: context.severity,
    signalType: "Metric",
    firedAt: context.timestamp,
    alertId: context.id,
    description: context.description ?? undefined,
  };
  return { kind: "capture", target, alert, overrides };
}

function parseDirect(record: unknown): AlertParseResult {
  const parsed = directSchema.safeParse(record);
  if (!parsed.success) return malformed("direct request", parsed.error);
  const direct = parsed.data;
  const problem = directNameProblem(direct);
  if (problem) return { kind: "rejected", status: 422, message: problem };
  const target = parseCaptureTarget(direct.targetVM);
  if (!target) {
    return {
      kind: "rejected",
      status: 422,
      message: "targetVM must be the ARM resource ID of a virtual machine or scale set",
    };
  }
  // A field left out stays undefined, which every reader takes as "not given" (captureParameters).
  const overrides: Record<string, unknown> = {
    captureStorageAccountId: direct.storageID,
    captureTimeLimitSeconds: direct.timeLimit,
  };
  if (!direct.networkWatcherName !== !direct.networkWatcherResourceGroup) {
    return {
      kind: "rejected",
      status: 422,
      message:
        "networkWatcherName and networkWatcherResourceGroup name one watcher: give both or neither",
    };
  }
  const watcher =
    direct.networkWatcherName && direct.networkWatcherResourceGroup
      ? {
          subscriptionId: direct.subscriptionId ?? target.subscriptionId,
          resourceGroup: direct.networkWatcherResourceGroup,
          name: direct.networkWatcherName,
        }
      : undefined;
  // packetCaptureName is checked but not used: the capture is always named after its target
  // (naming.ts), which is what lets a retry, an alert and a re-run adopt the same capture.
  return {
    kind: "capture",
    target,
    alert: { schema: "direct", ruleName: "direct request" },
    overrides,
    watcher,
  };
}

const DIRECT_SEGMENTS: Array<[field: keyof z.infer<typeof directSchema>, segment: ArmSegment]> = [
  ["subscriptionId", "subscription"],
  ["networkWatcherResourceGroup", "resourceGroup"],
  ["networkWatcherName", "networkWatcher"],
  ["packetCaptureName", "packetCapture"],
];

/** Every name a direct request gives goes into an ARM URL: each must be a valid Azure name. */
function directNameProblem(direct: z.infer<typeof directSchema>): string | undefined {
  for (const [field, segment] of DIRECT_SEGMENTS) {
    const value = direct[field];
    if (typeof value !== "string") continue;
    const problem = armSegmentProblem(segment, value);
    if (problem) return `${field}: ${problem}`;
  }
  return undefined;
}

/** Log alerts may name the VM in a dimension (e.g. `_ResourceId`) rather than in the targets. */
function dimensionValues(alertContext: Record<string, unknown> | null | undefined): string[] {
  const condition = asRecord(alertContext?.condition);
  // Stryker disable next-line ArrayDeclaration: a stand-in entry is no criterion (it has no dimensions), so it adds no candidate
  const allOf = Array.isArray(condition.allOf) ? condition.allOf : [];
  return allOf.flatMap((criterion) => {
    const dimensions = asRecord(criterion).dimensions;
    // Stryker disable next-line ArrayDeclaration: a stand-in value is no VM's ARM ID, and a refusal lists alertTargetIDs only
    if (!Array.isArray(dimensions)) return [];
    return dimensions
      .map((d) => asRecord(d).value)
      .filter((v): v is string => typeof v === "string");
  });
}

function firstTarget(ids: string[]): CaptureTarget | undefined {
  for (const id of ids) {
    const target = parseCaptureTarget(id);
    if (target) return target;
  }
  return undefined;
}

function asRecord(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null) return {};
  // Stryker disable next-line ConditionalExpression: an array read as a record has none of the fields asked of it (allOf, dimensions, value, property names)
  return Array.isArray(value) ? {} : (value as Record<string, unknown>);
}

function notAVm(field: string, ids: string[]): AlertParseResult {
  const seen = ids.length
    ? `; got ${ids
        .slice(0, 3)
        .map((id) => JSON.stringify(id.slice(0, 200)))
        .join(", ")}`
    : "; none given";
  return {
    kind: "rejected",
    status: 422,
    message: `${field}: packet capture needs a virtual machine or scale set target${seen}`,
  };
}

function malformed(schema: string, error: z.ZodError): AlertParseResult {
  // Each shape is an object schema and the payload an object by now: the path names a field.
  const { path, message } = firstIssue(error);
  return { kind: "rejected", status: 400, message: `malformed ${schema}: ${path}: ${message}` };
}
