// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Runs Azurite (the npm dependency) as a child process on loopback, persisting under `dir`, and
 * resolves once its Blob and Table services answer real requests.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { connect, createServer, type AddressInfo } from "node:net";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { TableServiceClient } from "@azure/data-tables";
import { BlobServiceClient } from "@azure/storage-blob";
import { redactSecrets } from "../../lib/logging/redact";

export interface StartAzuriteOptions {
  /** Workspace (created if missing), e.g. `.local/azurite`. */
  dir: string;
  /** 0 = a free port. Defaults 10000 / 10001 / 10002. */
  blobPort?: number;
  queuePort?: number;
  tablePort?: number;
  /** Access log destination file; without it Azurite runs `--silent`. */
  log?: string;
  readyTimeoutMs?: number;
}

export interface RunningAzurite {
  connectionString: string;
  blobEndpoint: string;
  queueEndpoint: string;
  tableEndpoint: string;
  /** The Azurite process (benches account its CPU time). */
  pid: number;
  stop(): Promise<void>;
}

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const devAccount = {
  name: "devstoreaccount1",
  key: "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
};

export async function startAzurite(options: StartAzuriteOptions): Promise<RunningAzurite> {
  mkdirSync(options.dir, { recursive: true });
  const [blobPort, queuePort, tablePort] = await Promise.all([
    portOrFree(options.blobPort ?? 10000),
    portOrFree(options.queuePort ?? 10001),
    portOrFree(options.tablePort ?? 10002),
  ]);
  const cli = path.join(
    path.dirname(require.resolve("azurite/package.json")),
    "dist",
    "src",
    "azurite.js",
  );
  const args = [
    cli,
    "--disableTelemetry",
    "--skipApiVersionCheck",
    "--location",
    options.dir,
    "--blobPort",
    String(blobPort),
    "--queuePort",
    String(queuePort),
    "--tablePort",
    String(tablePort),
    ...(options.log ? [] : ["--silent"]),
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const output = options.log ? createWriteStream(options.log, { flags: "a" }) : undefined;
  let recent = "";
  // Azurite's access log prints request URLs whole, SAS signatures included: redact line by line.
  const flushes = [child.stdout, child.stderr].map((stream) =>
    eachLine(stream, (line) => {
      const safe = `${redactSecrets(line)}\n`;
      if (output && !output.writableEnded) output.write(safe);
      recent = (recent + safe).slice(-2000);
    }),
  );
  // "close", not "exit": only then has the last of Azurite's output been read from its pipes.
  const exited = new Promise<number | null>((resolve) =>
    child.once("close", (code) => resolve(code)),
  );

  const endpoint = (port: number): string => `http://127.0.0.1:${port}/${devAccount.name}`;
  const running: RunningAzurite = {
    blobEndpoint: endpoint(blobPort),
    queueEndpoint: endpoint(queuePort),
    tableEndpoint: endpoint(tablePort),
    pid: child.pid ?? -1,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${devAccount.name};AccountKey=${devAccount.key};` +
      `BlobEndpoint=${endpoint(blobPort)};QueueEndpoint=${endpoint(queuePort)};TableEndpoint=${endpoint(tablePort)};`,
    stop: () =>
      stopChild(child, exited, async () => {
        for (const flush of flushes) flush();
        // Callers read the log right after stop: resolve once it is on disk, not merely queued.
        if (output) await new Promise<void>((resolve) => output.end(resolve));
      }),
  };
  try {
    await waitUntilHealthy(
      running,
      [blobPort, queuePort, tablePort],
      exited,
      options.readyTimeoutMs ?? 30_000,
    );
  } catch (error) {
    await running.stop();
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}; Azurite said: ${recent.trim()}`,
      { cause: error },
    );
  }
  return running;
}

async function waitUntilHealthy(
  azurite: RunningAzurite,
  ports: number[],
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    if (exitCode !== undefined) throw new Error(`Azurite exited with code ${exitCode}`);
    try {
      await Promise.all(ports.map(tcpConnect));
      const options = { allowInsecureConnection: true };
      await TableServiceClient.fromConnectionString(azurite.connectionString, options)
        .listTables()
        .byPage({ maxPageSize: 1 })
        .next();
      await BlobServiceClient.fromConnectionString(azurite.connectionString).getProperties();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * (attempt + 1), 500)));
    }
  }
  throw new Error(
    `Azurite did not become healthy within ${timeoutMs} ms: ${lastError instanceof Error ? lastError.message : String(lastError)}`,
  );
}

function tcpConnect(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.end();
      resolve();
    });
    socket.once("error", reject);
  });
}

/** A free loopback port when `port` is 0 (listen on 0, read it back, release it). */
export function portOrFree(port: number): Promise<number> {
  if (port !== 0) return Promise.resolve(port);
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port: free } = server.address() as AddressInfo;
      server.close(() => resolve(free));
    });
  });
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<number | null>,
  closeLog: () => Promise<void>,
): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
  await closeLog();
}

/** Calls `onLine` per complete line of a text stream; the returned flush hands over a final partial line. */
function eachLine(stream: Readable, onLine: (line: string) => void): () => void {
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  });
  return () => {
    if (pending) onLine(pending);
    pending = "";
  };
}
