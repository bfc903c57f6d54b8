import type { Diagnostics } from "./diagnostics";
import { IpProtocol, Layer } from "./protocols";

export const LinkType = {
  /** BSD loopback: a 4-byte address family in the writer's byte order. */
  null: 0,
  ethernet: 1,
  /** DLT_RAW as most BSDs and Linux number it; in a pcap file 12 means raw IP to tshark and libpcap. */
  rawIpBsd: 12,
  /** DLT_RAW as OpenBSD numbers it. */
  rawIpOpenBsd: 14,
  /** OpenBSD loopback: like null, in network byte order. */
  loop: 108,
  rawIp: 101,
  linuxSll: 113,
  ipv4: 228,
  ipv6: 229,
  linuxSll2: 276,
} as const;

const EtherType = {
  ipv4: 0x0800,
  arp: 0x0806,
  ipv6: 0x86dd,
  vlan: 0x8100,
  qinq: 0x88a8,
  qinqLegacy: 0x9100,
  mplsUnicast: 0x8847,
  mplsMulticast: 0x8848,
  pppoeSession: 0x8864,
} as const;
const PppProtocol = { ipv4: 0x0021, ipv6: 0x0057 } as const;
/** Address families that mean IPv4 / IPv6 in a loopback header: AF_INET, and AF_INET6 on Linux, Windows, NetBSD/OpenBSD, FreeBSD and Darwin. */
const AF_INET = 2;
const AF_INET6 = new Set([10, 23, 24, 28, 30]);
const MAX_MPLS_LABELS = 16;
const MAX_VLAN_TAGS = 8;
const MAX_IPV6_EXTENSION_HEADERS = 16;

/**
 * Decodes link, network and transport headers of one packet into its own fields, which every call
 * overwrites: nothing is allocated per packet. Header lengths in the packet are believed only as far
 * as the captured bytes go; anything that points past them is a noted problem, never an exception.
 */
export class PacketDecoder {
  /** Bit mask of `Layer`s present in the frame. */
  layers = 0;
  /** 4 or 6 when an IP header was decoded, else 0. */
  ipVersion = 0;
  /** Addresses as big-endian 32-bit words; IPv4 uses word 0 only. */
  readonly source = new Int32Array(4);
  readonly destination = new Int32Array(4);
  ipProtocol = -1;
  /** Whether the transport header was read: false for truncated headers and for non-first IP fragments. */
  hasTransport = false;
  sourcePort = 0;
  destinationPort = 0;
  tcpFlags = 0;
  tcpSequence = 0;
  tcpWindow = 0;
  tcpPayloadLength = 0;

  constructor(private readonly diagnostics: Diagnostics) {}

  decode(
    linkType: number,
    buf: Buffer,
    offset: number,
    capturedLength: number,
    originalLength: number,
  ): void {
    this.layers = 0;
    this.ipVersion = 0;
    this.ipProtocol = -1;
    this.hasTransport = false;
    const end = offset + capturedLength;
    // Where the packet really ended on the wire: lengths computed from headers may not go beyond it.
    const reportedEnd = offset + Math.max(originalLength, capturedLength);
    switch (linkType) {
      case LinkType.ethernet:
        this.layers |= Layer.ethernet;
        if (capturedLength < 14) return this.truncated("Ethernet");
        this.etherType(buf.readUInt16BE(offset + 12), buf, offset + 14, end, reportedEnd);
        return;
      case LinkType.linuxSll:
        this.layers |= Layer.linuxSll;
        if (capturedLength < 16) return this.truncated("Linux cooked (v1)");
        this.etherType(buf.readUInt16BE(offset + 14), buf, offset + 16, end, reportedEnd);
        return;
      case LinkType.linuxSll2:
        this.layers |= Layer.linuxSll2;
        if (capturedLength < 20) return this.truncated("Linux cooked (v2)");
        this.etherType(buf.readUInt16BE(offset), buf, offset + 20, end, reportedEnd);
        return;
      case LinkType.null:
      case LinkType.loop:
        this.layers |= Layer.loopback;
        if (capturedLength < 4) return this.truncated("loopback");
        this.loopback(
          linkType === LinkType.loop
            ? buf.readUInt32BE(offset)
            : hostOrder(buf.readUInt32LE(offset)),
          buf,
          offset + 4,
          end,
          reportedEnd,
        );
        return;
      case LinkType.rawIp:
      case LinkType.rawIpBsd:
      case LinkType.rawIpOpenBsd:
        this.layers |= Layer.rawIp;
        if (capturedLength < 1) return this.truncated("raw IP");
        this.ip(buf[offset]! >> 4, buf, offset, end, reportedEnd);
        return;
      case LinkType.ipv4:
        this.layers |= Layer.rawIp;
        this.ip(4, buf, offset, end, reportedEnd);
        return;
      case LinkType.ipv6:
        this.layers |= Layer.rawIp;
        this.ip(6, buf, offset, end, reportedEnd);
        return;
      default:
        this.layers |= Layer.unsupportedLink;
    }
  }

  private etherType(type: number, buf: Buffer, at: number, end: number, reportedEnd: number): void {
    for (let tags = 0; isVlanTag(type); tags++) {
      if (tags === MAX_VLAN_TAGS || end - at < 4) return this.truncated("VLAN tag");
      this.layers |= Layer.vlan;
      type = buf.readUInt16BE(at + 2);
      at += 4;
    }
    if (type === EtherType.ipv4) this.ip(4, buf, at, end, reportedEnd);
    else if (type === EtherType.ipv6) this.ip(6, buf, at, end, reportedEnd);
    else if (type === EtherType.arp) this.layers |= Layer.arp;
    else if (type === EtherType.pppoeSession) this.pppoe(buf, at, end, reportedEnd);
    else if (type === EtherType.mplsUnicast || type === EtherType.mplsMulticast)
      this.mpls(buf, at, end, reportedEnd);
    else this.layers |= Layer.otherNetwork;
  }

  private loopback(
    family: number,
    buf: Buffer,
    at: number,
    end: number,
    reportedEnd: number,
  ): void {
    if (family === AF_INET) this.ip(4, buf, at, end, reportedEnd);
    else if (AF_INET6.has(family)) this.ip(6, buf, at, end, reportedEnd);
    else this.layers |= Layer.otherNetwork;
  }

  /** PPPoE session header (6 bytes), then the PPP protocol number (2). */
  private pppoe(buf: Buffer, at: number, end: number, reportedEnd: number): void {
    this.layers |= Layer.pppoe;
    if (end - at < 8) return this.truncated("PPPoE");
    const protocol = buf.readUInt16BE(at + 6);
    if (protocol === PppProtocol.ipv4) this.ip(4, buf, at + 8, end, reportedEnd);
    else if (protocol === PppProtocol.ipv6) this.ip(6, buf, at + 8, end, reportedEnd);
    else this.layers |= Layer.otherNetwork;
  }

  /** A label stack of 4-byte entries down to the bottom-of-stack bit; the payload's version nibble says IPv4 or IPv6. */
  private mpls(buf: Buffer, at: number, end: number, reportedEnd: number): void {
    this.layers |= Layer.mpls;
    for (let labels = 0; ; labels++) {
      if (labels === MAX_MPLS_LABELS || end - at < 4) return this.truncated("MPLS label stack");
      const bottom = buf[at + 2]! & 1;
      at += 4;
      if (bottom) break;
    }
    const version = end > at ? buf[at]! >> 4 : 0;
    if (version === 4 || version === 6) this.ip(version, buf, at, end, reportedEnd);
    else this.layers |= Layer.otherNetwork;
  }

  private ip(version: number, buf: Buffer, at: number, end: number, reportedEnd: number): void {
    if (version === 4) this.ipv4(buf, at, end, reportedEnd);
    else if (version === 6) this.ipv6(buf, at, end, reportedEnd);
    else if (end > at)
      this.diagnostics.note("IP packet with an unknown version", `version ${version}`);
    else this.truncated("IP");
  }

  private ipv4(buf: Buffer, at: number, end: number, reportedEnd: number): void {
    if (end - at < 20) return this.truncated("IPv4");
    const first = buf[at]!;
    const headerLength = (first & 0x0f) * 4;
    if (first >> 4 !== 4 || headerLength < 20) {
      this.diagnostics.note("malformed IPv4 header", `version/length byte 0x${first.toString(16)}`);
      return;
    }
    if (end - at < headerLength) return this.truncated("IPv4 options");
    this.layers |= Layer.ipv4;
    this.ipVersion = 4;
    this.source[0] = buf.readInt32BE(at + 12);
    this.destination[0] = buf.readInt32BE(at + 16);
    for (let i = 1; i < 4; i++) this.source[i] = this.destination[i] = 0;
    this.ipProtocol = buf[at + 9]!;
    const totalLength = buf.readUInt16BE(at + 2);
    if (totalLength !== 0 && totalLength < headerLength) {
      this.diagnostics.note("IPv4 total length shorter than its header", `${totalLength} bytes`);
      return;
    }
    // Zero is what TCP segmentation offload leaves in captures taken before the NIC fills it in.
    const ipEnd = totalLength === 0 ? reportedEnd : Math.min(at + totalLength, reportedEnd);
    const fragment = buf.readUInt16BE(at + 6);
    if (fragment & 0x3fff) this.layers |= Layer.ipFragment;
    // Fragments are counted, not reassembled: only the first one carries the transport header.
    if ((fragment & 0x1fff) === 0)
      this.transport(this.ipProtocol, buf, at + headerLength, end, ipEnd);
  }

  private ipv6(buf: Buffer, at: number, end: number, reportedEnd: number): void {
    if (end - at < 40) return this.truncated("IPv6");
    if (buf[at]! >> 4 !== 6) {
      this.diagnostics.note("malformed IPv6 header", `version ${buf[at]! >> 4}`);
      return;
    }
    this.layers |= Layer.ipv6;
    this.ipVersion = 6;
    for (let i = 0; i < 4; i++) {
      this.source[i] = buf.readInt32BE(at + 8 + 4 * i);
      this.destination[i] = buf.readInt32BE(at + 24 + 4 * i);
    }
    const payloadLength = buf.readUInt16BE(at + 4);
    // Zero is a jumbogram (or offloaded segment): the frame itself says how long it is.
    const ipEnd =
      payloadLength === 0 ? reportedEnd : Math.min(at + 40 + payloadLength, reportedEnd);
    let next = buf[at + 6]!;
    at += 40;
    for (let headers = 0; headers < MAX_IPV6_EXTENSION_HEADERS; headers++) {
      this.ipProtocol = next;
      const extensionLength = this.ipv6ExtensionLength(next, buf, at, end);
      if (extensionLength === 0) {
        this.transport(next, buf, at, end, ipEnd);
        return;
      }
      if (extensionLength < 0) return;
      next = buf[at]!;
      if (this.ipProtocol === 44) {
        this.layers |= Layer.ipFragment;
        if ((buf.readUInt16BE(at + 2) & 0xfff8) !== 0) {
          this.ipProtocol = next;
          return;
        }
      }
      at += extensionLength;
    }
    this.diagnostics.note("IPv6 extension header chain too long");
  }

  /** Length of the extension header at `at`, 0 if `next` is not one, -1 if it does not fit in the capture. */
  private ipv6ExtensionLength(next: number, buf: Buffer, at: number, end: number): number {
    let length: number;
    switch (next) {
      case 0: // hop-by-hop options
      case 43: // routing
      case 60: // destination options
      case 135: // mobility
      case 139: // HIP
      case 140: // shim6
        if (end - at < 2) break;
        length = (buf[at + 1]! + 1) * 8;
        if (end - at >= length) return length;
        break;
      case 44: // fragment
        if (end - at >= 8) return 8;
        break;
      case 51: // authentication header
        if (end - at < 2) break;
        length = (buf[at + 1]! + 2) * 4;
        if (end - at >= length) return length;
        break;
      default:
        return 0;
    }
    this.truncated("IPv6 extension header");
    return -1;
  }

  private transport(protocol: number, buf: Buffer, at: number, end: number, ipEnd: number): void {
    const available = end - at;
    switch (protocol) {
      case IpProtocol.tcp: {
        if (available < 20) return this.truncated("TCP");
        const headerLength = (buf[at + 12]! >> 4) * 4;
        if (headerLength < 20) {
          this.diagnostics.note("malformed TCP header", `data offset ${headerLength} bytes`);
          return;
        }
        // Options are not needed: at short snap lengths they are routinely cut, and the fixed header
        // plus the IP length still give ports, flags, sequence, window and payload length.
        this.layers |= Layer.tcp;
        this.ports(buf, at);
        this.tcpSequence = buf.readUInt32BE(at + 4);
        this.tcpFlags = buf[at + 13]!;
        this.tcpWindow = buf.readUInt16BE(at + 14);
        this.tcpPayloadLength = Math.max(0, ipEnd - at - headerLength);
        break;
      }
      case IpProtocol.udp:
        if (available < 8) return this.truncated("UDP");
        this.layers |= Layer.udp;
        this.ports(buf, at);
        break;
      case IpProtocol.icmp:
      case IpProtocol.icmpv6:
        if (available < 4) return this.truncated(protocol === IpProtocol.icmp ? "ICMP" : "ICMPv6");
        this.layers |= protocol === IpProtocol.icmp ? Layer.icmp : Layer.icmpv6;
        this.sourcePort = this.destinationPort = 0;
        break;
      default:
        this.layers |= Layer.otherIp;
        this.sourcePort = this.destinationPort = 0;
    }
    this.hasTransport = true;
  }

  private ports(buf: Buffer, at: number): void {
    this.sourcePort = buf.readUInt16BE(at);
    this.destinationPort = buf.readUInt16BE(at + 2);
  }

  private truncated(header: string): void {
    this.diagnostics.note(`${header} header cut short by the capture length`);
  }
}

/** A null header is in the writer's byte order: a family (< 65536) read the other way has zero low bits. */
function hostOrder(littleEndian: number): number {
  return (littleEndian & 0xffff0000) !== 0 && (littleEndian & 0xffff) === 0
    ? ((littleEndian >>> 24) | ((littleEndian >>> 8) & 0xff00)) >>> 0
    : littleEndian;
}

function isVlanTag(type: number): boolean {
  return type === EtherType.vlan || type === EtherType.qinq || type === EtherType.qinqLegacy;
}
