/**
 * The shape of a capture request as it reaches the orchestration (and an ops re-run): the
 * webhook builds it, but anyone holding the system key can start the orchestrator directly, so
 * its shape is checked again before anything acts on it. Pure: what depends on app settings
 * (allow-lists, storage) is checked by lib/workflow/requestCheck.
 */
import { z } from "zod";
import { POLICY_LIMITS } from "./orchestrationPolicy";
import type { CaptureRequest } from "./types";
import { firstIssue } from "./zodIssue";

/** Network Watcher child resource names: 1-80 letters, digits, `_`, `.`, `-`, starting with a letter or digit. */
export const CAPTURE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;

const text = z.string().min(1).max(1024);
const between = (range: { min: number; max: number }) =>
  z.number().int().min(range.min).max(range.max);

const captureRequestSchema = z.object({
  target: z.object({
    resourceId: text,
    subscriptionId: text,
    resourceGroup: text,
    name: text,
    kind: z.enum(["virtualMachine", "virtualMachineScaleSet"]),
  }),
  settings: z.object({
    timeLimitInSeconds: z.number(),
    totalBytesPerSession: z.number(),
    bytesToCapturePerPacket: z.number(),
    filters: z.array(z.unknown()),
    storageAccountId: text,
    scope: z.unknown().optional(),
  }),
  alert: z.object({ schema: z.enum(["common", "nonCommon", "classic", "direct"]) }),
  captureName: z.string().regex(CAPTURE_NAME_PATTERN, "must be a Network Watcher capture name"),
  watcher: z.object({ subscriptionId: text, resourceGroup: text, name: text }).optional(),
  statusUrl: z.string().optional(),
  policy: z
    .object({
      quotaWaitSeconds: between(POLICY_LIMITS.quotaWaitSeconds),
      quotaRecheckSeconds: between(POLICY_LIMITS.quotaRecheckSeconds),
      deadlineGraceSeconds: between(POLICY_LIMITS.deadlineGraceSeconds),
      summarize: z.boolean(),
      notify: z.boolean(),
    })
    .partial()
    .optional(),
});

/** A check's verdict on a request (`R`: a capture request or a richer one, e.g. a recorder's). */
export type RequestVerdict<R extends CaptureRequest = CaptureRequest> =
  { ok: true; request: R } | { ok: false; field: string; message: string };

/** Refuses a request naming the field at fault. */
export function refused<R extends CaptureRequest = CaptureRequest>(
  field: string,
  message: string,
): RequestVerdict<R> {
  return { ok: false, field, message: `${field}: ${message}` };
}

/** Refuses a request at zod's first issue: the field at fault, or `input` when it is no object. */
export function refusedAtIssue<R extends CaptureRequest = CaptureRequest>(
  error: z.ZodError,
): RequestVerdict<R> {
  const { path, message } = firstIssue(error);
  return refused<R>(path || "input", message);
}

/** The request, if it has a capture request's shape; otherwise the first field at fault. */
export function parseCaptureRequest(input: unknown): RequestVerdict {
  const parsed = captureRequestSchema.safeParse(input);
  if (!parsed.success) return refusedAtIssue(parsed.error);
  // The original object, not the parsed one: fields the schema does not list (alert details) must survive.
  return { ok: true, request: input as CaptureRequest };
}
