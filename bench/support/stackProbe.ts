/**
 * What benches and the fuzzer read back from a running local stack, only through the interfaces
 * an operator has: the Durable HTTP API (system key) for instances, /admin/host/status (master key)
 * for the host, and the host process itself for "did it crash or restart".
 */
import type { Stack } from "../../local/stack";

const PAGE_SIZE = 100;
const MAX_PAGES = 1000;

/** Every orchestration instance in the task hub: instance ID → runtime status. */
export async function listInstances(stack: Stack): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = `${stack.endpoints.durableBaseUrl}/instances?top=${PAGE_SIZE}&code=${encodeURIComponent(stack.host.systemKey)}`;
    const response = await fetch(url, {
      headers: token ? { "x-ms-continuation-token": token } : {},
    });
    if (response.status !== 200) throw new Error(`listing instances answered ${response.status}`);
    for (const status of (await response.json()) as Array<{
      instanceId: string;
      runtimeStatus: string;
    }>)
      found.set(status.instanceId, status.runtimeStatus);
    token = response.headers.get("x-ms-continuation-token") ?? undefined;
    if (!token) return found;
  }
  throw new Error(`more than ${MAX_PAGES * PAGE_SIZE} instances`);
}

export interface HostHealth {
  /** The same process as when the run began, still alive. */
  sameProcess: boolean;
  /** /admin/host/status answered 200 with state Running. */
  running: boolean;
  detail: string;
}

export async function hostHealth(stack: Stack, pidAtStart: number): Promise<HostHealth> {
  const pid = stack.host.pid;
  let alive: boolean;
  try {
    process.kill(pid, 0);
    alive = true;
  } catch {
    alive = false;
  }
  try {
    const response = await fetch(`${stack.endpoints.functionsUrl}/admin/host/status`, {
      headers: { "x-functions-key": stack.host.masterKey },
    });
    const body = (await response.json()) as { state?: string; processUptime?: number };
    const running = response.status === 200 && body.state === "Running";
    return {
      sameProcess: alive && pid === pidAtStart,
      running,
      detail: `pid ${pidAtStart}→${pid} alive=${alive}, status ${response.status} ${body.state ?? "?"}, uptime ${body.processUptime ?? "?"} ms`,
    };
  } catch (error) {
    return {
      sameProcess: alive && pid === pidAtStart,
      running: false,
      detail: `status request failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** Polls `done` every `intervalMs` until it holds or `timeoutMs` passes; resolves whether it held. */
export async function waitUntil(
  done: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 250,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return done();
}
