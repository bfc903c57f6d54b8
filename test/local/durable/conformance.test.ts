// LOCAL DEV/TEST INFRASTRUCTURE — durable engine conformance, through durable-functions' own DurableClient
// (fixture HTTP functions calling df.getClient) and through the Durable HTTP API, on a skip-clock host.
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  buildLocalRuntime,
  eventually,
  startTestAzurite,
  startTestHost,
  type TestAzurite,
  type TestHost,
} from "../fixtures/localRuntime";

let azurite: TestAzurite;
let host: TestHost;
let build: ReturnType<typeof buildLocalRuntime>;
let scratch: string;

beforeAll(async () => {
  build = buildLocalRuntime();
  scratch = mkdtempSync(path.join(os.tmpdir(), "durable-conformance-"));
  azurite = await startTestAzurite();
  host = await startTestHost(build.entry, {
    storageConnectionString: azurite.connectionString,
    clock: "skip",
  });
}, 60_000);

afterAll(async () => {
  await host?.stop();
  await azurite?.stop();
  build?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

interface Status {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  historyEvents?: Array<Record<string, unknown>>;
}

/** A fixture function (function key). */
function api(route: string, init?: RequestInit): Promise<Response> {
  return fetch(`${host.url}/api/${route}`, {
    ...init,
    headers: { "x-functions-key": host.functionKey, ...init?.headers },
  });
}

/** The Durable HTTP API with the system key. */
function webhook(route: string, init?: RequestInit): Promise<Response> {
  const separator = route.includes("?") ? "&" : "?";
  return fetch(
    `${host.url}/runtime/webhooks/durabletask/${route}${separator}code=${host.systemKey}`,
    init,
  );
}

/** Starts through DurableClient.startNew (the fixture's `start` function) and returns the check-status payload. */
async function startViaClient(
  name: string,
  input?: unknown,
  instanceId?: string,
): Promise<Record<string, string>> {
  const response = await api(`start/${name}${instanceId ? `/${instanceId}` : ""}`, {
    method: "POST",
    body: input === undefined ? "" : JSON.stringify(input),
  });
  expect(response.status).toBe(202);
  return (await response.json()) as Record<string, string>;
}

async function statusViaClient(instanceId: string): Promise<Status> {
  const response = await api(`client/status/${instanceId}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Status;
}

/**
 * Waits through DurableClient.getStatus; with `history`, reads the final status from the HTTP API
 * (durable-functions' DurableOrchestrationStatus reads `history`, the extension sends `historyEvents`).
 */
async function waitFor(
  instanceId: string,
  runtimeStatus: string,
  history = false,
): Promise<Status> {
  const status = await eventually(async () => {
    const current = await statusViaClient(instanceId);
    return current.runtimeStatus === runtimeStatus ? current : undefined;
  }, `${instanceId} to be ${runtimeStatus}`);
  if (!history) return status;
  return (await (
    await webhook(`instances/${instanceId}?showHistory=true&showHistoryOutput=true`)
  ).json()) as Status;
}

async function stats(
  instanceId: string,
): Promise<{ historyEvents: number; activities: number; timers: number }> {
  const response = await fetch(`${host.url}/admin/durable/stats/${instanceId}`, {
    headers: { "x-functions-key": host.masterKey },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { historyEvents: number; activities: number; timers: number };
}

describe("activities", () => {
  it("runs a sequence started by DurableClient; createCheckStatusResponse links carry task hub, connection and system key", async () => {
    const links = await startViaClient("sequence", ["Tokyo", "Seattle", "London"]);
    expect(links.statusQueryGetUri).toBe(
      `${host.url}/runtime/webhooks/durabletask/instances/${links.id}?taskHub=FixtureHub&connection=Storage&code=${host.systemKey}`,
    );
    expect(links.sendEventPostUri).toContain(
      `/instances/${links.id}/raiseEvent/{eventName}?taskHub=FixtureHub`,
    );
    const done = await eventually(async () => {
      const response = await fetch(links.statusQueryGetUri as string);
      return response.status === 200 ? ((await response.json()) as Status) : undefined;
    }, "sequence to finish");
    expect(done).toMatchObject({
      name: "sequence",
      runtimeStatus: "Completed",
      input: ["Tokyo", "Seattle", "London"],
      output: ["Hello Tokyo!", "Hello Seattle!", "Hello London!"],
    });
  });

  it("starts through the HTTP API with an instance id, answers 202 + Location while running, and shows history as the extension does", async () => {
    const response = await webhook("orchestrators/sequence/seq-http", {
      method: "POST",
      body: JSON.stringify(["Oslo"]),
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(202);
    expect(response.headers.get("location")).toContain(
      "/instances/seq-http?taskHub=FixtureHub&connection=Storage&code=",
    );
    const done = await waitFor("seq-http", "Completed", true);
    expect(done.output).toEqual(["Hello Oslo!"]);
    expect(done.historyEvents?.map((e) => e.EventType)).toEqual([
      "ExecutionStarted",
      "TaskCompleted",
      "ExecutionCompleted",
    ]);
    expect(done.historyEvents?.[1]).toMatchObject({ FunctionName: "hello", Result: "Hello Oslo!" });
    expect(done.historyEvents?.[1]).toHaveProperty("ScheduledTime");
    expect(done.historyEvents?.[2]).toMatchObject({
      OrchestrationStatus: "Completed",
      Result: ["Hello Oslo!"],
    });
    expect((await webhook("instances/seq-http")).status).toBe(200);
    expect((await webhook("instances/no-such-instance")).status).toBe(404);
  });

  it("fans out and in with Task.all", async () => {
    const { id } = await startViaClient("fanOut", 25);
    expect((await waitFor(id as string, "Completed")).output).toBe(25);
    expect(await stats(id as string)).toMatchObject({ activities: 25, timers: 0 });
  });

  it("stays within Azure Table limits: 150 parallel activities (> 100 rows per batch) and a 200 000-character payload", async () => {
    const { id } = await startViaClient("fanOut", 150);
    expect((await waitFor(id as string, "Completed")).output).toBe(150);
    expect(await stats(id as string)).toMatchObject({ activities: 150 });
    const big = "x".repeat(200_000);
    const large = await startViaClient("sequence", [big]);
    expect((await waitFor(large.id as string, "Completed")).output).toEqual([`Hello ${big}!`]);
  });

  it("fails the orchestration with the extension's message; GET is 200, or 500 when asked", async () => {
    const { id } = await startViaClient("failing");
    const failed = await waitFor(id as string, "Failed");
    expect(failed.output).toMatch(/^Orchestrator function 'failing' failed: orchestrator broke/);
    expect((await webhook(`instances/${id}`)).status).toBe(200);
    expect((await webhook(`instances/${id}?returnInternalServerErrorOnFailure=true`)).status).toBe(
      500,
    );
  });
});

describe("timers on the skip clock", () => {
  it("completes a 15-hour orchestration at once, with currentUtcDateTime advancing to each timer", async () => {
    const { id } = await startViaClient("timers", { hours: 5, count: 3 });
    const done = await waitFor(id as string, "Completed");
    const created = Date.parse(done.createdTime);
    const seen = (done.output as string[]).map((t) => Date.parse(t));
    seen.forEach((t, i) => expect(t).toBeGreaterThanOrEqual(created + (i + 1) * 5 * 3600_000));
    expect(done.customStatus).toEqual({ fired: 3 });
    expect(await stats(id as string)).toMatchObject({ timers: 3, activities: 0 });
  });
});

describe("activity retries", () => {
  it("retries as the extension records it: TaskFailed, then a retry timer, then the activity again", async () => {
    const file = path.join(scratch, "flaky-ok");
    const { id } = await startViaClient("retries", {
      file,
      failures: 2,
      maxAttempts: 3,
      firstRetryMs: 60_000,
    });
    const done = await waitFor(id as string, "Completed", true);
    expect(done.output).toBe("succeeded after 3 calls");
    expect(done.historyEvents?.map((e) => e.EventType)).toEqual([
      "ExecutionStarted",
      "TaskFailed",
      "TimerCreated",
      "TimerFired",
      "TaskFailed",
      "TimerCreated",
      "TimerFired",
      "TaskCompleted",
      "ExecutionCompleted",
    ]);
    const [first, second] = (done.historyEvents ?? [])
      .filter((e) => e.EventType === "TimerCreated")
      .map((e) => Date.parse(e.FireAt as string) - Date.parse(e.Timestamp as string));
    expect(first).toBe(60_000);
    expect(second).toBe(120_000);
  });

  it("gives up after maxNumberOfAttempts with the activity's failure", async () => {
    const file = path.join(scratch, "flaky-never");
    const { id } = await startViaClient("retries", {
      file,
      failures: 10,
      maxAttempts: 3,
      firstRetryMs: 1000,
    });
    expect((await waitFor(id as string, "Completed")).output).toBe(
      "gave up: Activity function 'flaky' failed: transient failure 3 ",
    );
    expect(await stats(id as string)).toMatchObject({ activities: 3, timers: 3 });
  });
});

describe("external events", () => {
  it("delivers events raised before the orchestrator waits for them (buffered), through DurableClient", async () => {
    const { id } = await startViaClient("events");
    expect(
      (
        await api(`client/raise/${id}/confirm`, {
          method: "POST",
          body: JSON.stringify({ by: "bob" }),
        })
      ).status,
    ).toBe(202);
    expect(
      (await api(`client/raise/${id}/approve`, { method: "POST", body: JSON.stringify("yes") }))
        .status,
    ).toBe(202);
    expect((await waitFor(id as string, "Completed")).output).toEqual({
      first: "yes",
      second: { by: "bob" },
    });
  });

  it("raises through the HTTP API; the Task.any timer wins when no event comes; 410 once finished, 404 when unknown", async () => {
    const { id } = await startViaClient("events");
    const raise = (instance: string): Promise<Response> =>
      webhook(`instances/${instance}/raiseEvent/approve`, {
        method: "POST",
        body: JSON.stringify(1),
        headers: { "content-type": "application/json" },
      });
    expect((await raise(id as string)).status).toBe(202);
    expect((await waitFor(id as string, "Completed")).output).toEqual({
      first: 1,
      second: "timed out",
    });
    expect((await raise(id as string)).status).toBe(410);
    expect((await raise("no-such-instance")).status).toBe(404);
  });
});

describe("continue-as-new", () => {
  it("restarts the execution with the new input and keeps only the last execution's history", async () => {
    const { id } = await startViaClient("counter", 0);
    const done = await waitFor(id as string, "Completed", true);
    expect(done.output).toBe(3);
    expect(done.historyEvents?.[0]).toMatchObject({ EventType: "ExecutionStarted", Input: "3" });
    expect(await stats(id as string)).toMatchObject({ timers: 0 });
  });

  it("drops an event the old execution received but had not taken, as the extension does for out-of-proc workers", async () => {
    // The extension's out-of-proc shim calls ContinueAsNew(input) without preserveUnprocessedEvents
    // (OutOfProcOrchestrationShim.cs:171; the default is false, IDurableOrchestrationContext.cs:98).
    const { id } = await startViaClient("handOver", { sleepMs: 3000 });
    await eventually(async () => {
      const status = await statusViaClient(id as string);
      return status.customStatus === "busy" ? status : undefined;
    }, "the first execution to be busy");
    expect(
      (await api(`client/raise/${id}/note`, { method: "POST", body: JSON.stringify("early") }))
        .status,
    ).toBe(202);
    expect((await waitFor(id as string, "Completed")).output).toEqual({ note: "dropped" });
  });
});

describe("terminate, purge, restart", () => {
  it("terminates through DurableClient; the HTTP API then answers 410, and 404 for an unknown instance", async () => {
    const { id } = await startViaClient("waitForever");
    await waitFor(id as string, "Running");
    expect(
      (await api(`client/terminate/${id}?reason=ops%20said%20so`, { method: "POST" })).status,
    ).toBe(202);
    const terminated = await waitFor(id as string, "Terminated", true);
    expect(terminated.output).toBe("ops said so");
    expect(terminated.historyEvents?.map((e) => e.EventType)).toEqual([
      "ExecutionStarted",
      "ExecutionTerminated",
      "ExecutionCompleted",
    ]);
    expect(
      (await webhook(`instances/${id}/terminate?reason=again`, { method: "POST" })).status,
    ).toBe(410);
    expect((await webhook("instances/no-such-instance/terminate", { method: "POST" })).status).toBe(
      404,
    );
  });

  it("purges through DurableClient and the HTTP API (200 then 404)", async () => {
    const a = await startViaClient("sequence", ["a"]);
    const b = await startViaClient("sequence", ["b"]);
    await waitFor(a.id as string, "Completed");
    await waitFor(b.id as string, "Completed");
    expect(await (await api(`client/purge/${a.id}`, { method: "DELETE" })).json()).toEqual({
      instancesDeleted: 1,
    });
    expect((await webhook(`instances/${a.id}`)).status).toBe(404);
    const purge = await webhook(`instances/${b.id}`, { method: "DELETE" });
    expect(purge.status).toBe(200);
    expect(await purge.json()).toEqual({ instancesDeleted: 1 });
    expect((await webhook(`instances/${b.id}`, { method: "DELETE" })).status).toBe(404);
    expect(await (await api(`client/purge/${b.id}`, { method: "DELETE" })).json()).toEqual({
      instancesDeleted: 0,
    });
  });

  it("restarts a finished instance with its input, under the same id or a new one", async () => {
    await startViaClient("sequence", ["again"], "to-restart");
    await waitFor("to-restart", "Completed");
    const same = await webhook("instances/to-restart/restart", { method: "POST" });
    expect(same.status).toBe(202);
    expect(((await same.json()) as { id: string }).id).toBe("to-restart");
    expect((await waitFor("to-restart", "Completed")).output).toEqual(["Hello again!"]);
    const fresh = await webhook("instances/to-restart/restart?restartWithNewInstanceId=true", {
      method: "POST",
    });
    const { id } = (await fresh.json()) as { id: string };
    expect(id).not.toBe("to-restart");
    expect((await waitFor(id, "Completed")).input).toEqual(["again"]);
    expect((await webhook("instances/no-such-instance/restart", { method: "POST" })).status).toBe(
      400,
    );
  });
});

describe("singleton instances", () => {
  it("refuses to start over a Pending/Running instance (DurableClient rejects, HTTP API 500 as the extension), overwrites a finished one", async () => {
    await startViaClient("waitForever", undefined, "singleton");
    const refused = await api("start/waitForever/singleton", { method: "POST", body: "" });
    expect(refused.status).toBe(500);
    expect(((await refused.json()) as { error: string }).error).toContain(
      "An Orchestration instance with the status",
    );
    const viaHttp = await webhook("orchestrators/waitForever/singleton", { method: "POST" });
    expect(viaHttp.status).toBe(500);
    expect(await viaHttp.json()).toMatchObject({
      ExceptionMessage: expect.stringMatching(
        /^An Orchestration instance with the status (Pending|Running) already exists\.$/,
      ),
    });

    await api("client/terminate/singleton", { method: "POST" });
    await waitFor("singleton", "Terminated");
    await startViaClient("sequence", ["over"], "singleton");
    expect((await waitFor("singleton", "Completed")).output).toEqual(["Hello over!"]);
  });

  it("lets only one of four racing starts through", async () => {
    const starts = await Promise.all(
      [0, 1, 2, 3].map(() => webhook("orchestrators/waitForever/racer", { method: "POST" })),
    );
    expect(starts.map((r) => r.status).sort()).toEqual([202, 500, 500, 500]);
    await webhook("instances/racer/terminate", { method: "POST" });
  });
});

describe("queries", () => {
  it("lists with filters and pages with x-ms-continuation-token; DurableClient follows the pages", async () => {
    const ids = await Promise.all(
      [1, 2, 3].map(async (n) => (await startViaClient("sequence", [`list${n}`])).id as string),
    );
    for (const id of ids) await waitFor(id, "Completed");
    const first = await webhook("instances/?runtimeStatus=Completed&top=2");
    expect(first.status).toBe(200);
    expect(((await first.json()) as Status[]).length).toBe(2);
    const token = first.headers.get("x-ms-continuation-token");
    expect(token).toBeTruthy();
    const next = await webhook("instances/?runtimeStatus=Completed&top=2", {
      headers: { "x-ms-continuation-token": token as string },
    });
    expect(((await next.json()) as Status[]).length).toBeGreaterThan(0);

    const all = (await (await api("client/list?runtimeStatus=Completed")).json()) as Status[];
    expect(all.map((s) => s.instanceId)).toEqual(expect.arrayContaining(ids));
    expect(all.every((s) => s.runtimeStatus === "Completed")).toBe(true);
  });
});

describe("orchestration versioning (host.json defaultVersion 1.5, CurrentOrOlder, Reject)", () => {
  test("a new instance gets defaultVersion (in its ExecutionStarted), and the orchestrator sees it", async () => {
    const response = await webhook("orchestrators/versioned/v-default", { method: "POST" });
    expect(response.status).toBe(202);
    expect((await waitFor("v-default", "Completed")).output).toBe("1.5");
  });

  test("a start may name an older version; a newer one is left for a worker that accepts it", async () => {
    await webhook("orchestrators/versioned/v-newer?version=9.0", { method: "POST" });
    await webhook("orchestrators/versioned/v-older?version=1.0", { method: "POST" });
    expect((await waitFor("v-older", "Completed")).output).toBe("1.0");
    const newer = await statusViaClient("v-newer");
    expect(newer.runtimeStatus).toBe("Pending");
  });

  test("a sub-orchestration gets the version its parent names, else defaultVersion, as startNew", async () => {
    await webhook("orchestrators/versionedFamily/v-family", { method: "POST" });
    expect((await waitFor("v-family", "Completed")).output).toEqual({
      byDefault: "1.5",
      named: "1.0",
    });
  });
});
