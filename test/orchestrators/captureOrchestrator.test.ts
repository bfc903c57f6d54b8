import captureOrchestrator from "../../orchestrators/captureOrchestrator";
import { plannedPolls } from "../../lib/domain/pollSchedule";
import type { CaptureRequest } from "../../lib/domain/types";
import type { CaptureReport } from "../../lib/workflow/contracts";
import { replay } from "../support/replayHarness";
import {
  START,
  WATCHER,
  activities,
  expectRefusedFirst,
  fail,
  failsWith,
  names,
  notified,
  ok,
  request,
  secondsFromStart,
  useCaptureAppSettings,
} from "./support/captureScript";

useCaptureAppSettings();

describe("captureOrchestrator (durable-functions replay)", () => {
  test("happy path: quota → name → start → polls on the schedule → blob → summary → notify", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(300),
      activities: activities(),
      start: START,
    });
    expect(run.error).toBeUndefined();
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("succeeded");
    const polls = run.calls.filter((c) => c.name === "getCaptureStatus");
    expect(polls.map((c) => secondsFromStart(c.at))).toEqual(plannedPolls(300));
    expect(names(run).filter((n) => n !== "getCaptureStatus")).toEqual([
      "validateRequest",
      "checkQuota",
      "resolveCaptureName",
      "startCapture",
      "verifyCaptureBlob",
      "summarizeCapture",
      "notify",
    ]);
    expect(report.pollCount).toBe(polls.length);
    expect(report.summary?.highlights).toHaveLength(1);
    expect(notified(run).outcome).toBe("succeeded");
    expect(run.customStatus).toMatchObject({
      phase: "done",
      polls: polls.length,
      captureName: "alertcap-vm1-abc",
    });
  });

  test("every channel is notified by its own activity call, so one channel's retry never re-posts another", async () => {
    let teamsAttempts = 0;
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({
        notify: (input) => {
          if ((input as { channel: string }).channel === "teams" && ++teamsAttempts === 1)
            throw new Error("Teams 503");
          return ok({ delivered: [(input as { channel: string }).channel] });
        },
      }),
    });
    const notifyCalls = run.calls
      .filter((c) => c.name === "notify")
      .map((c) => `${(c.input as { channel: string }).channel}#${c.attempt}`);
    expect(notifyCalls).toEqual(["webhook#1", "teams#1", "teams#2", "slack#1"]);
    expect((run.output as CaptureReport).notifyError).toBeUndefined();
  });

  test("custom status shows progress while capturing", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(300),
      activities: activities(),
      start: START,
    });
    const capturing = run.statuses.filter(
      (s) => (s as { phase?: string })?.phase === "capturing",
    ) as Array<{ polls: number; expectedEnd: string }>;
    expect(capturing.length).toBeGreaterThan(3);
    expect(capturing[0]!.expectedEnd).toBe(new Date(START.getTime() + 300_000).toISOString());
    expect(Math.max(...capturing.map((s) => s.polls))).toBeGreaterThan(1);
  });

  test("early stop (byte limit) is noticed within about twice the elapsed time", async () => {
    const stopAt = 100;
    const run = await replay(captureOrchestrator, {
      input: request(3600),
      start: START,
      activities: activities({
        getCaptureStatus: (_i, { at }) =>
          ok(
            secondsFromStart(at) >= stopAt
              ? { status: "Stopped", stopReason: "TotalBytesExceeded", errors: [] }
              : { status: "Running", errors: [] },
          ),
      }),
    });
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("stoppedEarly");
    const seenAt = secondsFromStart(
      run.calls.filter((c) => c.name === "getCaptureStatus").pop()!.at,
    );
    expect(seenAt).toBeGreaterThanOrEqual(stopAt);
    expect(seenAt).toBeLessThanOrEqual(2 * stopAt + 10);
    expect(names(run)).not.toContain("stopCapture");
  });

  test("agent missing at start: compensates, notifies the failure, and fails with an actionable reason", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({ startCapture: () => fail("AgentMissing") }),
    });
    expect(run.error).toContain("AgentMissing");
    expect(run.error).toContain("do something");
    expect(names(run)).toEqual([
      "validateRequest",
      "checkQuota",
      "resolveCaptureName",
      "startCapture",
      "stopCapture",
      "deleteCapture",
      "notify",
    ]);
    const report = notified(run);
    expect(report.outcome).toBe("failed");
    expect(report.failure).toMatchObject({ code: "AgentMissing", phase: "startCapture" });
  });

  test("cleanup that fails too is named in the report, not swallowed", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({
        startCapture: () => fail("AgentMissing"),
        deleteCapture: () => fail("DeleteFailed"),
      }),
    });
    expect(run.error).toContain("[startCapture] AgentMissing");
    expect(notified(run).cleanupError).toBe(
      "deleteCapture alertcap-vm1-abc: DeleteFailed: DeleteFailed happened",
    );
  });

  test("immediate capture error is seen within ~30 s", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(18000),
      start: START,
      activities: activities({
        getCaptureStatus: () => ok({ status: "Error", errors: ["AgentStopped"], stopReason: "" }),
        // The agent stopped before writing anything: no file.
        verifyCaptureBlob: () => fail("BlobMissing"),
      }),
    });
    expect(run.error).toContain("CaptureFailed");
    expect(run.error).toContain("AgentStopped");
    const poll = run.calls.find((c) => c.name === "getCaptureStatus")!;
    expect(secondsFromStart(poll.at)).toBeLessThanOrEqual(30);
    expect(names(run).slice(-3)).toEqual(["stopCapture", "deleteCapture", "notify"]);
  });

  test("agent lost mid-capture with part of the file in storage: one look, then delivered as partial", async () => {
    let polls = 0;
    const run = await replay(captureOrchestrator, {
      input: request(600),
      start: START,
      activities: activities({
        getCaptureStatus: () =>
          ok(
            ++polls < 3
              ? { status: "Running", errors: [] }
              : { status: "Error", errors: ["AgentStopped"], stopReason: "" },
          ),
      }),
    });
    expect(run.error).toBeUndefined();
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("partial");
    expect(report.blob).toMatchObject({ sizeBytes: 4096 });
    expect(names(run).slice(-4)).toEqual([
      "getCaptureStatus",
      "verifyCaptureBlob",
      "summarizeCapture",
      "notify",
    ]);
    expect(run.calls.filter((c) => c.name === "verifyCaptureBlob")).toHaveLength(1);
    expect(run.calls.filter((c) => c.name === "stopCapture" || c.name === "deleteCapture")).toEqual(
      [],
    );
    expect(notified(run).outcome).toBe("partial");
  });

  test("quota full, then freed: re-checks on durable timers, then captures", async () => {
    let checks = 0;
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({
        checkQuota: () =>
          ok({
            region: "westeurope",
            watcher: WATCHER,
            running: 10000,
            limit: 10000,
            available: ++checks >= 3,
          }),
      }),
    });
    expect((run.output as CaptureReport).outcome).toBe("succeeded");
    const quotaCalls = run.calls
      .filter((c) => c.name === "checkQuota")
      .map((c) => secondsFromStart(c.at));
    expect(quotaCalls).toEqual([0, 60, 120]);
    expect(run.statuses.some((s) => (s as { phase?: string })?.phase === "waitingForQuota")).toBe(
      true,
    );
  });

  test("quota never frees: fails with QuotaExceeded after the bounded wait, nothing started", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(300, { quotaWaitSeconds: 300 }),
      start: START,
      activities: activities({
        checkQuota: () =>
          ok({
            region: "westeurope",
            watcher: WATCHER,
            running: 10000,
            limit: 10000,
            available: false,
          }),
      }),
    });
    expect(run.error).toContain("QuotaExceeded");
    expect(names(run)).not.toContain("startCapture");
    expect(names(run)).not.toContain("deleteCapture");
    expect(run.calls.filter((c) => c.name === "checkQuota")).toHaveLength(6);
    expect(notified(run).failure?.code).toBe("QuotaExceeded");
  });

  test("ARM refuses the start at the session limit (raced past checkQuota): waits, re-checks, captures", async () => {
    let starts = 0;
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({
        startCapture: (_i, { at }) =>
          ++starts === 1
            ? fail("QuotaExceeded")
            : activities().startCapture!(_i, { at, attempt: 1 }),
      }),
    });
    expect((run.output as CaptureReport).outcome).toBe("succeeded");
    expect(names(run).slice(1, 7)).toEqual([
      "checkQuota",
      "resolveCaptureName",
      "startCapture",
      "checkQuota",
      "resolveCaptureName",
      "startCapture",
    ]);
    expect(secondsFromStart(run.calls.filter((c) => c.name === "checkQuota")[1]!.at)).toBe(60);
  });

  test("retries running out in resolveCaptureName fail in that phase", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({
        resolveCaptureName: failsWith("ARM 503"),
      }),
    });
    expect(run.error).toContain("[resolveCaptureName] RetriesExhausted");
    expect(names(run)).not.toContain("startCapture");
  });

  test("name conflict, our target's capture already running: adopts it instead of starting another", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({
        resolveCaptureName: () => ok({ name: "alertcap-vm1-abc", resolution: "adopted" }),
      }),
    });
    expect(names(run)).not.toContain("startCapture");
    expect((run.output as CaptureReport).outcome).toBe("succeeded");
  });

  test("name conflict, held by another target's capture: starts under the suffixed name", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({
        resolveCaptureName: () => ok({ name: "alertcap-vm1-abc-2", resolution: "suffixed" }),
      }),
    });
    const start = run.calls.find((c) => c.name === "startCapture")!;
    expect((start.input as { name: string }).name).toBe("alertcap-vm1-abc-2");
    expect((run.output as CaptureReport).captureName).toBe("alertcap-vm1-abc-2");
  });

  test("cancel event: stops gracefully, still verifies the partial file and notifies", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(3600),
      start: START,
      events: [{ name: "cancel", atSecond: 45 }],
      activities: activities(),
    });
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("cancelled");
    const stop = run.calls.find((c) => c.name === "stopCapture")!;
    expect(secondsFromStart(stop.at)).toBe(45);
    expect(names(run).slice(-4)).toEqual([
      "stopCapture",
      "verifyCaptureBlob",
      "summarizeCapture",
      "notify",
    ]);
  });

  test("deadline overrun: stops the capture itself past time limit + grace, verifies and notifies", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(300, { deadlineGraceSeconds: 120 }),
      start: START,
      activities: activities({ getCaptureStatus: () => ok({ status: "Running", errors: [] }) }),
    });
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("overran");
    const stop = run.calls.find((c) => c.name === "stopCapture")!;
    expect(secondsFromStart(stop.at)).toBeGreaterThanOrEqual(420);
    expect(secondsFromStart(stop.at)).toBeLessThanOrEqual(420 + 20);
    expect(names(run)).toContain("verifyCaptureBlob");
    expect(notified(run).outcome).toBe("overran");
  });

  test("blob never appears: retried while uploading, then BlobMissing with compensation and failure notification", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({
        verifyCaptureBlob: failsWith("BlobNotFound: still uploading"),
      }),
    });
    expect(run.error).toContain("BlobMissing");
    expect(run.calls.filter((c) => c.name === "verifyCaptureBlob")).toHaveLength(7);
    expect(names(run).slice(-2)).toEqual(["deleteCapture", "notify"]);
    expect(names(run)).not.toContain("stopCapture");
    expect(notified(run).failure?.phase).toBe("verifyCaptureBlob");
  });

  test("transient failure retried, then a permanent one: compensates and fails once", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({
        startCapture: (_i, { attempt }) => {
          if (attempt === 1) throw new Error("ARM 503 ServiceUnavailable");
          return fail("InvalidStorage");
        },
      }),
    });
    const starts = run.calls.filter((c) => c.name === "startCapture");
    expect(starts.map((c) => c.attempt)).toEqual([1, 2]);
    expect(secondsFromStart(starts[1]!.at) - secondsFromStart(starts[0]!.at)).toBe(5);
    expect(run.error).toContain("InvalidStorage");
    expect(names(run).slice(-3)).toEqual(["stopCapture", "deleteCapture", "notify"]);
  });

  test("transient failures past the retry budget fail the instance with RetriesExhausted", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({
        getCaptureStatus: failsWith("ARM 429 TooManyRequests"),
      }),
    });
    expect(run.calls.filter((c) => c.name === "getCaptureStatus")).toHaveLength(5);
    expect(run.error).toContain("RetriesExhausted");
    expect(run.error).toContain("TooManyRequests");
    expect(notified(run).failure?.phase).toBe("getCaptureStatus");
  });

  test("a failing summary degrades the notification, never the capture", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({ summarizeCapture: () => fail("TooLarge") }),
    });
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("succeeded");
    expect(report.summary).toEqual({ highlights: [], skippedReason: "TooLarge happened" });
  });

  test("a 5-hour capture keeps history bounded", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(18000),
      activities: activities({}, 18000),
      start: START,
    });
    expect((run.output as CaptureReport).outcome).toBe("succeeded");
    expect(run.calls.filter((c) => c.name === "getCaptureStatus").length).toBeLessThanOrEqual(30);
    expect(run.history.length).toBeLessThan(400);
  });
});

describe("forged input (started directly through the Durable HTTP API) fails closed", () => {
  const EVIL_VM =
    "/subscriptions/evil/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1";
  const base = request();
  test.each<[string, CaptureRequest, string]>([
    [
      "a VM in another subscription",
      {
        ...base,
        target: { ...base.target, resourceId: EVIL_VM, subscriptionId: "evil" },
      },
      "target.resourceId: target /subscriptions/evil/",
    ],
    [
      "target fields that disagree with its ARM ID",
      { ...base, target: { ...base.target, subscriptionId: "evil" } },
      "target: the target's fields do not match",
    ],
    [
      "a storage account outside the allow-list",
      {
        ...base,
        settings: {
          ...base.settings,
          storageAccountId:
            "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/exfil",
        },
      },
      "settings.storageAccountId: storage account is neither",
    ],
    [
      "a time limit beyond Network Watcher's range",
      { ...base, settings: { ...base.settings, timeLimitInSeconds: 99999 } },
      "captureTimeLimitSeconds",
    ],
    [
      "a watcher in another subscription",
      { ...base, watcher: { ...WATCHER, subscriptionId: "evil" } },
      "watcher.subscriptionId",
    ],
  ])(
    "%s: Failed with the reason, nothing but the check and the notification",
    async (_, input, reason) => {
      const run = await replay(captureOrchestrator, {
        input,
        start: START,
        activities: activities(),
      });
      expectRefusedFirst(run, "validateRequest", reason);
    },
  );

  test("an input without a capture request's shape fails before any activity", async () => {
    const run = await replay(captureOrchestrator, {
      input: { target: "/subscriptions/evil" },
      start: START,
      activities: activities(),
    });
    expect(run.error).toContain("[validateRequest] RequestRefused: target:");
    expect(run.calls).toEqual([]);
  });
});
