/**
 * The flight-recorder branch on its own, over a scripted task hub: which answer each state of the
 * VM's recorder gets, and what reaches the engine. The hub here starts whatever it is asked to,
 * so "already armed" must be the branch's own decision, not the engine's refusal.
 */
import { readWebhookSettings, type WebhookSettings } from "../../lib/config/appSettings";
import { parseAlertPayload } from "../../lib/domain/alertPayload";
import type { CaptureSettings } from "../../lib/domain/types";
import type { CaptureStarter, InstanceSnapshot } from "../../lib/webhook/captureStarter";
import { routeRecorder, type RecorderAnswers } from "../../lib/webhook/recorderRouting";
import { firedCommonAlert } from "../support/fixtures";
import { MemoryMailbox } from "../support/memoryMailbox";

const STORAGE =
  "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/caps";
const NOW = new Date("2026-01-01T02:00:00Z");
const CAPTURE: CaptureSettings = {
  timeLimitInSeconds: 300,
  totalBytesPerSession: 1073741824,
  bytesToCapturePerPacket: 0,
  filters: [],
  storageAccountId: STORAGE,
};

function appSettings(): WebhookSettings {
  const read = readWebhookSettings({ CAPTURE_STORAGE_ACCOUNT_ID: STORAGE });
  if (!read.ok) throw new Error(read.message);
  return read.value;
}

function alertWith(customProperties: Record<string, string> = {}) {
  const parsed = parseAlertPayload(firedCommonAlert(customProperties));
  if (parsed.kind !== "capture") throw new Error("the fixture is a capture alert");
  return parsed;
}

type Answer = { status: number; body: Record<string, unknown>; headers?: Record<string, string> };
const answers: RecorderAnswers<Answer> = {
  links: (id) => ({ id, statusQueryGetUri: `https://app.example/api/captures/${id}/status` }),
  isActive: (s) => s === "Running" || s === "Pending",
  reply: (status, body, headers) => ({ status, body, ...(headers && { headers }) }),
  retryLater: (error) => ({ status: 503, body: { error } }),
};

/** status() answers from `statuses` in turn (the last one from then on); every call is recorded. */
class ScriptedHub implements CaptureStarter {
  readonly calls: string[] = [];
  constructor(
    private readonly statuses: Array<InstanceSnapshot | undefined | Error>,
    private readonly refuse: { raise?: boolean; start?: boolean } = {},
  ) {}
  async status(): Promise<InstanceSnapshot | undefined> {
    await Promise.resolve();
    this.calls.push("status");
    const next = this.statuses.length > 1 ? this.statuses.shift() : this.statuses[0];
    if (next instanceof Error) throw next;
    return next;
  }
  async raise(_id: string, eventName: string): Promise<void> {
    await Promise.resolve();
    this.calls.push(`raise ${eventName}`);
    if (this.refuse.raise) throw new Error("410 not running");
  }
  async startRecorder(): Promise<void> {
    await Promise.resolve();
    this.calls.push("startRecorder");
    if (this.refuse.start) throw new Error("409 instance exists");
  }
  async start(): Promise<void> {
    return Promise.reject(new Error("the recorder branch never starts a one-shot capture"));
  }
  async startGroup(): Promise<void> {
    return Promise.reject(new Error("the recorder branch never starts a group"));
  }
}

const armedRecorder = (customStatus: unknown = { phase: "armed" }): InstanceSnapshot => ({
  name: "recorderOrchestrator",
  runtimeStatus: "Running",
  customStatus,
});

/** The mailbox logs its writes into the hub's calls, so the order of post and raise shows. */
function route(mode: "ring" | "freeze", hub: ScriptedHub) {
  const mailbox = new MemoryMailbox(hub.calls);
  return routeRecorder(mode, alertWith(), CAPTURE, appSettings(), hub, mailbox, NOW, answers);
}

describe("arming a recorder (captureMode ring)", () => {
  test("none armed: 202 with the key-less links and Location, and the recorder starts", async () => {
    const hub = new ScriptedHub([undefined]);
    const answer = await route("ring", hub);
    const id = String(answer?.body.id);
    const url = `https://app.example/api/captures/${id}/status`;
    expect(id).toMatch(/^recorder-/);
    expect(answer).toEqual({
      status: 202,
      body: {
        id,
        statusQueryGetUri: url,
        armed: true,
        target: alertWith().target.resourceId,
      },
      headers: { Location: url },
    });
    expect(hub.calls).toEqual(["status", "startRecorder"]);
  });

  test("one armed already: 200 deduplicated, and nothing is started", async () => {
    const hub = new ScriptedHub([armedRecorder()]);
    const answer = await route("ring", hub);
    expect(answer).toMatchObject({ status: 200, body: { deduplicated: true, armed: true } });
    expect(hub.calls).toEqual(["status"]);
  });

  test("a custom status the client hands over as JSON text, unreadable text, or none: still armed", async () => {
    for (const customStatus of [JSON.stringify({ phase: "armed" }), "{not json", null]) {
      const answer = await route("ring", new ScriptedHub([armedRecorder(customStatus)]));
      expect(answer).toMatchObject({ status: 200, body: { deduplicated: true, armed: true } });
    }
  });

  test("a racing arm started it first: the refused start is a 200 deduplicated", async () => {
    const hub = new ScriptedHub([undefined, armedRecorder()], { start: true });
    const answer = await route("ring", hub);
    expect(answer).toMatchObject({ status: 200, body: { deduplicated: true, armed: true } });
    expect(hub.calls).toEqual(["status", "startRecorder", "status"]);
  });

  test("a start refused with nothing running afterwards: 503, never a false dedup", async () => {
    const hub = new ScriptedHub([undefined], { start: true });
    expect(await route("ring", hub)).toEqual({
      status: 503,
      body: { error: "the orchestration store is unavailable; retry later" },
    });
  });

  test("the task hub unreachable: 503 Azure Monitor retries", async () => {
    const hub = new ScriptedHub([new Error("connect ECONNREFUSED")]);
    expect(await route("ring", hub)).toEqual({
      status: 503,
      body: { error: "the orchestration store is unavailable; retry later" },
    });
  });
});

describe("freezing a recorder (captureMode freeze)", () => {
  test("armed: the freeze is raised and answered 202 frozen with the alert's fired time", async () => {
    const hub = new ScriptedHub([armedRecorder()]);
    const answer = await route("freeze", hub);
    expect(answer).toMatchObject({
      status: 202,
      body: { frozen: true, firedAt: "2019-03-22T13:58:24.371Z" },
    });
    expect(hub.calls).toEqual(["status", "raise freeze"]);
  });

  test("armed with a ring started: the freeze is written to that arming's mailbox, then raised", async () => {
    const hub = new ScriptedHub([
      {
        ...armedRecorder({ phase: "armed", startedAt: "2026-01-01T01:00:00.000Z" }),
        input: { settings: { storageAccountId: STORAGE } },
      },
    ]);
    expect(await route("freeze", hub)).toMatchObject({ status: 202, body: { frozen: true } });
    expect(hub.calls).toEqual(["status", "post", "raise freeze"]);
  });

  test("the raise refused while the recorder still runs: 503, not a one-shot capture beside it", async () => {
    const hub = new ScriptedHub([armedRecorder()], { raise: true });
    expect(await route("freeze", hub)).toEqual({
      status: 503,
      body: { error: "the orchestration store is unavailable; retry later" },
    });
  });

  test("the raise refused because the recorder just ended: a one-shot capture (undefined)", async () => {
    const hub = new ScriptedHub([armedRecorder(), undefined], { raise: true });
    expect(await route("freeze", hub)).toBeUndefined();
  });
});
