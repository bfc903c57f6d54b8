// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/** ARM list pages: `{ value, nextLink }` where nextLink is an absolute URL carrying a `$skiptoken`. */
import type { ArmResponse } from "./armHttp";
import type { RequestContext } from "./router";

export function pageOf<T>(
  items: readonly T[],
  ctx: RequestContext,
  pageSize: number,
  toJson: (item: T) => unknown,
): ArmResponse {
  const skip = Math.max(0, Number.parseInt(ctx.query.get("$skiptoken") ?? "0", 10) || 0);
  const value = items.slice(skip, skip + pageSize).map(toJson);
  const body: { value: unknown[]; nextLink?: string } = { value };
  if (skip + pageSize < items.length) {
    const query = new URLSearchParams(ctx.query);
    query.set("$skiptoken", String(skip + pageSize));
    body.nextLink = `${ctx.baseUrl}${ctx.path}?${query.toString()}`;
  }
  return { status: 200, body };
}
