// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * The `packetCaptures` resource under a watcher: creation rules, the agent session behind each
 * resource, and the JSON the service returns. Emulator choices where Azure's behaviour is not
 * documented (codes are ours, not confirmed by Azure docs):
 * - PUT on an existing name → 409 `PacketCaptureAlreadyExists` (captures cannot be updated).
 * - Regional session limit → 400 `PacketCaptureSessionLimitReached` (Network RP reports limits as 400 `…LimitReached`).
 * - Target outside the watcher's region → 400 `TargetNotInNetworkWatcherRegion`.
 * - Agent extension missing → the create operation ends Failed, `NetworkWatcherAgentNotInstalled`.
 * - tcpdump cannot start → the create operation ends Failed, `PacketCaptureFailed`; status Error [CaptureFailed].
 * A failed create leaves the resource in provisioningState Failed, as ARM does for failed PUTs.
 */
import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { ArmError, notFound } from "../armHttp";
import type { ExtensionStore } from "../compute/extensionStore";
import type { FaultController } from "../faults";
import type { Inventory, NetworkWatcherRecord } from "../inventory";
import type { OperationOutcome } from "../operations";
import { toBpf } from "./bpfFilter";
import { parseCaptureRequest, type CaptureParameters } from "./captureRequest";
import { CaptureSession, type SessionState } from "./captureSession";
import { captureBlobName, scaleSetBlobNames, type CaptureBlobStore } from "./captureStorage";
import { ringPlanFor, RingSession } from "./ringSession";
import { ScaleSetSession } from "./scaleSetSession";
import type { ScaleSetInstanceRecord } from "../inventory";

export interface CaptureServiceDeps {
  inventory: Inventory;
  extensions: ExtensionStore;
  faults: FaultController;
  blobStore: CaptureBlobStore;
  stateDir: string;
  sessionLimit: number;
  log: (line: string) => void;
  /** Called after any change a restarted emulator must know about. */
  changed?: () => void;
}

type ProvisioningState = "Updating" | "Succeeded" | "Failed" | "Deleting";

export interface CaptureRecord {
  name: string;
  watcher: NetworkWatcherRecord;
  params: CaptureParameters;
  provisioningState: ProvisioningState;
  etag: string;
  createdAt: Date;
  storagePath?: string;
  /** The PUT body as sent, kept so a restarted emulator rebuilds the same capture. */
  body: unknown;
  session: CaptureSession | RingSession | ScaleSetSession;
}

/** One scale-set instance's session, as the state file keeps it. */
export interface SavedInstance {
  instanceId: string;
  file: string;
  blobName?: string;
  session: SessionState;
}

/** A capture as the emulator's state file keeps it. */
export interface SavedCapture {
  name: string;
  watcher: NetworkWatcherRecord;
  body: unknown;
  provisioningState: ProvisioningState;
  etag: string;
  createdAt: string;
  storagePath?: string;
  /** The one-shot capture's local file, or a continuous capture's ring directory. */
  file: string;
  blobName?: string;
  session: SessionState;
  /** A scale-set capture: each instance's session (the capture's `file` is then the first's). */
  instances?: SavedInstance[];
}

/** A running session as `GET /_emulator/captures` and `sessions()` report it. */
export interface SessionSummary {
  id: string;
  target: string;
  status: string;
  pid?: number;
  interface: string;
  netns?: string;
  captureStartTime?: string;
}

export class CaptureService {
  private readonly records = new Map<string, CaptureRecord>();

  constructor(private readonly deps: CaptureServiceDeps) {}

  /** Validates and registers the capture; `started` is the create operation's outcome. */
  create(
    watcher: NetworkWatcherRecord,
    name: string,
    body: unknown,
  ): { record: CaptureRecord; started: Promise<OperationOutcome> } {
    const params = parseCaptureRequest(body);
    const key = recordKey(watcher, name);
    if (this.records.has(key))
      throw new ArmError(
        409,
        "PacketCaptureAlreadyExists",
        `Packet capture '${name}' already exists under ${watcher.name}; delete it first.`,
      );
    const placement = this.deps.inventory.placement(params.target);
    if (placement.region !== watcher.region) {
      throw new ArmError(
        400,
        "TargetNotInNetworkWatcherRegion",
        `Target ${params.target.id} is in ${placement.region}; ${watcher.name} serves ${watcher.region}.`,
      );
    }
    const running = [...this.records.values()].filter(
      (r) =>
        r.session.active &&
        r.watcher.subscriptionId.toLowerCase() === watcher.subscriptionId.toLowerCase() &&
        r.watcher.region === watcher.region,
    ).length;
    if (running >= this.deps.sessionLimit) {
      throw new ArmError(
        400,
        "PacketCaptureSessionLimitReached",
        `The limit of ${this.deps.sessionLimit} packet capture sessions in ${watcher.region} for this subscription has been reached.`,
      );
    }

    const createdAt = new Date();
    if (params.continuous) {
      const session = this.ring(name, params, createdAt);
      return this.register(
        { name, watcher, params, createdAt, body, session },
        this.deps.blobStore.urlFor(session.plan.blobPrefix),
        session.plan.dir,
      );
    }
    if (params.target.kind === "virtualMachineScaleSets")
      return this.scaleSetCapture(name, watcher, params, createdAt, body);
    const blobName = params.storageAccount ? captureBlobName(params.target, createdAt) : undefined;
    const file = this.localFile(params);
    const session = this.session(name, params, file, blobName);
    return this.register(
      { name, watcher, params, createdAt, body, session },
      blobName && this.deps.blobStore.urlFor(blobName),
      path.dirname(file),
    );
  }

  /** Where tcpdump writes: the VM-local file the caller asked for, or a scratch file. */
  private localFile(params: CaptureParameters, instanceId?: string): string {
    const vmDir = path.join(
      this.deps.stateDir,
      "vms",
      params.target.key.replace(/[^a-z0-9]+/g, "_"),
      ...(instanceId !== undefined ? [instanceId] : []),
    );
    return params.storageLocation.filePath
      ? path.join(vmDir, params.storageLocation.filePath)
      : path.join(this.deps.stateDir, "captures", `${randomUUID()}.cap`);
  }

  /**
   * One session per instance in scope, each uploading its own file under the capture's storage
   * path (captureStorage.ts has the layout). EMULATION: a scope selecting no instance is refused
   * with 400 `InvalidRequestFormat`; Azure's answer is not documented.
   */
  private scaleSetCapture(
    name: string,
    watcher: NetworkWatcherRecord,
    params: CaptureParameters,
    createdAt: Date,
    body: unknown,
  ): { record: CaptureRecord; started: Promise<OperationOutcome> } {
    const instances = inScope(this.deps.inventory.instances(params.target), params);
    if (!instances.length)
      throw new ArmError(
        400,
        "InvalidRequestFormat",
        `properties.scope selects no instance of ${params.target.name}.`,
      );
    const ids = instances.map((i) => i.instanceId);
    const names = params.storageAccount
      ? scaleSetBlobNames(params.target, createdAt, ids)
      : undefined;
    const session = new ScaleSetSession(
      new Map(
        instances.map((instance) => [
          instance.instanceId,
          this.session(
            name,
            params,
            this.localFile(params, instance.instanceId),
            names?.files.get(instance.instanceId),
            undefined,
            instance,
          ),
        ]),
      ),
    );
    return this.register(
      { name, watcher, params, createdAt, body, session },
      names && this.deps.blobStore.urlFor(names.storagePath),
      path.dirname(session.plan.file),
    );
  }

  /** Registers the new resource with its session and starts it. */
  private register(
    fields: Pick<CaptureRecord, "name" | "watcher" | "params" | "createdAt" | "body" | "session">,
    storagePath: string | undefined,
    dir: string,
  ): { record: CaptureRecord; started: Promise<OperationOutcome> } {
    const record: CaptureRecord = {
      ...fields,
      provisioningState: "Updating",
      etag: `W/"${randomUUID()}"`,
      ...(storagePath && { storagePath }),
    };
    this.records.set(recordKey(fields.watcher, fields.name), record);
    this.deps.changed?.();
    return { record, started: this.startSession(record, dir) };
  }

  /** A continuous capture's ring; `restored` rebuilds one from the state file in its saved directory. */
  private ring(
    name: string,
    params: CaptureParameters,
    createdAt: Date,
    restored?: { dir: string; state: SessionState },
  ): RingSession {
    const plan = ringPlanFor(
      name,
      params,
      params.continuous!,
      this.deps.inventory.placement(params.target),
      createdAt,
      this.deps.stateDir,
    );
    return new RingSession(
      restored ? { ...plan, dir: restored.dir } : plan,
      {
        blobStore: this.deps.blobStore,
        log: this.deps.log,
        ...(this.deps.changed && { changed: this.deps.changed }),
      },
      restored?.state,
    );
  }

  private session(
    name: string,
    params: CaptureParameters,
    file: string,
    blobName: string | undefined,
    restored?: SessionState,
    instance?: ScaleSetInstanceRecord,
  ): CaptureSession {
    return new CaptureSession(
      {
        captureName: name,
        target: params.target,
        ...(instance && { instanceId: instance.instanceId }),
        placement: instance?.placement ?? this.deps.inventory.placement(params.target),
        snapLength: params.bytesToCapturePerPacket,
        bpf: toBpf(params.filters),
        timeLimitInSeconds: params.timeLimitInSeconds,
        totalBytesPerSession: params.totalBytesPerSession,
        file,
        keepFile: params.storageLocation.filePath !== undefined,
        ...(blobName && { blobName }),
      },
      {
        blobStore: this.deps.blobStore,
        faults: this.deps.faults,
        log: this.deps.log,
        ...(this.deps.changed && { changed: this.deps.changed }),
      },
      restored,
    );
  }

  /** Every capture resource and its session, for the state file. */
  saved(): SavedCapture[] {
    return [...this.records.values()].map((r) => ({
      name: r.name,
      watcher: r.watcher,
      body: r.body,
      provisioningState: r.provisioningState,
      etag: r.etag,
      createdAt: r.createdAt.toISOString(),
      ...(r.storagePath && { storagePath: r.storagePath }),
      ...(r.session instanceof RingSession
        ? { file: r.session.plan.dir }
        : {
            file: r.session.plan.file,
            ...(r.session.plan.blobName && { blobName: r.session.plan.blobName }),
          }),
      session: r.session.state(),
      ...(r.session instanceof ScaleSetSession && {
        instances: [...r.session.instances].map(([instanceId, s]) => ({
          instanceId,
          file: s.plan.file,
          ...(s.plan.blobName && { blobName: s.plan.blobName }),
          session: s.state(),
        })),
      }),
    }));
  }

  /**
   * The captures of an emulator that stopped without cleaning up (killed with its stack). Their
   * tcpdumps died with it: running sessions end as after a lost agent, uploading what they had.
   */
  async restore(saved: readonly SavedCapture[]): Promise<void> {
    for (const s of saved) {
      const params = parseCaptureRequest(s.body);
      const record: CaptureRecord = {
        name: s.name,
        watcher: s.watcher,
        params,
        provisioningState: s.provisioningState === "Updating" ? "Failed" : s.provisioningState,
        etag: s.etag,
        createdAt: new Date(s.createdAt),
        ...(s.storagePath && { storagePath: s.storagePath }),
        body: s.body,
        session: params.continuous
          ? this.ring(s.name, params, new Date(s.createdAt), { dir: s.file, state: s.session })
          : s.instances
            ? this.restoredScaleSet(s.name, params, s.instances)
            : this.session(s.name, params, s.file, s.blobName, s.session),
      };
      this.records.set(recordKey(s.watcher, s.name), record);
    }
    await Promise.all([...this.records.values()].map((r) => r.session.recoverLostAgent()));
  }

  private restoredScaleSet(
    name: string,
    params: CaptureParameters,
    saved: readonly SavedInstance[],
  ): ScaleSetSession {
    const placements = new Map(
      this.deps.inventory.instances(params.target).map((i) => [i.instanceId, i]),
    );
    return new ScaleSetSession(
      new Map(
        saved.map((i) => [
          i.instanceId,
          this.session(
            name,
            params,
            i.file,
            i.blobName,
            i.session,
            placements.get(i.instanceId) ?? {
              instanceId: i.instanceId,
              placement: this.deps.inventory.placement(params.target),
              agentInstalled: true,
            },
          ),
        ]),
      ),
    );
  }

  /**
   * Whether the agent can capture: on the VM, or on at least one instance of the set. EMULATION:
   * an instance without the agent (left behind by a Manual upgrade policy) ends at once with
   * Error [AgentStopped] and writes no file; the others capture.
   */
  private agentRunsOn(record: CaptureRecord): boolean {
    const { session, params } = record;
    if (!(session instanceof ScaleSetSession)) return this.deps.extensions.hasAgent(params.target);
    const instances = new Map(
      this.deps.inventory.instances(params.target).map((i) => [i.instanceId, i]),
    );
    for (const [id, s] of session.instances) {
      const instance = instances.get(id);
      if (!instance || !this.deps.extensions.instanceHasAgent(params.target, instance))
        s.refuse("AgentStopped");
    }
    return session.active;
  }

  private async startSession(record: CaptureRecord, dir: string): Promise<OperationOutcome> {
    const { session, params } = record;
    const fault = this.deps.faults.takeLroFailure("PacketCaptures_Create");
    const refusal = fault ?? (this.agentRunsOn(record) ? undefined : agentMissing(params));
    if (refusal) {
      session.refuse(fault ? "InternalError" : "AgentStopped");
      record.provisioningState = "Failed";
      return { outcome: "failed", ...refusal };
    }
    try {
      await mkdir(dir, { recursive: true });
      await session.start();
    } catch (err) {
      record.provisioningState = "Failed";
      this.deps.log(`capture ${record.name}: ${err instanceof Error ? err.message : String(err)}`);
      return {
        outcome: "failed",
        code: "PacketCaptureFailed",
        message: `The capture could not be started on ${params.target.name}.`,
      };
    }
    record.provisioningState = "Succeeded";
    return { outcome: "succeeded", response: { status: 200 } };
  }

  get(watcher: NetworkWatcherRecord, name: string): CaptureRecord {
    const record = this.records.get(recordKey(watcher, name));
    if (!record) throw notFound(`${watcher.id}/packetCaptures/${name}`);
    return record;
  }

  find(watcher: NetworkWatcherRecord, name: string): CaptureRecord | undefined {
    return this.records.get(recordKey(watcher, name));
  }

  list(watcher: NetworkWatcherRecord): CaptureRecord[] {
    return [...this.records.values()].filter(
      (r) => r.watcher.id.toLowerCase() === watcher.id.toLowerCase(),
    );
  }

  /** Ends the session (no upload) and removes the resource once it has. */
  async delete(record: CaptureRecord): Promise<void> {
    record.provisioningState = "Deleting";
    await record.session.abort();
    this.records.delete(recordKey(record.watcher, record.name));
    this.deps.changed?.();
  }

  activeSessions(): SessionSummary[] {
    return [...this.records.values()]
      .filter((r) => r.session.active)
      .map((r) => ({
        id: captureId(r),
        target: r.params.target.id,
        status: r.session.status,
        ...(r.session.pid !== undefined && { pid: r.session.pid }),
        interface: r.session.plan.placement.interface,
        ...(r.session.plan.placement.netns && { netns: r.session.plan.placement.netns }),
        ...(r.session.captureStartTime && {
          captureStartTime: r.session.captureStartTime.toISOString(),
        }),
      }));
  }

  /** Emulator shutdown: every tcpdump stops; running sessions are recovered on the next start. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.records.values()].map((r) => r.session.halt()));
  }
}

function agentMissing(params: CaptureParameters): { code: string; message: string } {
  return {
    code: "NetworkWatcherAgentNotInstalled",
    message: `The Network Watcher agent extension (Microsoft.Azure.NetworkWatcher) is not installed on ${params.target.id}.`,
  };
}

/** Network Watcher's scope: instance IDs or names (`{set}_{id}`) to include / exclude; empty is all. */
function inScope(
  instances: ScaleSetInstanceRecord[],
  params: CaptureParameters,
): ScaleSetInstanceRecord[] {
  const names = (i: ScaleSetInstanceRecord) =>
    [i.instanceId, `${params.target.name}_${i.instanceId}`].map((n) => n.toLowerCase());
  const listed = (list: string[] | undefined, i: ScaleSetInstanceRecord) =>
    (list ?? []).some((entry) => names(i).includes(entry.toLowerCase()));
  const include = params.scope?.include ?? [];
  return instances.filter(
    (i) => (include.length === 0 || listed(include, i)) && !listed(params.scope?.exclude, i),
  );
}

function recordKey(watcher: NetworkWatcherRecord, name: string): string {
  return `${watcher.id}/${name}`.toLowerCase();
}

export function captureId(record: CaptureRecord): string {
  return `${record.watcher.id}/packetCaptures/${record.name}`;
}

/** `PacketCaptureResult` as GET, list and the PUT 201 return it. */
export function captureResourceJson(record: CaptureRecord): Record<string, unknown> {
  const p = record.params;
  return {
    name: record.name,
    id: captureId(record),
    etag: record.etag,
    properties: {
      provisioningState: record.provisioningState,
      target: p.target.id,
      ...(p.targetType && { targetType: p.targetType }),
      ...(p.scope && { scope: p.scope }),
      bytesToCapturePerPacket: p.bytesToCapturePerPacket,
      totalBytesPerSession: p.totalBytesPerSession,
      timeLimitInSeconds: p.timeLimitInSeconds,
      storageLocation: {
        ...(p.storageLocation.storageId && { storageId: p.storageLocation.storageId }),
        ...(record.storagePath && { storagePath: record.storagePath }),
        ...(p.storageLocation.filePath && { filePath: p.storageLocation.filePath }),
      },
      filters: p.filtersWire,
    },
  };
}

/** `PacketCaptureQueryStatusResult`. */
export function captureStatusJson(record: CaptureRecord): Record<string, unknown> {
  const s = record.session;
  return {
    name: record.name,
    id: captureId(record),
    ...(s.captureStartTime && { captureStartTime: s.captureStartTime.toISOString() }),
    packetCaptureStatus: s.status,
    ...(s.stopReason && { stopReason: s.stopReason }),
    packetCaptureError: [...s.errors],
  };
}
