// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * One tcpdump child: the emulator's stand-in for the Network Watcher agent's capture engine.
 * `-U --immediate-mode` so every packet reaches the file as it arrives (stop and size checks see it),
 * `-B 8192` because in immediate mode each ring slot holds a whole snap length, so the default 2 MiB
 * buffer has room for only 8 packets and a loopback burst overflowed it on a busy machine,
 * `-Z root` because tcpdump would otherwise drop to its own user and fail to write under the state dir,
 * and `setpriv --pdeathsig TERM` so a capture never outlives an emulator that died without cleaning up.
 */
import { spawn } from "node:child_process";

export interface TcpdumpSpec {
  interface: string;
  /** Run inside this network namespace (`ip netns exec`). */
  netns?: string;
  /** 0 = whole packet. */
  snapLength: number;
  /** Empty = no filter. */
  bpf: string;
  file: string;
  /** Continuous capture: tcpdump's own ring rotation (see ringSession.ts). */
  ring?: TcpdumpRing;
}

/**
 * `-C <MB> -z <command>`: rotate at the size, announce each closed file. No `-W`: reusing names
 * would let tcpdump truncate a closed file before its upload has read it (the ring session maps
 * file k to slot k mod fileCount and deletes each closed file once uploaded).
 */
export interface TcpdumpRing {
  fileSizeInBytes: number;
  /** Run by tcpdump with the closed file's path after each rotation. */
  postRotateCommand: string;
}

export interface TcpdumpExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

export interface TcpdumpProcess {
  readonly pid: number;
  readonly exited: Promise<TcpdumpExit>;
  /** SIGTERM lets tcpdump flush and close the savefile; SIGKILL follows after `graceMs`. */
  stop(graceMs?: number): Promise<TcpdumpExit>;
  /** SIGKILL, as when the agent dies. */
  kill(): void;
}

export class CaptureStartError extends Error {
  override name = "CaptureStartError";
}

/** tcpdump rejects larger snap lengths; anything above is "whole packet" anyway. */
export const MAX_SNAPLEN = 262144;
const STDERR_KEEP = 4096;

export function tcpdumpArgv(spec: TcpdumpSpec): string[] {
  const snap = spec.snapLength === 0 ? 0 : Math.min(spec.snapLength, MAX_SNAPLEN);
  const tcpdump = [
    "tcpdump",
    "-U",
    "--immediate-mode",
    "-B",
    "8192",
    "-n",
    "-Z",
    "root",
    "-i",
    spec.interface,
    "-s",
    String(snap),
    "-w",
    spec.file,
  ];
  if (spec.ring) tcpdump.push(...ringArgs(spec.ring));
  if (spec.bpf) tcpdump.push(spec.bpf);
  const guarded = ["setpriv", "--pdeathsig", "TERM", ...tcpdump];
  return spec.netns ? ["ip", "netns", "exec", spec.netns, ...guarded] : guarded;
}

/**
 * tcpdump 4.99.3 (Debian 12) counts `-C` in whole units of 1,000,000 bytes and knows no suffixes,
 * so a file size is rounded to the nearest million, at least one — an emulation limit: Network
 * Watcher takes fileSizeInBytes to the byte.
 */
function ringArgs(ring: TcpdumpRing): string[] {
  const millions = Math.max(1, Math.round(ring.fileSizeInBytes / 1_000_000));
  return ["-C", String(millions), "-z", ring.postRotateCommand];
}

/** Resolves once tcpdump reports "listening on", i.e. packets from now on are captured. */
export function startTcpdump(spec: TcpdumpSpec, startTimeoutMs: number): Promise<TcpdumpProcess> {
  const [cmd, ...args] = tcpdumpArgv(spec) as [string, ...string[]];
  const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  const exited = new Promise<TcpdumpExit>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stderr }));
    child.on("error", (err) =>
      resolve({ code: null, signal: null, stderr: `${stderr}${err.message}` }),
    );
  });

  const proc: TcpdumpProcess = {
    pid: child.pid ?? -1,
    exited,
    async stop(graceMs = 5000) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    kill() {
      child.kill("SIGKILL");
    },
  };

  return new Promise<TcpdumpProcess>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const fail = (why: string): void =>
      settle(() => {
        child.kill("SIGKILL");
        reject(new CaptureStartError(`${why}: ${stderr.trim() || "(no output)"}`));
      });
    const timer = setTimeout(
      () => fail(`tcpdump did not start listening within ${startTimeoutMs} ms`),
      startTimeoutMs,
    );
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_KEEP);
      if (stderr.includes("listening on")) settle(() => resolve(proc));
    });
    void exited.then((exit) =>
      fail(`tcpdump exited (code ${exit.code}, signal ${exit.signal}) before listening`),
    );
  });
}
