/**
 * The local stack as benches and the fuzzer run it: the e2e tests' throwaway stack (free ports,
 * tmp state, every log line kept) with captures short and small, because what is measured is the
 * webhook and the orchestration around the capture, not the packets.
 */
import type { StackOptions } from "../../local/stack";
import { startTestStack, type TestStack } from "../../test/e2e/support/testStack";

export const SHORT_CAPTURE_SETTINGS: Record<string, string> = {
  CAPTURE_TIME_LIMIT_SECONDS: "3",
  CAPTURE_TOTAL_BYTES: "65536",
  CAPTURE_SUMMARIZE: "false",
};

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
