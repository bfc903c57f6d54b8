/**
 * The ops API's flight-recorder answers: arm a VM, disarm it, list the armed recorders with the
 * lookback window each currently holds and the bytes it stores, show one. Arming runs the same
 * validation and caps as an alert with captureMode=ring; the regional cap itself is enforced by
 * the recorder (it knows the region), so a refusal shows in `show` and in the notification.
 */
import { OrchestrationRuntimeStatus } from "durable-functions";
import { z } from "zod";
import type { WebhookSettings } from "../config/appSettings";
import { isWithinScope, parseCaptureTarget } from "../domain/armId";
import { BUILT_IN_DEFAULTS } from "../domain/captureParameters";
import { recorderInstanceIdFor } from "../domain/naming";
import {
  FREEZE_DEFAULTS,
  RECORDER_KEYS,
  RING_LIMITS,
  resolveRingSettings,
} from "../domain/recorderParameters";
import type { RingHolding } from "../domain/ringFiles";
import { recorderRequest } from "../workflow/recorderRequest";
import { OrchestratorNames, type CaptureReport } from "../workflow/contracts";
import type { RecorderMailbox } from "../workflow/recorderMailbox";
import { raiseRecorderRequest } from "./raiseRecorderRequest";
import type { RecorderRequest } from "../workflow/recorderContracts";
import type { CaptureStore } from "./captureStore";
import { decoded, type InstanceStatus } from "./captureView";
import { guarded, type OpsAnswer } from "./operations";

export interface RecorderOpsContext {
  store: CaptureStore;
  starter: Pick<CaptureStore, "status" | "startRecorder" | "raise">;
  /** Where disarms are written before they are raised (lib/ops/raiseRecorderRequest). */
  mailbox: RecorderMailbox;
  settings: WebhookSettings;
  /** Key-less status URL of an instance. */
  statusUrlOf: (instanceId: string) => string;
  now: Date;
}

// ContinuedAsNew: a recorder between two generations (2.6+) is still armed.
const ARMED = new Set<string>([
  OrchestrationRuntimeStatus.Pending,
  OrchestrationRuntimeStatus.Running,
  OrchestrationRuntimeStatus.ContinuedAsNew,
]);
/** Recorders live at most 7 days; listing a little further back finds every armed one. */
const LIST_WINDOW_MS = 8 * 24 * 3600 * 1000;
const MAX_HOURS = RING_LIMITS.sessionTimeLimitInSeconds.max / 3600;

const armBody = z.strictObject({
  target: z.string().min(1).max(2000),
  hours: z.number().positive().max(MAX_HOURS).optional(),
  files: z.number().int().optional(),
  fileBytes: z.number().int().optional(),
});
const disarmBody = z.strictObject({ target: z.string().min(1).max(2000) });

/** The CLI's flags, named in refusals instead of the custom properties they stand for. */
const FLAG_OF: Record<string, string> = {
  [RECORDER_KEYS.ringFiles]: "files",
  [RECORDER_KEYS.ringFileBytes]: "fileBytes",
  [RECORDER_KEYS.ringSeconds]: "hours",
};

function error(status: number, message: string): OpsAnswer {
  return { status, body: { error: message } };
}

function targetOf(raw: string, settings: WebhookSettings) {
  const target = parseCaptureTarget(raw);
  if (!target) return { error: error(400, `target: '${raw}' is not a VM or VM scale set ARM ID`) };
  const scopes = settings.CAPTURE_ALLOWED_SCOPES;
  if (scopes.length && !scopes.some((s) => isWithinScope(target.resourceId, s)))
    return { error: error(403, `target ${target.resourceId} is outside CAPTURE_ALLOWED_SCOPES`) };
  return { target };
}

export async function armAnswer(ctx: RecorderOpsContext, body: unknown): Promise<OpsAnswer> {
  const parsed = armBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return error(400, `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`);
  }
  const { target, error: refused } = targetOf(parsed.data.target, ctx.settings);
  if (!target) return refused;
  const ring = resolveRingSettings({
    [RECORDER_KEYS.ringFiles]: parsed.data.files,
    [RECORDER_KEYS.ringFileBytes]: parsed.data.fileBytes,
    [RECORDER_KEYS.ringSeconds]:
      parsed.data.hours === undefined ? undefined : Math.round(parsed.data.hours * 3600),
  });
  if (!ring.ok) return error(400, ring.message.replace(ring.key, FLAG_OF[ring.key] ?? ring.key));
  const storageAccountId = ctx.settings.CAPTURE_STORAGE_ACCOUNT_ID;
  if (!storageAccountId)
    return error(503, "app setting CAPTURE_STORAGE_ACCOUNT_ID is unset: nowhere to keep the ring");

  const instanceId = recorderInstanceIdFor(target);
  const statusQueryGetUri = ctx.statusUrlOf(instanceId);
  return guarded(async () => {
    const existing = await ctx.starter.status(instanceId);
    if (existing && ARMED.has(existing.runtimeStatus))
      return error(409, `${target.name} already has an armed recorder (${instanceId})`);
    const input: RecorderRequest = recorderRequest(
      { target, alert: { schema: "direct", ruleName: "ops arm" } },
      {
        timeLimitInSeconds: BUILT_IN_DEFAULTS.timeLimitInSeconds,
        totalBytesPerSession: BUILT_IN_DEFAULTS.totalBytesPerSession,
        bytesToCapturePerPacket: BUILT_IN_DEFAULTS.bytesToCapturePerPacket,
        filters: [],
        storageAccountId,
        ring: ring.value,
      },
      FREEZE_DEFAULTS,
      ctx.settings,
      statusQueryGetUri,
    );
    await ctx.starter.startRecorder(instanceId, input);
    return {
      status: 202,
      headers: { Location: statusQueryGetUri },
      body: { id: instanceId, statusQueryGetUri, ring: ring.value },
    };
  });
}

export async function disarmAnswer(ctx: RecorderOpsContext, body: unknown): Promise<OpsAnswer> {
  const parsed = disarmBody.safeParse(body);
  if (!parsed.success) return error(400, 'body: expected {"target": "<VM ARM ID>"}');
  const { target, error: refused } = targetOf(parsed.data.target, ctx.settings);
  if (!target) return refused;
  const instanceId = recorderInstanceIdFor(target);
  return guarded(async () => {
    const existing = await ctx.starter.status(instanceId);
    if (!existing || !ARMED.has(existing.runtimeStatus))
      return error(404, `${target.name} has no armed recorder`);
    await raiseRecorderRequest(
      { raise: (id, name, data) => ctx.starter.raise(id, name, data), mailbox: ctx.mailbox },
      instanceId,
      existing,
      { kind: "disarm", writtenAt: ctx.now.toISOString() },
    );
    return {
      status: 202,
      body: { id: instanceId, message: "disarming: the ring stops and its files stay in storage" },
    };
  });
}

/** What ops see of a recorder: state, ring settings, and the window its files reach back to. */
export interface RecorderRow {
  instanceId: string;
  runtimeStatus: string;
  target?: string;
  phase?: string;
  armedAt?: string;
  expectedEnd?: string;
  ring?: RecorderRequest["settings"]["ring"];
  holding?: RingHolding & { lookbackSeconds?: number };
  outcome?: string;
  highlights?: string[];
  files?: string[];
  statusQueryGetUri: string;
}

interface Progress {
  phase?: string;
  startedAt?: string;
  expectedEnd?: string;
  ring?: RingHolding;
}

export function recorderRow(status: InstanceStatus, now: Date, statusUrl: string): RecorderRow {
  const input = decoded(status.input) as Partial<RecorderRequest> | undefined;
  const progress = (decoded(status.customStatus) ?? {}) as Progress;
  const report = decoded(status.output) as Partial<CaptureReport> | undefined;
  const holding = report?.ring?.holding ?? progress.ring;
  const oldest = holding?.oldest;
  return {
    instanceId: status.instanceId,
    runtimeStatus: status.runtimeStatus,
    target: input?.target?.resourceId,
    phase: progress.phase,
    armedAt: progress.startedAt,
    expectedEnd: progress.expectedEnd,
    ring: input?.settings?.ring,
    ...(holding && {
      holding: {
        ...holding,
        ...(oldest && { lookbackSeconds: Math.round((now.getTime() - Date.parse(oldest)) / 1000) }),
      },
    }),
    ...(report?.outcome && { outcome: report.outcome }),
    ...(report?.summary && { highlights: report.summary.highlights }),
    ...(report?.ring?.files && { files: report.ring.files.map((f) => f.url) }),
    statusQueryGetUri: statusUrl,
  };
}

export async function listRecordersAnswer(ctx: RecorderOpsContext): Promise<OpsAnswer> {
  return guarded(async () => {
    const all = await ctx.store.list({
      createdTimeFrom: new Date(ctx.now.getTime() - LIST_WINDOW_MS),
      runtimeStatus: [...ARMED] as OrchestrationRuntimeStatus[],
    });
    const items = all
      .filter((s) => s.name === OrchestratorNames.recorder)
      .map((s) => recorderRow(s, ctx.now, ctx.statusUrlOf(s.instanceId)));
    return { status: 200, body: { items } };
  });
}

export async function showRecorderAnswer(
  ctx: RecorderOpsContext,
  instanceId: string | undefined,
): Promise<OpsAnswer> {
  if (!instanceId || !/^recorder-[a-z0-9-]{1,80}$/.test(instanceId))
    return error(400, "expected a recorder instance ID (recorder-<vm>-<hash>)");
  return guarded(async () => {
    const status = await ctx.store.get(instanceId);
    if (!status || status.name !== OrchestratorNames.recorder)
      return error(404, `no recorder instance '${instanceId}'`);
    return { status: 200, body: recorderRow(status, ctx.now, ctx.statusUrlOf(instanceId)) };
  });
}
