import type { ProtocolName } from "./types";

/** Protocol layers counted per frame; a frame's layers are a bit mask over these indices. */
export const PROTOCOL_NAMES: readonly ProtocolName[] = [
  "ethernet",
  "linux-sll",
  "linux-sll2",
  "raw-ip",
  "vlan",
  "arp",
  "ipv4",
  "ipv6",
  "ip-fragment",
  "tcp",
  "udp",
  "icmp",
  "icmpv6",
  "other-ip",
  "other-network",
  "unsupported-link",
  "loopback",
  "pppoe",
  "mpls",
];

export const Layer = {
  ethernet: 1 << 0,
  linuxSll: 1 << 1,
  linuxSll2: 1 << 2,
  rawIp: 1 << 3,
  vlan: 1 << 4,
  arp: 1 << 5,
  ipv4: 1 << 6,
  ipv6: 1 << 7,
  ipFragment: 1 << 8,
  tcp: 1 << 9,
  udp: 1 << 10,
  icmp: 1 << 11,
  icmpv6: 1 << 12,
  otherIp: 1 << 13,
  otherNetwork: 1 << 14,
  unsupportedLink: 1 << 15,
  loopback: 1 << 16,
  pppoe: 1 << 17,
  mpls: 1 << 18,
} as const;

export const IpProtocol = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58 } as const;

export function ipProtocolName(protocol: number): string {
  switch (protocol) {
    case IpProtocol.tcp:
      return "tcp";
    case IpProtocol.udp:
      return "udp";
    case IpProtocol.icmp:
      return "icmp";
    case IpProtocol.icmpv6:
      return "icmpv6";
    default:
      return `ip-proto-${protocol}`;
  }
}
