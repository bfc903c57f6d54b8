/** Capture file formats by their first four bytes (libpcap and pcapng magic numbers). */
const PCAP_MAGICS = new Set(["a1b2c3d4", "d4c3b2a1", "a1b23c4d", "4d3cb2a1"]);
const PCAPNG_MAGIC = "0a0d0d0a";

/** A pcap global header alone is 24 bytes: a file no larger holds no packets. */
export const PCAP_HEADER_BYTES = 24;

export function detectCaptureFormat(head: Uint8Array): "pcap" | "pcapng" | undefined {
  if (head.length < 4) return undefined;
  const magic = Buffer.from(head.subarray(0, 4)).toString("hex");
  if (PCAP_MAGICS.has(magic)) return "pcap";
  if (magic === PCAPNG_MAGIC) return "pcapng";
  return undefined;
}
