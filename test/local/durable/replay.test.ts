// LOCAL DEV/TEST INFRASTRUCTURE — the extension's action replay (sequence numbers, retries, Task.all/any, events) in isolation.
import { events, type HistoryEvent } from "../../../local/durable/historyEvents";
import {
  type Action,
  ActionType,
  type OrchestratorOutcome,
} from "../../../local/durable/orchestratorResult";
import { decideEpisode } from "../../../local/durable/replay";

const t0 = "2026-01-01T00:00:00.000Z";
const at = (seconds: number): string => new Date(Date.parse(t0) + seconds * 1000).toISOString();
const activity = (name: string, input?: unknown): Action => ({
  actionType: ActionType.CallActivity,
  functionName: name,
  input,
});
const timer = (fireAt: string, isCanceled = false): Action => ({
  actionType: ActionType.CreateTimer,
  fireAt,
  isCanceled,
});
const waitFor = (name: string): Action => ({
  actionType: ActionType.WaitForExternalEvent,
  externalEventName: name,
});
const running = (
  actions: Action[],
  extra: Partial<OrchestratorOutcome["state"]> = {},
): OrchestratorOutcome => ({ state: { isDone: false, actions: [actions], ...extra } });
const start: HistoryEvent[] = [
  events.orchestratorStarted(t0),
  events.executionStarted(t0, "orch", "null", "i", "e", ""),
];

describe("decideEpisode", () => {
  it("numbers scheduling actions in order, compound children depth-first, and reports only what history lacks", () => {
    const actions = [
      activity("a"),
      {
        actionType: ActionType.WhenAll,
        compoundActions: [activity("b"), timer(at(60)), activity("c")],
      },
    ];
    const history = [
      ...start,
      events.taskScheduled(t0, 0, "a", "null"),
      events.orchestratorStarted(at(1)),
      events.taskCompleted(at(1), 0, '"x"'),
    ];
    const decision = decideEpisode(history, running(actions), "orch");
    expect(decision.newWork).toEqual([
      { kind: "activity", id: 1, name: "b", input: "null" },
      { kind: "timer", id: 2, fireAt: at(60) },
      { kind: "activity", id: 3, name: "c", input: "null" },
    ]);
    expect(decision.outcome).toEqual({ kind: "running" });
  });

  it("like .NET Task.WhenAll, waits for every child even after one failed before replaying further actions", () => {
    const actions = [
      { actionType: ActionType.WhenAll, compoundActions: [activity("a"), activity("b")] },
      activity("after"),
    ];
    const history = [
      ...start,
      events.taskScheduled(t0, 0, "a", "null"),
      events.taskScheduled(t0, 1, "b", "null"),
      events.orchestratorStarted(at(1)),
      events.taskFailed(at(1), 0, "boom", null),
    ];
    expect(decideEpisode(history, running(actions), "orch").newWork).toEqual([]);
  });

  it("retries like DurableTask.Core's RetryInterceptor: failure → retry timer (backoff, capped) → next attempt, each with its own id", () => {
    const retry: Action = {
      actionType: ActionType.CallActivityWithRetry,
      functionName: "flaky",
      retryOptions: {
        firstRetryIntervalInMilliseconds: 10_000,
        maxNumberOfAttempts: 3,
        backoffCoefficient: 3,
        maxRetryIntervalInMilliseconds: 20_000,
      },
    };
    let history = [
      ...start,
      events.taskScheduled(t0, 0, "flaky", "null"),
      events.orchestratorStarted(at(5)),
      events.taskFailed(at(5), 0, "r", null),
    ];
    expect(decideEpisode(history, running([retry]), "orch").newWork).toEqual([
      { kind: "timer", id: 1, fireAt: at(15) },
    ]);
    history = [
      ...history,
      events.timerCreated(at(5), 1, at(15)),
      events.orchestratorStarted(at(15)),
      events.timerFired(at(15), 1, at(15)),
    ];
    expect(decideEpisode(history, running([retry]), "orch").newWork).toEqual([
      { kind: "activity", id: 2, name: "flaky", input: "null" },
    ]);
    history = [
      ...history,
      events.taskScheduled(at(15), 2, "flaky", "null"),
      events.orchestratorStarted(at(16)),
      events.taskFailed(at(16), 2, "r", null),
    ];
    // Second retry delay: 10 s × 3 = 30 s, capped at 20 s.
    expect(decideEpisode(history, running([retry]), "orch").newWork).toEqual([
      { kind: "timer", id: 3, fireAt: at(36) },
    ]);
  });

  it("stops retrying once retryTimeout has passed, without a timer", () => {
    const retry: Action = {
      actionType: ActionType.CallActivityWithRetry,
      functionName: "f",
      retryOptions: {
        firstRetryIntervalInMilliseconds: 1000,
        maxNumberOfAttempts: 5,
        retryTimeoutInMilliseconds: 3000,
      },
    };
    const history = [
      ...start,
      events.taskScheduled(t0, 0, "f", "null"),
      events.orchestratorStarted(at(4)),
      events.taskFailed(at(4), 0, "r", null),
    ];
    const done: OrchestratorOutcome = {
      state: { isDone: false, actions: [[retry]], error: "gave up" },
    };
    expect(decideEpisode(history, done, "orch")).toMatchObject({
      newWork: [],
      outcome: { kind: "failed", output: "Orchestrator function 'orch' failed: gave up" },
    });
  });

  it("buffers events raised before the wait and matches names case-insensitively", () => {
    const history = [
      ...start,
      events.orchestratorStarted(at(1)),
      events.eventRaised(at(1), "Approve", '"ok"'),
    ];
    const outcome: OrchestratorOutcome = {
      state: { isDone: true, actions: [[activity("a", 1)]], output: 1 },
    };
    const history2 = [
      ...history,
      events.taskScheduled(at(1), 0, "a", "1"),
      events.orchestratorStarted(at(2)),
      events.taskCompleted(at(2), 0, "1"),
    ];
    const actions = [waitFor("approve"), activity("a", 1)];
    expect(decideEpisode(history, running(actions), "orch").newWork).toEqual([
      { kind: "activity", id: 0, name: "a", input: "1" },
    ]);
    expect(
      decideEpisode(
        history2,
        { ...outcome, state: { ...outcome.state, actions: [actions] } },
        "orch",
      ).outcome,
    ).toEqual({ kind: "completed", output: "1" });
  });

  it("reports cancelled timers and lets a Task.any with a cancelled loser complete", () => {
    const actions = [
      { actionType: ActionType.WhenAny, compoundActions: [waitFor("go"), timer(at(3600), true)] },
    ];
    const history = [
      ...start,
      events.timerCreated(t0, 0, at(3600)),
      events.orchestratorStarted(at(1)),
      events.eventRaised(at(1), "go", null),
    ];
    const decision = decideEpisode(
      history,
      { state: { isDone: true, actions: [actions], output: "done" } },
      "orch",
    );
    expect(decision.cancelledTimerIds).toEqual([0]);
    expect(decision.outcome).toEqual({ kind: "completed", output: '"done"' });
  });

  it("completes with continue-as-new input", () => {
    const actions: Action[] = [{ actionType: ActionType.ContinueAsNew, input: { n: 2 } }];
    expect(
      decideEpisode(start, { state: { isDone: true, actions: [actions] } }, "orch").outcome,
    ).toEqual({ kind: "continuedAsNew", input: '{"n":2}' });
  });

  it("fails on a history the replay did not schedule (non-determinism) and on actions it does not emulate", () => {
    const history = [...start, events.taskScheduled(t0, 0, "other", "null")];
    expect(decideEpisode(history, running([activity("a")]), "orch").outcome).toMatchObject({
      kind: "failed",
      output: expect.stringContaining("Non-Deterministic"),
    });
    const sub: Action = { actionType: ActionType.CallSubOrchestrator, functionName: "child" };
    expect(decideEpisode(start, running([sub]), "orch").outcome).toMatchObject({
      kind: "failed",
      output: expect.stringContaining("CallSubOrchestrator"),
    });
  });
});
