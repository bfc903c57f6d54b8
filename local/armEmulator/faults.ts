// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Faults tests switch on at run time (TS API or `POST /_emulator/faults`). Request faults answer the
 * next `count` requests of one operation (spec operationId, e.g. `PacketCaptures_Create`) instead of
 * the handler; LRO failures make the next `count` operations of that kind end Failed; capture faults
 * act on the next `count` sessions matching an optional target and capture name. `agentMissing` is
 * not queued: it uninstalls the agent extension, as if someone removed it, until it is reinstalled.
 */
import { z } from "zod";
import { ArmError, type ArmResponse } from "./armHttp";
import { parseComputeTargetId, type ComputeTarget } from "./armIds";

const count = z.number().int().min(1).max(1000).default(1);
/** `instanceId`: one instance of a scale-set target (its session alone is affected). */
const captureMatch = {
  target: z.string().optional(),
  captureName: z.string().optional(),
  instanceId: z.string().optional(),
  count,
};

const faultSpec = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("throttle"),
    operation: z.string(),
    count,
    retryAfterSeconds: z.number().int().min(0).max(60).default(1),
  }),
  z.object({
    kind: z.literal("serverError"),
    operation: z.string(),
    count,
    status: z.number().int().min(500).max(599).default(500),
    code: z.string().default("InternalServerError"),
  }),
  z.object({
    kind: z.literal("lroFailure"),
    operation: z.string(),
    count,
    code: z.string().default("InternalServerError"),
    message: z.string().default("An error occurred."),
  }),
  z.object({ kind: z.literal("agentMissing"), target: z.string() }),
  z.object({
    kind: z.literal("agentStopped"),
    ...captureMatch,
    afterMs: z.number().int().min(0).max(3_600_000).default(0),
  }),
  z.object({ kind: z.literal("storageFailed"), ...captureMatch }),
  z.object({
    kind: z.literal("slowUpload"),
    ...captureMatch,
    delayMs: z.number().int().min(0).max(3_600_000),
  }),
]);

/** What callers pass (defaults optional). */
export type FaultSpec = z.input<typeof faultSpec>;
type ParsedFault = z.output<typeof faultSpec>;
type QueuedFault = Exclude<ParsedFault, { kind: "agentMissing" }>;
export type CaptureFaultKind = "agentStopped" | "storageFailed" | "slowUpload";
export type CaptureFault<K extends CaptureFaultKind = CaptureFaultKind> = Extract<
  QueuedFault,
  { kind: K }
>;

export interface PendingFault {
  id: string;
  remaining: number;
  spec: QueuedFault;
}

export interface AgentRegistry {
  uninstallAgent(target: ComputeTarget): void;
}

export class FaultController {
  private readonly queue: PendingFault[] = [];
  private nextId = 1;

  constructor(
    private readonly operations: ReadonlySet<string>,
    private readonly lroOperations: ReadonlySet<string>,
    private readonly agents: AgentRegistry,
  ) {}

  /** Validates (the admin API passes untrusted JSON here) and arms a fault; returns its id. Throws ArmError 400 on a malformed spec. */
  add(spec: FaultSpec): string {
    const parsed = faultSpec.safeParse(spec);
    if (!parsed.success) throw new ArmError(400, "InvalidFault", z.prettifyError(parsed.error));
    const fault = parsed.data;
    const id = `fault-${this.nextId++}`;
    if (fault.kind === "agentMissing") {
      this.agents.uninstallAgent(this.requireTarget(fault.target));
      return id;
    }
    if ("operation" in fault) {
      const known = fault.kind === "lroFailure" ? this.lroOperations : this.operations;
      if (!known.has(fault.operation))
        throw new ArmError(
          400,
          "InvalidFault",
          `Unknown operation '${fault.operation}'; known: ${[...known].join(", ")}.`,
        );
    }
    if ("target" in fault && fault.target !== undefined) this.requireTarget(fault.target);
    this.queue.push({ id, remaining: fault.count, spec: fault });
    return id;
  }

  clear(): void {
    this.queue.length = 0;
  }

  pending(): PendingFault[] {
    return this.queue.map((f) => ({ ...f }));
  }

  /** A throttle or server error to answer this request with, if one is armed for the operation. */
  takeRequestFault(operation: string): ArmResponse | undefined {
    const spec = this.take(
      (s) => (s.kind === "throttle" || s.kind === "serverError") && s.operation === operation,
    );
    if (!spec) return undefined;
    if (spec.kind === "throttle") {
      return new ArmError(
        429,
        "TooManyRequests",
        "The request is being throttled (emulated fault).",
        {
          "retry-after": String(spec.retryAfterSeconds),
        },
      ).toResponse();
    }
    if (spec.kind === "serverError")
      return new ArmError(
        spec.status,
        spec.code,
        "The server encountered an error (emulated fault).",
      ).toResponse();
    return undefined;
  }

  takeLroFailure(operation: string): { code: string; message: string } | undefined {
    const spec = this.take((s) => s.kind === "lroFailure" && s.operation === operation);
    return spec?.kind === "lroFailure" ? { code: spec.code, message: spec.message } : undefined;
  }

  takeCaptureFault<K extends CaptureFaultKind>(
    kind: K,
    capture: { name: string; target: ComputeTarget; instanceId?: string },
  ): CaptureFault<K> | undefined {
    const isCaptureFault = (s: QueuedFault): s is CaptureFault => s.kind === kind;
    const spec = this.take(
      (s) =>
        isCaptureFault(s) &&
        (s.captureName === undefined ||
          s.captureName.toLowerCase() === capture.name.toLowerCase()) &&
        (s.target === undefined || parseComputeTargetId(s.target)?.key === capture.target.key) &&
        (s.instanceId === undefined || s.instanceId === capture.instanceId),
    );
    return spec as CaptureFault<K> | undefined;
  }

  private take(match: (spec: QueuedFault) => boolean): QueuedFault | undefined {
    const index = this.queue.findIndex((f) => match(f.spec));
    const fault = this.queue[index];
    if (!fault) return undefined;
    if (--fault.remaining === 0) this.queue.splice(index, 1);
    return fault.spec;
  }

  private requireTarget(id: string): ComputeTarget {
    const target = parseComputeTargetId(id);
    if (!target)
      throw new ArmError(400, "InvalidFault", `'${id}' is not a VM or scale-set resource ID.`);
    return target;
  }
}
