// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Spawns the local Functions host as its own process (so it can be SIGKILLed in crash tests)
 * and waits until `/admin/host/status` answers `{ state: "Running" }`.
 */
import { type ChildProcess, fork } from "node:child_process";
import * as path from "node:path";
import type { DevSignIn } from "./easyAuth";
import { generateKey } from "./hostKeys";
import { hostEnv } from "./hostConfig";
import type { HostReadyMessage } from "./main";

export interface StartHostOptions {
  /** Function app directory (holds package.json with the `main` glob, and host.json). */
  appDir: string;
  /** Azure Storage connection string (Azurite's); becomes AzureWebJobsStorage. */
  storageConnectionString: string;
  /** Default 7071; 0 picks a free port. */
  port?: number;
  /** Defaults to host.json's extensions.durableTask.hubName. */
  taskHub?: string;
  clock?: "real" | "skip";
  maxRequestBodyBytes?: number;
  /** Keys to use (e.g. to keep URLs valid across a restart); generated when absent. */
  keys?: { master?: string; function?: string; system?: string };
  /** Extra environment (app settings, NODE_EXTRA_CA_CERTS, …) on top of this process's. */
  env?: Record<string, string>;
  /** Receives the host's log lines (stdout and stderr). Default: this process's stdout. */
  log?: (line: string) => void;
  /** Compiled host entry; default dist/local/host/main.js next to this file. */
  entry?: string;
  readyTimeoutMs?: number;
  /** Emulate App Service Authentication: `/.auth/login/aad` signs browsers in as this user. */
  devSignIn?: DevSignIn;
}

export interface StartedHost {
  url: string;
  masterKey: string;
  functionKey: string;
  systemKey: string;
  /** The durable RPC endpoint (keyless, loopback) the engine serves for DurableClient. */
  rpcBaseUrl: string;
  pid: number;
  /** SIGTERM, then wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL, then wait for exit: a crash. */
  kill(): Promise<void>;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
}

export async function startHost(options: StartHostOptions): Promise<StartedHost> {
  const keys = {
    master: options.keys?.master ?? generateKey(),
    function: options.keys?.function ?? generateKey(),
    system: options.keys?.system ?? generateKey(),
  };
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    ...options.env,
    [hostEnv.appDir]: path.resolve(options.appDir),
    [hostEnv.port]: String(options.port ?? 7071),
    [hostEnv.masterKey]: keys.master,
    [hostEnv.functionKey]: keys.function,
    [hostEnv.systemKey]: keys.system,
    [hostEnv.clock]: options.clock ?? "real",
    [hostEnv.storage]: options.storageConnectionString,
    ...(options.taskHub ? { [hostEnv.taskHub]: options.taskHub } : {}),
    ...(options.devSignIn ? { [hostEnv.devSignIn]: JSON.stringify(options.devSignIn) } : {}),
    ...(options.maxRequestBodyBytes
      ? { [hostEnv.maxRequestBytes]: String(options.maxRequestBodyBytes) }
      : {}),
  };
  delete env.WEBSITE_HOSTNAME;
  // The host sets it when it emulates App Service Authentication (devSignIn), never inherited.
  delete env.WEBSITE_AUTH_ENABLED;
  const child = fork(options.entry ?? path.join(__dirname, "main.js"), [], {
    env,
    execPath: process.execPath,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  pipeLines(child, log);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const ready = await waitForReady(child, exited, options.readyTimeoutMs ?? 60_000);
  await waitForRunning(ready.url, keys.master, options.readyTimeoutMs ?? 60_000);
  // The IPC channel was only for the ready message; a kept channel would keep this process alive.
  child.disconnect();
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    url: ready.url,
    masterKey: keys.master,
    functionKey: keys.function,
    systemKey: keys.system,
    rpcBaseUrl: ready.rpcBaseUrl,
    pid: child.pid ?? -1,
    stop: () => end("SIGTERM"),
    kill: () => end("SIGKILL"),
    exited,
  };
}

function pipeLines(child: ChildProcess, log: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let pending = "";
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) log(line);
    });
    stream?.on("end", () => pending && log(pending));
  }
}

function waitForReady(
  child: ChildProcess,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<HostReadyMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`host did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.on("message", (message: HostReadyMessage) => {
      if (message?.type !== "ready") return;
      clearTimeout(timer);
      resolve(message);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with code ${code} before it was ready`));
    });
  });
}

async function waitForRunning(url: string, masterKey: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    try {
      const response = await fetch(`${url}/admin/host/status`, {
        headers: { "x-functions-key": masterKey },
      });
      if (response.ok && ((await response.json()) as { state?: string }).state === "Running")
        return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(50 * (attempt + 1), 500)));
  }
  throw new Error(`host at ${url} did not report Running within ${timeoutMs} ms`);
}
