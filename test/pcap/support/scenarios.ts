/** Known traffic for the correctness tests, and how each link type frames it. */
import {
  arpRequest,
  ethernet,
  icmpEcho,
  ipv4,
  ipv6,
  linuxSll,
  linuxSll2,
  loopback,
  type NetworkPacket,
  tcp,
  TcpFlags,
  type TcpSegment,
  udp,
} from "./packetBuilder";

export interface ScenarioPacket {
  timeNs: bigint;
  packet: NetworkPacket;
  vlanIds?: number[];
}

const { syn, ack, psh, fin, rst } = TcpFlags;
const TCP = 6;
const UDP = 17;
const ICMP = 1;
const ICMPV6 = 58;
const DESTINATION_OPTIONS = 60;
const HOP_BY_HOP = 0;

/** A payload of `n` bytes whose content says where it came from. */
function payload(n: number, seed: number): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => (seed + i) & 0xff));
}

/**
 * Handshakes with data both ways and a FIN exchange, a retransmitted segment, a zero-window
 * advertisement, an unanswered SYN with retries, a refused SYN (RST), UDP (also fragmented),
 * ICMP and ICMPv6 echo, IPv6 with extension headers, ARP, and VLAN / QinQ tags on some flows.
 * `net` varies the addresses (10.net.0.x, 2001:db8:net::x) so that several copies stay distinct flows.
 */
export function mixedTraffic(startNs = 1_700_000_000_123_456_789n, net = 0): ScenarioPacket[] {
  const out: ScenarioPacket[] = [];
  let clock = startNs;
  const at = (gapMs: number) => (clock += BigInt(Math.round(gapMs * 1e6)));
  const add = (gapMs: number, packet: NetworkPacket, vlanIds?: number[]) =>
    out.push({ timeNs: at(gapMs), packet, ...(vlanIds ? { vlanIds } : {}) });

  const v4 = (
    src: string,
    dst: string,
    protocol: number,
    body: Buffer,
    extra: Partial<Parameters<typeof ipv4>[0]> = {},
  ) => ipv4({ src, dst, protocol, ...extra }, body);

  // 1. A web-ish exchange with a retransmission and a zero window.
  const c = `10.${net}.0.1`;
  const s = `10.${net}.0.2`;
  const cs = 40000;
  add(0, v4(c, s, TCP, tcp({ sport: cs, dport: 80, seq: 1000, flags: syn })));
  add(1, v4(s, c, TCP, tcp({ sport: 80, dport: cs, seq: 5000, ack: 1001, flags: syn | ack })));
  add(1, v4(c, s, TCP, tcp({ sport: cs, dport: 80, seq: 1001, ack: 5001, flags: ack })));
  add(
    1,
    v4(
      c,
      s,
      TCP,
      tcp({
        sport: cs,
        dport: 80,
        seq: 1001,
        ack: 5001,
        flags: psh | ack,
        payload: payload(300, 1),
      }),
    ),
  );
  add(
    1,
    v4(
      s,
      c,
      TCP,
      tcp({
        sport: 80,
        dport: cs,
        seq: 5001,
        ack: 1301,
        flags: psh | ack,
        payload: payload(1200, 2),
      }),
    ),
  );
  add(
    1,
    v4(
      s,
      c,
      TCP,
      tcp({
        sport: 80,
        dport: cs,
        seq: 6201,
        ack: 1301,
        flags: psh | ack,
        payload: payload(800, 3),
      }),
    ),
  );
  add(
    300,
    v4(
      s,
      c,
      TCP,
      tcp({
        sport: 80,
        dport: cs,
        seq: 6201,
        ack: 1301,
        flags: psh | ack,
        payload: payload(800, 3),
      }),
    ),
  );
  add(1, v4(c, s, TCP, tcp({ sport: cs, dport: 80, seq: 1301, ack: 7001, flags: ack, window: 0 })));
  add(
    200,
    v4(c, s, TCP, tcp({ sport: cs, dport: 80, seq: 1301, ack: 7001, flags: ack, window: 8192 })),
  );
  add(1, v4(c, s, TCP, tcp({ sport: cs, dport: 80, seq: 1301, ack: 7001, flags: fin | ack })));
  add(1, v4(s, c, TCP, tcp({ sport: 80, dport: cs, seq: 7001, ack: 1302, flags: fin | ack })));
  add(1, v4(c, s, TCP, tcp({ sport: cs, dport: 80, seq: 1302, ack: 7002, flags: ack })));

  // 2. A SYN nobody answers, retried twice; 3. a SYN refused with a RST.
  for (const gap of [5, 1000, 2000])
    add(gap, v4(c, `10.${net}.0.3`, TCP, tcp({ sport: 40001, dport: 443, seq: 777, flags: syn })));
  add(3, v4(c, s, TCP, tcp({ sport: 40002, dport: 81, seq: 9000, flags: syn })));
  add(
    1,
    v4(s, c, TCP, tcp({ sport: 81, dport: 40002, seq: 0, ack: 9001, flags: rst | ack, window: 0 })),
  );

  // 4. UDP on a VLAN, and a UDP datagram in two IPv4 fragments.
  add(2, v4(c, `10.${net}.0.4`, UDP, udp(5353, 9999, payload(40, 4))), [100]);
  add(1, v4(`10.${net}.0.4`, c, UDP, udp(9999, 5353, payload(120, 5))), [100]);
  const datagram = udp(6000, 7000, payload(1600, 6));
  add(
    2,
    v4(c, `10.${net}.0.5`, UDP, datagram.subarray(0, 1480), { id: 4242, moreFragments: true }),
  );
  add(
    0.1,
    v4(c, `10.${net}.0.5`, UDP, datagram.subarray(1480), { id: 4242, fragmentOffset: 1480 }),
  );

  // 5. ICMP echo in QinQ.
  add(2, v4(c, s, ICMP, icmpEcho(8, 7, 1, payload(56, 7))), [200, 300]);
  add(1, v4(s, c, ICMP, icmpEcho(0, 7, 1, payload(56, 7))), [200, 300]);

  // 6. IPv6: TCP with a destination-options header, UDP with hop-by-hop, ICMPv6 echo.
  const c6 = `2001:db8:${net}::1`;
  const s6 = `2001:db8:${net}::2`;
  const destOpts = [{ type: DESTINATION_OPTIONS, body: Buffer.alloc(6) }];
  add(
    3,
    ipv6(
      { src: c6, dst: s6, nextHeader: TCP, extensions: destOpts },
      tcp({ sport: 50000, dport: 22, seq: 1, flags: syn }),
    ),
  );
  add(
    1,
    ipv6(
      { src: s6, dst: c6, nextHeader: TCP },
      tcp({ sport: 22, dport: 50000, seq: 100, ack: 2, flags: syn | ack }),
    ),
  );
  add(
    1,
    ipv6(
      { src: c6, dst: s6, nextHeader: TCP, extensions: destOpts },
      tcp({ sport: 50000, dport: 22, seq: 2, ack: 101, flags: ack | psh, payload: payload(64, 8) }),
    ),
  );
  add(
    1,
    ipv6(
      { src: s6, dst: c6, nextHeader: TCP },
      tcp({
        sport: 22,
        dport: 50000,
        seq: 101,
        ack: 66,
        flags: ack | psh,
        payload: payload(500, 9),
      }),
    ),
  );
  add(
    1,
    ipv6(
      {
        src: c6,
        dst: "ff02::fb",
        nextHeader: UDP,
        extensions: [{ type: HOP_BY_HOP, body: Buffer.alloc(6) }],
      },
      udp(5353, 5353, payload(30, 10)),
    ),
  );
  add(1, ipv6({ src: c6, dst: s6, nextHeader: ICMPV6 }, icmpEcho(128, 9, 1, payload(32, 11))));
  add(1, ipv6({ src: s6, dst: c6, nextHeader: ICMPV6 }, icmpEcho(129, 9, 1, payload(32, 11))));

  // 7. ARP.
  add(1, arpRequest(c, `10.${net}.0.254`));
  return out;
}

/** MSS 1460, SACK permitted, timestamps, window scale 7: what a Linux SYN carries (20 option bytes). */
const SYN_OPTIONS = Buffer.from([
  2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7,
]);

/**
 * TCP cases the mixed traffic lacks, each as tshark sees it: SYNs with options (a 64-byte snap cuts
 * them), a segment overtaken by the next one and arriving 0.5 ms later (out of order: tshark's
 * threshold is the handshake's RTT), a late retransmission, and the same 4-tuple reused after FINs
 * with a fresh ISN (a second conversation).
 */
export function tcpEdgeCases(startNs = 1_700_000_200_000_000_000n): ScenarioPacket[] {
  const out: ScenarioPacket[] = [];
  let clock = startNs;
  const c = "10.9.0.1";
  const s = "10.9.0.2";
  const send = (
    gapMs: number,
    fromClient: boolean,
    segment: Omit<TcpSegment, "sport" | "dport">,
  ) => {
    clock += BigInt(Math.round(gapMs * 1e6));
    const [src, dst, sport, dport] = fromClient ? [c, s, 41000, 8080] : [s, c, 8080, 41000];
    out.push({
      timeNs: clock,
      packet: ipv4({ src, dst, protocol: TCP }, tcp({ sport, dport, ...segment })),
    });
  };
  for (const isn of [100, 900_000]) {
    send(isn === 100 ? 0 : 50, true, { seq: isn, flags: syn, options: SYN_OPTIONS });
    send(1, false, { seq: 7000, ack: isn + 1, flags: syn | ack, options: SYN_OPTIONS });
    send(1, true, { seq: isn + 1, ack: 7001, flags: ack });
    // A, then C overtaking B, then B 0.5 ms later; then C again much later.
    send(1, true, { seq: isn + 1, ack: 7001, flags: psh | ack, payload: payload(100, 1) });
    send(0.2, true, { seq: isn + 201, ack: 7001, flags: psh | ack, payload: payload(100, 3) });
    send(0.5, true, { seq: isn + 101, ack: 7001, flags: psh | ack, payload: payload(100, 2) });
    send(1, false, { seq: 7001, ack: isn + 301, flags: ack });
    send(400, true, { seq: isn + 201, ack: 7001, flags: psh | ack, payload: payload(100, 3) });
    send(1, true, { seq: isn + 301, ack: 7001, flags: fin | ack });
    send(1, false, { seq: 7001, ack: isn + 302, flags: fin | ack });
    send(1, true, { seq: isn + 302, ack: 7002, flags: ack });
  }
  return out;
}

export const LinkTypes = {
  null: 0,
  ethernet: 1,
  rawIpBsd: 12,
  rawIpOpenBsd: 14,
  loop: 108,
  rawIp: 101,
  linuxSll: 113,
  ipv4: 228,
  ipv6: 229,
  linuxSll2: 276,
} as const;

/** The frame for `p` on `linkType`, or null when that link type cannot carry it (ARP on raw IP, IPv6 on 228, …). */
export function frameFor(linkType: number, p: ScenarioPacket): Buffer | null {
  const isIpv4 = p.packet.etherType === 0x0800;
  const isIpv6 = p.packet.etherType === 0x86dd;
  switch (linkType) {
    case LinkTypes.ethernet:
      return ethernet(p.packet, p.vlanIds);
    case LinkTypes.linuxSll:
      return linuxSll(p.packet);
    case LinkTypes.linuxSll2:
      return linuxSll2(p.packet);
    case LinkTypes.rawIp:
    case LinkTypes.rawIpBsd:
    case LinkTypes.rawIpOpenBsd:
      return isIpv4 || isIpv6 ? p.packet.bytes : null;
    case LinkTypes.null:
      return isIpv4 || isIpv6 ? loopback(p.packet, false, 30) : null;
    case LinkTypes.loop:
      return isIpv4 || isIpv6 ? loopback(p.packet, true, 24) : null;
    case LinkTypes.ipv4:
      return isIpv4 ? p.packet.bytes : null;
    case LinkTypes.ipv6:
      return isIpv6 ? p.packet.bytes : null;
    default:
      throw new Error(`no framing for link type ${linkType}`);
  }
}
