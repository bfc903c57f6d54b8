/**
 * The activities' harder paths, through the real app on the local stack (the SDK clients in
 * the host talk HTTPS to the ARM emulator): watcher discovery by region under a non-default
 * name, the regional quota, every name-conflict resolution, and installing a missing agent when
 * the app settings allow it. The test sets the scene with
 * its own real SDK client, as another operator in the subscription would.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { NetworkManagementClient } from "@azure/arm-network";
import { captureNameFor } from "../../lib/domain/naming";
import { parseCaptureTarget } from "../../lib/domain/armId";
import { LOCAL_STORAGE_ACCOUNT_ID } from "../../local/stack";
import type { CaptureReport } from "../../lib/workflow/contracts";
import {
  alertFor,
  durableHistory,
  postAlert,
  startTestStack,
  SUBSCRIPTION,
  vmId,
  waitForEnd,
  type TestStack,
} from "./support/testStack";

jest.setTimeout(240_000);

/** Created by `az network watcher configure`, not the portal: discovery must find it by region, not by name. */
const WATCHER = { resourceGroup: "network-rg", name: "westeurope-watcher" };
let stack: TestStack;
let network: NetworkManagementClient;

beforeAll(async () => {
  const inventoryFile = path.join(
    mkdtempSync(path.join(tmpdir(), "apc-inventory-")),
    "inventory.json",
  );
  writeFileSync(
    inventoryFile,
    JSON.stringify({ networkWatchers: [{ ...WATCHER, region: "westeurope" }] }),
  );
  stack = await startTestStack({
    sessionLimit: 1,
    inventoryFile,
    appSettings: { CAPTURE_QUOTA_RECHECK_SECONDS: "5", CAPTURE_INSTALL_AGENT: "true" },
  });
  network = new NetworkManagementClient(
    {
      getToken: async () => ({
        token: stack.secrets.armToken,
        expiresOnTimestamp: Date.now() + 3_600_000,
      }),
    },
    SUBSCRIPTION,
    {
      endpoint: stack.endpoints.armEndpoint,
      tlsOptions: { ca: readFileSync(stack.arm.caCertPath, "utf8") },
    },
  );
});
afterAll(async () => {
  await stack?.dispose();
});
afterEach(() => {
  expect(stack.arm.sessions()).toEqual([]);
});

async function captureFor(vm: string, seconds: string) {
  const accepted = await postAlert(stack, alertFor(vm, { captureTimeLimitSeconds: seconds }));
  expect(accepted.status).toBe(202);
  return { id: String(accepted.body.id), statusUrl: String(accepted.body.statusQueryGetUri) };
}

/** A capture made outside our app, under the name our app would use for `vm`. */
async function foreignCapture(nameOf: string, target: string, seconds: number): Promise<string> {
  const name = captureNameFor(parseCaptureTarget(vmId(nameOf))!);
  await network.packetCaptures.create(WATCHER.resourceGroup, WATCHER.name, name, {
    target,
    storageLocation: { storageId: LOCAL_STORAGE_ACCOUNT_ID },
    timeLimitInSeconds: seconds,
  });
  return name;
}

function historyCount(
  history: Array<{ EventType: string; FunctionName?: string }>,
  name: string,
): number {
  return history.filter((e) => e.EventType === "TaskCompleted" && e.FunctionName === name).length;
}

function history(run: {
  id: string;
}): Promise<Array<{ EventType: string; FunctionName?: string }>> {
  return durableHistory(stack, run.id);
}

test("regional quota full: the second VM waits on durable timers and captures once the first is done", async () => {
  const first = await captureFor("quota-a", "6");
  const second = await captureFor("quota-b", "3");
  const [a, b] = await Promise.all([
    waitForEnd(first.statusUrl, 120_000),
    waitForEnd(second.statusUrl, 120_000),
  ]);
  expect([a.runtimeStatus, b.runtimeStatus]).toEqual(["Completed", "Completed"]);
  expect(historyCount(await history(second), "checkQuota")).toBeGreaterThan(1);
});

test("our target's capture already running: adopted, not started twice", async () => {
  await foreignCapture("adopt-me", vmId("adopt-me"), 5);
  const run = await captureFor("adopt-me", "5");
  const end = await waitForEnd(run.statusUrl, 120_000);
  expect(end.runtimeStatus).toBe("Completed");
  expect(historyCount(await history(run), "startCapture")).toBe(0);
  expect(end.customStatus).toMatchObject({ resolution: "adopted" });
  expect((end.output as CaptureReport).watcher).toEqual({
    subscriptionId: SUBSCRIPTION,
    ...WATCHER,
  });
});

test("our target's finished capture: deleted and replaced under the same name", async () => {
  const name = await foreignCapture("stale", vmId("stale"), 1);
  await network.packetCaptures.stop(WATCHER.resourceGroup, WATCHER.name, name);
  const run = await captureFor("stale", "3");
  const end = await waitForEnd(run.statusUrl, 120_000);
  expect(end.runtimeStatus).toBe("Completed");
  expect(end.customStatus).toMatchObject({ resolution: "replaced", captureName: name });
});

test("our name held by another target's capture: a suffixed name, the other capture untouched", async () => {
  const name = await foreignCapture("squatted", vmId("someone-else"), 2);
  await network.packetCaptures.stop(WATCHER.resourceGroup, WATCHER.name, name);
  const run = await captureFor("squatted", "3");
  const end = await waitForEnd(run.statusUrl, 120_000);
  expect(end.runtimeStatus).toBe("Completed");
  expect((end.output as CaptureReport).captureName).toBe(`${name}-2`);
  expect((await network.packetCaptures.get(WATCHER.resourceGroup, WATCHER.name, name)).target).toBe(
    vmId("someone-else"),
  );
});

test("agent missing and CAPTURE_INSTALL_AGENT=true: the agent is installed through Compute, then the capture runs", async () => {
  stack.arm.faults.add({ kind: "agentMissing", target: vmId("bare-vm") });
  const run = await captureFor("bare-vm", "3");
  const end = await waitForEnd(run.statusUrl, 120_000);
  expect(end.runtimeStatus).toBe("Completed");
  expect(stack.lines.some((l) => l.includes("VirtualMachineExtensions_CreateOrUpdate"))).toBe(true);
});
