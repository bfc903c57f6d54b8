import { readWebhookSettings, type WebhookSettings } from "../../lib/config/appSettings";
import type { CaptureStore } from "../../lib/ops/captureStore";
import type { InstanceStatus } from "../../lib/ops/captureView";
import {
  armAnswer,
  disarmAnswer,
  listRecordersAnswer,
  type RecorderOpsContext,
} from "../../lib/ops/recorders";
import type { CaptureStarter } from "../../lib/webhook/captureStarter";
import type { RecorderRequest } from "../../lib/workflow/recorderContracts";
import { armBody } from "../../scripts/ops/recorderCommands";
import { UsageError } from "../../scripts/ops/connection";
import { MemoryMailbox } from "../support/memoryMailbox";

const VM = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web01";
const NOW = new Date("2026-01-01T03:00:00Z");
const CAPTURE_ACCOUNT =
  "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/caps";

function settings(env: Record<string, string> = {}): WebhookSettings {
  const read = readWebhookSettings({
    CAPTURE_STORAGE_ACCOUNT_ID: CAPTURE_ACCOUNT,
    ...env,
  });
  if (!read.ok) throw new Error(read.message);
  return read.value;
}

function context(instances: InstanceStatus[] = [], env: Record<string, string> = {}) {
  const started: Array<{ id: string; input: RecorderRequest }> = [];
  const raised: Array<{ id: string; name: string }> = [];
  const log: string[] = [];
  const mailbox = new MemoryMailbox(log);
  const byId = (id: string) => instances.find((i) => i.instanceId === id);
  const starter = {
    status: async (id: string) => byId(id),
    startRecorder: async (id: string, input: RecorderRequest) => {
      started.push({ id, input });
      return Promise.resolve();
    },
    raise: async (id: string, name: string) => {
      raised.push({ id, name });
      log.push("raise");
      return Promise.resolve();
    },
  } as unknown as CaptureStarter;
  const store = {
    list: async () => instances,
    get: async (id: string) => byId(id),
  } as unknown as CaptureStore;
  const ctx: RecorderOpsContext = {
    store,
    starter,
    mailbox,
    settings: settings(env),
    statusUrlOf: (id) => `http://127.0.0.1:7071/runtime/webhooks/durabletask/instances/${id}`,
    now: NOW,
  };
  return { ctx, started, raised, mailbox, log };
}

function recorderStatus(id: string, runtimeStatus = "Running"): InstanceStatus {
  return {
    name: "recorderOrchestrator",
    instanceId: id,
    runtimeStatus,
    createdTime: new Date("2026-01-01T02:00:00Z"),
    lastUpdatedTime: NOW,
    input: {
      target: { resourceId: VM },
      settings: {
        storageAccountId: CAPTURE_ACCOUNT,
        ring: { fileCount: 10, fileSizeInBytes: 1e8, sessionTimeLimitInSeconds: 86400 },
      },
    },
    output: null,
    customStatus: {
      phase: "armed",
      startedAt: "2026-01-01T02:00:00.000Z",
      ring: {
        files: 4,
        bytes: 4096,
        oldest: "2026-01-01T02:55:00.000Z",
        newest: NOW.toISOString(),
      },
    },
  };
}

describe("ops: flight recorders", () => {
  test("arm starts the VM's recorder with the asked ring; hours become the session limit", async () => {
    const { ctx, started } = context([], { RECORDER_MAX_PER_REGION: "4" });
    const answer = await armAnswer(ctx, { target: VM, hours: 2, files: 5, fileBytes: 1000000 });
    expect(answer.status).toBe(202);
    expect(started).toHaveLength(1);
    expect(started[0]!.id).toMatch(/^recorder-web01-/);
    expect(started[0]!.input).toMatchObject({
      armedBy: "ops",
      maxPerRegion: 4,
      settings: {
        ring: { fileCount: 5, fileSizeInBytes: 1000000, sessionTimeLimitInSeconds: 7200 },
      },
    });
  });

  test("arm refuses bad input naming the flag, and a VM already armed with 409", async () => {
    const { ctx, started } = context([recorderStatus("x")]);
    expect(await armAnswer(ctx, { target: "vm1" })).toMatchObject({ status: 400 });
    expect(await armAnswer(ctx, { target: VM, files: 10001 })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/^files: /) },
    });
    expect(await armAnswer(ctx, { target: VM, hours: 169 })).toMatchObject({ status: 400 });
    const armedId = (await armAnswer(context().ctx, { target: VM })).body as { id: string };
    const { ctx: armed } = context([recorderStatus(armedId.id)]);
    expect(await armAnswer(armed, { target: VM })).toMatchObject({ status: 409 });
    expect(started).toHaveLength(0);
  });

  test("disarm raises the disarm event on an armed recorder, 404 when none is armed", async () => {
    const id = ((await armAnswer(context().ctx, { target: VM })).body as { id: string }).id;
    expect(await disarmAnswer(context().ctx, { target: VM })).toMatchObject({ status: 404 });
    const { ctx, raised, mailbox, log } = context([recorderStatus(id)]);
    expect(await disarmAnswer(ctx, { target: VM })).toMatchObject({ status: 202 });
    expect(raised).toEqual([{ id, name: "disarm" }]);
    // Written to the arming's mailbox first: a recorder continuing as new may drop the event.
    expect(mailbox.posted).toEqual([
      {
        ref: {
          instanceId: id,
          armedAt: "2026-01-01T02:00:00.000Z",
          storageAccountId: CAPTURE_ACCOUNT,
        },
        request: { kind: "disarm", writtenAt: NOW.toISOString() },
      },
    ]);
    expect(log).toEqual(["post", "raise"]);
  });

  test("a recorder between two generations (ContinuedAsNew) is still armed: disarm reaches it", async () => {
    const id = ((await armAnswer(context().ctx, { target: VM })).body as { id: string }).id;
    const { ctx, raised } = context([recorderStatus(id, "ContinuedAsNew")]);
    expect(await disarmAnswer(ctx, { target: VM })).toMatchObject({ status: 202 });
    expect(raised).toEqual([{ id, name: "disarm" }]);
  });

  test("list shows armed recorders with the window they hold and the bytes stored", async () => {
    const { ctx } = context([
      recorderStatus("recorder-web01-abc"),
      { ...recorderStatus("capture-web01-abc"), name: "captureOrchestrator" },
    ]);
    const answer = await listRecordersAnswer(ctx);
    expect(answer.body).toEqual({
      items: [
        expect.objectContaining({
          instanceId: "recorder-web01-abc",
          phase: "armed",
          holding: expect.objectContaining({ files: 4, bytes: 4096, lookbackSeconds: 300 }),
        }),
      ],
    });
  });

  test("the CLI checks its numbers before asking the API", () => {
    expect(armBody(VM, { hours: "1.5", files: "3", "file-bytes": "1000000" })).toEqual({
      target: VM,
      hours: 1.5,
      files: 3,
      fileBytes: 1000000,
    });
    expect(() => armBody(VM, { files: "ten" })).toThrow(UsageError);
    expect(() => armBody(VM, { hours: "-1" })).toThrow(/--hours must be a positive number/);
  });
});
