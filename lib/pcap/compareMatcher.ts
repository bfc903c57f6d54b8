import { formatAddress } from "./addressFormat";
import type { Diagnostics } from "./diagnostics";
import { CompareKeyTable } from "./compareKeyTable";
import { FlowTable } from "./flowTable";
import { PacketDecoder } from "./packetDecoder";
import type { PacketSink } from "./packetSink";
import { IpProtocol } from "./protocols";
import { SegmentChains } from "./segmentChains";
import { Fate, NONE, SightingRing } from "./sightingRing";

/** 0 = capture A, 1 = capture B. */
export type Side = 0 | 1;

const TCP_SYN = 0x02;
const TCP_FIN = 0x01;
const RESERVOIR_SIZE = 65_536;

/** Counts of one flow direction as one capture saw it. */
export interface SideCounts {
  packets: number;
  tcp: number;
  udp: number;
  matched: number;
  unmatched: number;
  unmatchedTcp: number;
  unmatchedUdp: number;
  retransmissions: number;
  retransmittedLost: number;
  retransmittedSpurious: number;
}

/** A directional 5-tuple and what each capture saw of it. */
export interface FlowDirection {
  /** Its index in CaptureMatcher.flows, the form sightings refer to it by. */
  index: number;
  /** Canonical (direction-free) flow key: both directions share it. */
  flowKey: string;
  from: string;
  to: string;
  sides: [SideCounts, SideCounts];
  /** t_B − t_A of matched packets, shared by every flow from `from` to `to`. */
  deltas: DeltaSample;
}

/** Reservoir sample (Vitter's algorithm R with a fixed-seed generator, so reports are reproducible) plus the exact extremes. */
export class DeltaSample {
  /** Grown as needed: a capture may hold thousands of address pairs with a few packets each. */
  private values = new Float64Array(16);
  count = 0;
  min = Infinity;
  max = -Infinity;
  private seed = 0x9e3779b9;
  /** sampled() in ascending order, sorted on first use after the last add. */
  private ascending: Float64Array | null = null;

  add(value: number): void {
    this.ascending = null;
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

  /**
   * The sampled values in ascending order. Sorted once: the report asks for the median of a pair
   * of addresses once per flow between them, and there may be thousands.
   */
  sorted(): Float64Array {
    this.ascending ??= this.sampled().slice().sort();
    return this.ascending;
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
 *
 * Per packet nothing is allocated: sightings live in typed arrays (SightingRing) and are indexed
 * by numeric keys (CompareKeyTable), because at capture sizes of hundreds of MB objects and boxed
 * Map keys per packet made garbage collection the comparison's largest cost.
 */
export class CaptureMatcher {
  /** Flow directions in order of first sighting; a sighting refers to one by its index here. */
  readonly flows: FlowDirection[] = [];
  /**
   * Flow direction → index in `flows`, keyed (IP version << 8 | protocol, source, destination,
   * source port << 16 | destination port) without building a string per packet.
   */
  private readonly flowTable: FlowTable;
  private readonly flowKey = new Int32Array(10);
  /** One delay sample per address pair (from → to). */
  private readonly samples = new Map<string, DeltaSample>();
  readonly firstTime: [number, number] = [Infinity, Infinity];
  readonly lastTime: [number, number] = [-Infinity, -Infinity];
  readonly packets: [number, number] = [0, 0];
  readonly transportPackets: [number, number] = [0, 0];
  /** Per capture: its sightings still in the window, oldest first. */
  private readonly rings: [SightingRing, SightingRing] = [
    new SightingRing((moved) => this.moved(0, moved)),
    new SightingRing((moved) => this.moved(1, moved)),
  ];
  /**
   * Per capture: unmatched sightings by flow and key → the oldest and the youngest of those with
   * that key, chained oldest to youngest through SightingRing.next (identical packets queue FIFO).
   */
  private readonly waiting: [CompareKeyTable, CompareKeyTable] = [
    new CompareKeyTable(),
    new CompareKeyTable(),
  ];
  /**
   * Per capture: flow, sequence, length → the arrival number (two words, see ARRIVAL_WORD) of the
   * first transmission of that segment. Entries go stale when their sighting leaves the window and
   * are overwritten or swept then, not deleted as it leaves: finding each one again 5 s after its
   * insertion, a cache miss per segment, was the largest cost left in the comparison.
   */
  private readonly firstSegments: [CompareKeyTable, CompareKeyTable] = [
    new CompareKeyTable((low, high) => !this.rings[0].holds(fromArrivalWords(low, high))),
    new CompareKeyTable((low, high) => !this.rings[1].holds(fromArrivalWords(low, high))),
  ];
  /**
   * Per capture: each flow's in-order segments, which enter firstSegments only when a segment
   * that needs a lookup comes (then every chained sighting from `indexedUpTo` on is inserted).
   */
  private readonly chains: [SegmentChains, SegmentChains] = [
    new SegmentChains(this.rings[0]),
    new SegmentChains(this.rings[1]),
  ];
  private readonly indexedUpTo: [number, number] = [0, 0];
  /**
   * Per capture: unmatched packets by flow and whole second (its float64 bits as two words). One
   * numeric table instead of a Map per flow: with thousands of flows, a Map update per lost
   * packet was a third of the comparison's time. Bounded like those Maps: one entry per flow and
   * second with a loss.
   */
  private readonly lossSeconds: [CompareKeyTable, CompareKeyTable] = [
    new CompareKeyTable(),
    new CompareKeyTable(),
  ];
  private readonly decoder: PacketDecoder;

  constructor(
    private readonly limits: MatcherLimits,
    private readonly diagnostics: Diagnostics,
  ) {
    this.decoder = new PacketDecoder(diagnostics);
    // Whole entries: a cap of 2.5 flows (options allow any positive number) admits a third.
    this.flowTable = new FlowTable(this.flowKey.length, 0, Math.ceil(limits.maxFlows));
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
    const ring = this.rings[side];
    while (ring.size > 0 && ring.time(ring.headSlot) < horizon) this.retire(side);
  }

  /** Finalizes everything still waiting (both captures read to the end). */
  finish(): void {
    this.expire(0, Infinity);
    this.expire(1, Infinity);
  }

  /**
   * Unmatched packets of `side` per flow and whole second (that capture's clock), in no particular
   * order. A second may come twice (as -0 and 0), so callers add up.
   */
  forEachLoss(
    side: Side,
    visit: (flow: FlowDirection, second: number, count: number) => void,
  ): void {
    this.lossSeconds[side].forEach((flow, high, low, count) =>
      visit(this.flows[flow]!, fromWords(high, low), count),
    );
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
    const flow = this.lookupFlow();
    if (!flow) return;
    const ipId = d.ipVersion === 4 ? data.readUInt16BE(d.networkOffset + 4) : 0;
    const counts = flow.sides[side];
    counts.packets++;
    const udp = d.ipProtocol === IpProtocol.udp;
    let keyA: number;
    let keyB: number;
    let check: number;
    let segment = false;
    /** The sequence space a segment takes: its length, 1 for a SYN or FIN without data. */
    let advance = 0;
    if (!udp) {
      counts.tcp++;
      const length = d.tcpPayloadLength & 0xffff;
      segment = length > 0 || (d.tcpFlags & (TCP_SYN | TCP_FIN)) !== 0;
      advance = length > 0 ? length : 1;
      keyA = d.tcpSequence | 0;
      keyB = ipId;
      check = length * 256 + d.tcpFlags;
    } else {
      counts.udp++;
      const at = d.transportOffset;
      check = data.readUInt16BE(at + 4);
      keyA = ipId;
      keyB = data.readUInt16BE(at + 6);
    }
    const sighting = this.rings[side].push(time, flow.index, keyA, keyB, check, udp);
    if (segment) this.noteSegment(side, sighting, flow, advance);
    this.match(side, sighting, flow);
  }

  private lookupFlow(): FlowDirection | undefined {
    const d = this.decoder;
    const key = this.flowKey;
    key[0] = (d.ipVersion << 8) | d.ipProtocol;
    // Plain stores: TypedArray.set is a builtin call, costly once per packet.
    for (let i = 0; i < 4; i++) {
      key[1 + i] = d.source[i]!;
      key[5 + i] = d.destination[i]!;
    }
    key[9] = (d.sourcePort << 16) | d.destinationPort;
    const entry = this.flowTable.upsert(key);
    if (entry < 0) {
      this.diagnostics.note(
        this.flowTable.size >= this.flowTable.maxEntries
          ? "flows beyond the tracking cap not compared"
          : "flows whose lookup needed too many probes not compared",
        `${this.flowTable.size}`,
      );
      return undefined;
    }
    if (!this.flowTable.created) return this.flows[entry];
    const src = d.ipVersion === 4 ? String(d.source[0]) : d.source.join(",");
    const dst = d.ipVersion === 4 ? String(d.destination[0]) : d.destination.join(",");
    const here = `${d.ipProtocol}/${src}/${d.sourcePort}`;
    const there = `${d.ipProtocol}/${dst}/${d.destinationPort}`;
    const from = formatAddress(d.ipVersion, d.source);
    const to = formatAddress(d.ipVersion, d.destination);
    const pair = `${from}>${to}`;
    let deltas = this.samples.get(pair);
    if (!deltas) {
      deltas = new DeltaSample();
      this.samples.set(pair, deltas);
    }
    const flow = {
      index: entry,
      flowKey: here < there ? `${here}~${there}` : `${there}~${here}`,
      from,
      to,
      sides: [sideCounts(), sideCounts()] as [SideCounts, SideCounts],
      deltas,
    };
    this.flows.push(flow);
    return flow;
  }

  /** A segment whose sequence space this capture already saw from the same sender: a retransmission. */
  private noteSegment(side: Side, sighting: number, flow: FlowDirection, advance: number): void {
    const ring = this.rings[side];
    const seq = ring.keyA(sighting);
    const arrival = ring.newestArrival();
    if (this.chains[side].extend(flow.index, seq, advance, arrival)) {
      ring.setChained(sighting);
      return;
    }
    this.indexChained(side);
    const segments = this.firstSegments[side];
    const entry = segments.upsert(flow.index, seq, ring.check(sighting) >>> 8);
    if (!this.holdsLive(segments, entry, ring)) {
      this.setFirstArrival(segments, entry, arrival);
      this.chains[side].indexed(flow.index, arrival);
      return;
    }
    const firstArrival = fromArrivalWords(segments.first(entry), segments.last(entry));
    const first = ring.slotOf(firstArrival);
    const counts = flow.sides[side];
    counts.retransmissions++;
    const fate = ring.fate(first);
    if (fate === Fate.matched) counts.retransmittedSpurious++;
    else if (fate === Fate.unmatched) counts.retransmittedLost++;
    else ring.setRetransmissions(first, ring.retransmissions(first) + 1);
  }

  /** Inserts the chained segments not yet in firstSegments, so that a lookup sees every segment. */
  private indexChained(side: Side): void {
    const ring = this.rings[side];
    const segments = this.firstSegments[side];
    const newest = ring.newestArrival();
    for (
      let arrival = Math.max(this.indexedUpTo[side], ring.oldestArrival());
      arrival <= newest;
      arrival++
    ) {
      const slot = ring.slotOf(arrival);
      if (!ring.chained(slot)) continue;
      const entry = segments.upsert(ring.flow(slot), ring.keyA(slot), ring.check(slot) >>> 8);
      // A chained segment is the first of its kind in the window: any entry found is stale.
      this.setFirstArrival(segments, entry, arrival);
    }
    this.indexedUpTo[side] = newest + 1;
  }

  /** Whether `entry` (just upserted) holds a segment still in the window. */
  private holdsLive(segments: CompareKeyTable, entry: number, ring: SightingRing): boolean {
    return (
      !segments.created && ring.holds(fromArrivalWords(segments.first(entry), segments.last(entry)))
    );
  }

  private setFirstArrival(segments: CompareKeyTable, entry: number, arrival: number): void {
    segments.setFirst(entry, arrival | 0);
    segments.setLast(entry, Math.floor(arrival / ARRIVAL_WORD));
  }

  private match(side: Side, sighting: number, flow: FlowDirection): void {
    const other = (1 - side) as Side;
    const ring = this.rings[side];
    const twin = this.take(
      other,
      flow.index,
      ring.keyA(sighting),
      ring.keyB(sighting),
      ring.check(sighting),
    );
    if (twin !== NONE) {
      this.settle(other, twin, Fate.matched);
      ring.setFate(sighting, Fate.matched);
      flow.sides[0].matched++;
      flow.sides[1].matched++;
      const twinTime = this.rings[other].time(twin);
      flow.deltas.add(side === 0 ? twinTime - ring.time(sighting) : ring.time(sighting) - twinTime);
    } else {
      this.wait(side, sighting, flow.index);
    }
    if (ring.size > this.limits.maxPendingPackets) {
      this.diagnostics.note(
        "matching window shortened: too many packets waiting for their match",
        `${this.limits.maxPendingPackets} per capture`,
      );
      this.retire(side);
    }
  }

  /** Queues an unmatched sighting behind any waiting with the same key. */
  private wait(side: Side, sighting: number, flow: number): void {
    const ring = this.rings[side];
    const waiting = this.waiting[side];
    const entry = waiting.upsert(flow, ring.keyA(sighting), ring.keyB(sighting));
    if (waiting.created) waiting.setFirst(entry, sighting);
    else ring.setNext(waiting.last(entry), sighting);
    waiting.setLast(entry, sighting);
  }

  /** Takes the oldest sighting of `side` waiting that is the same packet, or NONE. */
  private take(side: Side, flow: number, keyA: number, keyB: number, check: number): number {
    const waiting = this.waiting[side];
    const entry = waiting.find(flow, keyA, keyB);
    if (entry < 0) return NONE;
    const ring = this.rings[side];
    let previous = NONE;
    for (
      let sighting = waiting.first(entry);
      sighting !== NONE;
      previous = sighting, sighting = ring.next(sighting)
    )
      if (ring.check(sighting) === check) {
        this.unlink(side, entry, previous, sighting);
        return sighting;
      }
    return NONE;
  }

  /** Removes `sighting` (whose predecessor in its chain is `previous`) from the sightings waiting. */
  private unlink(side: Side, entry: number, previous: number, sighting: number): void {
    const ring = this.rings[side];
    const waiting = this.waiting[side];
    const next = ring.next(sighting);
    if (previous === NONE && next === NONE) waiting.remove(entry);
    else if (previous === NONE) waiting.setFirst(entry, next);
    else {
      ring.setNext(previous, next);
      if (next === NONE) waiting.setLast(entry, previous);
    }
  }

  /** The oldest sighting of `side` leaves the window: unmatched if nothing claimed it. */
  private retire(side: Side): void {
    const ring = this.rings[side];
    const sighting = ring.headSlot;
    const flow = this.flows[ring.flow(sighting)]!;
    if (ring.fate(sighting) === Fate.pending) {
      // Older sightings have left already and matched ones left the chain: this one heads its chain.
      const entry = this.waiting[side].find(flow.index, ring.keyA(sighting), ring.keyB(sighting));
      this.unlink(side, entry, NONE, sighting);
      this.settle(side, sighting, Fate.unmatched);
      const counts = flow.sides[side];
      counts.unmatched++;
      if (ring.udp(sighting)) counts.unmatchedUdp++;
      else counts.unmatchedTcp++;
      this.countLossAt(side, flow.index, Math.floor(ring.time(sighting)));
    }
    ring.shift();
  }

  private countLossAt(side: Side, flow: number, second: number): void {
    toWords(second);
    const seconds = this.lossSeconds[side];
    const entry = seconds.upsert(flow, secondWords[0]!, secondWords[1]!);
    seconds.setFirst(entry, seconds.first(entry) + 1);
  }

  /** A ring grew: its sightings moved to new slots, which the tables refer to them by. */
  private moved(side: Side, moved: (slot: number) => number): void {
    this.waiting[side].remapValues(moved);
  }

  /** Records a sighting's fate and classifies the retransmissions that waited for it. */
  private settle(side: Side, sighting: number, fate: Fate): void {
    const ring = this.rings[side];
    ring.setFate(sighting, fate);
    const retransmissions = ring.retransmissions(sighting);
    if (retransmissions === 0) return;
    const counts = this.flows[ring.flow(sighting)]!.sides[side];
    if (fate === Fate.matched) counts.retransmittedSpurious += retransmissions;
    else counts.retransmittedLost += retransmissions;
    ring.setRetransmissions(sighting, 0);
  }
}

/** A whole second as the two 32-bit words of its float64, exact for any value (see lossSeconds). */
const secondBits = new Float64Array(1);
const secondWords = new Int32Array(secondBits.buffer);

function toWords(second: number): void {
  secondBits[0] = second;
}

function fromWords(a: number, b: number): number {
  secondWords[0] = a;
  secondWords[1] = b;
  return secondBits[0]!;
}

/** Arrival numbers pass 2³² in long captures: stored as their low 32 bits and the rest. */
const ARRIVAL_WORD = 2 ** 32;

function fromArrivalWords(low: number, high: number): number {
  return high * ARRIVAL_WORD + (low >>> 0);
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
    retransmissions: 0,
    retransmittedLost: 0,
    retransmittedSpurious: 0,
  };
}
