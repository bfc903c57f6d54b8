/**
 * A scale-set capture is one file per instance (orchestration 2.2 on): each verified, summarized
 * and linked, an instance without a file making the capture partial. Instances started on 2.1
 * replay with the one-blob check they began with.
 */
import captureOrchestrator from "../../orchestrators/captureOrchestrator";
import type { CaptureRequest } from "../../lib/domain/types";
import type { CaptureReport } from "../../lib/workflow/contracts";
import { OrchestrationVersions } from "../../lib/workflow/versions";
import { replay, type WireEvent } from "../support/replayHarness";
import {
  START,
  activities,
  names,
  notified,
  ok,
  request,
  useCaptureAppSettings,
} from "./support/captureScript";

useCaptureAppSettings();

const FOLDER = "https://caps.blob.core.windows.net/network-watcher-logs/web/packetcapture_x";
function scaleSetRequest(): CaptureRequest {
  const base = request(300);
  return {
    ...base,
    target: {
      resourceId:
        "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/web",
      subscriptionId: "sub",
      resourceGroup: "rg",
      name: "web",
      kind: "virtualMachineScaleSet",
    },
  };
}
const instanceFile = (id: string) => ({
  instanceId: id,
  storagePath: `${FOLDER}/virtualmachines/${id}/packetcapture_x.cap`,
  sizeBytes: 2048,
  format: "pcap",
});
const withFiles = (ids: string[], missing: string[]) =>
  activities({
    verifyInstanceFiles: () =>
      ok({ storagePath: FOLDER, files: ids.map(instanceFile), missing, rejected: [] }),
    summarizeCapture: (input) =>
      ok({
        summaryPath: (input as { storagePath: string }).storagePath.replace(
          ".cap",
          ".summary.json",
        ),
        highlights: [
          `top talker in ${(input as { storagePath: string }).storagePath.split("/")[7]}`,
        ],
      }),
  });

describe("scale-set capture (durable-functions replay)", () => {
  test("every instance's file is verified, then each is summarized, and the notification carries them all", async () => {
    const run = await replay(captureOrchestrator, {
      input: scaleSetRequest(),
      activities: withFiles(["0", "1", "2"], []),
      start: START,
    });
    expect(run.error).toBeUndefined();
    expect(names(run).filter((n) => n !== "getCaptureStatus")).toEqual([
      "validateRequest",
      "checkQuota",
      "resolveCaptureName",
      "startCapture",
      "verifyInstanceFiles",
      "summarizeCapture",
      "summarizeCapture",
      "summarizeCapture",
      "notify",
    ]);
    const summarized = run.calls
      .filter((c) => c.name === "summarizeCapture")
      .map((c) => (c.input as { storagePath: string }).storagePath);
    expect(summarized).toEqual(["0", "1", "2"].map((id) => instanceFile(id).storagePath));
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("succeeded");
    expect(report.blob).toBeUndefined();
    expect(report.instances?.files.map((f) => f.summary?.highlights)).toEqual([
      ["top talker in 0"],
      ["top talker in 1"],
      ["top talker in 2"],
    ]);
    expect(notified(run).instances?.files).toHaveLength(3);
  });

  test("an instance without a file makes the capture partial, naming it", async () => {
    const run = await replay(captureOrchestrator, {
      input: scaleSetRequest(),
      activities: withFiles(["0", "2"], ["1"]),
      start: START,
    });
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("partial");
    expect(report.instances?.missing).toEqual(["1"]);
    expect(notified(run).outcome).toBe("partial");
  });

  test("an instance started on 2.1 replays with the one-blob check it began with", async () => {
    const run = await replay(captureOrchestrator, {
      input: scaleSetRequest(),
      version: OrchestrationVersions.keepsPartialCaptures,
      activities: withFiles(["0"], []),
      start: START,
    });
    expect(run.error).toBeUndefined();
    expect(names(run)).toContain("verifyCaptureBlob");
    expect(names(run)).not.toContain("verifyInstanceFiles");
    expect((run.output as CaptureReport).blob?.storagePath).toContain("x.cap");
  });

  test("a VM keeps its one-blob check on the new version", async () => {
    const run = await replay(captureOrchestrator, {
      input: request(300),
      activities: withFiles(["0"], []),
      start: START,
    });
    expect(names(run)).toContain("verifyCaptureBlob");
    expect(names(run)).not.toContain("verifyInstanceFiles");
  });

  test("a scale-set capture in flight on 2.1 when 2.4 is deployed resumes from its history and ends with the one-blob check", async () => {
    const script = withFiles(["0"], []);
    const earlier = await replay(captureOrchestrator, {
      input: scaleSetRequest(),
      version: OrchestrationVersions.keepsPartialCaptures,
      activities: script,
      start: START,
    });
    // Cut the history where the old build left it: waiting on its third poll timer.
    const timers = earlier.history.flatMap((e, i) => (e.EventType === TIMER_CREATED ? [i] : []));
    const inFlight: WireEvent[] = earlier.history.slice(0, timers[2]! + 2);
    expect(inFlight.map((e) => e.Name)).not.toContain("verifyCaptureBlob");
    const resumed = await replay(captureOrchestrator, { history: inFlight, activities: script });
    expect(resumed.error).toBeUndefined();
    expect(names(resumed)).toContain("verifyCaptureBlob");
    expect(names(resumed)).not.toContain("verifyInstanceFiles");
    expect((resumed.output as CaptureReport).outcome).toBe("succeeded");
  });
});

/** durable-functions' HistoryEventType.TimerCreated, as the wire history carries it. */
const TIMER_CREATED = 10;
