/** Builds protocol headers for synthetic captures. Checksums are left zero: tshark does not verify them by default. */

export const EtherType = {
  mpls: 0x8847,
  pppoeSession: 0x8864,
  ipv4: 0x0800,
  arp: 0x0806,
  ipv6: 0x86dd,
  vlan: 0x8100,
  qinq: 0x88a8,
} as const;
export const TcpFlags = { fin: 0x01, syn: 0x02, rst: 0x04, psh: 0x08, ack: 0x10 } as const;

/** A network-layer packet plus what a link layer needs to carry it. */
export interface NetworkPacket {
  etherType: number;
  bytes: Buffer;
}

export function ipv4Address(text: string): Buffer {
  return Buffer.from(text.split(".").map(Number));
}

export function ipv6Address(text: string): Buffer {
  const [head = "", tail = ""] = text.includes("::") ? text.split("::") : [text, ""];
  const groups = (s: string) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const h = groups(head);
  const t = groups(tail);
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

export interface TcpSegment {
  sport: number;
  dport: number;
  seq: number;
  ack?: number;
  flags: number;
  window?: number;
  /** Raw option bytes, padded with end-of-list to a multiple of 4. */
  options?: Buffer;
  payload?: Buffer;
}

export function tcp(s: TcpSegment): Buffer {
  const options = s.options ?? Buffer.alloc(0);
  const header = Buffer.alloc(20 + Math.ceil(options.length / 4) * 4);
  options.copy(header, 20);
  header.writeUInt16BE(s.sport, 0);
  header.writeUInt16BE(s.dport, 2);
  header.writeUInt32BE(s.seq >>> 0, 4);
  header.writeUInt32BE((s.ack ?? 0) >>> 0, 8);
  header[12] = (header.length / 4) << 4;
  header[13] = s.flags;
  header.writeUInt16BE(s.window ?? 65535, 14);
  return Buffer.concat([header, s.payload ?? Buffer.alloc(0)]);
}

export function udp(sport: number, dport: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(sport, 0);
  header.writeUInt16BE(dport, 2);
  header.writeUInt16BE(8 + payload.length, 4);
  return Buffer.concat([header, payload]);
}

/** ICMP or ICMPv6 echo (request 8 / 128, reply 0 / 129). */
export function icmpEcho(type: number, id: number, sequence: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt16BE(id, 4);
  header.writeUInt16BE(sequence, 6);
  return Buffer.concat([header, payload]);
}

export interface Ipv4Options {
  src: string;
  dst: string;
  protocol: number;
  id?: number;
  /** In bytes; must be a multiple of 8. */
  fragmentOffset?: number;
  moreFragments?: boolean;
}

export function ipv4(o: Ipv4Options, payload: Buffer): NetworkPacket {
  const header = Buffer.alloc(20);
  header[0] = 0x45;
  header.writeUInt16BE(20 + payload.length, 2);
  header.writeUInt16BE(o.id ?? 1, 4);
  header.writeUInt16BE(((o.moreFragments ? 1 : 0) << 13) | ((o.fragmentOffset ?? 0) / 8), 6);
  header[8] = 64;
  header[9] = o.protocol;
  ipv4Address(o.src).copy(header, 12);
  ipv4Address(o.dst).copy(header, 16);
  header.writeUInt16BE(internetChecksum(header), 10);
  return { etherType: EtherType.ipv4, bytes: Buffer.concat([header, payload]) };
}

export interface Ipv6Options {
  src: string;
  dst: string;
  nextHeader: number;
  /** Extension headers before the payload, outermost first; each gets the following header's number. */
  extensions?: { type: number; body: Buffer }[];
}

/** Extension bodies are padded to 8-byte multiples (6 bytes + n·8 after the next-header and length bytes). */
export function ipv6(o: Ipv6Options, payload: Buffer): NetworkPacket {
  const extensions = o.extensions ?? [];
  const chain = extensions.map((e, i) => {
    const next = i + 1 < extensions.length ? extensions[i + 1]!.type : o.nextHeader;
    const length = Math.ceil((e.body.length + 2) / 8) * 8;
    const out = Buffer.alloc(length);
    out[0] = next;
    out[1] = length / 8 - 1;
    e.body.copy(out, 2);
    return out;
  });
  const rest = Buffer.concat([...chain, payload]);
  const header = Buffer.alloc(40);
  header[0] = 0x60;
  header.writeUInt16BE(rest.length, 4);
  header[6] = extensions[0]?.type ?? o.nextHeader;
  header[7] = 64;
  ipv6Address(o.src).copy(header, 8);
  ipv6Address(o.dst).copy(header, 24);
  return { etherType: EtherType.ipv6, bytes: Buffer.concat([header, rest]) };
}

export function arpRequest(senderIp: string, targetIp: string): NetworkPacket {
  const body = Buffer.alloc(28);
  body.writeUInt16BE(1, 0);
  body.writeUInt16BE(0x0800, 2);
  body[4] = 6;
  body[5] = 4;
  body.writeUInt16BE(1, 6);
  Buffer.from([2, 0, 0, 0, 0, 1]).copy(body, 8);
  ipv4Address(senderIp).copy(body, 14);
  ipv4Address(targetIp).copy(body, 24);
  return { etherType: EtherType.arp, bytes: body };
}

const MAC_A = Buffer.from([2, 0, 0, 0, 0, 1]);
const MAC_B = Buffer.from([2, 0, 0, 0, 0, 2]);

/** Ethernet II with optional VLAN tags (outermost first; QinQ uses 0x88a8 for the outer tag). */
export function ethernet(p: NetworkPacket, vlanIds: number[] = []): Buffer {
  const tags = vlanIds.flatMap((id, i) => [
    u16(i === 0 && vlanIds.length > 1 ? EtherType.qinq : EtherType.vlan),
    u16(id),
  ]);
  const frame = Buffer.concat([MAC_B, MAC_A, ...tags, u16(p.etherType), p.bytes]);
  // Real Ethernet pads to 60 bytes (without FCS); the IP total length says where the packet ends.
  return frame.length < 60 ? Buffer.concat([frame, Buffer.alloc(60 - frame.length)]) : frame;
}

/** An IP packet in a PPPoE session (RFC 2516 header, then the PPP protocol number). */
export function pppoe(p: NetworkPacket, sessionId = 0x1234): NetworkPacket {
  const header = Buffer.alloc(8);
  header[0] = 0x11;
  header.writeUInt16BE(sessionId, 2);
  header.writeUInt16BE(p.bytes.length + 2, 4);
  header.writeUInt16BE(p.etherType === EtherType.ipv6 ? 0x0057 : 0x0021, 6);
  return { etherType: EtherType.pppoeSession, bytes: Buffer.concat([header, p.bytes]) };
}

/** An IP packet under an MPLS label stack, outermost label first. */
export function mpls(p: NetworkPacket, labels: number[]): NetworkPacket {
  const stack = Buffer.alloc(labels.length * 4);
  labels.forEach((label, i) => {
    const bottom = i === labels.length - 1 ? 0x100 : 0;
    stack.writeUInt32BE(((label << 12) | bottom | 64) >>> 0, i * 4);
  });
  return { etherType: EtherType.mpls, bytes: Buffer.concat([stack, p.bytes]) };
}

/** BSD loopback header: the address family, little-endian (null, 0) or big-endian (loop, 108). */
export function loopback(p: NetworkPacket, bigEndian: boolean, inet6Family: number): Buffer {
  const header = Buffer.alloc(4);
  const family = p.etherType === EtherType.ipv6 ? inet6Family : 2;
  if (bigEndian) header.writeUInt32BE(family);
  else header.writeUInt32LE(family);
  return Buffer.concat([header, p.bytes]);
}

function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value);
  return b;
}

/** Linux cooked capture v1 (LINKTYPE_LINUX_SLL, 113), as `tcpdump -i any` wrote before libpcap 1.10. */
export function linuxSll(p: NetworkPacket, outgoing = false): Buffer {
  const header = Buffer.alloc(16);
  header.writeUInt16BE(outgoing ? 4 : 0, 0);
  header.writeUInt16BE(1, 2);
  header.writeUInt16BE(6, 4);
  MAC_A.copy(header, 6);
  header.writeUInt16BE(p.etherType, 14);
  return Buffer.concat([header, p.bytes]);
}

/** Linux cooked capture v2 (LINKTYPE_LINUX_SLL2, 276). */
export function linuxSll2(p: NetworkPacket, outgoing = false): Buffer {
  const header = Buffer.alloc(20);
  header.writeUInt16BE(p.etherType, 0);
  header.writeUInt32BE(2, 4);
  header.writeUInt16BE(1, 8);
  header[10] = outgoing ? 4 : 0;
  header[11] = 6;
  MAC_A.copy(header, 12);
  return Buffer.concat([header, p.bytes]);
}

function internetChecksum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) sum += b.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
