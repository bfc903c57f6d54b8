/**
 * The local stack for end-to-end tests: free ports, a throwaway state dir, and the helpers a
 * test needs to act like Azure Monitor (post an alert), like a VM (make traffic) and like ops
 * (read the durable status).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { startStack, type Stack, type StackOptions } from "../../../local/stack";
import { firedCommonAlert } from "../../support/fixtures";

export const SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

export function vmId(name: string, resourceGroup = "prod-rg"): string {
  return `/subscriptions/${SUBSCRIPTION}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines/${name}`;
}

/**
 * A stack for the test file whose emulator inventory holds one scale set `name` with the given
 * instances (each capturing on loopback); the inventory file is removed after the file's tests.
 */
export function useScaleSetStack(
  name: string,
  instanceIds: readonly string[],
): { set: string; stack: () => TestStack } {
  const set = vmId(name).replace("/virtualMachines/", "/virtualMachineScaleSets/");
  const inventoryFile = path.join(tmpdir(), `apc-e2e-${name}-${process.pid}.json`);
  writeFileSync(
    inventoryFile,
    JSON.stringify({
      scaleSets: { [set]: { instances: instanceIds.map((instanceId) => ({ instanceId })) } },
    }),
  );
  afterAll(() => rmSync(inventoryFile, { force: true }));
  return { set, stack: useTestStack({ inventoryFile }) };
}

export interface TestStack extends Stack {
  stateDir: string;
  lines: string[];
  dispose(): Promise<void>;
}

/**
 * The function key of each running stack, by origin: the status URLs the webhook hands out carry
 * no key (the caller sends its function key in `x-functions-key`), so readers look it up here.
 */
const functionKeys = new Map<string, string>();

/** The function key readStatus sends to a stack this module did not start (e.g. a child `npm start`). */
export function useFunctionKey(functionsUrl: string, key: string): void {
  functionKeys.set(new URL(functionsUrl).origin, key);
}

export async function startTestStack(options: Partial<StackOptions> = {}): Promise<TestStack> {
  const stateDir = mkdtempSync(path.join(tmpdir(), "apc-e2e-"));
  const lines: string[] = [];
  const stack = await startStack({
    stateDir,
    ports: { functions: 0, blob: 0, queue: 0, table: 0, arm: 0, sink: 0 },
    log: (source, line) => lines.push(`${source} ${line}`),
    ...options,
  });
  useFunctionKey(stack.endpoints.functionsUrl, stack.endpoints.functionKey);
  return Object.assign(stack, {
    stateDir,
    lines,
    async dispose() {
      await stack.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  });
}

/** One stack for the test file: started before its tests, disposed after. */
export function useTestStack(
  options: Partial<StackOptions> | (() => Partial<StackOptions>) = {},
): () => TestStack {
  let stack: TestStack | undefined;
  beforeAll(async () => {
    stack = await startTestStack(typeof options === "function" ? options() : options);
  });
  afterAll(async () => {
    await stack?.dispose();
  });
  return () => {
    if (!stack) throw new Error("the test stack is not running (did beforeAll fail?)");
    return stack;
  };
}

export async function postAlert(
  stack: Stack,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(stack.endpoints.webhookUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export function alertFor(
  vm: string,
  customProperties: Record<string, string> = {},
): Record<string, unknown> {
  return firedCommonAlert(customProperties, vmId(vm));
}

export interface InstanceStatus {
  runtimeStatus: string;
  output?: unknown;
  customStatus?: unknown;
  historyEvents?: unknown[];
}

/** GETs a key-less status URL the webhook handed out, with the function key in its header. */
export async function readStatus(statusUrl: string): Promise<InstanceStatus> {
  const key = functionKeys.get(new URL(statusUrl).origin) ?? "";
  const response = await fetch(statusUrl, { headers: { "x-functions-key": key } });
  return (await response.json()) as InstanceStatus;
}

/** The Durable HTTP API's status with history (the extension's shape), read with the master key. */
export async function durableHistory(
  stack: Stack,
  instanceId: string,
): Promise<Array<{ EventType: string; FunctionName?: string }>> {
  const url = `${stack.endpoints.durableBaseUrl}/instances/${encodeURIComponent(instanceId)}?showHistory=true`;
  const response = await fetch(url, { headers: { "x-functions-key": stack.endpoints.masterKey } });
  return ((await response.json()) as { historyEvents: Array<{ EventType: string }> }).historyEvents;
}

/** The signed generic-webhook notification of one instance, as the sink received it. */
export function genericNotificationFor(
  stack: Stack,
  instanceId: unknown,
  timeoutMs = 10_000,
): ReturnType<Stack["sink"]["waitFor"]> {
  return stack.sink.waitFor(
    (n) => n.channel === "generic" && (n.body as { instanceId?: string }).instanceId === instanceId,
    timeoutMs,
  );
}

/** Polls the status query URL the webhook returned, as an operator's tooling would. Bounded. */
export async function waitForEnd(statusUrl: string, timeoutMs: number): Promise<InstanceStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: InstanceStatus | undefined;
  while (Date.now() < deadline) {
    last = await readStatus(statusUrl);
    if (["Completed", "Failed", "Terminated"].includes(last.runtimeStatus)) return last;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`instance still ${last?.runtimeStatus ?? "unknown"} after ${timeoutMs} ms`);
}

/** A TCP echo server on loopback and a client that talks to it every `intervalMs` until stopped. */
export async function loopbackTraffic(
  intervalMs = 100,
): Promise<{ port: number; sent(): number; reset(): Promise<void>; stop(): Promise<void> }> {
  // Resets are part of the traffic (see reset()), so the server side expects ECONNRESET.
  const server: Server = createServer((socket) =>
    socket.on("data", (data) => socket.write(data)).on("error", () => undefined),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const client = createConnection({ host: "127.0.0.1", port });
  client.on("data", () => undefined);
  await new Promise<void>((resolve) => client.once("connect", resolve));
  let sent = 0;
  const timer = setInterval(() => {
    client.write(`ping ${++sent}\n`);
  }, intervalMs);
  return {
    port,
    sent: () => sent,
    /** A second connection torn down with a TCP RST, for the triage's TCP-health section. */
    async reset() {
      const victim = createConnection({ host: "127.0.0.1", port });
      await new Promise<void>((resolve) => victim.once("connect", resolve));
      victim.resetAndDestroy();
    },
    async stop() {
      clearInterval(timer);
      client.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
