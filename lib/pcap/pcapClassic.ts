import { swap32 } from "./byteOrder";
import type { Diagnostics } from "./diagnostics";
import type { PacketSink } from "./packetSink";
import { MAX_RECORD_BYTES, type RecordFormat } from "./recordFramer";

export const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOS = 0xa1b23c4d;
const GLOBAL_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;

/** True when the first four bytes (read little-endian) are a pcap magic in either byte order. */
export function isPcapMagic(magicLE: number): boolean {
  const swapped = swap32(magicLE);
  return [PCAP_MAGIC_MICROS, PCAP_MAGIC_NANOS].some((m) => m === magicLE || m === swapped);
}

/** Classic libpcap files: a 24-byte global header, then records of a 16-byte header and the packet. */
export class PcapClassicFormat implements RecordFormat {
  private inHeader = true;
  private littleEndian = true;
  private nanosPerFraction = 1000;
  private linkType = 0;

  constructor(
    private readonly sink: PacketSink,
    private readonly diagnostics: Diagnostics,
    private readonly onLinkType: (linkType: number) => void,
  ) {}

  headerLength(): number {
    return this.inHeader ? GLOBAL_HEADER_BYTES : RECORD_HEADER_BYTES;
  }

  recordLength(buf: Buffer, offset: number): number {
    if (this.inHeader) return GLOBAL_HEADER_BYTES;
    return RECORD_HEADER_BYTES + this.u32(buf, offset + 8);
  }

  skipOversized(length: number): boolean {
    // A pcap record has no trailer to resynchronise on: past a length this implausible, nothing after it can be trusted.
    this.diagnostics.stop(
      `pcap record claims ${length - RECORD_HEADER_BYTES} captured bytes (cap ${MAX_RECORD_BYTES}); the file is corrupt`,
    );
    return false;
  }

  record(buf: Buffer, offset: number, length: number): boolean {
    if (this.inHeader) {
      this.readGlobalHeader(buf, offset);
      this.inHeader = false;
      return true;
    }
    const seconds = this.u32(buf, offset);
    const fraction = this.u32(buf, offset + 4);
    const originalLength = this.u32(buf, offset + 12);
    // Corrupt files may hold a fraction of a second or more; carry it into the seconds rather than print it.
    const nanoseconds = fraction * this.nanosPerFraction;
    this.sink.packet(
      this.linkType,
      buf,
      offset + RECORD_HEADER_BYTES,
      length - RECORD_HEADER_BYTES,
      originalLength,
      seconds + Math.floor(nanoseconds / 1e9),
      nanoseconds % 1e9,
    );
    return true;
  }

  private readGlobalHeader(buf: Buffer, offset: number): void {
    const magic = buf.readUInt32LE(offset);
    this.littleEndian = magic === PCAP_MAGIC_MICROS || magic === PCAP_MAGIC_NANOS;
    const native = this.u32(buf, offset);
    this.nanosPerFraction = native === PCAP_MAGIC_NANOS ? 1 : 1000;
    // The upper bits of the link-type field carry FCS information (pcap spec, "LinkType and additional information").
    this.linkType = this.u32(buf, offset + 20) & 0xffff;
    this.onLinkType(this.linkType);
  }

  private u32(buf: Buffer, offset: number): number {
    return this.littleEndian ? buf.readUInt32LE(offset) : buf.readUInt32BE(offset);
  }
}
