/**
 * `npm start` survives its own death: the whole stack (Azurite, Functions host, ARM emulator with
 * its tcpdump, sink) is SIGKILLed as one process group mid-capture and started again on the same
 * state dir. The emulator reports the lost agent as Network Watcher would, the packets captured
 * before the kill are uploaded, and the instance completes once, delivered as partial.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Endpoints } from "../../local/stack";
import type { CaptureReport } from "../../lib/workflow/contracts";
import {
  alertFor,
  loopbackTraffic,
  readStatus,
  useFunctionKey,
  waitForEnd,
} from "./support/testStack";

jest.setTimeout(400_000);

const START = path.join(__dirname, "..", "..", "dist", "local", "cli", "start.js");
let stateDir: string;
let stack: ChildProcess | undefined;
let output = "";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `npm start`'s program in its own process group, so one signal reaches every piece. */
async function startStack(ports: Record<string, number>): Promise<Endpoints> {
  const endpointsFile = path.join(stateDir, "endpoints.json");
  rmSync(endpointsFile, { force: true });
  output = "";
  stack = spawn(process.execPath, [START], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LOCAL_STATE_DIR: stateDir, LOCAL_PORTS: JSON.stringify(ports) },
  });
  stack.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  stack.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 180_000;
  while (!output.includes("ready in") || !existsSync(endpointsFile)) {
    if (stack.exitCode !== null) throw new Error(`npm start exited early:\n${output.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`npm start not ready:\n${output.slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return JSON.parse(readFileSync(endpointsFile, "utf8")) as Endpoints;
}

async function killStack(signal: NodeJS.Signals): Promise<void> {
  const child = stack;
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(-child.pid, signal);
  await exited;
  stack = undefined;
}

beforeAll(() => {
  stateDir = mkdtempSync(path.join(tmpdir(), "apc-stack-restart-"));
});
afterAll(async () => {
  await killStack("SIGTERM").catch(() => killStack("SIGKILL"));
  // tcpdump, Azurite and the host die with the group; give them a moment before the dir goes.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  rmSync(stateDir, { recursive: true, force: true });
});

test("SIGKILL of the whole stack mid-capture, restart on the same state: one notification, the partial .cap linked", async () => {
  const names = ["functions", "blob", "queue", "table", "arm", "sink"];
  const ports = Object.fromEntries(
    await Promise.all(names.map(async (n) => [n, await freePort()] as const)),
  );
  let endpoints = await startStack(ports);
  useFunctionKey(endpoints.functionsUrl, endpoints.functionKey);
  const traffic = await loopbackTraffic(50);
  try {
    const accepted = await fetch(endpoints.webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(alertFor("restart-vm", { captureTimeLimitSeconds: "300" })),
    });
    expect(accepted.status).toBe(202);
    const { id, statusQueryGetUri: statusUrl } = (await accepted.json()) as {
      id: string;
      statusQueryGetUri: string;
    };
    // Wait until the capture runs, then a little longer (packets in the file, state flushed).
    const deadline = Date.now() + 90_000;
    for (;;) {
      const status = (await readStatus(statusUrl)) as {
        customStatus?: { phase?: string };
      };
      if (status.customStatus?.phase === "capturing") break;
      if (Date.now() > deadline) throw new Error(`never capturing:\n${output.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await new Promise((resolve) => setTimeout(resolve, 8000));
    await killStack("SIGKILL");

    endpoints = await startStack(ports);
    expect(output).toMatch(/restored \d+ capture\(s\)/);
    const end = await waitForEnd(statusUrl, 180_000);
    expect(end.runtimeStatus).toBe("Completed");
    const report = end.output as CaptureReport;
    expect(report.outcome).toBe("partial");
    expect(report.status).toMatchObject({ status: "Error", errors: ["AgentStopped"] });
    expect(report.blob?.sizeBytes).toBeGreaterThan(24);

    const stored = (await (
      await fetch(`${endpoints.sinkUrl}/notifications?channel=generic`)
    ).json()) as Array<{
      body: { instanceId?: string; outcome?: string; capture?: { downloadUrl?: string } };
    }>;
    const mine = stored.filter((n) => n.body.instanceId === id);
    expect(mine.map((n) => n.body.outcome)).toEqual(["partial"]);
    const link = mine[0]?.body.capture?.downloadUrl;
    expect(link).toEqual(expect.any(String));
    const file = Buffer.from(await (await fetch(link as string)).arrayBuffer());
    expect(file.byteLength).toBe(report.blob?.sizeBytes);
    expect(file.readUInt32LE(0)).toBe(0xa1b2c3d4);
  } finally {
    await traffic.stop();
  }
});
