import type { HttpManagementPayload } from "durable-functions";
import { readWebhookSettings, type WebhookSettings } from "../../lib/config/appSettings";
import { groupInstanceIdFor } from "../../lib/domain/captureGroup";
import { parseCaptureTarget } from "../../lib/domain/armId";
import type { CaptureTarget } from "../../lib/domain/types";
import { answerAlert } from "../../lib/webhook/answerAlert";
import type { CaptureStarter, InstanceSnapshot } from "../../lib/webhook/captureStarter";
import { groupStatus } from "../../lib/webhook/groupStatus";
import type { GroupRequest } from "../../lib/workflow/groupContracts";
import { firedCommonAlert } from "../support/fixtures";

const STORAGE =
  "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/caps";
const vm = (name: string, rg = "rg") =>
  `/subscriptions/s/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`;
const NOW = new Date("2026-01-01T02:00:00Z");

function settings(env: Record<string, string> = {}): WebhookSettings {
  const read = readWebhookSettings({ CAPTURE_STORAGE_ACCOUNT_ID: STORAGE, ...env });
  if (!read.ok) throw new Error(read.message);
  return read.value;
}

/** Records group starts; refuses a second start over a running instance, as the engine does. */
class GroupEngine implements CaptureStarter {
  groups = new Map<string, InstanceSnapshot & { input: GroupRequest }>();
  async status(id: string) {
    return Promise.resolve(this.groups.get(id));
  }
  async start(): Promise<void> {
    return Promise.reject(new Error("a group alert must not start a single capture"));
  }
  async startGroup(id: string, input: GroupRequest) {
    if (this.groups.get(id)?.runtimeStatus === "Running") throw new Error("409");
    this.groups.set(id, { runtimeStatus: "Running", input });
    return Promise.resolve();
  }
  managementPayload(id: string): HttpManagementPayload {
    const url = `http://127.0.0.1:7071/runtime/webhooks/durabletask/instances/${id}?code=SYSTEMKEY`;
    return { id, statusQueryGetUri: url } as HttpManagementPayload;
  }
}

function multiTarget(ids: string[], peers?: string): Record<string, unknown> {
  const alert = firedCommonAlert(peers === undefined ? {} : { capturePeers: peers }, ids[0]);
  (alert as { data: { essentials: { alertTargetIDs: string[] } } }).data.essentials.alertTargetIDs =
    ids;
  return alert;
}

test("every VM of a multi-resource alert plus capturePeers: one group, 202 with a key-less group status URL", async () => {
  const engine = new GroupEngine();
  const answer = await answerAlert(
    multiTarget([vm("web-1"), vm("db-1")], ` ${vm("cache-1")} ; ${vm("WEB-1").toLowerCase()} `),
    settings(),
    engine,
    NOW,
  );
  expect(answer.status).toBe(202);
  const targets = ["web-1", "db-1", "cache-1"].map((n) => parseCaptureTarget(vm(n))!);
  const id = groupInstanceIdFor(targets);
  expect(answer.body.id).toBe(id);
  expect(answer.headers?.Location).toBe(`http://127.0.0.1:7071/api/groups/${id}`);
  expect(JSON.stringify(answer.body)).not.toContain("SYSTEMKEY");
  const input = engine.groups.get(id)!.input;
  expect(input.members.map((m) => m.request.target.name)).toEqual(["web-1", "db-1", "cache-1"]);
  expect(input.members[0]!.instanceId).toMatch(/^capture-web-1-[0-9a-f]{10}$/);
  expect(input.members.every((m) => m.request.policy?.notify === false)).toBe(true);
  expect(input.members[0]!.request.statusUrl).not.toContain("code=");

  const again = await answerAlert(
    multiTarget([vm("db-1"), vm("web-1")], vm("cache-1")),
    settings(),
    engine,
    NOW,
  );
  expect(again).toMatchObject({ status: 200, body: { id, deduplicated: true } });
});

test.each<[string, Record<string, unknown>, Record<string, string>, number, string]>([
  [
    "a peer that is not a VM",
    multiTarget(
      [vm("web-1")],
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x",
    ),
    {},
    422,
    "capturePeers",
  ],
  [
    "more VMs than CAPTURE_GROUP_MAX_TARGETS",
    multiTarget([vm("a"), vm("b")], vm("c")),
    { CAPTURE_GROUP_MAX_TARGETS: "2" },
    422,
    "at most 2 VMs",
  ],
  [
    "a peer outside the allowed scopes",
    multiTarget([vm("web-1")], vm("db-1", "other-rg")),
    { CAPTURE_ALLOWED_SCOPES: "/subscriptions/s/resourceGroups/rg" },
    403,
    "outside the allowed scopes",
  ],
])("refuses %s with a reason", async (_, body, env, status, reason) => {
  const engine = new GroupEngine();
  const answer = await answerAlert(body, settings(env), engine, NOW);
  expect(answer.status).toBe(status);
  expect(String(answer.body.error)).toContain(reason);
  expect(engine.groups.size).toBe(0);
});

test("one status answer: the group's phase and every member's progress", async () => {
  const targets: CaptureTarget[] = [parseCaptureTarget(vm("web-1"))!];
  const id = groupInstanceIdFor(targets);
  const store: Record<string, { runtimeStatus: string; customStatus: unknown; output: unknown }> = {
    [id]: {
      runtimeStatus: "Running",
      customStatus: {
        phase: "capturingGroup",
        members: [
          { name: "web-1", target: vm("web-1"), instanceId: "capture-web-1-x", role: "started" },
        ],
      },
      output: null,
    },
    "capture-web-1-x": {
      runtimeStatus: "Running",
      customStatus: { phase: "capturing", polls: 3 },
      output: null,
    },
  };
  const read = async (instanceId: string) => Promise.resolve(store[instanceId]);
  const answer = await groupStatus(id, { read });
  expect(answer).toMatchObject({
    status: 200,
    body: {
      phase: "capturingGroup",
      members: [
        { name: "web-1", runtimeStatus: "Running", progress: { phase: "capturing", polls: 3 } },
      ],
    },
  });
  expect((await groupStatus("capture-web-1-x", { read })).status).toBe(400);
  expect((await groupStatus("group-1-0000000000000000", { read })).status).toBe(404);
});
