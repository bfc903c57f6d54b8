/** Real TCP and UDP traffic on 127.0.0.1, captured by tcpdump, for comparing against tshark. */
import { type ChildProcess, spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { type AddressInfo, createServer, connect, type Server } from "node:net";
import { once } from "node:events";
import { stat } from "node:fs/promises";

const CAPTURE_PACKET_LIMIT = 2000;
/**
 * In immediate mode libpcap sizes each ring slot for a whole snap length (256 KiB), so the default
 * 2 MiB buffer holds only 8 packets and a burst on loopback overflows it before tcpdump runs: a
 * loaded machine dropped packets mid-capture, mostly with -i any. 32 MiB gives 128 slots.
 */
const CAPTURE_BUFFER_KIB = 32768;
const TCPDUMP_START_TIMEOUT_MS = 10_000;
const TCPDUMP_STOP_TIMEOUT_MS = 5_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function listen(server: Server): Promise<number> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

/** An echo server that answers every chunk with twice as many bytes. */
async function startEchoServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = createServer((socket) => {
    socket.on("data", (chunk) => socket.write(Buffer.concat([chunk, chunk])));
    socket.on("error", () => socket.destroy());
  });
  const port = await listen(server);
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A port nobody listens on, so that connecting to it gets a RST. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function exchange(port: number, messages: number, size: number): Promise<void> {
  const socket = connect(port, "127.0.0.1");
  await once(socket, "connect");
  for (let i = 0; i < messages; i++) {
    let received = 0;
    socket.write(Buffer.alloc(size, i));
    while (received < size * 2) {
      const [chunk] = (await once(socket, "data")) as [Buffer];
      received += chunk.length;
    }
  }
  socket.end();
  await once(socket, "close");
}

async function refusedConnection(port: number): Promise<void> {
  const socket = connect(port, "127.0.0.1");
  await once(socket, "error").catch(() => undefined);
}

async function udpExchange(count: number): Promise<{ port: number; run: () => Promise<void> }> {
  const receiver = createSocket("udp4");
  receiver.bind(0, "127.0.0.1");
  await once(receiver, "listening");
  const port = receiver.address().port;
  const run = async () => {
    const sender = createSocket("udp4");
    for (let i = 0; i < count; i++) {
      sender.send(Buffer.alloc(100 + i, i), port, "127.0.0.1");
      await once(receiver, "message");
    }
    sender.close();
    receiver.close();
  };
  return { port, run };
}

interface RunningTcpdump {
  proc: ChildProcess;
  /** What tcpdump wrote to stderr so far (its exit statistics once it has exited). */
  stderr: () => string;
}

async function startTcpdump(
  args: string[],
  file: string,
  ports: number[],
): Promise<RunningTcpdump> {
  const filter = `host 127.0.0.1 and (${ports.map((p) => `port ${p}`).join(" or ")})`;
  // Immediate mode and -U hand every packet to the file at once (else SIGINT can lose the last buffer);
  // -Z root keeps write access to our private temp dir.
  const tcpdump = spawn(
    "tcpdump",
    [
      ...args,
      "-n",
      "--immediate-mode",
      "-U",
      "-B",
      String(CAPTURE_BUFFER_KIB),
      "-Z",
      "root",
      "-c",
      String(CAPTURE_PACKET_LIMIT),
      "-w",
      file,
      filter,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  const listening = new Promise<void>((resolve, reject) => {
    tcpdump.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes("listening on")) resolve();
    });
    tcpdump.on("exit", (code) => reject(new Error(`tcpdump exited (${code}): ${stderr}`)));
  });
  await withTimeout(listening, TCPDUMP_START_TIMEOUT_MS, "starting tcpdump").catch(
    (error: unknown) => {
      tcpdump.kill("SIGKILL");
      throw error;
    },
  );
  return { proc: tcpdump, stderr: () => stderr };
}

async function fileSettled(file: string, quietMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let size = -1;
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    const now = (await stat(file).catch(() => undefined))?.size ?? -1;
    if (now !== size) {
      size = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Captures, with tcpdump `args` (e.g. ["-i", "lo"]), five TCP connections exchanging data, one refused
 * connection and a handful of UDP datagrams, all on 127.0.0.1; resolves when the file is complete.
 */
export async function captureLoopbackTraffic(args: string[], file: string): Promise<void> {
  // A machine busy with other tests can starve tcpdump until the kernel's ring overflows; such a
  // file lacks packets that were on the wire, so it is no reference to compare against. tcpdump
  // says so when it exits; capture again (bounded) rather than compare a lossy file.
  let report = "";
  for (let attempt = 1; attempt <= CAPTURE_ATTEMPTS; attempt++) {
    report = await captureOnce(args, file);
    if (droppedByKernel(report) === 0) return;
  }
  throw new Error(`tcpdump dropped packets in ${CAPTURE_ATTEMPTS} attempts: ${report}`);
}

const CAPTURE_ATTEMPTS = 3;

/** tcpdump's "N packets dropped by kernel" (0 when the line is missing: nothing reported). */
function droppedByKernel(stderr: string): number {
  const match = /(\d+) packets? dropped by kernel/.exec(stderr);
  return match ? Number(match[1]) : 0;
}

/** One capture of the traffic; resolves with tcpdump's stderr, exit statistics included. */
async function captureOnce(args: string[], file: string): Promise<string> {
  const echo = await startEchoServer();
  const refused = await closedPort();
  const udp = await udpExchange(10);
  const tcpdump = await startTcpdump(args, file, [echo.port, refused, udp.port]);
  try {
    await withTimeout(
      (async () => {
        await Promise.all([1, 2, 3, 4, 5].map((n) => exchange(echo.port, 3, 500 * n)));
        await refusedConnection(refused);
        await udp.run();
      })(),
      15_000,
      "loopback traffic",
    );
    // Let tcpdump write the last packets before asking it to finish the file: wait until the file
    // has stopped growing (bounded) rather than a fixed pause.
    await fileSettled(file, 500, 5_000);
  } finally {
    await echo.close();
    const exited = once(tcpdump.proc, "close");
    tcpdump.proc.kill("SIGINT");
    await withTimeout(exited, TCPDUMP_STOP_TIMEOUT_MS, "stopping tcpdump").catch(() =>
      tcpdump.proc.kill("SIGKILL"),
    );
  }
  return tcpdump.stderr();
}
