/**
 * The kernel's count of connections it refused because a listener's accept queue was full
 * (TcpExt ListenOverflows in /proc/net/netstat, Linux). Each such refusal drops the SYN and the
 * client retransmits it about a second later, so a burst's tail can be the kernel's, not the
 * server's; the storm bench prints this count beside each burst's answer times to tell them apart.
 * The counter covers the whole network namespace: anything else overflowing at the same time counts.
 */
import { readFileSync } from "node:fs";

const NETSTAT = "/proc/net/netstat";

/**
 * ListenOverflows from the text of /proc/net/netstat: a `TcpExt:` line of names followed by a
 * `TcpExt:` line of values. Undefined when the text has no such pair or the value is not a count.
 */
export function parseListenOverflows(netstat: string): number | undefined {
  const lines = netstat.split("\n").filter((line) => line.startsWith("TcpExt:"));
  const names = lines[0]?.split(/\s+/).slice(1);
  const values = lines[1]?.split(/\s+/).slice(1);
  const at = names?.indexOf("ListenOverflows") ?? -1;
  const value = at < 0 ? undefined : values?.[at];
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
}

/** The current count, or undefined where /proc/net/netstat is unreadable or lacks it. */
export function readListenOverflows(): number | undefined {
  try {
    return parseListenOverflows(readFileSync(NETSTAT, "utf8"));
  } catch {
    return undefined;
  }
}

/** Runs `task` and returns its result with the overflows counted while it ran (undefined: unknown). */
export async function countingListenOverflows<T>(
  task: () => Promise<T>,
  read: () => number | undefined = readListenOverflows,
): Promise<{ result: T; overflows: number | undefined }> {
  const before = read();
  const result = await task();
  const after = read();
  return {
    result,
    overflows: before === undefined || after === undefined ? undefined : after - before,
  };
}

/** `listen overflows 0`, or `listen overflows unknown (…)` where the counter is unreadable. */
export function formatOverflows(overflows: number | undefined): string {
  return overflows === undefined
    ? `listen overflows unknown (${NETSTAT} unreadable)`
    : `listen overflows ${overflows}`;
}
