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
import { startTcpdump } from "./tcpdumpProcess";
import { STOP_DRAIN_MS, TcpdumpLifecycle } from "./tcpdumpLifecycle";

export type SessionStatus = "NotStarted" | "Running" | "Stopped" | "Error";
export type PcError =
  "InternalError" | "AgentStopped" | "CaptureFailed" | "LocalFileFailed" | "StorageFailed";
export type StopReason = "TimeExceeded" | "TotalBytesExceeded" | "Manual";

export interface SessionPlan {
  captureName: string;
  target: ComputeTarget;
  /** A scale-set instance's session: which instance (faults can single it out). */
  instanceId?: string;
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

const START_TIMEOUT_MS = 15_000;
const SIZE_POLL_MS = 100;

export class CaptureSession extends TcpdumpLifecycle {
  constructor(
    readonly plan: SessionPlan,
    private readonly deps: SessionDeps,
    restored?: SessionState,
  ) {
    super(deps.changed, restored);
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

  protected async launch(): Promise<void> {
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
    const fault = this.deps.faults.takeCaptureFault("agentStopped", this.faultScope());
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

  protected async stopAndUpload(reason: StopReason): Promise<void> {
    this.clearTimers();
    await sleep(STOP_DRAIN_MS);
    await this.proc?.stop();
    if (this.finished) return;
    const { plan, deps } = this;
    const capture = this.faultScope();
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

  /** What faults match this session by: the capture, its target, and a scale set's instance. */
  private faultScope(): { name: string; target: ComputeTarget; instanceId?: string } {
    const { captureName, target, instanceId } = this.plan;
    return { name: captureName, target, ...(instanceId !== undefined && { instanceId }) };
  }

  protected discardLocal(): Promise<void> {
    return this.removeLocalFile();
  }

  private async removeLocalFile(): Promise<void> {
    if (!this.plan.keepFile) await rm(this.plan.file, { force: true });
  }
}
