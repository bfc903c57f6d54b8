// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * One capture session as the Network Watcher agent runs it: tcpdump until the time limit, the byte
 * limit or a stop request, then the `.cap` goes to blob storage. Status follows `PcStatus`:
 * NotStarted → Running (only once tcpdump is listening) → Stopped, or Error with `PcError` values.
 * The session reports Running until the upload has finished, so Stopped always means "the file is there".
 *
 * stopReason: `TimeExceeded` is the service's documented value; `TotalBytesExceeded` (byte limit) and
 * `Manual` (stop request) are emulator choices — the service's strings for those are not documented.
 * timeLimitInSeconds 0 is treated as the 18000 s maximum and totalBytesPerSession 0 as "no byte limit"
 * (the spec allows 0 without saying what it means).
 */
import { rm, stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import type { ComputeTarget } from "../armIds";
import type { FaultController } from "../faults";
import type { Placement } from "../inventory";
import type { CaptureBlobStore } from "./captureStorage";
import { LIMITS } from "./captureRequest";
import { startTcpdump, type TcpdumpProcess } from "./tcpdumpProcess";

export type SessionStatus = "NotStarted" | "Running" | "Stopped" | "Error";
export type PcError =
  "InternalError" | "AgentStopped" | "CaptureFailed" | "LocalFileFailed" | "StorageFailed";
export type StopReason = "TimeExceeded" | "TotalBytesExceeded" | "Manual";

export interface SessionPlan {
  captureName: string;
  target: ComputeTarget;
  placement: Placement;
  snapLength: number;
  bpf: string;
  timeLimitInSeconds: number;
  totalBytesPerSession: number;
  /** Where tcpdump writes. */
  file: string;
  /** Kept after upload when it is the VM-local file the caller asked for (`storageLocation.filePath`). */
  keepFile: boolean;
  /** Blob to upload to; absent when the caller asked only for a VM-local file. */
  blobName?: string;
}

export interface SessionDeps {
  blobStore: CaptureBlobStore;
  faults: FaultController;
  log: (line: string) => void;
  /** Called when the status changes, so the emulator's state file follows. */
  changed?: () => void;
}

/** What the agent reports about a session, kept across emulator restarts. */
export interface SessionState {
  status: SessionStatus;
  captureStartTime?: string;
  stopReason?: StopReason;
  errors: PcError[];
}

/** The agent-visible fields of a session (one-shot or ring), the part the state file keeps. */
interface ReportedState {
  status: SessionStatus;
  captureStartTime?: Date;
  stopReason?: StopReason;
  errors: PcError[];
}

/** A session's reported state as the state file keeps it. */
export function stateOf(session: ReportedState): SessionState {
  return {
    status: session.status,
    ...(session.captureStartTime && { captureStartTime: session.captureStartTime.toISOString() }),
    ...(session.stopReason && { stopReason: session.stopReason }),
    errors: [...session.errors],
  };
}

/** Puts a saved state back on a restored session; true when that session had already ended. */
export function applyState(session: ReportedState, restored: SessionState): boolean {
  session.status = restored.status;
  if (restored.captureStartTime) session.captureStartTime = new Date(restored.captureStartTime);
  if (restored.stopReason) session.stopReason = restored.stopReason;
  session.errors = [...restored.errors];
  return restored.status === "Stopped" || restored.status === "Error";
}

const START_TIMEOUT_MS = 15_000;
const SIZE_POLL_MS = 100;
/**
 * tcpdump drops what is still in the kernel ring when SIGTERM breaks its loop, so a stop waits this
 * long first: packets that were on the wire before the stop request end up in the file even when
 * tcpdump has not been scheduled since they arrived.
 */
const STOP_DRAIN_MS = 300;

export class CaptureSession {
  status: SessionStatus = "NotStarted";
  captureStartTime?: Date;
  stopReason?: StopReason;
  errors: PcError[] = [];

  private proc: TcpdumpProcess | undefined;
  private started: Promise<void> | undefined;
  private finishing: Promise<void> | undefined;
  private finished = false;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    readonly plan: SessionPlan,
    private readonly deps: SessionDeps,
    restored?: SessionState,
  ) {
    if (restored) this.finished = applyState(this, restored);
  }

  state(): SessionState {
    return stateOf(this);
  }

  /**
   * The emulator died with this session running (its tcpdump went with it): what the agent had
   * written is uploaded, as far as it goes, and the session reports what Network Watcher reports
   * after losing its agent — Error, AgentStopped.
   */
  async recoverLostAgent(): Promise<void> {
    if (this.finished) return;
    const { plan, deps } = this;
    const size = await stat(plan.file).then(
      (s) => s.size,
      () => 0,
    );
    // 24 bytes is a bare pcap header: nothing was captured.
    if (plan.blobName && size > 24) {
      try {
        await deps.blobStore.upload(plan.blobName, plan.file);
        deps.log(
          `capture ${plan.captureName}: agent lost; uploaded the ${size} bytes it had written`,
        );
        await this.removeLocalFile();
      } catch (err) {
        deps.log(
          `capture ${plan.captureName}: agent lost; upload failed: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    this.end("Error", "AgentStopped");
  }

  /** Counts against the regional session limit until the session has ended. */
  get active(): boolean {
    return !this.finished;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Resolves when tcpdump listens; rejects (status Error, CaptureFailed) when it cannot start. */
  start(): Promise<void> {
    this.started ??= this.launch();
    return this.started;
  }

  /** Graceful stop: tcpdump flushes, the file is uploaded. Resolves when the session has ended. */
  stop(reason: StopReason): Promise<void> {
    this.finishing ??= this.settleStart().then(() =>
      this.finished ? undefined : this.stopAndUpload(reason),
    );
    return this.finishing;
  }

  /** Ends a session that never got to start (agent missing, operation failed). */
  refuse(error: PcError): void {
    if (!this.started) this.end("Error", error);
  }

  /** Ends the session without uploading (capture deleted, emulator shutting down). */
  abort(): Promise<void> {
    this.finishing ??= this.settleStart().then(async () => {
      if (this.finished) return;
      this.clearTimers();
      await this.proc?.stop();
      this.end("Stopped");
      await this.removeLocalFile();
    });
    return this.finishing;
  }

  /**
   * The emulator is shutting down: tcpdump flushes and exits, but the file and the session's
   * state stay for the next start to recover, as after a crash.
   */
  halt(): Promise<void> {
    this.finishing ??= this.settleStart().then(async () => {
      this.clearTimers();
      if (this.finished) return;
      await sleep(STOP_DRAIN_MS);
      await this.proc?.stop();
    });
    return this.finishing;
  }

  private async launch(): Promise<void> {
    const { plan } = this;
    try {
      this.proc = await startTcpdump(
        {
          interface: plan.placement.interface,
          ...(plan.placement.netns && { netns: plan.placement.netns }),
          snapLength: plan.snapLength,
          bpf: plan.bpf,
          file: plan.file,
        },
        START_TIMEOUT_MS,
      );
    } catch (err) {
      this.end("Error", "CaptureFailed");
      throw err;
    }
    this.status = "Running";
    this.captureStartTime = new Date();
    this.deps.changed?.();
    this.deps.log(
      `capture ${plan.captureName}: tcpdump ${this.proc.pid} on ${plan.placement.netns ? `${plan.placement.netns}/` : ""}${plan.placement.interface} filter '${plan.bpf}'`,
    );
    this.armLimits();
    void this.proc.exited.then((exit) => {
      if (this.finishing || this.finished) return;
      this.deps.log(
        `capture ${plan.captureName}: tcpdump died (code ${exit.code}, signal ${exit.signal})`,
      );
      this.end("Error", "AgentStopped");
    });
    const fault = this.deps.faults.takeCaptureFault("agentStopped", {
      name: plan.captureName,
      target: plan.target,
    });
    if (fault) this.timers.push(setTimeout(() => this.proc?.kill(), fault.afterMs));
  }

  private armLimits(): void {
    const seconds =
      this.plan.timeLimitInSeconds === 0
        ? LIMITS.timeLimitInSeconds.max
        : this.plan.timeLimitInSeconds;
    this.timers.push(setTimeout(() => void this.stop("TimeExceeded"), seconds * 1000));
    if (this.plan.totalBytesPerSession > 0) {
      const poll = setInterval(() => {
        void stat(this.plan.file).then(
          (s) =>
            s.size >= this.plan.totalBytesPerSession
              ? void this.stop("TotalBytesExceeded")
              : undefined,
          () => undefined,
        );
      }, SIZE_POLL_MS);
      this.timers.push(poll);
    }
  }

  private async stopAndUpload(reason: StopReason): Promise<void> {
    this.clearTimers();
    await sleep(STOP_DRAIN_MS);
    await this.proc?.stop();
    if (this.finished) return;
    const { plan, deps } = this;
    const capture = { name: plan.captureName, target: plan.target };
    if (plan.blobName) {
      const slow = deps.faults.takeCaptureFault("slowUpload", capture);
      if (slow) await sleep(slow.delayMs);
      if (deps.faults.takeCaptureFault("storageFailed", capture)) {
        this.end("Error", "StorageFailed");
        return;
      }
      try {
        await deps.blobStore.upload(plan.blobName, plan.file);
      } catch (err) {
        deps.log(
          `capture ${plan.captureName}: upload failed: ${err instanceof Error ? err.message : String(err)}`,
        );
        this.end("Error", "StorageFailed");
        return;
      }
      await this.removeLocalFile();
    }
    this.stopReason = reason;
    this.end("Stopped");
    deps.log(`capture ${plan.captureName}: stopped (${reason})`);
  }

  private async settleStart(): Promise<void> {
    await this.started?.catch(() => undefined);
  }

  private end(status: "Stopped" | "Error", error?: PcError): void {
    if (this.finished) return;
    this.finished = true;
    this.clearTimers();
    this.status = status;
    if (error) this.errors.push(error);
    this.deps.changed?.();
  }

  private clearTimers(): void {
    for (const t of this.timers.splice(0)) clearTimeout(t);
  }

  private async removeLocalFile(): Promise<void> {
    if (!this.plan.keepFile) await rm(this.plan.file, { force: true });
  }
}
