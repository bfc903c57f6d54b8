import { highlights, renderMarkdown } from "../../lib/pcap";
import { writePcap } from "./support/captureWriter";
import { summarize } from "./support/chunked";
import { ethernet, ipv4, tcp, TcpFlags, udp } from "./support/packetBuilder";
import { LinkTypes } from "./support/scenarios";
import { captureVariants } from "./support/variants";

const T0 = 1_700_000_000n * 1_000_000_000n;
const SECOND = 1_000_000_000n;
const flow = (n: number, src = "10.0.0.1") =>
  ethernet(ipv4({ src, dst: "10.0.0.2", protocol: 17 }, udp(1000 + n, 53, Buffer.alloc(20))));
const ethernetVariant = captureVariants()[0]!.bytes;

describe("caps keep memory bounded and totals honest", () => {
  test("conversations beyond maxConversations are counted as untracked", async () => {
    const packets = Array.from({ length: 10 }, (_, i) => ({
      timeNs: T0 + BigInt(i),
      data: flow(i),
    }));
    const summary = await summarize(writePcap(packets, { linkType: LinkTypes.ethernet }), {
      maxConversations: 3,
    });
    expect(summary.conversationCount).toBe(3);
    expect(summary.untracked.conversationPackets).toBe(7);
    expect(summary.untracked.conversationBytes).toBe(7 * packets[0]!.data.length);
    expect(summary.warnings).toEqual([
      "more than 3 conversations; the rest are counted as untracked ×7",
    ]);
    // An estimate: two of the seven hashes sharing a bit (p ≈ 0.03 %) would make it 6.
    expect(summary.untracked.conversations).toBeGreaterThanOrEqual(6);
    expect(summary.untracked.conversations).toBeLessThanOrEqual(7);
  });

  test("TCP totals count every packet past the cap; the untracked conversations are estimated", async () => {
    const flows = 5000;
    const segment = (i: number, flags: number, window: number) =>
      ethernet(
        ipv4(
          { src: `10.1.${i >> 8}.${i & 0xff}`, dst: "10.0.0.2", protocol: 6 },
          tcp({ sport: 40000, dport: 443, seq: i, flags, window }),
        ),
      );
    // Each flow: a SYN, then a zero-window ACK.
    const packets = Array.from({ length: flows }, (_, i) => [
      { timeNs: T0 + BigInt(2 * i), data: segment(i, TcpFlags.syn, 1000) },
      { timeNs: T0 + BigInt(2 * i + 1), data: segment(i, TcpFlags.ack, 0) },
    ]).flat();
    const summary = await summarize(writePcap(packets, { linkType: LinkTypes.ethernet }), {
      maxConversations: 100,
    });
    expect(summary.tcpHealth.synPackets).toBe(flows);
    expect(summary.tcpHealth.zeroWindowPackets).toBe(flows);
    expect(summary.conversationCount).toBe(100);
    expect(summary.untracked.conversationPackets).toBe(2 * (flows - 100));
    expect(Math.abs(summary.untracked.conversations - (flows - 100))).toBeLessThan(0.03 * flows);
  });

  test("hosts beyond maxHosts are counted as untracked", async () => {
    const packets = Array.from({ length: 5 }, (_, i) => ({
      timeNs: T0,
      data: flow(0, `10.0.1.${i}`),
    }));
    const summary = await summarize(writePcap(packets, { linkType: LinkTypes.ethernet }), {
      maxHosts: 2,
    });
    // 10.0.1.0 and 10.0.0.2 fill the table; every later packet has an unknown source.
    expect(summary.hostCount).toBe(2);
    expect(summary.untracked.hostPackets).toBe(4);
  });
});

describe("timeline", () => {
  test("buckets widen by doubling instead of growing past the cap, and keep every packet", async () => {
    const offsets = [0n, 1n, 2n, 10_000n, 500n];
    const packets = offsets.map((s) => ({ timeNs: T0 + s * SECOND, data: flow(0) }));
    const summary = await summarize(writePcap(packets, { linkType: LinkTypes.ethernet }), {
      maxTimelineBuckets: 100,
    });
    const t = summary.timeline;
    expect(t.bucketSeconds).toBe(128);
    expect(t.startEpochSeconds! % 128).toBe(0);
    expect(t.packets.length).toBeLessThanOrEqual(100);
    expect(t.packets.reduce((a, b) => a + b, 0)).toBe(5);
    expect(t.bytes.reduce((a, b) => a + b, 0)).toBe(summary.bytes);
    expect(t.packets[0]).toBe(3);
  });

  test("a packet earlier than the first moves the start back", async () => {
    const packets = [5n, 3n, 4n].map((s) => ({ timeNs: T0 + s * SECOND, data: flow(0) }));
    const summary = await summarize(writePcap(packets, { linkType: LinkTypes.ethernet }));
    expect(summary.timeline).toMatchObject({
      bucketSeconds: 1,
      startEpochSeconds: 1_700_000_003,
      packets: [1, 1, 1],
    });
    expect(summary.firstPacketTime).toBe("2023-11-14T22:13:23.000Z");
    expect(summary.durationSeconds).toBe(2);
  });
});

describe("TCP health and the reports built on it", () => {
  test("the mixed traffic's problems are each found once", async () => {
    const h = (await summarize(ethernetVariant)).tcpHealth;
    expect(h).toMatchObject({
      unansweredSynConversations: 1,
      refusedConversations: 1,
      rstPackets: 1,
      zeroWindowPackets: 1,
      retransmissions: 3,
    });
    expect(
      h.topUnanswered.map((c) => [c.addressA, c.portA, c.addressB, c.portB, c.tcp?.syn]),
    ).toEqual([["10.0.0.1", 40001, "10.0.0.3", 443, 3]]);
    expect(h.topRefused.map((c) => c.portB)).toEqual([81]);
    expect(h.topRetransmitting.map((c) => [c.portB, c.tcp?.retransmissions])).toEqual([
      [443, 2],
      [80, 1],
    ]);
    expect(h.topZeroWindow.map((c) => c.portB)).toEqual([80]);
  });

  test("fragments are counted without reassembly: only the first belongs to the UDP conversation", async () => {
    const summary = await summarize(ethernetVariant);
    expect(summary.protocols.find((p) => p.name === "ip-fragment")?.packets).toBe(2);
    const fragmented = summary.topConversations.find((c) => c.portA === 6000);
    expect(fragmented).toMatchObject({ packets: 1, packetsAtoB: 1, packetsBtoA: 0 });
  });

  test("highlights name the capture, the top conversations and each health problem", async () => {
    const lines = highlights(await summarize(ethernetVariant), 2);
    expect(lines[0]).toBe("31 packets, 7.3 KiB over 3.54 s (pcap)");
    expect(lines[1]).toBe(
      "TCP 10.0.0.1:40000 ↔ 10.0.0.2:80: 3.7 KiB, 12 packets (A→B 714 B, B→A 3.0 KiB)",
    );
    expect(lines).toHaveLength(8);
    expect(lines.slice(3)).toEqual([
      "Unanswered SYNs: 1 connection; worst: TCP 10.0.0.1:40001 → 10.0.0.3:443 ×3",
      "Refused (SYN answered by RST): 1 connection; worst: TCP 10.0.0.1:40002 → 10.0.0.2:81 ×1",
      "Retransmissions: 3 (14.3% of TCP packets); worst: TCP 10.0.0.1:40001 → 10.0.0.3:443 ×2, TCP 10.0.0.1:40000 → 10.0.0.2:80 ×1",
      "Resets: 1 RST packet; worst: TCP 10.0.0.1:40002 → 10.0.0.2:81 ×1",
      "Zero-window advertisements: 1; worst: TCP 10.0.0.1:40000 → 10.0.0.2:80 ×1",
    ]);
  });

  test("a clean capture's highlights carry no health lines", async () => {
    const summary = await summarize(
      writePcap([{ timeNs: T0, data: flow(0) }], { linkType: LinkTypes.ethernet }),
    );
    expect(highlights(summary)).toEqual([
      "1 packet, 62 B over 0.0 ms (pcap)",
      "UDP 10.0.0.1:1000 ↔ 10.0.0.2:53: 62 B, 1 packet (A→B 62 B, B→A 0 B)",
    ]);
  });

  test("the Markdown report has every section, with IPv6 endpoints bracketed", async () => {
    const markdown = renderMarkdown(await summarize(ethernetVariant));
    for (const heading of [
      "# Capture summary",
      "## Protocols",
      "## Top conversations",
      "## Top hosts by bytes",
      "## Top hosts by packets",
      "## TCP health",
      "### Unanswered SYNs",
      "## Timeline",
    ]) {
      expect(markdown).toContain(`\n${heading}`.trimStart());
    }
    expect(markdown).toContain("| TCP [2001:db8::1]:50000 ↔ [2001:db8::2]:22 | 4 |");
    expect(markdown).not.toContain("## Warnings");
  });
});

describe("link types", () => {
  test("packets of a link type that is not decoded are counted, and a warning says how many", async () => {
    const USER0 = 147;
    const packets = Array.from({ length: 3 }, (_, i) => ({
      timeNs: T0 + BigInt(i),
      data: flow(i),
    }));
    const summary = await summarize(writePcap(packets, { linkType: USER0 }));
    expect(summary.packets).toBe(3);
    expect(summary.linkTypes).toEqual([USER0]);
    expect(summary.protocols).toEqual([
      { name: "unsupported-link", packets: 3, bytes: 3 * packets[0]!.data.length },
    ]);
    expect(summary.warnings).toEqual([
      "link type 147 is not decoded: packets counted, their contents skipped ×3",
    ]);
  });
});
