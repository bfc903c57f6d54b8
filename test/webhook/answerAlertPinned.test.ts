/**
 * The webhook's allow-lists, deduplication and headers, pinned with exact values. The engine here
 * is deliberately permissive — it would start the same instance twice — so deduplication must
 * hold on the webhook's own checks, not on the engine's refusal.
 */
import { answerAlert, type WebhookAnswer } from "../../lib/webhook/answerAlert";
import type { CaptureStarter, InstanceSnapshot } from "../../lib/webhook/captureStarter";
import { readWebhookSettings, type WebhookSettings } from "../../lib/config/appSettings";
import { captureNameFor } from "../../lib/domain/naming";
import type { CaptureRequest } from "../../lib/domain/types";
import { VM_ID, firedCommonAlert } from "../support/fixtures";
import { MemoryMailbox } from "../support/memoryMailbox";

const SUB = "/subscriptions/00000000-0000-0000-0000-000000000001";
const STORAGE = `${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/caps`;
const LISTED = `${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/listed`;
const UNLISTED = `${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/exfil`;
const NOW = new Date("2026-01-01T02:00:00Z");
const STORAGE_REFUSAL =
  "captureStorageAccountId: storage account is neither CAPTURE_STORAGE_ACCOUNT_ID nor in CAPTURE_ALLOWED_STORAGE_ACCOUNT_IDS";

function settings(env: Record<string, string> = {}): WebhookSettings {
  const read = readWebhookSettings({ CAPTURE_STORAGE_ACCOUNT_ID: STORAGE, ...env });
  if (!read.ok) throw new Error(read.message);
  return read.value;
}

/** The key-less status URL a caller may see for an instance. */
const statusUrlOf = (id: string) => `https://app.example/api/captures/${id}`;

/** The one call into the webhook's decision, so its signature is adapted in one place. */
function decide(
  body: unknown,
  appSettings: WebhookSettings,
  engine: PermissiveEngine,
  now = NOW,
): Promise<WebhookAnswer> {
  return answerAlert(body, appSettings, {
    starter: engine,
    mailbox: new MemoryMailbox(),
    now,
    statusUrlOf,
  });
}

/** Starts whatever it is asked to, every time; records each start. */
class PermissiveEngine implements CaptureStarter {
  readonly starts: Array<{ id: string; input: CaptureRequest }> = [];
  /** What status() answers, per call: the first entry first, the last one from then on. */
  statusAnswers: Array<InstanceSnapshot | undefined> = [undefined];
  startError?: Error;
  readonly raised: string[] = [];

  async status(): Promise<InstanceSnapshot | undefined> {
    await Promise.resolve();
    return this.statusAnswers.length > 1 ? this.statusAnswers.shift() : this.statusAnswers[0];
  }
  async start(id: string, input: CaptureRequest): Promise<void> {
    await Promise.resolve();
    if (this.startError) throw this.startError;
    this.starts.push({ id, input });
  }
  async startRecorder(id: string, input: CaptureRequest): Promise<void> {
    await this.start(id, input);
  }
  async raise(id: string, eventName: string): Promise<void> {
    await Promise.resolve();
    this.raised.push(`${eventName} ${id}`);
  }
  async startGroup(): Promise<void> {
    return Promise.reject(new Error("these alerts name one VM: no group"));
  }
}

function engineSeeing(snapshot: InstanceSnapshot | undefined): PermissiveEngine {
  const engine = new PermissiveEngine();
  engine.statusAnswers = [snapshot];
  return engine;
}

describe("allow-lists refuse what is not on them and accept what is", () => {
  const withList = settings({ CAPTURE_ALLOWED_STORAGE_ACCOUNT_IDS: LISTED });

  test("storage allow-list: an unlisted account is refused with 403 and the exact reason", async () => {
    const engine = new PermissiveEngine();
    const answer = await decide(
      firedCommonAlert({ captureStorageAccountId: UNLISTED }),
      withList,
      engine,
    );
    expect(answer).toEqual({ status: 403, body: { error: STORAGE_REFUSAL } });
    expect(engine.starts).toHaveLength(0);
  });

  test("storage allow-list: a listed account (any case) is accepted and carried into the request", async () => {
    const engine = new PermissiveEngine();
    const answer = await decide(
      firedCommonAlert({ captureStorageAccountId: LISTED.toUpperCase() }),
      withList,
      engine,
    );
    expect(answer.status).toBe(202);
    expect(engine.starts.map((s) => s.input.settings.storageAccountId)).toEqual([
      LISTED.toUpperCase(),
    ]);
  });

  test("storage: with no allow-list, only CAPTURE_STORAGE_ACCOUNT_ID is accepted", async () => {
    const engine = new PermissiveEngine();
    const own = await decide(
      firedCommonAlert({ captureStorageAccountId: STORAGE.toLowerCase() }),
      settings(),
      engine,
    );
    expect(own.status).toBe(202);
    const other = await decide(
      firedCommonAlert({ captureStorageAccountId: LISTED }),
      settings(),
      engine,
    );
    expect(other).toEqual({ status: 403, body: { error: STORAGE_REFUSAL } });
    expect(engine.starts).toHaveLength(1);
  });

  test("scopes: a VM inside the one allowed scope is accepted", async () => {
    const engine = new PermissiveEngine();
    const answer = await decide(
      firedCommonAlert(),
      settings({ CAPTURE_ALLOWED_SCOPES: SUB }),
      engine,
    );
    expect(answer.status).toBe(202);
    expect(engine.starts.map((s) => s.input.target.resourceId)).toEqual([VM_ID]);
  });

  test("scopes: with two scopes, a VM in the second scope is accepted", async () => {
    const engine = new PermissiveEngine();
    const answer = await decide(
      firedCommonAlert(),
      settings({
        CAPTURE_ALLOWED_SCOPES: `/subscriptions/00000000-0000-0000-0000-0000000000ff,${SUB}/resourceGroups/pipelinealertrg`,
      }),
      engine,
    );
    expect(answer.status).toBe(202);
    expect(engine.starts).toHaveLength(1);
  });

  test("scopes: a VM outside every scope is refused with 403 naming the target", async () => {
    const engine = new PermissiveEngine();
    const answer = await decide(
      firedCommonAlert(),
      settings({
        CAPTURE_ALLOWED_SCOPES: `/subscriptions/00000000-0000-0000-0000-0000000000ff,${SUB}/resourceGroups/otherrg`,
      }),
      engine,
    );
    expect(answer).toEqual({
      status: 403,
      body: {
        error: `target ${VM_ID} is outside the allowed scopes (CAPTURE_ALLOWED_SCOPES)`,
      },
    });
    expect(engine.starts).toHaveLength(0);
  });
});

describe("deduplication holds without the engine's help", () => {
  test.each(["Pending", "Running", "ContinuedAsNew", "Suspended"])(
    "an instance %s for the target: 200 deduplicated with that status, no start",
    async (runtimeStatus) => {
      const engine = engineSeeing({ runtimeStatus });
      const answer = await decide(firedCommonAlert(), settings(), engine);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ deduplicated: true, runtimeStatus });
      expect(answer.headers).toBeUndefined();
      expect(engine.starts).toHaveLength(0);
      expect(engine.raised).toEqual([]);
    },
  );

  test.each(["Failed", "Terminated", "Canceled"])(
    "an instance %s a minute ago, inside the cooldown: a new capture starts (only Completed cools down)",
    async (runtimeStatus) => {
      const engine = engineSeeing({
        runtimeStatus,
        lastUpdatedTime: new Date(NOW.getTime() - 60_000),
      });
      const answer = await decide(
        firedCommonAlert(),
        settings({ CAPTURE_COOLDOWN_SECONDS: "600" }),
        engine,
      );
      expect(answer.status).toBe(202);
      expect(engine.starts).toHaveLength(1);
    },
  );

  test("cooldown boundary: completed 599 s ago dedups, 600 s ago starts", async () => {
    const cooled = { CAPTURE_COOLDOWN_SECONDS: "600" };
    const completedAgo = (seconds: number) =>
      engineSeeing({
        runtimeStatus: "Completed",
        lastUpdatedTime: new Date(NOW.getTime() - seconds * 1000),
      });
    const inside = completedAgo(599);
    expect(await decide(firedCommonAlert(), settings(cooled), inside, NOW)).toMatchObject({
      status: 200,
      body: { deduplicated: true, runtimeStatus: "Completed" },
    });
    expect(inside.starts).toHaveLength(0);
    const after = completedAgo(600);
    expect((await decide(firedCommonAlert(), settings(cooled), after, NOW)).status).toBe(202);
    expect(after.starts).toHaveLength(1);
  });

  test("no cooldown configured: a capture completed a second ago does not block a new one", async () => {
    const engine = engineSeeing({
      runtimeStatus: "Completed",
      lastUpdatedTime: new Date(NOW.getTime() - 1000),
    });
    expect((await decide(firedCommonAlert(), settings(), engine)).status).toBe(202);
    expect(engine.starts).toHaveLength(1);
  });

  test("no cooldown configured: a Completed instance stamped ahead of our clock does not block", async () => {
    const engine = engineSeeing({
      runtimeStatus: "Completed",
      lastUpdatedTime: new Date(NOW.getTime() + 5000),
    });
    expect((await decide(firedCommonAlert(), settings(), engine)).status).toBe(202);
  });

  test("a completed instance without lastUpdatedTime does not block", async () => {
    const engine = engineSeeing({ runtimeStatus: "Completed" });
    const answer = await decide(
      firedCommonAlert(),
      settings({ CAPTURE_COOLDOWN_SECONDS: "600" }),
      engine,
    );
    expect(answer.status).toBe(202);
  });

  test("start refused because a racing alert started it first: 200 deduplicated with the winner's status", async () => {
    const engine = new PermissiveEngine();
    engine.statusAnswers = [undefined, { runtimeStatus: "Pending" }];
    engine.startError = new Error("409 instance exists");
    const answer = await decide(firedCommonAlert(), settings(), engine);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ deduplicated: true, runtimeStatus: "Pending" });
  });

  test("start refused and nothing active afterwards: 503 retry-later, not a dedup", async () => {
    const engine = new PermissiveEngine();
    engine.statusAnswers = [undefined, { runtimeStatus: "Failed" }];
    engine.startError = new Error("start exploded");
    const answer = await decide(firedCommonAlert(), settings(), engine);
    expect(answer.status).toBe(503);
    expect(answer.headers).toEqual({ "Retry-After": "10" });
    expect(answer.body).toEqual({ error: "the orchestration store is unavailable; retry later" });
  });
});

describe("what a started capture carries", () => {
  test("a payload of no known shape: 400 with the parser's reason as the error", async () => {
    const engine = new PermissiveEngine();
    const answer = await decide({ hello: "world" }, settings(), engine);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: expect.stringMatching(/^unrecognised payload: expected the Common Alert Schema/),
    });
    expect(engine.starts).toHaveLength(0);
  });

  test("202: Location is the instance's key-less status URL, Retry-After is exactly 10 seconds", async () => {
    const engine = new PermissiveEngine();
    const answer = await decide(firedCommonAlert(), settings(), engine);
    const id = engine.starts[0]!.id;
    expect(answer.status).toBe(202);
    expect(answer.headers).toEqual({ Location: statusUrlOf(id), "Retry-After": "10" });
    expect(answer.body.statusQueryGetUri).toBe(statusUrlOf(id));
    expect(answer.body).toMatchObject({ id, target: VM_ID });
  });

  test("engine unavailable: 503 with Retry-After exactly 10 seconds and a body without the cause", async () => {
    const engine = new PermissiveEngine();
    engine.status = () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:10002"));
    const answer = await decide(firedCommonAlert(), settings(), engine);
    expect(answer.status).toBe(503);
    expect(answer.headers).toEqual({ "Retry-After": "10" });
    expect(answer.body).toEqual({ error: "the orchestration store is unavailable; retry later" });
  });

  test("the request: default capture name, status URL without the key, policy from the app settings", async () => {
    const engine = new PermissiveEngine();
    await decide(
      firedCommonAlert(),
      settings({
        CAPTURE_QUOTA_WAIT_SECONDS: "300",
        CAPTURE_QUOTA_RECHECK_SECONDS: "30",
        CAPTURE_DEADLINE_GRACE_SECONDS: "45",
        CAPTURE_SUMMARIZE: "false",
      }),
      engine,
    );
    const [{ id, input }] = engine.starts as [{ id: string; input: CaptureRequest }];
    expect(input.captureName).toBe(captureNameFor(input.target));
    expect(input.statusUrl).toBe(statusUrlOf(id));
    expect(input.policy).toEqual({
      quotaWaitSeconds: 300,
      quotaRecheckSeconds: 30,
      deadlineGraceSeconds: 45,
      summarize: false,
    });
  });
});
