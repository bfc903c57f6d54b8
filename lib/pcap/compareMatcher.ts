import { formatAddress } from "./addressFormat";
import type { Diagnostics } from "./diagnostics";
import { PacketDecoder } from "./packetDecoder";
import type { PacketSink } from "./packetSink";
import { IpProtocol } from "./protocols";

/** 0 = capture A, 1 = capture B. */
export type Side = 0 | 1;

const TCP_SYN = 0x02;
const TCP_FIN = 0x01;
const RESERVOIR_SIZE = 65_536;
const RECENT_FLOWS = 4;

/** What happened to one packet seen in one capture. */
const enum Fate {
  pending,
  matched,
  unmatched,
}

/** One packet sighting, waiting (at most the window) for its twin in the other capture. */
interface Sighting {
  time: number;
  /** Within its flow direction: TCP sequence·2¹⁶ + IP ID; UDP IP ID·2¹⁶ + checksum (exact integers). */
  key: number;
  /** The rest of the identity, compared on a key match: TCP payload length and flags, UDP length. */
  check: number;
  flow: FlowDirection;
  udp: boolean;
  fate: Fate;
  /** Later retransmissions of this segment, classified once this sighting's fate is known. */
  retransmissions: number;
  /** TCP segments carrying sequence space: sequence·2¹⁶ + length, else -1. */
  segmentKey: number;
}

type Waiting = Sighting | Sighting[];
const TWO_16 = 65_536;

/** Counts of one flow direction as one capture saw it. */
export interface SideCounts {
  packets: number;
  tcp: number;
  udp: number;
  matched: number;
  unmatched: number;
  unmatchedTcp: number;
  unmatchedUdp: number;
  /** Unmatched packets per whole second (that capture's clock). */
  unmatchedSeconds: Map<number, number>;
  retransmissions: number;
  retransmittedLost: number;
  retransmittedSpurious: number;
}

/** A directional 5-tuple and what each capture saw of it. */
export interface FlowDirection {
  /** Canonical (direction-free) flow key: both directions share it. */
  flowKey: string;
  from: string;
  to: string;
  sides: [SideCounts, SideCounts];
  /** t_B − t_A of matched packets, shared by every flow from `from` to `to`. */
  deltas: DeltaSample;
  /** Per capture: unmatched sightings by key (one, or a FIFO of identical packets). */
  waiting: [Map<number, Waiting>, Map<number, Waiting>];
  /** Per capture: the first transmission of each segment still in the window. */
  firstSegments: [Map<number, Sighting>, Map<number, Sighting>];
}

/** Reservoir sample (Vitter's algorithm R with a fixed-seed generator, so reports are reproducible) plus the exact extremes. */
export class DeltaSample {
  private values = new Float64Array(1024);
  count = 0;
  min = Infinity;
  max = -Infinity;
  private seed = 0x9e3779b9;

  add(value: number): void {
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.count < RESERVOIR_SIZE) {
      if (this.count === this.values.length) {
        const grown = new Float64Array(Math.min(RESERVOIR_SIZE, this.values.length * 4));
        grown.set(this.values);
        this.values = grown;
      }
      this.values[this.count] = value;
    } else {
      this.seed = (Math.imul(this.seed, 1103515245) + 12345) >>> 0;
      const slot = this.seed % (this.count + 1);
      if (slot < RESERVOIR_SIZE) this.values[slot] = value;
    }
    this.count++;
  }

  /** The sampled values, in no particular order. */
  sampled(): Float64Array {
    return this.values.subarray(0, Math.min(this.count, RESERVOIR_SIZE));
  }
}

export interface MatcherLimits {
  windowSeconds: number;
  maxFlows: number;
  maxPendingPackets: number;
}

/**
 * Matches packets seen in two captures. A packet's identity: TCP by 5-tuple, sequence number,
 * payload length and IP ID (so a retransmission is a different packet); UDP by 5-tuple, IP ID,
 * length and checksum. Sightings wait in a FIFO per capture until the other capture's clock has
 * passed them by the window; then an unmatched one is final. Memory is bounded by the window
 * (and `maxPendingPackets`), never by the captures' length.
 */
export class CaptureMatcher {
  readonly flows = new Map<string, FlowDirection>();
  /** One delay sample per address pair (from → to). */
  private readonly samples = new Map<string, DeltaSample>();
  readonly firstTime: [number, number] = [Infinity, Infinity];
  readonly lastTime: [number, number] = [-Infinity, -Infinity];
  readonly packets: [number, number] = [0, 0];
  readonly transportPackets: [number, number] = [0, 0];
  private readonly queues: [Sighting[], Sighting[]] = [[], []];
  private readonly queueHeads: [number, number] = [0, 0];
  private readonly decoder: PacketDecoder;

  constructor(
    private readonly limits: MatcherLimits,
    private readonly diagnostics: Diagnostics,
  ) {
    this.decoder = new PacketDecoder(diagnostics);
  }

  /** The sink one capture's reader delivers to. */
  sink(side: Side): PacketSink {
    return {
      packet: (linkType, data, offset, capturedLength, originalLength, seconds, nanoseconds) =>
        this.packet(
          side,
          linkType,
          data,
          offset,
          capturedLength,
          originalLength,
          seconds + nanoseconds / 1e9,
        ),
    };
  }

  /** Finalizes sightings of `side` older than the other capture's clock minus the window. */
  expire(side: Side, otherClock: number): void {
    const horizon = otherClock - this.limits.windowSeconds;
    const queue = this.queues[side];
    let head = this.queueHeads[side];
    while (head < queue.length && queue[head]!.time < horizon) this.retire(side, queue[head++]!);
    this.queueHeads[side] = head;
    if (head > 65_536 && head * 2 > queue.length) {
      queue.splice(0, head);
      this.queueHeads[side] = 0;
    }
  }

  /** Finalizes everything still waiting (both captures read to the end). */
  finish(): void {
    this.expire(0, Infinity);
    this.expire(1, Infinity);
  }

  private packet(
    side: Side,
    linkType: number,
    data: Buffer,
    offset: number,
    capturedLength: number,
    originalLength: number,
    time: number,
  ): void {
    this.packets[side]++;
    if (Number.isNaN(time)) return;
    if (time < this.firstTime[side]) this.firstTime[side] = time;
    if (time > this.lastTime[side]) this.lastTime[side] = time;
    const d = this.decoder;
    d.decode(linkType, data, offset, capturedLength, originalLength);
    if (!d.hasTransport || (d.ipProtocol !== IpProtocol.tcp && d.ipProtocol !== IpProtocol.udp))
      return;
    this.transportPackets[side]++;
    const flow = this.flowFor();
    if (!flow) return;
    const ipId = d.ipVersion === 4 ? data.readUInt16BE(d.networkOffset + 4) : 0;
    const counts = flow.sides[side];
    counts.packets++;
    let key: number;
    let check: number;
    let segmentKey = -1;
    if (d.ipProtocol === IpProtocol.tcp) {
      counts.tcp++;
      const length = d.tcpPayloadLength & 0xffff;
      if (length > 0 || (d.tcpFlags & (TCP_SYN | TCP_FIN)) !== 0)
        segmentKey = d.tcpSequence * TWO_16 + length;
      key = d.tcpSequence * TWO_16 + ipId;
      check = length * 256 + d.tcpFlags;
    } else {
      counts.udp++;
      const at = d.transportOffset;
      check = data.readUInt16BE(at + 4);
      key = ipId * TWO_16 + data.readUInt16BE(at + 6);
    }
    const sighting: Sighting = {
      time,
      key,
      check,
      flow,
      udp: d.ipProtocol === IpProtocol.udp,
      fate: Fate.pending,
      retransmissions: 0,
      segmentKey,
    };
    if (segmentKey >= 0) this.noteSegment(side, sighting, segmentKey);
    this.match(side, sighting);
  }

  /** The flow of the previous packets (bulk traffic alternates between a flow's two directions). */
  private readonly recent: Array<{ tuple: number[]; flow: FlowDirection }> = [];

  private flowFor(): FlowDirection | undefined {
    const d = this.decoder;
    if (d.ipVersion === 4) {
      for (const r of this.recent) {
        const t = r.tuple;
        if (
          t[0] === d.source[0] &&
          t[1] === d.destination[0] &&
          t[2] === d.sourcePort &&
          t[3] === d.destinationPort &&
          t[4] === d.ipProtocol
        )
          return r.flow;
      }
      const flow = this.lookupFlow();
      if (flow) {
        const tuple = [
          d.source[0]!,
          d.destination[0]!,
          d.sourcePort,
          d.destinationPort,
          d.ipProtocol,
        ];
        this.recent.unshift({ tuple, flow });
        if (this.recent.length > RECENT_FLOWS) this.recent.pop();
      }
      return flow;
    }
    return this.lookupFlow();
  }

  private lookupFlow(): FlowDirection | undefined {
    const d = this.decoder;
    const src = d.ipVersion === 4 ? String(d.source[0]) : d.source.join(",");
    const dst = d.ipVersion === 4 ? String(d.destination[0]) : d.destination.join(",");
    const here = `${d.ipProtocol}/${src}/${d.sourcePort}`;
    const there = `${d.ipProtocol}/${dst}/${d.destinationPort}`;
    const directional = `${here}>${there}`;
    let flow = this.flows.get(directional);
    if (flow) return flow;
    if (this.flows.size >= this.limits.maxFlows) {
      this.diagnostics.note("flows beyond the tracking cap not compared", `${this.flows.size}`);
      return undefined;
    }
    const from = formatAddress(d.ipVersion, d.source);
    const to = formatAddress(d.ipVersion, d.destination);
    const pair = `${from}>${to}`;
    let deltas = this.samples.get(pair);
    if (!deltas) {
      deltas = new DeltaSample();
      this.samples.set(pair, deltas);
    }
    flow = {
      flowKey: here < there ? `${here}~${there}` : `${there}~${here}`,
      from,
      to,
      sides: [sideCounts(), sideCounts()],
      deltas,
      waiting: [new Map<number, Waiting>(), new Map<number, Waiting>()],
      firstSegments: [new Map<number, Sighting>(), new Map<number, Sighting>()],
    };
    this.flows.set(directional, flow);
    return flow;
  }

  /** A segment whose sequence space this capture already saw from the same sender: a retransmission. */
  private noteSegment(side: Side, sighting: Sighting, segmentKey: number): void {
    const segments = sighting.flow.firstSegments[side];
    const first = segments.get(segmentKey);
    if (!first) {
      segments.set(segmentKey, sighting);
      return;
    }
    const counts = sighting.flow.sides[side];
    counts.retransmissions++;
    if (first.fate === Fate.matched) counts.retransmittedSpurious++;
    else if (first.fate === Fate.unmatched) counts.retransmittedLost++;
    else first.retransmissions++;
  }

  private match(side: Side, sighting: Sighting): void {
    const other = (1 - side) as Side;
    const twin = take(sighting.flow.waiting[other], sighting);
    if (twin) {
      const a = side === 0 ? sighting : twin;
      const b = side === 0 ? twin : sighting;
      this.settle(twin, Fate.matched, other);
      sighting.fate = Fate.matched;
      a.flow.sides[0].matched++;
      b.flow.sides[1].matched++;
      a.flow.deltas.add(b.time - a.time);
    } else {
      const waiting = sighting.flow.waiting[side];
      const present = waiting.get(sighting.key);
      if (present === undefined) waiting.set(sighting.key, sighting);
      else if (Array.isArray(present)) present.push(sighting);
      else waiting.set(sighting.key, [present, sighting]);
    }
    this.queues[side].push(sighting);
    if (this.queues[side].length - this.queueHeads[side] > this.limits.maxPendingPackets) {
      this.diagnostics.note(
        "matching window shortened: too many packets waiting for their match",
        `${this.limits.maxPendingPackets} per capture`,
      );
      this.retire(side, this.queues[side][this.queueHeads[side]++]!);
    }
  }

  /** A sighting leaves the window: unmatched if nothing claimed it. */
  private retire(side: Side, sighting: Sighting): void {
    if (sighting.fate === Fate.pending) {
      remove(sighting.flow.waiting[side], sighting);
      this.settle(sighting, Fate.unmatched, side);
      const counts = sighting.flow.sides[side];
      counts.unmatched++;
      if (sighting.udp) counts.unmatchedUdp++;
      else counts.unmatchedTcp++;
      const second = Math.floor(sighting.time);
      counts.unmatchedSeconds.set(second, (counts.unmatchedSeconds.get(second) ?? 0) + 1);
    }
    const segments = sighting.flow.firstSegments[side];
    if (sighting.segmentKey >= 0 && segments.get(sighting.segmentKey) === sighting)
      segments.delete(sighting.segmentKey);
  }

  /** Records a sighting's fate and classifies the retransmissions that waited for it. */
  private settle(sighting: Sighting, fate: Fate, side: Side): void {
    sighting.fate = fate;
    if (sighting.retransmissions === 0) return;
    const counts = sighting.flow.sides[side];
    if (fate === Fate.matched) counts.retransmittedSpurious += sighting.retransmissions;
    else counts.retransmittedLost += sighting.retransmissions;
    sighting.retransmissions = 0;
  }
}

/** Takes the oldest sighting waiting that is the same packet as `sighting`. */
function take(waiting: Map<number, Waiting>, sighting: Sighting): Sighting | undefined {
  const present = waiting.get(sighting.key);
  if (present === undefined) return undefined;
  if (!Array.isArray(present)) {
    if (present.check !== sighting.check) return undefined;
    waiting.delete(sighting.key);
    return present;
  }
  const at = present.findIndex((candidate) => candidate.check === sighting.check);
  if (at < 0) return undefined;
  const [twin] = present.splice(at, 1);
  if (present.length === 0) waiting.delete(sighting.key);
  return twin;
}

function remove(waiting: Map<number, Waiting>, sighting: Sighting): void {
  const present = waiting.get(sighting.key);
  if (present === sighting) waiting.delete(sighting.key);
  else if (Array.isArray(present)) {
    const at = present.indexOf(sighting);
    if (at >= 0) present.splice(at, 1);
    if (present.length === 0) waiting.delete(sighting.key);
  }
}

function sideCounts(): SideCounts {
  return {
    packets: 0,
    tcp: 0,
    udp: 0,
    matched: 0,
    unmatched: 0,
    unmatchedTcp: 0,
    unmatchedUdp: 0,
    unmatchedSeconds: new Map(),
    retransmissions: 0,
    retransmittedLost: 0,
    retransmittedSpurious: 0,
  };
}
