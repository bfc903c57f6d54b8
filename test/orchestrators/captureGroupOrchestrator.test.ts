import captureGroupOrchestrator from "../../orchestrators/captureGroupOrchestrator";
import type { CaptureRequest } from "../../lib/domain/types";
import type { CaptureReport } from "../../lib/workflow/contracts";
import type {
  CaptureInstanceState,
  GroupReport,
  GroupRequest,
} from "../../lib/workflow/groupContracts";
import { parseCaptureTarget } from "../../lib/domain/armId";
import { request } from "./support/captureScript";
import { CURRENT_VERSION } from "../../lib/workflow/versions";
import { replay, type ScriptedActivity, type ScriptedChild } from "../support/replayHarness";

const START = new Date("2026-01-01T02:00:00Z");
const WEB = "capture-web-1-aaaaaaaaaa";
const DB = "capture-db-1-bbbbbbbbbb";

/** The capture script's request, for another VM, not notifying (the group does). */
function member(name: string): CaptureRequest {
  return {
    ...request(300, { notify: false }),
    target: parseCaptureTarget(
      `/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/${name}`,
    )!,
    alert: { schema: "common", ruleName: "tcp-loss" },
    captureName: `alertcap-${name}`,
  };
}

const input: GroupRequest = {
  alert: { schema: "common", ruleName: "tcp-loss" },
  members: [
    { instanceId: WEB, request: member("web-1") },
    { instanceId: DB, request: member("db-1") },
  ],
  statusUrl: "http://127.0.0.1:7071/api/groups/group-2-0123456789abcdef",
};

function report(instanceId: string, name: string): CaptureReport {
  return {
    instanceId,
    outcome: "succeeded",
    request: member(name),
    startedAt: START.toISOString(),
    endedAt: START.toISOString(),
    blob: { storagePath: `https://caps.blob/${name}.cap`, sizeBytes: 1000, format: "pcap" },
    pollCount: 5,
  };
}

const ok = (value: unknown) => ({ ok: true, value });
const child = (instanceId: string, name: string, seconds = 310): ScriptedChild => ({
  seconds,
  run: () => report(instanceId, name),
});
const verdict = {
  a: "web-1",
  b: "db-1",
  verdict: "web-1→db-1: 3 of 100 packets (3.0 %) left web-1 and never reached db-1",
  details: [],
  directions: [],
};

/** No member running before the group; compare and notify succeed. */
function activities(
  states: (call: number, ids: string[]) => CaptureInstanceState[] = (_, ids) =>
    ids.map((instanceId) => ({ instanceId, runtimeStatus: "NotFound" })),
): Record<string, ScriptedActivity> {
  let calls = 0;
  return {
    captureInstances: (i) => ok(states(calls++, (i as { instanceIds: string[] }).instanceIds)),
    signalCaptures: () => ok(null),
    compareCaptures: () => ok(verdict),
    notifyGroup: () => ok({ delivered: ["webhook"] }),
  };
}

const secondsFromStart = (at: Date) => (at.getTime() - START.getTime()) / 1000;

test("starts every member together as sub-orchestrations, compares them and notifies once per channel", async () => {
  const result = await replay(captureGroupOrchestrator, {
    input,
    start: START,
    instanceId: "group-2-0123456789abcdef",
    activities: activities(),
    children: { [WEB]: child(WEB, "web-1"), [DB]: child(DB, "db-1") },
  });
  expect(result.error).toBeUndefined();
  const starts = result.calls.filter((c) => c.name.startsWith("child:"));
  expect(starts.map((c) => c.name)).toEqual([`child:${WEB}`, `child:${DB}`]);
  // Issued in one episode, at the same moment: the captures overlap.
  expect(new Set(starts.map((c) => c.at.getTime())).size).toBe(1);
  expect((starts[0]!.input as CaptureRequest).policy?.notify).toBe(false);
  // Each child is stamped with this build's version, so it takes validateRequest and its steps.
  const created = result.history.filter((e) => e.EventType === 7);
  expect(created.map((e) => e.Version)).toEqual([CURRENT_VERSION, CURRENT_VERSION]);
  const output = result.output as GroupReport;
  expect(output.outcome).toBe("succeeded");
  expect(output.members.map((m) => [m.name, m.role, m.report?.blob?.storagePath])).toEqual([
    ["web-1", "started", "https://caps.blob/web-1.cap"],
    ["db-1", "started", "https://caps.blob/db-1.cap"],
  ]);
  expect(output.comparisons).toEqual([verdict]);
  const compare = result.calls.find((c) => c.name === "compareCaptures");
  expect(compare?.input).toMatchObject({ a: { name: "web-1" }, b: { name: "db-1" } });
  expect(result.calls.filter((c) => c.name === "notifyGroup")).toHaveLength(3);
  expect(result.customStatus).toMatchObject({ phase: "done", outcome: "succeeded" });
});

test("a member failing: the others are still waited for and reported, the group is partial, no comparison", async () => {
  const result = await replay(captureGroupOrchestrator, {
    input,
    start: START,
    activities: activities(),
    children: {
      [WEB]: child(WEB, "web-1", 400),
      [DB]: {
        seconds: 20,
        run: () => {
          throw new Error(
            "Orchestrator function 'captureOrchestrator' failed: [startCapture] AgentMissing",
          );
        },
      },
    },
  });
  const output = result.output as GroupReport;
  expect(output.outcome).toBe("partial");
  expect(output.members[0]?.report?.outcome).toBe("succeeded");
  expect(output.members[1]?.error).toContain("AgentMissing");
  expect(output.comparisons).toEqual([]);
  expect(result.calls.filter((c) => c.name === "notifyGroup")).toHaveLength(3);
  // The failure came at 20 s; the group waited for web-1 until it finished at 400 s.
  expect(secondsFromStart(result.finishedAt)).toBeGreaterThanOrEqual(400);
});

test("joins a member that is already capturing: not started again, polled until it finishes", async () => {
  const result = await replay(captureGroupOrchestrator, {
    input,
    start: START,
    activities: activities((call, ids) =>
      ids.map((instanceId) =>
        instanceId !== DB
          ? { instanceId, runtimeStatus: "NotFound" }
          : call < 3
            ? { instanceId, runtimeStatus: "Running" }
            : { instanceId, runtimeStatus: "Completed", report: report(DB, "db-1") },
      ),
    ),
    children: { [WEB]: child(WEB, "web-1") },
  });
  expect(result.calls.filter((c) => c.name.startsWith("child:")).map((c) => c.name)).toEqual([
    `child:${WEB}`,
  ]);
  const output = result.output as GroupReport;
  expect(output.members.map((m) => m.role)).toEqual(["started", "joined"]);
  expect(output.members[1]?.report?.blob?.storagePath).toBe("https://caps.blob/db-1.cap");
  expect(output.comparisons).toHaveLength(1);
  expect(result.statuses).toContainEqual(
    expect.objectContaining({
      phase: "capturingGroup",
      members: [
        expect.objectContaining({ instanceId: WEB, role: "started" }),
        expect.objectContaining({ instanceId: DB, role: "joined" }),
      ],
    }),
  );
});

test("a child refused because its VM started capturing meanwhile is joined instead", async () => {
  const result = await replay(captureGroupOrchestrator, {
    input,
    start: START,
    activities: activities((call, ids) =>
      ids.map((instanceId) =>
        call === 0
          ? { instanceId, runtimeStatus: "NotFound" }
          : { instanceId, runtimeStatus: "Completed", report: report(instanceId, "db-1") },
      ),
    ),
    children: {
      [WEB]: child(WEB, "web-1"),
      [DB]: {
        seconds: 1,
        run: () => {
          throw new Error("An Orchestration instance with the status Running already exists.");
        },
      },
    },
  });
  const output = result.output as GroupReport;
  expect(output.members[1]).toMatchObject({ role: "joined", report: { instanceId: DB } });
  expect(output.outcome).toBe("succeeded");
});

test("cancelled: the cancel is passed to every member it started; partial files are still compared and notified", async () => {
  const result = await replay(captureGroupOrchestrator, {
    input,
    start: START,
    activities: activities(),
    children: { [WEB]: child(WEB, "web-1", 300), [DB]: child(DB, "db-1", 300) },
    events: [{ name: "cancel", atSecond: 30 }],
  });
  const signal = result.calls.find((c) => c.name === "signalCaptures");
  expect(signal?.input).toEqual({ instanceIds: [WEB, DB], event: "cancel" });
  expect(secondsFromStart(signal!.at)).toBe(30);
  const output = result.output as GroupReport;
  expect(output.outcome).toBe("cancelled");
  expect(output.members.every((m) => m.report !== undefined)).toBe(true);
  expect(result.calls.filter((c) => c.name === "notifyGroup")).toHaveLength(3);
});

describe("capture group, pinned behaviour (replay)", () => {
  /** A child orchestration that fails `seconds` after it was started, with `message`. */
  const failing = (message: string, seconds = 20): ScriptedChild => ({
    seconds,
    run: () => {
      throw new Error(message);
    },
  });
  const failed = (code: string) => ({
    ok: false,
    failure: { code, message: `${code} happened`, action: "do something" },
  });
  /** DB answers `status` on the first look; later looks say it completed with its report. */
  const dbIs = (status: string) =>
    activities((call, ids) =>
      ids.map((instanceId) =>
        instanceId !== DB
          ? { instanceId, runtimeStatus: "NotFound" }
          : call === 0
            ? { instanceId, runtimeStatus: status }
            : { instanceId, runtimeStatus: "Completed", report: report(DB, "db-1") },
      ),
    );

  test.each(["Pending", "Running", "ContinuedAsNew", "Suspended"])(
    "a member whose capture is %s is joined, never started a second time",
    async (status) => {
      const result = await replay(captureGroupOrchestrator, {
        input,
        start: START,
        activities: dbIs(status),
        children: { [WEB]: child(WEB, "web-1") },
      });
      const starts = result.calls.filter((c) => c.name.startsWith("child:"));
      expect(starts.map((c) => c.name)).toEqual([`child:${WEB}`]);
      expect((result.output as GroupReport).members.map((m) => m.role)).toEqual([
        "started",
        "joined",
      ]);
    },
  );

  test.each(["Completed", "Failed", "Terminated", "NotFound"])(
    "a member whose earlier capture is %s is started afresh",
    async (status) => {
      const result = await replay(captureGroupOrchestrator, {
        input,
        start: START,
        activities: dbIs(status),
        children: { [WEB]: child(WEB, "web-1"), [DB]: child(DB, "db-1") },
      });
      const starts = result.calls.filter((c) => c.name.startsWith("child:"));
      expect(starts.map((c) => c.name)).toEqual([`child:${WEB}`, `child:${DB}`]);
    },
  );

  test("a joined member still capturing past its time limit + 600 s is reported as such, polled every 15 s", async () => {
    const result = await replay(captureGroupOrchestrator, {
      input,
      start: START,
      activities: activities((_, ids) =>
        ids.map((instanceId) => ({
          instanceId,
          runtimeStatus: instanceId === DB ? "Running" : "NotFound",
        })),
      ),
      children: { [WEB]: child(WEB, "web-1", 310) },
      maxEpisodes: 1000,
    });
    const polls = result.calls
      .filter((c) => c.name === "captureInstances")
      .map((c) => secondsFromStart(c.at));
    // The first look at 0 s; the web child ends at 310 s; then every 15 s until 310 + 300 + 600.
    expect(polls.slice(0, 4)).toEqual([0, 310, 325, 340]);
    expect(polls.at(-1)).toBe(1210);
    expect(polls).toHaveLength(2 + 60);
    const output = result.output as GroupReport;
    expect(output.members[1]).toEqual({
      instanceId: DB,
      name: "db-1",
      resourceId:
        "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/db-1",
      role: "joined",
      error: "still capturing when the group stopped waiting for it",
    });
    expect(output.outcome).toBe("partial");
    expect(result.statuses).toContainEqual(expect.objectContaining({ phase: "waitingForJoined" }));
  });

  test.each<[string, Partial<CaptureInstanceState> | undefined, string]>([
    [
      "has failed with an error",
      { runtimeStatus: "Failed", error: "[startCapture] AgentMissing" },
      "[startCapture] AgentMissing",
    ],
    [
      "was terminated without a report",
      { runtimeStatus: "Terminated" },
      "the capture orchestration is Terminated",
    ],
    ["is gone from the task hub", undefined, "the capture orchestration is gone"],
  ])("a joined member that %s is reported with why", async (_, state, error) => {
    const result = await replay(captureGroupOrchestrator, {
      input,
      start: START,
      activities: activities((call, ids) =>
        ids.flatMap((instanceId) =>
          instanceId !== DB
            ? [{ instanceId, runtimeStatus: "NotFound" }]
            : call === 0
              ? [{ instanceId, runtimeStatus: "Running" }]
              : state
                ? [{ instanceId, ...state } as CaptureInstanceState]
                : [],
        ),
      ),
      children: { [WEB]: child(WEB, "web-1") },
    });
    const output = result.output as GroupReport;
    expect(output.members[1]).toMatchObject({ role: "joined", error });
    expect(output.members[1]?.report).toBeUndefined();
    expect(output.outcome).toBe("partial");
    expect(output.comparisons).toEqual([]);
  });

  test("no member with a file: the group failed", async () => {
    const broken: ScriptedChild = failing("[startCapture] AgentMissing");
    const result = await replay(captureGroupOrchestrator, {
      input,
      start: START,
      activities: activities(),
      children: { [WEB]: broken, [DB]: broken },
    });
    const output = result.output as GroupReport;
    expect(output.outcome).toBe("failed");
    expect(output.members.map((m) => m.error)).toEqual([
      "[startCapture] AgentMissing",
      "[startCapture] AgentMissing",
    ]);
    expect(result.customStatus).toMatchObject({ phase: "done", outcome: "failed" });
  });

  test("a comparison that fails for good is listed with its reason; the group still succeeds", async () => {
    const result = await replay(captureGroupOrchestrator, {
      input,
      start: START,
      activities: { ...activities(), compareCaptures: () => failed("TooLarge") },
      children: { [WEB]: child(WEB, "web-1"), [DB]: child(DB, "db-1") },
    });
    const output = result.output as GroupReport;
    expect(output.outcome).toBe("succeeded");
    expect(output.comparisons).toEqual([
      {
        a: "web-1",
        b: "db-1",
        verdict: "web-1 and db-1 could not be compared",
        details: [],
        directions: [],
        error: "TooLarge happened",
      },
    ]);
  });

  test("a comparison that answers outside its contract is a bug: the group fails naming the fault", async () => {
    const result = await replay(captureGroupOrchestrator, {
      input,
      start: START,
      activities: { ...activities(), compareCaptures: () => null },
      children: { [WEB]: child(WEB, "web-1"), [DB]: child(DB, "db-1") },
    });
    expect(result.error).toBe("Cannot read properties of null (reading 'ok')");
  });

  test("the primary is compared with each other member that has a file, and only those", async () => {
    const three: GroupRequest = {
      ...input,
      members: [...input.members, { instanceId: "capture-app-1", request: member("app-1") }],
    };
    const result = await replay(captureGroupOrchestrator, {
      input: three,
      start: START,
      activities: activities(),
      children: {
        [WEB]: child(WEB, "web-1"),
        [DB]: failing("[startCapture] AgentMissing"),
        "capture-app-1": child("capture-app-1", "app-1"),
      },
    });
    const compared = result.calls
      .filter((c) => c.name === "compareCaptures")
      .map((c) => c.input as { a: { name: string }; b: { name: string } })
      .map((i) => `${i.a.name}/${i.b.name}`);
    expect(compared).toEqual(["web-1/app-1"]);
    expect((result.output as GroupReport).outcome).toBe("partial");
  });

  test("a primary without a file: nothing is compared", async () => {
    const result = await replay(captureGroupOrchestrator, {
      input,
      start: START,
      activities: activities(),
      children: {
        [WEB]: failing("[startCapture] AgentMissing"),
        [DB]: child(DB, "db-1"),
      },
    });
    expect(result.calls.filter((c) => c.name === "compareCaptures")).toEqual([]);
  });

  test("a channel failing for good is named in notifyError; the other channels are still notified", async () => {
    const result = await replay(captureGroupOrchestrator, {
      input,
      start: START,
      activities: {
        ...activities(),
        notifyGroup: (i) =>
          (i as { channel: string }).channel === "teams"
            ? failed("Refused")
            : ok({ delivered: [(i as { channel: string }).channel] }),
      },
      children: { [WEB]: child(WEB, "web-1"), [DB]: child(DB, "db-1") },
    });
    const output = result.output as GroupReport;
    expect(output.notifyError).toBe("teams: Refused: Refused happened");
    expect(
      result.calls
        .filter((c) => c.name === "notifyGroup")
        .map((c) => (c.input as { channel: string }).channel),
    ).toEqual(["webhook", "teams", "slack"]);
  });

  test("the report carries the instance, the times and the status URL only when there is one", async () => {
    const { statusUrl: _statusUrl, ...withoutUrl } = input;
    const result = await replay(captureGroupOrchestrator, {
      input: withoutUrl,
      start: START,
      instanceId: "group-x",
      activities: activities(),
      children: { [WEB]: child(WEB, "web-1", 310), [DB]: child(DB, "db-1", 320) },
    });
    const output = result.output as GroupReport;
    expect(output).toMatchObject({
      instanceId: "group-x",
      alert: input.alert,
      startedAt: START.toISOString(),
      endedAt: new Date(START.getTime() + 320_000).toISOString(),
    });
    expect("statusUrl" in output).toBe(false);
    const notifiedReport = result.calls.find((c) => c.name === "notifyGroup")!.input as {
      report: GroupReport;
    };
    expect(notifiedReport.report.outcome).toBe("succeeded");
  });

  test("a child refused as already existing after a cancel is not joined: its error stands", async () => {
    const result = await replay(captureGroupOrchestrator, {
      input,
      start: START,
      activities: activities(),
      children: {
        [WEB]: child(WEB, "web-1", 300),
        [DB]: failing("An Orchestration instance with the status Running already exists.", 60),
      },
      events: [{ name: "cancel", atSecond: 30 }],
    });
    const output = result.output as GroupReport;
    expect(output.members[1]).toMatchObject({
      role: "started",
      error: "An Orchestration instance with the status Running already exists.",
    });
    expect(result.calls.filter((c) => c.name === "captureInstances")).toHaveLength(1);
  });

  test("a group run without trouble: the status URL is in the report, no cancel is sent, no notifyError", async () => {
    const result = await replay(captureGroupOrchestrator, {
      input,
      start: START,
      activities: activities(),
      children: { [WEB]: child(WEB, "web-1"), [DB]: child(DB, "db-1") },
    });
    const output = result.output as GroupReport;
    expect(output.statusUrl).toBe(input.statusUrl);
    expect(output.notifyError).toBeUndefined();
    expect(result.calls.map((c) => c.name)).not.toContain("signalCaptures");
  });

  test("every member already capturing: none started, each waited for up to the longest time limit + 600 s", async () => {
    const long: GroupRequest = {
      ...input,
      members: [
        {
          instanceId: WEB,
          request: {
            ...member("web-1"),
            settings: { ...member("web-1").settings, timeLimitInSeconds: 900 },
          },
        },
        { instanceId: DB, request: member("db-1") },
      ],
    };
    const result = await replay(captureGroupOrchestrator, {
      input: long,
      start: START,
      activities: activities((call, ids) =>
        ids.map((instanceId) =>
          instanceId === DB && call >= 2
            ? { instanceId, runtimeStatus: "Completed", report: report(DB, "db-1") }
            : { instanceId, runtimeStatus: "Running" },
        ),
      ),
      maxEpisodes: 1000,
    });
    expect(result.calls.filter((c) => c.name.startsWith("child:"))).toEqual([]);
    const polls = result.calls
      .filter((c) => c.name === "captureInstances")
      .map((c) => secondsFromStart(c.at));
    expect(polls.at(-1)).toBe(900 + 600);
    const output = result.output as GroupReport;
    expect(output.outcome).toBe("partial");
    expect(output.members.map((m) => [m.role, m.error, m.report?.instanceId])).toEqual([
      ["joined", "still capturing when the group stopped waiting for it", undefined],
      ["joined", undefined, DB],
    ]);
  });

  test("the group ends as soon as its joined member does: no extra wait after the last one", async () => {
    const result = await replay(captureGroupOrchestrator, {
      input,
      start: START,
      activities: dbIs("Running"),
      children: { [WEB]: child(WEB, "web-1", 310) },
    });
    // The web child ends at 310 s; the first look after it (at 310 s) sees db-1 completed.
    expect((result.output as GroupReport).endedAt).toBe(
      new Date(START.getTime() + 310_000).toISOString(),
    );
  });
});
