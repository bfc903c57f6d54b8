import type { CaptureRequest } from "../../lib/domain/types";
import type { CaptureStore, InstanceFilter } from "../../lib/ops/captureStore";
import type { InstanceStatus } from "../../lib/ops/captureView";
import {
  bulkRerunAnswer,
  captureFileAnswer,
  listAnswer,
  purgeAnswer,
  rerunAnswer,
  showAnswer,
  stopAnswer,
  type OpsContext,
} from "../../lib/ops/operations";
import { readWebhookSettings } from "../../lib/config/appSettings";
import { captureStatus, STORAGE } from "./support/statuses";

const NOW = new Date("2026-03-10T12:00:30.000Z");
const ACTIVE = ["Pending", "Running"];

/** The task hub as DurableClient shows it, with the engine's one rule that matters here: no start over an active instance. */
class FakeStore implements CaptureStore {
  readonly instances = new Map<string, InstanceStatus>();
  readonly started: Array<{ instanceId: string; input: CaptureRequest }> = [];
  readonly raised: Array<{ instanceId: string; eventName: string; data: unknown }> = [];
  purgedWith?: unknown;
  failWith?: Error;

  add(...statuses: InstanceStatus[]): this {
    for (const s of statuses) this.instances.set(s.instanceId, s);
    return this;
  }
  private check(): void {
    if (this.failWith) throw this.failWith;
  }
  async list(filter: InstanceFilter) {
    this.check();
    return [...this.instances.values()].filter(
      (s) =>
        s.createdTime >= filter.createdTimeFrom &&
        (!filter.createdTimeTo || s.createdTime <= filter.createdTimeTo) &&
        (!filter.runtimeStatus?.length || filter.runtimeStatus.includes(s.runtimeStatus as never)),
    );
  }
  async get(id: string) {
    this.check();
    return this.instances.get(id);
  }
  async status(id: string) {
    return this.get(id);
  }
  async inspect(id: string) {
    const status = await this.get(id);
    return (
      status && {
        status,
        history: [
          {
            EventType: "ExecutionStarted",
            FunctionName: "captureOrchestrator",
            Timestamp: "2026-03-10T12:00:00Z",
          },
        ],
      }
    );
  }
  async startGroup(): Promise<void> {
    return Promise.reject(new Error("the ops API starts no capture group"));
  }
  async start(instanceId: string, input: CaptureRequest) {
    this.check();
    const existing = this.instances.get(instanceId);
    if (existing && ACTIVE.includes(existing.runtimeStatus))
      throw new Error("An instance with ID is already running");
    this.started.push({ instanceId, input });
    this.instances.set(instanceId, {
      ...captureStatus(instanceId, "Pending"),
      input,
      createdTime: NOW,
    });
  }
  async startRecorder(): Promise<void> {
    throw new Error("the capture ops never start a flight recorder");
  }
  async raise(instanceId: string, eventName: string, data: unknown) {
    this.raised.push({ instanceId, eventName, data });
  }
  async purge(filter: Parameters<CaptureStore["purge"]>[0]) {
    this.purgedWith = filter;
    let deleted = 0;
    for (const [id, s] of this.instances) {
      if (
        filter.runtimeStatus.includes(s.runtimeStatus as never) &&
        s.createdTime <= filter.createdTimeTo
      ) {
        this.instances.delete(id);
        deleted++;
      }
    }
    return deleted;
  }
  managementUrls(id: string) {
    const base = `https://app.example.net/runtime/webhooks/durabletask/instances/${id}`;
    return {
      id,
      statusQueryGetUri: `${base}?code=SYSTEMKEY`,
      sendEventPostUri: `${base}/raiseEvent/{eventName}?code=SYSTEMKEY`,
      terminatePostUri: `${base}/terminate?reason={text}&code=SYSTEMKEY`,
      rewindPostUri: `${base}/rewind?code=SYSTEMKEY`,
      purgeHistoryDeleteUri: `${base}?code=SYSTEMKEY`,
      suspendPostUri: `${base}/suspend?code=SYSTEMKEY`,
      resumePostUri: `${base}/resume?code=SYSTEMKEY`,
    };
  }
}

function ctx(store: FakeStore): OpsContext {
  return {
    store,
    settings: readWebhookSettings({ CAPTURE_STORAGE_ACCOUNT_ID: STORAGE }),
    links: { origin: "https://app.example.net", opsPath: "/api/ops" },
    now: NOW,
  };
}

const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

describe("list", () => {
  test("only capture orchestrations, filtered by target, newest first, paged", async () => {
    const store = new FakeStore().add(
      captureStatus("cap-1", "Failed", {}, minutesAgo(30)),
      captureStatus("cap-2", "Completed", {}, minutesAgo(20)),
      captureStatus(
        "cap-3",
        "Failed",
        {
          target: {
            resourceId:
              "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/db01",
            subscriptionId: "s",
            resourceGroup: "rg",
            name: "db01",
            kind: "virtualMachine",
          },
        },
        minutesAgo(10),
      ),
      { ...captureStatus("other", "Failed", {}, minutesAgo(5)), name: "someOtherOrchestrator" },
    );
    const all = await listAnswer(ctx(store), new URLSearchParams("since=1h"));
    expect(all.status).toBe(200);
    expect(
      (all.body as { items: Array<{ instanceId: string }> }).items.map((i) => i.instanceId),
    ).toEqual(["cap-3", "cap-2", "cap-1"]);
    const web = await listAnswer(
      ctx(store),
      new URLSearchParams("since=1h&target=web01&status=Failed"),
    );
    expect(
      (web.body as { items: Array<{ instanceId: string }> }).items.map((i) => i.instanceId),
    ).toEqual(["cap-1"]);
    const first = (await listAnswer(ctx(store), new URLSearchParams("since=1h&top=2"))).body as {
      items: unknown[];
      continuationToken: string;
      matched: number;
    };
    expect(first).toMatchObject({ matched: 3 });
    const second = (
      await listAnswer(
        ctx(store),
        new URLSearchParams(`since=1h&top=2&continuationToken=${first.continuationToken}`),
      )
    ).body as { items: Array<{ instanceId: string }>; continuationToken?: string };
    expect(second.items.map((i) => i.instanceId)).toEqual(["cap-1"]);
    expect(second.continuationToken).toBeUndefined();
  });

  test("caller mistakes are 400; a task hub that does not answer is 503 with Retry-After, never 500", async () => {
    const store = new FakeStore();
    expect(await listAnswer(ctx(store), new URLSearchParams("since=soon"))).toMatchObject({
      status: 400,
    });
    store.failWith = new Error("connect ECONNREFUSED 10.0.0.1:443 https://x/runtime?code=SECRET");
    const down = await listAnswer(ctx(store), new URLSearchParams(""));
    expect(down).toMatchObject({ status: 503, headers: { "Retry-After": "10" } });
    expect(JSON.stringify(down.body)).not.toContain("SECRET");
  });
});

describe("show", () => {
  test("status, input, output and a history summary; 404 unknown; 400 malformed ID", async () => {
    const store = new FakeStore().add(captureStatus("cap-1", "Completed"));
    const shown = await showAnswer(ctx(store), "cap-1");
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      instanceId: "cap-1",
      outcome: "succeeded",
      input: { captureName: "alertcap-web01-abc" },
      output: { outcome: "succeeded" },
      history: { timeline: [{ text: "started captureOrchestrator" }] },
    });
    expect(await showAnswer(ctx(store), "cap-9")).toMatchObject({ status: 404 });
    expect(await showAnswer(ctx(store), "../x")).toMatchObject({ status: 400 });
  });

  test("the Durable management URLs (system key) are handed out here, to admins", async () => {
    const store = new FakeStore().add(captureStatus("cap-1", "Running"));
    const shown = await showAnswer(ctx(store), "cap-1");
    expect(shown.body).toMatchObject({
      management: {
        sendEventPostUri: expect.stringContaining("code=SYSTEMKEY"),
        terminatePostUri: expect.stringContaining("/terminate"),
      },
    });
  });
});

describe("stop", () => {
  test("raises cancel on a running capture; 409 when it has ended; 404 when unknown", async () => {
    const store = new FakeStore().add(
      captureStatus("cap-run", "Running"),
      captureStatus("cap-done", "Completed"),
    );
    expect(await stopAnswer(ctx(store), "cap-run", { reason: "maintenance window" })).toMatchObject(
      { status: 202, body: { event: "cancel", previousStatus: "Running" } },
    );
    expect(store.raised).toEqual([
      {
        instanceId: "cap-run",
        eventName: "cancel",
        data: { requestedAt: NOW.toISOString(), by: "ops", reason: "maintenance window" },
      },
    ]);
    expect(await stopAnswer(ctx(store), "cap-done", undefined)).toMatchObject({ status: 409 });
    expect(await stopAnswer(ctx(store), "cap-none", undefined)).toMatchObject({ status: 404 });
    expect(await stopAnswer(ctx(store), "cap-run", { force: true })).toMatchObject({ status: 400 });
    expect(store.raised).toHaveLength(1);
  });
});

describe("re-run", () => {
  test("a failed capture starts again under its ID with its original input", async () => {
    const failed = captureStatus("cap-1", "Failed");
    const store = new FakeStore().add(failed);
    const answer = await rerunAnswer(ctx(store), "cap-1");
    expect(answer).toMatchObject({
      status: 202,
      body: { instanceId: "cap-1", result: "started", previousStatus: "Failed" },
    });
    expect(store.started).toEqual([{ instanceId: "cap-1", input: failed.input }]);
  });

  test("running → 409, completed → 409, unknown → 404, damaged input → 422; nothing started", async () => {
    const store = new FakeStore().add(
      captureStatus("cap-run", "Running"),
      captureStatus("cap-done", "Completed"),
      { ...captureStatus("cap-bad", "Failed"), input: { hello: 1 } },
    );
    expect(await rerunAnswer(ctx(store), "cap-run")).toMatchObject({
      status: 409,
      body: { error: expect.stringContaining("still active") },
    });
    expect(await rerunAnswer(ctx(store), "cap-done")).toMatchObject({ status: 409 });
    expect(await rerunAnswer(ctx(store), "cap-none")).toMatchObject({ status: 404 });
    expect(await rerunAnswer(ctx(store), "cap-bad")).toMatchObject({ status: 422 });
    expect(store.started).toEqual([]);
  });

  test("an alert that starts the same target between our read and our start makes it a 409, not an error", async () => {
    const store = new FakeStore().add(captureStatus("cap-1", "Failed"));
    const get = store.get.bind(store);
    let reads = 0;
    store.get = async (id) => (++reads === 1 ? get(id) : captureStatus(id, "Running"));
    store.start = async () => {
      throw new Error("refused: running");
    };
    expect(await rerunAnswer(ctx(store), "cap-1")).toMatchObject({
      status: 409,
      body: { error: expect.stringContaining("meanwhile") },
    });
  });

  test("bulk: every failed capture in the window, oldest first, with per-instance results", async () => {
    const store = new FakeStore().add(
      captureStatus("cap-old", "Failed", {}, minutesAgo(120)),
      captureStatus("cap-a", "Failed", {}, minutesAgo(40)),
      captureStatus("cap-b", "Failed", {}, minutesAgo(30)),
      captureStatus("cap-t", "Terminated", {}, minutesAgo(20)),
      captureStatus("cap-r", "Running", {}, minutesAgo(10)),
      { ...captureStatus("cap-bad", "Failed", {}, minutesAgo(5)), input: null },
    );
    const answer = await bulkRerunAnswer(ctx(store), { since: "1h" });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ matched: 3, attempted: 3, started: 2, truncated: false });
    expect((answer.body as { results: unknown[] }).results).toEqual([
      { instanceId: "cap-a", status: 202, result: "started", previousStatus: "Failed" },
      { instanceId: "cap-b", status: 202, result: "started", previousStatus: "Failed" },
      expect.objectContaining({ instanceId: "cap-bad", status: 422, result: "refused" }),
    ]);
    expect(store.started.map((s) => s.instanceId)).toEqual(["cap-a", "cap-b"]);
  });

  test("bulk honours max and says it was truncated; Terminated only when asked", async () => {
    const store = new FakeStore().add(
      ...Array.from({ length: 5 }, (_, i) =>
        captureStatus(`cap-${i}`, "Failed", {}, minutesAgo(50 - i)),
      ),
      captureStatus("cap-t", "Terminated", {}, minutesAgo(1)),
    );
    const answer = await bulkRerunAnswer(ctx(store), {
      since: "1h",
      max: 3,
      status: ["Failed", "Terminated"],
    });
    expect(answer.body).toMatchObject({ matched: 6, attempted: 3, started: 3, truncated: true });
    expect(await bulkRerunAnswer(ctx(store), { since: "1h", max: 0 })).toMatchObject({
      status: 400,
    });
  });
});

describe("purge", () => {
  test("only ended instances created before the cut-off", async () => {
    const old = new Date(NOW.getTime() - 40 * 86_400_000);
    const store = new FakeStore().add(
      captureStatus("old-done", "Completed", {}, old),
      captureStatus("old-failed", "Failed", {}, old),
      captureStatus("old-running", "Running", {}, old),
      captureStatus("new-done", "Completed", {}, minutesAgo(5)),
    );
    const answer = await purgeAnswer(ctx(store), new URLSearchParams("olderThanDays=30"));
    expect(answer).toMatchObject({
      status: 200,
      body: { instancesDeleted: 2, createdBefore: "2026-02-08T12:00:30.000Z" },
    });
    expect([...store.instances.keys()].sort()).toEqual(["new-done", "old-running"]);
    expect(store.purgedWith).toEqual({
      createdTimeFrom: new Date(0),
      createdTimeTo: new Date("2026-02-08T12:00:30.000Z"),
      runtimeStatus: ["Completed", "Failed", "Terminated"],
    });
    expect(await purgeAnswer(ctx(store), new URLSearchParams(""))).toMatchObject({ status: 400 });
  });
});

describe("files", () => {
  test("a completed capture's file redirects to the signed link; none for failed ones; unknown kinds 404", async () => {
    const store = new FakeStore().add(
      captureStatus("cap-done", "Completed"),
      captureStatus("cap-failed", "Failed"),
    );
    const sign = async (url: string) => `${url}?sig=signed`;
    expect(await captureFileAnswer(ctx(store), "cap-done", "capture", sign)).toMatchObject({
      status: 302,
      headers: {
        Location: "https://st.blob.core.windows.net/network-watcher-logs/x.cap?sig=signed",
      },
    });
    expect(await captureFileAnswer(ctx(store), "cap-done", "summary", sign)).toMatchObject({
      status: 302,
      headers: { Location: expect.stringContaining("summary.json?sig=signed") },
    });
    expect(await captureFileAnswer(ctx(store), "cap-failed", "capture", sign)).toMatchObject({
      status: 404,
    });
    expect(await captureFileAnswer(ctx(store), "cap-done", "passwd", sign)).toMatchObject({
      status: 404,
    });
    const broken = async () => {
      throw new Error("no delegation key");
    };
    expect(await captureFileAnswer(ctx(store), "cap-done", "capture", broken)).toMatchObject({
      status: 502,
      body: { error: expect.stringContaining("no delegation key") },
    });
  });
});
