/**
 * The ops API's answers, independent of the HTTP binding: list, inspect, stop, re-run (one or a
 * window of them) and purge captures through a CaptureStore. Caller mistakes are 400/404/409
 * with a message; a task hub that does not answer is a 503 the caller may retry.
 */
import { ConfigError } from "../config/appSettings";
import { OrchestrationRuntimeStatus } from "durable-functions";
import type { SettingsRead, WebhookSettings } from "../config/appSettings";
import { redactSecrets } from "../logging/redact";
import { CANCEL_EVENT } from "../workflow/policies";
import { OrchestratorNames } from "../workflow/contracts";
import type { CaptureStore } from "./captureStore";
import {
  captureRow,
  matchesTarget,
  reportOf,
  type CaptureRow,
  type InstanceStatus,
  type LinkBase,
} from "./captureView";
import { summarizeHistory } from "./history";
import { pageOf } from "./paging";
import {
  parseBulkRerun,
  parseCaptureQuery,
  parseInstanceId,
  parsePurgeQuery,
  parseStopBody,
  PURGEABLE,
  RERUNNABLE,
  type CaptureQuery,
} from "./queries";
import { rerunInput } from "./rerunInput";

export interface OpsAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface OpsContext {
  store: CaptureStore;
  /** Re-runs are checked against today's allow-lists and limits, as the orchestration will check them. */
  settings: SettingsRead<WebhookSettings>;
  links: LinkBase;
  now: Date;
}

const ACTIVE = new Set<string>([
  OrchestrationRuntimeStatus.Pending,
  OrchestrationRuntimeStatus.Running,
  OrchestrationRuntimeStatus.Suspended,
  OrchestrationRuntimeStatus.ContinuedAsNew,
]);
const STOPPABLE = new Set<string>([
  OrchestrationRuntimeStatus.Pending,
  OrchestrationRuntimeStatus.Running,
]);
const BULK_CONCURRENCY = 4;

function error(status: number, message: string): OpsAnswer {
  return { status, body: { error: message } };
}

function notFound(instanceId: string): OpsAnswer {
  return error(404, `no capture instance '${instanceId}' (never started, or purged)`);
}

/** Backend trouble is not the caller's fault, and not a bug either: say so, and that a retry may work. */
export async function guarded(run: () => Promise<OpsAnswer>): Promise<OpsAnswer> {
  try {
    return await run();
  } catch (cause) {
    if (cause instanceof ConfigError)
      return {
        status: 503,
        headers: { "Retry-After": "60" },
        body: { error: `the function app is misconfigured: ${cause.message}` },
      };
    const detail = redactSecrets(
      (cause instanceof Error ? cause.message : String(cause)).split("\n")[0] ?? "",
    );
    return {
      status: 503,
      headers: { "Retry-After": "10" },
      body: { error: `the durable task hub did not answer: ${detail}` },
    };
  }
}

/** Capture instances created in the query's window, of the asked statuses and target. */
async function selectCaptures(
  store: CaptureStore,
  query: Pick<CaptureQuery, "statuses" | "since" | "until" | "target">,
): Promise<InstanceStatus[]> {
  const all = await store.list({
    createdTimeFrom: query.since,
    ...(query.until && { createdTimeTo: query.until }),
    runtimeStatus: query.statuses,
  });
  const target = query.target;
  return all.filter(
    (s) => s.name === OrchestratorNames.capture && (!target || matchesTarget(s, target)),
  );
}

export interface CaptureList {
  items: CaptureRow[];
  matched: number;
  continuationToken?: string;
  window: { since: string; until?: string };
}

export async function listCaptures(
  ctx: Pick<OpsContext, "store" | "links" | "now">,
  query: CaptureQuery,
): Promise<CaptureList> {
  const page = pageOf(await selectCaptures(ctx.store, query), query.top, query.cursor);
  return {
    items: page.items.map((s) => captureRow(s, ctx.links, ctx.now)),
    matched: page.matched,
    ...(page.continuationToken && { continuationToken: page.continuationToken }),
    window: {
      since: query.since.toISOString(),
      ...(query.until && { until: query.until.toISOString() }),
    },
  };
}

export async function listAnswer(ctx: OpsContext, params: URLSearchParams): Promise<OpsAnswer> {
  const query = parseCaptureQuery(params, ctx.now);
  if (!query.ok) return error(400, query.message);
  return guarded(async () => ({ status: 200, body: await listCaptures(ctx, query.value) }));
}

export async function showAnswer(ctx: OpsContext, id: string | undefined): Promise<OpsAnswer> {
  const instanceId = parseInstanceId(id);
  if (!instanceId.ok) return error(400, instanceId.message);
  return guarded(async () => {
    const found = await ctx.store.inspect(instanceId.value);
    if (!found) return notFound(instanceId.value);
    const { status, history, historyError } = found;
    return {
      status: 200,
      body: {
        ...captureRow(status, ctx.links, ctx.now),
        customStatus: status.customStatus ?? null,
        input: status.input ?? null,
        output: status.output ?? null,
        history: history ? summarizeHistory(history) : null,
        ...(historyError && { historyError }),
        // The alert webhook hands out only a key-less status URL; the keyed URLs are an admin's.
        management: ctx.store.managementUrls(instanceId.value),
      },
    };
  });
}

export async function stopAnswer(
  ctx: OpsContext,
  id: string | undefined,
  body: unknown,
): Promise<OpsAnswer> {
  const instanceId = parseInstanceId(id);
  if (!instanceId.ok) return error(400, instanceId.message);
  const request = parseStopBody(body);
  if (!request.ok) return error(400, request.message);
  return guarded(async () => {
    const status = await ctx.store.get(instanceId.value);
    if (!status || status.name !== OrchestratorNames.capture) return notFound(instanceId.value);
    if (!STOPPABLE.has(status.runtimeStatus))
      return error(
        409,
        `capture '${instanceId.value}' is ${status.runtimeStatus}; only a Pending or Running capture can be stopped`,
      );
    await ctx.store.raise(instanceId.value, CANCEL_EVENT, {
      requestedAt: ctx.now.toISOString(),
      by: "ops",
      ...(request.value.reason && { reason: request.value.reason }),
    });
    return {
      status: 202,
      body: {
        instanceId: instanceId.value,
        event: CANCEL_EVENT,
        previousStatus: status.runtimeStatus,
        message:
          "cancel sent: the capture stops, its partial file is verified and the people are notified",
      },
    };
  });
}

export interface RerunResult {
  instanceId: string;
  /** The HTTP status this instance alone would have had. */
  status: number;
  result: "started" | "refused" | "error";
  previousStatus?: string;
  message?: string;
}

/**
 * Starts the instance again under the same ID with its original input. startNew over an ID
 * whose instance has ended replaces it (host.json `overridableExistingInstanceStates:
 * NonRunningStates`), and the same ID keeps the webhook's one-capture-per-target dedup and the
 * notification's re-run command pointing at it. v3's DurableClient has no restart().
 */
async function rerunOne(
  { store, settings }: OpsContext,
  status: InstanceStatus,
): Promise<RerunResult> {
  const { instanceId, runtimeStatus } = status;
  if (!(RERUNNABLE as readonly string[]).includes(runtimeStatus)) {
    const why = ACTIVE.has(runtimeStatus)
      ? "it is still active; stop it first or wait"
      : "only Failed or Terminated captures are re-run";
    return {
      instanceId,
      status: 409,
      result: "refused",
      previousStatus: runtimeStatus,
      message: `capture is ${runtimeStatus}: ${why}`,
    };
  }
  const input = rerunInput(status, settings);
  if (!input.ok)
    return {
      instanceId,
      status: 422,
      result: "refused",
      previousStatus: runtimeStatus,
      message: input.message,
    };
  try {
    await store.start(instanceId, input.request);
  } catch (cause) {
    // Between our read and the start, an alert for the same target may have started it: the engine refuses.
    const now = await store.get(instanceId);
    if (now && ACTIVE.has(now.runtimeStatus))
      return {
        instanceId,
        status: 409,
        result: "refused",
        previousStatus: runtimeStatus,
        message: `capture became ${now.runtimeStatus} meanwhile (an alert for the same target?)`,
      };
    throw cause;
  }
  return { instanceId, status: 202, result: "started", previousStatus: runtimeStatus };
}

export async function rerunAnswer(ctx: OpsContext, id: string | undefined): Promise<OpsAnswer> {
  const instanceId = parseInstanceId(id);
  if (!instanceId.ok) return error(400, instanceId.message);
  return guarded(async () => {
    const status = await ctx.store.get(instanceId.value);
    if (!status || status.name !== OrchestratorNames.capture) return notFound(instanceId.value);
    const result = await rerunOne(ctx, status);
    if (result.status !== 202)
      return error(result.status, `${instanceId.value}: ${result.message}`);
    return {
      status: 202,
      body: { ...result, statusUrl: captureRow(status, ctx.links, ctx.now).links.status },
    };
  });
}

async function settle(ctx: OpsContext, row: InstanceStatus): Promise<RerunResult> {
  try {
    // List answers may leave the input out; read the instance itself before giving up on it.
    const full = rerunInput(row, ctx.settings).ok
      ? row
      : ((await ctx.store.get(row.instanceId)) ?? row);
    return await rerunOne(ctx, full);
  } catch (cause) {
    return {
      instanceId: row.instanceId,
      status: 503,
      result: "error",
      previousStatus: row.runtimeStatus,
      message: (cause instanceof Error ? cause.message : String(cause)).split("\n")[0],
    };
  }
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the input order in the results. */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function bulkRerunAnswer(ctx: OpsContext, body: unknown): Promise<OpsAnswer> {
  const request = parseBulkRerun(body, ctx.now);
  if (!request.ok) return error(400, request.message);
  return guarded(async () => {
    const { statuses, since, until, target, max } = request.value;
    const matched = pageOf(
      await selectCaptures(ctx.store, { statuses, since, until, target }),
      Number.MAX_SAFE_INTEGER,
    ).items;
    // Oldest first: the capture that has waited longest gets its re-run first.
    const chosen = matched.slice(0, max).reverse();
    const results = await mapLimited(chosen, BULK_CONCURRENCY, (row) => settle(ctx, row));
    return {
      status: 200,
      body: {
        matched: matched.length,
        attempted: results.length,
        started: results.filter((r) => r.result === "started").length,
        truncated: matched.length > chosen.length,
        results,
      },
    };
  });
}

export async function purgeAnswer(ctx: OpsContext, params: URLSearchParams): Promise<OpsAnswer> {
  const query = parsePurgeQuery(params);
  if (!query.ok) return error(400, query.message);
  return guarded(async () => {
    const createdBefore = new Date(ctx.now.getTime() - query.value.olderThanDays * 86_400_000);
    // The extension needs a lower bound; the epoch is before any task hub existed.
    const deleted = await ctx.store.purge({
      createdTimeFrom: new Date(0),
      createdTimeTo: createdBefore,
      runtimeStatus: PURGEABLE,
    });
    return {
      status: 200,
      body: {
        instancesDeleted: deleted,
        createdBefore: createdBefore.toISOString(),
        statuses: PURGEABLE,
      },
    };
  });
}

/** The blob URL of a completed capture's file, for the caller to sign; answers 404 when there is none. */
export async function captureFileAnswer(
  ctx: OpsContext,
  id: string | undefined,
  kind: string | undefined,
  sign: (blobUrl: string) => Promise<string>,
): Promise<OpsAnswer> {
  const instanceId = parseInstanceId(id);
  if (!instanceId.ok) return error(400, instanceId.message);
  if (kind !== "capture" && kind !== "summary")
    return error(404, `no file kind '${String(kind).slice(0, 40)}'; use capture or summary`);
  return guarded(async () => {
    const status = await ctx.store.get(instanceId.value);
    if (!status || status.name !== OrchestratorNames.capture) return notFound(instanceId.value);
    const report = status.runtimeStatus === "Completed" ? reportOf(status) : undefined;
    const blobUrl = kind === "capture" ? report?.blob?.storagePath : report?.summary?.summaryPath;
    if (!blobUrl)
      return error(
        404,
        `capture '${instanceId.value}' (${status.runtimeStatus}) has no ${kind} file`,
      );
    let link: string;
    try {
      link = await sign(blobUrl);
    } catch (cause) {
      if (cause instanceof ConfigError) throw cause;
      return error(
        502,
        `no download link for the ${kind} file: ${(cause instanceof Error ? cause.message : String(cause)).split("\n")[0]}`,
      );
    }
    return { status: 302, body: null, headers: { Location: link, "Cache-Control": "no-store" } };
  });
}
