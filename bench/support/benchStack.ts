/**
 * The local stack as benches and the fuzzer run it: the e2e tests' throwaway stack (free ports,
 * tmp state, every log line kept) with captures short and small, because what is measured is the
 * webhook and the orchestration around the capture, not the packets.
 */
import type { StackOptions } from "../../local/stack";
import { startTestStack, type TestStack, vmId } from "../../test/e2e/support/testStack";
import { firedAlertFor } from "./alerts";

export const SHORT_CAPTURE_SETTINGS: Record<string, string> = {
  CAPTURE_TIME_LIMIT_SECONDS: "3",
  CAPTURE_TOTAL_BYTES: "65536",
  CAPTURE_SUMMARIZE: "false",
};

/**
 * A fired alert for `vm` whose capture filters on the discard port: the emulator runs one tcpdump
 * per capture on the shared loopback, and unfiltered, each would copy every packet of the bench
 * itself — load a real capture (on its own VM) never puts on the function app.
 */
export function benchAlert(vm: string): Record<string, unknown> {
  return firedAlertFor(vmId(vm), { captureFilters: JSON.stringify([{ protocol: "TCP", localPort: "9" }]) });
}

export function startBenchStack(options: Partial<StackOptions> = {}): Promise<TestStack> {
  return startTestStack({ ...options, appSettings: { ...SHORT_CAPTURE_SETTINGS, ...options.appSettings } });
}

const ACTIVITY_STARTED = /^host (\S+) activity (\S+) instance=(\S+) task=\d+ status=Started$/;

/** When `activity` first started for each instance: the host's own timestamp on its Started line (local/host/README.md). */
export function activityStarts(lines: readonly string[], activity: string): Map<string, number> {
  const starts = new Map<string, number>();
  for (const line of lines) {
    const match = ACTIVITY_STARTED.exec(line);
    if (!match || match[2] !== activity || starts.has(match[3] as string)) continue;
    starts.set(match[3] as string, Date.parse(match[1] as string));
  }
  return starts;
}
