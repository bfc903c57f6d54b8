import { formatTimestamp } from "./addressFormat";
import type { CaptureMatcher, DeltaSample, FlowDirection, Side } from "./compareMatcher";
import type {
  CaptureComparison,
  ClockEstimate,
  CompareSide,
  DelayDistribution,
  DirectionReport,
  LossWindow,
} from "./compareTypes";

const MAX_LOSS_WINDOWS = 5;

/** The flows of one direction (sending address → receiving address, and whose capture sent). */
interface Group {
  sender: Side;
  flows: FlowDirection[];
  /** The sender's unmatched packets per whole second (its clock). */
  lossSeconds: Map<number, number>;
}
/** Seconds without a loss that still belong to the same loss window. */
const LOSS_WINDOW_GAP_SECONDS = 1;

/** Turns the matcher's counts into the comparison: who sent what, the clock offset, delays, losses. */
export function buildComparison(matcher: CaptureMatcher, warnings: string[]): CaptureComparison {
  const masks = flowMasks(matcher);
  const compared = new Set([...masks].filter(([, m]) => m === 3).map(([key]) => key));
  const only = (mask: number): number => [...masks.values()].filter((m) => m === mask).length;
  const shares = [hostShares(matcher, 0), hostShares(matcher, 1)] as const;
  const groups = new Map<string, Group>();
  const groupOf: Array<Group | undefined> = [];
  const ties = new Set<string>();
  const samples = new Map<string, DeltaSample>();
  for (const flow of matcher.flows) samples.set(`${flow.from}>${flow.to}`, flow.deltas);
  for (const flow of matcher.flows) {
    if (!compared.has(flow.flowKey)) continue;
    const sender = senderOf(flow, shares, samples, ties);
    const key = `${sender}|${flow.from}|${flow.to}`;
    const group: Group = groups.get(key) ?? { sender, flows: [], lossSeconds: new Map() };
    group.flows.push(flow);
    groups.set(key, group);
    groupOf[flow.index] = group;
  }
  for (const s of [0, 1] as const)
    matcher.forEachLoss(s, (flow, second, n) => {
      const group = groupOf[flow.index];
      if (group?.sender === s)
        group.lossSeconds.set(second, (group.lossSeconds.get(second) ?? 0) + n);
    });
  const notes = [...warnings];
  for (const pair of ties)
    notes.push(`could not tell which capture sent ${pair}; taken as capture A`);
  const clock = estimateClock([...groups.values()]);
  const directions = [...groups.values()]
    .map((g) => directionReport(g, clock.offsetSeconds))
    .sort((x, y) => y.sent - x.sent);
  return {
    captures: [side(matcher, 0), side(matcher, 1)],
    clock,
    flowsCompared: compared.size,
    flowsOnlyInA: only(1),
    flowsOnlyInB: only(2),
    directions,
    warnings: notes,
  };
}

function side(matcher: CaptureMatcher, s: Side): CompareSide {
  const iso = (t: number): string | null =>
    Number.isFinite(t) ? formatTimestamp(Math.floor(t), Math.round((t % 1) * 1e9) % 1e9) : null;
  return {
    packets: matcher.packets[s],
    transportPackets: matcher.transportPackets[s],
    firstPacketTime: iso(matcher.firstTime[s]),
    lastPacketTime: iso(matcher.lastTime[s]),
  };
}

/** Per canonical flow (either direction): 1 = seen in A only, 2 = in B only, 3 = in both. */
function flowMasks(matcher: CaptureMatcher): Map<string, number> {
  const masks = new Map<string, number>();
  for (const flow of matcher.flows) {
    const mask = (flow.sides[0].packets > 0 ? 1 : 0) | (flow.sides[1].packets > 0 ? 2 : 0);
    masks.set(flow.flowKey, (masks.get(flow.flowKey) ?? 0) | mask);
  }
  return masks;
}

/** Share of a capture's TCP/UDP packets each address takes part in. */
function hostShares(matcher: CaptureMatcher, s: Side): Map<string, number> {
  const counts = new Map<string, number>();
  for (const flow of matcher.flows) {
    const n = flow.sides[s].packets;
    counts.set(flow.from, (counts.get(flow.from) ?? 0) + n);
    if (flow.to !== flow.from) counts.set(flow.to, (counts.get(flow.to) ?? 0) + n);
  }
  const total = Math.max(1, matcher.transportPackets[s]);
  for (const [address, n] of counts) counts.set(address, n / total);
  return counts;
}

/**
 * The capture taken where `from` is local. A VM's own address is in (nearly) every packet of its
 * capture, its peer's only in their shared traffic: `from` leads `to` more in the sender's capture.
 * When both captures hold only these two hosts that cannot tell, time does: t_B − t_A is the
 * offset plus the delay for what A sent and the offset minus the delay for what B sent, so of
 * the two directions the one with the larger median t_B − t_A left A.
 */
function senderOf(
  flow: FlowDirection,
  shares: readonly [Map<string, number>, Map<string, number>],
  samples: Map<string, DeltaSample>,
  ties: Set<string>,
): Side {
  const lead = (s: Side): number => (shares[s].get(flow.from) ?? 0) - (shares[s].get(flow.to) ?? 0);
  const score = lead(0) - lead(1);
  if (Math.abs(score) > SHARE_TIE) return score > 0 ? 0 : 1;
  const here = median(flow.deltas);
  const back = median(samples.get(`${flow.to}>${flow.from}`));
  if (here !== undefined && back !== undefined && here !== back) return here > back ? 0 : 1;
  ties.add(`${flow.from} → ${flow.to}`);
  return 0;
}

/** Share differences below this are treated as equal (both hosts in every packet of both captures). */
const SHARE_TIE = 0.01;

function median(sample: DeltaSample | undefined): number | undefined {
  if (!sample || sample.count === 0) return undefined;
  const sorted = sample.sorted();
  return sorted[Math.floor(sorted.length / 2)];
}

function estimateClock(groups: Group[]): ClockEstimate {
  let minAtoB = Infinity;
  let maxBtoA = -Infinity;
  for (const { sender, flows } of groups)
    for (const flow of flows) {
      if (flow.deltas.count === 0) continue;
      if (sender === 0) minAtoB = Math.min(minAtoB, flow.deltas.min);
      else maxBtoA = Math.max(maxBtoA, flow.deltas.max);
    }
  if (Number.isFinite(minAtoB) && Number.isFinite(maxBtoA))
    return {
      offsetSeconds: (minAtoB + maxBtoA) / 2,
      minimumDelaySeconds: (minAtoB - maxBtoA) / 2,
      method:
        "offset = (min(t_B − t_A) over A→B + max(t_B − t_A) over B→A) / 2, assuming the minimum one-way delay is the same both ways",
    };
  return {
    offsetSeconds: 0,
    minimumDelaySeconds: null,
    method:
      "matched packets one way only: the clock offset cannot be separated from the delay and is taken as 0 (delays include any offset)",
  };
}

function directionReport({ sender, flows, lossSeconds }: Group, offset: number): DirectionReport {
  const receiver = (1 - sender) as Side;
  const first = flows[0]!;
  let sent = 0;
  let delivered = 0;
  let lost = 0;
  const tcp = { sent: 0, lost: 0 };
  const udp = { sent: 0, lost: 0 };
  let unexplainedArrivals = 0;
  const retransmissions = { total: 0, originalLost: 0, spurious: 0 };
  for (const flow of flows) {
    const out = flow.sides[sender];
    sent += out.packets;
    delivered += out.matched;
    lost += out.unmatched;
    tcp.sent += out.tcp;
    tcp.lost += out.unmatchedTcp;
    udp.sent += out.udp;
    udp.lost += out.unmatchedUdp;
    unexplainedArrivals += flow.sides[receiver].unmatched;
    retransmissions.total += out.retransmissions;
    retransmissions.originalLost += out.retransmittedLost;
    retransmissions.spurious += out.retransmittedSpurious;
  }
  return {
    from: first.from,
    to: first.to,
    sender: sender === 0 ? "a" : "b",
    sent,
    delivered,
    lost,
    lostShare: sent > 0 ? lost / sent : 0,
    tcp,
    udp,
    lossWindows: lossWindows(lossSeconds),
    unexplainedArrivals,
    delay: delayDistribution(first.deltas, sender, offset),
    retransmissions,
  };
}

function lossWindows(seconds: Map<number, number>): LossWindow[] {
  const sorted = [...seconds].sort((x, y) => x[0] - y[0]);
  const windows: Array<{ start: number; end: number; packets: number }> = [];
  for (const [second, n] of sorted) {
    const last = windows[windows.length - 1];
    if (last && second - last.end <= LOSS_WINDOW_GAP_SECONDS + 1) {
      last.end = second;
      last.packets += n;
    } else windows.push({ start: second, end: second, packets: n });
  }
  return windows
    .sort((x, y) => y.packets - x.packets || x.start - y.start)
    .slice(0, MAX_LOSS_WINDOWS)
    .map((w) => ({
      start: formatTimestamp(w.start, 0),
      end: formatTimestamp(w.end + 1, 0),
      packets: w.packets,
    }));
}

/** One-way delays: A→B is t_B − t_A − offset, B→A is offset − (t_B − t_A). */
function delayDistribution(
  sample: DeltaSample,
  sender: Side,
  offset: number,
): DelayDistribution | null {
  if (sample.count === 0) return null;
  // Subtracting is monotonic, so the sorted deltas give the delays sorted (reversed for B→A).
  const delays =
    sender === 0
      ? sample.sorted().map((delta) => delta - offset)
      : sample
          .sorted()
          .map((delta) => offset - delta)
          .reverse();
  const quantile = (q: number): number =>
    delays[Math.min(delays.length - 1, Math.floor(q * delays.length))]!;
  const extremes =
    sender === 0
      ? [sample.min - offset, sample.max - offset]
      : [offset - sample.max, offset - sample.min];
  return {
    samples: sample.count,
    minSeconds: extremes[0]!,
    p50Seconds: quantile(0.5),
    p90Seconds: quantile(0.9),
    p99Seconds: quantile(0.99),
    maxSeconds: extremes[1]!,
  };
}
