/**
 * Cost of watching a capture: ARM status calls and orchestration history events for 60 s, 1 h
 * and 5 h captures, for our adaptive schedule beside the naive baseline of polling every 60 s.
 * Both orchestrations run through durable-functions' own replay with the same scripted
 * activities, so the counts are measured, not computed.
 */
import type { OrchestrationContext, OrchestrationHandler } from "durable-functions";
import captureOrchestrator from "../../orchestrators/captureOrchestrator";
import type { CaptureRequest } from "../../lib/domain/types";
import { replay, type ScriptedActivity } from "../../test/support/replayHarness";

const START = new Date("2026-01-01T00:00:00Z");
const ok = (value: unknown = {}) => ({ ok: true, value });
const WATCHER = {
  subscriptionId: "s",
  resourceGroup: "NetworkWatcherRG",
  name: "NetworkWatcher_westeurope",
};

function scripted(timeLimit: number): Record<string, ScriptedActivity> {
  const elapsed = (at: Date) => (at.getTime() - START.getTime()) / 1000;
  return {
    checkQuota: () =>
      ok({ region: "westeurope", watcher: WATCHER, running: 0, limit: 10000, available: true }),
    resolveCaptureName: () => ok({ name: "cap", resolution: "new" }),
    startCapture: () => ok({ name: "cap", id: "cap" }),
    // Network Watcher stops a few seconds after the limit, as it does in Azure.
    getCaptureStatus: (_i, { at }) =>
      ok(
        elapsed(at) >= timeLimit + 5
          ? { status: "Stopped", stopReason: "TimeExceeded", errors: [] }
          : { status: "Running", errors: [] },
      ),
    stopCapture: () => ok(null),
    deleteCapture: () => ok(null),
    verifyCaptureBlob: () => ok({ storagePath: "https://a/b.cap", sizeBytes: 100, format: "pcap" }),
    summarizeCapture: () => ok({ highlights: [] }),
    notify: () => ok({ delivered: [] }),
  };
}

/** The baseline: the same steps, with a status poll every 60 s. */
const naiveOrchestrator: OrchestrationHandler = function* (context: OrchestrationContext) {
  const request = context.df.getInput<CaptureRequest>();
  yield context.df.callActivity("checkQuota", {});
  yield context.df.callActivity("resolveCaptureName", {});
  yield context.df.callActivity("startCapture", {});
  const started = context.df.currentUtcDateTime.getTime();
  for (let poll = 1; poll <= 100_000; poll++) {
    yield context.df.createTimer(new Date(started + poll * 60_000));
    const status = (yield context.df.callActivity("getCaptureStatus", {})) as {
      value: { status: string };
    };
    if (status.value.status === "Stopped" || poll * 60 > request.settings.timeLimitInSeconds + 600)
      break;
  }
  yield context.df.callActivity("verifyCaptureBlob", {});
  yield context.df.callActivity("summarizeCapture", {});
  yield context.df.callActivity("notify", {});
};

function input(timeLimitInSeconds: number): CaptureRequest {
  return {
    target: {
      resourceId:
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm",
      subscriptionId: "s",
      resourceGroup: "rg",
      name: "vm",
      kind: "virtualMachine",
    },
    settings: {
      timeLimitInSeconds,
      totalBytesPerSession: 1073741824,
      bytesToCapturePerPacket: 0,
      filters: [],
      storageAccountId: "x",
    },
    alert: { schema: "direct" },
    captureName: "cap",
  };
}

async function measure(orchestrator: OrchestrationHandler, timeLimit: number) {
  const run = await replay(orchestrator, {
    input: input(timeLimit),
    activities: scripted(timeLimit),
    start: START,
    maxEpisodes: 2000,
  });
  if (run.error) throw new Error(run.error);
  return {
    statusCalls: run.calls.filter((c) => c.name === "getCaptureStatus").length,
    historyEvents: run.history.length,
    noticedStopAfter: Math.round((run.finishedAt.getTime() - START.getTime()) / 1000) - timeLimit,
  };
}

export async function pollBench(): Promise<void> {
  console.log("poll schedule — baseline: naive poll every 60 s (same activities, same replay)");
  console.log(
    [
      "capture",
      "status calls (ours/naive)",
      "ratio",
      "history events (ours/naive)",
      "ratio",
      "stop seen after (ours/naive)",
    ].join(" | "),
  );
  for (const [label, limit] of [
    ["60 s", 60],
    ["1 h", 3600],
    ["5 h", 18000],
  ] as const) {
    const ours = await measure(captureOrchestrator, limit);
    const naive = await measure(naiveOrchestrator, limit);
    console.log(
      [
        label,
        `${ours.statusCalls}/${naive.statusCalls}`,
        (ours.statusCalls / naive.statusCalls).toFixed(2),
        `${ours.historyEvents}/${naive.historyEvents}`,
        (ours.historyEvents / naive.historyEvents).toFixed(2),
        `${ours.noticedStopAfter} s/${naive.noticedStopAfter} s`,
      ].join(" | "),
    );
  }
}

if (require.main === module) {
  pollBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
