// LOCAL DEV/TEST INFRASTRUCTURE — not used in production.
/**
 * Traffic across an impaired path, A → B: a paced TCP transfer and a UDP stream sent from A's
 * namespace to a receiver in B's namespace (Node itself, run with `ip netns exec`). Bounded in
 * bytes, datagrams and time; the receiver reports what arrived.
 */
import { execFile, spawn } from "node:child_process";

export interface PathTrafficPlan {
  /** TCP payload bytes A → B, written in 16 KiB chunks spread over `seconds`. */
  tcpBytes: number;
  /** UDP datagrams (200 bytes each) A → B, spread over `seconds`. */
  udpDatagrams: number;
  seconds: number;
  tcpPort?: number;
  udpPort?: number;
}

export interface PathTrafficResult {
  tcpBytesReceived: number;
  udpDatagramsReceived: number;
}

const RECEIVER = `
const net = require("node:net"), dgram = require("node:dgram");
const [tcpPort, udpPort, lifetimeMs] = process.argv.slice(1).map(Number);
let tcp = 0, udp = 0;
const server = net.createServer((s) => s.on("data", (d) => (tcp += d.length)).on("error", () => {}));
const sock = dgram.createSocket("udp4").on("message", () => udp++);
server.listen(tcpPort, "0.0.0.0", () => sock.bind(udpPort, "0.0.0.0", () => console.log("ready")));
const report = () => { console.log(JSON.stringify({ tcpBytesReceived: tcp, udpDatagramsReceived: udp })); process.exit(0); };
process.on("SIGTERM", report);
setTimeout(report, lifetimeMs);
`;

const SENDER = `
const net = require("node:net"), dgram = require("node:dgram");
const [host, tcpPort, udpPort, tcpBytes, datagrams, seconds] = process.argv.slice(1);
const chunk = Buffer.alloc(16384, 7), steps = Math.max(1, Math.ceil(Number(tcpBytes) / chunk.length));
const client = net.connect(Number(tcpPort), host);
const sock = dgram.createSocket("udp4");
let sentTcp = 0, sentUdp = 0, tcpClosed = false, udpDone = false;
const finish = () => { if (tcpClosed && udpDone) setTimeout(() => process.exit(0), 200); };
client.on("connect", () => {
  const tcpTimer = setInterval(() => {
    if (sentTcp >= steps) { clearInterval(tcpTimer); client.end(); return; }
    client.write(chunk); sentTcp++;
  }, (Number(seconds) * 1000) / steps);
  const udpTimer = setInterval(() => {
    if (sentUdp >= Number(datagrams)) { clearInterval(udpTimer); sock.close(() => { udpDone = true; finish(); }); return; }
    const payload = Buffer.alloc(200); payload.writeUInt32BE(sentUdp++);
    sock.send(payload, Number(udpPort), host);
  }, (Number(seconds) * 1000) / Math.max(1, Number(datagrams)));
});
client.on("close", () => { tcpClosed = true; finish(); });
client.on("error", (e) => { console.error(e.message); process.exit(1); });
setTimeout(() => process.exit(2), Number(seconds) * 1000 + 30000);
`;

function inNamespace(netns: string, script: string, args: Array<string | number>): string[] {
  return ["netns", "exec", netns, process.execPath, "-e", script, "--", ...args.map(String)];
}

/** Starts B's receiver, runs A's sender to the end, then collects what B received. */
export async function sendAcrossPath(
  from: { netns: string },
  to: { netns: string; address: string },
  plan: PathTrafficPlan,
): Promise<PathTrafficResult> {
  const tcpPort = plan.tcpPort ?? 5201;
  const udpPort = plan.udpPort ?? 5202;
  const lifetimeMs = (plan.seconds + 60) * 1000;
  const receiver = spawn("ip", inNamespace(to.netns, RECEIVER, [tcpPort, udpPort, lifetimeMs]), {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  receiver.stdout.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => receiver.once("exit", () => resolve()));
  for (let i = 0; i < 100 && !output.includes("ready"); i++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  if (!output.includes("ready")) {
    receiver.kill("SIGKILL");
    throw new Error("the receiver in B's namespace did not start");
  }
  await new Promise<void>((resolve, reject) =>
    execFile(
      "ip",
      inNamespace(from.netns, SENDER, [
        to.address,
        tcpPort,
        udpPort,
        plan.tcpBytes,
        plan.udpDatagrams,
        plan.seconds,
      ]),
      { timeout: (plan.seconds + 40) * 1000 },
      (error) =>
        error
          ? reject(new Error(`the sender in A's namespace failed: ${error.message}`))
          : resolve(),
    ),
  );
  // Let the last retransmissions land before asking the receiver.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  receiver.kill("SIGTERM");
  await exited;
  const line = output.split("\n").find((l) => l.startsWith("{"));
  if (!line) throw new Error(`the receiver reported nothing: ${output.slice(0, 200)}`);
  return JSON.parse(line) as PathTrafficResult;
}
