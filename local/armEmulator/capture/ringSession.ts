// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * A continuous capture as the emulator's Network Watcher agent runs it: tcpdump's own rotation
 * (`-C` size, `-z` announcing each closed file), every closed file uploaded at once and then
 * deleted, the file being written uploaded when the session stops. tcpdump's `-W` name reuse is
 * not used: on a loaded machine it truncated a closed file before its queued upload had read it.
 * Status follows `PcStatus` like a one-shot session: NotStarted → Running → Stopped (TimeExceeded
 * at sessionTimeLimitInSeconds, Manual on a stop request) or Error (AgentStopped, StorageFailed).
 *
 * EMULATION — Azure documents neither the names nor the rollover of continuous-capture files:
 * - `storagePath` is a blob "folder" `…/packetcapture_{HH}_{mm}_{ss}_{fff}` and ring slot k is the
 *   blob `{storagePath}/{k}.cap`; tcpdump's n-th file goes to slot n mod fileCount, so storage
 *   holds the same ring as the agent (at most fileCount files);
 * - a file rolls over at fileSizeInBytes rounded to tcpdump's 1,000,000-byte units (tcpdumpProcess);
 * - timeLimitInSeconds and totalBytesPerSession do not apply; the session ends at
 *   sessionTimeLimitInSeconds.
 * Production code does not depend on any of this: it lists blobs under storagePath and orders
 * them by last write (lib/domain/ringFiles).
 */
import { randomUUID } from "node:crypto";
import { chmod, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ComputeTarget } from "../armIds";
import type { Placement } from "../inventory";
import type { CaptureParameters } from "./captureRequest";
import { captureBlobName, type CaptureBlobStore } from "./captureStorage";
import { toBpf } from "./bpfFilter";
import type { SessionState, StopReason } from "./captureSession";
import type { RingParameters } from "./ringRequest";
import { startTcpdump } from "./tcpdumpProcess";
import { STOP_DRAIN_MS, TcpdumpLifecycle } from "./tcpdumpLifecycle";

export interface RingPlan {
  captureName: string;
  target: ComputeTarget;
  placement: Placement;
  snapLength: number;
  bpf: string;
  ring: RingParameters;
  /** The agent's local directory for the ring. */
  dir: string;
  /** Blob name of the ring's "folder" (what storagePath names). */
  blobPrefix: string;
}

export interface RingDeps {
  blobStore: CaptureBlobStore;
  log: (line: string) => void;
  /** Called when the status changes, so the emulator's state file follows. */
  changed?: () => void;
}

/** The ring of a continuous capture created now: its blob "folder" beside where a one-shot `.cap` would go. */
export function ringPlanFor(
  captureName: string,
  params: CaptureParameters,
  ring: RingParameters,
  placement: Placement,
  createdAt: Date,
  stateDir: string,
): RingPlan {
  return {
    captureName,
    target: params.target,
    placement,
    snapLength: params.bytesToCapturePerPacket,
    bpf: toBpf(params.filters),
    ring,
    dir: path.join(stateDir, "rings", randomUUID()),
    blobPrefix: captureBlobName(params.target, createdAt).replace(/\.cap$/, ""),
  };
}

const START_TIMEOUT_MS = 15_000;
const ROTATION_POLL_MS = 200;
const BASE_NAME = "ring.cap";
const ROTATION_LOG = "rotated.log";
/** A pcap global header alone: a slot tcpdump just opened holds no packets yet. */
const HEADER_BYTES = 24;

export class RingSession extends TcpdumpLifecycle {
  private logOffset = 0;
  private uploads: Promise<void> = Promise.resolve();
  /** Set by halt: the emulator is letting go of the ring's files, so nothing new is queued. */
  private halted = false;

  constructor(
    readonly plan: RingPlan,
    private readonly deps: RingDeps,
    restored?: SessionState,
  ) {
    super(deps.changed, restored);
  }

  /**
   * The emulator died with this ring running (its tcpdump went with it). Closed slots were
   * uploaded as they rotated; the slot being written is uploaded as far as it goes, and the
   * session reports what Network Watcher reports after losing its agent — Error, AgentStopped —
   * so the recorder ends its ring as lost, like a one-shot capture.
   */
  async recoverLostAgent(): Promise<void> {
    if (this.finished) return;
    const current = await this.newestFile().catch(() => undefined);
    if (current) this.queueUpload(current);
    await this.uploads;
    await rm(this.plan.dir, { recursive: true, force: true });
    this.deps.log(`ring ${this.plan.captureName}: agent lost; uploaded the slot it was writing`);
    this.end("Error", "AgentStopped");
  }

  /**
   * Besides the base halt, waits for uploads already queued: the emulator's owner may remove the
   * state directory right after stop(), and an upload still reading a slot would then fail outside
   * any caller (seen in CI as an ENOENT in the next test file).
   */
  override async halt(): Promise<void> {
    this.halted = true;
    await super.halt();
    await this.uploads;
  }

  protected async launch(): Promise<void> {
    const { plan } = this;
    const script = path.join(plan.dir, "rotated.sh");
    try {
      await mkdir(plan.dir, { recursive: true });
      // tcpdump runs this with each closed file's path; the session picks the lines up.
      await writeFile(
        script,
        `#!/bin/sh\nprintf '%s\\n' "$1" >> '${path.join(plan.dir, ROTATION_LOG)}'\n`,
      );
      await chmod(script, 0o755);
      this.proc = await startTcpdump(
        {
          interface: plan.placement.interface,
          ...(plan.placement.netns && { netns: plan.placement.netns }),
          snapLength: plan.snapLength,
          bpf: plan.bpf,
          file: path.join(plan.dir, BASE_NAME),
          ring: {
            fileSizeInBytes: plan.ring.fileSizeInBytes,
            postRotateCommand: script,
          },
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
      `ring ${plan.captureName}: tcpdump ${this.proc.pid}, ${plan.ring.fileCount} files of ${plan.ring.fileSizeInBytes} bytes for ${plan.ring.sessionTimeLimitInSeconds} s`,
    );
    this.timers.push(
      setTimeout(() => void this.stop("TimeExceeded"), plan.ring.sessionTimeLimitInSeconds * 1000),
      setInterval(() => void this.collectRotations(), ROTATION_POLL_MS),
    );
    void this.proc.exited.then((exit) => {
      if (this.finishing || this.finished) return;
      this.deps.log(
        `ring ${plan.captureName}: tcpdump died (code ${exit.code}, signal ${exit.signal})`,
      );
      this.end("Error", "AgentStopped");
    });
  }

  /** Queues an upload for every file tcpdump closed since the last look. */
  private async collectRotations(): Promise<void> {
    if (this.halted) return;
    let text: string;
    try {
      text = await readFile(path.join(this.plan.dir, ROTATION_LOG), "utf8");
    } catch {
      return;
    }
    const fresh = text.slice(this.logOffset);
    const complete = fresh.lastIndexOf("\n") + 1;
    this.logOffset += complete;
    for (const file of fresh.slice(0, complete).split("\n").filter(Boolean)) this.queueUpload(file);
  }

  private queueUpload(file: string): void {
    if (this.halted) return;
    const slot = fileNumber(file) % this.plan.ring.fileCount;
    const blobName = `${this.plan.blobPrefix}/${slot}.cap`;
    this.uploads = this.uploads.then(async () => {
      try {
        await this.deps.blobStore.upload(blobName, file);
      } catch (err) {
        this.deps.log(
          `ring ${this.plan.captureName}: upload of slot ${slot} failed: ${err instanceof Error ? err.message : String(err)}`,
        );
        if (!this.errors.includes("StorageFailed")) this.errors.push("StorageFailed");
      } finally {
        // tcpdump never writes a name twice (no -W), so only this keeps the ring's disk bounded.
        await rm(file, { force: true });
      }
    });
  }

  protected async stopAndUpload(reason: StopReason): Promise<void> {
    this.clearTimers();
    await sleep(STOP_DRAIN_MS);
    await this.proc?.stop();
    if (this.finished) return;
    await this.collectRotations();
    const current = await this.newestFile();
    if (current) this.queueUpload(current);
    await this.uploads;
    await rm(this.plan.dir, { recursive: true, force: true });
    if (this.errors.includes("StorageFailed")) {
      this.end("Error");
      return;
    }
    this.stopReason = reason;
    this.end("Stopped");
    this.deps.log(`ring ${this.plan.captureName}: stopped (${reason})`);
  }

  /** The slot tcpdump was writing when it stopped: the most recently written one, if it holds packets. */
  private async newestFile(): Promise<string | undefined> {
    const names = (await readdir(this.plan.dir)).filter((n) => n.startsWith(BASE_NAME));
    const files = await Promise.all(
      names.map(async (n) => {
        const file = path.join(this.plan.dir, n);
        const s = await stat(file);
        return { file, mtimeMs: s.mtimeMs, size: s.size };
      }),
    );
    const newest = files.sort((a, b) => b.mtimeMs - a.mtimeMs)[0];
    return newest && newest.size > HEADER_BYTES ? newest.file : undefined;
  }

  protected async discardLocal(): Promise<void> {
    await rm(this.plan.dir, { recursive: true, force: true });
  }
}

/** tcpdump's `-C` files are `ring.cap`, `ring.cap1`, `ring.cap2`, …: the k-th file closed is k. */
function fileNumber(file: string): number {
  return Number(path.basename(file).slice(BASE_NAME.length) || "0");
}
