// LOCAL DEV/TEST INFRASTRUCTURE — crash safety: SIGKILL the host at random points of running
// orchestrations, start a fresh host on the same task hub, and check every instance completes once.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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

const runs = 20;
const steps = 6;

let azurite: TestAzurite;
let build: ReturnType<typeof buildLocalRuntime>;
let scratch: string;

beforeAll(async () => {
  build = buildLocalRuntime();
  scratch = mkdtempSync(path.join(os.tmpdir(), "durable-crash-"));
  azurite = await startTestAzurite();
}, 60_000);

afterAll(async () => {
  await azurite?.stop();
  build?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

interface Status {
  runtimeStatus: string;
  output: unknown;
  historyEvents?: Array<{ EventType: string }>;
}

/** Deterministic pseudo-random kill points, so a failure can be replayed. */
function killDelays(seed: number): number[] {
  let state = seed;
  return Array.from({ length: runs }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % 900;
  });
}

it(`survives ${runs} SIGKILLs at random points: every instance completes exactly once`, async () => {
  const keys = {
    master: "crash-master-key",
    function: "crash-function-key",
    system: "crash-system-key",
  };
  const start = (): Promise<TestHost> =>
    startTestHost(build.entry, {
      storageConnectionString: azurite.connectionString,
      keys,
      taskHub: "CrashHub",
    });
  const executionsFile = path.join(scratch, "executions.jsonl");
  let host = await start();
  let completedOnce = 0;
  let recoveries = 0;
  try {
    for (const [run, delay] of killDelays(20261126).entries()) {
      const instanceId = `crash-${run}`;
      const input = { file: executionsFile, steps, timerMs: 150, sleepMs: 40 };
      const started = await fetch(
        `${host.url}/runtime/webhooks/durabletask/orchestrators/crashFlow/${instanceId}?code=${keys.system}`,
        {
          method: "POST",
          body: JSON.stringify(input),
        },
      );
      expect(started.status).toBe(202);
      await new Promise((resolve) => setTimeout(resolve, delay));
      await host.kill();
      host = await start();
      if (host.lines.some((line) => line.includes("recovered"))) recoveries++;

      const status = await eventually(async () => {
        const response = await fetch(
          `${host.url}/runtime/webhooks/durabletask/instances/${instanceId}?showHistory=true&code=${keys.system}`,
        );
        const body = (await response.json()) as Status;
        return body.runtimeStatus === "Completed" ? body : undefined;
      }, `${instanceId} to complete after a kill at ${delay} ms`);
      const events = (status.historyEvents ?? []).map((e) => e.EventType);
      const count = (type: string): number => events.filter((e) => e === type).length;
      expect(status.output).toEqual([0, 1, 2, 3, 4, 5]);
      expect(count("ExecutionCompleted")).toBe(1);
      expect(count("TaskCompleted")).toBe(steps);
      expect(count("TimerFired")).toBe(steps / 2);
      completedOnce++;
    }
  } finally {
    await host.kill();
  }

  const executions = readFileSync(executionsFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map(
      (line) => JSON.parse(line) as { instanceId: string; step: number; boundInstanceId: string },
    );
  // Activities see their orchestration's instance id in the trigger metadata, as the extension binds it.
  expect(executions.every((e) => e.boundInstanceId === e.instanceId)).toBe(true);
  for (let run = 0; run < runs; run++) {
    for (let step = 0; step < steps; step++) {
      expect(
        executions.filter((e) => e.instanceId === `crash-${run}` && e.step === step).length,
      ).toBeGreaterThanOrEqual(1);
    }
  }
  const reruns = executions.length - runs * steps;
  process.stdout.write(
    `crash test: ${completedOnce}/${runs} instances completed exactly once (${recoveries} restarts resumed unfinished work, ${reruns} activity re-runs — at-least-once)\n`,
  );
  expect(completedOnce).toBe(runs);
}, 170_000);
