/** A CaptureReport as the orchestrator hands it to notify, for tests of what people are told. */
import type { CaptureReport } from "../../lib/workflow/contracts";

export function captureReport(
  outcome: CaptureReport["outcome"],
  extra: Partial<CaptureReport> = {},
): CaptureReport {
  return {
    instanceId: "capture-vm1-0123456789",
    outcome,
    request: {
      target: {
        resourceId:
          "/subscriptions/s/resourceGroups/prod/providers/Microsoft.Compute/virtualMachines/vm1",
        subscriptionId: "s",
        resourceGroup: "prod",
        name: "vm1",
        kind: "virtualMachine",
      },
      settings: {
        timeLimitInSeconds: 300,
        totalBytesPerSession: 1,
        bytesToCapturePerPacket: 0,
        filters: [],
        storageAccountId: "x",
      },
      alert: {
        schema: "common",
        ruleName: "tcp-out-high",
        severity: "Sev2",
        firedAt: "2026-01-01T02:00:00Z",
      },
      captureName: "alertcap-vm1",
      statusUrl:
        "https://app.azurewebsites.net/runtime/webhooks/durabletask/instances/capture-vm1-0123456789?taskHub=AlertCapture",
    },
    startedAt: "2026-01-01T02:00:01.000Z",
    endedAt: "2026-01-01T02:05:21.000Z",
    pollCount: 9,
    ...extra,
  };
}
