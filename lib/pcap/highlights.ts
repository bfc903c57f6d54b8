import { byteSize, conversationName, count, counted, percent, seconds } from "./textFormat";
import type { CaptureSummary, ConversationStat } from "./types";

/**
 * Short lines for a pager or chat notification: what the capture holds, its biggest conversations,
 * and only the TCP-health items that actually occurred (each with its worst offenders).
 */
export function highlights(summary: CaptureSummary, topN = 3): string[] {
  const lines = [
    `${counted(summary.packets, "packet")}, ${byteSize(summary.bytes)} over ${seconds(summary.durationSeconds)} (${summary.format})`,
  ];
  for (const c of summary.topConversations.slice(0, topN)) {
    lines.push(
      `${conversationName(c)}: ${byteSize(c.bytes)}, ${counted(c.packets, "packet")} (A→B ${byteSize(c.bytesAtoB)}, B→A ${byteSize(c.bytesBtoA)})`,
    );
  }
  const health = summary.tcpHealth;
  const tcpPackets = summary.protocols.find((p) => p.name === "tcp")?.packets ?? 0;
  const worst = (list: ConversationStat[], measure: (c: ConversationStat) => number) =>
    list.length === 0
      ? ""
      : `; worst: ${list
          .slice(0, topN)
          .map((c) => `${conversationName(c, "→")} ×${measure(c)}`)
          .join(", ")}`;
  if (health.unansweredSynConversations > 0) {
    lines.push(
      `Unanswered SYNs: ${counted(health.unansweredSynConversations, "connection")}${worst(health.topUnanswered, (c) => c.tcp?.syn ?? 0)}`,
    );
  }
  if (health.refusedConversations > 0) {
    lines.push(
      `Refused (SYN answered by RST): ${counted(health.refusedConversations, "connection")}${worst(health.topRefused, (c) => c.tcp?.syn ?? 0)}`,
    );
  }
  if (health.retransmissions > 0) {
    lines.push(
      `Retransmissions: ${count(health.retransmissions)} (${percent(health.retransmissions, tcpPackets)} of TCP packets)${worst(health.topRetransmitting, (c) => c.tcp?.retransmissions ?? 0)}`,
    );
  }
  if (health.rstPackets > 0) {
    lines.push(
      `Resets: ${counted(health.rstPackets, "RST packet")}${worst(health.topReset, (c) => c.tcp?.rst ?? 0)}`,
    );
  }
  if (health.zeroWindowPackets > 0) {
    lines.push(
      `Zero-window advertisements: ${count(health.zeroWindowPackets)}${worst(health.topZeroWindow, (c) => c.tcp?.zeroWindow ?? 0)}`,
    );
  }
  if (summary.warnings.length > 0) {
    lines.push(`Capture problems (${summary.warnings.length}): ${summary.warnings[0]}`);
  }
  return lines;
}
