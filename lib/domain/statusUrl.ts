/**
 * Where a capture instance's key-less status lives: our read-only route
 * `GET {routePrefix}/captures/{instanceId}/status` (lib/webhook/statusRoute). Pure URL building,
 * shared by the webhook's answers and the ops views.
 */

/**
 * The key-less status URL of an instance, on the same origin and route prefix as the request
 * that names it (an alert to `/api/alerts` or `/api/alerts/secure`, or the status route itself).
 */
export function statusUrlFor(requestUrl: string, instanceId: string): string {
  const url = new URL(requestUrl);
  const prefix = /^(.*?)\/(?:alerts|captures)(?:\/|$)/i.exec(url.pathname)?.[1] ?? "/api";
  return statusUrlAt(url.origin, prefix, instanceId);
}

/** The status URL under an origin and the host's route prefix (host.json `routePrefix`, `/api`). */
export function statusUrlAt(origin: string, routePrefix: string, instanceId: string): string {
  return `${origin}${routePrefix}/captures/${encodeURIComponent(instanceId)}/status`;
}
