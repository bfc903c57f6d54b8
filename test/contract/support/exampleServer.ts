/**
 * A tiny HTTPS ARM stub for feeding Microsoft's example responses to our production adapters through
 * the real SDK clients. Each test scripts the answers (`answer`); every request is kept (`requests`)
 * so tests can assert what our code sent. TLS material comes from the emulator's own helper, and the
 * CA is trusted through the pipeline's `tlsOptions`, so certificate verification stays on.
 */
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { ComputeManagementClient } from "@azure/arm-compute";
import { NetworkManagementClient } from "@azure/arm-network";
import type { AzureClients } from "../../../lib/azure/clients";
import { ensureTlsMaterial } from "../../../local/armEmulator/tlsMaterial";
import { staticToken } from "../../local/armEmulator/support/clients";

export interface StubRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  body?: unknown;
}

export interface StubAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Returns the answer for a request; undefined → 599, which fails the test loudly. */
export type StubScript = (req: StubRequest, baseUrl: string) => StubAnswer | undefined;

export interface ExampleServer {
  url: string;
  requests: StubRequest[];
  /** Replaces the script and forgets earlier requests. */
  answer(script: StubScript): void;
  /** AzureClients whose ARM clients talk to this stub; blob access is not part of these tests. */
  clients(): AzureClients;
  close(): Promise<void>;
}

const VECTOR_ROOT = path.resolve(__dirname, "../azure-rest-api-specs/specification");

/** Every example file read so far, so a test can prove none of the vendored ones went unused. */
export const examplesRead = new Set<string>();

/** Example files vendored under azure-rest-api-specs/specification, relative to it. */
export function vendoredExamples(): string[] {
  return readdirSync(VECTOR_ROOT, { recursive: true, encoding: "utf8" })
    .filter((f) => f.split(path.sep).includes("examples") && f.endsWith(".json"))
    .map((f) => f.split(path.sep).join("/"))
    .sort();
}

/** The vendored example file at `relPath` under azure-rest-api-specs/specification. */
export function example(relPath: string): {
  responses: Record<string, { body?: unknown; headers?: Record<string, string> }>;
} {
  examplesRead.add(relPath);
  return JSON.parse(readFileSync(path.join(VECTOR_ROOT, relPath), "utf8")) as ReturnType<
    typeof example
  >;
}

export async function startExampleServer(): Promise<ExampleServer> {
  const stateDir = await mkdtemp(path.join(tmpdir(), "arm-examples-"));
  const tls = await ensureTlsMaterial(stateDir);
  const ca = readFileSync(tls.caCertPath, "utf8");
  let script: StubScript = () => undefined;
  const requests: StubRequest[] = [];
  let baseUrl = "";

  const server: Server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const request: StubRequest = {
        method: req.method ?? "GET",
        url: req.url ?? "/",
        ...(text && { body: JSON.parse(text) as unknown }),
      };
      requests.push(request);
      const answer = script(request, baseUrl) ?? {
        status: 599,
        body: { error: { code: "NoScript" } },
      };
      const headers: Record<string, string> = { ...answer.headers };
      if (answer.body !== undefined) headers["content-type"] = "application/json";
      res.writeHead(answer.status, headers);
      res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const options = {
    endpoint: baseUrl,
    tlsOptions: { ca },
    retryOptions: { retryDelayInMs: 20, maxRetryDelayInMs: 100, maxRetries: 2 },
  };
  const unused = (): never => {
    throw new Error("blob access is not part of the ARM examples");
  };
  return {
    url: baseUrl,
    requests,
    answer(next) {
      script = next;
      requests.length = 0;
    },
    clients: () => ({
      network: (sub) => new NetworkManagementClient(staticToken("example-token"), sub, options),
      compute: (sub) => new ComputeManagementClient(staticToken("example-token"), sub, options),
      blob: unused,
      container: unused,
      captureContainer: unused,
      downloadLink: unused,
    }),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
