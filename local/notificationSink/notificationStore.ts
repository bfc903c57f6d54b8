// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Received notifications, kept in memory and appended to `<dir>/notifications.jsonl` (one JSON object
 * a line), reloaded on start so idempotency survives a sink restart. Waiters are woken on each new one.
 */
import { appendFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";

export type Channel = "generic" | "teams" | "slack";

export interface StoredNotification {
  seq: number;
  channel: Channel;
  receivedAt: string;
  /** The headers worth asserting on; never the signature itself. */
  headers: { "content-type"?: string; "idempotency-key"?: string; "user-agent"?: string };
  /** True when an HMAC signature was required and verified (generic channel). */
  signatureVerified: boolean;
  body: unknown;
}

interface Waiter {
  pred: (n: StoredNotification) => boolean;
  resolve: (n: StoredNotification) => void;
}

export class NotificationStore {
  private readonly items: StoredNotification[] = [];
  private readonly keys = new Map<string, StoredNotification>();
  private readonly waiters = new Set<Waiter>();
  private writes: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string) {}

  static async open(dir: string): Promise<NotificationStore> {
    await mkdir(dir, { recursive: true });
    const store = new NotificationStore(path.join(dir, "notifications.jsonl"));
    const text = await readFile(store.file, "utf8").catch((err: NodeJS.ErrnoException) =>
      err.code === "ENOENT" ? "" : Promise.reject(err),
    );
    for (const line of text.split("\n"))
      if (line.trim()) store.remember(JSON.parse(line) as StoredNotification);
    return store;
  }

  /** The earlier notification stored under this idempotency key on this channel, if any. */
  duplicateOf(channel: Channel, key: string | undefined): StoredNotification | undefined {
    return key === undefined ? undefined : this.keys.get(`${channel}:${key}`);
  }

  async add(entry: Omit<StoredNotification, "seq">): Promise<StoredNotification> {
    const stored: StoredNotification = { seq: this.items.length + 1, ...entry };
    this.remember(stored);
    this.writes = this.writes.then(() => appendFile(this.file, `${JSON.stringify(stored)}\n`));
    await this.writes;
    for (const w of [...this.waiters]) {
      if (w.pred(stored)) {
        this.waiters.delete(w);
        w.resolve(stored);
      }
    }
    return stored;
  }

  all(): StoredNotification[] {
    return [...this.items];
  }

  waitFor(
    pred: (n: StoredNotification) => boolean,
    timeoutMs: number,
  ): Promise<StoredNotification> {
    const existing = this.items.find(pred);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        pred,
        resolve: (n) => {
          clearTimeout(timer);
          resolve(n);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(
          new Error(
            `no matching notification within ${timeoutMs} ms (${this.items.length} received)`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private remember(n: StoredNotification): void {
    this.items.push(n);
    const key = n.headers["idempotency-key"];
    if (key !== undefined) this.keys.set(`${n.channel}:${key}`, n);
  }
}
