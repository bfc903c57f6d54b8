/**
 * A capture group with scale-set instances as members: one capture on the set, each named
 * instance compared with its own file (orchestration 2.5 on).
 */
import { replay, type ScriptedActivity } from "../support/replayHarness";
import { request } from "./support/captureScript";
import { OrchestrationVersions } from "../../lib/workflow/versions";
import type * as Group from "../../lib/workflow/groupContracts";
import type { CaptureReport, InstanceFile } from "../../lib/workflow/contracts";
import { parseCaptureTarget } from "../../lib/domain/armId";
import type { CaptureRequest } from "../../lib/domain/types";
import captureGroupOrchestrator from "../../orchestrators/captureGroupOrchestrator";

const START = new Date("2026-01-01T02:00:00Z");
const RG = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute";
const WEB = "capture-web-1-aaaaaaaaaa";
const SET = "capture-ss-cccccccccc";

function captureOf(resourceId: string, scope?: string[]): CaptureRequest {
  const base = request(300, { notify: false });
  return {
    ...base,
    target: parseCaptureTarget(resourceId)!,
    settings: { ...base.settings, ...(scope && { scope: { include: scope } }) },
    alert: { schema: "common", ruleName: "tcp-loss" },
  };
}

const web: Group.GroupMember = {
  instanceId: WEB,
  request: captureOf(`${RG}/virtualMachines/web-1`),
};
const scaleSet = (instances: string[]): Group.GroupMember => ({
  instanceId: SET,
  request: captureOf(`${RG}/virtualMachineScaleSets/ss`, instances),
  instances,
});

const file = (path: string, instanceId?: string): InstanceFile => ({
  storagePath: `https://caps.blob/ss/${path}`,
  sizeBytes: 2000,
  format: "pcap",
  ...(instanceId !== undefined && { instanceId }),
  summary: { highlights: ["not passed to the comparison"] },
});

/** A scale set's report, 2.4 style: no one blob, a file per instance (one here unattributed). */
function setReport(files: InstanceFile[]): CaptureReport {
  return {
    instanceId: SET,
    outcome: "succeeded",
    request: scaleSet([]).request,
    startedAt: START.toISOString(),
    endedAt: START.toISOString(),
    instances: { storagePath: "https://caps.blob/ss", files, missing: [], rejected: [] },
    pollCount: 5,
  };
}

const webReport: CaptureReport = {
  ...setReport([]),
  instanceId: WEB,
  request: web.request,
  instances: undefined,
  blob: { storagePath: "https://caps.blob/web-1.cap", sizeBytes: 1000, format: "pcap" },
};

const ok = (value: unknown) => ({ ok: true, value });

/** Nothing running before the group; compareCaptures echoes which two names it compared. */
const activities: Record<string, ScriptedActivity> = {
  captureInstances: (i) =>
    ok(
      (i as { instanceIds: string[] }).instanceIds.map((instanceId) => ({
        instanceId,
        runtimeStatus: "NotFound",
      })),
    ),
  signalCaptures: () => ok(null),
  compareCaptures: (i) => {
    const { a, b } = i as Group.CompareCapturesInput;
    return ok({
      a: a.name,
      b: b.name,
      verdict: `${a.name} vs ${b.name}`,
      details: [],
      directions: [],
    });
  },
  notifyGroup: () => ok({ delivered: ["webhook"] }),
};

async function runGroup(members: Group.GroupMember[], files: InstanceFile[], version?: string) {
  const input: Group.GroupRequest = { alert: { schema: "common", ruleName: "tcp-loss" }, members };
  const children = {
    [WEB]: { seconds: 310, run: () => webReport },
    [SET]: { seconds: 320, run: () => setReport(files) },
  };
  const result = await replay(captureGroupOrchestrator, {
    input,
    start: START,
    activities,
    children,
    ...(version !== undefined && { version }),
  });
  expect(result.error).toBeUndefined();
  const compared = result.calls
    .filter((c) => c.name === "compareCaptures")
    .map((c) => c.input as Group.CompareCapturesInput);
  return { result, output: result.output as Group.GroupReport, compared };
}

const FILES = [file("0.cap", "0"), file("1.cap", "1"), file("anonymous.cap")];

test("a VM and two instances of one set: one capture on the set, the VM compared with each instance's own file", async () => {
  const { result, output, compared } = await runGroup([web, scaleSet(["1", "0"])], FILES);
  const starts = result.calls.filter((c) => c.name.startsWith("child:"));
  expect(starts.map((c) => c.name)).toEqual([`child:${WEB}`, `child:${SET}`]);
  expect((starts[1]!.input as CaptureRequest).settings.scope).toEqual({ include: ["1", "0"] });
  expect(compared).toEqual([
    {
      a: { name: "web-1", blob: webReport.blob },
      b: {
        name: "ss_1",
        blob: { storagePath: "https://caps.blob/ss/1.cap", sizeBytes: 2000, format: "pcap" },
      },
    },
    {
      a: { name: "web-1", blob: webReport.blob },
      b: {
        name: "ss_0",
        blob: { storagePath: "https://caps.blob/ss/0.cap", sizeBytes: 2000, format: "pcap" },
      },
    },
  ]);
  expect(output.comparisons.map((c) => c.verdict)).toEqual(["web-1 vs ss_1", "web-1 vs ss_0"]);
  expect(output.outcome).toBe("succeeded");
});

test("two instances of one set alone: one capture, the first instance compared with the second", async () => {
  const { result, output, compared } = await runGroup([scaleSet(["0", "1"])], FILES);
  expect(result.calls.filter((c) => c.name.startsWith("child:")).map((c) => c.name)).toEqual([
    `child:${SET}`,
  ]);
  expect(
    compared.map((c) => [c.a.name, c.a.blob.storagePath, c.b.name, c.b.blob.storagePath]),
  ).toEqual([["ss_0", "https://caps.blob/ss/0.cap", "ss_1", "https://caps.blob/ss/1.cap"]]);
  expect(output.outcome).toBe("succeeded");
});

test("an instance whose file storage does not attribute to it is not compared, and its capture counts as not landed", async () => {
  const { output, compared } = await runGroup(
    [web, scaleSet(["0", "1"])],
    [file("0.cap", "0"), file("anonymous.cap")],
  );
  expect(compared.map((c) => c.b.name)).toEqual(["ss_0"]);
  expect(output.outcome).toBe("partial");
});

test("a group started on 2.4 keeps comparing one blob per member: the set, having none, is not compared", async () => {
  const { output, compared } = await runGroup(
    [web, scaleSet(["0", "1"])],
    FILES,
    OrchestrationVersions.perInstanceFiles,
  );
  expect(compared).toEqual([]);
  expect(output.outcome).toBe("partial");
});
