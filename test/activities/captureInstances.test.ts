import type { Server } from "node:http";
import { captureInstances, signalCaptures } from "../../activities/captureInstances";
import type { ActivityEnv } from "../../lib/workflow/activity";
import { captureReport } from "../support/reports";
import { fakeEnv } from "./support/fakeAzure";
import { closeAll } from "./support/loopbackChannel";
import { loopbackDurable, type FakeInstance } from "./support/loopbackDurable";

const servers: Server[] = [];
afterAll(() => closeAll(servers));

/** The activity's environment with a durable client on the loopback extension holding `instances`. */
async function envWith(
  instances: Record<string, FakeInstance>,
  broken = false,
): Promise<{ env: ActivityEnv; raised: string[] }> {
  const extension = await loopbackDurable(instances, broken);
  servers.push(extension.server);
  return { env: { ...fakeEnv({}).env, durable: extension.durable }, raised: extension.raised };
}

const done = captureReport("succeeded");
const MEMBERS: Record<string, FakeInstance> = {
  "capture-web-1": { runtimeStatus: "Running" },
  "capture-db-1": { runtimeStatus: "Completed", output: done },
  "capture-app-1": {
    runtimeStatus: "Failed",
    output:
      "Orchestrator function 'captureOrchestrator' failed: AgentMissing: no Network Watcher agent\n    at launch (captureOrchestrator.js:10:5)",
  },
  "capture-api-1": { runtimeStatus: "Terminated", output: "cancelled by ops" },
  "capture-old-1": { runtimeStatus: "Terminated" },
  "capture-new-1": { runtimeStatus: "Pending" },
};

describe("captureInstances", () => {
  test("each member's state, in the order asked: running, finished with its report, failed with its first line, missing", async () => {
    const { env } = await envWith(MEMBERS);
    const instanceIds = [
      "capture-db-1",
      "capture-gone-1",
      "capture-web-1",
      "capture-app-1",
      "capture-api-1",
      "capture-old-1",
      "capture-new-1",
    ];
    expect(await captureInstances({ instanceIds }, env)).toEqual({
      ok: true,
      value: [
        { instanceId: "capture-db-1", runtimeStatus: "Completed", report: done },
        { instanceId: "capture-gone-1", runtimeStatus: "NotFound" },
        { instanceId: "capture-web-1", runtimeStatus: "Running" },
        {
          instanceId: "capture-app-1",
          runtimeStatus: "Failed",
          error:
            "Orchestrator function 'captureOrchestrator' failed: AgentMissing: no Network Watcher agent",
        },
        { instanceId: "capture-api-1", runtimeStatus: "Terminated", error: "cancelled by ops" },
        { instanceId: "capture-old-1", runtimeStatus: "Terminated", error: "Terminated" },
        { instanceId: "capture-new-1", runtimeStatus: "Pending" },
      ],
    });
  });

  test("no member asked, nothing read", async () => {
    const { env } = await envWith(MEMBERS, true);
    expect(await captureInstances({ instanceIds: [] }, env)).toEqual({ ok: true, value: [] });
  });

  test("an extension that cannot reach its store throws, so durable retries read again", async () => {
    const { env } = await envWith(MEMBERS, true);
    await expect(captureInstances({ instanceIds: ["capture-web-1"] }, env)).rejects.toThrow(
      /unexpected status code: 500/,
    );
  });
});

describe("signalCaptures", () => {
  test("running members get the event; finished and missing ones have nothing to cancel", async () => {
    const { env, raised } = await envWith(MEMBERS);
    const instanceIds = ["capture-web-1", "capture-db-1", "capture-gone-1", "capture-new-1"];
    expect(await signalCaptures({ instanceIds, event: "cancel" }, env)).toEqual({
      ok: true,
      value: null,
    });
    expect(raised).toEqual(["capture-web-1 cancel", "capture-new-1 cancel"]);
  });

  test("an extension that cannot reach its store throws, so durable retries signal again", async () => {
    const { env } = await envWith(MEMBERS, true);
    await expect(
      signalCaptures({ instanceIds: ["capture-web-1"], event: "cancel" }, env),
    ).rejects.toThrow(/unexpected status code: 500/);
  });
});

test.each([
  ["captureInstances", () => captureInstances({ instanceIds: ["x"] }, fakeEnv({}).env)],
  [
    "signalCaptures",
    () => signalCaptures({ instanceIds: ["x"], event: "cancel" }, fakeEnv({}).env),
  ],
])(
  "%s registered without the durable client binding is a permanent Misconfigured",
  async (_name, call) => {
    expect(await call()).toEqual({
      ok: false,
      failure: {
        code: "Misconfigured",
        message: "no durable client",
        action: "Register the activity with the durable client binding.",
      },
    });
  },
);
