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
import type { Inventory, NetworkWatcherRecord, Placement } from "../inventory";
import type { OperationOutcome } from "../operations";
import { toBpf } from "./bpfFilter";
import { parseCaptureRequest, type CaptureParameters } from "./captureRequest";
import { CaptureSession } from "./captureSession";
import { captureBlobName, type CaptureBlobStore } from "./captureStorage";
import type { RingParameters } from "./ringRequest";
import { ringPlanFor, RingSession } from "./ringSession";

export interface CaptureServiceDeps {
  inventory: Inventory;
  extensions: ExtensionStore;
  faults: FaultController;
  blobStore: CaptureBlobStore;
  stateDir: string;
  sessionLimit: number;
  log: (line: string) => void;
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
  session: CaptureSession | RingSession;
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
    if (params.continuous)
      return this.register(watcher, name, params, createdAt, {
        ring: params.continuous,
        placement,
      });
    const blobName = params.storageAccount ? captureBlobName(params.target, createdAt) : undefined;
    const vmDir = path.join(
      this.deps.stateDir,
      "vms",
      params.target.key.replace(/[^a-z0-9]+/g, "_"),
    );
    const file = params.storageLocation.filePath
      ? path.join(vmDir, params.storageLocation.filePath)
      : path.join(this.deps.stateDir, "captures", `${randomUUID()}.cap`);
    const session = new CaptureSession(
      {
        captureName: name,
        target: params.target,
        placement,
        snapLength: params.bytesToCapturePerPacket,
        bpf: toBpf(params.filters),
        timeLimitInSeconds: params.timeLimitInSeconds,
        totalBytesPerSession: params.totalBytesPerSession,
        file,
        keepFile: params.storageLocation.filePath !== undefined,
        ...(blobName && { blobName }),
      },
      { blobStore: this.deps.blobStore, faults: this.deps.faults, log: this.deps.log },
    );
    return this.register(watcher, name, params, createdAt, session, {
      dir: path.dirname(file),
      ...(blobName && { storagePath: this.deps.blobStore.urlFor(blobName) }),
    });
  }

  /** Registers the resource with its session (a continuous capture's ring when none is given) and starts it. */
  private register(
    watcher: NetworkWatcherRecord,
    name: string,
    params: CaptureParameters,
    createdAt: Date,
    given: CaptureSession | { ring: RingParameters; placement: Placement },
    where?: { dir: string; storagePath?: string },
  ): { record: CaptureRecord; started: Promise<OperationOutcome> } {
    let session: CaptureSession | RingSession;
    let location: { dir: string; storagePath?: string };
    if (given instanceof CaptureSession) {
      session = given;
      location = where ?? { dir: this.deps.stateDir };
    } else {
      const plan = ringPlanFor(
        name,
        params,
        given.ring,
        given.placement,
        createdAt,
        this.deps.stateDir,
      );
      session = new RingSession(plan, { blobStore: this.deps.blobStore, log: this.deps.log });
      location = { dir: plan.dir, storagePath: this.deps.blobStore.urlFor(plan.blobPrefix) };
    }
    const record: CaptureRecord = {
      name,
      watcher,
      params,
      provisioningState: "Updating",
      etag: `W/"${randomUUID()}"`,
      createdAt,
      ...(location.storagePath && { storagePath: location.storagePath }),
      session,
    };
    this.records.set(recordKey(watcher, name), record);
    return { record, started: this.startSession(record, location.dir) };
  }

  private async startSession(record: CaptureRecord, dir: string): Promise<OperationOutcome> {
    const { session, params } = record;
    const fault = this.deps.faults.takeLroFailure("PacketCaptures_Create");
    const refusal =
      fault ?? (this.deps.extensions.hasAgent(params.target) ? undefined : agentMissing(params));
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

  async shutdown(): Promise<void> {
    await Promise.all([...this.records.values()].map((r) => r.session.abort()));
  }
}

function agentMissing(params: CaptureParameters): { code: string; message: string } {
  return {
    code: "NetworkWatcherAgentNotInstalled",
    message: `The Network Watcher agent extension (Microsoft.Azure.NetworkWatcher) is not installed on ${params.target.id}.`,
  };
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
