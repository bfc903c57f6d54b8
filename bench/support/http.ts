/**
 * One HTTP client for every bench and the fuzzer: node:http with a keep-alive agent, raw control
 * over headers and body framing (chunked or Content-Length), a per-request deadline, and the
 * round trip measured around the whole exchange. The same client times the app and the baseline.
 */
import { Agent, request } from "node:http";

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** Send the body with Transfer-Encoding: chunked (no Content-Length). */
  chunked?: boolean;
}

export type RawResponse =
  | { ok: true; status: number; text: string; ms: number; startedAt: number }
  | { ok: false; error: string; ms: number; startedAt: number };

export function loopbackAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

export function send(
  url: string,
  req: RawRequest,
  agent: Agent,
  timeoutMs = 30_000,
): Promise<RawResponse> {
  const startedAt = Date.now();
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  const body =
    req.body === undefined
      ? undefined
      : Buffer.isBuffer(req.body)
        ? req.body
        : Buffer.from(req.body);
  const headers: Record<string, string | number> = { ...req.headers };
  if (body && !req.chunked) headers["content-length"] = body.byteLength;
  return new Promise((resolve) => {
    const settle = (response: RawResponse): void => {
      clearTimeout(timer);
      resolve(response);
    };
    const outgoing = request(url, { method: req.method ?? "POST", headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        settle({
          ok: true,
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString("utf8"),
          ms: elapsed(),
          startedAt,
        }),
      );
      res.on("error", (error) =>
        settle({ ok: false, error: error.message, ms: elapsed(), startedAt }),
      );
    });
    const timer = setTimeout(
      () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    outgoing.on("error", (error) =>
      settle({ ok: false, error: error.message, ms: elapsed(), startedAt }),
    );
    if (body && req.chunked) {
      // A few writes, so the server really sees a chunked stream rather than one chunk.
      const step = Math.max(1, Math.ceil(body.byteLength / 4));
      for (let offset = 0; offset < body.byteLength; offset += step)
        outgoing.write(body.subarray(offset, offset + step));
      outgoing.end();
    } else {
      outgoing.end(body);
    }
  });
}

/** The JSON body of an answer, or undefined when it is not a JSON object. */
export function jsonObject(response: RawResponse): Record<string, unknown> | undefined {
  if (!response.ok) return undefined;
  try {
    const value: unknown = JSON.parse(response.text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
