// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * A capture on a scale set: the agent on each instance in scope runs its own session (its own
 * tcpdump on the instance's placement) and uploads its own file, as Network Watcher writes one file
 * per instance. The capture reports one status for them all. EMULATION (Azure documents none of
 * this): Running while any instance runs; once all have ended, Stopped if any instance stopped
 * cleanly (its stopReason), with no error for the others — their missing files are what tells —
 * and Error with every instance's errors only when none did.
 */
import type { CaptureSession, SessionState, SessionStatus, StopReason } from "./captureSession";
import type { PcError } from "./captureSession";

/** The scale set's sessions by instance ID, in the order the instances were listed. */
export type InstanceSessions = ReadonlyMap<string, CaptureSession>;

export class ScaleSetSession {
  constructor(readonly instances: InstanceSessions) {}

  private get all(): CaptureSession[] {
    return [...this.instances.values()];
  }

  /** The first instance's plan: where `GET /_emulator/captures` says the capture runs. */
  get plan(): CaptureSession["plan"] {
    return this.all[0]!.plan;
  }

  get active(): boolean {
    return this.all.some((s) => s.active);
  }

  get pid(): number | undefined {
    return this.all.find((s) => s.pid !== undefined)?.pid;
  }

  get status(): SessionStatus {
    const statuses = this.all.map((s) => s.status);
    if (statuses.includes("Running")) return "Running";
    if (statuses.includes("NotStarted")) return "NotStarted";
    return statuses.includes("Stopped") ? "Stopped" : "Error";
  }

  get stopReason(): StopReason | undefined {
    return this.status === "Stopped"
      ? this.all.find((s) => s.status === "Stopped")?.stopReason
      : undefined;
  }

  get errors(): PcError[] {
    return this.status === "Error" ? [...new Set(this.all.flatMap((s) => s.errors))] : [];
  }

  get captureStartTime(): Date | undefined {
    const times = this.all.flatMap((s) => (s.captureStartTime ? [s.captureStartTime] : []));
    return times.length ? new Date(Math.min(...times.map((t) => t.getTime()))) : undefined;
  }

  state(): SessionState {
    return {
      status: this.status,
      ...(this.captureStartTime && { captureStartTime: this.captureStartTime.toISOString() }),
      ...(this.stopReason && { stopReason: this.stopReason }),
      errors: this.errors,
    };
  }

  /**
   * Starts every instance not refused (an instance without the agent, see captureService.ts);
   * rejects only when none could start (the others report their Error).
   */
  async start(): Promise<void> {
    const results = await Promise.allSettled(
      this.all.filter((s) => s.active).map((s) => s.start()),
    );
    const failure = results.find((r) => r.status === "rejected");
    if (failure && results.every((r) => r.status === "rejected")) throw failure.reason;
  }

  async stop(reason: StopReason): Promise<void> {
    await Promise.all(this.all.map((s) => s.stop(reason)));
  }

  refuse(error: PcError): void {
    for (const s of this.all) s.refuse(error);
  }

  async abort(): Promise<void> {
    await Promise.all(this.all.map((s) => s.abort()));
  }

  async halt(): Promise<void> {
    await Promise.all(this.all.map((s) => s.halt()));
  }

  async recoverLostAgent(): Promise<void> {
    await Promise.all(this.all.map((s) => s.recoverLostAgent()));
  }
}
