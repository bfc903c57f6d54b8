// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * A loopback HTTP receiver for the app's notifications.
 *   POST /  or  /notifications   generic JSON, HMAC-signed (`X-Capture-Signature`), deduplicated by `Idempotency-Key`
 *   POST /teams, POST /slack     incoming-webhook look-alikes: unsigned (those services do not sign), answer "1" / "ok"
 *   GET  /notifications[?channel=generic|teams|slack]   everything stored, oldest first
 * Each stored notification is appended to `<dir>/notifications.jsonl` and summarised in one log line.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { redactSecrets } from "../../lib/logging/redact";
import { NotificationStore, type Channel, type StoredNotification } from "./notificationStore";
import { SIGNATURE_HEADER, verifySignature } from "./signature";

export { signatureHeader, verifySignature, SIGNATURE_HEADER } from "./signature";
export type { StoredNotification, Channel } from "./notificationStore";

export interface NotificationSinkOptions {
  /** 0 (default) = any free port. */
  port?: number;
  /** Shared HMAC secret for the generic channel. */
  secret: string;
  /** Where notifications.jsonl lives. */
  dir: string;
  log?: (line: string) => void;
}

export interface NotificationSink {
  /** `http://127.0.0.1:PORT`; the generic channel is this URL itself (or `/notifications`). */
  url: string;
  received(): StoredNotification[];
  /** The first stored notification (already received or still to come) matching `pred`. */
  waitFor(pred: (n: StoredNotification) => boolean, timeoutMs: number): Promise<StoredNotification>;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const CHANNELS: Record<string, Channel> = {
  "/": "generic",
  "/notifications": "generic",
  "/teams": "teams",
  "/slack": "slack",
};
/** What Teams and Slack incoming webhooks answer on success. */
const ACK: Record<Channel, string | undefined> = { generic: undefined, teams: "1", slack: "ok" };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startNotificationSink(
  opts: NotificationSinkOptions,
): Promise<NotificationSink> {
  const log = opts.log ?? (() => undefined);
  const store = await NotificationStore.open(opts.dir);

  const receive = async (
    channel: Channel,
    req: IncomingMessage,
  ): Promise<{ status: number; body: unknown }> => {
    const raw = await readBody(req);
    let verified = false;
    if (channel === "generic") {
      const check = verifySignature(header(req, SIGNATURE_HEADER), raw, opts.secret);
      if (!check.ok) throw new HttpError(401, `invalid signature: ${check.reason}`);
      verified = true;
    }
    const body = parseJson(raw);
    const key = header(req, "idempotency-key");
    const duplicate = store.duplicateOf(channel, key);
    if (duplicate) {
      log(
        `[sink] ${channel} #${duplicate.seq} replayed (Idempotency-Key ${key}); not stored again`,
      );
      return { status: 200, body: ACK[channel] ?? { status: "duplicate", seq: duplicate.seq } };
    }
    const stored = await store.add({
      channel,
      receivedAt: new Date().toISOString(),
      headers: pick(req, ["content-type", "idempotency-key", "user-agent"]),
      signatureVerified: verified,
      body,
    });
    log(`[sink] ${channel} #${stored.seq}: ${summarize(body)}`);
    return { status: 200, body: ACK[channel] ?? { status: "stored", seq: stored.seq } };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    try {
      const channel = CHANNELS[url.pathname];
      if (req.method === "GET" && url.pathname === "/notifications") {
        const only = url.searchParams.get("channel");
        return reply(
          res,
          200,
          store.all().filter((n) => only === null || n.channel === only),
        );
      }
      if (!channel) throw new HttpError(404, `no endpoint ${req.method} ${url.pathname}`);
      if (req.method !== "POST")
        throw new HttpError(405, `${req.method} not allowed on ${url.pathname}`);
      const { status, body } = await receive(channel, req);
      reply(res, status, body);
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      if (status >= 500) log(`[sink] ${req.method} ${url.pathname} failed: ${message}`);
      req.resume();
      reply(res, status, { error: message });
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  log(`[sink] listening on ${url}`);

  return {
    url,
    received: () => store.all(),
    waitFor: (pred, timeoutMs) => store.waitFor(pred, timeoutMs),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new HttpError(400, "body is not JSON");
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function pick(
  req: IncomingMessage,
  names: readonly ("content-type" | "idempotency-key" | "user-agent")[],
): StoredNotification["headers"] {
  const out: StoredNotification["headers"] = {};
  for (const n of names) {
    const v = header(req, n);
    if (v !== undefined) out[n] = v;
  }
  return out;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (typeof body === "string") {
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8" }).end(body);
    return;
  }
  res
    .writeHead(status, { "content-type": "application/json; charset=utf-8" })
    .end(JSON.stringify(body));
}

/** The first human-readable field a notification usually has, else the start of its JSON. */
function summarize(body: unknown): string {
  if (typeof body === "object" && body !== null) {
    const record = body as Record<string, unknown>;
    for (const key of ["summary", "title", "text", "message", "status", "event"]) {
      const v = record[key];
      if (typeof v === "string" && v.trim()) return oneLine(v);
    }
  }
  return oneLine(JSON.stringify(body));
}

/** One line, bounded, with secrets blanked: notifications often carry SAS blob links. */
function oneLine(text: string): string {
  const flat = redactSecrets(text.replace(/\s+/g, " ")).trim();
  return flat.length > 160 ? `${flat.slice(0, 157)}...` : flat;
}
