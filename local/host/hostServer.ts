// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * The host's HTTP front door: `/api/*` HTTP triggers (key-authorized, size-limited),
 * `/admin/host/status`, the Durable extension webhooks at `/runtime/webhooks/durabletask/*`, and
 * the local engine's `/admin/durable/stats/{instanceId}`.
 * One log line per request (main.ts redacts keys on the way out).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { DurableEngineHandle } from "../runtimeContracts";
import type { EasyAuth } from "./easyAuth";
import { type HostKeys, authorizes, authorizesSystem, presentedKey } from "./hostKeys";
import { readBody, toRpcRequest, writeJson, writeRpcResponse } from "./httpMessages";
import { findRoute, type HttpFunctionRoute } from "./httpRoutes";
import type { FunctionInvoker } from "./functionInvoker";

export const durableWebhookPath = "/runtime/webhooks/durabletask";

export interface HostServerOptions {
  routes: readonly HttpFunctionRoute[];
  invoker: FunctionInvoker;
  keys: HostKeys;
  maxRequestBodyBytes: number;
  /** Late-bound: the engine starts after the server listens (it needs the port for its URLs). */
  engine: () => DurableEngineHandle | undefined;
  log: (line: string) => void;
  /** App Service Authentication, when the host emulates it. */
  easyAuth?: EasyAuth;
}

interface Outcome {
  status: number;
  detail?: string;
}

export function publicRequestListener(options: HostServerOptions): RequestListener {
  return (req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
    void handlePublic(options, req, res, url)
      .catch((error: unknown): Outcome => {
        if (!res.headersSent) res.writeHead(500).end();
        return { status: 500, detail: error instanceof Error ? error.message : String(error) };
      })
      .then((outcome) => {
        options.log(
          `${req.method} ${url.pathname}${url.search} -> ${outcome.status}${outcome.detail ? ` ${outcome.detail}` : ""} ${Date.now() - started}ms`,
        );
      });
  };
}

/** The keyless loopback endpoint DurableClient calls (the extension's local RPC listener). */
export function rpcRequestListener(
  options: HostServerOptions,
  rpcBasePath: string,
  publicOrigin: () => string,
): RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const run = async (): Promise<void> => {
      const engine = options.engine();
      if (!engine || !url.pathname.startsWith(rpcBasePath))
        return writeJson(res, engine ? 404 : 503, undefined);
      const body = await readBody(req, options.maxRequestBodyBytes);
      if (body === "tooLarge") return writeJson(res, 413, undefined);
      await serveEngine(
        engine,
        req,
        res,
        url,
        url.pathname.slice(rpcBasePath.length - 1),
        body,
        publicOrigin(),
      );
    };
    run().catch((error: unknown) => {
      options.log(
        `durable RPC ${req.method} ${url.pathname} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      if (!res.headersSent) res.writeHead(500).end();
    });
  };
}

async function handlePublic(
  options: HostServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<Outcome> {
  const method = (req.method ?? "GET").toUpperCase();
  const key = presentedKey(req.headers, url.searchParams);
  const path = url.pathname;
  if (options.easyAuth?.serve(req, res, url)) return { status: res.statusCode };
  options.easyAuth?.applyPrincipal(req);

  if (path.toLowerCase() === "/admin/host/status") {
    if (!authorizes("admin", key, options.keys)) return reply(res, 401);
    writeJson(res, 200, {
      id: "local",
      state: options.engine() ? "Running" : "Initialized",
      version: "4.0.0-local",
      processUptime: Math.round(process.uptime() * 1000),
    });
    return { status: 200 };
  }

  // Not an Azure endpoint: the local engine's size counters (history events, activities, timers) for tests and benchmarks.
  const stats = /^\/admin\/durable\/stats\/([^/]+)$/i.exec(path);
  if (stats && method === "GET") {
    if (!authorizes("admin", key, options.keys)) return reply(res, 401);
    const found = await options.engine()?.stats(decodeURIComponent(stats[1] as string));
    if (!found) return reply(res, 404);
    writeJson(res, 200, found);
    return { status: 200 };
  }

  if (path.toLowerCase().startsWith(durableWebhookPath)) {
    if (!authorizesSystem(key, options.keys)) return reply(res, 401);
    const engine = options.engine();
    if (!engine) return reply(res, 503);
    const body = await readBody(req, options.maxRequestBodyBytes);
    if (body === "tooLarge") return reply(res, 413);
    const status = await serveEngine(
      engine,
      req,
      res,
      url,
      path.slice(durableWebhookPath.length),
      body,
      `http://${req.headers.host ?? "127.0.0.1"}`,
    );
    return { status };
  }

  const found = findRoute(options.routes, method, path);
  if (!found) return reply(res, 404);
  const name = found.route.fn.metadata.name;
  if (!authorizes(found.route.authLevel, key, options.keys))
    return { ...reply(res, 401), detail: `function=${name}` };
  const body = await readBody(req, options.maxRequestBodyBytes);
  if (body === "tooLarge") return { ...reply(res, 413), detail: `function=${name}` };
  try {
    const response = await options.invoker.invokeHttp(
      found.route.fn,
      toRpcRequest(req, url, body, found.params),
    );
    const status = writeRpcResponse(res, response);
    const location = response?.headers?.location ?? response?.headers?.Location;
    const instance = location ? /\/instances\/([^/?]+)/.exec(location)?.[1] : undefined;
    return {
      status,
      detail: `function=${name}${instance ? ` instance=${decodeURIComponent(instance)}` : ""}`,
    };
  } catch (error) {
    // Azure answers an unhandled function error with an empty 500.
    return {
      ...reply(res, 500),
      detail: `function=${name} error=${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

async function serveEngine(
  engine: DurableEngineHandle,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string,
  body: Buffer,
  origin: string,
): Promise<number> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers))
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  const answer = await engine.handleHttp({
    method: req.method ?? "GET",
    path,
    fullPath: url.pathname,
    query: url.searchParams,
    headers,
    body,
    origin,
  });
  writeJson(res, answer.status, answer.body, answer.headers);
  return answer.status;
}

function reply(res: ServerResponse, status: number): Outcome {
  res.writeHead(status).end();
  return { status };
}
