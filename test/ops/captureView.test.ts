import {
  captureRow,
  failureOf,
  linkBaseOf,
  matchesTarget,
  type InstanceStatus,
} from "../../lib/ops/captureView";
import { rerunInput } from "../../lib/ops/rerunInput";
import { readWebhookSettings } from "../../lib/config/appSettings";
import { captureRequest, captureStatus, STORAGE, VM } from "./support/statuses";

const BASE = { origin: "https://app.example.net", opsPath: "/api/ops" };
const NOW = new Date("2026-03-10T12:00:30.000Z");

describe("capture rows", () => {
  test("a completed capture: outcome, size, keyless status link, blob paths and our download routes", () => {
    const row = captureRow(captureStatus("capture-web01-abc", "Completed"), BASE, NOW);
    expect(row).toMatchObject({
      instanceId: "capture-web01-abc",
      runtimeStatus: "Completed",
      target: { resourceId: VM, name: "web01", resourceGroup: "prod-rg" },
      alert: { rule: "High CPU", severity: "Sev2" },
      outcome: "succeeded",
      sizeBytes: 4096,
      links: {
        status:
          "https://app.example.net/runtime/webhooks/durabletask/instances/capture-web01-abc?taskHub=AlertCapture",
        capture: "https://st.blob.core.windows.net/network-watcher-logs/x.cap",
        summary: "https://st.blob.core.windows.net/network-watcher-logs/x.summary.json",
        captureDownload: "https://app.example.net/api/ops/captures/capture-web01-abc/files/capture",
        summaryDownload: "https://app.example.net/api/ops/captures/capture-web01-abc/files/summary",
        report: "https://app.example.net/api/ops/captures/capture-web01-abc/report",
      },
    });
    expect(row.failure).toBeUndefined();
  });

  test("a running capture: phase, polls and how far through its time it is", () => {
    const row = captureRow(captureStatus("capture-web01-abc", "Running"), BASE, NOW);
    expect(row.outcome).toBeUndefined();
    expect(row.phase).toBe("capturing");
    expect(row.progress).toMatchObject({ polls: 2, lastStatus: "Running", percent: 50 });
    expect(row.links.captureDownload).toBeUndefined();
  });

  test("failed: our reason from custom status; terminated: the reason given", () => {
    expect(failureOf(captureStatus("a", "Failed"))).toBe(
      "[startCapture] AgentMissing: the agent is not installed Action: install it, then re-run.",
    );
    const noProgress: InstanceStatus = {
      ...captureStatus("a", "Failed"),
      customStatus: null,
      output: "Orchestrator function 'captureOrchestrator' failed: boom\n   at stack",
    };
    expect(failureOf(noProgress)).toBe("boom");
    expect(failureOf({ ...captureStatus("a", "Terminated"), output: "operator cleanup" })).toBe(
      "terminated: operator cleanup",
    );
    expect(captureRow(captureStatus("a", "Failed"), BASE, NOW).outcome).toBe("failed");
  });

  test("a key in a stored status URL is dropped; a non-URL falls back to the app's own key-less status route", () => {
    const keyed = captureStatus("a", "Completed", {
      statusUrl:
        "https://app.example.net/runtime/webhooks/durabletask/instances/a?taskHub=H&code=SECRET",
    });
    expect(captureRow(keyed, BASE, NOW).links.status).not.toContain("SECRET");
    const junk = captureStatus("a", "Completed", { statusUrl: "javascript:alert(1)" });
    expect(captureRow(junk, BASE, NOW).links.status).toBe(
      "https://app.example.net/api/captures/a/status",
    );
  });

  test("unrecognised input, output and custom status are left out, not trusted", () => {
    const odd: InstanceStatus = {
      name: "captureOrchestrator",
      instanceId: "x",
      runtimeStatus: "Completed",
      createdTime: NOW,
      lastUpdatedTime: NOW,
      input: "not json",
      output: { outcome: "exploded" },
      customStatus: 42,
    };
    const row = captureRow(odd, BASE, NOW);
    expect(row).toEqual({
      instanceId: "x",
      runtimeStatus: "Completed",
      createdTime: NOW.toISOString(),
      lastUpdatedTime: NOW.toISOString(),
      links: { status: "https://app.example.net/api/captures/x/status" },
    });
  });

  test("target filter: an ARM ID matches exactly (any casing), anything else as a substring", () => {
    const status = captureStatus("a", "Completed");
    expect(
      matchesTarget(status, VM.toLowerCase().replace("resourceGroups", "resourcegroups")),
    ).toBe(true);
    expect(matchesTarget(status, `${VM}/`)).toBe(true);
    expect(matchesTarget(status, VM.replace("web01", "web0"))).toBe(false);
    expect(matchesTarget(status, "WEB0")).toBe(true);
    expect(matchesTarget(status, "db01")).toBe(false);
  });

  test("links follow the host's route prefix", () => {
    expect(linkBaseOf("https://app.example.net/api/ops/captures/x?code=k")).toEqual({
      origin: "https://app.example.net",
      opsPath: "/api/ops",
    });
    expect(linkBaseOf("http://127.0.0.1:7071/custom/ops")).toEqual({
      origin: "http://127.0.0.1:7071",
      opsPath: "/custom/ops",
    });
  });
});

describe("re-run input", () => {
  const settings = readWebhookSettings({ CAPTURE_STORAGE_ACCOUNT_ID: STORAGE });

  test("the original input, untouched, including fields the check does not list", () => {
    const status = captureStatus("a", "Failed");
    const input = rerunInput(status, settings);
    expect(input).toEqual({ ok: true, request: captureRequest() });
    expect(input.ok && input.request.policy).toEqual({ quotaWaitSeconds: 60 });
  });

  test("an input stored as a JSON string is read too", () => {
    const input = rerunInput(
      {
        ...captureStatus("a", "Failed"),
        input: JSON.stringify(captureRequest()),
      },
      settings,
    );
    expect(input.ok).toBe(true);
  });

  test("something that is not a capture request is refused with the field that is wrong", () => {
    const input = rerunInput(
      {
        ...captureStatus("a", "Failed"),
        input: { ...captureRequest(), settings: undefined },
      },
      settings,
    );
    expect(input).toEqual({
      ok: false,
      message: expect.stringMatching(
        /^the instance's input is refused \(settings: .*\); it cannot be re-run$/,
      ),
    });
    expect(rerunInput({ ...captureStatus("a", "Failed"), input: null }, settings).ok).toBe(false);
  });

  test("stored input is held to today's allow-lists: a storage account no longer allowed is refused", () => {
    const moved = readWebhookSettings({
      CAPTURE_STORAGE_ACCOUNT_ID:
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/other",
    });
    expect(rerunInput(captureStatus("a", "Failed"), moved)).toEqual({
      ok: false,
      message: expect.stringContaining("settings.storageAccountId: storage account is neither"),
    });
  });

  test("with invalid app settings nothing can be checked, so nothing is re-run", () => {
    const broken = readWebhookSettings({ CAPTURE_TIME_LIMIT_SECONDS: "forever" });
    expect(rerunInput(captureStatus("a", "Failed"), broken)).toMatchObject({
      ok: false,
      message: expect.stringContaining("CAPTURE_TIME_LIMIT_SECONDS"),
    });
  });
});
