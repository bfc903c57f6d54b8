import { readdirSync } from "node:fs";
import { parseAlertPayload } from "../../lib/domain/alertPayload";
import { fixture, FIXTURE_DIR, firedCommonAlert, VM_ID } from "../support/fixtures";

describe("alert payloads: the real samples", () => {
  test("every sample gets the answer docs/design.md gives it", () => {
    const expected: Record<string, string> = {
      "common-schema-metric-alert.json": "ignored", // monitorCondition Resolved
      "azure-monitor-metric-alert-noncommon.json": "rejected:422", // a storage account, not a VM
      "classic-metric-alert.json": "rejected:422", // microsoft.foo/sites
    };
    const files = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith(".json"));
    expect(files.sort()).toEqual(Object.keys(expected).sort());
    for (const file of files) {
      const result = parseAlertPayload(fixture(file));
      const answer = result.kind === "rejected" ? `rejected:${result.status}` : result.kind;
      expect([file, answer]).toEqual([file, expected[file]]);
    }
  });

  test("the non-VM refusal names the field and the resource it saw", () => {
    const result = parseAlertPayload(fixture("azure-monitor-metric-alert-noncommon.json"));
    expect(result).toMatchObject({ kind: "rejected", status: 422 });
    if (result.kind === "rejected") {
      expect(result.message).toContain("data.context.resourceId");
      expect(result.message).toContain("test-storageAccount");
    }
  });
});

describe("alert payloads: shapes", () => {
  test("common schema, fired, VM target: capture with alert details and custom properties", () => {
    const result = parseAlertPayload(firedCommonAlert({ captureTimeLimitSeconds: "60" }));
    expect(result).toMatchObject({
      kind: "capture",
      target: { name: "wcus-r2-gen2", resourceGroup: "pipelinealertrg", kind: "virtualMachine" },
      alert: {
        schema: "common",
        ruleName: "WCUS-R2-Gen2",
        severity: "Sev3",
        signalType: "Metric",
        firedAt: "2019-03-22T13:58:24.3713213Z",
      },
      overrides: { captureTimeLimitSeconds: "60" },
    });
  });

  test("common schema: the first VM among several targets is chosen", () => {
    const alert = firedCommonAlert();
    (alert.data as { essentials: { alertTargetIDs: string[] } }).essentials.alertTargetIDs = [
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws",
      VM_ID,
    ];
    expect(parseAlertPayload(alert)).toMatchObject({
      kind: "capture",
      target: { resourceId: VM_ID },
    });
  });

  test("log alert on a workspace names the VM in a dimension", () => {
    const alert = {
      schemaId: "azureMonitorCommonAlertSchema",
      data: {
        essentials: {
          monitorCondition: "Fired",
          signalType: "Log",
          alertRule: "tcp-retrans",
          alertTargetIDs: [
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws",
          ],
        },
        alertContext: {
          conditionType: "LogQueryCriteria",
          condition: { allOf: [{ dimensions: [{ name: "_ResourceId", value: VM_ID }] }] },
        },
      },
    };
    expect(parseAlertPayload(alert)).toMatchObject({
      kind: "capture",
      target: { name: "wcus-r2-gen2" },
      alert: { signalType: "Log" },
    });
  });

  test("a log alert's dimensions of other types (counts, missing values) are skipped, not a crash", () => {
    const WORKSPACE =
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/ws";
    const alert = {
      schemaId: "azureMonitorCommonAlertSchema",
      data: {
        essentials: { monitorCondition: "Fired", signalType: "Log", alertTargetIDs: [WORKSPACE] },
        alertContext: {
          condition: {
            allOf: [
              { dimensions: "none" },
              {
                dimensions: [
                  { name: "Count", value: 42 },
                  { name: "Computer" },
                  { name: "_ResourceId", value: VM_ID },
                ],
              },
            ],
          },
        },
      },
    };
    expect(parseAlertPayload(alert)).toMatchObject({
      kind: "capture",
      target: { resourceId: VM_ID },
    });
  });

  test("activity log alert (stateless, always Fired) on a VM", () => {
    const alert = {
      schemaId: "azureMonitorCommonAlertSchema",
      data: {
        essentials: {
          monitorCondition: "Fired",
          signalType: "Activity Log",
          alertTargetIDs: [VM_ID],
        },
        alertContext: { operationName: "Microsoft.Compute/virtualMachines/restart/action" },
        customProperties: null,
      },
    };
    expect(parseAlertPayload(alert).kind).toBe("capture");
  });

  test("older rules carry custom properties in alertContext.properties", () => {
    const alert = firedCommonAlert();
    (alert.data as Record<string, unknown>).customProperties = null;
    (alert.data as { alertContext: Record<string, unknown> }).alertContext.properties = {
      captureTotalBytes: "1000",
    };
    expect(parseAlertPayload(alert)).toMatchObject({
      kind: "capture",
      overrides: { captureTotalBytes: "1000" },
    });
  });

  test("non-common metric alert for a VM; Resolved/Deactivated ignored", () => {
    const alert = fixture("azure-monitor-metric-alert-noncommon.json") as {
      data: { status: string; context: Record<string, unknown> };
    };
    alert.data.context.resourceId = VM_ID;
    expect(parseAlertPayload(alert)).toMatchObject({
      kind: "capture",
      alert: { schema: "nonCommon", ruleName: "test-metricAlertRule", severity: "3" },
      overrides: { customKey1: "value1" },
    });
    alert.data.status = "Deactivated";
    expect(parseAlertPayload(alert).kind).toBe("ignored");
  });

  test("classic alert for a VM, also when wrapped in RequestBody", () => {
    const alert = fixture("classic-metric-alert.json") as { context: Record<string, unknown> };
    alert.context.resourceId = VM_ID;
    expect(parseAlertPayload(alert)).toMatchObject({
      kind: "capture",
      alert: { schema: "classic", ruleName: "ruleName1" },
    });
    expect(parseAlertPayload({ WebhookName: "Alert1", RequestBody: alert })).toMatchObject({
      kind: "capture",
    });
  });

  test("direct request with the article's fields", () => {
    const result = parseAlertPayload({
      subscriptionId: "s1",
      networkWatcherResourceGroup: "NetworkWatcherRG",
      networkWatcherName: "NetworkWatcher_eastus",
      packetCaptureName: "manual1",
      storageID:
        "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/caps",
      timeLimit: 120,
      targetVM:
        "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
    });
    expect(result).toMatchObject({
      kind: "capture",
      watcher: {
        subscriptionId: "s1",
        resourceGroup: "NetworkWatcherRG",
        name: "NetworkWatcher_eastus",
      },
      overrides: {
        captureTimeLimitSeconds: 120,
        captureStorageAccountId: expect.stringContaining("caps"),
      },
    });
    // The capture is always named after its target, so a retry or an alert adopts the same one.
    expect(result).not.toHaveProperty("captureName");
  });

  const VM = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1";
  test.each([
    [{ packetCaptureName: ".." }, "packetCaptureName"],
    [{ packetCaptureName: "a/b" }, "packetCaptureName"],
    [{ packetCaptureName: "x".repeat(81) }, "packetCaptureName"],
    [{ networkWatcherName: "..", networkWatcherResourceGroup: "rg" }, "networkWatcherName"],
    [{ networkWatcherName: "nw", networkWatcherResourceGroup: "." }, "networkWatcherResourceGroup"],
    [
      { networkWatcherName: "nw", networkWatcherResourceGroup: "rg%2F.." },
      "networkWatcherResourceGroup",
    ],
    [
      { networkWatcherName: "nw\r\nX-Forged: 1", networkWatcherResourceGroup: "rg" },
      "networkWatcherName",
    ],
    [{ subscriptionId: "../../x" }, "subscriptionId"],
    [{ networkWatcherName: "nw" }, "networkWatcherResourceGroup"],
    [{ targetVM: VM.replace("vm1", "..") }, "targetVM"],
    [{ targetVM: VM.replace("/rg/", "/../") }, "targetVM"],
    [{ targetVM: VM.replace("vm1", `a${"-".repeat(65_000)}b`) }, "targetVM"],
    [
      {
        storageID:
          "/subscriptions/s1/resourceGroups/../providers/Microsoft.Storage/storageAccounts/caps",
      },
      "storageID",
    ],
  ])("direct request %j: every ARM name segment is checked (422 naming %s)", (fields, field) => {
    const result = parseAlertPayload({ targetVM: VM, ...fields });
    if (field === "storageID") {
      // The storage ID is a capture override; resolveCaptureSettings refuses it by its key.
      expect(result).toMatchObject({ kind: "capture" });
      return;
    }
    expect(result).toMatchObject({
      kind: "rejected",
      status: 422,
      message: expect.stringContaining(field),
    });
  });

  test.each([
    [[], 400],
    ["a string", 400],
    [null, 400],
    [{}, 400],
    [{ schemaId: "somethingElse" }, 400],
    [{ schemaId: "azureMonitorCommonAlertSchema" }, 400],
    [
      { schemaId: "azureMonitorCommonAlertSchema", data: { essentials: { alertTargetIDs: "x" } } },
      400,
    ],
    [
      {
        schemaId: "azureMonitorCommonAlertSchema",
        data: { essentials: { monitorCondition: "Fired", alertTargetIDs: [] } },
      },
      422,
    ],
    [{ targetVM: "vm1" }, 422],
    [{ targetVM: 42 }, 400],
    [{ status: "Activated", context: "x" }, 400],
  ])("malformed or unusable %j → %i with a reason", (body, status) => {
    const result = parseAlertPayload(body);
    expect(result).toMatchObject({ kind: "rejected", status });
    if (result.kind === "rejected") expect(result.message.length).toBeGreaterThan(10);
  });
});
