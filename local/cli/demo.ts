// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * `npm run demo`: the 2 a.m. story on loopback. Uses the stack `npm start` is running (per
 * .local/endpoints.json) or starts its own, makes TCP traffic, posts a real Common Alert Schema
 * alert for a VM, shows the orchestration's progress, and ends with where the .cap is and what
 * the on-call notification said. Exits non-zero if any step fails.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { BlobClient, BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { redactSecrets } from "../../lib/logging/redact";
import type { CaptureReport } from "../../lib/workflow/contracts";
import {
  LOCAL_SUBSCRIPTION,
  PROJECT_ROOT,
  readEndpoints,
  startStack,
  writeEndpoints,
  type Endpoints,
  type Stack,
} from "../stack";

const CAPTURE_SECONDS = Number(process.env.DEMO_CAPTURE_SECONDS ?? 20);
const TIMEOUT_MS = (CAPTURE_SECONDS + 120) * 1000;
const stateDir = process.env.LOCAL_STATE_DIR ?? path.join(PROJECT_ROOT, ".local");

function step(text: string): void {
  process.stdout.write(`\n▶ ${text}\n`);
}

async function runningStack(): Promise<Endpoints | undefined> {
  try {
    const endpoints = readEndpoints(stateDir);
    const response = await fetch(`${endpoints.functionsUrl}/admin/host/status`, {
      headers: { "x-functions-key": endpoints.masterKey },
      signal: AbortSignal.timeout(2000),
    });
    return response.ok ? endpoints : undefined;
  } catch {
    return undefined;
  }
}

/** A chatty TCP client and echo server on loopback: the "far more TCP segments than usual". */
async function makeTraffic(): Promise<{ port: number; stop(): void }> {
  const server = createServer((socket) => socket.on("data", (d) => socket.write(d)));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const client = createConnection({ host: "127.0.0.1", port });
  client.on("data", () => undefined);
  let n = 0;
  const timer = setInterval(() => client.write(`segment ${++n}\n`), 20);
  return { port, stop: () => (clearInterval(timer), client.destroy(), server.close()) };
}

function alert(vmId: string, port: number): unknown {
  const body = JSON.parse(
    readFileSync(
      path.join(PROJECT_ROOT, "test", "fixtures", "common-schema-metric-alert.json"),
      "utf8",
    ),
  ) as {
    data: {
      essentials: Record<string, unknown>;
      alertContext: { condition: { allOf: Array<Record<string, unknown>> } };
      customProperties: unknown;
    };
  };
  body.data.essentials.monitorCondition = "Fired";
  body.data.essentials.alertRule = "demo-tcp-segments-sent";
  body.data.essentials.firedDateTime = new Date().toISOString();
  body.data.essentials.alertTargetIDs = [vmId.toLowerCase()];
  body.data.alertContext.condition.allOf[0]!.metricName = "Network Out Total";
  body.data.customProperties = {
    captureTimeLimitSeconds: String(CAPTURE_SECONDS),
    captureFilters: JSON.stringify([{ protocol: "TCP", localPort: String(port) }]),
  };
  return body;
}

async function waitWithProgress(
  statusUrl: string,
  functionKey: string,
): Promise<{ runtimeStatus: string; output: unknown }> {
  const deadline = Date.now() + TIMEOUT_MS;
  let last = "";
  while (Date.now() < deadline) {
    // The webhook's status URL carries no key: the function key goes in the header.
    const response = await fetch(statusUrl, { headers: { "x-functions-key": functionKey } });
    const status = (await response.json()) as {
      runtimeStatus: string;
      output: unknown;
      customStatus?: { phase?: string; polls?: number; lastStatus?: string; expectedEnd?: string };
    };
    const c = status.customStatus ?? {};
    const line = `${status.runtimeStatus} · ${c.phase ?? "…"}${c.polls ? ` · ${c.polls} status polls (last: ${c.lastStatus})` : ""}${c.expectedEnd && c.phase === "capturing" ? ` · ends ${c.expectedEnd}` : ""}`;
    if (line !== last)
      process.stdout.write(`  ${new Date().toISOString().slice(11, 19)}  ${line}\n`);
    last = line;
    if (["Completed", "Failed", "Terminated"].includes(status.runtimeStatus)) return status;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`the capture did not finish within ${TIMEOUT_MS / 1000} s`);
}

async function main(): Promise<void> {
  let own: Stack | undefined;
  let endpoints = await runningStack();
  if (endpoints) step(`using the stack npm start is running (${endpoints.functionsUrl})`);
  else {
    step("starting the local stack (Azurite, ARM emulator, notification sink, Functions host)…");
    own = await startStack({ stateDir, log: () => undefined });
    endpoints = own.endpoints;
    writeEndpoints(stateDir, endpoints);
  }
  const traffic = await makeTraffic();
  try {
    const vmId = `/subscriptions/${LOCAL_SUBSCRIPTION}/resourceGroups/demo-rg/providers/Microsoft.Compute/virtualMachines/web-${Date.now().toString(36)}`;
    step(
      `TCP traffic on 127.0.0.1:${traffic.port}; Azure Monitor fires for ${path.basename(vmId)} (Common Alert Schema)`,
    );
    const response = await fetch(endpoints.webhookUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(alert(vmId, traffic.port)),
    });
    const accepted = (await response.json()) as {
      id?: string;
      statusQueryGetUri?: string;
      error?: string;
    };
    if (response.status !== 202 || !accepted.statusQueryGetUri)
      throw new Error(
        `webhook answered ${response.status}: ${accepted.error ?? JSON.stringify(accepted)}`,
      );
    process.stdout.write(`  202 Accepted → instance ${accepted.id}\n`);

    step(`capturing for ${CAPTURE_SECONDS} s; progress from the durable status URL:`);
    const end = await waitWithProgress(accepted.statusQueryGetUri, endpoints.functionKey);
    const report = end.output as CaptureReport;
    if (end.runtimeStatus !== "Completed" || !report.blob)
      throw new Error(`capture ended ${end.runtimeStatus}: ${JSON.stringify(end.output)}`);

    step("checking the .cap with tshark");
    const credential = BlobServiceClient.fromConnectionString(endpoints.storageConnectionString)
      .credential as StorageSharedKeyCredential;
    const file = path.join(mkdtempSync(path.join(tmpdir(), "demo-")), "capture.cap");
    writeFileSync(
      file,
      await new BlobClient(report.blob.storagePath, credential).downloadToBuffer(),
    );
    const packets = execFileSync("tshark", ["-r", file, "-q", "-z", "io,phs"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    process.stdout.write(
      packets
        .split("\n")
        .filter((l) => /frame|tcp|ip/.test(l))
        .slice(0, 4)
        .map((l) => `  ${l.trim()}`)
        .join("\n") + "\n",
    );

    const notifications = (await (
      await fetch(`${endpoints.sinkUrl}/notifications`)
    ).json()) as Array<{
      channel: string;
      signatureVerified: boolean;
      body: { instanceId?: string; title?: string; highlights?: string[] };
    }>;
    const notice = notifications.find(
      (n) => n.channel === "generic" && n.body.instanceId === accepted.id,
    );
    if (!notice) throw new Error("no notification reached the sink");

    step("done");
    process.stdout.write(
      [
        `  .cap blob      ${report.blob.storagePath} (${report.blob.sizeBytes} bytes, ${report.blob.format})`,
        `  status URL     ${redactSecrets(accepted.statusQueryGetUri)}`,
        `  notification   ${notice.body.title} (signature ${notice.signatureVerified ? "verified" : "NOT verified"})`,
        ...(notice.body.highlights ?? []).map((h) => `                 ${h}`),
        "",
      ].join("\n"),
    );
  } finally {
    traffic.stop();
    await own?.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `\ndemo failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
