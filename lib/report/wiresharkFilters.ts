/** Wireshark display filters that show each problem the summary found, to paste into Wireshark. */
import type { CaptureSummary, ConversationStat } from "../pcap";
import { conversationName } from "../pcap/textFormat";

export interface Problem {
  title: string;
  /** The conversation and how often, in words. */
  detail: string;
  filter: string;
}

/** Both endpoints (and ports) of a conversation, either direction. */
export function conversationFilter(c: ConversationStat): string {
  const ip = c.addressA.includes(":") ? "ipv6" : "ip";
  const parts = [`${ip}.addr==${c.addressA}`, `${ip}.addr==${c.addressB}`];
  if (c.portA !== null && c.portB !== null)
    parts.push(`${c.protocol}.port==${c.portA}`, `${c.protocol}.port==${c.portB}`);
  return parts.join(" && ");
}

const KINDS: Array<{
  title: string;
  list: (s: CaptureSummary) => ConversationStat[];
  measure: (c: ConversationStat) => number;
  unit: string;
  condition: string;
}> = [
  {
    title: "Unanswered SYN",
    list: (s) => s.tcpHealth.topUnanswered,
    measure: (c) => c.tcp?.syn ?? 0,
    unit: "SYN",
    condition: "tcp.flags.syn==1 && tcp.flags.ack==0",
  },
  {
    title: "Connection refused",
    list: (s) => s.tcpHealth.topRefused,
    measure: (c) => c.tcp?.rst ?? 0,
    unit: "RST",
    condition: "tcp.flags.reset==1",
  },
  {
    title: "Retransmissions",
    list: (s) => s.tcpHealth.topRetransmitting,
    measure: (c) => c.tcp?.retransmissions ?? 0,
    unit: "retransmission",
    condition: "tcp.analysis.retransmission",
  },
  {
    title: "Resets",
    list: (s) => s.tcpHealth.topReset,
    measure: (c) => c.tcp?.rst ?? 0,
    unit: "RST",
    condition: "tcp.flags.reset==1",
  },
  {
    title: "Zero window",
    list: (s) => s.tcpHealth.topZeroWindow,
    measure: (c) => c.tcp?.zeroWindow ?? 0,
    unit: "zero-window advertisement",
    condition: "tcp.analysis.zero_window",
  },
];

/** Per kind of TCP trouble, its worst conversations (at most `perKind`), each with its filter. */
export function problems(summary: CaptureSummary, perKind = 3): Problem[] {
  const out: Problem[] = [];
  for (const kind of KINDS) {
    for (const c of kind.list(summary).slice(0, perKind)) {
      const n = kind.measure(c);
      out.push({
        title: kind.title,
        detail: `${conversationName(c, "→")}: ${n} ${kind.unit}${n === 1 ? "" : "s"}`,
        filter: `${kind.condition} && ${conversationFilter(c)}`,
      });
    }
  }
  if (summary.tcpHealth.outOfOrderSegments > 0)
    out.push({
      title: "Out of order",
      detail: `${summary.tcpHealth.outOfOrderSegments} segments arrived behind later ones`,
      filter: "tcp.analysis.out_of_order",
    });
  return out;
}
