/**
 * Capture file formats by their first four bytes. The magic numbers themselves belong to the
 * pcap reader (lib/pcap), so the verifier and the summarizer can never disagree on what a
 * capture file is.
 */
import { isPcapMagic } from "../pcap/pcapClassic";
import { PCAPNG_SECTION_HEADER } from "../pcap/pcapng";

/** A pcap global header alone is 24 bytes: a file no larger holds no packets. */
export const PCAP_HEADER_BYTES = 24;

export function detectCaptureFormat(head: Uint8Array): "pcap" | "pcapng" | undefined {
  if (head.length < 4) return undefined;
  const magic = Buffer.from(head.subarray(0, 4)).readUInt32LE(0);
  if (isPcapMagic(magic)) return "pcap";
  if (magic === PCAPNG_SECTION_HEADER) return "pcapng";
  return undefined;
}
