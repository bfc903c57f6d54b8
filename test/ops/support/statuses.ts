/** Durable statuses shaped as the extension returns them for the capture orchestrator, for unit tests. */
import type { CaptureRequest } from "../../../lib/domain/types";
import type { InstanceStatus } from "../../../lib/ops/captureView";

export const VM =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/prod-rg/providers/Microsoft.Compute/virtualMachines/web01";

/** The storage account the requests name; tests allow it as the app's CAPTURE_STORAGE_ACCOUNT_ID. */
export const STORAGE =
  "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stcaps";

export function captureRequest(overrides: Partial<CaptureRequest> = {}): CaptureRequest {
  return {
    target: {
      resourceId: VM,
      subscriptionId: "00000000-0000-0000-0000-000000000000",
      resourceGroup: "prod-rg",
      name: "web01",
      kind: "virtualMachine",
    },
    settings: {
      timeLimitInSeconds: 60,
      totalBytesPerSession: 1_073_741_824,
      bytesToCapturePerPacket: 0,
      filters: [],
      storageAccountId: STORAGE,
    },
    alert: { schema: "common", ruleName: "High CPU", severity: "Sev2" },
    captureName: "alertcap-web01-abc",
    statusUrl:
      "https://app.example.net/runtime/webhooks/durabletask/instances/capture-web01-abc?taskHub=AlertCapture",
    policy: { quotaWaitSeconds: 60 },
    ...overrides,
  };
}

const PROGRESS = {
  Running: {
    phase: "capturing",
    target: VM,
    polls: 2,
    lastStatus: "Running",
    startedAt: "2026-03-10T12:00:00.000Z",
    expectedEnd: "2026-03-10T12:01:00.000Z",
  },
  Completed: { phase: "done", target: VM, polls: 3, lastStatus: "succeeded" },
  Failed: {
    phase: "failed",
    target: VM,
    polls: 0,
    lastStatus:
      "[startCapture] AgentMissing: the agent is not installed Action: install it, then re-run.",
  },
  Terminated: { phase: "capturing", target: VM, polls: 1 },
  Pending: null,
} as const;

const OUTPUT = {
  Completed: {
    outcome: "succeeded",
    blob: {
      storagePath: "https://st.blob.core.windows.net/network-watcher-logs/x.cap",
      sizeBytes: 4096,
      format: "pcap",
    },
    summary: {
      summaryPath: "https://st.blob.core.windows.net/network-watcher-logs/x.summary.json",
      highlights: [],
    },
  },
  Failed:
    "Orchestrator function 'captureOrchestrator' failed: [startCapture] AgentMissing: the agent is not installed Action: install it, then re-run.",
  Terminated: "terminated by ops",
} as const;

export function captureStatus(
  instanceId: string,
  runtimeStatus: keyof typeof PROGRESS,
  request: Partial<CaptureRequest> = {},
  createdTime = new Date("2026-03-10T12:00:00.000Z"),
): InstanceStatus {
  return {
    name: "captureOrchestrator",
    instanceId,
    runtimeStatus,
    createdTime,
    lastUpdatedTime: createdTime,
    input: captureRequest(request),
    output: runtimeStatus in OUTPUT ? OUTPUT[runtimeStatus as keyof typeof OUTPUT] : null,
    customStatus: PROGRESS[runtimeStatus],
  };
}
