import { formatTimestamp } from "./addressFormat";
import { byteSize, conversationName, count, endpoint, percent, seconds } from "./textFormat";
import type { CaptureSummary, ConversationStat, HostStat, Timeline } from "./types";

const LINK_TYPE_NAMES: Record<number, string> = {
  0: "BSD loopback",
  1: "Ethernet",
  12: "raw IP",
  14: "raw IP",
  108: "OpenBSD loopback",
  101: "raw IP",
  113: "Linux cooked v1",
  228: "raw IPv4",
  229: "raw IPv6",
  276: "Linux cooked v2",
};
const SPARK = "▁▂▃▄▅▆▇█";
const SPARKLINE_WIDTH = 60;

/** The summary as a Markdown report for people: overview, warnings, protocols, top lists, TCP health, timeline. */
export function renderMarkdown(summary: CaptureSummary): string {
  const s = summary;
  const linkTypes =
    s.linkTypes.map((t) => LINK_TYPE_NAMES[t] ?? `link type ${t}`).join(", ") || "none";
  const out: string[] = ["# Capture summary", ""];
  out.push(
    ...table(
      ["", ""],
      [
        ["Format", `${s.format} (${linkTypes})`],
        ["Packets", count(s.packets)],
        ["Bytes on the wire", `${byteSize(s.bytes)} (captured ${byteSize(s.capturedBytes)})`],
        ["First packet", s.firstPacketTime ?? "—"],
        ["Last packet", s.lastPacketTime ?? "—"],
        ["Duration", seconds(s.durationSeconds)],
        ["Hosts / conversations", `${count(s.hostCount)} / ${count(s.conversationCount)}`],
      ],
    ),
  );
  if (s.warnings.length > 0) out.push("", "## Warnings", "", ...s.warnings.map((w) => `- ${w}`));
  if (s.untracked.conversationPackets > 0 || s.untracked.hostPackets > 0) {
    out.push(
      "",
      `Beyond the tracking caps: ${count(s.untracked.conversationPackets)} packets (${byteSize(s.untracked.conversationBytes)}) in about ${count(s.untracked.conversations)} untracked conversations, ${count(s.untracked.hostPackets)} packets with an untracked host. TCP totals (SYN, RST, zero window) include them; retransmissions need a tracked conversation.`,
    );
  }
  out.push(
    "",
    "## Protocols",
    "",
    ...table(
      ["Protocol", "Packets", "Bytes", "Share of packets"],
      s.protocols.map((p) => [
        p.name,
        count(p.packets),
        byteSize(p.bytes),
        percent(p.packets, s.packets),
      ]),
    ),
  );
  out.push("", "## Top conversations", "", ...conversationTable(s.topConversations));
  out.push("", "## Top hosts by bytes", "", ...hostTable(s.topHostsByBytes));
  out.push("", "## Top hosts by packets", "", ...hostTable(s.topHostsByPackets));
  out.push("", ...tcpHealth(s));
  out.push("", ...timeline(s.timeline));
  return `${out.join("\n")}\n`;
}

function table(header: string[], rows: string[][]): string[] {
  if (rows.length === 0) return ["_none_"];
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => " --- ").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
}

function conversationTable(list: ConversationStat[]): string[] {
  return table(
    ["Conversation (A ↔ B)", "Packets", "Bytes", "A→B", "B→A", "Start", "Duration"],
    list.map((c) => [
      conversationName(c),
      count(c.packets),
      byteSize(c.bytes),
      `${count(c.packetsAtoB)} / ${byteSize(c.bytesAtoB)}`,
      `${count(c.packetsBtoA)} / ${byteSize(c.bytesBtoA)}`,
      `+${seconds(c.relativeStartSeconds)}`,
      seconds(c.durationSeconds),
    ]),
  );
}

function hostTable(list: HostStat[]): string[] {
  return table(
    ["Host", "Packets", "Bytes", "Sent", "Received"],
    list.map((h) => [
      endpoint(h.address, null),
      count(h.packets),
      byteSize(h.bytes),
      `${count(h.txPackets)} / ${byteSize(h.txBytes)}`,
      `${count(h.rxPackets)} / ${byteSize(h.rxBytes)}`,
    ]),
  );
}

function tcpHealth(s: CaptureSummary): string[] {
  const h = s.tcpHealth;
  const out = [
    "## TCP health",
    "",
    ...table(
      ["", ""],
      [
        ["SYN / SYN-ACK packets", `${count(h.synPackets)} / ${count(h.synAckPackets)}`],
        ["Connections with an unanswered SYN", count(h.unansweredSynConversations)],
        ["Connections refused (RST to SYN)", count(h.refusedConversations)],
        ["RST packets", count(h.rstPackets)],
        ["Retransmissions", count(h.retransmissions)],
        ["Out-of-order segments", count(h.outOfOrderSegments)],
        ["Zero-window advertisements", count(h.zeroWindowPackets)],
      ],
    ),
  ];
  const lists: [string, ConversationStat[], (c: ConversationStat) => number][] = [
    ["Unanswered SYNs", h.topUnanswered, (c) => c.tcp?.syn ?? 0],
    ["Refused connections", h.topRefused, (c) => c.tcp?.syn ?? 0],
    ["Most retransmissions", h.topRetransmitting, (c) => c.tcp?.retransmissions ?? 0],
    ["Most resets", h.topReset, (c) => c.tcp?.rst ?? 0],
    ["Most zero windows", h.topZeroWindow, (c) => c.tcp?.zeroWindow ?? 0],
  ];
  for (const [title, list, measure] of lists) {
    if (list.length > 0)
      out.push(
        "",
        `### ${title}`,
        "",
        ...table(
          ["Conversation", "Count", "Packets"],
          list.map((c) => [conversationName(c), count(measure(c)), count(c.packets)]),
        ),
      );
  }
  return out;
}

function timeline(t: Timeline): string[] {
  if (t.startEpochSeconds === null || t.packets.length === 0)
    return ["## Timeline", "", "_no timestamps_"];
  // Merge buckets for display only, so that the line fits a chat message.
  const perCell = Math.ceil(t.packets.length / SPARKLINE_WIDTH);
  const cells: number[] = [];
  for (let i = 0; i < t.packets.length; i += perCell)
    cells.push(t.packets.slice(i, i + perCell).reduce((a, b) => a + b, 0));
  const max = Math.max(...cells);
  const line = cells
    .map((n) =>
      n === 0 ? " " : SPARK[Math.min(SPARK.length - 1, Math.floor((n / max) * SPARK.length))],
    )
    .join("");
  const peak = t.packets.indexOf(Math.max(...t.packets));
  const width = t.bucketSeconds;
  return [
    `## Timeline (${seconds(width * perCell)} per mark, packets)`,
    "",
    "```",
    line,
    "```",
    "",
    `Busiest ${seconds(width)}: ${count(t.packets[peak]!)} packets, ${byteSize(t.bytes[peak]!)}, starting ${formatTimestamp(t.startEpochSeconds + peak * width, 0)}.`,
  ];
}
