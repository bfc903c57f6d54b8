/** The JSON summary of one capture file. Every count is exact unless a bound was hit; then `warnings` says so. */
export interface CaptureSummary {
  format: CaptureFormat;
  /**
   * Link-layer header types seen (LINKTYPE_* numbers), e.g. 1 Ethernet, 113/276 Linux cooked, 101
   * (also 12, 14) raw IP, 228/229 raw IPv4/IPv6, 0/108 BSD loopback. Packets of any other link type
   * are counted but not decoded, and a warning says how many.
   */
  linkTypes: number[];
  /** Bytes consumed from the source, container headers included. */
  bytesRead: number;
  packets: number;
  /** Sum of original (on-the-wire) frame lengths — what tshark reports as `frame.len` and in its conversation tables. */
  bytes: number;
  /** Sum of captured lengths; smaller than `bytes` when a snap length cut packets short. */
  capturedBytes: number;
  /** Earliest and latest packet timestamps, ISO 8601 UTC with the file's full sub-second precision; null without timestamps. */
  firstPacketTime: string | null;
  lastPacketTime: string | null;
  durationSeconds: number;
  /** Packets and bytes per protocol layer, largest first; a frame counts once for each layer whose header it holds whole. */
  protocols: ProtocolStat[];
  hostCount: number;
  topHostsByBytes: HostStat[];
  topHostsByPackets: HostStat[];
  conversationCount: number;
  /** TCP/UDP 5-tuples and other IP protocols by address pair, both directions merged, largest first by bytes. */
  topConversations: ConversationStat[];
  /** Traffic of hosts or conversations beyond the tracking caps, so that totals still add up. */
  untracked: {
    hostPackets: number;
    conversationPackets: number;
    conversationBytes: number;
    /** Distinct conversations beyond the cap, estimated (linear counting: within ~1 % below 300 000). */
    conversations: number;
  };
  tcpHealth: TcpHealth;
  timeline: Timeline;
  /** Problems with the file's content (truncation, corruption, caps hit); the summary covers what could be read. */
  warnings: string[];
  /**
   * Present when the input is not a capture at all — empty, text, an unknown format, or cut short
   * inside its file header — saying what it is; a damaged capture has warnings instead.
   */
  notCapture?: string;
}

export type CaptureFormat = "pcap" | "pcapng" | "unknown";

export interface ProtocolStat {
  name: ProtocolName;
  packets: number;
  bytes: number;
}

export type ProtocolName =
  | "ethernet"
  | "linux-sll"
  | "linux-sll2"
  | "raw-ip"
  | "vlan"
  | "arp"
  | "ipv4"
  | "ipv6"
  | "ip-fragment"
  | "tcp"
  | "udp"
  | "icmp"
  | "icmpv6"
  | "other-ip"
  | "other-network"
  | "unsupported-link"
  | "loopback"
  | "pppoe"
  | "mpls";

export interface HostStat {
  address: string;
  packets: number;
  bytes: number;
  txPackets: number;
  txBytes: number;
  rxPackets: number;
  rxBytes: number;
}

export interface ConversationStat {
  /** "tcp", "udp", "icmp", "icmpv6" or "ip-proto-N". */
  protocol: string;
  /** A is the source of the first packet seen, as in tshark's conversation table. */
  addressA: string;
  /** Ports are null for protocols without them. */
  portA: number | null;
  addressB: string;
  portB: number | null;
  packetsAtoB: number;
  bytesAtoB: number;
  packetsBtoA: number;
  bytesBtoA: number;
  packets: number;
  bytes: number;
  /** Seconds from the capture's first packet to this conversation's first packet. */
  relativeStartSeconds: number;
  durationSeconds: number;
  tcp?: TcpConversationHealth;
}

export interface TcpConversationHealth {
  /** SYN without ACK (connection attempts, retries included). */
  syn: number;
  synAck: number;
  rst: number;
  retransmissions: number;
  /** Segments that arrived behind later ones but filled a hole: reordered, not resent. */
  outOfOrder: number;
  zeroWindow: number;
}

export interface TcpHealth {
  synPackets: number;
  synAckPackets: number;
  rstPackets: number;
  /**
   * Segments carrying sequence space (payload, SYN or FIN) already sent in that direction; keep-alives
   * excluded. Counted in tracked conversations only: it needs the conversation's sequence state.
   */
  retransmissions: number;
  /** Segments behind the highest sequence sent that fill a hole left by a jump ahead (reordering). */
  outOfOrderSegments: number;
  /** Window advertisements of zero, SYN/FIN/RST excluded — tshark's tcp.analysis.zero_window. */
  zeroWindowPackets: number;
  /** Conversations whose SYN got neither a SYN-ACK nor a RST. */
  unansweredSynConversations: number;
  /** Conversations whose SYN was answered by a RST only (connection refused). */
  refusedConversations: number;
  /** The worst conversations per kind, at most topN each. */
  topUnanswered: ConversationStat[];
  topRefused: ConversationStat[];
  topRetransmitting: ConversationStat[];
  topReset: ConversationStat[];
  topZeroWindow: ConversationStat[];
}

/** Packets and bytes per bucket; buckets widen (1 s, 2 s, 4 s, …) so that there are never more than the cap. */
export interface Timeline {
  bucketSeconds: number;
  /** Epoch seconds at the start of the first bucket; null when no packet had a timestamp. */
  startEpochSeconds: number | null;
  packets: number[];
  bytes: number[];
  /** TCP RST packets and retransmissions per bucket (absent in summaries written before they were). */
  rst?: number[];
  retransmissions?: number[];
}

export interface SummarizeOptions {
  /** Length of each top list. Default 10. */
  topN?: number;
  /** Called after each chunk with the total bytes read so far. */
  onProgress?: (bytesRead: number) => void;
  /** Distinct conversations tracked before the rest is counted as untracked. Default 100 000. */
  maxConversations?: number;
  /** Distinct hosts tracked before the rest is counted as untracked. Default 100 000. */
  maxHosts?: number;
  /** Most timeline buckets kept. Default 3600. */
  maxTimelineBuckets?: number;
  /**
   * Milliseconds of processing (time spent reading the source excluded) before the summary stops
   * early with a "summary truncated" warning, so that no capture can hold a worker indefinitely.
   * Default 120 000.
   */
  timeBudgetMs?: number;
}
