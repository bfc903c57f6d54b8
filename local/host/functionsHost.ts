// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Composes the local Functions host in this process: core API shim → app load → HTTP servers
 * (public + durable RPC) → durable engine (which resumes unfinished instances).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { LOCAL_RUNTIME_MARKER } from "../../lib/config/appSettings";
import { DurableEngine } from "../durable/engine";
import { devEasyAuth } from "./easyAuth";
import type { DurableEngineHandle } from "../runtimeContracts";
import { FunctionRegistry, installCoreApi } from "./coreApi";
import type { RpcLogLevel } from "./coreTypes";
import { FunctionInvoker } from "./functionInvoker";
import type { HostConfig } from "./hostConfig";
import { publicRequestListener, rpcRequestListener } from "./hostServer";
import { loadApp } from "./appLoader";
import { compileRoute } from "./httpRoutes";
import { PUBLIC_LISTEN_BACKLOG } from "./listenBacklog";

export interface RunningHost {
  url: string;
  rpcBaseUrl: string;
  engine: DurableEngineHandle;
  stop(): Promise<void>;
}

const rpcBasePath = "/durabletask/";
const quietLevels: ReadonlySet<RpcLogLevel> = new Set(["trace", "debug", "none"]);

export async function runHost(
  config: HostConfig,
  log: (line: string) => void,
): Promise<RunningHost> {
  const registry = new FunctionRegistry();
  installCoreApi(
    registry,
    (level, _category, message) => {
      if (!quietLevels.has(level) && level !== "information") log(`[worker ${level}] ${message}`);
    },
    "4.0.0-local",
  );
  // The marker that lets the app use local-only settings (emulator credential, Azurite keys, http endpoints).
  process.env[LOCAL_RUNTIME_MARKER] = "1";
  // App Service sets this when App Service Authentication is on; the app trusts principal headers only then.
  if (config.devSignIn) process.env.WEBSITE_AUTH_ENABLED = "True";
  const files = await loadApp(config.appDir, registry);

  let engine: DurableEngine | undefined = undefined;
  const invoker = new FunctionInvoker(
    registry,
    (functionName, invocationId, level, category, message) => {
      if (category === "user" && !quietLevels.has(level))
        log(`[${functionName} ${invocationId.slice(0, 8)}] ${message}`);
    },
    (type) =>
      type === "durableClient" || type === "orchestrationClient"
        ? engine?.clientBinding()
        : undefined,
  );
  const routes = registry
    .byTrigger("httpTrigger")
    .map((fn) => compileRoute(fn, config.routePrefix));
  const serverOptions = {
    routes,
    invoker,
    keys: config.keys,
    maxRequestBodyBytes: config.maxRequestBodyBytes,
    engine: () => engine,
    log,
    ...(config.devSignIn && { easyAuth: devEasyAuth(config.devSignIn) }),
  };

  const publicServer = createServer(publicRequestListener(serverOptions));
  const port = await listen(publicServer, config.port, PUBLIC_LISTEN_BACKLOG);
  const url = `http://127.0.0.1:${port}`;
  const rpcServer = createServer(rpcRequestListener(serverOptions, rpcBasePath, () => url));
  const rpcBaseUrl = `http://127.0.0.1:${await listen(rpcServer, 0)}${rpcBasePath}`;
  // As on App Service; durable-functions rewrites client URLs to localhost:7071 when it is unset.
  process.env.WEBSITE_HOSTNAME ??= `127.0.0.1:${port}`;

  const started = new DurableEngine({
    invoker,
    storageConnectionString: config.storageConnectionString,
    taskHub: config.taskHub,
    baseUrl: url,
    rpcBaseUrl,
    systemKey: config.keys.system,
    clock: config.clock,
    maxConcurrentActivities: config.maxConcurrentActivities,
    versioning: config.versioning,
    log,
  });
  await started.start();
  engine = started;
  log(
    `host running at ${url} (task hub ${config.taskHub}, clock ${config.clock}); loaded ${files.length} file(s), functions: ${[...registry.functions.keys()].join(", ")}`,
  );
  for (const route of routes)
    log(
      `  ${route.fn.metadata.name}: [${route.methods?.join(",") ?? "ALL"}] ${url}/${route.template} (${route.authLevel})`,
    );

  return {
    url,
    rpcBaseUrl,
    engine: started,
    async stop() {
      await Promise.all([close(publicServer), close(rpcServer)]);
      await started.stop();
      await registry.runHooks("appTerminate", { hookData: {}, appHookData: registry.appHookData });
    },
  };
}

/** Listens on loopback; `backlog` undefined keeps node's default (511). */
function listen(server: Server, port: number, backlog?: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host: "127.0.0.1", backlog }, () =>
      resolve((server.address() as AddressInfo).port),
    );
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
