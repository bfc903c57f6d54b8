/**
 * Every fault the ARM emulator can inject, through the whole app: each ends in the state
 * docs/design.md describes (retried to success, or failed with an actionable reason and a failure
 * notification), and nothing is left running on the emulator.
 */
import type { CaptureReport } from "../../lib/workflow/contracts";
import type { FaultSpec } from "../../local/armEmulator";
import {
  alertFor,
  postAlert,
  readStatus,
  useTestStack,
  vmId,
  waitForEnd,
  type InstanceStatus,
} from "./support/testStack";

jest.setTimeout(300_000);

const stack = useTestStack();

async function capture(
  vm: string,
  props: Record<string, string> = {},
): Promise<{ id: string; statusUrl: string }> {
  const accepted = await postAlert(
    stack(),
    alertFor(vm, { captureTimeLimitSeconds: "4", ...props }),
  );
  expect(accepted.status).toBe(202);
  return {
    id: String(accepted.body.id),
    statusUrl: String(accepted.body.statusQueryGetUri),
  };
}

async function run(vm: string, fault?: FaultSpec): Promise<InstanceStatus & { id: string }> {
  if (fault) stack().arm.faults.add(fault);
  const started = await capture(vm);
  return { ...(await waitForEnd(started.statusUrl, 120_000)), id: started.id };
}

async function failureNotice(id: string): Promise<{
  outcome: string;
  failure?: { code: string; message: string; action?: string };
  rerun?: { cli: string };
}> {
  const n = await stack().sink.waitFor(
    (x) => x.channel === "generic" && (x.body as { instanceId?: string }).instanceId === id,
    15_000,
  );
  return n.body as never;
}

afterEach(() => {
  stack().arm.faults.clear();
  expect(stack().arm.sessions()).toEqual([]);
});

describe("transient faults are ridden out", () => {
  test("429 with Retry-After on create: the SDK waits and retries, the capture completes", async () => {
    const end = await run("throttled", {
      kind: "throttle",
      operation: "PacketCaptures_Create",
      count: 2,
      retryAfterSeconds: 1,
    });
    expect(end.runtimeStatus).toBe("Completed");
    expect((end.output as CaptureReport).outcome).toBe("succeeded");
  });

  test("5xx on queryStatus beyond the SDK's own retries: durable retries carry on, the capture completes", async () => {
    const end = await run("flaky", {
      kind: "serverError",
      operation: "PacketCaptures_GetStatus",
      count: 5,
      status: 503,
    });
    expect(end.runtimeStatus).toBe("Completed");
  });

  test("slow upload: the blob check retries until the file lands", async () => {
    const end = await run("slowupload", {
      kind: "slowUpload",
      target: vmId("slowupload"),
      delayMs: 6000,
    });
    expect(end.runtimeStatus).toBe("Completed");
    expect((end.output as CaptureReport).blob?.sizeBytes).toBeGreaterThan(24);
  });
});

describe("permanent faults fail with a reason ops can act on, and still notify", () => {
  test.each<[string, string, FaultSpec, string]>([
    [
      "failed LRO on create",
      "lrofail",
      {
        kind: "lroFailure",
        operation: "PacketCaptures_Create",
        code: "PacketCaptureFailed",
        message: "agent not reachable",
      },
      "CaptureRejected",
    ],
    [
      "agent extension missing",
      "noagent",
      { kind: "agentMissing", target: vmId("noagent") },
      "AgentMissing",
    ],
    [
      "agent stops mid-capture",
      "agentstop",
      { kind: "agentStopped", target: vmId("agentstop"), afterMs: 1000 },
      "AgentStopped",
    ],
    [
      "storage upload fails",
      "nostorage",
      { kind: "storageFailed", target: vmId("nostorage") },
      "StorageFailed",
    ],
  ])("%s", async (_name, vm, fault, expected) => {
    const end = await run(vm, fault);
    expect(end.runtimeStatus).toBe("Failed");
    expect(JSON.stringify(end.output)).toContain(expected);
    expect(JSON.stringify(end.output)).toContain("Action:");
    const notice = await failureNotice(end.id);
    expect(notice.outcome).toBe("failed");
    expect(`${notice.failure?.code} ${notice.failure?.message}`).toContain(expected);
    expect(notice.rerun?.cli).toContain(end.id);
  });
});

test("cancel: the operator's event stops the capture gracefully; the partial file is verified and notified", async () => {
  const started = await capture("cancelme", { captureTimeLimitSeconds: "600" });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = (await readStatus(started.statusUrl)) as {
      customStatus?: { phase?: string };
    };
    if (status.customStatus?.phase === "capturing") break;
    if (Date.now() > deadline) throw new Error("capture never reached the capturing phase");
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  // The Durable management URLs (system key) are for admins only: the ops API's show hands them out.
  const shown = await fetch(
    `${stack().endpoints.functionsUrl}/api/ops/captures/${encodeURIComponent(started.id)}`,
    { headers: { "x-functions-key": stack().endpoints.masterKey } },
  );
  const { management } = (await shown.json()) as { management: { sendEventPostUri: string } };
  const raised = await fetch(management.sendEventPostUri.replace("{eventName}", "cancel"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  expect(raised.status).toBe(202);
  const end = await waitForEnd(started.statusUrl, 60_000);
  expect(end.runtimeStatus).toBe("Completed");
  const report = end.output as CaptureReport;
  expect(report.outcome).toBe("cancelled");
  expect(report.blob?.format).toBe("pcap");
});
