/** The JSON result of comparing two captures of the same traffic taken at its two ends. */
export interface CaptureComparison {
  /** Capture A (the first file) and capture B. */
  captures: [CompareSide, CompareSide];
  clock: ClockEstimate;
  /** TCP/UDP flows (5-tuples, both directions) seen in both captures: the ones compared. */
  flowsCompared: number;
  /** Flows seen in one capture only (traffic with other hosts): not compared. */
  flowsOnlyInA: number;
  flowsOnlyInB: number;
  /** Per sending address → receiving address, over the flows seen in both captures. */
  directions: DirectionReport[];
  warnings: string[];
}

export interface CompareSide {
  packets: number;
  /** TCP and UDP packets over IP, the ones matched. */
  transportPackets: number;
  firstPacketTime: string | null;
  lastPacketTime: string | null;
}

/**
 * B's clock minus A's, from packets matched in both captures. Method: the smallest one-way
 * transit each way (A→B: t_B − t_A, B→A: t_A − t_B) contains the offset with opposite signs;
 * assuming the minimum delay is the same both ways (as NTP does), the offset is half their
 * difference. With traffic one way only it cannot be separated from the delay and is taken as 0.
 */
export interface ClockEstimate {
  offsetSeconds: number;
  /** The assumed common minimum one-way delay, null when the offset could not be estimated. */
  minimumDelaySeconds: number | null;
  method: string;
}

export interface DirectionReport {
  from: string;
  to: string;
  /** Which capture is the sender's (where `from` is the local address). */
  sender: "a" | "b";
  /** Packets of compared flows that left `from` (in the sender's capture). */
  sent: number;
  /** Of those, found in the receiver's capture. */
  delivered: number;
  /** Left the sender, never reached the receiver. */
  lost: number;
  /** lost / sent, 0–1. */
  lostShare: number;
  tcp: { sent: number; lost: number };
  udp: { sent: number; lost: number };
  /** Where the losses cluster: runs of seconds (sender's clock) with losses, most losses first (≤ 5). */
  lossWindows: LossWindow[];
  /** Packets the receiver captured that the sender's capture does not hold (capture drops, or sent before it started). */
  unexplainedArrivals: number;
  /** One-way delay after removing the clock offset; null without matched packets. */
  delay: DelayDistribution | null;
  retransmissions: RetransmissionSplit;
}

export interface LossWindow {
  start: string;
  end: string;
  packets: number;
}

export interface DelayDistribution {
  /** Matched packets measured (the quantiles come from a uniform sample of at most 65,536). */
  samples: number;
  minSeconds: number;
  p50Seconds: number;
  p90Seconds: number;
  p99Seconds: number;
  maxSeconds: number;
}

/** TCP segments the sender sent again (same flow, sequence number and length) within the matching window. */
export interface RetransmissionSplit {
  total: number;
  /** The earlier transmission left the sender and never reached the receiver: a loss on the path. */
  originalLost: number;
  /** The earlier transmission did reach the receiver: the retransmission was not needed. */
  spurious: number;
}

export interface CompareOptions {
  /** How far apart (seconds, clock offset included) the two sightings of a packet may be. Default 5. */
  windowSeconds?: number;
  /** Distinct flows tracked; packets of further flows are not compared (a warning says so). Default 100 000. */
  maxFlows?: number;
  /** Packets held per capture while waiting for their match. Default 2 000 000. */
  maxPendingPackets?: number;
}
