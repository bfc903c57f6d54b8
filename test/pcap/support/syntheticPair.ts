/**
 * Two ends of the bench's synthetic traffic (bench/pcap/syntheticCapture: thousands of TCP flows,
 * retransmissions, UDP, ICMP), deterministic from a seed: A sees every packet of the clients
 * (10.0.x.x), B only those to or from the first 16 servers (172.16.0.0/28), as a capture on their
 * subnet would; so each address leads in the capture taken at its end. The generator's timestamp is the
 * sending time; the receiver sees a packet 3–5 ms later, and B's clock runs 250 ms ahead. A known
 * share of packets is dropped on the path each way, so the comparison's loss counts are known; a
 * dropped TCP data segment is sent again 200 ms later and arrives.
 */
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeSyntheticCapture } from "../../../bench/pcap/syntheticCapture";
import { type CapturedPacket, writePcap } from "./captureWriter";
import { prng } from "./fuzzCases";

const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
/** 172.16.0.0/28: the servers whose traffic B holds (the generator's servers are 172.16.0.0/24). */
const inB = (address: number): boolean => address >>> 4 === 0xac100000 >>> 4;
const B_CLOCK_AHEAD_NS = 250_000_000n;
/** The generator packs ~50,000 packets a second; slowed down, the pair spans several matching windows. */
const SLOWER = 50n;
const RETRANSMIT_AFTER_NS = 200_000_000n;

export interface PairOptions {
  bytes: number;
  seed: number;
  /** Share of client → server packets lost on the path. */
  lossToServers: number;
  /** Share of server → client packets lost on the path. */
  lossToClients: number;
}

export interface SyntheticPair {
  a: Buffer;
  b: Buffer;
  /** TCP/UDP packets dropped on the path, per direction, in flows both captures hold. */
  droppedToServers: number;
  droppedToClients: number;
  /** Lost TCP data segments sent again (and delivered) 200 ms later. */
  retransmittedLost: number;
}

/** Builds both captures in memory (pcap, nanosecond timestamps, Ethernet). */
export function syntheticPair(dir: string, o: PairOptions): SyntheticPair {
  const source = join(dir, `synthetic-${o.seed}.pcap`);
  writeSyntheticCapture(source, o.bytes, o.seed);
  const file = readFileSync(source);
  rmSync(source);
  const random = prng(o.seed ^ 0x5eed);
  // Linux numbers IPv4 IDs per sender; the generator leaves them 0. UDP keeps 0 (unconnected, DF).
  const nextId = new Map<number, number>();
  const a: CapturedPacket[] = [];
  const b: CapturedPacket[] = [];
  // Only drops in flows both captures hold can be found: a flow whose every packet was lost is in one capture.
  const flows = new Map<
    string,
    { inA: boolean; inB: boolean; toServers: number; toClients: number }
  >();
  const timeAt = (at: number): bigint =>
    BigInt(file.readUInt32LE(at)) * 1_000_000_000n + BigInt(file.readUInt32LE(at + 4)) * 1000n;
  const t0 = timeAt(GLOBAL_HEADER);
  let retransmittedLost = 0;
  for (let at = GLOBAL_HEADER; at + RECORD_HEADER <= file.length;) {
    const sentNs = t0 + (timeAt(at) - t0) * SLOWER;
    const length = file.readUInt32LE(at + 8);
    const data = Buffer.from(file.subarray(at + RECORD_HEADER, at + RECORD_HEADER + length));
    at += RECORD_HEADER + length;
    const src = data.readUInt32BE(26);
    const dst = data.readUInt32BE(30);
    const protocol = data[23]!;
    if (protocol !== 17) {
      const id = nextId.get(src) ?? 0;
      data.writeUInt16BE(id, 18);
      nextId.set(src, (id + 1) & 0xffff);
    }
    const fromServer = inB(src);
    if (!fromServer && !inB(dst)) {
      a.push({ timeNs: sentNs, data });
      continue;
    }
    const transitNs = BigInt(3_000_000 + Math.floor(random() * 2_000_000));
    const lost = random() < (fromServer ? o.lossToClients : o.lossToServers);
    const sentAt = fromServer
      ? { to: b, timeNs: sentNs + B_CLOCK_AHEAD_NS }
      : { to: a, timeNs: sentNs };
    const receivedAt = fromServer
      ? { to: a, timeNs: sentNs + transitNs }
      : { to: b, timeNs: sentNs + transitNs + B_CLOCK_AHEAD_NS };
    sentAt.to.push({ timeNs: sentAt.timeNs, data });
    if (!lost) receivedAt.to.push({ timeNs: receivedAt.timeNs, data });
    const resend = lost && protocol === 6 && data.readUInt16BE(16) > 40;
    if (resend) {
      // TCP sends a lost data segment again (a new IP ID), and this time it arrives.
      const again = Buffer.from(data);
      const id = nextId.get(src) ?? 0;
      again.writeUInt16BE(id, 18);
      nextId.set(src, (id + 1) & 0xffff);
      sentAt.to.push({ timeNs: sentAt.timeNs + RETRANSMIT_AFTER_NS, data: again });
      receivedAt.to.push({ timeNs: receivedAt.timeNs + RETRANSMIT_AFTER_NS, data: again });
      retransmittedLost++;
    }
    if (protocol !== 6 && protocol !== 17) continue;
    const ends = [`${src}:${data.readUInt16BE(34)}`, `${dst}:${data.readUInt16BE(36)}`].sort();
    const key = `${protocol} ${ends.join(" ")}`;
    const flow = flows.get(key) ?? { inA: false, inB: false, toServers: 0, toClients: 0 };
    flows.set(key, flow);
    flow.inA ||= !fromServer || !lost || resend;
    flow.inB ||= fromServer || !lost || resend;
    if (lost && fromServer) flow.toClients++;
    else if (lost) flow.toServers++;
  }
  const compared = [...flows.values()].filter((f) => f.inA && f.inB);
  const byTime = (x: CapturedPacket, y: CapturedPacket): number =>
    x.timeNs < y.timeNs ? -1 : x.timeNs > y.timeNs ? 1 : 0;
  const options = { linkType: 1, nanosecond: true };
  return {
    a: writePcap(a.sort(byTime), options),
    b: writePcap(b.sort(byTime), options),
    droppedToServers: compared.reduce((n, f) => n + f.toServers, 0),
    droppedToClients: compared.reduce((n, f) => n + f.toClients, 0),
    retransmittedLost,
  };
}
