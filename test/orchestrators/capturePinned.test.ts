/**
 * Behaviour of the capture orchestrator that the mutation run showed unpinned: cancelling while
 * the region is full, the summarize switch, notify and verify failures, the progress phases, the
 * default policy and the retry policies — each with the exact values the design promises.
 */
import captureOrchestrator from "../../orchestrators/captureOrchestrator";
import { DEFAULT_POLICY } from "../../lib/domain/orchestrationPolicy";
import { plannedPolls } from "../../lib/domain/pollSchedule";
import type { CaptureRequest } from "../../lib/domain/types";
import type { CaptureReport } from "../../lib/workflow/contracts";
import { replay, type ReplayRun } from "../support/replayHarness";
import {
  START,
  WATCHER,
  activities,
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

const fullRegion = () =>
  ok({ region: "westeurope", watcher: WATCHER, running: 10, limit: 10, available: false });

/** Seconds from the start at which `activity` was called, one entry per attempt. */
function callTimes(run: ReplayRun, activity: string, channel?: string): number[] {
  return run.calls
    .filter((c) => c.name === activity)
    .filter((c) => !channel || (c.input as { channel: string }).channel === channel)
    .map((c) => secondsFromStart(c.at));
}

/** Gaps between consecutive entries: the retry spacing the policy produced. */
function gaps(times: number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!);
}

/** A request as an older or hand-made start sends it: no policy at all. */
function requestWithoutPolicy(timeLimitInSeconds = 300): CaptureRequest {
  const { policy: _policy, ...rest } = request(timeLimitInSeconds);
  return rest;
}

describe("capture orchestrator, pinned behaviour (replay)", () => {
  test("cancel while waiting for quota: outcome cancelled, nothing started, stopped or verified, notification says cancelled", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      events: [{ name: "cancel", atSecond: 30 }],
      activities: activities({ checkQuota: fullRegion }),
    });
    expect(run.error).toBeUndefined();
    expect((run.output as CaptureReport).outcome).toBe("cancelled");
    expect(names(run)).toEqual(["validateRequest", "checkQuota", "notify"]);
    expect(notified(run).outcome).toBe("cancelled");
    expect(notified(run).captureName).toBeUndefined();
    expect(secondsFromStart(run.finishedAt)).toBe(30);
  });

  test("summarize: false skips summarizeCapture; the report has no summary", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(300, { summarize: false }),
      start: START,
      activities: activities(),
    });
    expect(names(run)).not.toContain("summarizeCapture");
    expect(names(run).slice(-2)).toEqual(["verifyCaptureBlob", "notify"]);
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("succeeded");
    expect(report.summary).toBeUndefined();
  });

  test("a channel failing for good: the others are still notified, notifyError names it, the outcome stays succeeded", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({
        notify: (input) => {
          const { channel } = input as { channel: string };
          if (channel === "teams") throw new Error("Teams 403 Forbidden");
          return ok({ delivered: [channel] });
        },
      }),
    });
    expect(run.error).toBeUndefined();
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("succeeded");
    expect(report.notifyError).toBe(
      "teams: RetriesExhausted: notify kept failing: Teams 403 Forbidden",
    );
    expect(callTimes(run, "notify", "webhook")).toHaveLength(1);
    expect(callTimes(run, "notify", "slack")).toHaveLength(1);
    expect(callTimes(run, "notify", "teams")).toHaveLength(4);
  });

  test("a permanent verify failure fails in phase verifyCaptureBlob, not retried, and deletes the capture", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({ verifyCaptureBlob: () => fail("BlobEmpty") }),
    });
    expect(run.error).toContain(
      "[verifyCaptureBlob] BlobEmpty: BlobEmpty happened Action: do something",
    );
    expect(callTimes(run, "verifyCaptureBlob")).toHaveLength(1);
    expect(names(run).slice(-3)).toEqual(["verifyCaptureBlob", "deleteCapture", "notify"]);
    expect(names(run)).not.toContain("stopCapture");
    expect(names(run)).not.toContain("summarizeCapture");
    expect(notified(run).failure).toEqual({
      code: "BlobEmpty",
      message: "BlobEmpty happened",
      action: "do something",
      phase: "verifyCaptureBlob",
    });
    expect(notified(run).outcome).toBe("failed");
    expect(run.statuses.at(-1)).toMatchObject({ phase: "failed" });
  });

  test("a summarize that keeps throwing: retries run out, the summary is degraded, the capture succeeds", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({ summarizeCapture: failsWith("heap out of memory") }),
    });
    expect(run.error).toBeUndefined();
    expect(callTimes(run, "summarizeCapture")).toHaveLength(5);
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("succeeded");
    expect(report.summary).toEqual({
      highlights: [],
      skippedReason: "summarizeCapture kept failing: heap out of memory",
    });
    expect(notified(run).summary).toEqual(report.summary);
  });

  // An activity answering outside its contract (here null) is a bug: it fails the capture as one,
  // never passing as a skipped summary, a full region or "no partial file".
  test.each([
    ["summarizeCapture", "summarizeCapture", {}],
    ["startCapture", "startCapture", {}],
    [
      "verifyCaptureBlob",
      "capturing",
      { getCaptureStatus: () => ok({ status: "Error", errors: ["AgentStopped"] }) },
    ],
  ])("%s answering null fails the capture in %s as a bug", async (activity, phase, script) => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({ ...script, [activity]: () => null }),
    });
    expect(run.error).toBe(
      `[${phase}] OrchestrationError: ${phase}: Cannot read properties of null (reading 'ok') ` +
        "Action: This is a bug in the capture orchestration; report it with the instance ID.",
    );
  });

  test("progress phases follow the flow in order, ending in done", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(300),
      start: START,
      activities: activities(),
    });
    const phases = run.statuses
      .map((s) => (s as { phase: string }).phase)
      .filter((phase, i, all) => phase !== all[i - 1]);
    expect(phases).toEqual([
      "validateRequest",
      "checkQuota",
      "resolveCaptureName",
      "startCapture",
      "capturing",
      "verifyCaptureBlob",
      "summarizeCapture",
      "notify",
      "done",
    ]);
    expect(run.customStatus).toMatchObject({ phase: "done", lastStatus: "succeeded" });
  });

  test("a failed run's phases go through compensating and notify to failed", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(300),
      start: START,
      activities: activities({ startCapture: () => fail("AgentMissing") }),
    });
    const phases = run.statuses
      .map((s) => (s as { phase: string }).phase)
      .filter((phase, i, all) => phase !== all[i - 1]);
    expect(phases.slice(-4)).toEqual(["startCapture", "compensating", "notify", "failed"]);
  });

  test("no policy in the request: DEFAULT_POLICY's quota re-check interval and wait budget apply", async () => {
    const run = await replay(captureOrchestrator, {
      input: requestWithoutPolicy(),
      start: START,
      activities: activities({ checkQuota: fullRegion }),
    });
    const { quotaRecheckSeconds, quotaWaitSeconds } = DEFAULT_POLICY;
    expect([quotaRecheckSeconds, quotaWaitSeconds]).toEqual([60, 900]);
    const checks = callTimes(run, "checkQuota");
    expect(checks).toEqual(
      Array.from({ length: quotaWaitSeconds / quotaRecheckSeconds + 1 }, (_, i) => i * 60),
    );
    expect(run.error).toContain(
      "[checkQuota] QuotaExceeded: the region stayed full for 900 s (10/10 sessions in westeurope)",
    );
  });

  test("no policy in the request: DEFAULT_POLICY's deadline grace (120 s) decides when we stop, and the summary runs", async () => {
    const run = await replay(captureOrchestrator, {
      input: requestWithoutPolicy(300),
      start: START,
      activities: activities({ getCaptureStatus: () => ok({ status: "Running", errors: [] }) }),
    });
    expect(DEFAULT_POLICY.deadlineGraceSeconds).toBe(120);
    const polls = callTimes(run, "getCaptureStatus");
    expect(polls.at(-1)).toBe(300 + 120);
    // Past the time limit the schedule polls every 15 s; the give-up poll lands on the deadline itself.
    expect(polls.filter((t) => t > 300)).toEqual([310, 325, 340, 355, 370, 385, 400, 415, 420]);
    expect(polls.filter((t) => t <= 300)).toEqual(plannedPolls(300).filter((t) => t <= 300));
    expect(callTimes(run, "stopCapture")).toEqual([420]);
    expect((run.output as CaptureReport).outcome).toBe("overran");
    expect(names(run)).toContain("summarizeCapture");
  });

  test("name conflict, our own stale capture replaced: starts once under our own name, status says replaced", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({
        resolveCaptureName: () => ok({ name: "alertcap-vm1-abc", resolution: "replaced" }),
      }),
    });
    const starts = run.calls.filter((c) => c.name === "startCapture");
    expect(starts.map((c) => (c.input as { name: string }).name)).toEqual(["alertcap-vm1-abc"]);
    expect((run.output as CaptureReport).captureName).toBe("alertcap-vm1-abc");
    expect(run.statuses).toContainEqual(
      expect.objectContaining({ phase: "capturing", resolution: "replaced" }),
    );
  });

  test("armRetry: 5 attempts, 5 s doubling (5, 10, 20, 40 s apart)", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({ startCapture: failsWith("ARM 503") }),
    });
    const starts = run.calls.filter((c) => c.name === "startCapture");
    expect(starts.map((c) => c.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(gaps(callTimes(run, "startCapture"))).toEqual([5, 10, 20, 40]);
    expect(run.error).toContain(
      "[startCapture] RetriesExhausted: startCapture kept failing: ARM 503",
    );
  });

  test("blobRetry: 7 attempts, 10 s doubling capped at 120 s", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({ verifyCaptureBlob: failsWith("BlobNotFound") }),
    });
    expect(gaps(callTimes(run, "verifyCaptureBlob"))).toEqual([10, 20, 40, 80, 120, 120]);
    expect(run.error).toContain(
      "[verifyCaptureBlob] BlobMissing: the capture file never appeared in storage: BlobNotFound",
    );
  });

  test("notifyRetry: 4 attempts per channel, 5 s doubling (5, 10, 20 s apart)", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({ notify: failsWith("Slack 500") }),
    });
    for (const channel of ["webhook", "teams", "slack"])
      expect(gaps(callTimes(run, "notify", channel))).toEqual([5, 10, 20]);
    expect((run.output as CaptureReport).notifyError).toBe(
      [
        "webhook: RetriesExhausted: notify kept failing: Slack 500",
        "teams: RetriesExhausted: notify kept failing: Slack 500",
        "slack: RetriesExhausted: notify kept failing: Slack 500",
      ].join("; "),
    );
  });

  test("the custom status says why each wait and each step happens", async () => {
    let checks = 0;
    const run = await replay(captureOrchestrator, {
      input: request(3600),
      start: START,
      events: [{ name: "cancel", atSecond: 200 }],
      activities: activities({
        checkQuota: () =>
          ++checks === 1 ? fullRegion() : activities().checkQuota!(null, { at: START, attempt: 1 }),
        resolveCaptureName: () => ok({ name: "alertcap-vm1-abc-2", resolution: "suffixed" }),
      }),
    });
    expect(run.statuses).toContainEqual(
      expect.objectContaining({
        phase: "waitingForQuota",
        lastStatus: "10/10 sessions in westeurope",
      }),
    );
    expect(run.statuses).toContainEqual(
      expect.objectContaining({ phase: "startCapture", captureName: "alertcap-vm1-abc-2" }),
    );
    expect(run.statuses).toContainEqual(
      expect.objectContaining({ phase: "stopCapture", lastStatus: "cancelled" }),
    );
    expect(run.customStatus).toMatchObject({
      phase: "done",
      lastStatus: "cancelled",
      captureName: "alertcap-vm1-abc-2",
    });
  });

  test("a failure's status names its code while compensating and its whole reason at the end", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({ startCapture: () => fail("AgentMissing") }),
    });
    expect(run.statuses).toContainEqual(
      expect.objectContaining({ phase: "compensating", lastStatus: "AgentMissing" }),
    );
    expect(run.customStatus).toEqual(
      expect.objectContaining({
        phase: "failed",
        lastStatus: "[startCapture] AgentMissing: AgentMissing happened Action: do something",
      }),
    );
    expect(notified(run).cleanupError).toBeUndefined();
  });

  test("every cleanup step that fails is named, in order, in cleanupError", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({
        startCapture: () => fail("AgentMissing"),
        stopCapture: () => fail("StopFailed"),
        deleteCapture: () => fail("DeleteFailed"),
      }),
    });
    expect(notified(run).cleanupError).toBe(
      "stopCapture alertcap-vm1-abc: StopFailed: StopFailed happened; deleteCapture alertcap-vm1-abc: DeleteFailed: DeleteFailed happened",
    );
  });

  test("notify: false sends nothing and the capture still succeeds", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(300, { notify: false }),
      start: START,
      activities: activities(),
    });
    expect(names(run)).not.toContain("notify");
    expect(names(run).at(-1)).toBe("summarizeCapture");
    expect((run.output as CaptureReport).outcome).toBe("succeeded");
  });

  test.each<[string, string[], string]>([
    ["with its errors", ["DiskFull", "AgentCrashed"], "DiskFull, AgentCrashed"],
    ["without any detail", [], "no error detail"],
  ])("a capture Network Watcher reports failed %s fails naming them", async (_, errors, said) => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({ getCaptureStatus: () => ok({ status: "Error", errors }) }),
    });
    expect(run.error).toBe(
      `[getCaptureStatus] CaptureFailed: Network Watcher reports the capture failed: ${said} Action: Check the Network Watcher agent extension on the VM and its outbound access to storage (443), 169.254.169.254:80 and 168.63.129.16:8037, then re-run.`,
    );
    expect(names(run)).not.toContain("verifyCaptureBlob");
  });

  test("a lost agent's file is looked for once only: a blob still missing is not waited for", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      activities: activities({
        getCaptureStatus: () => ok({ status: "Error", errors: ["AgentStopped"] }),
        verifyCaptureBlob: failsWith("BlobNotFound"),
      }),
    });
    expect(callTimes(run, "verifyCaptureBlob")).toHaveLength(1);
    expect(run.error).toContain(
      "[getCaptureStatus] CaptureFailed: Network Watcher reports the capture failed: AgentStopped",
    );
  });

  test("an instance started on 2.0 fails at once on a lost agent, as it did then: no look for a partial file", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(),
      start: START,
      version: "2.0",
      activities: activities({
        getCaptureStatus: () => ok({ status: "Error", errors: ["AgentStopped"] }),
      }),
    });
    expect(names(run)).not.toContain("verifyCaptureBlob");
    expect(run.error).toContain("[getCaptureStatus] CaptureFailed");
  });
});
