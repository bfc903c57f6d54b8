/** Summaries for the report tests: a demo-like capture with TCP trouble, and an empty one. */
import type { CaptureSummary } from "../../lib/pcap";
import { writePcap, type CapturedPacket } from "../pcap/support/captureWriter";
import { summarize } from "../pcap/support/chunked";
import { frameFor, LinkTypes, mixedTraffic, tcpEdgeCases } from "../pcap/support/scenarios";

export const START_NS = 1_700_000_000_123_456_789n;
/** Two seconds into the capture. */
export const FIRED_AT = new Date(Number(START_NS / 1_000_000n) + 2000).toISOString();

export function demoSummary(): Promise<CaptureSummary> {
  const traffic = [...mixedTraffic(START_NS), ...tcpEdgeCases(START_NS + 1_500_000_000n)];
  const packets: CapturedPacket[] = traffic
    .map((p) => ({ timeNs: p.timeNs, data: frameFor(LinkTypes.ethernet, p)! }))
    .sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0));
  return summarize(writePcap(packets, { linkType: LinkTypes.ethernet }));
}

export function emptySummary(): Promise<CaptureSummary> {
  return summarize(writePcap([], { linkType: LinkTypes.ethernet }));
}
