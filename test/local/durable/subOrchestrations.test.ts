// LOCAL DEV/TEST INFRASTRUCTURE — sub-orchestrations on the local durable engine: the extension's
// child instance ids, failure propagation, retries, a child id already running, and SIGKILLs of the
// host at random points of a parent with children (every instance completes exactly once).
import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  eventually,
  startTestHost,
  type TestHost,
  useDurableFixture,
} from "../fixtures/localRuntime";

const fixture = useDurableFixture("durable-sub-");

interface Status {
  instanceId: string;
  runtimeStatus: string;
  output: unknown;
  historyEvents?: Array<Record<string, unknown>>;
}

const keys = { master: "sub-master-key", function: "sub-function-key", system: "sub-system-key" };

function startHost(taskHub: string, clock?: "skip"): Promise<TestHost> {
  const { build, azurite } = fixture();
  return startTestHost(build.entry, {
    storageConnectionString: azurite.connectionString,
    keys,
    taskHub,
    ...(clock ? { clock } : {}),
  });
}

async function start(host: TestHost, name: string, id: string, input: unknown): Promise<void> {
  const response = await fetch(
    `${host.url}/runtime/webhooks/durabletask/orchestrators/${name}/${id}?code=${keys.system}`,
    { method: "POST", body: JSON.stringify(input) },
  );
  expect(response.status).toBe(202);
}

async function status(host: TestHost, id: string): Promise<Status | undefined> {
  const response = await fetch(
    `${host.url}/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}?showHistory=true&showHistoryOutput=true&code=${keys.system}`,
  );
  // 202 while Pending/Running, 200 once finished, as the extension answers.
  return response.status === 200 || response.status === 202
    ? ((await response.json()) as Status)
    : undefined;
}

function waitFor(host: TestHost, id: string, runtimeStatus: string): Promise<Status> {
  return eventually(async () => {
    const current = await status(host, id);
    return current?.runtimeStatus === runtimeStatus ? current : undefined;
  }, `${id} to be ${runtimeStatus}`);
}

describe("sub-orchestrations", () => {
  let host: TestHost;
  beforeAll(async () => {
    host = await startHost("SubHub", "skip");
  }, 60_000);
  afterAll(async () => {
    await host?.stop();
  });

  it("runs children together with derived and given ids, propagates a child's failure, retries a failed child", async () => {
    const flakyFile = path.join(fixture().scratch, "flaky-child.txt");
    await start(host, "family", "fam-1", { givenId: "fam-1-child", flakyFile });
    const done = await waitFor(host, "fam-1", "Completed");
    const output = done.output as {
      children: Array<{ tag: string; instanceId: string; parentInstanceId: string }>;
      failure: string;
      retried: string;
    };
    // Without an id, DTFx names the child <parent execution id>:<sequence number> (0 = the first action).
    expect(output.children[0]?.instanceId).toMatch(/^[0-9a-f]{32}:0$/);
    expect(output.children[1]).toEqual({
      tag: "given",
      instanceId: "fam-1-child",
      parentInstanceId: "fam-1",
    });
    expect(output.children[0]?.parentInstanceId).toBe("fam-1");
    expect(output.failure).toMatch(/Orchestrator function 'failing' failed: orchestrator broke/);
    expect(output.retried).toBe("succeeded after 3 calls");

    const types = (done.historyEvents ?? []).map((e) => e.EventType);
    expect(types.filter((t) => t === "SubOrchestrationInstanceCompleted")).toHaveLength(3);
    // The failing child once, the flaky child twice before it succeeded.
    expect(types.filter((t) => t === "SubOrchestrationInstanceFailed")).toHaveLength(3);
    const completed = done.historyEvents?.find(
      (e) => e.EventType === "SubOrchestrationInstanceCompleted" && e.InstanceId === "fam-1-child",
    );
    expect(completed).toMatchObject({ FunctionName: "whoAmI" });
    expect(await waitFor(host, output.children[0]?.instanceId ?? "", "Completed")).toBeDefined();
  });

  it("fails the parent's task when the child id belongs to a running instance, and starts over a finished one", async () => {
    await start(host, "waitForever", "busy-child", null);
    await waitFor(host, "busy-child", "Running");
    await start(host, "callFixedChild", "caller-1", { name: "whoAmI", instanceId: "busy-child" });
    expect((await waitFor(host, "caller-1", "Completed")).output).toBe(
      "failed: An Orchestration instance with the status Running already exists.",
    );
    expect((await status(host, "busy-child"))?.runtimeStatus).toBe("Running");

    await start(host, "sequence", "done-child", ["x"]);
    await waitFor(host, "done-child", "Completed");
    await start(host, "callFixedChild", "caller-2", { name: "whoAmI", instanceId: "done-child" });
    expect((await waitFor(host, "caller-2", "Completed")).output).toEqual({
      tag: null,
      instanceId: "done-child",
      parentInstanceId: "caller-2",
    });
  });

  it("reports a terminated child to its parent as a failure with the reason", async () => {
    await start(host, "callFixedChild", "caller-3", { name: "waitForever", instanceId: "stuck" });
    await waitFor(host, "stuck", "Running");
    const response = await fetch(
      `${host.url}/runtime/webhooks/durabletask/instances/stuck/terminate?reason=enough&code=${keys.system}`,
      { method: "POST" },
    );
    expect(response.status).toBe(202);
    expect((await waitFor(host, "caller-3", "Completed")).output).toBe("failed: enough");
  });
});

const runs = 10;
const steps = 4;

/** Deterministic pseudo-random kill points, so a failure can be replayed. */
function killDelays(seed: number): number[] {
  let state = seed;
  return Array.from({ length: runs }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % 900;
  });
}

it(`survives ${runs} SIGKILLs at random points of a parent with two children: each completes exactly once`, async () => {
  const executionsFile = path.join(fixture().scratch, "sub-executions.jsonl");
  let host = await startHost("SubCrashHub");
  let recoveries = 0;
  try {
    for (const [run, delay] of killDelays(20261129).entries()) {
      const parentId = `fam-crash-${run}`;
      await start(host, "crashFamily", parentId, {
        file: executionsFile,
        steps,
        timerMs: 100,
        sleepMs: 30,
      });
      await new Promise((resolve) => setTimeout(resolve, delay));
      await host.kill();
      host = await startHost("SubCrashHub");
      if (host.lines.some((line) => line.includes("sub-orchestration(s) checked"))) recoveries++;

      const parent = await eventually(
        async () => {
          const current = await status(host, parentId);
          return current?.runtimeStatus === "Completed" ? current : undefined;
        },
        `${parentId} to complete after a kill at ${delay} ms`,
        40_000,
      );
      const history = parent.historyEvents ?? [];
      const count = (type: string): number => history.filter((e) => e.EventType === type).length;
      expect(parent.output).toEqual([
        [0, 1, 2, 3],
        [0, 1, 2, 3],
      ]);
      expect(count("SubOrchestrationInstanceCompleted")).toBe(2);
      expect(count("SubOrchestrationInstanceFailed")).toBe(0);
      expect(count("ExecutionCompleted")).toBe(1);
      const childIds = history
        .filter((e) => e.EventType === "SubOrchestrationInstanceCompleted")
        .map((e) => String(e.InstanceId));
      expect(childIds).toContain(`${parentId}-given`);
      for (const childId of childIds) {
        const child = await status(host, childId);
        const childTypes = (child?.historyEvents ?? []).map((e) => e.EventType);
        expect(child?.runtimeStatus).toBe("Completed");
        expect(childTypes.filter((t) => t === "ExecutionStarted")).toHaveLength(1);
        expect(childTypes.filter((t) => t === "ExecutionCompleted")).toHaveLength(1);
        expect(childTypes.filter((t) => t === "TaskCompleted")).toHaveLength(steps);
      }
    }
  } finally {
    await host.kill();
  }
  const executions = readFileSync(executionsFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { instanceId: string; step: number });
  // Two children per parent ran every step at least once (at-least-once activities); the parent's own last step too.
  for (let run = 0; run < runs; run++) {
    const parentId = `fam-crash-${run}`;
    expect(executions.filter((e) => e.instanceId === parentId && e.step === -1).length).toBe(
      executions.filter((e) => e.instanceId === parentId).length,
    );
    expect(
      executions.filter((e) => e.instanceId === `${parentId}-given` && e.step === steps - 1).length,
    ).toBeGreaterThanOrEqual(1);
  }
  const childInstances = new Set(executions.filter((e) => e.step >= 0).map((e) => e.instanceId));
  expect(childInstances.size).toBe(runs * 2);
  process.stdout.write(
    `sub-orchestration crash test: ${runs}/${runs} parents and ${childInstances.size} children completed exactly once (${recoveries} restarts checked unfinished children)\n`,
  );
}, 240_000);
