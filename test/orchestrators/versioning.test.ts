/**
 * A capture lives for hours; a deploy must not break the instances already running. The
 * fixture is a real history, recorded by the app as it was before orchestration versioning
 * (commit 14a5e34: no version, checkQuota first) and stopped mid-capture, waiting on a poll timer.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import captureOrchestrator from "../../orchestrators/captureOrchestrator";
import {
  compareVersions,
  CURRENT_VERSION,
  OrchestrationVersions,
} from "../../lib/workflow/versions";
import type { CaptureReport } from "../../lib/workflow/contracts";
import { replay, type ScriptedActivity, type WireEvent } from "../support/replayHarness";

const recorded = JSON.parse(
  readFileSync(path.join(__dirname, "fixtures", "capturing-unversioned.history.json"), "utf8"),
) as WireEvent[];
const started = recorded[0]!;
const START = Date.parse(started.Timestamp);
const WATCHER = {
  subscriptionId: "sub",
  resourceGroup: "NetworkWatcherRG",
  name: "NetworkWatcher_westeurope",
};
const ok = (value: unknown = null) => ({ ok: true, value });

/** The recorded capture runs for 3600 s; Network Watcher stops it a little after. */
const activities: Record<string, ScriptedActivity> = {
  validateRequest: () => ok(),
  checkQuota: () =>
    ok({ region: "westeurope", watcher: WATCHER, running: 3, limit: 10000, available: true }),
  resolveCaptureName: () => ok({ name: "alertcap-vm1-abc", resolution: "new" }),
  startCapture: () => ok({ name: "alertcap-vm1-abc", id: "pc-id" }),
  getCaptureStatus: (_input, { at }) =>
    ok(
      at.getTime() - START >= 3605_000
        ? { status: "Stopped", stopReason: "TimeExceeded", errors: [] }
        : { status: "Running", errors: [] },
    ),
  verifyCaptureBlob: () =>
    ok({
      storagePath: "https://caps.blob.core.windows.net/c/x.cap",
      sizeBytes: 4096,
      format: "pcap",
    }),
  summarizeCapture: () => ok({ highlights: [] }),
  notify: () => ok({ delivered: [] }),
};

function withVersion(version: string): WireEvent[] {
  return [{ ...started, Version: version }, ...recorded.slice(1)];
}

describe("orchestration versioning", () => {
  test("host.json stamps new instances with the version the orchestrator calls current", () => {
    const hostJson = JSON.parse(
      readFileSync(path.join(__dirname, "..", "..", "host.json"), "utf8"),
    ) as { extensions: { durableTask: Record<string, string> } };
    expect(hostJson.extensions.durableTask).toMatchObject({
      defaultVersion: CURRENT_VERSION,
      versionMatchStrategy: "CurrentOrOlder",
      versionFailureStrategy: "Reject",
    });
  });

  test("an instance started before versioning replays on this app and finishes on its own steps", async () => {
    expect(started.Version).toBeUndefined();
    const run = await replay(captureOrchestrator, { history: recorded, activities });
    expect(run.error).toBeUndefined();
    expect((run.output as CaptureReport).outcome).toBe("succeeded");
    expect(run.calls.map((c) => c.name)).not.toContain("validateRequest");
    expect(run.calls.map((c) => c.name)).toContain("verifyCaptureBlob");
  });

  test("the same history under the new version is a different orchestration: the branch is taken by version", async () => {
    await expect(
      replay(captureOrchestrator, {
        history: withVersion(OrchestrationVersions.validatesRequest),
        activities,
      }),
    ).rejects.toThrow(
      "non-deterministic replay: action 0 is activity validateRequest, the history has activity checkQuota",
    );
  });

  test("a new instance gets the current version and validates its request first", async () => {
    const run = await replay(captureOrchestrator, {
      input: JSON.parse(started.Input as string),
      activities,
    });
    expect(run.history[0]!.Version).toBe(CURRENT_VERSION);
    expect(run.calls.map((c) => c.name).slice(0, 2)).toEqual(["validateRequest", "checkQuota"]);
    expect((run.output as CaptureReport).outcome).toBe("succeeded");
  });

  test("a start naming a version no deploy ever used is refused before any activity", async () => {
    const run = await replay(captureOrchestrator, {
      input: JSON.parse(started.Input as string),
      version: "1.0",
      activities,
    });
    expect(run.error).toContain("[validateRequest] RequestRefused: version: 1.0 is not");
    expect(run.calls).toEqual([]);
  });

  test.each([
    ["", "2.0", -1],
    ["2.0", "", 1],
    ["", "", 0],
    ["2.0", "2.0", 0],
    ["2.0", "10.0", -1],
    ["2.0", "2.0.0", -1],
    ["2.1", "2.0.9", 1],
    ["v2", "V2", 0],
    ["1", "2", -1],
    // A lone number is no System.Version (two to four parts): it compares as text.
    ["10", "9", -1],
    ["2.10", "2.9", 1],
    ["2.0.10", "2.0.9", 1],
    // Five parts, or a part beyond Int32, is no System.Version either.
    ["1.0.0.0.0", "1.0.0.0", 1],
    ["2.2147483648", "2.3", -1],
    ["2.2147483647", "2.3", 1],
    ["beta", "alpha", 1],
  ])("compareVersions(%p, %p) = %p, as the extension orders them", (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });
});
