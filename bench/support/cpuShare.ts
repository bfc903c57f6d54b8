/**
 * How much of the machine the local stack took while a bench ran: CPU seconds of the Functions
 * host and Azurite (from /proc, Linux), of this process (the bench client, the ARM emulator and
 * the notification sink) and of its finished children (the emulator's tcpdumps), over the wall
 * time, beside the machine's core count and load average. On a shared machine this is what says
 * whether a latency is the app's or the machine's.
 */
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";

/** Kernel clock ticks per second (USER_HZ): 100 on every Linux architecture Node runs on. */
const TICKS_PER_SECOND = 100;

interface Sample {
  at: number;
  /** CPU seconds per part. */
  parts: Record<string, number>;
}

/** utime + stime (and, with `children`, cutime + cstime) of a process, in seconds; 0 when gone. */
function procCpuSeconds(pid: number, children = false): number {
  try {
    // Fields after the parenthesised command name; utime is field 14 of the whole line.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
    const ticks = children
      ? (cutime as number) + (cstime as number)
      : (utime as number) + (stime as number);
    return ticks / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

export interface CpuShare {
  stop(): string;
}

/** Starts accounting; `stop()` returns one line: cores used per part, of how many, and the load. */
export function cpuShare(pids: { host: number; azurite: number }): CpuShare {
  const sample = (): Sample => {
    const own = process.cpuUsage();
    return {
      at: Date.now(),
      parts: {
        host: procCpuSeconds(pids.host),
        Azurite: procCpuSeconds(pids.azurite),
        "bench process (client, ARM emulator, sink)": (own.user + own.system) / 1e6,
        "its finished children (tcpdumps)": procCpuSeconds(process.pid, true),
      },
    };
  };
  const first = sample();
  return {
    stop() {
      const last = sample();
      const seconds = (last.at - first.at) / 1000;
      const used = Object.keys(first.parts).map(
        (part) => [part, ((last.parts[part] ?? 0) - (first.parts[part] ?? 0)) / seconds] as const,
      );
      const total = used.reduce((sum, [, cores]) => sum + cores, 0);
      const [one, five] = loadavg();
      return (
        `  CPU over those ${seconds.toFixed(1)} s: ${used.map(([part, cores]) => `${part} ${cores.toFixed(2)}`).join(", ")}` +
        ` = ${total.toFixed(2)} of ${availableParallelism()} cores; load average ${one?.toFixed(1)} (1 min), ${five?.toFixed(1)} (5 min)`
      );
    },
  };
}
