/**
 * Where the ops CLI sends its requests and with which key: `--url/--key`, else `OPS_URL/OPS_KEY`,
 * else the local stack's `.local/endpoints.json` (written by `npm start`). The key travels in the
 * `x-functions-key` header, never in a URL, so it stays out of proxies' logs and error messages.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

export interface Connection {
  baseUrl: string;
  key: string;
  /** Where the settings came from, for error messages. */
  source: string;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

export class UsageError extends Error {}

const REQUEST_TIMEOUT_MS = 120_000;

function findStateDir(): string | undefined {
  if (process.env.LOCAL_STATE_DIR) return process.env.LOCAL_STATE_DIR;
  for (let dir = __dirname, depth = 0; depth < 8; dir = path.dirname(dir), depth++) {
    if (existsSync(path.join(dir, "host.json")) && existsSync(path.join(dir, "package.json")))
      return path.join(dir, ".local");
  }
  return undefined;
}

export function resolveConnection(
  flags: { url?: string; key?: string },
  env: NodeJS.ProcessEnv = process.env,
): Connection {
  let url = flags.url ?? env.OPS_URL;
  let key = flags.key ?? env.OPS_KEY;
  let source = flags.url ? "--url/--key" : env.OPS_URL ? "OPS_URL/OPS_KEY" : "";
  if (!url || !key) {
    const stateDir = findStateDir();
    const file = stateDir && path.join(stateDir, "endpoints.json");
    if (file && existsSync(file)) {
      const endpoints = JSON.parse(readFileSync(file, "utf8")) as {
        functionsUrl?: string;
        masterKey?: string;
      };
      url ??= endpoints.functionsUrl;
      key ??= endpoints.masterKey;
      source ||= file;
    }
  }
  if (!url || !key)
    throw new UsageError(
      "no function app to talk to: pass --url and --key (the master key), set OPS_URL and OPS_KEY, or run `npm start` first",
    );
  if (!/^https?:\/\//i.test(url))
    throw new UsageError(`--url must be an http(s) URL, got '${url}'`);
  return { baseUrl: url.replace(/\/+$/, ""), key, source };
}

export async function request(
  connection: Connection,
  method: string,
  route: string,
  options: { query?: Record<string, string | undefined>; body?: unknown } = {},
): Promise<ApiResponse> {
  const url = new URL(`${connection.baseUrl}/api/ops${route}`);
  for (const [name, value] of Object.entries(options.query ?? {}))
    if (value !== undefined) url.searchParams.set(name, value);
  const headers: Record<string, string> = {
    "x-functions-key": connection.key,
    accept: "application/json",
  };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const cause =
      error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    throw new Error(
      `${method} ${url.origin}${url.pathname} failed${cause || `: ${error instanceof Error ? error.message : String(error)}`}`,
      { cause: error },
    );
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? (JSON.parse(text) as unknown) : null;
  } catch {
    // Not JSON (a proxy's error page): keep the text for the message.
  }
  return { status: response.status, body };
}

/** The API's `{error}` message, or what the response was instead. */
export function errorText(response: ApiResponse): string {
  const body = response.body as { error?: unknown } | null;
  if (body && typeof body === "object" && typeof body.error === "string") return body.error;
  if (response.status === 401) return "unauthorized: the key is not the function app's master key";
  return typeof response.body === "string" && response.body
    ? response.body.slice(0, 300)
    : "no details";
}
