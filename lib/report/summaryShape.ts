/**
 * The summary JSON as the report page reads it back from storage: checked, not trusted, since
 * anyone with write access to the container could have replaced it. Bounded lists and strings keep
 * a tampered file from making a huge page.
 */
import { z } from "zod";
import type { CaptureSummary } from "../pcap";

const count = z.number().finite().nonnegative();
const text = z.string().max(300);
const list = <T extends z.ZodType>(item: T) => z.array(item).max(1000);

const host = z.object({
  address: text,
  packets: count,
  bytes: count,
  txPackets: count,
  txBytes: count,
  rxPackets: count,
  rxBytes: count,
});

const conversation = z.object({
  protocol: text,
  addressA: text,
  portA: z.number().int().nullable(),
  addressB: text,
  portB: z.number().int().nullable(),
  packetsAtoB: count,
  bytesAtoB: count,
  packetsBtoA: count,
  bytesBtoA: count,
  packets: count,
  bytes: count,
  relativeStartSeconds: z.number().finite(),
  durationSeconds: z.number().finite(),
  tcp: z
    .object({
      syn: count,
      synAck: count,
      rst: count,
      retransmissions: count,
      outOfOrder: count.default(0),
      zeroWindow: count,
    })
    .optional(),
});

const series = z.array(count).max(100_000);

export const summaryShape = z.object({
  format: z.enum(["pcap", "pcapng", "unknown"]),
  linkTypes: list(z.number().int()),
  bytesRead: count,
  packets: count,
  bytes: count,
  capturedBytes: count,
  firstPacketTime: text.nullable(),
  lastPacketTime: text.nullable(),
  durationSeconds: z.number().finite(),
  protocols: list(z.object({ name: text, packets: count, bytes: count })),
  hostCount: count,
  topHostsByBytes: list(host),
  topHostsByPackets: list(host),
  conversationCount: count,
  topConversations: list(conversation),
  untracked: z.object({
    hostPackets: count,
    conversationPackets: count,
    conversationBytes: count,
    conversations: count.default(0),
  }),
  tcpHealth: z.object({
    synPackets: count,
    synAckPackets: count,
    rstPackets: count,
    retransmissions: count,
    outOfOrderSegments: count.default(0),
    zeroWindowPackets: count,
    unansweredSynConversations: count,
    refusedConversations: count,
    topUnanswered: list(conversation),
    topRefused: list(conversation),
    topRetransmitting: list(conversation),
    topReset: list(conversation),
    topZeroWindow: list(conversation),
  }),
  timeline: z.object({
    bucketSeconds: z.number().positive().finite(),
    startEpochSeconds: z.number().finite().nullable(),
    packets: series,
    bytes: series,
    rst: series.optional(),
    retransmissions: series.optional(),
  }),
  warnings: list(z.string().max(2000)),
  notCapture: text.optional(),
});

/** The summary, or why it cannot be shown. */
export function parseSummary(
  json: string,
): { ok: true; value: CaptureSummary } | { ok: false; message: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (cause) {
    return { ok: false, message: `the summary is not JSON: ${(cause as Error).message}` };
  }
  const parsed = summaryShape.safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      message: `the summary is not a capture summary: ${parsed.error.issues[0]?.message}`,
    };
  return { ok: true, value: parsed.data as CaptureSummary };
}
