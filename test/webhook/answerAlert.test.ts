import type { HttpManagementPayload } from "durable-functions";
import { answerAlert } from "../../lib/webhook/answerAlert";
import type { CaptureStarter, InstanceSnapshot } from "../../lib/webhook/captureStarter";
import { readWebhookSettings, type WebhookSettings } from "../../lib/config/appSettings";
import type { CaptureRequest } from "../../lib/domain/types";
import type { RecorderRequest } from "../../lib/workflow/recorderContracts";
import { fixture, firedCommonAlert } from "../support/fixtures";

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

/** An in-memory engine with the one rule that matters here: no second start over a running instance. */
class FakeEngine implements CaptureStarter {
  instances = new Map<string, InstanceSnapshot & { input: CaptureRequest }>();
  starts = 0;
  unavailable = false;
  async status(id: string) {
    if (this.unavailable) throw new Error("connect ECONNREFUSED");
    return this.instances.get(id);
  }
  async start(id: string, input: CaptureRequest) {
    await Promise.resolve();
    const existing = this.instances.get(id);
    if (existing && ["Pending", "Running"].includes(existing.runtimeStatus))
      throw new Error("409 instance exists");
    this.starts++;
    this.instances.set(id, { runtimeStatus: "Pending", input });
  }
  events: Array<{ id: string; name: string; data: unknown }> = [];
  async startRecorder(id: string, input: RecorderRequest) {
    await this.start(id, input);
  }
  async raise(id: string, name: string, data: unknown) {
    await Promise.resolve();
    this.events.push({ id, name, data });
  }
  managementPayload(id: string): HttpManagementPayload {
    const base = `http://127.0.0.1:7071/runtime/webhooks/durabletask/instances/${id}`;
    return {
      id,
      statusQueryGetUri: `${base}?taskHub=AlertCapture&connection=Storage&code=SYSTEMKEY`,
      sendEventPostUri: `${base}/raiseEvent/{eventName}?code=SYSTEMKEY`,
      terminatePostUri: `${base}/terminate?reason={text}&code=SYSTEMKEY`,
      rewindPostUri: `${base}/rewind?code=SYSTEMKEY`,
      purgeHistoryDeleteUri: `${base}?code=SYSTEMKEY`,
      suspendPostUri: `${base}/suspend?code=SYSTEMKEY`,
      resumePostUri: `${base}/resume?code=SYSTEMKEY`,
    };
  }
}

describe("webhook answers (DESIGN.md table)", () => {
  test("new capture: 202 with Location and the check-status payload; input carries typed settings", async () => {
    const engine = new FakeEngine();
    const answer = await answerAlert(
      firedCommonAlert({ captureTimeLimitSeconds: "60" }),
      settings(),
      engine,
      NOW,
    );
    expect(answer.status).toBe(202);
    expect(answer.headers?.Location).toBe(answer.body.statusQueryGetUri);
    expect(answer.body).toMatchObject({
      id: expect.stringMatching(/^capture-wcus-r2-gen2-/),
      sendEventPostUri: expect.any(String),
      terminatePostUri: expect.any(String),
      purgeHistoryDeleteUri: expect.any(String),
    });
    const input = engine.instances.get(String(answer.body.id))!.input;
    expect(input.settings).toMatchObject({ timeLimitInSeconds: 60, storageAccountId: STORAGE });
    expect(input.statusUrl).not.toContain("code=");
    expect(input.policy).toMatchObject({ quotaWaitSeconds: 900, summarize: true });
  });

  test("same target while capturing: 200 deduplicated with the running instance's URLs", async () => {
    const engine = new FakeEngine();
    const first = await answerAlert(firedCommonAlert(), settings(), engine, NOW);
    engine.instances.get(String(first.body.id))!.runtimeStatus = "Running";
    const second = await answerAlert(firedCommonAlert(), settings(), engine, NOW);
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
      Array.from({ length: 20 }, () => answerAlert(firedCommonAlert(), settings(), engine, NOW)),
    );
    expect(engine.starts).toBe(1);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200 && a.body.deduplicated)).toHaveLength(19);
  });

  test("cooldown: a completed capture within the window dedups; after it, a new capture starts", async () => {
    const engine = new FakeEngine();
    const first = await answerAlert(
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
      (
        await answerAlert(
          firedCommonAlert(),
          settings({ CAPTURE_COOLDOWN_SECONDS: "600" }),
          engine,
          NOW,
        )
      ).status,
    ).toBe(200);
    const later = new Date(NOW.getTime() + 3_600_000);
    expect(
      (
        await answerAlert(
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
    const first = await answerAlert(firedCommonAlert(), settings(), engine, NOW);
    engine.instances.get(String(first.body.id))!.runtimeStatus = "Failed";
    expect((await answerAlert(firedCommonAlert(), settings(), engine, NOW)).status).toBe(202);
  });

  test("Resolved alert: 200 ignored with the reason, nothing started", async () => {
    const engine = new FakeEngine();
    const answer = await answerAlert(
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
      await answerAlert(
        firedCommonAlert({ captureTimeLimitSeconds: "99999" }),
        settings(),
        engine,
        NOW,
      ),
    ).toMatchObject({ status: 422, body: { key: "captureTimeLimitSeconds" } });
    expect((await answerAlert({ hello: "world" }, settings(), engine, NOW)).status).toBe(400);
    expect(engine.starts).toBe(0);
  });

  test("allow-lists: a payload cannot steer the capture to another storage account or out-of-scope VM", async () => {
    const engine = new FakeEngine();
    const steer = await answerAlert(
      firedCommonAlert({ captureStorageAccountId: OTHER_STORAGE }),
      settings(),
      engine,
      NOW,
    );
    expect(steer).toMatchObject({
      status: 403,
      body: { error: expect.stringContaining("captureStorageAccountId") },
    });
    const allowed = await answerAlert(
      firedCommonAlert({ captureStorageAccountId: OTHER_STORAGE }),
      settings({ CAPTURE_ALLOWED_STORAGE_ACCOUNT_IDS: OTHER_STORAGE.toLowerCase() }),
      engine,
      NOW,
    );
    expect(allowed.status).toBe(202);
    const scoped = await answerAlert(
      firedCommonAlert(),
      settings({ CAPTURE_ALLOWED_SCOPES: "/subscriptions/other" }),
      new FakeEngine(),
      NOW,
    );
    expect(scoped.status).toBe(403);
    expect(engine.starts).toBe(1);
  });

  test("engine unavailable: 503 with Retry-After, which Azure Monitor retries", async () => {
    const engine = new FakeEngine();
    engine.unavailable = true;
    const answer = await answerAlert(firedCommonAlert(), settings(), engine, NOW);
    expect(answer).toMatchObject({ status: 503, headers: { "Retry-After": expect.any(String) } });
  });
});

describe("flight recorder routing (captureMode)", () => {
  test("ring arms the VM's recorder with validated ring settings; a second arm is deduplicated", async () => {
    const engine = new FakeEngine();
    const armed = await answerAlert(
      firedCommonAlert({
        captureMode: "ring",
        captureRingFiles: "20",
        captureLookbackSeconds: "120",
      }),
      settings({ RECORDER_MAX_PER_REGION: "3" }),
      engine,
      NOW,
    );
    expect(armed).toMatchObject({ status: 202, body: { armed: true } });
    const id = armed.body.id as string;
    expect(id).toMatch(/^recorder-/);
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
    const again = await answerAlert(
      firedCommonAlert({ captureMode: "ring" }),
      settings(),
      engine,
      NOW,
    );
    expect(again).toMatchObject({ status: 200, body: { deduplicated: true, armed: true, id } });
    expect(engine.starts).toBe(1);
  });

  test("freeze on an armed VM raises the freeze event with the alert's fired time; no capture starts", async () => {
    const engine = new FakeEngine();
    await answerAlert(firedCommonAlert({ captureMode: "ring" }), settings(), engine, NOW);
    engine.instances.forEach((i) => (i.runtimeStatus = "Running"));
    const frozen = await answerAlert(
      firedCommonAlert({ captureMode: "Freeze", capturePostTriggerSeconds: "10" }),
      settings(),
      engine,
      NOW,
    );
    expect(frozen).toMatchObject({ status: 202, body: { frozen: true } });
    expect(engine.events).toEqual([
      {
        id: frozen.body.id,
        name: "freeze",
        data: expect.objectContaining({
          firedAt: "2019-03-22T13:58:24.371Z",
          lookbackSeconds: 300,
          postTriggerSeconds: 10,
        }),
      },
    ]);
    expect(engine.starts).toBe(1);
  });

  test("freeze with no recorder armed is today's one-shot capture; once on an armed VM too", async () => {
    const engine = new FakeEngine();
    const oneShot = await answerAlert(
      firedCommonAlert({ captureMode: "freeze" }),
      settings(),
      engine,
      NOW,
    );
    expect(oneShot.status).toBe(202);
    expect(oneShot.body.id).toMatch(/^capture-/);
    expect(engine.events).toEqual([]);
  });

  test("a bad mode or ring value is a 422 naming the key", async () => {
    const engine = new FakeEngine();
    for (const [props, key] of [
      [{ captureMode: "loop" }, "captureMode"],
      [{ captureMode: "ring", captureRingFileBytes: "4294967296" }, "captureRingFileBytes"],
      [{ captureMode: "ring", captureRingSeconds: "604801" }, "captureRingSeconds"],
      [{ captureMode: "freeze", captureLookbackSeconds: "x" }, "captureLookbackSeconds"],
    ] as const) {
      const answer = await answerAlert(firedCommonAlert(props), settings(), engine, NOW);
      expect(answer).toMatchObject({ status: 422, body: { key } });
    }
    expect(engine.starts).toBe(0);
  });
});
