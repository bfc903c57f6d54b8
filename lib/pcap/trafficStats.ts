import type { Diagnostics } from "./diagnostics";
import { DistinctEstimate } from "./distinctEstimate";
import { FlowTable, MAX_PROBES } from "./flowTable";
import { PacketDecoder } from "./packetDecoder";
import type { PacketSink } from "./packetSink";
import { IpProtocol, Layer, PROTOCOL_NAMES } from "./protocols";
import { TimelineBuilder, TimelineSeries } from "./timeline";

export interface StatsLimits {
  maxHosts: number;
  maxConversations: number;
  maxTimelineBuckets: number;
}

/** Host table: key [ip version, address words ×4]; counters below. */
export const HOST_KEY_WORDS = 5;
export const HostField = { txPackets: 0, txBytes: 1, rxPackets: 2, rxBytes: 3 } as const;
const HOST_FIELDS = 4;

/**
 * Conversation table: key [ip version << 8 | protocol, lower endpoint's address ×4, higher endpoint's
 * address ×4, lower port << 16 | higher port]. Ordering the endpoints makes both directions one key;
 * `aIsLow` remembers which one sent first, as tshark's "A" side is the first packet's source.
 */
export const CONVERSATION_KEY_WORDS = 10;
const F = {
  // Fields every packet touches come first, so that they share cache lines.
  packetsAtoB: 0,
  bytesAtoB: 1,
  packetsBtoA: 2,
  bytesBtoA: 3,
  aIsLow: 4,
  firstTime: 5,
  lastTime: 6,
  /** Next expected TCP sequence number from the lower / higher endpoint; NaN until seen. */
  nextSequenceLow: 7,
  nextSequenceHigh: 8,
  syn: 9,
  synAck: 10,
  rst: 11,
  retransmissions: 12,
  zeroWindow: 13,
  outOfOrder: 14,
  /** First sequence number of the first segment with sequence space from the lower / higher endpoint (the ISN when the SYN was captured). */
  baseSequenceLow: 15,
  baseSequenceHigh: 16,
  /** The one remembered hole per direction: sequence space skipped by a segment that jumped ahead. */
  gapStartLow: 17,
  gapEndLow: 18,
  gapStartHigh: 19,
  gapEndHigh: 20,
  /** TcpClosed bits seen so far. */
  closed: 21,
} as const;
/** Exported under a name; used here as the local `F`, which compiles to a plain variable, not an `exports` lookup per packet. */
export const ConversationField = F;
const CONVERSATION_FIELDS = 22;
const TcpClosed = { finFromLow: 1, finFromHigh: 2, rst: 4 } as const;

/** Packets between calls of the checkpoint callback: often enough to stop promptly, rare enough to cost nothing. */
const CHECKPOINT_PACKETS = 4096;
const TcpFlag = { fin: 0x01, syn: 0x02, rst: 0x04, ack: 0x10 } as const;
const MAX_LINK_TYPES = 64;
const MAX_NAMED_UNDECODED_LINK_TYPES = 8;
const CONTROL = TcpFlag.syn | TcpFlag.fin | TcpFlag.rst;
/** Conversation fields that start as "not seen yet". */
const UNSET_FIELDS = [
  F.nextSequenceLow,
  F.nextSequenceHigh,
  F.baseSequenceLow,
  F.baseSequenceHigh,
  F.gapStartLow,
  F.gapEndLow,
  F.gapStartHigh,
  F.gapEndHigh,
];

/** Accumulates everything the summary reports, packet by packet, in bounded memory. */
export class TrafficStats implements PacketSink {
  packets = 0;
  bytes = 0;
  capturedBytes = 0;
  readonly linkTypes = new Set<number>();
  /** [packets, bytes] per entry of PROTOCOL_NAMES. */
  readonly protocolCounters = new Float64Array(PROTOCOL_NAMES.length * 2);
  readonly hosts: FlowTable;
  readonly conversations: FlowTable;
  readonly timeline: TimelineBuilder;
  readonly untracked = { hostPackets: 0, conversationPackets: 0, conversationBytes: 0 };
  /** Distinct conversations refused by the table: their count cannot be kept exactly in bounded memory. */
  readonly untrackedConversations = new DistinctEstimate();
  readonly tcp = { syn: 0, synAck: 0, rst: 0, retransmissions: 0, outOfOrder: 0, zeroWindow: 0 };
  /** Earliest and latest timestamps; NaN until a timed packet. */
  firstSeconds = NaN;
  firstNanoseconds = NaN;
  lastSeconds = NaN;
  lastNanoseconds = NaN;

  private readonly decoder: PacketDecoder;
  private readonly undecodedLinkTypes = new Set<number>();
  private readonly key = new Int32Array(CONVERSATION_KEY_WORDS);

  /** @param checkpoint Called every CHECKPOINT_PACKETS packets, e.g. to stop on a time budget. */
  constructor(
    limits: StatsLimits,
    private readonly diagnostics: Diagnostics,
    private readonly checkpoint: () => void = () => undefined,
  ) {
    this.decoder = new PacketDecoder(diagnostics);
    this.hosts = new FlowTable(HOST_KEY_WORDS, HOST_FIELDS, limits.maxHosts);
    this.conversations = new FlowTable(
      CONVERSATION_KEY_WORDS,
      CONVERSATION_FIELDS,
      limits.maxConversations,
    );
    this.timeline = new TimelineBuilder(limits.maxTimelineBuckets);
  }

  addLinkType(linkType: number): void {
    if (this.linkTypes.size < MAX_LINK_TYPES) this.linkTypes.add(linkType);
  }

  packet(
    linkType: number,
    data: Buffer,
    offset: number,
    capturedLength: number,
    originalLength: number,
    seconds: number,
    nanoseconds: number,
  ): void {
    if (++this.packets % CHECKPOINT_PACKETS === 0) this.checkpoint();
    this.bytes += originalLength;
    this.capturedBytes += capturedLength;
    const timed = !Number.isNaN(seconds);
    if (timed) {
      this.trackTimeRange(seconds, nanoseconds);
      this.timeline.add(seconds, originalLength);
    }
    const d = this.decoder;
    d.decode(linkType, data, offset, capturedLength, originalLength);
    if (d.layers === Layer.unsupportedLink) this.noteUndecoded(linkType);
    for (let layers = d.layers; layers !== 0; layers &= layers - 1) {
      const index = 31 - Math.clz32(layers & -layers);
      this.protocolCounters[index * 2]! += 1;
      this.protocolCounters[index * 2 + 1]! += originalLength;
    }
    if (d.ipVersion === 0) return;
    this.countHosts(d, originalLength);
    if (d.hasTransport)
      this.countConversation(d, originalLength, timed ? seconds : NaN, nanoseconds);
  }

  private noteUndecoded(linkType: number): void {
    // One warning per link type (a hostile pcapng can declare thousands), so each has its count.
    if (this.undecodedLinkTypes.size < MAX_NAMED_UNDECODED_LINK_TYPES)
      this.undecodedLinkTypes.add(linkType);
    this.diagnostics.note(
      this.undecodedLinkTypes.has(linkType)
        ? `link type ${linkType} is not decoded: packets counted, their contents skipped`
        : "other link types not decoded: packets counted, their contents skipped",
    );
  }

  private trackTimeRange(seconds: number, nanoseconds: number): void {
    const first = this.firstSeconds;
    if (
      Number.isNaN(first) ||
      seconds < first ||
      (seconds === first && nanoseconds < this.firstNanoseconds)
    ) {
      this.firstSeconds = seconds;
      this.firstNanoseconds = nanoseconds;
    }
    const last = this.lastSeconds;
    if (
      Number.isNaN(last) ||
      seconds > last ||
      (seconds === last && nanoseconds > this.lastNanoseconds)
    ) {
      this.lastSeconds = seconds;
      this.lastNanoseconds = nanoseconds;
    }
  }

  private countHosts(d: PacketDecoder, bytes: number): void {
    const source = this.hostEntry(d.ipVersion, d.source);
    if (source >= 0) this.bumpHost(source, HostField.txPackets, bytes);
    const destination = this.hostEntry(d.ipVersion, d.destination);
    if (destination >= 0) this.bumpHost(destination, HostField.rxPackets, bytes);
    if (source < 0 || destination < 0) this.untracked.hostPackets++;
  }

  private hostEntry(ipVersion: number, address: Int32Array): number {
    const key = this.key;
    key[0] = ipVersion;
    copyAddress(address, key, 1);
    const entry = this.hosts.upsert(key);
    if (entry < 0) this.noteRefused(this.hosts, "hosts");
    return entry;
  }

  private noteRefused(table: FlowTable, what: string): void {
    if (table.size < table.maxEntries)
      this.diagnostics.note(
        `${what} refused after ${MAX_PROBES} hash probes; counted as untracked`,
      );
    else
      this.diagnostics.note(
        `more than ${table.maxEntries} ${what}; the rest are counted as untracked`,
      );
  }

  private bumpHost(entry: number, packetsField: number, bytes: number): void {
    const c = this.hosts.counters;
    const base = entry * HOST_FIELDS + packetsField;
    c[base]! += 1;
    c[base + 1]! += bytes;
  }

  /** `seconds` is NaN for a packet without a timestamp. */
  private countConversation(
    d: PacketDecoder,
    bytes: number,
    seconds: number,
    nanoseconds: number,
  ): void {
    const time = seconds + nanoseconds / 1e9;
    const sourceIsLow =
      compareEndpoints(d.source, d.sourcePort, d.destination, d.destinationPort) <= 0;
    const key = this.key;
    key[0] = (d.ipVersion << 8) | d.ipProtocol;
    copyAddress(sourceIsLow ? d.source : d.destination, key, 1);
    copyAddress(sourceIsLow ? d.destination : d.source, key, 5);
    key[9] = sourceIsLow
      ? (d.sourcePort << 16) | d.destinationPort
      : (d.destinationPort << 16) | d.sourcePort;
    const isTcp = d.ipProtocol === IpProtocol.tcp;
    // Totals do not depend on the conversation table having room.
    if (isTcp) this.countTcpTotals(d, seconds);
    const table = this.conversations;
    let entry = table.upsert(key);
    if (
      entry >= 0 &&
      !table.created &&
      isTcp &&
      (d.tcpFlags & (TcpFlag.syn | TcpFlag.ack)) === TcpFlag.syn &&
      this.isNewConnection(table.counters, entry * CONVERSATION_FIELDS, d.tcpSequence, sourceIsLow)
    ) {
      table.retire(entry);
      entry = table.upsert(key);
    }
    if (entry < 0) {
      this.untracked.conversationPackets++;
      this.untracked.conversationBytes += bytes;
      this.untrackedConversations.add(table.lastHash);
      this.noteRefused(table, "conversations");
      return;
    }
    const c = table.counters;
    const base = entry * CONVERSATION_FIELDS;
    if (table.created) {
      c[base + F.aIsLow] = sourceIsLow ? 1 : 0;
      c[base + F.firstTime] = time;
      c[base + F.lastTime] = time;
      for (const field of UNSET_FIELDS) c[base + field] = NaN;
    } else if (!Number.isNaN(time)) {
      const first = c[base + F.firstTime]!;
      if (Number.isNaN(first) || time < first) c[base + F.firstTime] = time;
      if (!(time <= c[base + F.lastTime]!)) c[base + F.lastTime] = time;
    }
    const aToB = (c[base + F.aIsLow] === 1) === sourceIsLow;
    const field = base + (aToB ? F.packetsAtoB : F.packetsBtoA);
    c[field]! += 1;
    c[field + 1]! += bytes;
    if (isTcp) this.analyseTcp(d, c, base, sourceIsLow, seconds);
  }

  private countTcpTotals(d: PacketDecoder, seconds: number): void {
    const flags = d.tcpFlags;
    const tcp = this.tcp;
    if (flags & TcpFlag.syn) {
      if (flags & TcpFlag.ack) tcp.synAck++;
      else tcp.syn++;
    }
    if (flags & TcpFlag.rst) {
      tcp.rst++;
      if (!Number.isNaN(seconds)) this.timeline.mark(seconds, TimelineSeries.rst);
    }
    if (d.tcpWindow === 0 && (flags & CONTROL) === 0) tcp.zeroWindow++;
  }

  /**
   * Whether a SYN on a known 4-tuple opens a new connection (port reuse) rather than retrying the
   * old one: its sequence number differs from the first one that side sent (a fresh ISN, tshark's
   * test), or, when that side never sent before, the old connection was closed by FINs or a RST.
   */
  private isNewConnection(c: Float64Array, base: number, seq: number, fromLow: boolean): boolean {
    const first = c[base + (fromLow ? F.baseSequenceLow : F.baseSequenceHigh)]!;
    if (!Number.isNaN(first)) return seq !== first;
    const closed = c[base + F.closed]!;
    const bothFins = TcpClosed.finFromLow | TcpClosed.finFromHigh;
    return (closed & TcpClosed.rst) !== 0 || (closed & bothFins) === bothFins;
  }

  private analyseTcp(
    d: PacketDecoder,
    c: Float64Array,
    base: number,
    fromLow: boolean,
    seconds: number,
  ): void {
    const flags = d.tcpFlags;
    const tcp = this.tcp;
    if (flags & TcpFlag.syn) c[base + (flags & TcpFlag.ack ? F.synAck : F.syn)]! += 1;
    if (flags & TcpFlag.rst) c[base + F.rst]! += 1;
    const control = flags & CONTROL;
    if (d.tcpWindow === 0 && control === 0) c[base + F.zeroWindow]! += 1;
    const seq = d.tcpSequence;
    const closedBits =
      (flags & TcpFlag.rst ? TcpClosed.rst : 0) |
      (flags & TcpFlag.fin ? (fromLow ? TcpClosed.finFromLow : TcpClosed.finFromHigh) : 0);
    if (closedBits !== 0) c[base + F.closed] = c[base + F.closed]! | closedBits;
    // SYN and FIN each take one sequence number, so their retransmissions count like data's.
    const segmentLength =
      d.tcpPayloadLength + (flags & TcpFlag.syn ? 1 : 0) + (flags & TcpFlag.fin ? 1 : 0);
    if (segmentLength === 0) return;
    // Remembering every (seq, len) pair would be unbounded. The highest sequence sent per direction,
    // plus the latest hole a segment skipped over, are enough: a segment below the highest resends
    // bytes already sent — unless it falls into the hole, when it arrives out of order.
    const nextField = base + (fromLow ? F.nextSequenceLow : F.nextSequenceHigh);
    const gapField = base + (fromLow ? F.gapStartLow : F.gapStartHigh);
    const next = c[nextField]!;
    const end = (seq + segmentLength) >>> 0;
    if (Number.isNaN(next)) {
      c[nextField] = end;
      c[base + (fromLow ? F.baseSequenceLow : F.baseSequenceHigh)] = seq;
      return;
    }
    if (sequenceBefore(seq, next)) {
      const keepAlive = segmentLength === 1 && control === 0 && seq === (next - 1) >>> 0;
      if (keepAlive) return;
      if (this.fillsGap(c, gapField, seq, end)) {
        c[base + F.outOfOrder]! += 1;
        tcp.outOfOrder++;
      } else {
        c[base + F.retransmissions]! += 1;
        tcp.retransmissions++;
        if (!Number.isNaN(seconds)) this.timeline.mark(seconds, TimelineSeries.retransmissions);
      }
      if (sequenceBefore(next, end)) c[nextField] = end;
      return;
    }
    // A jump ahead leaves a hole (lost or reordered segments); remember the latest one.
    if (seq !== next) {
      c[gapField] = next;
      c[gapField + 1] = seq;
    }
    c[nextField] = end;
  }

  /** Whether [seq, end) starts inside the remembered hole; if so the hole shrinks by what arrived. */
  private fillsGap(c: Float64Array, gapField: number, seq: number, end: number): boolean {
    const start = c[gapField]!;
    const stop = c[gapField + 1]!;
    if (Number.isNaN(start) || sequenceBefore(seq, start) || !sequenceBefore(seq, stop))
      return false;
    if (seq === start && !sequenceBefore(end, stop)) {
      c[gapField] = c[gapField + 1] = NaN;
    } else if (seq === start) {
      c[gapField] = end;
    } else {
      // Only the part before the segment stays a hole; what lies after it is forgotten (bounded state).
      c[gapField + 1] = seq;
    }
    return true;
  }
}

/** TypedArray.set is a builtin call; four plain stores are cheaper once per packet. */
function copyAddress(address: Int32Array, key: Int32Array, at: number): void {
  key[at] = address[0]!;
  key[at + 1] = address[1]!;
  key[at + 2] = address[2]!;
  key[at + 3] = address[3]!;
}

/** Sequence-space comparison modulo 2^32 (RFC 793). */
function sequenceBefore(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** Any total order on (address, port) works: it only has to put both directions under one key. */
function compareEndpoints(a: Int32Array, aPort: number, b: Int32Array, bPort: number): number {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return aPort - bPort;
}
