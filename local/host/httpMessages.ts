// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Node http messages ⇄ the RPC http shape @azure/functions converts from and to (what the
 * Functions host sends the worker and gets back).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RpcHttpCookie, RpcHttpData } from "./coreTypes";

/** Reads a request body, stopping at `limit` bytes (Azure answers 413 beyond its 100 MB). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | "tooLarge"> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve("tooLarge");
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.resume();
        resolve("tooLarge");
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function toRpcRequest(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  params: Record<string, string>,
): RpcHttpData {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  return {
    method: req.method ?? "GET",
    url: url.href,
    headers,
    query,
    params,
    ...(body.length > 0 ? { body: { bytes: new Uint8Array(body) } } : {}),
  };
}

export function writeRpcResponse(res: ServerResponse, response: RpcHttpData | undefined): number {
  if (!response) {
    res.writeHead(204).end();
    return 204;
  }
  const status = Number(response.statusCode ?? 200) || 200;
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  const cookies = (response.cookies ?? []).map(serializeCookie);
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  const body = response.body?.bytes
    ? Buffer.from(response.body.bytes)
    : typeof response.body?.string === "string"
      ? Buffer.from(response.body.string)
      : undefined;
  res.writeHead(status);
  res.end(body);
  return status;
}

function serializeCookie(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ""}=${cookie.value ?? ""}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  const expires = cookie.expires?.value;
  if (expires?.seconds !== undefined && expires.seconds !== null)
    parts.push(`Expires=${new Date(expires.seconds * 1000).toUTCString()}`);
  if (cookie.maxAge?.value !== undefined && cookie.maxAge.value !== null)
    parts.push(`Max-Age=${cookie.maxAge.value}`);
  if (cookie.secure?.value) parts.push("Secure");
  if (cookie.httpOnly?.value) parts.push("HttpOnly");
  if (cookie.sameSite && cookie.sameSite !== "none")
    parts.push(
      `SameSite=${cookie.sameSite === "explicitNone" ? "None" : cookie.sameSite[0]?.toUpperCase() + cookie.sameSite.slice(1)}`,
    );
  return parts.join("; ");
}

export function writeJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    ...(payload ? { "content-type": "application/json; charset=utf-8" } : {}),
    ...headers,
  });
  res.end(payload);
}
