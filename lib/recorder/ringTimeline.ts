/**
 * The frozen ring as ONE timeline with the alert's fired time marked: what changed before vs
 * after. Built from per-file summaries (lib/pcap's public summarizeStream output, files in time
 * order), so it needs no second pass over the packets. Pure.
 *
 * Burst start times come from conversation start times (the file's first packet plus the
 * conversation's relative start), the most precise time a per-file summary carries; a conversation
 * seen in several files counts from its earliest appearance.
 */
import type { CaptureSummary, ConversationStat } from "../pcap";

export interface WindowRate {
  seconds: number;
  packets: number;
  bytes: number;
}

/** A group of troubled conversations sharing one server endpoint (the side that was connected to). */
export interface Burst {
  kind: "rst" | "retransmission";
  /** "10.0.0.4:443" — for RSTs, the side that sent them in a refused connection. */
  endpoint: string;
  protocol: string;
  startedAt: string;
  /** Positive: before the alert fired; negative: after. */
  secondsBeforeFired: number;
  /** RST packets or retransmitted segments. */
  count: number;
  conversations: number;
}

export interface NewConversation {
  name: string;
  startedAt: string;
  secondsBeforeFired: number;
  packets: number;
  bytes: number;
}

export interface RingTimeline {
  firedAt: string;
  files: number;
  packets: number;
  bytes: number;
  firstPacketTime: string | null;
  lastPacketTime: string | null;
  before: WindowRate;
  after: WindowRate;
  /** Conversations that began after the ring's first packet, by when they began relative to the alert. */
  newConversations: { before: number; after: number; biggestBefore: NewConversation[] };
  bursts: Burst[];
  /** One merged timeline over every file, with the fired time's bucket marked. */
  timeline: {
    bucketSeconds: number;
    startEpochSeconds: number | null;
    packets: number[];
    bytes: number[];
    firedBucket: number | null;
  };
  warnings: string[];
}

const TOP = 3;
/** A conversation starting within this of the ring's first packet was already there, not new. */
const ALREADY_THERE_SECONDS = 1;

function endpointText(address: string, port: number | null): string {
  if (port === null) return address;
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Direction-free key: a conversation split over two files may have its sides swapped. */
function conversationKey(c: ConversationStat): string {
  const sides = [endpointText(c.addressA, c.portA), endpointText(c.addressB, c.portB)].sort();
  return `${c.protocol} ${sides.join(" ")}`;
}

function startMs(summary: CaptureSummary, c: ConversationStat): number | undefined {
  if (!summary.firstPacketTime) return undefined;
  return Date.parse(summary.firstPacketTime) + c.relativeStartSeconds * 1000;
}

interface Seen {
  conversation: ConversationStat;
  startMs: number;
  packets: number;
  bytes: number;
  rst: number;
  retransmissions: number;
}

/** Every tracked conversation of every file, merged by key, earliest start kept. */
function mergeConversations(summaries: CaptureSummary[]): Map<string, Seen> {
  const seen = new Map<string, Seen>();
  for (const summary of summaries) {
    const lists = [
      summary.topConversations,
      summary.tcpHealth.topReset,
      summary.tcpHealth.topRefused,
      summary.tcpHealth.topRetransmitting,
    ];
    const inFile = new Map<string, ConversationStat>();
    for (const c of lists.flat()) inFile.set(conversationKey(c), c);
    for (const [key, c] of inFile) {
      const start = startMs(summary, c);
      if (start === undefined) continue;
      const before = seen.get(key);
      if (!before) {
        seen.set(key, {
          conversation: c,
          startMs: start,
          packets: c.packets,
          bytes: c.bytes,
          rst: c.tcp?.rst ?? 0,
          retransmissions: c.tcp?.retransmissions ?? 0,
        });
        continue;
      }
      before.startMs = Math.min(before.startMs, start);
      before.packets += c.packets;
      before.bytes += c.bytes;
      before.rst += c.tcp?.rst ?? 0;
      before.retransmissions += c.tcp?.retransmissions ?? 0;
    }
  }
  return seen;
}

function bursts(seen: Iterable<Seen>, firedMs: number): Burst[] {
  const groups = new Map<string, Burst & { startMs: number }>();
  for (const s of seen) {
    const c = s.conversation;
    for (const [kind, count] of [
      ["rst", s.rst],
      ["retransmission", s.retransmissions],
    ] as const) {
      if (count === 0) continue;
      const endpoint = endpointText(c.addressB, c.portB);
      const key = `${kind} ${c.protocol} ${endpoint}`;
      const group = groups.get(key) ?? {
        kind,
        endpoint,
        protocol: c.protocol,
        startMs: s.startMs,
        startedAt: "",
        secondsBeforeFired: 0,
        count: 0,
        conversations: 0,
      };
      group.startMs = Math.min(group.startMs, s.startMs);
      group.count += count;
      group.conversations += 1;
      groups.set(key, group);
    }
  }
  return [...groups.values()]
    .sort((a, b) => b.count - a.count || a.startMs - b.startMs)
    .slice(0, TOP)
    .map(({ startMs: start, ...burst }) => ({
      ...burst,
      startedAt: new Date(start).toISOString(),
      secondsBeforeFired: Math.round((firedMs - start) / 1000),
    }));
}

function newConversations(
  seen: Iterable<Seen>,
  firstMs: number,
  firedMs: number,
): RingTimeline["newConversations"] {
  const fresh = [...seen].filter((s) => s.startMs - firstMs >= ALREADY_THERE_SECONDS * 1000);
  const before = fresh.filter((s) => s.startMs < firedMs);
  return {
    before: before.length,
    after: fresh.length - before.length,
    biggestBefore: before
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, TOP)
      .map((s) => ({
        name: `${s.conversation.protocol.toUpperCase()} ${endpointText(s.conversation.addressA, s.conversation.portA)} → ${endpointText(s.conversation.addressB, s.conversation.portB)}`,
        startedAt: new Date(s.startMs).toISOString(),
        secondsBeforeFired: Math.round((firedMs - s.startMs) / 1000),
        packets: s.packets,
        bytes: s.bytes,
      })),
  };
}

/** Re-buckets every file's timeline onto one grid as wide as the widest file's buckets. */
function mergeTimelines(summaries: CaptureSummary[], firedMs: number): RingTimeline["timeline"] {
  const timelines = summaries.map((s) => s.timeline).filter((t) => t.startEpochSeconds !== null);
  if (timelines.length === 0)
    return { bucketSeconds: 1, startEpochSeconds: null, packets: [], bytes: [], firedBucket: null };
  const width = Math.max(...timelines.map((t) => t.bucketSeconds));
  const first = Math.min(...timelines.map((t) => t.startEpochSeconds!));
  const start = first - (first % width);
  const packets: number[] = [];
  const bytes: number[] = [];
  for (const t of timelines) {
    t.packets.forEach((n, i) => {
      const at = Math.floor((t.startEpochSeconds! + i * t.bucketSeconds - start) / width);
      packets[at] = (packets[at] ?? 0) + n;
      bytes[at] = (bytes[at] ?? 0) + (t.bytes[i] ?? 0);
    });
  }
  const firedBucket = Math.floor((firedMs / 1000 - start) / width);
  return {
    bucketSeconds: width,
    startEpochSeconds: start,
    packets: Array.from(packets, (n) => n ?? 0),
    bytes: Array.from(bytes, (n) => n ?? 0),
    firedBucket: firedBucket >= 0 && firedBucket < packets.length ? firedBucket : null,
  };
}

/** Packets and bytes on each side of the fired time; a bucket straddling it is split pro rata. */
function rates(
  timeline: RingTimeline["timeline"],
  firstMs: number,
  lastMs: number,
  firedMs: number,
): { before: WindowRate; after: WindowRate } {
  const before = { seconds: Math.max(0, (firedMs - firstMs) / 1000), packets: 0, bytes: 0 };
  const after = { seconds: Math.max(0, (lastMs - firedMs) / 1000), packets: 0, bytes: 0 };
  if (timeline.startEpochSeconds === null) return { before, after };
  const width = timeline.bucketSeconds * 1000;
  timeline.packets.forEach((n, i) => {
    const from = timeline.startEpochSeconds! * 1000 + i * width;
    const share = Math.min(1, Math.max(0, (firedMs - from) / width));
    before.packets += n * share;
    before.bytes += (timeline.bytes[i] ?? 0) * share;
    after.packets += n * (1 - share);
    after.bytes += (timeline.bytes[i] ?? 0) * (1 - share);
  });
  const round = (w: WindowRate): WindowRate => ({
    seconds: Math.round(w.seconds),
    packets: Math.round(w.packets),
    bytes: Math.round(w.bytes),
  });
  return { before: round(before), after: round(after) };
}

/** Combines the summaries of a frozen ring's files (oldest first) around the alert's fired time. */
export function combineRing(summaries: CaptureSummary[], firedAt: Date): RingTimeline {
  const firedMs = firedAt.getTime();
  const times = summaries.flatMap((s) =>
    [s.firstPacketTime, s.lastPacketTime].filter((t): t is string => t !== null),
  );
  const ms = times.map((t) => Date.parse(t));
  const firstMs = ms.length ? Math.min(...ms) : firedMs;
  const lastMs = ms.length ? Math.max(...ms) : firedMs;
  const seen = mergeConversations(summaries);
  const timeline = mergeTimelines(summaries, firedMs);
  return {
    firedAt: firedAt.toISOString(),
    files: summaries.length,
    packets: summaries.reduce((n, s) => n + s.packets, 0),
    bytes: summaries.reduce((n, s) => n + s.bytes, 0),
    firstPacketTime: ms.length ? new Date(firstMs).toISOString() : null,
    lastPacketTime: ms.length ? new Date(lastMs).toISOString() : null,
    ...rates(timeline, firstMs, lastMs, firedMs),
    newConversations: newConversations(seen.values(), firstMs, firedMs),
    bursts: bursts(seen.values(), firedMs),
    timeline,
    warnings: summaries.flatMap((s, i) => s.warnings.map((w) => `file ${i + 1}: ${w}`)),
  };
}
