/** Asserts that our summary says what tshark says about the same file. */
import type { CaptureSummary } from "../../../lib/pcap";
import { conversationKey, isoToEpochNs, printsAs, type TsharkReference } from "./tsharkReference";

/** Our protocol names and the `frame.protocols` names that mean the same layer. */
const SAME_LAYER: [ours: string[], theirs: string[]][] = [
  [["ethernet"], ["eth"]],
  [["loopback"], ["null"]],
  [["pppoe"], ["pppoes"]],
  [["mpls"], ["mpls"]],
  [["linux-sll", "linux-sll2"], ["sll"]],
  [["vlan"], ["vlan", "ieee8021ad"]],
  [["arp"], ["arp"]],
  [["ipv4"], ["ip"]],
  [["ipv6"], ["ipv6"]],
  [["tcp"], ["tcp"]],
  [["udp"], ["udp"]],
  [["icmp"], ["icmp"]],
  [["icmpv6"], ["icmpv6"]],
];

/**
 * A summary made with a topN large enough to list every host and conversation. With
 * `conversations: false`, tshark's conversation table is not compared (see CaptureVariant.uncut).
 */
export function expectMatchesTshark(
  summary: CaptureSummary,
  reference: TsharkReference,
  { conversations: compareConversations = true } = {},
): void {
  expect(summary.packets).toBe(reference.packets);
  expect(summary.bytes).toBe(reference.bytes);

  const ours = new Map(summary.protocols.map((p) => [p.name as string, p.packets]));
  for (const [ourNames, theirNames] of SAME_LAYER) {
    const ourCount = ourNames.reduce((n, name) => n + (ours.get(name) ?? 0), 0);
    const theirCount = reference.frameProtocols.filter((names) =>
      names.some((name) => theirNames.includes(name)),
    ).length;
    // An array compare names the layer when it fails.
    expect([ourNames.join("+"), ourCount]).toEqual([ourNames.join("+"), theirCount]);
  }
  // Frames whose first protocol is IP have no link header: raw IP, whatever its link type number.
  const rawIp = reference.frameProtocols.filter(
    ([first]) => first === "raw" || first === "ip" || first === "ipv6",
  ).length;
  expect(["raw-ip", ours.get("raw-ip") ?? 0]).toEqual(["raw-ip", rawIp]);

  if (compareConversations) expectConversations(summary, reference);

  const hosts = new Map(summary.topHostsByBytes.map(({ address, ...counts }) => [address, counts]));
  expect(Object.fromEntries(hosts)).toEqual(Object.fromEntries(reference.endpoints));

  const health = summary.tcpHealth;
  expect({
    syn: health.synPackets,
    synAck: health.synAckPackets,
    rst: health.rstPackets,
    retransmissions: health.retransmissions,
    outOfOrder: health.outOfOrderSegments,
    zeroWindow: health.zeroWindowPackets,
  }).toEqual({
    syn: reference.syn,
    synAck: reference.synAck,
    rst: reference.rst,
    retransmissions: reference.retransmissions,
    outOfOrder: reference.outOfOrder,
    zeroWindow: reference.zeroWindow,
  });

  expect(summary.firstPacketTime && isoToEpochNs(summary.firstPacketTime)).toBe(
    reference.firstTimeNs,
  );
  expect(summary.lastPacketTime && isoToEpochNs(summary.lastPacketTime)).toBe(reference.lastTimeNs);
}

function expectConversations(summary: CaptureSummary, reference: TsharkReference): void {
  const conversations = new Map(
    summary.topConversations
      .filter((c) => c.protocol === "tcp" || c.protocol === "udp")
      .map((c) => [
        conversationKey(
          c.protocol,
          `${c.addressA}:${c.portA}`,
          `${c.addressB}:${c.portB}`,
          c.relativeStartSeconds,
        ),
        c,
      ]),
  );
  expect([...conversations.keys()].sort()).toEqual([...reference.conversations.keys()].sort());
  for (const [key, theirs] of reference.conversations) {
    const c = conversations.get(key)!;
    expect({ key, aToB: c.packetsAtoB, bToA: c.packetsBtoA }).toEqual({
      key,
      aToB: theirs.framesAtoB,
      bToA: theirs.framesBtoA,
    });
    expect({
      key,
      aToB: printsAs(c.bytesAtoB, theirs.bytesAtoB),
      bToA: printsAs(c.bytesBtoA, theirs.bytesBtoA),
    }).toEqual({ key, aToB: true, bToA: true });
  }
}
