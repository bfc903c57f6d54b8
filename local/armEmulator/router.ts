// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Path templates matched segment by segment. Literal segments compare case-insensitively, as ARM does;
 * `{name}` segments capture the percent-decoded value (the SDK encodes names, e.g. `a/b` → `a%2Fb`).
 */
import type { ArmResponse } from "./armHttp";

export interface RequestContext {
  params: Readonly<Record<string, string>>;
  /** The request path as received (percent-encoded). */
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** `https://127.0.0.1:PORT`, for absolute URLs in headers and nextLinks. */
  baseUrl: string;
}

export type Handler = (ctx: RequestContext) => Promise<ArmResponse> | ArmResponse;

export interface Route {
  method: string;
  segments: readonly string[];
  /** The spec's operationId; faults select requests by it. */
  operation: string;
  handler: Handler;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export function route(
  method: string,
  template: string,
  operation: string,
  handler: Handler,
): Route {
  return { method, segments: splitPath(template), operation, handler };
}

export function splitPath(pathname: string): string[] {
  return pathname.split("/").filter((s) => s.length > 0);
}

/** Undefined when no route has this path; `methodNotAllowed` when the path exists for other methods. */
export function matchRoute(
  routes: readonly Route[],
  method: string,
  rawSegments: readonly string[],
): RouteMatch | "methodNotAllowed" | undefined {
  const segments = rawSegments.map(safeDecode);
  let pathMatched = false;
  for (const candidate of routes) {
    const params = matchSegments(candidate.segments, segments);
    if (!params) continue;
    if (candidate.method === method) return { route: candidate, params };
    pathMatched = true;
  }
  return pathMatched ? "methodNotAllowed" : undefined;
}

function matchSegments(
  template: readonly string[],
  actual: readonly (string | undefined)[],
): Record<string, string> | undefined {
  if (template.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i] as string;
    const a = actual[i];
    if (a === undefined) return undefined;
    if (t.startsWith("{") && t.endsWith("}")) params[t.slice(1, -1)] = a;
    else if (t.toLowerCase() !== a.toLowerCase()) return undefined;
  }
  return params;
}

function safeDecode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
