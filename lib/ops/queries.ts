/**
 * What callers of the ops API may ask, validated once at the edge. Every refusal is a 400 with a
 * message naming the parameter; unknown parameters are refused too, so a typo (`stauts=Failed`)
 * cannot silently widen a bulk re-run or a purge.
 */
import { OrchestrationRuntimeStatus } from "durable-functions";
import { z } from "zod";
import { decodeCursor, type Cursor } from "./paging";
import { parseTimePoint } from "./timeWindow";

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const RUNTIME_STATUSES = Object.values(OrchestrationRuntimeStatus);
/** Only these may be re-run: a Completed capture is a result, a running one is still working. */
export const RERUNNABLE = [
  OrchestrationRuntimeStatus.Failed,
  OrchestrationRuntimeStatus.Terminated,
] as const;
/** A purge never touches an instance that may still act (Pending, Running, Suspended, ContinuedAsNew). */
export const PURGEABLE: [OrchestrationRuntimeStatus, ...OrchestrationRuntimeStatus[]] = [
  OrchestrationRuntimeStatus.Completed,
  OrchestrationRuntimeStatus.Failed,
  OrchestrationRuntimeStatus.Terminated,
];

/** Default list window: a week back is what on-call looks at; older needs an explicit `since`. */
const DEFAULT_SINCE_DAYS = 7;
const DEFAULT_TOP = 50;
const MAX_TOP = 500;
const DEFAULT_BULK_MAX = 100;
const MAX_BULK = 200;

/** The host strips nothing: Azure's `code` key parameter reaches the function with the rest. */
const HOST_PARAMETERS = new Set(["code"]);

/**
 * Durable instance IDs are placed in URL paths by DurableClient without encoding, so only a
 * conservative alphabet is accepted (ours are `capture-<vm>-<hash>`; GUIDs fit too).
 */
const instanceIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,255}$/,
    "an instance ID is 1-256 letters, digits and . _ : @ - (starting with a letter or digit)",
  );

export function parseInstanceId(value: string | undefined): Parsed<string> {
  const parsed = instanceIdSchema.safeParse(value ?? "");
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, message: `instance ID: ${firstMessage(parsed.error)}` };
}

function statusList(allowed: readonly OrchestrationRuntimeStatus[]) {
  return z.string().transform((text, ctx) => {
    const result: OrchestrationRuntimeStatus[] = [];
    for (const name of text
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)) {
      const match = allowed.find((s) => s.toLowerCase() === name.toLowerCase());
      if (!match) {
        ctx.addIssue({ code: "custom", message: `'${name}' is not one of ${allowed.join(", ")}` });
        return z.NEVER;
      }
      if (!result.includes(match)) result.push(match);
    }
    return result;
  });
}

function timePoint(now: Date) {
  return z
    .string({ error: "is required: a span back from now (1h, 2d) or an ISO 8601 date/time" })
    .transform((text, ctx) => {
      const parsed = parseTimePoint(text, now);
      if (parsed.ok) return parsed.value;
      ctx.addIssue({ code: "custom", message: parsed.message });
      return z.NEVER;
    });
}

const targetText = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(400, "is longer than an ARM ID can be");

function integer(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

const cursorText = z.string().transform((token, ctx): Cursor => {
  const cursor = decodeCursor(token);
  if (cursor) return cursor;
  ctx.addIssue({ code: "custom", message: "is not a token this API handed out" });
  return z.NEVER;
});

export interface CaptureQuery {
  /** Empty: any status. */
  statuses: OrchestrationRuntimeStatus[];
  target?: string;
  since: Date;
  until?: Date;
  top: number;
  cursor?: Cursor;
}

function listQuerySchema(now: Date) {
  return z
    .object({
      status: statusList(RUNTIME_STATUSES).optional(),
      target: targetText.optional(),
      since: timePoint(now).optional(),
      until: timePoint(now).optional(),
      top: integer(1, MAX_TOP).default(DEFAULT_TOP),
      continuationToken: cursorText.optional(),
    })
    .strict()
    .refine((q) => !q.until || !q.since || q.since < q.until, {
      message: "since must be before until",
      path: ["since"],
    });
}

/** `GET /ops/captures` (and the ops page): status=Failed,Completed&target=…&since=1h&until=…&top=50&continuationToken=… */
export function parseCaptureQuery(params: URLSearchParams, now: Date): Parsed<CaptureQuery> {
  const raw = singleValues(params);
  if (!raw.ok) return raw;
  const parsed = listQuerySchema(now).safeParse(raw.value);
  if (!parsed.success) return { ok: false, message: describeIssues(parsed.error) };
  const q = parsed.data;
  return {
    ok: true,
    value: {
      statuses: q.status ?? [],
      since: q.since ?? defaultSince(now),
      top: q.top,
      ...(q.target && { target: q.target }),
      ...(q.until && { until: q.until }),
      ...(q.continuationToken && { cursor: q.continuationToken }),
    },
  };
}

export interface BulkRerunRequest {
  statuses: OrchestrationRuntimeStatus[];
  target?: string;
  since: Date;
  until?: Date;
  max: number;
}

function bulkRerunSchema(now: Date) {
  const rerunnable = statusList(RERUNNABLE);
  return z
    .object({
      // Accepts "Failed", "Failed,Terminated" or ["Failed", "Terminated"], the way people write JSON by hand.
      status: z.preprocess((v) => (Array.isArray(v) ? v.join(",") : v), rerunnable).optional(),
      target: targetText.optional(),
      // Required: "every failed capture ever" is never what an operator means.
      since: timePoint(now),
      until: timePoint(now).optional(),
      max: z.number().int().min(1).max(MAX_BULK).default(DEFAULT_BULK_MAX),
    })
    .strict()
    .refine((q) => !q.until || q.since < q.until, {
      message: "since must be before until",
      path: ["since"],
    });
}

/** `POST /ops/captures/rerun` body: { status?: "Failed", since: "1h", until?, target?, max? } */
export function parseBulkRerun(body: unknown, now: Date): Parsed<BulkRerunRequest> {
  const parsed = bulkRerunSchema(now).safeParse(body);
  if (!parsed.success) return { ok: false, message: describeIssues(parsed.error) };
  const b = parsed.data;
  const statuses = b.status?.length ? b.status : [OrchestrationRuntimeStatus.Failed];
  return {
    ok: true,
    value: {
      statuses,
      since: b.since,
      max: b.max,
      ...(b.target && { target: b.target }),
      ...(b.until && { until: b.until }),
    },
  };
}

const purgeSchema = z.object({ olderThanDays: integer(0, 3650) }).strict();

/** `DELETE /ops/captures?olderThanDays=N` */
export function parsePurgeQuery(params: URLSearchParams): Parsed<{ olderThanDays: number }> {
  const raw = singleValues(params);
  if (!raw.ok) return raw;
  const parsed = purgeSchema.safeParse(raw.value);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, message: describeIssues(parsed.error) };
}

const stopSchema = z.object({ reason: z.string().trim().min(1).max(500).optional() }).strict();

/** `POST /ops/captures/{id}/stop` optional body: { reason? } — recorded with the cancel event. */
export function parseStopBody(body: unknown): Parsed<{ reason?: string }> {
  const parsed = stopSchema.safeParse(body ?? {});
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, message: describeIssues(parsed.error) };
}

function defaultSince(now: Date): Date {
  return new Date(now.getTime() - DEFAULT_SINCE_DAYS * 86_400_000);
}

/** An empty value is no value: the ops page's form submits `target=` when the box is left empty. */
function singleValues(params: URLSearchParams): Parsed<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const [key, value] of params) {
    if (HOST_PARAMETERS.has(key) || value.trim() === "") continue;
    if (key in values) return { ok: false, message: `${key}: given more than once` };
    values[key] = value;
  }
  return { ok: true, value: values };
}

function firstMessage(error: z.ZodError): string {
  return error.issues[0]?.message ?? "invalid";
}

/** One line per problem, named by parameter: `since: '3 days' is neither …; top: must be at most 500`. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      if (issue.code === "unrecognized_keys")
        return `unknown parameter${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `'${k}'`).join(", ")}`;
      const where = issue.path.length ? `${issue.path.join(".")}: ` : "";
      return `${where}${issue.message}`;
    })
    .join("; ");
}
