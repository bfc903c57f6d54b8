import type { DurableClient } from "durable-functions";
import { durableCaptureStarter } from "../../lib/webhook/captureStarter";
import { OrchestratorNames } from "../../lib/workflow/contracts";
import { GroupOrchestratorName } from "../../lib/workflow/groupContracts";

/** A DurableClient that records the engine calls the webhook's starter makes. */
function recordingClient(calls: unknown[][]): DurableClient {
  return {
    getStatus: async (instanceId: string) => {
      calls.push(["getStatus", instanceId]);
      return { name: "captureOrchestrator", instanceId, runtimeStatus: "Running", input: { a: 1 } };
    },
    startNew: async (name: string, options: { instanceId: string; input: unknown }) => {
      calls.push(["startNew", name, options.instanceId, options.input]);
      return options.instanceId;
    },
    raiseEvent: async (instanceId: string, eventName: string, data: unknown) => {
      calls.push(["raiseEvent", instanceId, eventName, data]);
    },
  } as unknown as DurableClient;
}

test("the durable client binding is not asked for until the first engine call, then once", async () => {
  const calls: unknown[][] = [];
  let bindings = 0;
  const starter = durableCaptureStarter(() => {
    bindings++;
    return recordingClient(calls);
  });
  expect(bindings).toBe(0);

  expect(await starter.status("cap-vm1")).toMatchObject({
    instanceId: "cap-vm1",
    runtimeStatus: "Running",
    input: { a: 1 },
  });
  await starter.start("cap-vm1", { kind: "capture" } as never);
  await starter.startGroup("grp-1", { kind: "group" } as never);
  await starter.startRecorder("rec-vm1", { kind: "recorder" } as never);
  await starter.raise("rec-vm1", "freeze", { by: "alert" });

  expect(bindings).toBe(1);
  expect(calls).toEqual([
    ["getStatus", "cap-vm1"],
    ["startNew", OrchestratorNames.capture, "cap-vm1", { kind: "capture" }],
    ["startNew", GroupOrchestratorName, "grp-1", { kind: "group" }],
    ["startNew", OrchestratorNames.recorder, "rec-vm1", { kind: "recorder" }],
    ["raiseEvent", "rec-vm1", "freeze", { by: "alert" }],
  ]);
});
