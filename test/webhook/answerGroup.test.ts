import { readWebhookSettings, type WebhookSettings } from "../../lib/config/appSettings";
import { groupInstanceIdFor } from "../../lib/domain/captureGroup";
import { parseCaptureTarget } from "../../lib/domain/armId";
import { statusUrlFor } from "../../lib/domain/statusUrl";
import type { CaptureTarget } from "../../lib/domain/types";
import { answerAlert } from "../../lib/webhook/answerAlert";
import type { CaptureStarter, InstanceSnapshot } from "../../lib/webhook/captureStarter";
import { groupStatus } from "../../lib/webhook/groupStatus";
import { checkCaptureRequest } from "../../lib/workflow/requestCheck";
import type { GroupRequest } from "../../lib/workflow/groupContracts";
import { firedCommonAlert } from "../support/fixtures";
import { MemoryMailbox } from "../support/memoryMailbox";

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
  async raise(): Promise<void> {
    return Promise.reject(new Error("a group alert supersedes nothing"));
  }
  async startRecorder(): Promise<void> {
    return Promise.reject(new Error("a group alert arms no recorder"));
  }
}

/** The alert URL as an action group stores it: the function key in `code`. */
const ALERT_URL = "https://app.example.net/api/alerts?code=FUNCTIONKEY";

function decide(body: unknown, appSettings: WebhookSettings, engine: CaptureStarter) {
  return answerAlert(body, appSettings, {
    starter: engine,
    mailbox: new MemoryMailbox(),
    now: NOW,
    statusUrlOf: (id) => statusUrlFor(ALERT_URL, id),
  });
}

function multiTarget(ids: string[], peers?: string): Record<string, unknown> {
  const alert = firedCommonAlert(peers === undefined ? {} : { capturePeers: peers }, ids[0]);
  (alert as { data: { essentials: { alertTargetIDs: string[] } } }).data.essentials.alertTargetIDs =
    ids;
  return alert;
}

test("every VM of a multi-resource alert plus capturePeers: one group, 202 with a key-less group status URL", async () => {
  const engine = new GroupEngine();
  const answer = await decide(
    multiTarget([vm("web-1"), vm("db-1")], ` ${vm("cache-1")} ; ${vm("WEB-1").toLowerCase()} `),
    settings(),
    engine,
  );
  expect(answer.status).toBe(202);
  const targets = ["web-1", "db-1", "cache-1"].map((n) => parseCaptureTarget(vm(n))!);
  const id = groupInstanceIdFor(targets.map((t) => t.resourceId));
  expect(answer.body.id).toBe(id);
  expect(answer.headers?.Location).toBe(`https://app.example.net/api/groups/${id}`);
  expect(answer.body.statusQueryGetUri).toBe(answer.headers?.Location);
  expect(JSON.stringify(answer)).not.toContain("code=");
  const input = engine.groups.get(id)!.input;
  expect(input.members.map((m) => m.request.target.name)).toEqual(["web-1", "db-1", "cache-1"]);
  expect(input.members[0]!.instanceId).toMatch(/^capture-web-1-[0-9a-f]{10}$/);
  expect(input.members.every((m) => m.request.policy?.notify === false)).toBe(true);
  expect(input.members[0]!.request.statusUrl).toBe(
    `https://app.example.net/api/captures/${input.members[0]!.instanceId}/status`,
  );
  expect(input.statusUrl).toBe(answer.headers?.Location);
  // Each member's input passes the capture orchestration's first step (validateRequest).
  for (const m of input.members) expect(checkCaptureRequest(m.request, settings()).ok).toBe(true);

  const again = await decide(
    multiTarget([vm("db-1"), vm("web-1")], vm("cache-1")),
    settings(),
    engine,
  );
  expect(again).toMatchObject({ status: 200, body: { id, deduplicated: true } });
});

const instance = (set: string, id: string, rg = "rg") =>
  `/subscriptions/s/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachineScaleSets/${set}/virtualMachines/${id}`;

test("two instances of one scale set as peers: one capture on the set, scoped to both", async () => {
  const engine = new GroupEngine();
  const peers = `${instance("ss", "4")};${instance("ss", "0")}`;
  const answer = await decide(multiTarget([vm("web-1")], peers), settings(), engine);
  expect(answer.status).toBe(202);
  const id = groupInstanceIdFor([vm("web-1"), instance("ss", "4"), instance("ss", "0")]);
  expect(answer.body).toMatchObject({
    id,
    members: [
      { target: vm("web-1") },
      { target: instance("ss", "4").replace(/\/virtualMachines\/4$/, ""), instances: ["4", "0"] },
    ],
  });
  const [webMember, setMember] = engine.groups.get(id)!.input.members;
  expect(webMember!.instances).toBeUndefined();
  expect(webMember!.request.settings.scope).toBeUndefined();
  expect(setMember!.instances).toEqual(["4", "0"]);
  expect(setMember!.request.target.kind).toBe("virtualMachineScaleSet");
  expect(setMember!.request.settings.scope).toEqual({ include: ["4", "0"] });
  // The set's capture passes the capture orchestration's first step, scope included.
  expect(checkCaptureRequest(setMember!.request, settings()).ok).toBe(true);
});

test.each<[string, Record<string, unknown>, Record<string, string>, number, string]>([
  [
    "a malformed scale-set instance ID",
    multiTarget([vm("web-1")], instance("ss", "007")),
    {},
    422,
    "capturePeers",
  ],
  [
    "an instance of a scale set outside the allowed scopes",
    multiTarget([vm("web-1")], instance("ss", "0", "other-rg")),
    { CAPTURE_ALLOWED_SCOPES: "/subscriptions/s/resourceGroups/rg" },
    403,
    "outside the allowed scopes",
  ],
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
  const answer = await decide(body, settings(env), engine);
  expect(answer.status).toBe(status);
  expect(String(answer.body.error)).toContain(reason);
  expect(engine.groups.size).toBe(0);
});

test("captureMode freeze with no recorder armed falls back to a one-shot capture: of the whole group", async () => {
  const engine = new GroupEngine();
  const alert = multiTarget([vm("web-1")], vm("db-1"));
  (
    alert as { data: { customProperties: Record<string, string> } }
  ).data.customProperties.captureMode = "freeze";
  const answer = await decide(alert, settings(), engine);
  expect(answer.status).toBe(202);
  const id = groupInstanceIdFor(["web-1", "db-1"].map((n) => vm(n)));
  expect(engine.groups.get(id)?.input.members).toHaveLength(2);
});

test("an unreachable task hub is a 503 Azure Monitor retries, with the cause kept for the log", async () => {
  const engine = new GroupEngine();
  engine.status = () => Promise.reject(new Error("connect ECONNREFUSED"));
  const answer = await decide(multiTarget([vm("web-1"), vm("db-1")]), settings(), engine);
  expect(answer).toMatchObject({ status: 503, headers: { "Retry-After": "10" } });
  expect(answer.cause).toContain("ECONNREFUSED");
  expect(JSON.stringify(answer.body)).not.toContain("ECONNREFUSED");
});

test("one status answer: the group's phase and every member's progress", async () => {
  const targets: CaptureTarget[] = [parseCaptureTarget(vm("web-1"))!];
  const id = groupInstanceIdFor(targets.map((t) => t.resourceId));
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

test("a racing alert started the group first: the refused start is a 200 deduplicated with its status", async () => {
  const engine = new GroupEngine();
  const id = groupInstanceIdFor([vm("web-1"), vm("db-1")]);
  engine.startGroup = (groupId: string, input: GroupRequest) => {
    engine.groups.set(groupId, { runtimeStatus: "Pending", input });
    return Promise.reject(new Error("409 instance exists"));
  };
  const answer = await decide(multiTarget([vm("web-1"), vm("db-1")]), settings(), engine);
  expect(answer).toMatchObject({
    status: 200,
    body: { id, deduplicated: true, runtimeStatus: "Pending" },
  });
});

test("a refused start with no group running afterwards: 503 saying the store is unavailable", async () => {
  const engine = new GroupEngine();
  engine.startGroup = () => Promise.reject(new Error("500 from the task hub"));
  const answer = await decide(multiTarget([vm("web-1"), vm("db-1")]), settings(), engine);
  expect(answer).toMatchObject({
    status: 503,
    body: { error: "the orchestration store is unavailable; retry later" },
    cause: expect.stringContaining("500 from the task hub"),
  });
});
