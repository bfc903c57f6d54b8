// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Opt-in recording of every ARM exchange the emulator answers, one JSON file per exchange, in the
 * request/response-pair format of Microsoft's `oav` traffic validator (`liveRequest`/`liveResponse`),
 * so tests can check the emulator against Azure's published specs. The bearer token is never written.
 *
 * Poll requests (the `Azure-AsyncOperation` and `Location` URLs) are not operations of any RP spec:
 * their file names the operation that handed the URL out (`emulator.lroOf`), so a validator can check
 * a `Location` poll's answer against that operation's responses, as ARM's async protocol defines it.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";

export interface RecordedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: unknown;
}

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** The operation whose LRO a poll belongs to, and which header carried the poll URL. */
export interface LroOrigin {
  url: string;
  method: string;
  operation: string;
  via: "azure-asyncoperation" | "location";
}

/** One exchange as written to disk. */
export interface TrafficFile {
  liveRequest: RecordedRequest;
  liveResponse: { statusCode: string; headers: Record<string, string>; body?: unknown };
  emulator: { operation: string; lroOf?: LroOrigin };
}

export interface TrafficRecorder {
  record(operation: string, request: RecordedRequest, response: RecordedResponse): void;
  /** Resolves once every file recorded so far is on disk. */
  flush(): Promise<void>;
}

/** Poll operations served by operationRoutes.ts. */
const POLL_OPERATIONS = new Set(["AzureAsyncOperation_Get", "OperationResults_Get"]);
/** Request headers that are credentials or connection noise, never written. */
const DROPPED_REQUEST_HEADERS = new Set(["authorization", "cookie", "connection", "host"]);

export function createTrafficRecorder(dir: string): TrafficRecorder {
  mkdirSync(dir, { recursive: true });
  const origins = new Map<string, LroOrigin>();
  const pending = new Set<Promise<void>>();
  // Several emulators (parallel test workers) may record into one directory.
  const recorderId = randomUUID().slice(0, 8);
  let seq = 0;

  return {
    record(operation, request, response) {
      const key = pollKey(request.url);
      const lroOf = POLL_OPERATIONS.has(operation) ? origins.get(key) : undefined;
      if (!POLL_OPERATIONS.has(operation)) rememberPollUrls(origins, operation, request, response);
      const file: TrafficFile = {
        liveRequest: { ...request, headers: withoutCredentials(request.headers) },
        liveResponse: {
          statusCode: String(response.status),
          headers: response.headers,
          ...(response.body !== undefined && { body: response.body }),
        },
        emulator: { operation, ...(lroOf && { lroOf }) },
      };
      const name = `${recorderId}-${String(++seq).padStart(5, "0")}-${operation}.json`;
      const write = writeFile(path.join(dir, name), `${JSON.stringify(file, null, 2)}\n`).finally(
        () => pending.delete(write),
      );
      pending.add(write);
    },
    async flush() {
      await Promise.all([...pending]);
    },
  };
}

function rememberPollUrls(
  origins: Map<string, LroOrigin>,
  operation: string,
  request: RecordedRequest,
  response: RecordedResponse,
): void {
  for (const via of ["azure-asyncoperation", "location"] as const) {
    const url = response.headers[via];
    if (url)
      origins.set(pollKey(url), { url: request.url, method: request.method, operation, via });
  }
}

/** Poll URLs are matched on their path: the query only repeats the api-version. */
function pollKey(url: string): string {
  return new URL(url, "https://emulator.invalid").pathname.toLowerCase();
}

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !DROPPED_REQUEST_HEADERS.has(name.toLowerCase())),
  );
}
