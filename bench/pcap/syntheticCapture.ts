/**
 * Writes a large, plausible Ethernet/IPv4 pcap quickly: thousands of TCP flows with bulk data and
 * ACKs, SYNs, the odd RST, retransmission and zero window, plus DNS-like UDP and ICMP. Frames are
 * stamped in place over one template and flushed in big writes, so generating 1 GiB takes seconds.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { prng } from "../../test/pcap/support/fuzzCases";

const FLUSH_BYTES = 8 * 1024 * 1024;
const FLOWS = 5000;
const HOSTS = 800;
const MSS = 1460;

export interface GeneratedCapture {
  bytes: number;
  packets: number;
}

export function writeSyntheticCapture(
  path: string,
  targetBytes: number,
  seed = 1,
): GeneratedCapture {
  const random = prng(seed);
  const out = Buffer.alloc(FLUSH_BYTES + 2048);
  let used = 0;
  const fd = openSync(path, "w");
  let written = 0;
  let packets = 0;
  const flush = () => {
    writeSync(fd, out, 0, used);
    written += used;
    used = 0;
  };
  try {
    // pcap global header: microseconds, little-endian, Ethernet.
    used = out.writeUInt32LE(0xa1b2c3d4, 0);
    used = out.writeUInt16LE(2, used);
    used = out.writeUInt16LE(4, used);
    used = out.writeUInt32LE(0, used);
    used = out.writeUInt32LE(0, used);
    used = out.writeUInt32LE(262144, used);
    used = out.writeUInt32LE(1, used);
    const flows = Array.from({ length: FLOWS }, (_, i) => ({
      client: 0x0a000000 + Math.floor(random() * HOSTS),
      server: 0xac100000 + Math.floor(random() * (HOSTS / 8)),
      clientPort: 10000 + i,
      serverPort: [443, 80, 8080, 5432][i % 4]!,
      clientSeq: Math.floor(random() * 2 ** 32),
      serverSeq: Math.floor(random() * 2 ** 32),
    }));
    let micros = 1_700_000_000 * 1e6;
    while (written + used < targetBytes) {
      micros += Math.floor(random() * 40);
      const flow = flows[Math.floor(random() * FLOWS)]!;
      const roll = random();
      const frameStart = used + 16;
      // A segment of this flow, server→client or client→server: only seq, flags, window, length vary.
      const fromServer = (seq: number, flags: number, window: number, length: number) =>
        tcpFrame(
          out,
          frameStart,
          flow.server,
          flow.client,
          flow.serverPort,
          flow.clientPort,
          seq,
          flags,
          window,
          length,
        );
      const fromClient = (seq: number, flags: number, window: number, length: number) =>
        tcpFrame(
          out,
          frameStart,
          flow.client,
          flow.server,
          flow.clientPort,
          flow.serverPort,
          seq,
          flags,
          window,
          length,
        );
      let frameLength: number;
      if (roll < 0.55) {
        frameLength = fromServer(flow.serverSeq, 0x18, 65535, MSS);
        flow.serverSeq = (flow.serverSeq + MSS) >>> 0;
      } else if (roll < 0.9) {
        frameLength = fromClient(flow.clientSeq, 0x10, roll < 0.8995 ? 65535 : 0, 0);
      } else if (roll < 0.95) {
        const size = 100 + Math.floor(random() * 600);
        frameLength = fromClient(flow.clientSeq, 0x18, 65535, size);
        flow.clientSeq = (flow.clientSeq + size) >>> 0;
      } else if (roll < 0.955) {
        // A retransmission of the last full segment.
        frameLength = fromServer((flow.serverSeq - MSS) >>> 0, 0x18, 65535, MSS);
      } else if (roll < 0.96) {
        frameLength = tcpFrame(
          out,
          frameStart,
          flow.client,
          0xac1000fe,
          20000 + Math.floor(random() * 40000),
          22,
          1,
          0x02,
          65535,
          0,
        );
      } else if (roll < 0.962) {
        frameLength = fromServer(flow.serverSeq, 0x04, 0, 0);
      } else if (roll < 0.995) {
        frameLength = ipv4Frame(
          out,
          frameStart,
          flow.client,
          0x08080808,
          17,
          8 + 40 + Math.floor(random() * 200),
        );
        out.writeUInt16BE(flow.clientPort, frameStart + 34);
        out.writeUInt16BE(53, frameStart + 36);
      } else {
        frameLength = ipv4Frame(out, frameStart, flow.client, flow.server, 1, 64);
      }
      out.writeUInt32LE(Math.floor(micros / 1e6), used);
      out.writeUInt32LE(micros % 1e6, used + 4);
      out.writeUInt32LE(frameLength, used + 8);
      out.writeUInt32LE(frameLength, used + 12);
      used += 16 + frameLength;
      packets++;
      if (used >= FLUSH_BYTES) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return { bytes: written, packets };
}

/** Ethernet + IPv4 header for `payload` bytes of IP payload; returns the frame length (padded to 60). */
function ipv4Frame(
  out: Buffer,
  at: number,
  src: number,
  dst: number,
  protocol: number,
  payload: number,
): number {
  out.fill(0, at, at + 34);
  out.writeUInt16BE(0x0800, at + 12);
  out[at + 14] = 0x45;
  out.writeUInt16BE(20 + payload, at + 16);
  out[at + 22] = 64;
  out[at + 23] = protocol;
  out.writeUInt32BE(src >>> 0, at + 26);
  out.writeUInt32BE(dst >>> 0, at + 30);
  const length = 34 + payload;
  if (length < 60) out.fill(0, at + length, at + 60);
  return Math.max(60, length);
}

function tcpFrame(
  out: Buffer,
  at: number,
  src: number,
  dst: number,
  sport: number,
  dport: number,
  seq: number,
  flags: number,
  window: number,
  payload: number,
): number {
  const length = ipv4Frame(out, at, src, dst, 6, 20 + payload);
  const tcp = at + 34;
  out.writeUInt16BE(sport, tcp);
  out.writeUInt16BE(dport, tcp + 2);
  out.writeUInt32BE(seq >>> 0, tcp + 4);
  out.writeUInt32BE(0, tcp + 8);
  out[tcp + 12] = 0x50;
  out[tcp + 13] = flags;
  out.writeUInt16BE(window, tcp + 14);
  out.writeUInt32BE(0, tcp + 16);
  return length;
}
