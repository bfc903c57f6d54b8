/**
 * The local stack as benches and the fuzzer run it: the e2e tests' throwaway stack (free ports,
 * tmp state, every log line of the host kept) with captures short and small, because what is
 * measured is the webhook and the orchestration around the capture, not the packets; and without
 * Azurite's access log, which nobody reads in a throwaway state dir and whose per-request line
 * costs the machine CPU that Azure's storage would not take from the app.
 */
import type { StackOptions } from "../../local/stack";
import {
  loopbackTraffic,
  startTestStack,
  type TestStack,
  vmId,
} from "../../test/e2e/support/testStack";
import { firedAlertFor } from "./alerts";

export const SHORT_CAPTURE_SETTINGS: Record<string, string> = {
  CAPTURE_TIME_LIMIT_SECONDS: "3",
  CAPTURE_TOTAL_BYTES: "65536",
  CAPTURE_SUMMARIZE: "false",
};

export interface BenchStack extends TestStack {
  /**
   * A fired alert for `vm` whose capture filters on the stack's own small loopback conversation.
   * The emulator runs one tcpdump per capture on the shared loopback; unfiltered, each would copy
   * every packet of the bench itself (a load a real capture, on its own VM, never puts on the
   * app), and filtered on a silent port, the capture would rightly fail as empty.
   */
  alert(vm: string): Record<string, unknown>;
}

export async function startBenchStack(options: Partial<StackOptions> = {}): Promise<BenchStack> {
  const stack = await startTestStack({
    storageAccessLog: false,
    ...options,
    appSettings: { ...SHORT_CAPTURE_SETTINGS, ...options.appSettings },
  });
  const disposeStack = stack.dispose.bind(stack);
  const traffic = await loopbackTraffic(100).catch(async (error: unknown) => {
    await disposeStack();
    throw error;
  });
  const captureFilters = JSON.stringify([{ protocol: "TCP", localPort: String(traffic.port) }]);
  return Object.assign(stack, {
    alert: (vm: string) => firedAlertFor(vmId(vm), { captureFilters }),
    async dispose() {
      await traffic.stop();
      await disposeStack();
    },
  });
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
