/**
 * What an orchestration shows while it runs and what its report carries: the capture run's end
 * stamp, the poll detail in the custom status, the group's phases, and the BlobMissing advice.
 */
import type { OrchestrationContext } from "durable-functions";
import { CaptureRun } from "../../lib/workflow/captureRun";
import { Activities } from "../../lib/workflow/contracts";
import { GroupProgress } from "../../lib/workflow/groupProgress";
import type { GroupRequest } from "../../lib/workflow/groupContracts";
import { request } from "../orchestrators/support/captureScript";

/** The orchestration context as these classes use it: the clock, the instance, the custom status. */
function fakeContext(at: string) {
  const statuses: unknown[] = [];
  const df = {
    instanceId: "capture-vm1-abc",
    currentUtcDateTime: new Date(at),
    setCustomStatus: (s: unknown) => statuses.push(s),
  };
  return { context: { df } as unknown as OrchestrationContext, df, statuses };
}

test("a capture run's report is stamped with the time it ended", () => {
  const { context, df } = fakeContext("2026-01-01T02:00:00Z");
  const run = new CaptureRun(context, request());
  df.currentUtcDateTime = new Date("2026-01-01T02:05:10Z");
  run.end();
  expect(run.report).toMatchObject({
    instanceId: "capture-vm1-abc",
    startedAt: "2026-01-01T02:00:00.000Z",
    endedAt: "2026-01-01T02:05:10.000Z",
  });
});

test("each poll shows the status, with Network Watcher's stop reason when it gives one", () => {
  const { context, statuses } = fakeContext("2026-01-01T02:00:00Z");
  const run = new CaptureRun(context, request());
  run.progress.poll({ status: "Running", errors: [] });
  expect(statuses.at(-1)).toMatchObject({ polls: 1, lastStatus: "Running" });
  run.progress.poll({ status: "Stopped", stopReason: "TimeExceeded", errors: [] });
  expect(statuses.at(-1)).toMatchObject({ polls: 2, lastStatus: "Stopped (TimeExceeded)" });
});

test("a group's status moves through its phases; waiting for joined members only when there are some", () => {
  const { context, statuses } = fakeContext("2026-01-01T02:00:00Z");
  const group: GroupRequest = {
    alert: { schema: "common" },
    members: [{ instanceId: "capture-vm1-abc", request: request() }],
  };
  const progress = new GroupProgress(context, group);
  progress.capturing([]);
  progress.waitingForJoined([]);
  expect(statuses.at(-1)).toMatchObject({ phase: "capturingGroup" });
  progress.enter("compareCaptures");
  expect(statuses.at(-1)).toMatchObject({ phase: "compareCaptures" });
  progress.waitingForJoined(["capture-vm1-abc"]);
  expect(statuses.at(-1)).toMatchObject({
    phase: "waitingForJoined",
    members: [expect.objectContaining({ instanceId: "capture-vm1-abc", role: "joined" })],
  });
});

test("a blob that never appeared is BlobMissing with what to check", () => {
  expect(Activities.verifyCaptureBlob.exhausted!("BlobNotFound")).toEqual({
    code: "BlobMissing",
    message: "the capture file never appeared in storage: BlobNotFound",
    action:
      "Check that the storage account exists, is not premium, and that the Network Watcher agent can reach it over 443; then re-run.",
  });
});
