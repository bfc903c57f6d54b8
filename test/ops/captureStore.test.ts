import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { DurableClient } from "durable-functions";
import { durableCaptureStore } from "../../lib/ops/captureStore";

/** Just the DurableClient members the store calls, answering as durable-functions v3 does against the real extension. */
function fakeClient(
  statusQueryGetUri: string,
  overrides: Partial<Record<keyof DurableClient, unknown>> = {},
): DurableClient {
  const status = {
    name: "captureOrchestrator",
    instanceId: "cap-1",
    runtimeStatus: "Completed",
    createdTime: new Date(0),
    lastUpdatedTime: new Date(0),
    input: {},
    output: {},
    customStatus: null,
  };
  return {
    // DurableOrchestrationStatus copies `init.history`, the extension sends `historyEvents`: no history here (durable-js #620).
    getStatus: async (id: string) => {
      if (id !== "cap-1")
        throw new Error(
          `DurableClient error: Durable Functions extension replied with HTTP 404 response. ${id}`,
        );
      return { ...status, history: undefined };
    },
    getStatusBy: async () => [
      { ...status, createdTime: "2026-03-10T12:00:00Z", lastUpdatedTime: "2026-03-10T12:00:05Z" },
    ],
    createHttpManagementPayload: (id: string) => ({
      id,
      statusQueryGetUri: statusQueryGetUri.replace("ID", id),
    }),
    ...overrides,
  } as unknown as DurableClient;
}

let server: Server;
let base: string;
const requested: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requested.push(req.url ?? "");
    if (req.url?.startsWith("/broken")) return void res.writeHead(500).end("boom");
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        runtimeStatus: "Completed",
        historyEvents: [{ EventType: "ExecutionStarted", Timestamp: "2026-03-10T12:00:00Z" }],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

test("history comes from the client's own status URL when the typed status drops it", async () => {
  const store = durableCaptureStore(
    fakeClient(
      `${base}/runtime/webhooks/durabletask/instances/ID?taskHub=H&connection=Storage&code=SYSTEMKEY`,
    ),
  );
  const found = await store.inspect("cap-1");
  expect(found?.history).toEqual([
    { EventType: "ExecutionStarted", Timestamp: "2026-03-10T12:00:00Z" },
  ]);
  const url = new URL(requested.at(-1) as string, base);
  expect(url.pathname).toBe("/runtime/webhooks/durabletask/instances/cap-1");
  expect(Object.fromEntries(url.searchParams)).toEqual({
    taskHub: "H",
    connection: "Storage",
    code: "SYSTEMKEY",
    showHistory: "true",
    showHistoryOutput: "true",
    showInput: "false",
  });
  expect(await store.inspect("cap-9")).toBeUndefined();
});

test("a history the typed status does carry is used as is, without a second request", async () => {
  const before = requested.length;
  const store = durableCaptureStore(
    fakeClient(`${base}/x/ID`, {
      getStatus: async () => ({ instanceId: "cap-1", history: [{ EventType: 0 }] }),
    }),
  );
  expect((await store.inspect("cap-1"))?.history).toEqual([{ EventType: 0 }]);
  expect(requested.length).toBe(before);
});

test("when the history cannot be read the status is still returned, with a reason that holds no key", async () => {
  const store = durableCaptureStore(fakeClient(`${base}/broken/ID?code=SYSTEMKEY`));
  const found = await store.inspect("cap-1");
  expect(found?.status.instanceId).toBe("cap-1");
  expect(found?.history).toBeUndefined();
  expect(found?.historyError).toBe("history unavailable: history query answered HTTP 500");
});

test("list rows come back with Date times, as the typed status would have them", async () => {
  const [row] = await durableCaptureStore(fakeClient(base)).list({ createdTimeFrom: new Date(0) });
  expect(row?.createdTime).toEqual(new Date("2026-03-10T12:00:00Z"));
  expect(row?.lastUpdatedTime).toEqual(new Date("2026-03-10T12:00:05Z"));
});

test("a capture starts the capture orchestrator, a group the group orchestrator, each under its instance ID", async () => {
  const started: unknown[] = [];
  const store = durableCaptureStore(
    fakeClient(`${base}/ID`, {
      startNew: async (name: string, options: unknown) => {
        started.push([name, options]);
        return Promise.resolve("");
      },
    }),
  );
  await store.start("capture-vm1-x", { captureName: "c" } as never);
  await store.startGroup("group-2-x", { members: [] } as never);
  expect(started).toEqual([
    ["captureOrchestrator", { instanceId: "capture-vm1-x", input: { captureName: "c" } }],
    ["captureGroupOrchestrator", { instanceId: "group-2-x", input: { members: [] } }],
  ]);
});
