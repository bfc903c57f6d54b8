/**
 * "Keep it running for the requested time even if our host restarts": the Functions host is
 * SIGKILLed in the middle of a real capture and started again; the orchestration resumes from
 * Azurite, the capture completes once, and the on-call people are told once.
 */
import type { CaptureReport } from "../../lib/workflow/contracts";
import {
  alertFor,
  durableHistory,
  loopbackTraffic,
  postAlert,
  readStatus,
  useTestStack,
  waitForEnd,
} from "./support/testStack";

jest.setTimeout(180_000);

const stack = useTestStack();

async function waitForPhase(statusUrl: string, phase: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = (await readStatus(statusUrl)) as { customStatus?: { phase?: string } };
    if (status.customStatus?.phase === phase) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`never reached phase ${phase}`);
}

test("SIGKILL mid-capture: the orchestration resumes after restart and completes exactly once", async () => {
  const traffic = await loopbackTraffic(50);
  try {
    const accepted = await postAlert(
      stack(),
      alertFor("survivor", {
        captureTimeLimitSeconds: "12",
        captureFilters: JSON.stringify([{ protocol: "TCP", localPort: String(traffic.port) }]),
      }),
    );
    expect(accepted.status).toBe(202);
    const statusUrl = String(accepted.body.statusQueryGetUri);
    await waitForPhase(statusUrl, "capturing", 30_000);
    const killedPid = stack().host.pid;

    await stack().crashAndRestartHost();
    expect(stack().host.pid).not.toBe(killedPid);

    const end = await waitForEnd(statusUrl, 120_000);
    expect(end.runtimeStatus).toBe("Completed");
    const report = end.output as CaptureReport;
    expect(report.outcome).toBe("succeeded");
    expect(report.blob?.sizeBytes).toBeGreaterThan(24);

    // The Durable HTTP API's history, as the extension shapes it: completions carry FunctionName.
    const history = { historyEvents: await durableHistory(stack(), String(accepted.body.id)) };
    const events = history.historyEvents.map((e) => e.EventType);
    expect(events.filter((e) => e === "ExecutionCompleted")).toHaveLength(1);
    const completed = (name: string) =>
      history.historyEvents.filter(
        (e) => e.EventType === "TaskCompleted" && e.FunctionName === name,
      ).length;
    expect(completed("startCapture")).toBe(1);
    expect(completed("notify")).toBe(3); // one per channel: webhook, Teams, Slack

    await stack().sink.waitFor(
      (n) =>
        n.channel === "generic" &&
        (n.body as { instanceId?: string }).instanceId === accepted.body.id,
      10_000,
    );
    const notices = stack()
      .sink.received()
      .filter(
        (n) =>
          n.channel === "generic" &&
          (n.body as { instanceId?: string }).instanceId === accepted.body.id,
      );
    expect(notices).toHaveLength(1);
    expect(stack().arm.sessions()).toEqual([]);
  } finally {
    await traffic.stop();
  }
});
