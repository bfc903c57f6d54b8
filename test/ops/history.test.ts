import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describeResult, summarizeHistory } from "../../lib/ops/history";

/** A real `historyEvents` answer (local engine, Durable HTTP API shape): a capture cancelled by ops. */
const cancelled = JSON.parse(
  readFileSync(join(__dirname, "fixtures", "history-cancelled.json"), "utf8"),
) as unknown[];

describe("history summary", () => {
  test("a cancelled capture reads as what happened, in order", () => {
    const summary = summarizeHistory(cancelled);
    expect(summary.eventCount).toBe(cancelled.length);
    expect(summary.timeline.map((t) => t.text.split(/[ :]/)[0])).toEqual([
      "started",
      "checkQuota",
      "resolveCaptureName",
      "startCapture",
      "timer",
      "getCaptureStatus",
      "event",
      "stopCapture",
      "verifyCaptureBlob",
      "summarizeCapture",
      "notify",
      "ended",
    ]);
    const text = summary.timeline.map((t) => t.text).join("\n");
    expect(text).toContain("started captureOrchestrator");
    expect(text).toContain("getCaptureStatus answered in");
    expect(text).toContain("status=Running");
    expect(text).toContain("event 'cancel' received");
    expect(text).toContain("ended Completed: instanceId=");
    expect(text).toContain("outcome=cancelled");
    expect(summary.eventsReceived).toEqual(["cancel"]);
    expect(summary.timersFired).toBe(1);
    expect(summary.activities.map((a) => a.name)).toEqual([
      "checkQuota",
      "resolveCaptureName",
      "startCapture",
      "getCaptureStatus",
      "stopCapture",
      "verifyCaptureBlob",
      "summarizeCapture",
      "notify",
    ]);
    expect(summary.activities.every((a) => a.completed === 1 && a.failed === 0)).toBe(true);
    expect(summary.timeline.every((t) => !Number.isNaN(Date.parse(t.at)))).toBe(true);
  });

  test("the raw task-hub form (numeric EventType, names only on TaskScheduled) reads the same", () => {
    const raw = [
      { EventType: 12, EventId: -1, Timestamp: "2026-03-10T12:00:00.000Z" },
      {
        EventType: 0,
        EventId: -1,
        Name: "captureOrchestrator",
        Timestamp: "2026-03-10T12:00:00.000Z",
      },
      { EventType: 4, EventId: 0, Name: "checkQuota", Timestamp: "2026-03-10T12:00:00.100Z" },
      {
        EventType: 6,
        EventId: -1,
        TaskScheduledId: 0,
        Reason: "ARM answered 503",
        Timestamp: "2026-03-10T12:00:01.100Z",
      },
      { EventType: 4, EventId: 1, Name: "checkQuota", Timestamp: "2026-03-10T12:00:06.000Z" },
      {
        EventType: 5,
        EventId: -1,
        TaskScheduledId: 1,
        Result: JSON.stringify({
          ok: false,
          failure: { code: "QuotaExceeded", message: "10 sessions running" },
        }),
        Timestamp: "2026-03-10T12:00:06.500Z",
      },
      { EventType: 15, EventId: -1, Name: "cancel", Timestamp: "2026-03-10T12:00:07.000Z" },
      {
        EventType: 1,
        EventId: -1,
        OrchestrationStatus: 3,
        Result:
          "Orchestrator function 'captureOrchestrator' failed: [checkQuota] QuotaExceeded: 10 sessions running",
        Timestamp: "2026-03-10T12:00:08.000Z",
      },
    ];
    const summary = summarizeHistory(raw);
    expect(summary.timeline.map((t) => t.text)).toEqual([
      "started captureOrchestrator",
      "checkQuota threw (durable retry follows if attempts remain): ARM answered 503",
      "checkQuota answered: permanent failure QuotaExceeded: 10 sessions running",
      "event 'cancel' received",
      "ended Failed: [checkQuota] QuotaExceeded: 10 sessions running",
    ]);
    expect(summary.activities).toEqual([
      { name: "checkQuota", completed: 1, failed: 1, seconds: 0 },
    ]);
  });

  test("a long history keeps its start and end and says how much was left out", () => {
    const polls = Array.from({ length: 400 }, (_, i) => ({
      EventType: "TimerFired",
      Timestamp: new Date(Date.UTC(2026, 2, 10, 12, 0, i)).toISOString(),
    }));
    const summary = summarizeHistory([
      {
        EventType: "ExecutionStarted",
        FunctionName: "captureOrchestrator",
        Timestamp: "2026-03-10T11:59:59Z",
      },
      ...polls,
    ]);
    expect(summary.timersFired).toBe(400);
    expect(summary.timeline).toHaveLength(160);
    expect(summary.omitted).toBe(401 - 160);
    expect(summary.timeline[0]?.text).toBe("started captureOrchestrator");
    expect(summary.timeline.at(-1)?.at).toBe(polls.at(-1)?.Timestamp);
  });

  test("junk entries are skipped, not fatal", () => {
    expect(summarizeHistory([null, 3, "x", { EventType: "Mystery" }]).timeline).toEqual([
      { at: "", event: "Mystery", text: "Mystery" },
    ]);
  });

  test("activity answers in a few words", () => {
    expect(
      describeResult({
        ok: true,
        value: { status: "Stopped", stopReason: "TimeExceeded", errors: [] },
      }),
    ).toBe("status=Stopped stopReason=TimeExceeded");
    expect(describeResult({ ok: true })).toBe("ok");
    expect(describeResult(null)).toBe("");
    expect(describeResult("plain text")).toBe("plain text");
  });
});
