// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * The lifecycle both kinds of agent session share — a one-shot capture (captureSession.ts) and a
 * continuous capture's ring (ringSession.ts): start once, stop once, refuse, abort, halt for a
 * restart, and the status the agent reports. What differs (how tcpdump runs, what is uploaded
 * when, what local files go) is each subclass's.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { PcError, SessionState, SessionStatus, StopReason } from "./captureSession";
import type { TcpdumpProcess } from "./tcpdumpProcess";

/**
 * tcpdump drops what is still in the kernel ring when SIGTERM breaks its loop, so a stop waits this
 * long first: packets that were on the wire before the stop request end up in the file even when
 * tcpdump has not been scheduled since they arrived.
 */
export const STOP_DRAIN_MS = 300;

/** The agent-visible fields of a session (one-shot or ring), the part the state file keeps. */
interface ReportedState {
  status: SessionStatus;
  captureStartTime?: Date;
  stopReason?: StopReason;
  errors: PcError[];
}

/** A session's reported state as the state file keeps it. */
function stateOf(session: ReportedState): SessionState {
  return {
    status: session.status,
    ...(session.captureStartTime && { captureStartTime: session.captureStartTime.toISOString() }),
    ...(session.stopReason && { stopReason: session.stopReason }),
    errors: [...session.errors],
  };
}

/** Puts a saved state back on a restored session; true when that session had already ended. */
function applyState(session: ReportedState, restored: SessionState): boolean {
  session.status = restored.status;
  if (restored.captureStartTime) session.captureStartTime = new Date(restored.captureStartTime);
  if (restored.stopReason) session.stopReason = restored.stopReason;
  session.errors = [...restored.errors];
  return restored.status === "Stopped" || restored.status === "Error";
}

export abstract class TcpdumpLifecycle {
  status: SessionStatus = "NotStarted";
  captureStartTime?: Date;
  stopReason?: StopReason;
  errors: PcError[] = [];

  protected proc: TcpdumpProcess | undefined;
  protected finishing: Promise<void> | undefined;
  protected finished = false;
  protected readonly timers: NodeJS.Timeout[] = [];
  private started: Promise<void> | undefined;

  /** `changed` is told of every status change, so the emulator's state file follows. */
  protected constructor(
    private readonly changed: (() => void) | undefined,
    restored?: SessionState,
  ) {
    if (restored) this.finished = applyState(this, restored);
  }

  /** Resolves when tcpdump listens; rejects (status Error, CaptureFailed) when it cannot start. */
  protected abstract launch(): Promise<void>;
  /** Graceful end: tcpdump flushes, what it wrote is uploaded, the session ends. */
  protected abstract stopAndUpload(reason: StopReason): Promise<void>;
  /** Removes what the session wrote locally (abort: nothing is uploaded). */
  protected abstract discardLocal(): Promise<void>;

  state(): SessionState {
    return stateOf(this);
  }

  /** Counts against the regional session limit until the session has ended. */
  get active(): boolean {
    return !this.finished;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  start(): Promise<void> {
    this.started ??= this.launch();
    return this.started;
  }

  /** Graceful stop. Resolves when the session has ended. */
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

  /** Ends the session without uploading (capture deleted). */
  abort(): Promise<void> {
    this.finishing ??= this.settleStart().then(async () => {
      if (this.finished) return;
      this.clearTimers();
      await this.proc?.stop();
      this.end("Stopped");
      await this.discardLocal();
    });
    return this.finishing;
  }

  /**
   * The emulator is shutting down: tcpdump flushes and exits, but the files and the session's
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

  protected async settleStart(): Promise<void> {
    await this.started?.catch(() => undefined);
  }

  protected end(status: "Stopped" | "Error", error?: PcError): void {
    if (this.finished) return;
    this.finished = true;
    this.clearTimers();
    this.status = status;
    if (error) this.errors.push(error);
    this.changed?.();
  }

  protected clearTimers(): void {
    for (const t of this.timers.splice(0)) clearTimeout(t);
  }
}
