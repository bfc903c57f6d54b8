import { statusUrlAt, statusUrlFor } from "../../lib/domain/statusUrl";
import { statusAnswer } from "../../lib/webhook/statusRoute";

const SELF = "https://app.example.net/api/captures/capture-web01-abc/status";
const snapshot = (runtimeStatus: string, name = "captureOrchestrator") => ({
  name,
  instanceId: "capture-web01-abc",
  runtimeStatus,
  createdTime: new Date("2026-01-01T02:00:00Z"),
  lastUpdatedTime: new Date("2026-01-01T02:05:00Z"),
  input: { captureName: "alertcap-web01-abc" },
  customStatus: { phase: "capturing" },
  output: null,
});

describe("key-less status URL", () => {
  test("same origin and route prefix as the alert, and never its function key", () => {
    expect(statusUrlFor("https://app.example.net/api/alerts?code=KEY", "capture-a-1")).toBe(
      "https://app.example.net/api/captures/capture-a-1/status",
    );
    expect(statusUrlFor("http://127.0.0.1:7071/x/alerts/secure", "c")).toBe(
      "http://127.0.0.1:7071/x/captures/c/status",
    );
    expect(statusUrlFor(`${SELF}?code=KEY`, "capture-web01-abc")).toBe(SELF);
    expect(statusUrlAt("https://h", "", "a b")).toBe("https://h/captures/a%20b/status");
  });
});

describe("status answers, as the Durable status endpoint gives them", () => {
  test("running: 202 with Location and Retry-After, the extension's JSON", () => {
    const answer = statusAnswer(snapshot("Running"), ["captureOrchestrator"], SELF);
    expect(answer).toEqual({
      status: 202,
      headers: { Location: SELF, "Retry-After": expect.stringMatching(/^\d+$/) },
      body: {
        name: "captureOrchestrator",
        instanceId: "capture-web01-abc",
        runtimeStatus: "Running",
        input: { captureName: "alertcap-web01-abc" },
        customStatus: { phase: "capturing" },
        output: null,
        createdTime: "2026-01-01T02:00:00.000Z",
        lastUpdatedTime: "2026-01-01T02:05:00.000Z",
      },
    });
  });

  test("ended (completed, failed, terminated): 200", () => {
    for (const runtimeStatus of ["Completed", "Failed", "Terminated"])
      expect(statusAnswer(snapshot(runtimeStatus), ["captureOrchestrator"], SELF).status).toBe(200);
    expect(statusAnswer(snapshot("Pending"), ["captureOrchestrator"], SELF).status).toBe(202);
  });

  test("unknown instance, or one that is not a capture: 404", () => {
    expect(statusAnswer(undefined, ["captureOrchestrator"], SELF).status).toBe(404);
    expect(statusAnswer(snapshot("Running", "other"), ["captureOrchestrator"], SELF).status).toBe(
      404,
    );
  });

  test("a flight recorder is readable when its orchestrator is listed, and only then", () => {
    const recorder = snapshot("Running", "recorderOrchestrator");
    const both = ["captureOrchestrator", "recorderOrchestrator"];
    expect(statusAnswer(recorder, both, SELF).status).toBe(202);
    expect(statusAnswer(recorder, ["captureOrchestrator"], SELF).status).toBe(404);
  });
});

describe("what an ended or missing instance's answer says", () => {
  test("a completed capture's output is in its answer as the orchestration returned it", () => {
    const output = { outcome: "Succeeded", files: 1 };
    const answer = statusAnswer(
      { ...snapshot("Completed"), output },
      ["captureOrchestrator"],
      SELF,
    );
    expect(answer).toEqual({ status: 200, body: expect.objectContaining({ output }) });
  });

  test("a 404 says why, and never what the task hub holds", () => {
    expect(statusAnswer(undefined, ["captureOrchestrator"], SELF)).toEqual({
      status: 404,
      body: { error: "no such capture instance (never started, or purged)" },
    });
  });
});
