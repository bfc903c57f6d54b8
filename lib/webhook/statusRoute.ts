/**
 * Our read-only status route, `GET /api/captures/{instanceId}/status` (authLevel function, the
 * key in `x-functions-key`): what the webhook hands out instead of the Durable extension's
 * management URLs, which carry the system key and would let anyone holding the alert webhook's
 * function key start, terminate or purge any instance. It answers as the extension's status
 * endpoint does — the same JSON, 202 while the instance runs, 200 once it ended, 404 when there
 * is none — but for capture and flight-recorder instances only, and read-only.
 */
import type { InstanceSnapshot } from "./captureStarter";

export const STATUS_ROUTE = "captures/{instanceId}/status";

const ENDED = new Set(["Completed", "Failed", "Terminated", "Canceled"]);
/** How soon a poller should ask again about a running capture. */
const RETRY_AFTER_SECONDS = "10";

export interface StatusAnswer {
  status: 200 | 202 | 404;
  headers?: Record<string, string>;
  body: unknown;
}

function iso(date: Date | undefined): string | null {
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
}

/** The extension's StatusResponsePayload fields, in its order. */
function payloadOf(snapshot: InstanceSnapshot): Record<string, unknown> {
  return {
    name: snapshot.name ?? null,
    instanceId: snapshot.instanceId ?? null,
    runtimeStatus: snapshot.runtimeStatus,
    input: snapshot.input ?? null,
    customStatus: snapshot.customStatus ?? null,
    output: snapshot.output ?? null,
    createdTime: iso(snapshot.createdTime),
    lastUpdatedTime: iso(snapshot.lastUpdatedTime),
  };
}

/**
 * The answer for one instance. `orchestratorNames` keeps the route to our captures (one-shot and
 * flight recorder): the function key must not become a reader of every orchestration the task
 * hub holds.
 */
export function statusAnswer(
  snapshot: InstanceSnapshot | undefined,
  orchestratorNames: readonly string[],
  selfUrl: string,
): StatusAnswer {
  if (!snapshot || snapshot.name === undefined || !orchestratorNames.includes(snapshot.name))
    return { status: 404, body: { error: "no such capture instance (never started, or purged)" } };
  const body = payloadOf(snapshot);
  if (ENDED.has(snapshot.runtimeStatus)) return { status: 200, body };
  return {
    status: 202,
    headers: { Location: selfUrl, "Retry-After": RETRY_AFTER_SECONDS },
    body,
  };
}
