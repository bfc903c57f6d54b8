import recorderOrchestrator, {
  LATE_FREEZE_GRACE_SECONDS,
} from "../../orchestrators/recorderOrchestrator";
import { checkRecorderCap } from "../../activities/checkRecorderCap";
import { confirmRecorderCap } from "../../activities/confirmRecorderCap";
import { validateRecorderRequest } from "../../activities/validateRecorderRequest";
import { parseCaptureTarget } from "../../lib/domain/armId";
import { ringCaptureNameFor } from "../../lib/domain/naming";
import type { RingBlob, RingFile } from "../../lib/domain/ringFiles";
import type { CaptureReport } from "../../lib/workflow/contracts";
import type {
  CheckRecorderCapInput,
  FreezeEvent,
  RecorderInput,
  RecorderRequest,
} from "../../lib/workflow/recorderContracts";
import type { InstanceStatus } from "../../lib/ops/captureView";
import { recorderRow } from "../../lib/ops/recorders";
import { fakeEnv } from "../activities/support/fakeAzure";
import { replay, type ReplayOptions, type ScriptedActivity } from "../support/replayHarness";
import {
  ACTIVITY_ENV,
  expectRefusedFirst,
  fail,
  names,
  notified,
  STORAGE,
  useCaptureAppSettings,
} from "./support/captureScript";

useCaptureAppSettings();

const START = new Date("2026-01-01T02:00:00Z");
const WATCHER = {
  subscriptionId: "sub",
  resourceGroup: "NetworkWatcherRG",
  name: "NetworkWatcher_westeurope",
};
const TARGET = parseCaptureTarget(
  "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
)!;
const RING_NAME = ringCaptureNameFor(TARGET);
const STORAGE_PATH =
  "https://caps.blob.core.windows.net/network-watcher-logs/subscriptions/sub/vm1/packetcapture_02_00_00_000";
/** The emulated ring rolls a file over every 60 s and keeps 10. */
const FILE_SECONDS = 60;

const iso = (seconds: number) => new Date(START.getTime() + seconds * 1000).toISOString();
const secondsFromStart = (at: Date) => (at.getTime() - START.getTime()) / 1000;

function request(sessionSeconds = 86400, target = TARGET): RecorderRequest {
  return {
    target,
    settings: {
      timeLimitInSeconds: 300,
      totalBytesPerSession: 1073741824,
      bytesToCapturePerPacket: 0,
      filters: [],
      storageAccountId: STORAGE,
      ring: {
        fileCount: 10,
        fileSizeInBytes: 1_000_000,
        sessionTimeLimitInSeconds: sessionSeconds,
      },
    },
    alert: { schema: "common", ruleName: "arm-web" },
    captureName: ringCaptureNameFor(target),
    armedBy: "alert",
    freeze: { lookbackSeconds: 300, postTriggerSeconds: 30 },
    maxPerRegion: 5,
    policy: { deadlineGraceSeconds: 120, summarize: true },
  };
}

const ok = (value: unknown = {}) => ({ ok: true, value });

/** Files closed once a minute since arming (the last 10 kept), plus the one being written when stopped. */
function blobsAt(now: number, armedAt: number, stoppedAt?: number): RingBlob[] {
  const blobs: RingBlob[] = [];
  for (let closed = armedAt + FILE_SECONDS; closed <= now; closed += FILE_SECONDS)
    blobs.push({
      url: `${STORAGE_PATH}/${blobs.length % 10}.cap`,
      sizeBytes: 1_000_000,
      lastModified: iso(closed),
    });
  if (stoppedAt !== undefined)
    blobs.push({
      url: `${STORAGE_PATH}/${blobs.length % 10}.cap`,
      sizeBytes: 4_000,
      lastModified: iso(stoppedAt),
    });
  // Slots are reused: only the newest write of each name survives.
  const bySlot = new Map(blobs.map((b) => [b.url, b]));
  return [...bySlot.values()];
}

/** A ring that runs until its session limit (Network Watcher then reports Stopped/TimeExceeded). */
function activities(
  sessionSeconds = 86400,
  overrides: Record<string, ScriptedActivity> = {},
): Record<string, ScriptedActivity> {
  let armedAt = 0;
  let stoppedAt: number | undefined;
  const ended = (now: number) => stoppedAt !== undefined || now - armedAt >= sessionSeconds;
  return {
    validateRecorderRequest: (input) =>
      validateRecorderRequest(input as RecorderRequest, ACTIVITY_ENV),
    checkQuota: () =>
      ok({ region: "westeurope", watcher: WATCHER, running: 3, limit: 10000, available: true }),
    checkRecorderCap: () => ok({ armed: 1, limit: 5, available: true }),
    confirmRecorderCap: () => ok({ ahead: 1, limit: 5, available: true }),
    resolveCaptureName: (input) =>
      ok({ name: (input as { desiredName: string }).desiredName, resolution: "new" }),
    startCapture: (_input, { at }) => {
      armedAt = secondsFromStart(at);
      return ok({ name: RING_NAME, id: "pc-id" });
    },
    getCaptureStatus: (_input, { at }) =>
      ok(
        ended(secondsFromStart(at))
          ? { status: "Stopped", stopReason: "TimeExceeded", errors: [] }
          : { status: "Running", errors: [] },
      ),
    listRingFiles: (_input, { at }) =>
      ok({
        storagePath: STORAGE_PATH,
        blobs: blobsAt(
          Math.min(secondsFromStart(at), armedAt + sessionSeconds),
          armedAt,
          stoppedAt ?? (ended(secondsFromStart(at)) ? armedAt + sessionSeconds : undefined),
        ),
      }),
    stopCapture: (_input, { at }) => {
      stoppedAt ??= Math.min(secondsFromStart(at), armedAt + sessionSeconds);
      return ok(null);
    },
    verifyRingFiles: (input) =>
      ok({
        verified: (input as { files: RingFile[] }).files.map((f) => ({ ...f, format: "pcap" })),
        rejected: [],
      }),
    summarizeRing: () =>
      ok({
        summaryPath: `${STORAGE_PATH}.freeze.json`,
        highlights: ["RST burst from 10.0.0.4:443 started 47 s before the alert fired"],
      }),
    deleteCapture: () => ok(null),
    notify: () => ok({ delivered: ["webhook"] }),
    // Nothing written: every freeze and disarm reached the recorder as its event.
    readRecorderMailbox: () => ok({ requests: [] }),
    ...overrides,
  };
}

/** A one-hour ring (Network Watcher stops it at 3600 s), scripted as `activities(3600)` unless told. */
function hourLong(options: Partial<ReplayOptions> = {}) {
  return replay(recorderOrchestrator, {
    input: request(3600),
    start: START,
    activities: activities(3600),
    ...options,
  });
}

function callsOf(run: { calls: Array<{ name: string; at: Date }> }, name: string): number[] {
  return run.calls.filter((c) => c.name === name).map((c) => secondsFromStart(c.at));
}

/** The event the webhook raises for a freeze alert fired at `firedSecond`. */
function freezeAt(firedSecond: number): FreezeEvent {
  return {
    firedAt: iso(firedSecond),
    lookbackSeconds: 300,
    postTriggerSeconds: 30,
    alert: { schema: "common", ruleName: "freeze-web", firedAt: iso(firedSecond) },
  };
}

describe("recorderOrchestrator (durable-functions replay)", () => {
  test("arm → freeze: records the post-trigger tail, stops, keeps the files overlapping [fired − lookback, stop], triages, notifies", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(),
      events: [{ name: "freeze", atSecond: 3600, input: freezeAt(3595) }],
    });
    expect(run.error).toBeUndefined();
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("frozen");
    const start = run.calls.find((c) => c.name === "startCapture")!;
    expect((start.input as RecorderRequest).settings.ring).toEqual(request().settings.ring);
    // The tail: fired at 3595 + 30 s → stopped at 3625, not when the event arrived.
    expect(callsOf(run, "stopCapture")).toEqual([3625]);
    expect(report.ring?.window).toEqual({ from: iso(3295), to: iso(3625) });
    // Files span [closed − 60 s, closed]: those closing at 3300…3600 and the partial one to 3625.
    const kept = report.ring!.files!.map((f) => [f.from, f.to]);
    expect(kept[0]).toEqual([iso(3240), iso(3300)]);
    expect(kept.at(-1)).toEqual([iso(3600), iso(3625)]);
    expect(kept).toHaveLength(7);
    const triage = run.calls.find((c) => c.name === "summarizeRing")!.input as {
      firedAt: string;
      files: unknown[];
    };
    expect(triage).toMatchObject({ firedAt: iso(3595), storagePath: STORAGE_PATH });
    expect(triage.files).toHaveLength(7);
    expect(names(run).slice(-6)).toEqual([
      "stopCapture",
      "listRingFiles",
      "verifyRingFiles",
      "summarizeRing",
      "deleteCapture",
      "notify",
    ]);
    const sent = notified(run);
    expect(sent.request.alert.ruleName).toBe("freeze-web");
    expect(sent.summary?.highlights[0]).toMatch(/started 47 s before the alert fired/);
    expect(sent.ring?.summaryPath).toBe(`${STORAGE_PATH}.freeze.json`);
    expect(run.customStatus).toMatchObject({ phase: "done", lastStatus: "frozen" });
  });

  test("while armed, the custom status shows the window the ring holds and the bytes stored", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(),
      events: [{ name: "disarm", atSecond: 1500 }],
    });
    const armed = run.statuses.filter(
      (s) => (s as { phase?: string })?.phase === "armed",
    ) as Array<{
      ring?: { files: number; bytes: number; oldest?: string };
    }>;
    const last = armed.filter((s) => s.ring).at(-1)!;
    // Checks land at …, 480, 960 s; at 960 s the ten files closed at 420…960 remain (the ring
    // wrapped), so the ring reaches back to 360 s.
    expect(last.ring).toMatchObject({ files: 10, bytes: 10_000_000, oldest: iso(360) });
  });

  test("arm → disarm: stops at once, reports what the ring held, deletes the capture resource", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(),
      events: [{ name: "disarm", atSecond: 500 }],
    });
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("disarmed");
    expect(callsOf(run, "stopCapture")).toEqual([500]);
    expect(names(run)).not.toContain("summarizeRing");
    expect(names(run).slice(-4)).toEqual([
      "stopCapture",
      "listRingFiles",
      "deleteCapture",
      "notify",
    ]);
    expect(report.ring?.holding).toMatchObject({ files: 9, oldest: iso(0), newest: iso(500) });
    expect(notified(run).outcome).toBe("disarmed");
  });

  test("arm → session end: Network Watcher stops the ring at its limit; no stop of ours, the holding is reported", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(7200),
      start: START,
      activities: activities(7200),
    });
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("sessionEnded");
    expect(report.status).toMatchObject({ status: "Stopped", stopReason: "TimeExceeded" });
    expect(names(run)).not.toContain("stopCapture");
    expect(callsOf(run, "getCaptureStatus").at(-1)).toBe(7210);
    expect(report.ring?.holding?.files).toBe(10);
    expect(names(run).slice(-2)).toEqual(["deleteCapture", "notify"]);
  });

  test("freeze racing the session end: Network Watcher already stopped the ring, the freeze still keeps the minutes before", async () => {
    const run = await hourLong({
      // The session ended at 3600 s; the freeze (fired 3598 s) arrives before the check at 3610 s.
      events: [{ name: "freeze", atSecond: 3605, input: freezeAt(3598) }],
    });
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("frozen");
    expect(callsOf(run, "stopCapture")).toEqual([3628]);
    // Nothing was written after 3600 s: the last kept file ends there.
    expect(report.ring!.files!.at(-1)!.to).toBe(iso(3600));
    expect(report.ring!.files![0]!.to).toBe(iso(3300));
    expect(names(run)).toContain("summarizeRing");
  });

  test("freeze after the recorder decided its session ended: still gets the files up to the ring's end, and says so", async () => {
    const run = await hourLong({
      // The check at 3610 s found the ring Stopped; the freeze (fired 3612 s) comes during the grace.
      events: [{ name: "freeze", atSecond: 3620, input: freezeAt(3612) }],
    });
    expect(run.error).toBeUndefined();
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("frozen");
    expect(report.ring?.endedBeforeFreeze).toEqual({ at: iso(3610), by: "sessionEnded" });
    expect(report.ring!.files!.at(-1)!.to).toBe(iso(3600));
    expect(report.ring!.files![0]!.to).toBe(iso(3360));
    expect(run.statuses).toContainEqual(expect.objectContaining({ phase: "ringEnded" }));
    expect(names(run).slice(-5)).toEqual([
      "listRingFiles",
      "verifyRingFiles",
      "summarizeRing",
      "deleteCapture",
      "notify",
    ]);
    expect(names(run).filter((n) => n === "notify")).toHaveLength(1);
    expect(notified(run).request.alert.ruleName).toBe("freeze-web");
  });

  test("freeze racing a disarm: raised while the ring is being stopped, it keeps the minutes before", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(),
      events: [
        { name: "disarm", atSecond: 500 },
        { name: "freeze", atSecond: 500, input: freezeAt(499) },
      ],
    });
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("frozen");
    expect(report.ring?.endedBeforeFreeze).toMatchObject({ by: "disarmed" });
    expect(callsOf(run, "stopCapture")).toEqual([500]);
    expect(report.ring!.files!.length).toBeGreaterThan(0);
  });

  test("a late freeze whose window the ring never reached ends typed ringEnded, not frozen without files", async () => {
    const run = await hourLong({
      events: [
        { name: "freeze", atSecond: 3620, input: { ...freezeAt(3615), lookbackSeconds: 0 } },
      ],
    });
    expect(run.error).toBeUndefined();
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("ringEnded");
    expect(report.ring?.endedBeforeFreeze?.kept).toMatch(/no usable ring file overlaps/);
    expect(names(run)).not.toContain("summarizeRing");
    expect(notified(run).outcome).toBe("ringEnded");
  });

  test("with no late freeze the ended ring waits out the grace, then notifies its ending", async () => {
    const run = await hourLong({});
    expect((run.output as CaptureReport).outcome).toBe("sessionEnded");
    expect(secondsFromStart(run.calls.at(-1)!.at)).toBe(3610 + LATE_FREEZE_GRACE_SECONDS);
  });

  test("a recorder started on 2.2 replays without the grace: a late freeze is not taken", async () => {
    const run = await hourLong({
      version: "2.2",
      events: [{ name: "freeze", atSecond: 3611, input: freezeAt(3612) }],
    });
    expect((run.output as CaptureReport).outcome).toBe("sessionEnded");
  });

  describe("an event raised while a health check's activities run is taken, not lost", () => {
    /** The check at 600 s meets a transient error: its retry waits 5 s, and the event comes then. */
    const slowCheck = (sessionSeconds: number) =>
      activities(sessionSeconds, {
        getCaptureStatus: (_input, { at, attempt }) => {
          if (secondsFromStart(at) === 600 && attempt === 1) throw new Error("ARM 503");
          return ok({ status: "Running", errors: [] });
        },
      });

    test("a freeze", async () => {
      const run = await hourLong({
        activities: slowCheck(3600),
        events: [{ name: "freeze", atSecond: 602, input: freezeAt(601) }],
      });
      expect(run.error).toBeUndefined();
      expect((run.output as CaptureReport).outcome).toBe("frozen");
      expect(callsOf(run, "stopCapture")).toEqual([631]);
    });

    test("a disarm", async () => {
      const run = await hourLong({
        activities: slowCheck(3600),
        events: [{ name: "disarm", atSecond: 602 }],
      });
      expect((run.output as CaptureReport).outcome).toBe("disarmed");
      expect(callsOf(run, "stopCapture")).toEqual([605]);
    });

    test("recorders started on 2.2 replay as they ran: that freeze was lost", async () => {
      const run = await hourLong({
        version: "2.2",
        activities: slowCheck(3600),
        events: [{ name: "freeze", atSecond: 602, input: freezeAt(601) }],
      });
      expect((run.output as CaptureReport).outcome).toBe("sessionEnded");
    });
  });

  test("refusal past the cap: nothing is started, the refusal names the setting", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(86400, {
        checkRecorderCap: () => ok({ armed: 5, limit: 5, available: false }),
      }),
    });
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("refused");
    expect(report.ring?.refusal).toMatch(
      /5 of 5 recorders already armed in westeurope \(RECORDER_MAX_PER_REGION\)/,
    );
    expect(names(run)).toEqual([
      "validateRecorderRequest",
      "checkQuota",
      "checkRecorderCap",
      "notify",
    ]);
    const cap = run.calls.find((c) => c.name === "checkRecorderCap")!.input;
    expect(cap).toEqual({
      watcher: WATCHER,
      region: "westeurope",
      captureName: RING_NAME,
      limit: 5,
    });
  });

  test("the agent failing while armed: compensates (stop + delete), notifies, fails with the reason", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(86400, {
        getCaptureStatus: (_i, { at }) =>
          ok(
            secondsFromStart(at) >= 100
              ? { status: "Error", errors: ["AgentStopped"] }
              : { status: "Running", errors: [] },
          ),
      }),
    });
    expect(run.error).toContain("[getCaptureStatus] CaptureFailed");
    expect(run.error).toContain("AgentStopped");
    expect(names(run).slice(-3)).toEqual(["stopCapture", "deleteCapture", "notify"]);
    expect(notified(run).outcome).toBe("failed");
  });
});

describe("recorder input is checked before anything is armed (ops re-run, direct start)", () => {
  const base = request();
  const EXFIL =
    "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/exfil";
  const elsewhere = parseCaptureTarget(
    "/subscriptions/evil/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
  )!;
  test.each<[string, RecorderRequest, string]>([
    [
      "a VM outside the allowed scopes",
      { ...base, target: elsewhere, captureName: ringCaptureNameFor(elsewhere) },
      "target.resourceId: target /subscriptions/evil/",
    ],
    [
      "a storage account outside the allow-list",
      { ...base, settings: { ...base.settings, storageAccountId: EXFIL } },
      "settings.storageAccountId: storage account is neither",
    ],
    [
      "a ring beyond Network Watcher's range",
      { ...base, settings: { ...base.settings, ring: { ...base.settings.ring, fileCount: 0 } } },
      "settings.ring: captureRingFiles",
    ],
    [
      "a freeze tail beyond the app's range",
      { ...base, freeze: { lookbackSeconds: 300, postTriggerSeconds: 7200 } },
      "freeze: capturePostTriggerSeconds",
    ],
    [
      "a capture name that is not the VM's ring (the recorder would stop and delete it)",
      { ...base, captureName: "alertcap-someone-elses" },
      `captureName: a recorder of this VM records into ${RING_NAME}`,
    ],
    [
      "a cap above RECORDER_MAX_PER_REGION",
      { ...base, maxPerRegion: 10001 },
      "maxPerRegion: must be a whole number from 1 to RECORDER_MAX_PER_REGION (10)",
    ],
  ])(
    "%s: Failed with the reason; nothing but the check and the notification",
    async (_, input, why) =>
      expectRefusedFirst(
        await replay(recorderOrchestrator, { input, start: START, activities: activities() }),
        "validateRecorderRequest",
        why,
      ),
  );

  test("an input without a recorder's shape fails before any activity", async () => {
    const { ring: _ring, ...settings } = base.settings;
    const run = await replay(recorderOrchestrator, {
      input: { ...base, settings },
      start: START,
      activities: activities(),
    });
    expect(run.error).toContain("[validateRecorderRequest] RequestRefused: settings.ring");
    expect(run.calls).toEqual([]);
  });

  test("a start naming a version no deploy stamped is refused before any activity", async () => {
    const run = await replay(recorderOrchestrator, {
      input: base,
      version: "1.0",
      start: START,
      activities: activities(),
    });
    expect(run.error).toContain("[validateRecorderRequest] RequestRefused: version: 1.0 is not");
    expect(run.calls).toEqual([]);
  });

  test.each(["", "2.0", "2.1"])(
    "a recorder started on version %p replays its own steps: no check first",
    async (version) => {
      const run = await replay(recorderOrchestrator, {
        input: base,
        version,
        start: START,
        activities: activities(),
        events: [{ name: "disarm", atSecond: 500 }],
      });
      expect(run.error).toBeUndefined();
      expect(names(run)[0]).toBe("checkQuota");
      expect((run.output as CaptureReport).outcome).toBe("disarmed");
    },
  );
});

describe("the regional cap is exact when recorders arm at the same moment", () => {
  const LIMIT = 2;
  const vm = (name: string) =>
    parseCaptureTarget(
      `/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${name}`,
    )!;
  const [first, second] = [vm("vm1"), vm("vm2")];

  /** One region's watcher, shared by both recorders: one ring armed an hour ago, room for one more. */
  function region() {
    const { env, world } = fakeEnv({
      captures: {
        "alertring-old-1": { target: "old", status: "Running", captureStartTime: iso(-3600) },
      },
    });
    const captures = world.captures!;
    const running = () => Object.values(captures).filter((c) => c.status === "Running").length;
    let checked = 0;
    let bothChecked: () => void = () => undefined;
    const race = new Promise<void>((resolve) => (bothChecked = resolve));
    /** Real cap activities on the shared watcher; starts wait until both passed the check (the race). */
    const script = (): Record<string, ScriptedActivity> =>
      activities(86400, {
        checkRecorderCap: async (input) => {
          const answer = await checkRecorderCap(input as CheckRecorderCapInput, env);
          if (++checked === 2) bothChecked();
          return answer;
        },
        startCapture: async (input, { at }) => {
          await race;
          const { name, target } = input as { name: string; target: { resourceId: string } };
          captures[name] = {
            target: target.resourceId,
            status: "Running",
            captureStartTime: at.toISOString(),
          };
          return ok({ name, id: `${name}-id` });
        },
        confirmRecorderCap: (input) => confirmRecorderCap(input as CheckRecorderCapInput, env),
        stopCapture: (input) => {
          captures[(input as { name: string }).name]!.status = "Stopped";
          return ok(null);
        },
        deleteCapture: (input) => {
          delete captures[(input as { name: string }).name];
          return ok(null);
        },
      });
    return { script, running };
  }

  const arm = (target: typeof first, start: Date, script: Record<string, ScriptedActivity>) =>
    replay(recorderOrchestrator, {
      input: { ...request(86400, target), maxPerRegion: LIMIT },
      start,
      activities: script,
      events: [{ name: "disarm", atSecond: 600 }],
    });

  test("two VMs pass the check together: the one that started later stands down, stopped and deleted", async () => {
    const shared = region();
    const [early, late] = await Promise.all([
      arm(first, START, shared.script()),
      arm(second, new Date(START.getTime() + 1000), shared.script()),
    ]);
    expect(early.error).toBeUndefined();
    expect((early.output as CaptureReport).outcome).toBe("disarmed");
    const report = late.output as CaptureReport;
    expect(report.outcome).toBe("refused");
    expect(report.ring?.refusal).toMatch(
      /2 recorders in westeurope armed before this one or at the same moment, 2 allowed; this one stood down \(RECORDER_MAX_PER_REGION\)/,
    );
    expect(names(late)).toEqual([
      "validateRecorderRequest",
      "checkQuota",
      "checkRecorderCap",
      "resolveCaptureName",
      "startCapture",
      "confirmRecorderCap",
      "stopCapture",
      "deleteCapture",
      "notify",
    ]);
    // Both gone by the end (one stood down, one disarmed); the old ring still runs.
    expect(shared.running()).toBe(1);
  });

  test("two VMs starting at the very same instant both stand down: the cap errs on the safe side", async () => {
    const shared = region();
    const runs = await Promise.all([
      arm(first, START, shared.script()),
      arm(second, START, shared.script()),
    ]);
    expect(runs.map((r) => (r.output as CaptureReport).outcome)).toEqual(["refused", "refused"]);
    expect(shared.running()).toBe(1);
  });
});

describe("recorderOrchestrator, pinned behaviour (replay)", () => {
  const fullRegion = () =>
    ok({ region: "westeurope", watcher: WATCHER, running: 10, limit: 10, available: false });

  test("a full region: fails in checkQuota naming the sessions, nothing started or cleaned up", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(86400, { checkQuota: fullRegion }),
    });
    expect(run.error).toBe(
      "[checkQuota] QuotaExceeded: 10/10 sessions in westeurope Action: Stop unneeded captures in that region, then arm again.",
    );
    expect(names(run)).toEqual(["validateRecorderRequest", "checkQuota", "notify"]);
    expect(notified(run).failure).toMatchObject({ phase: "checkQuota", code: "QuotaExceeded" });
  });

  test("our own ring already running under the name: adopted, not started again, and watched", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(86400, {
        resolveCaptureName: () => ok({ name: RING_NAME, resolution: "adopted" }),
      }),
      events: [{ name: "disarm", atSecond: 100 }],
    });
    expect(names(run).slice(0, 6)).toEqual([
      "validateRecorderRequest",
      "checkQuota",
      "checkRecorderCap",
      "resolveCaptureName",
      "confirmRecorderCap",
      "getCaptureStatus",
    ]);
    expect(names(run)).not.toContain("startCapture");
    expect(callsOf(run, "stopCapture")).toEqual([100]);
    const armed = run.statuses.find((s) => (s as { phase?: string })?.phase === "armed");
    expect(armed).toMatchObject({
      resolution: "adopted",
      startedAt: iso(0),
      expectedEnd: iso(86400),
      captureName: RING_NAME,
    });
    expect((run.output as CaptureReport).ring?.armedAt).toBe(iso(0));
  });

  test("a freeze whose window holds no usable file fails with EmptyRing, naming the window and the rejects", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(86400, {
        verifyRingFiles: () => ok({ verified: [], rejected: ["0.cap: not a capture"] }),
      }),
      events: [{ name: "freeze", atSecond: 600, input: freezeAt(600) }],
    });
    expect(run.error).toContain(
      `[verifyRingFiles] EmptyRing: no usable ring file overlaps ${iso(300)} – ${iso(630)} (10 file(s) in storage; 0.cap: not a capture)`,
    );
    // Stopped already: cleanup only deletes.
    expect(names(run).slice(-4)).toEqual([
      "listRingFiles",
      "verifyRingFiles",
      "deleteCapture",
      "notify",
    ]);
    expect(notified(run).ring?.rejected).toEqual(["0.cap: not a capture"]);
  });

  test("EmptyRing without rejects says only how many files are in storage", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(86400, {
        verifyRingFiles: () => ok({ verified: [], rejected: [] }),
      }),
      events: [{ name: "freeze", atSecond: 600, input: freezeAt(600) }],
    });
    expect(run.error).toContain(`${iso(630)} (10 file(s) in storage) Action:`);
  });

  test("summarize: false keeps the frozen files without triage", async () => {
    const run = await replay(recorderOrchestrator, {
      input: { ...request(), policy: { deadlineGraceSeconds: 120, summarize: false } },
      start: START,
      activities: activities(),
      events: [{ name: "freeze", atSecond: 600, input: freezeAt(600) }],
    });
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("frozen");
    expect(names(run)).not.toContain("summarizeRing");
    expect(report.summary).toBeUndefined();
    expect(report.ring?.summaryPath).toBeUndefined();
  });

  test("a triage that fails for good degrades the summary, the freeze still succeeds", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(86400, { summarizeRing: () => fail("TooLarge") }),
      events: [{ name: "freeze", atSecond: 600, input: freezeAt(600) }],
    });
    const report = run.output as CaptureReport;
    expect(run.error).toBeUndefined();
    expect(report.outcome).toBe("frozen");
    expect(report.summary).toEqual({ highlights: [], skippedReason: "TooLarge happened" });
  });

  test.each([
    ["listRingFiles", "armed"],
    ["summarizeRing", "summarizeRing"],
    ["deleteCapture", "deleteCapture"],
  ])(
    "%s answering outside its contract is a bug: the recorder fails in %s naming the fault, nothing passes as degraded",
    async (activity, phase) => {
      const run = await hourLong({
        activities: activities(3600, { [activity]: () => null }),
        events: [{ name: "freeze", atSecond: 600, input: freezeAt(600) }],
      });
      expect(run.error).toBe(
        `[${phase}] OrchestrationError: ${phase}: Cannot read properties of null (reading 'ok') ` +
          "Action: This is a bug in the capture orchestration; report it with the instance ID.",
      );
    },
  );

  test("a ring listing that fails while armed is shown in the status and the recorder keeps watching", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(86400, { listRingFiles: () => fail("ListFailed") }),
      events: [{ name: "disarm", atSecond: 100 }],
    });
    const armed = run.statuses.filter((s) => (s as { phase?: string })?.phase === "armed");
    expect(armed.at(-1)).toMatchObject({ lastStatus: "ring listing: ListFailed happened" });
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("disarmed");
    expect(report.ring?.holding).toBeUndefined();
    expect(callsOf(run, "getCaptureStatus").length).toBeGreaterThan(1);
  });

  test("a capture resource that cannot be deleted is named in cleanupError; the outcome stands", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(86400, { deleteCapture: () => fail("DeleteFailed") }),
      events: [{ name: "disarm", atSecond: 100 }],
    });
    const report = run.output as CaptureReport;
    expect(run.error).toBeUndefined();
    expect(report.outcome).toBe("disarmed");
    expect(report.cleanupError).toBe(`deleteCapture ${RING_NAME}: DeleteFailed happened`);
    expect(notified(run).cleanupError).toBe(report.cleanupError);
  });

  test("a freeze alert delivered after its tail has passed stops the ring at once", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(),
      events: [{ name: "freeze", atSecond: 1000, input: freezeAt(900) }],
    });
    expect(callsOf(run, "stopCapture")).toEqual([1000]);
    expect((run.output as CaptureReport).ring?.window).toEqual({ from: iso(600), to: iso(1000) });
  });

  test("a freeze alert stamped in the future (clock skew) records only its tail from now", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(),
      events: [{ name: "freeze", atSecond: 1000, input: freezeAt(5000) }],
    });
    expect(callsOf(run, "stopCapture")).toEqual([1030]);
  });

  test("a freeze from a rule without a name says 'frozen by an alert'; the alert joins the report", async () => {
    const event = { ...freezeAt(600), alert: { schema: "common" as const } };
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(),
      events: [{ name: "freeze", atSecond: 600, input: event }],
    });
    const freezing = run.statuses.find((s) => (s as { phase?: string })?.phase === "freezing");
    expect(freezing).toMatchObject({ lastStatus: "frozen by an alert" });
    const report = run.output as CaptureReport;
    expect(report.request.alert).toEqual({ schema: "common" });
    expect(report.ring?.firedAt).toBe(iso(600));
  });

  test("a ring that errors without detail fails saying so", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(86400, {
        getCaptureStatus: () => ok({ status: "Error", errors: [] }),
      }),
    });
    expect(run.error).toContain(
      "[getCaptureStatus] CaptureFailed: Network Watcher reports the continuous capture failed: no error detail Action: Check the Network Watcher agent extension",
    );
  });

  test("a session the ring outlives: stopped by us at the limit plus grace", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(3600),
      start: START,
      activities: activities(3600, {
        getCaptureStatus: () => ok({ status: "Running", errors: [] }),
      }),
    });
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("sessionEnded");
    expect(report.status).toEqual({ status: "Running", errors: [] });
    expect(callsOf(run, "getCaptureStatus").at(-1)).toBe(3720);
    expect(callsOf(run, "stopCapture")).toEqual([3720]);
  });

  test("while notifying a refusal, the status still says why it was refused", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(86400, {
        checkRecorderCap: () => ok({ armed: 5, limit: 5, available: false }),
      }),
    });
    expect(run.statuses).toContainEqual(
      expect.objectContaining({
        phase: "notify",
        lastStatus:
          "5 of 5 recorders already armed in westeurope (RECORDER_MAX_PER_REGION); disarm one or raise the setting, then arm again",
      }),
    );
  });

  test("a ring started under a suffixed name shows that name in its status", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(86400, {
        resolveCaptureName: () => ok({ name: `${RING_NAME}-2`, resolution: "suffixed" }),
      }),
      events: [{ name: "disarm", atSecond: 100 }],
    });
    expect(run.statuses).toContainEqual(
      expect.objectContaining({ phase: "startCapture", captureName: `${RING_NAME}-2` }),
    );
    expect(run.customStatus).toMatchObject({ phase: "done", captureName: `${RING_NAME}-2` });
  });

  test("a failure's status names its code while compensating and its whole reason at the end", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(),
      start: START,
      activities: activities(86400, { startCapture: () => fail("AgentMissing") }),
    });
    expect(run.statuses).toContainEqual(
      expect.objectContaining({ phase: "compensating", lastStatus: "AgentMissing" }),
    );
    expect(run.customStatus).toMatchObject({
      phase: "failed",
      lastStatus: "[startCapture] AgentMissing: AgentMissing happened Action: do something",
    });
  });
});

describe("generations (2.6): the recorder continues as new every 12 h of session", () => {
  const DAY = 86400;
  const WEEK = 7 * DAY;

  /** What the first generation hands the second: the ring armed at START, under the VM's ring name. */
  const SECOND = {
    number: 2,
    startedAt: START.toISOString(),
    capture: { watcher: WATCHER, name: RING_NAME },
    armedAt: START.toISOString(),
    resolution: "new",
  } as const;

  /** A one-day ring (two generations), scripted as `activities(DAY)` unless told. */
  const daySession = (options: Partial<ReplayOptions> = {}) =>
    replay(recorderOrchestrator, {
      input: request(DAY),
      start: START,
      activities: activities(DAY),
      maxEpisodes: 2000,
      ...options,
    });

  /** When a one-day session's first generation hands over: the second generation's first step. */
  async function handOverSecond(): Promise<number> {
    return callsOf(await daySession(), "readRecorderMailbox")[0]!;
  }

  test("a 7-day session runs as 14 bounded executions and ends as one session: one ring, one notification", async () => {
    const run = await replay(recorderOrchestrator, {
      input: request(WEEK),
      start: START,
      activities: activities(WEEK),
      maxEpisodes: 3000,
    });
    const report = run.output as CaptureReport;
    expect(run.error).toBeUndefined();
    expect(report.outcome).toBe("sessionEnded");
    expect(run.executions).toHaveLength(14);
    // ~400 events each (the first 12 h's denser early checks included), not the whole week's
    // ~4,200 replayed by every episode.
    expect(Math.max(...run.executions.map((e) => e.events))).toBeLessThan(450);
    expect(names(run).filter((n) => n === "startCapture")).toHaveLength(1);
    expect(names(run).filter((n) => n === "readRecorderMailbox")).toHaveLength(13);
    expect(names(run).slice(-2)).toEqual(["deleteCapture", "notify"]);
    // The report and status run on across executions: the first start, the arming, every check.
    expect(report.startedAt).toBe(START.toISOString());
    expect(report.ring?.armedAt).toBe(START.toISOString());
    expect(report.pollCount).toBe(names(run).filter((n) => n === "getCaptureStatus").length);
    expect(report.ring?.holding).toMatchObject({ files: 10, newest: iso(WEEK) });
  });

  test("the next execution's input carries the ring, and its status shows ops the same recorder", async () => {
    const run = await daySession();
    expect(run.continuedWith).toHaveLength(1);
    const next = run.continuedWith[0] as RecorderInput;
    const polls = next.generation!.polls;
    expect(next).toMatchObject({
      ...request(DAY),
      generation: { ...SECOND, holding: { files: 10, bytes: 10_000_000 } },
    });
    expect(polls).toBeGreaterThan(20);
    // The continued execution's first status (reading its mailbox): armed since the first arming.
    const continued = run.statuses.find(
      (s) => (s as { phase?: string }).phase === "readRecorderMailbox",
    );
    expect(continued).toMatchObject({
      polls,
      startedAt: START.toISOString(),
      expectedEnd: iso(DAY),
      ring: next.generation!.holding,
    });
    const row = recorderRow(
      {
        name: "recorderOrchestrator",
        instanceId: "recorder-vm1",
        runtimeStatus: "Running",
        input: next,
        customStatus: continued,
      } as InstanceStatus,
      new Date(next.generation!.holding!.newest!),
      "status-url",
    );
    expect(row).toMatchObject({
      target: TARGET.resourceId,
      armedAt: START.toISOString(),
      ring: request(DAY).settings.ring,
      holding: { files: 10, bytes: 10_000_000, lookbackSeconds: 600 },
    });
  });

  test("a freeze in the same batch as the handing-over timer is dropped with the old execution, and taken from the mailbox", async () => {
    const handOver = await handOverSecond();
    const freeze = freezeAt(handOver - 60);
    const events = [{ name: "freeze", atSecond: handOver - 1, input: freeze, withTimer: true }];
    const mailbox: ScriptedActivity = (input, { at }) =>
      ok({
        requests:
          secondsFromStart(at) >= handOver - 1
            ? [{ kind: "freeze", event: freeze, writtenAt: iso(handOver - 1) }]
            : [],
      });

    const lost = await daySession({ events });
    // Without the mailbox the freeze went with the first execution's history…
    expect((lost.output as CaptureReport).outcome).toBe("sessionEnded");
    // …though it was delivered: a recorder that never hands over (2.5) takes it at its next turn.
    const single = await daySession({ version: "2.5", events });
    expect((single.output as CaptureReport).ring?.firedAt).toBe(freeze.firedAt);

    const run = await daySession({
      activities: activities(DAY, { readRecorderMailbox: mailbox }),
      events,
    });
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("frozen");
    expect(report.ring?.firedAt).toBe(freeze.firedAt);
    expect(run.executions).toHaveLength(2);
    // Read for this arming, before any check of the new execution; the tail had passed: stop at once.
    expect(run.calls.find((c) => c.name === "readRecorderMailbox")!.input).toEqual({
      instanceId: "replay-instance",
      armedAt: START.toISOString(),
      storageAccountId: STORAGE,
    });
    expect(callsOf(run, "stopCapture")).toEqual([handOver]);
    expect(report.ring?.window).toEqual({ from: iso(handOver - 360), to: iso(handOver) });
  });

  test("a disarm found in the mailbox stands the ring down, with the late-freeze grace", async () => {
    const handOver = await handOverSecond();
    const run = await daySession({
      activities: activities(DAY, {
        readRecorderMailbox: () =>
          ok({ requests: [{ kind: "disarm", writtenAt: iso(handOver - 1) }] }),
      }),
    });
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("disarmed");
    expect(callsOf(run, "stopCapture")).toEqual([handOver]);
    // Every channel is notified once the grace has passed.
    expect(new Set(callsOf(run, "notify"))).toEqual(
      new Set([handOver + LATE_FREEZE_GRACE_SECONDS]),
    );
  });

  test("a freeze raised to the new execution itself is taken as an event", async () => {
    const handOver = await handOverSecond();
    const run = await daySession({
      events: [{ name: "freeze", atSecond: handOver + 600, input: freezeAt(handOver + 600) }],
    });
    expect((run.output as CaptureReport).outcome).toBe("frozen");
    expect(callsOf(run, "stopCapture")).toEqual([handOver + 630]);
  });

  test("a ring found stopped at a continued generation's first check still takes a late freeze", async () => {
    const handOver = await handOverSecond();
    // Network Watcher stopped the ring between the hand-over and the new execution's check.
    const stoppedAtHandOver: ScriptedActivity = (_input, { at }) =>
      ok(
        secondsFromStart(at) >= handOver
          ? { status: "Stopped", stopReason: "Unknown", errors: [] }
          : { status: "Running", errors: [] },
      );
    const run = await daySession({
      activities: activities(DAY, { getCaptureStatus: stoppedAtHandOver }),
      events: [{ name: "freeze", atSecond: handOver + 5, input: freezeAt(handOver) }],
    });
    expect(run.error).toBeUndefined();
    expect(run.executions).toHaveLength(2);
    const report = run.output as CaptureReport;
    expect(report.outcome).toBe("frozen");
    expect(report.ring?.endedBeforeFreeze).toEqual({ at: iso(handOver), by: "sessionEnded" });
    expect(report.ring?.firedAt).toBe(iso(handOver));
  });

  test("recorders started on 2.5 keep one execution and read no mailbox", async () => {
    const run = await daySession({ version: "2.5" });
    expect((run.output as CaptureReport).outcome).toBe("sessionEnded");
    expect(run.executions).toHaveLength(1);
    expect(names(run)).not.toContain("readRecorderMailbox");
  });

  test("a generation in the input of a recorder started before 2.6 is ignored: it arms as it did", async () => {
    const run = await replay(recorderOrchestrator, {
      input: {
        ...request(3600),
        generation: { ...SECOND, polls: 3 },
      },
      version: "2.5",
      start: START,
      activities: activities(3600),
    });
    expect(names(run).slice(0, 2)).toEqual(["validateRecorderRequest", "checkQuota"]);
    expect((run.output as CaptureReport).request).not.toHaveProperty("generation");
  });
});
