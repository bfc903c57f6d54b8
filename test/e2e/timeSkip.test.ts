/**
 * The time-skipping clock on the real capture orchestration: a 5-hour capture's durable timers
 * fire as soon as nothing else is runnable, so the whole schedule replays in seconds. The
 * emulator's tcpdump runs on real time, so the session is still running when virtual time passes
 * the deadline: the orchestrator stops it itself (outcome "overran"), verifies and notifies. A
 * flight recorder's 7-day session does the same in 12-h generations (continueAsNew).
 */
import type { CaptureReport } from "../../lib/workflow/contracts";
import { plannedPolls } from "../../lib/domain/pollSchedule";
import { alertFor, postAlert, useTestStack, waitForEnd } from "./support/testStack";

jest.setTimeout(300_000);

// Alerts may ask for at most an hour unless the app raises its cap (CAPTURE_MAX_TIME_LIMIT_SECONDS).
const stack = useTestStack({
  clock: "skip",
  appSettings: { CAPTURE_MAX_TIME_LIMIT_SECONDS: "18000" },
});

test("a 5-hour capture orchestration completes in seconds; history size and activity counts reported", async () => {
  const started = Date.now();
  const accepted = await postAlert(
    stack(),
    alertFor("five-hours", { captureTimeLimitSeconds: "18000" }),
  );
  expect(accepted.status).toBe(202);
  const end = await waitForEnd(String(accepted.body.statusQueryGetUri), 90_000);
  const seconds = (Date.now() - started) / 1000;
  expect(end.runtimeStatus).toBe("Completed");
  const report = end.output as CaptureReport;
  expect(report.outcome).toBe("overran");
  expect(Date.parse(report.endedAt) - Date.parse(report.startedAt)).toBeGreaterThan(18000 * 1000);

  const { functionsUrl, masterKey } = stack().endpoints;
  const stats = (await (
    await fetch(`${functionsUrl}/admin/durable/stats/${String(accepted.body.id)}`, {
      headers: { "x-functions-key": masterKey },
    })
  ).json()) as { historyEvents: number; activities: number; timers: number };
  // The planned polls up to the limit, then a few 15 s polls until time limit + grace.
  expect(report.pollCount).toBeGreaterThanOrEqual(plannedPolls(18000).length);
  expect(report.pollCount).toBeLessThanOrEqual(plannedPolls(18000).length + 10);
  expect(stats.timers).toBe(report.pollCount);
  expect(stack().arm.sessions()).toEqual([]);
  process.stdout.write(
    `5 h capture orchestration under the skipping clock: ${seconds.toFixed(1)} s wall, ${stats.historyEvents} history events, ${stats.activities} activities, ${stats.timers} timers, ${report.pollCount} status polls\n`,
  );
});

test("a 7-day recorder session disarms itself at its limit in seconds, one generation per 12 h", async () => {
  const started = Date.now();
  const armed = await postAlert(
    stack(),
    alertFor("week-ring", {
      captureMode: "ring",
      captureRingFiles: "2",
      captureRingFileBytes: "1000000",
      captureRingSeconds: "604800",
      // A port nothing talks on: the ring stays near empty instead of recording the stack's own traffic.
      captureFilters: JSON.stringify([{ protocol: "TCP", localPort: "9" }]),
    }),
  );
  expect(armed).toMatchObject({ status: 202, body: { armed: true } });
  const end = await waitForEnd(String(armed.body.statusQueryGetUri), 240_000);
  const seconds = (Date.now() - started) / 1000;
  expect(end.runtimeStatus).toBe("Completed");
  const report = end.output as CaptureReport;
  expect(report.outcome).toBe("sessionEnded");
  expect(Date.parse(report.endedAt) - Date.parse(report.ring!.armedAt!)).toBeGreaterThan(
    604800 * 1000,
  );
  const { functionsUrl, masterKey } = stack().endpoints;
  // The last generation's history: its half day of checks and the ending, not the week's.
  const stats = (await (
    await fetch(`${functionsUrl}/admin/durable/stats/${String(armed.body.id)}`, {
      headers: { "x-functions-key": masterKey },
    })
  ).json()) as { historyEvents: number; episodes: number };
  expect(stats.historyEvents).toBeLessThan(500);
  expect(stack().arm.sessions()).toEqual([]);
  process.stdout.write(
    `7-day recorder session under the skipping clock: ${seconds.toFixed(1)} s wall, last generation ${stats.historyEvents} history events in ${stats.episodes} episodes, ${report.pollCount} health checks in all\n`,
  );
});
