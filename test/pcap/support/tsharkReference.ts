/** What tshark and capinfos say about a capture, parsed for comparison with our summary. */
import { execFileSync } from "node:child_process";
import type { HostStat } from "../../../lib/pcap";

/** Defragmentation off: we count fragments without reassembling, and tshark then does the same. */
const TSHARK_PREFS = ["-n", "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE"];

/** tshark's conversation tables print bytes with SI units (integer division) from 10 000 up. */
export interface PrintedBytes {
  value: number;
  unit: number;
}

export interface TsharkConversation {
  framesAtoB: number;
  bytesAtoB: PrintedBytes;
  framesBtoA: number;
  bytesBtoA: PrintedBytes;
}

/** tshark's endpoint row carries the same counts as our HostStat, keyed by address. */
export type TsharkEndpoint = Omit<HostStat, "address">;

export interface TsharkReference {
  packets: number;
  bytes: number;
  /** Each frame's `frame.protocols`, split. */
  frameProtocols: string[][];
  /** Keyed by conversationKey(), A first. */
  conversations: Map<string, TsharkConversation>;
  endpoints: Map<string, TsharkEndpoint>;
  syn: number;
  synAck: number;
  rst: number;
  /** Frames tshark marks as retransmission, fast retransmission or spurious retransmission. */
  retransmissions: number;
  outOfOrder: number;
  zeroWindow: number;
  firstTimeNs: bigint | null;
  lastTimeNs: bigint | null;
}

function run(command: string, args: string[]): string {
  return execFileSync(command, args, {
    encoding: "utf8",
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["ignore", "pipe", "ignore"],
  });
}

export function tsharkReference(file: string): TsharkReference {
  const fields = [
    "frame.protocols",
    "frame.len",
    "tcp.flags",
    "tcp.analysis.retransmission",
    "tcp.analysis.fast_retransmission",
    "tcp.analysis.spurious_retransmission",
    "tcp.analysis.zero_window",
    "tcp.analysis.out_of_order",
  ];
  const rows = run("tshark", [
    "-r",
    file,
    ...TSHARK_PREFS,
    "-T",
    "fields",
    "-E",
    "separator=/t",
    ...fields.flatMap((f) => ["-e", f]),
  ])
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => line.split("\t"));
  const reference: TsharkReference = {
    packets: rows.length,
    bytes: 0,
    frameProtocols: [],
    conversations: new Map(),
    endpoints: new Map(),
    syn: 0,
    synAck: 0,
    rst: 0,
    retransmissions: 0,
    outOfOrder: 0,
    zeroWindow: 0,
    ...capinfosTimes(file),
  };
  for (const [
    protocols = "",
    length = "0",
    flagsText = "",
    retransmission,
    fast,
    spurious,
    zeroWindow,
    outOfOrder,
  ] of rows) {
    reference.bytes += Number(length);
    reference.frameProtocols.push(protocols.split(":"));
    if (flagsText) {
      const flags = parseInt(flagsText, 16);
      if ((flags & 0x12) === 0x02) reference.syn++;
      if ((flags & 0x12) === 0x12) reference.synAck++;
      if (flags & 0x04) reference.rst++;
    }
    if (retransmission || fast || spurious) reference.retransmissions++;
    if (zeroWindow) reference.zeroWindow++;
    if (outOfOrder) reference.outOfOrder++;
  }
  parseTables(
    run("tshark", [
      "-r",
      file,
      ...TSHARK_PREFS,
      "-q",
      "-z",
      "conv,tcp",
      "-z",
      "conv,udp",
      "-z",
      "endpoints,ip",
      "-z",
      "endpoints,ipv6",
    ]),
    reference,
  );
  return reference;
}

function parseTables(text: string, reference: TsharkReference): void {
  let table = "";
  for (const line of text.split("\n")) {
    if (/Conversations|Endpoints/.test(line)) table = line.trim();
    const conversation =
      /^(\S+)\s+<->\s+(\S+)\s+(\d+) (\d+) (bytes|kB|MB|GB)\s+(\d+) (\d+) (bytes|kB|MB|GB)\s+\d+ \d+ \S+\s+([\d.]+)/.exec(
        line,
      );
    if (conversation) {
      const [, a, b, framesBtoA, bytesBtoA, unitBtoA, framesAtoB, bytesAtoB, unitAtoB, start] =
        conversation;
      const protocol = table.startsWith("TCP") ? "tcp" : "udp";
      // tshark's "<-" columns come first: frames from B to A.
      reference.conversations.set(conversationKey(protocol, a!, b!, Number(start)), {
        framesAtoB: Number(framesAtoB),
        bytesAtoB: printed(bytesAtoB!, unitAtoB!),
        framesBtoA: Number(framesBtoA),
        bytesBtoA: printed(bytesBtoA!, unitBtoA!),
      });
      continue;
    }
    const endpoint = /^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
    if (endpoint && table.includes("Endpoints")) {
      const [packets, bytes, txPackets, txBytes, rxPackets, rxBytes] = endpoint
        .slice(2)
        .map(Number);
      reference.endpoints.set(endpoint[1]!, {
        packets: packets!,
        bytes: bytes!,
        txPackets: txPackets!,
        txBytes: txBytes!,
        rxPackets: rxPackets!,
        rxBytes: rxBytes!,
      });
    }
  }
}

/**
 * "tcp 10.0.0.1:40000 10.0.0.2:80 @0.5": a reused 4-tuple is one row per connection, told apart by
 * its start (seconds from the first packet, to the millisecond: both tools print more digits).
 */
export function conversationKey(protocol: string, a: string, b: string, start: number): string {
  return `${protocol} ${a} ${b} @${start.toFixed(3)}`;
}

function printed(value: string, unit: string): PrintedBytes {
  return { value: Number(value), unit: { bytes: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[unit] ?? NaN };
}

/** Whether an exact byte count prints as tshark printed it. */
export function printsAs(bytes: number, p: PrintedBytes): boolean {
  return Math.floor(bytes / p.unit) === p.value;
}

function capinfosTimes(file: string): Pick<TsharkReference, "firstTimeNs" | "lastTimeNs"> {
  const text = run("capinfos", ["-a", "-e", "-S", "-M", file]);
  const time = (label: string) => {
    const match = new RegExp(`${label}:\\s+(\\d+)(?:\\.(\\d+))?`).exec(text);
    return match
      ? BigInt(match[1]!) * 1_000_000_000n + BigInt((match[2] ?? "").padEnd(9, "0"))
      : null;
  };
  return { firstTimeNs: time("First packet time"), lastTimeNs: time("Last packet time") };
}

/** Our ISO timestamps as epoch nanoseconds, for exact comparison with capinfos. */
export function isoToEpochNs(iso: string): bigint {
  const match = /^(.*T\d\d:\d\d:\d\d)\.(\d+)Z$/.exec(iso);
  if (!match) throw new Error(`not an ISO timestamp with a fraction: ${iso}`);
  return (
    BigInt(Date.parse(`${match[1]}Z`) / 1000) * 1_000_000_000n + BigInt(match[2]!.padEnd(9, "0"))
  );
}
