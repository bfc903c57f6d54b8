/** Reading a replay's activity calls, shared by the orchestrator tests. */
import type { CaptureReport } from "../../lib/workflow/contracts";

type Calls = { calls: Array<{ name: string; input: unknown }> };

/** Activity names in call order; the per-channel notify calls count once (the webhook's). */
export function names(run: Calls): string[] {
  return run.calls
    .filter((c) => c.name !== "notify" || (c.input as { channel: string }).channel === "webhook")
    .map((c) => c.name);
}

/** The report the last notify call carried. */
export function notified(run: Calls): CaptureReport {
  const call = run.calls.filter((c) => c.name === "notify").pop();
  if (!call) throw new Error("notify was never called");
  return (call.input as { report: CaptureReport }).report;
}
