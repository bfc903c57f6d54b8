/** Every container, byte order, timestamp resolution and link type the reader supports, over the same known traffic. */
import { type CapturedPacket, writePcap, writePcapng } from "./captureWriter";
import { EtherType, mpls, pppoe } from "./packetBuilder";
import { frameFor, LinkTypes, mixedTraffic, type ScenarioPacket, tcpEdgeCases } from "./scenarios";

export interface CaptureVariant {
  name: string;
  bytes: Buffer;
  /** What the summary should warn about; none for the well-formed variants. */
  warnings?: string[];
  /**
   * tshark leaves frames whose TCP options were cut out of its conversation tables (the dissector
   * stops at the cut before the tap sees them); we keep them. Such a variant's conversations and TCP
   * health must instead equal those of the uncut variant named here.
   */
  uncut?: string;
}

function framed(
  linkType: number,
  traffic: ScenarioPacket[],
  interfaceId?: number,
): CapturedPacket[] {
  return traffic.flatMap((p) => {
    const data = frameFor(linkType, p);
    return data
      ? [{ timeNs: p.timeNs, data, ...(interfaceId === undefined ? {} : { interfaceId }) }]
      : [];
  });
}

/** IP packets alternately in PPPoE and under one or two MPLS labels (VLAN tags kept outside); ARP as it was. */
function encapsulated(traffic: ScenarioPacket[]): ScenarioPacket[] {
  return traffic.map((p, i) => {
    const isIp = p.packet.etherType === EtherType.ipv4 || p.packet.etherType === EtherType.ipv6;
    if (!isIp) return p;
    const packet = i % 2 === 0 ? pppoe(p.packet) : mpls(p.packet, i % 3 === 0 ? [16, 17] : [18]);
    return { ...p, packet };
  });
}

function byTime(a: CapturedPacket, b: CapturedPacket): number {
  return a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0;
}

const EDGE_CASES = "pcap ethernet TCP reordering, a late retransmission and port reuse";

export function captureVariants(): CaptureVariant[] {
  const traffic = mixedTraffic();
  const pcap = (
    name: string,
    linkType: number,
    nanosecond: boolean,
    bigEndian: boolean,
  ): CaptureVariant => ({
    name,
    bytes: writePcap(framed(linkType, traffic), { linkType, nanosecond, bigEndian }),
  });
  // Three interfaces with different link types and resolutions, their packets interleaved in time.
  const later = mixedTraffic(1_700_000_100_000_000_000n, 1);
  const interleaved = [
    ...framed(LinkTypes.ethernet, traffic, 0),
    ...framed(LinkTypes.linuxSll2, later, 1),
    ...framed(LinkTypes.rawIp, mixedTraffic(1_700_000_000_500_000_000n, 2), 2),
  ].sort(byTime);
  const interfaces = [
    { linkType: LinkTypes.ethernet, tsresol: 9 },
    { linkType: LinkTypes.linuxSll2 },
    { linkType: LinkTypes.rawIp, tsresol: 0x80 | 20 },
  ];
  // Cuts every payload but no header (IPv6 + destination options + TCP needs 82 bytes).
  const snapLength = 96;
  const edge = framed(LinkTypes.ethernet, tcpEdgeCases());
  // 64 bytes keep Ethernet, IPv4 and the fixed TCP header, and cut every SYN's options short.
  const tiny = 64;
  const snapped = (packets: CapturedPacket[], at: number) =>
    packets.map((p) => ({ ...p, data: p.data.subarray(0, at), originalLength: p.data.length }));
  const cut = snapped(framed(LinkTypes.ethernet, traffic), snapLength);
  return [
    pcap("pcap ethernet µs little-endian", LinkTypes.ethernet, false, false),
    pcap("pcap ethernet ns big-endian", LinkTypes.ethernet, true, true),
    pcap("pcap linux-sll µs big-endian", LinkTypes.linuxSll, false, true),
    pcap("pcap linux-sll2 ns little-endian", LinkTypes.linuxSll2, true, false),
    pcap("pcap raw-ip (101) µs little-endian", LinkTypes.rawIp, false, false),
    pcap("pcap ipv4 (228) ns big-endian", LinkTypes.ipv4, true, true),
    pcap("pcap ipv6 (229) µs little-endian", LinkTypes.ipv6, false, false),
    pcap("pcap BSD loopback (0) µs little-endian", LinkTypes.null, false, false),
    pcap("pcap BSD loopback (0) ns big-endian", LinkTypes.null, true, true),
    pcap("pcap OpenBSD loopback (108) µs little-endian", LinkTypes.loop, false, false),
    pcap("pcap raw IP (12) µs big-endian", LinkTypes.rawIpBsd, false, true),
    pcap("pcap raw IP (14) ns little-endian", LinkTypes.rawIpOpenBsd, true, false),
    {
      name: "pcap ethernet PPPoE session and MPLS label stacks",
      bytes: writePcap(framed(LinkTypes.ethernet, encapsulated(traffic)), {
        linkType: LinkTypes.ethernet,
      }),
    },
    { name: "pcapng three interfaces little-endian", bytes: writePcapng(interfaces, interleaved) },
    {
      name: "pcapng three interfaces big-endian",
      bytes: writePcapng(interfaces, interleaved, { bigEndian: true }),
    },
    {
      name: "pcapng two sections of opposite byte orders",
      bytes: Buffer.concat([
        writePcapng([{ linkType: LinkTypes.ethernet }], framed(LinkTypes.ethernet, traffic)),
        writePcapng([{ linkType: LinkTypes.rawIp, tsresol: 9 }], framed(LinkTypes.rawIp, later), {
          bigEndian: true,
        }),
      ]),
    },
    {
      name: "pcapng obsolete packet blocks and an if_tsoffset",
      bytes: writePcapng(
        [{ linkType: LinkTypes.linuxSll2, tsoffset: 1000n }],
        framed(LinkTypes.linuxSll2, traffic).map((p) => ({ ...p, obsolete: true })),
      ),
    },
    {
      name: EDGE_CASES,
      bytes: writePcap(edge, { linkType: LinkTypes.ethernet, nanosecond: true }),
    },
    {
      name: `pcap ethernet TCP edge cases cut to a ${tiny}-byte snap length`,
      uncut: EDGE_CASES,
      bytes: writePcap(snapped(edge, tiny), {
        linkType: LinkTypes.ethernet,
        nanosecond: true,
        snapLength: tiny,
      }),
    },
    {
      name: `pcap ethernet cut to a ${snapLength}-byte snap length`,
      bytes: writePcap(cut, { linkType: LinkTypes.ethernet, snapLength }),
    },
    {
      name: "pcapng linux-sll millisecond resolution big-endian",
      bytes: writePcapng(
        [{ linkType: LinkTypes.linuxSll, tsresol: 3 }],
        framed(LinkTypes.linuxSll, traffic),
        { bigEndian: true },
      ),
    },
  ];
}
