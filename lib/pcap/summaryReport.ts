import { formatAddress, formatTimestamp } from "./addressFormat";
import type { FlowTable } from "./flowTable";
import { ipProtocolName, IpProtocol, PROTOCOL_NAMES } from "./protocols";
import {
  ConversationField as F,
  CONVERSATION_KEY_WORDS,
  HostField,
  type TrafficStats,
} from "./trafficStats";
import type {
  CaptureFormat,
  CaptureSummary,
  ConversationStat,
  HostStat,
  ProtocolStat,
} from "./types";

export interface ReportContext {
  format: CaptureFormat;
  bytesRead: number;
  topN: number;
  warnings: string[];
  notCapture: string | null;
}

/** Turns the accumulated counters into the JSON summary: sorting, top lists and text forms happen only here. */
export function buildSummary(stats: TrafficStats, context: ReportContext): CaptureSummary {
  const { topN } = context;
  const timed = !Number.isNaN(stats.firstSeconds);
  const hosts = hostRows(stats.hosts);
  const conversations = stats.conversations;
  const firstTime = timed ? stats.firstSeconds + stats.firstNanoseconds / 1e9 : NaN;
  const conversation = (entry: number) => conversationStat(conversations, entry, firstTime);
  const top = (score: (entry: number) => number) =>
    topEntries(conversations.size, score, topN).map(conversation);
  const c = conversations.counters;
  const at = (entry: number, field: number) => c[entry * conversations.counterWords + field]!;
  const isTcp = (entry: number) => (conversations.keyWord(entry, 0) & 0xff) === IpProtocol.tcp;
  const unanswered = (entry: number) =>
    isTcp(entry) && at(entry, F.syn) > 0 && at(entry, F.synAck) === 0 && at(entry, F.rst) === 0;
  const refused = (entry: number) =>
    isTcp(entry) && at(entry, F.syn) > 0 && at(entry, F.synAck) === 0 && at(entry, F.rst) > 0;
  let unansweredCount = 0;
  let refusedCount = 0;
  for (let entry = 0; entry < conversations.size; entry++) {
    if (unanswered(entry)) unansweredCount++;
    if (refused(entry)) refusedCount++;
  }
  return {
    format: context.format,
    linkTypes: [...stats.linkTypes].sort((a, b) => a - b),
    bytesRead: context.bytesRead,
    packets: stats.packets,
    bytes: stats.bytes,
    capturedBytes: stats.capturedBytes,
    firstPacketTime: timed ? formatTimestamp(stats.firstSeconds, stats.firstNanoseconds) : null,
    lastPacketTime: timed ? formatTimestamp(stats.lastSeconds, stats.lastNanoseconds) : null,
    durationSeconds: timed
      ? nanoseconds(
          stats.lastSeconds -
            stats.firstSeconds +
            (stats.lastNanoseconds - stats.firstNanoseconds) / 1e9,
        )
      : 0,
    protocols: protocolRows(stats.protocolCounters),
    hostCount: hosts.length,
    topHostsByBytes: [...hosts]
      .sort((a, b) => b.bytes - a.bytes || b.packets - a.packets)
      .slice(0, topN),
    topHostsByPackets: [...hosts]
      .sort((a, b) => b.packets - a.packets || b.bytes - a.bytes)
      .slice(0, topN),
    conversationCount: conversations.size,
    topConversations: top((e) => at(e, F.bytesAtoB) + at(e, F.bytesBtoA)),
    untracked: { ...stats.untracked, conversations: stats.untrackedConversations.estimate() },
    tcpHealth: {
      synPackets: stats.tcp.syn,
      synAckPackets: stats.tcp.synAck,
      rstPackets: stats.tcp.rst,
      retransmissions: stats.tcp.retransmissions,
      outOfOrderSegments: stats.tcp.outOfOrder,
      zeroWindowPackets: stats.tcp.zeroWindow,
      unansweredSynConversations: unansweredCount,
      refusedConversations: refusedCount,
      topUnanswered: top((e) => (unanswered(e) ? at(e, F.syn) : 0)),
      topRefused: top((e) => (refused(e) ? at(e, F.syn) : 0)),
      topRetransmitting: top((e) => at(e, F.retransmissions)),
      topReset: top((e) => at(e, F.rst)),
      topZeroWindow: top((e) => at(e, F.zeroWindow)),
    },
    timeline: stats.timeline.result(),
    warnings: context.warnings,
    ...(context.notCapture === null ? {} : { notCapture: context.notCapture }),
  };
}

/** Indices of the `n` entries with the highest positive score, ties in first-seen order. */
function topEntries(size: number, score: (entry: number) => number, n: number): number[] {
  const scored: { entry: number; score: number }[] = [];
  for (let entry = 0; entry < size; entry++) {
    const s = score(entry);
    if (s > 0) scored.push({ entry, score: s });
  }
  return scored
    .sort((a, b) => b.score - a.score || a.entry - b.entry)
    .slice(0, n)
    .map((s) => s.entry);
}

function protocolRows(counters: Float64Array): ProtocolStat[] {
  return PROTOCOL_NAMES.map((name, i) => ({
    name,
    packets: counters[i * 2]!,
    bytes: counters[i * 2 + 1]!,
  }))
    .filter((p) => p.packets > 0)
    .sort((a, b) => b.packets - a.packets || b.bytes - a.bytes);
}

function hostRows(table: FlowTable): HostStat[] {
  const rows: HostStat[] = [];
  const c = table.counters;
  const fields = table.counterWords;
  for (let entry = 0; entry < table.size; entry++) {
    const base = entry * fields;
    const txPackets = c[base + HostField.txPackets]!;
    const txBytes = c[base + HostField.txBytes]!;
    const rxPackets = c[base + HostField.rxPackets]!;
    const rxBytes = c[base + HostField.rxBytes]!;
    const words = [1, 2, 3, 4].map((w) => table.keyWord(entry, w));
    rows.push({
      address: formatAddress(table.keyWord(entry, 0), words),
      packets: txPackets + rxPackets,
      bytes: txBytes + rxBytes,
      txPackets,
      txBytes,
      rxPackets,
      rxBytes,
    });
  }
  return rows;
}

function conversationStat(table: FlowTable, entry: number, captureStart: number): ConversationStat {
  const c = table.counters;
  const base = entry * table.counterWords;
  const head = table.keyWord(entry, 0);
  const ipVersion = head >>> 8;
  const protocol = head & 0xff;
  const low = [1, 2, 3, 4].map((w) => table.keyWord(entry, w));
  const high = [5, 6, 7, 8].map((w) => table.keyWord(entry, w));
  const ports = table.keyWord(entry, CONVERSATION_KEY_WORDS - 1);
  const hasPorts = protocol === IpProtocol.tcp || protocol === IpProtocol.udp;
  const lowSide = { address: formatAddress(ipVersion, low), port: hasPorts ? ports >>> 16 : null };
  const highSide = {
    address: formatAddress(ipVersion, high),
    port: hasPorts ? ports & 0xffff : null,
  };
  const [a, b] = c[base + F.aIsLow] === 1 ? [lowSide, highSide] : [highSide, lowSide];
  const first = c[base + F.firstTime]!;
  const last = c[base + F.lastTime]!;
  const stat: ConversationStat = {
    protocol: ipProtocolName(protocol),
    addressA: a.address,
    portA: a.port,
    addressB: b.address,
    portB: b.port,
    packetsAtoB: c[base + F.packetsAtoB]!,
    bytesAtoB: c[base + F.bytesAtoB]!,
    packetsBtoA: c[base + F.packetsBtoA]!,
    bytesBtoA: c[base + F.bytesBtoA]!,
    packets: c[base + F.packetsAtoB]! + c[base + F.packetsBtoA]!,
    bytes: c[base + F.bytesAtoB]! + c[base + F.bytesBtoA]!,
    relativeStartSeconds:
      Number.isNaN(first) || Number.isNaN(captureStart) ? 0 : microseconds(first - captureStart),
    durationSeconds: Number.isNaN(first) ? 0 : microseconds(last - first),
  };
  if (protocol === IpProtocol.tcp) {
    stat.tcp = {
      syn: c[base + F.syn]!,
      synAck: c[base + F.synAck]!,
      rst: c[base + F.rst]!,
      retransmissions: c[base + F.retransmissions]!,
      outOfOrder: c[base + F.outOfOrder]!,
      zeroWindow: c[base + F.zeroWindow]!,
    };
  }
  return stat;
}

/** Epoch seconds in a double carry about 0.2 µs of noise; do not print digits beyond it. */
function microseconds(s: number): number {
  return Math.round(s * 1e6) / 1e6;
}

/** The capture's own duration is exact to the nanosecond; drop the float noise of the sum. */
function nanoseconds(s: number): number {
  return Math.round(s * 1e9) / 1e9;
}
