import { answerAlert } from "../../lib/webhook/answerAlert";
import type { CaptureStarter, InstanceSnapshot } from "../../lib/webhook/captureStarter";
import { RecentInstances } from "../../lib/webhook/recentInstances";
import { statusUrlFor } from "../../lib/domain/statusUrl";
import { readWebhookSettings, type WebhookSettings } from "../../lib/config/appSettings";
import type { CaptureRequest } from "../../lib/domain/types";
import type { GroupRequest } from "../../lib/workflow/groupContracts";
import type { RecorderRequest } from "../../lib/workflow/recorderContracts";
import { fixture, firedCommonAlert, VM_ID } from "../support/fixtures";
import { MemoryMailbox } from "../support/memoryMailbox";

const STORAGE =
  "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/caps";
const OTHER_STORAGE =
  "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/exfil";
const NOW = new Date("2026-01-01T02:00:00Z");

function settings(env: Record<string, string> = {}): WebhookSettings {
  const read = readWebhookSettings({ CAPTURE_STORAGE_ACCOUNT_ID: STORAGE, ...env });
  if (!read.ok) throw new Error(read.message);
  return read.value;
}

/** The alert URL as an action group stores it: the function key in `code`. */
const ALERT_URL = "https://app.example.net/api/alerts?code=FUNCTIONKEY";

/** An in-memory engine with the one rule that matters here: no second start over a running instance. */
class FakeEngine implements CaptureStarter {
  instances = new Map<string, InstanceSnapshot & { input: CaptureRequest }>();
  raised: Array<{ id: string; eventName: string; data: unknown }> = [];
  starts = 0;
  statusCalls = 0;
  unavailable = false;
  /** How a running orchestration takes `cancel`: it ends (stop, verify, notify), or not in time. */
  endsOnCancel = true;
  /** A recorder that finishes just as the freeze is raised: the raise is refused (410). */
  completesBeforeRaise = false;
  /** While set, status reads wait for it: a task hub slow to answer, as under a storm. */
  gate?: Promise<void>;
  async status(id: string) {
    this.statusCalls++;
    await (this.gate ?? Promise.resolve());
    if (this.unavailable) throw new Error("connect ECONNREFUSED");
    return this.instances.get(id);
  }
  async start(id: string, input: CaptureRequest) {
    await Promise.resolve();
    const existing = this.instances.get(id);
    if (existing && ["Pending", "Running"].includes(existing.runtimeStatus))
      throw new Error("409 instance exists");
    this.starts++;
    this.instances.set(id, {
      name: "captureOrchestrator",
      instanceId: id,
      runtimeStatus: "Pending",
      input,
    });
  }
  async startGroup(id: string, input: GroupRequest) {
    await this.start(id, input as unknown as CaptureRequest);
  }
  async startRecorder(id: string, input: RecorderRequest) {
    await this.start(id, input);
    this.instances.get(id)!.name = "recorderOrchestrator";
  }
  async raise(id: string, eventName: string, data: unknown) {
    await Promise.resolve();
    const target = this.instances.get(id);
    if (target && this.completesBeforeRaise) {
      target.runtimeStatus = "Completed";
      throw new Error("410 the instance is not running");
    }
    this.raised.push({ id, eventName, data });
    const instance = this.instances.get(id);
    if (instance && eventName === "cancel" && this.endsOnCancel)
      instance.runtimeStatus = "Completed";
  }
}

function decide(
  body: unknown,
  settings: WebhookSettings,
  engine: CaptureStarter,
  now = NOW,
  recent?: RecentInstances,
  mailbox = new MemoryMailbox(),
) {
  return answerAlert(body, settings, {
    starter: engine,
    mailbox,
    now,
    statusUrlOf: (id) => statusUrlFor(ALERT_URL, id),
    recent,
    pause: () => Promise.resolve(),
  });
}

/** A fired common-schema alert of the given severity. */
function alertOf(severity: string, customProperties: Record<string, string> = {}) {
  const alert = firedCommonAlert(customProperties) as {
    data: { essentials: Record<string, unknown> };
  };
  alert.data.essentials.severity = severity;
  return alert;
}

describe("webhook answers (docs/design.md table)", () => {
  test("new capture: 202 with Location and the check-status payload; input carries typed settings", async () => {
    const engine = new FakeEngine();
    const answer = await decide(
      firedCommonAlert({ captureTimeLimitSeconds: "60" }),
      settings(),
      engine,
      NOW,
    );
    expect(answer.status).toBe(202);
    expect(answer.headers?.Location).toBe(answer.body.statusQueryGetUri);
    const id = String(answer.body.id);
    expect(answer.body).toEqual({
      id: expect.stringMatching(/^capture-wcus-r2-gen2-/),
      statusQueryGetUri: `https://app.example.net/api/captures/${id}/status`,
      target: expect.any(String),
    });
    const input = engine.instances.get(id)!.input;
    expect(input.settings).toMatchObject({ timeLimitInSeconds: 60, storageAccountId: STORAGE });
    expect(input.statusUrl).toBe(answer.body.statusQueryGetUri);
    expect(input.policy).toMatchObject({ quotaWaitSeconds: 900, summarize: true });
  });

  test("same target while capturing: 200 deduplicated with the running instance's URLs", async () => {
    const engine = new FakeEngine();
    const first = await decide(firedCommonAlert(), settings(), engine, NOW);
    engine.instances.get(String(first.body.id))!.runtimeStatus = "Running";
    const second = await decide(firedCommonAlert(), settings(), engine, NOW);
    expect(second).toMatchObject({
      status: 200,
      body: {
        deduplicated: true,
        id: first.body.id,
        statusQueryGetUri: first.body.statusQueryGetUri,
      },
    });
    expect(engine.starts).toBe(1);
  });

  test("racing alerts for one VM start one capture; the loser gets the dedup answer", async () => {
    const engine = new FakeEngine();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => decide(firedCommonAlert(), settings(), engine, NOW)),
    );
    expect(engine.starts).toBe(1);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200 && a.body.deduplicated)).toHaveLength(19);
  });

  test("cooldown: a completed capture within the window dedups; after it, a new capture starts", async () => {
    const engine = new FakeEngine();
    const first = await decide(
      firedCommonAlert(),
      settings({ CAPTURE_COOLDOWN_SECONDS: "600" }),
      engine,
      NOW,
    );
    Object.assign(engine.instances.get(String(first.body.id))!, {
      runtimeStatus: "Completed",
      lastUpdatedTime: new Date(NOW.getTime() - 60_000),
    });
    expect(
      (await decide(firedCommonAlert(), settings({ CAPTURE_COOLDOWN_SECONDS: "600" }), engine, NOW))
        .status,
    ).toBe(200);
    const later = new Date(NOW.getTime() + 3_600_000);
    expect(
      (
        await decide(
          firedCommonAlert(),
          settings({ CAPTURE_COOLDOWN_SECONDS: "600" }),
          engine,
          later,
        )
      ).status,
    ).toBe(202);
  });

  test("a failed earlier capture does not block a new one", async () => {
    const engine = new FakeEngine();
    const first = await decide(firedCommonAlert(), settings(), engine, NOW);
    engine.instances.get(String(first.body.id))!.runtimeStatus = "Failed";
    expect((await decide(firedCommonAlert(), settings(), engine, NOW)).status).toBe(202);
  });

  test("Resolved alert: 200 ignored with the reason, nothing started", async () => {
    const engine = new FakeEngine();
    const answer = await decide(
      fixture("common-schema-metric-alert.json"),
      settings(),
      engine,
      NOW,
    );
    expect(answer).toMatchObject({
      status: 200,
      body: { ignored: true, reason: expect.stringContaining("Resolved") },
    });
    expect(engine.starts).toBe(0);
  });

  test("bad parameter: 422 naming the key; unknown schema: 400", async () => {
    const engine = new FakeEngine();
    expect(
      await decide(firedCommonAlert({ captureTimeLimitSeconds: "99999" }), settings(), engine, NOW),
    ).toMatchObject({ status: 422, body: { key: "captureTimeLimitSeconds" } });
    expect((await decide({ hello: "world" }, settings(), engine, NOW)).status).toBe(400);
    expect(engine.starts).toBe(0);
  });

  test("allow-lists: a payload cannot steer the capture to another storage account or out-of-scope VM", async () => {
    const engine = new FakeEngine();
    const steer = await decide(
      firedCommonAlert({ captureStorageAccountId: OTHER_STORAGE }),
      settings(),
      engine,
      NOW,
    );
    expect(steer).toMatchObject({
      status: 403,
      body: { error: expect.stringContaining("captureStorageAccountId") },
    });
    const allowed = await decide(
      firedCommonAlert({ captureStorageAccountId: OTHER_STORAGE }),
      settings({ CAPTURE_ALLOWED_STORAGE_ACCOUNT_IDS: OTHER_STORAGE.toLowerCase() }),
      engine,
      NOW,
    );
    expect(allowed.status).toBe(202);
    const scoped = await decide(
      firedCommonAlert(),
      settings({ CAPTURE_ALLOWED_SCOPES: "/subscriptions/other" }),
      new FakeEngine(),
      NOW,
    );
    expect(scoped.status).toBe(403);
    expect(engine.starts).toBe(1);
  });

  test("no answer carries a key: neither the function key nor any management URL", async () => {
    const engine = new FakeEngine();
    const started = await decide(firedCommonAlert(), settings(), engine);
    engine.instances.get(String(started.body.id))!.runtimeStatus = "Running";
    const dedup = await decide(firedCommonAlert(), settings(), engine);
    for (const answer of [started, dedup]) {
      const text = JSON.stringify([answer.headers ?? {}, answer.body]);
      expect(text).not.toMatch(/code=|FUNCTIONKEY|runtime\/webhooks|PostUri|DeleteUri/);
    }
    expect(dedup.body).toEqual({
      id: started.body.id,
      statusQueryGetUri: started.body.statusQueryGetUri,
      deduplicated: true,
      runtimeStatus: "Running",
    });
  });

  test("misconfiguration is never the alert's fault: no storage account anywhere is a 503 naming the setting", async () => {
    const engine = new FakeEngine();
    const read = readWebhookSettings({});
    if (!read.ok) throw new Error(read.message);
    const answer = await decide(firedCommonAlert(), read.value, engine);
    expect(answer).toMatchObject({
      status: 503,
      headers: { "Retry-After": "10" },
      problem: expect.stringContaining("CAPTURE_STORAGE_ACCOUNT_ID"),
    });
    expect(engine.starts).toBe(0);
  });

  test("direct requests: the watcher must lie within the scopes; the capture name is always ours", async () => {
    const scoped = settings({ CAPTURE_ALLOWED_SCOPES: "/subscriptions/s1/resourceGroups/rg" });
    const direct = (watcherGroup: string) => ({
      targetVM:
        "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
      subscriptionId: "s1",
      networkWatcherResourceGroup: watcherGroup,
      networkWatcherName: "nw1",
      packetCaptureName: "theirs",
    });
    const outside = await decide(direct("OtherRG"), scoped, new FakeEngine());
    expect(outside).toMatchObject({
      status: 403,
      body: { error: expect.stringContaining("networkWatchers/nw1") },
    });
    const engine = new FakeEngine();
    const inside = await decide(direct("rg"), scoped, engine);
    expect(inside.status).toBe(202);
    const input = engine.instances.get(String(inside.body.id))!.input;
    expect(input.watcher).toEqual({ subscriptionId: "s1", resourceGroup: "rg", name: "nw1" });
    expect(input.captureName).toMatch(/^alertcap-vm1-/);
  });

  test("scope checks fold ASCII case only: a Kelvin-sign look-alike is refused", async () => {
    const engine = new FakeEngine();
    const kelvin = firedCommonAlert(
      {},
      "/subscriptions/s1/resourceGroups/\u212Aprod/providers/Microsoft.Compute/virtualMachines/vm",
    );
    const answer = await decide(
      kelvin,
      settings({ CAPTURE_ALLOWED_SCOPES: "/subscriptions/S1/resourceGroups/KPROD" }),
      engine,
    );
    expect(answer.status).toBe(403);
    expect(engine.starts).toBe(0);
  });

  test("engine unavailable: 503 with Retry-After, which Azure Monitor retries", async () => {
    const engine = new FakeEngine();
    engine.unavailable = true;
    const answer = await decide(firedCommonAlert(), settings(), engine, NOW);
    expect(answer).toMatchObject({ status: 503, headers: { "Retry-After": "10" } });
    expect(answer.cause).toContain("connect ECONNREFUSED");
    expect(JSON.stringify(answer.body)).not.toContain("ECONNREFUSED");
  });
});

/** What a rule that blinds a VM asks for: a long capture filtered on traffic that never comes. */
const NARROW = {
  captureTimeLimitSeconds: "3600",
  captureFilters: JSON.stringify([{ protocol: "UDP", remotePort: "9" }]),
};

describe("what an alert may ask for, and who supersedes whom (18.6)", () => {
  test("over the app's cap: 422 naming the key, the cap and its setting", async () => {
    const engine = new FakeEngine();
    const answer = await decide(
      firedCommonAlert({ captureTimeLimitSeconds: "18000" }),
      settings(),
      engine,
    );
    expect(answer).toMatchObject({
      status: 422,
      body: {
        key: "captureTimeLimitSeconds",
        cap: 3600,
        setting: "CAPTURE_MAX_TIME_LIMIT_SECONDS",
      },
    });
    const noFilters = await decide(
      firedCommonAlert({ captureFilters: NARROW.captureFilters }),
      settings({ CAPTURE_ALLOW_ALERT_FILTERS: "false" }),
      engine,
    );
    expect(noFilters).toMatchObject({
      status: 422,
      body: { key: "captureFilters", setting: "CAPTURE_ALLOW_ALERT_FILTERS" },
    });
    expect(engine.starts).toBe(0);
  });

  test("a Sev0 alert supersedes a running, narrower Sev4 capture: cancel with a reason, then its own capture", async () => {
    const engine = new FakeEngine();
    const blinding = await decide(alertOf("Sev4", NARROW), settings(), engine);
    engine.instances.get(String(blinding.body.id))!.runtimeStatus = "Running";
    const urgent = await decide(alertOf("Sev0"), settings(), engine);
    expect(urgent).toMatchObject({
      status: 202,
      body: { id: blinding.body.id, superseded: expect.stringContaining("Sev0") },
    });
    expect(engine.raised).toEqual([
      {
        id: blinding.body.id,
        eventName: "cancel",
        data: expect.objectContaining({
          by: "supersede",
          reason: expect.stringContaining("filters"),
        }),
      },
    ]);
    expect(engine.starts).toBe(2);
    expect(engine.instances.get(String(urgent.body.id))!.input.alert.severity).toBe("Sev0");
  });

  test("no supersede for an equal or lower severity, nor when the running capture is not narrower", async () => {
    const engine = new FakeEngine();
    const first = await decide(alertOf("Sev2", NARROW), settings(), engine);
    engine.instances.get(String(first.body.id))!.runtimeStatus = "Running";
    for (const alert of [alertOf("Sev2"), alertOf("Sev3"), alertOf("Sev1", NARROW)])
      expect(await decide(alert, settings(), engine)).toMatchObject({
        status: 200,
        body: { deduplicated: true },
      });
    expect(engine.raised).toEqual([]);
    expect(engine.starts).toBe(1);
  });

  test("a superseded capture still running after the wait: 503 + Retry-After, which Azure Monitor retries", async () => {
    const engine = new FakeEngine();
    engine.endsOnCancel = false;
    const blinding = await decide(alertOf("Sev4", NARROW), settings(), engine);
    engine.instances.get(String(blinding.body.id))!.runtimeStatus = "Running";
    const urgent = await decide(alertOf("Sev0"), settings(), engine);
    expect(urgent).toMatchObject({ status: 503, headers: { "Retry-After": "10" } });
    expect(engine.raised).toHaveLength(1);
    expect(engine.starts).toBe(1);
  });

  test("a narrower capture in its cooldown does not dedup a more severe alert", async () => {
    const engine = new FakeEngine();
    const cooled = settings({ CAPTURE_COOLDOWN_SECONDS: "600" });
    const first = await decide(alertOf("Sev3", NARROW), cooled, engine);
    Object.assign(engine.instances.get(String(first.body.id))!, {
      runtimeStatus: "Completed",
      lastUpdatedTime: new Date(NOW.getTime() - 60_000),
    });
    expect((await decide(alertOf("Sev3"), cooled, engine)).status).toBe(200);
    expect((await decide(alertOf("Sev1"), cooled, engine)).status).toBe(202);
    expect(engine.raised).toEqual([]);
  });
});

describe("storm fast path (13.7)", () => {
  test("concurrent alerts for one VM share one decision: one status read, one start", async () => {
    const engine = new FakeEngine();
    const recent = new RecentInstances(100);
    const answers = await Promise.all(
      Array.from({ length: 200 }, () =>
        decide(firedCommonAlert(), settings(), engine, NOW, recent),
      ),
    );
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200 && a.body.deduplicated)).toHaveLength(199);
    expect(engine.starts).toBe(1);
    expect(engine.statusCalls).toBe(1);
  });

  test("an alert asking what the decision in flight asks is answered without waiting for it", async () => {
    const engine = new FakeEngine();
    const recent = new RecentInstances(100);
    let release = () => {};
    engine.gate = new Promise<void>((resolve) => (release = resolve));
    const leader = decide(alertOf("Sev3"), settings(), engine, NOW, recent);
    const twin = await decide(alertOf("Sev3"), settings(), engine, NOW, recent);
    expect(twin).toMatchObject({ status: 200, body: { deduplicated: true } });
    let otherDone = false;
    const other = decide(alertOf("Sev1"), settings(), engine, NOW, recent).then((a) => {
      otherDone = true;
      return a;
    });
    await Promise.resolve();
    expect(otherDone).toBe(false); // a different ask waits for what the leader saw
    release();
    expect((await leader).status).toBe(202);
    expect((await other).status).toBe(200);
    expect(engine.starts).toBe(1);
  });

  test("a later alert reuses the sighting within the TTL (≤ cooldown), and asks the engine after it", async () => {
    const engine = new FakeEngine();
    const recent = new RecentInstances(100);
    const cooled = settings({ CAPTURE_COOLDOWN_SECONDS: "20" });
    await decide(firedCommonAlert(), cooled, engine, NOW, recent);
    const soon = new Date(NOW.getTime() + 10_000);
    expect((await decide(firedCommonAlert(), cooled, engine, soon, recent)).status).toBe(200);
    expect(engine.statusCalls).toBe(1);
    const later = new Date(NOW.getTime() + 21_000);
    expect((await decide(firedCommonAlert(), cooled, engine, later, recent)).status).toBe(200);
    expect(engine.statusCalls).toBe(2);
    // No cooldown, no reuse: the next alert asks the engine again.
    await decide(firedCommonAlert(), settings(), engine, later, recent);
    expect(engine.statusCalls).toBe(3);
  });

  test("the fast path never hides a superseding alert, and stays bounded", async () => {
    const engine = new FakeEngine();
    const recent = new RecentInstances(2);
    const cooled = settings({ CAPTURE_COOLDOWN_SECONDS: "20" });
    const first = await decide(alertOf("Sev4", NARROW), cooled, engine, NOW, recent);
    engine.instances.get(String(first.body.id))!.runtimeStatus = "Running";
    const urgent = await decide(alertOf("Sev0"), cooled, engine, NOW, recent);
    expect(urgent.status).toBe(202);
    for (const vm of ["a", "b", "c"])
      await decide(
        firedCommonAlert({}, VM_ID.replace("wcus-r2-gen2", vm)),
        cooled,
        engine,
        NOW,
        recent,
      );
    const calls = engine.statusCalls;
    // The first VM's sighting was evicted by three newer ones: its next alert asks the engine.
    await decide(alertOf("Sev0"), cooled, engine, NOW, recent);
    expect(engine.statusCalls).toBe(calls + 1);
  });
});

describe("flight recorder routing (captureMode)", () => {
  test("a recorder whose ring ended (phase ringEnded) is not armed: a freeze gets a one-shot capture, a ring arm is asked to retry", async () => {
    const engine = new FakeEngine();
    const armed = await decide(firedCommonAlert({ captureMode: "ring" }), settings(), engine);
    const recorder = engine.instances.get(armed.body.id as string)!;
    recorder.runtimeStatus = "Running";
    recorder.customStatus = JSON.stringify({ phase: "ringEnded", lastStatus: "ring sessionEnded" });
    const freeze = await decide(firedCommonAlert({ captureMode: "freeze" }), settings(), engine);
    expect(freeze.status).toBe(202);
    expect(freeze.body.id).toMatch(/^capture-/);
    expect(engine.raised).toEqual([]);
    const rearm = await decide(firedCommonAlert({ captureMode: "ring" }), settings(), engine);
    expect(rearm.status).toBe(503);
    expect(JSON.stringify(rearm.body)).toMatch(/recorder is ending \(ringEnded\)/);
  });

  test("a recorder that completes between the webhook's read and its raise: the freeze gets a one-shot capture", async () => {
    const engine = new FakeEngine();
    await decide(firedCommonAlert({ captureMode: "ring" }), settings(), engine);
    engine.instances.forEach((i) => (i.runtimeStatus = "Running"));
    engine.completesBeforeRaise = true;
    const freeze = await decide(firedCommonAlert({ captureMode: "freeze" }), settings(), engine);
    expect(freeze.status).toBe(202);
    expect(freeze.body.id).toMatch(/^capture-/);
  });

  test("ring arms the VM's recorder with validated ring settings; a second arm is deduplicated", async () => {
    const engine = new FakeEngine();
    const armed = await decide(
      firedCommonAlert({
        captureMode: "ring",
        captureRingFiles: "20",
        captureLookbackSeconds: "120",
      }),
      settings({ RECORDER_MAX_PER_REGION: "3" }),
      engine,
    );
    expect(armed).toMatchObject({ status: 202, body: { armed: true } });
    const id = armed.body.id as string;
    expect(id).toMatch(/^recorder-/);
    // Our key-less status route, which reads recorder instances too; never a Durable management URL.
    expect(armed.body.statusQueryGetUri).toBe(`https://app.example.net/api/captures/${id}/status`);
    expect(JSON.stringify(armed)).not.toMatch(/code=|SYSTEMKEY|runtime\/webhooks/);
    const input = engine.instances.get(id)!.input as RecorderRequest;
    expect(input.settings.ring).toEqual({
      fileCount: 20,
      fileSizeInBytes: 104857600,
      sessionTimeLimitInSeconds: 86400,
    });
    expect(input).toMatchObject({
      maxPerRegion: 3,
      freeze: { lookbackSeconds: 120, postTriggerSeconds: 30 },
      captureName: expect.stringMatching(/^alertring-/),
    });
    const again = await decide(firedCommonAlert({ captureMode: "ring" }), settings(), engine);
    expect(again).toMatchObject({ status: 200, body: { deduplicated: true, armed: true, id } });
    expect(engine.starts).toBe(1);
  });

  test("freeze on an armed VM raises the freeze event with the alert's fired time; no capture starts", async () => {
    const engine = new FakeEngine();
    await decide(firedCommonAlert({ captureMode: "ring" }), settings(), engine);
    engine.instances.forEach((i) => (i.runtimeStatus = "Running"));
    const frozen = await decide(
      firedCommonAlert({ captureMode: "Freeze", capturePostTriggerSeconds: "10" }),
      settings(),
      engine,
    );
    expect(frozen).toMatchObject({ status: 202, body: { frozen: true } });
    expect(engine.raised).toEqual([
      {
        id: frozen.body.id,
        eventName: "freeze",
        data: expect.objectContaining({
          firedAt: "2019-03-22T13:58:24.371Z",
          lookbackSeconds: 300,
          postTriggerSeconds: 10,
        }),
      },
    ]);
    expect(engine.starts).toBe(1);
  });

  test("freeze on an armed recorder is written to its arming's mailbox before the event is raised", async () => {
    const engine = new FakeEngine();
    await decide(firedCommonAlert({ captureMode: "ring" }), settings(), engine);
    const armedAt = "2019-03-22T13:00:00.000Z";
    engine.instances.forEach((i) => {
      i.runtimeStatus = "Running";
      i.customStatus = JSON.stringify({ phase: "armed", startedAt: armedAt });
    });
    const log: string[] = [];
    const raise = engine.raise.bind(engine);
    engine.raise = async (...args) => {
      log.push("raise");
      await raise(...args);
    };
    const mailbox = new MemoryMailbox(log);
    const frozen = await decide(
      firedCommonAlert({ captureMode: "freeze" }),
      settings(),
      engine,
      NOW,
      undefined,
      mailbox,
    );
    expect(frozen.status).toBe(202);
    expect(log).toEqual(["post", "raise"]);
    const input = engine.instances.get(frozen.body.id as string)!.input as RecorderRequest;
    expect(mailbox.posted).toEqual([
      {
        ref: {
          instanceId: frozen.body.id,
          armedAt,
          storageAccountId: input.settings.storageAccountId,
        },
        request: { kind: "freeze", writtenAt: NOW.toISOString(), event: engine.raised[0]!.data },
      },
    ]);
  });

  test("freeze with no recorder armed is today's one-shot capture; once on an armed VM too", async () => {
    const engine = new FakeEngine();
    const oneShot = await decide(firedCommonAlert({ captureMode: "freeze" }), settings(), engine);
    expect(oneShot.status).toBe(202);
    expect(oneShot.body.id).toMatch(/^capture-/);
    expect(engine.raised).toEqual([]);
  });

  test("a bad mode or ring value is a 422 naming the key", async () => {
    const engine = new FakeEngine();
    for (const [props, key] of [
      [{ captureMode: "loop" }, "captureMode"],
      [{ captureMode: "ring", captureRingFileBytes: "4294967296" }, "captureRingFileBytes"],
      [{ captureMode: "ring", captureRingSeconds: "604801" }, "captureRingSeconds"],
      [{ captureMode: "freeze", captureLookbackSeconds: "x" }, "captureLookbackSeconds"],
    ] as const) {
      const answer = await decide(firedCommonAlert(props), settings(), engine);
      expect(answer).toMatchObject({ status: 422, body: { key } });
    }
    expect(engine.starts).toBe(0);
  });
});

describe("captureScope (scale-set instances)", () => {
  const VMSS = VM_ID.replace(/virtualmachines/i, "virtualMachineScaleSets");

  test("a scale set's scope is parsed at the edge and carried into the capture request", async () => {
    const engine = new FakeEngine();
    const answer = await decide(
      firedCommonAlert({ captureScope: '{"include": ["0", "web_3"]}' }, VMSS),
      settings(),
      engine,
    );
    expect(answer.status).toBe(202);
    const started = engine.instances.get(String(answer.body.id))!.input;
    expect(started.settings.scope).toEqual({ include: ["0", "web_3"] });
  });

  test.each([
    ["not JSON", "include:0,1", "must be JSON"],
    ["an unknown key", '{"only": ["0"]}', "Unrecognized key"],
    ["an entry that is no instance", '{"exclude": ["0; rm -rf"]}', "instance ID"],
  ])("%s: 422 naming captureScope", async (_case, value, reason) => {
    const engine = new FakeEngine();
    const answer = await decide(
      firedCommonAlert({ captureScope: value }, VMSS),
      settings(),
      engine,
    );
    expect(answer).toMatchObject({
      status: 422,
      body: { key: "captureScope", error: expect.stringContaining(reason) },
    });
    expect(engine.starts).toBe(0);
  });

  test("a scope on a VM target is refused: 422 naming captureScope", async () => {
    const engine = new FakeEngine();
    const answer = await decide(
      firedCommonAlert({ CAPTURESCOPE: '{"include": ["0"]}' }),
      settings(),
      engine,
    );
    expect(answer).toMatchObject({
      status: 422,
      body: { key: "captureScope", error: expect.stringContaining("virtual machine") },
    });
  });

  test("an empty scope is every instance: nothing is sent", async () => {
    const engine = new FakeEngine();
    const answer = await decide(
      firedCommonAlert({ captureScope: '{"include": []}' }, VMSS),
      settings(),
      engine,
    );
    expect(engine.instances.get(String(answer.body.id))!.input.settings.scope).toBeUndefined();
  });
});

describe("the webhook's exact words and bounds", () => {
  const scoped = settings({ CAPTURE_ALLOWED_SCOPES: "/subscriptions/s1/resourceGroups/rg" });
  const direct = {
    targetVM: "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
    subscriptionId: "s1",
    networkWatcherResourceGroup: "OtherRG",
    networkWatcherName: "nw1",
  };

  test("a watcher outside the scopes is refused as a network watcher, by its ARM ID", async () => {
    expect(await decide(direct, scoped, new FakeEngine())).toEqual({
      status: 403,
      body: {
        error:
          "network watcher /subscriptions/s1/resourceGroups/OtherRG/providers/Microsoft.Network/networkWatchers/nw1 is outside the allowed scopes (CAPTURE_ALLOWED_SCOPES)",
      },
    });
  });

  test("a misconfigured app says so to the caller and names the setting in its log", async () => {
    const read = readWebhookSettings({});
    if (!read.ok) throw new Error(read.message);
    const answer = await decide(firedCommonAlert(), read.value, new FakeEngine());
    expect(answer.body).toEqual({
      error: "the function app is misconfigured; retry later (see its logs)",
    });
    expect(answer.problem).toMatch(/^app setting CAPTURE_STORAGE_ACCOUNT_ID is unset: /);
  });

  test("a superseded capture is waited for 8 × 1 s at most, then the 503 says a cancel was sent", async () => {
    const engine = new FakeEngine();
    engine.endsOnCancel = false;
    const blinding = await decide(alertOf("Sev4", NARROW), settings(), engine);
    const id = String(blinding.body.id);
    engine.instances.get(id)!.runtimeStatus = "Running";
    const pauses: number[] = [];
    const answer = await answerAlert(alertOf("Sev0"), settings(), {
      starter: engine,
      mailbox: new MemoryMailbox(),
      now: NOW,
      statusUrlOf: (instanceId) => statusUrlFor(ALERT_URL, instanceId),
      pause: (ms) => {
        pauses.push(ms);
        return Promise.resolve();
      },
    });
    expect(pauses).toEqual(Array.from({ length: 8 }, () => 1000));
    const reason = (engine.raised[0]?.data as { reason: string }).reason;
    expect(answer.body).toEqual({
      error: `superseding the running capture ${id} (cancel sent: ${reason}); retry to start the new one`,
    });
  });

  test("without a pause of its own, the webhook really waits before reading the status again", async () => {
    const engine = new FakeEngine();
    const blinding = await decide(alertOf("Sev4", NARROW), settings(), engine);
    engine.instances.get(String(blinding.body.id))!.runtimeStatus = "Running";
    // One real one-second wait: the cancel ends the instance, the first re-read finds it ended.
    const answer = await answerAlert(alertOf("Sev0"), settings(), {
      starter: engine,
      mailbox: new MemoryMailbox(),
      now: NOW,
      statusUrlOf: (instanceId) => statusUrlFor(ALERT_URL, instanceId),
    });
    expect(answer.status).toBe(202);
    expect(engine.starts).toBe(2);
  });

  test("a concurrent alert asking another capture waits for the leader and reports what it saw", async () => {
    const engine = new FakeEngine();
    const recent = new RecentInstances(100);
    let release = () => {};
    engine.gate = new Promise<void>((resolve) => (release = resolve));
    const leader = decide(alertOf("Sev3"), settings(), engine, NOW, recent);
    const other = decide(
      alertOf("Sev3", { captureTimeLimitSeconds: "60" }),
      settings(),
      engine,
      NOW,
      recent,
    );
    release();
    const id = String((await leader).body.id);
    expect(await other).toEqual({
      status: 200,
      body: {
        id,
        statusQueryGetUri: `https://app.example.net/api/captures/${id}/status`,
        deduplicated: true,
        runtimeStatus: "Pending",
      },
    });
    expect(engine.statusCalls).toBe(1);
  });

  test("arming a recorder answers 202 with Location, the key-less status URL", async () => {
    const armed = await decide(
      firedCommonAlert({ captureMode: "ring" }),
      settings(),
      new FakeEngine(),
    );
    expect(armed.headers).toEqual({ Location: armed.body.statusQueryGetUri });
  });
});
