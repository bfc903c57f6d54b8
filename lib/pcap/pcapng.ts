import { swap32 } from "./byteOrder";
import type { Diagnostics } from "./diagnostics";
import { InterfaceClock } from "./interfaceClock";
import type { PacketSink } from "./packetSink";
import { MAX_RECORD_BYTES, type RecordFormat } from "./recordFramer";

export const PCAPNG_SECTION_HEADER = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const INTERFACE_DESCRIPTION = 0x00000001;
const OBSOLETE_PACKET = 0x00000002;
const SIMPLE_PACKET = 0x00000003;
const ENHANCED_PACKET = 0x00000006;
const OPTION_END = 0;
const OPTION_IF_TSRESOL = 9;
const OPTION_IF_TSOFFSET = 14;
/** Type, length, and the trailing length copy. */
const MIN_BLOCK_BYTES = 12;
/** Interfaces per section; each costs a few numbers, but a hostile file could declare millions. */
const MAX_INTERFACES = 65536;

interface CaptureInterface {
  linkType: number;
  snapLength: number;
  clock: InterfaceClock;
}

/**
 * pcapng: blocks of type, length, body, length. Each section header sets the byte order and starts a
 * new list of interfaces; each interface has its own link type and timestamp resolution.
 */
export class PcapngFormat implements RecordFormat {
  private littleEndian = true;
  private interfaces: CaptureInterface[] = [];

  constructor(
    private readonly sink: PacketSink,
    private readonly diagnostics: Diagnostics,
    private readonly onLinkType: (linkType: number) => void,
  ) {}

  headerLength(): number {
    return MIN_BLOCK_BYTES;
  }

  recordLength(buf: Buffer, offset: number): number {
    let littleEndian = this.littleEndian;
    const sectionHeader = buf.readUInt32LE(offset) === PCAPNG_SECTION_HEADER;
    if (sectionHeader) {
      // The section's byte order is only known from the magic after the length.
      const magic = buf.readUInt32LE(offset + 8);
      if (magic !== BYTE_ORDER_MAGIC && magic !== swap32(BYTE_ORDER_MAGIC)) {
        this.diagnostics.stop(
          `pcapng section header has a bad byte-order magic 0x${magic.toString(16)}`,
        );
        return -1;
      }
      littleEndian = magic === BYTE_ORDER_MAGIC;
    }
    const length = littleEndian ? buf.readUInt32LE(offset + 4) : buf.readUInt32BE(offset + 4);
    if (length < MIN_BLOCK_BYTES || length % 4 !== 0) {
      this.diagnostics.stop(`pcapng block with impossible length ${length}; the file is corrupt`);
      return -1;
    }
    if (sectionHeader && length > MAX_RECORD_BYTES) {
      this.diagnostics.stop(`pcapng section header of ${length} bytes; the file is corrupt`);
      return -1;
    }
    return length;
  }

  skipOversized(length: number): boolean {
    // Blocks carry their length twice, so skipping one keeps the framing (section headers never get here).
    this.diagnostics.note(`pcapng block over ${MAX_RECORD_BYTES} bytes skipped`, `${length} bytes`);
    return true;
  }

  record(buf: Buffer, offset: number, length: number): boolean {
    const type = this.u32(buf, offset);
    if (type === PCAPNG_SECTION_HEADER) {
      this.littleEndian = buf.readUInt32LE(offset + 8) === BYTE_ORDER_MAGIC;
      this.interfaces = [];
    }
    if (this.u32(buf, offset + length - 4) !== length) {
      this.diagnostics.stop(
        `pcapng block of type 0x${type.toString(16)} has mismatched leading and trailing lengths`,
      );
      return false;
    }
    switch (type) {
      case INTERFACE_DESCRIPTION:
        this.addInterface(buf, offset, length);
        break;
      case ENHANCED_PACKET:
        this.timedPacket(buf, offset, length, this.u32(buf, offset + 8));
        break;
      case OBSOLETE_PACKET:
        this.timedPacket(buf, offset, length, this.u16(buf, offset + 8));
        break;
      case SIMPLE_PACKET:
        this.simplePacket(buf, offset, length);
        break;
      default:
        // Name resolution, statistics, journal, custom blocks: nothing to summarise.
        break;
    }
    return true;
  }

  private addInterface(buf: Buffer, offset: number, length: number): void {
    if (length < 20) {
      this.diagnostics.note("pcapng interface description block too short", `${length} bytes`);
      return;
    }
    if (this.interfaces.length >= MAX_INTERFACES) {
      this.diagnostics.note(
        `more than ${MAX_INTERFACES} pcapng interfaces in a section; extra ones ignored`,
      );
      return;
    }
    const linkType = this.u16(buf, offset + 8);
    let tsresol = 6;
    let tsoffset = 0;
    const end = offset + length - 4;
    let at = offset + 16;
    while (at + 4 <= end) {
      const code = this.u16(buf, at);
      const valueLength = this.u16(buf, at + 2);
      const value = at + 4;
      if (code === OPTION_END || value + valueLength > end) break;
      if (code === OPTION_IF_TSRESOL && valueLength >= 1) tsresol = buf[value]!;
      if (code === OPTION_IF_TSOFFSET && valueLength >= 8) tsoffset = this.i64(buf, value);
      at = value + ((valueLength + 3) & ~3);
    }
    this.interfaces.push({
      linkType,
      snapLength: this.u32(buf, offset + 12),
      clock: new InterfaceClock(tsresol, tsoffset),
    });
    this.onLinkType(linkType);
  }

  /** Enhanced and obsolete packet blocks share their layout after the interface id. */
  private timedPacket(buf: Buffer, offset: number, length: number, interfaceId: number): void {
    const iface = this.interfaceFor(interfaceId);
    if (!iface || length < 32) {
      if (iface) this.diagnostics.note("pcapng packet block too short", `${length} bytes`);
      return;
    }
    const capturedLength = this.u32(buf, offset + 20);
    if (28 + capturedLength > length - 4) {
      this.diagnostics.note(
        "pcapng packet block shorter than its captured length",
        `captured ${capturedLength} in a ${length}-byte block`,
      );
      return;
    }
    iface.clock.split(this.u32(buf, offset + 12), this.u32(buf, offset + 16));
    this.sink.packet(
      iface.linkType,
      buf,
      offset + 28,
      capturedLength,
      this.u32(buf, offset + 24),
      iface.clock.seconds,
      iface.clock.nanoseconds,
    );
  }

  private simplePacket(buf: Buffer, offset: number, length: number): void {
    const iface = this.interfaceFor(0);
    if (!iface) return;
    if (length < 16) {
      this.diagnostics.note("pcapng packet block too short", `${length} bytes`);
      return;
    }
    const originalLength = this.u32(buf, offset + 8);
    // The captured length is implicit: the smallest of the original length, the block body, and the snap length.
    let capturedLength = Math.min(originalLength, length - 16);
    if (iface.snapLength > 0) capturedLength = Math.min(capturedLength, iface.snapLength);
    this.sink.packet(iface.linkType, buf, offset + 12, capturedLength, originalLength, NaN, NaN);
  }

  private interfaceFor(id: number): CaptureInterface | undefined {
    const iface = this.interfaces[id];
    if (!iface)
      this.diagnostics.note("pcapng packet for an undeclared interface ignored", `interface ${id}`);
    return iface;
  }

  private u16(buf: Buffer, offset: number): number {
    return this.littleEndian ? buf.readUInt16LE(offset) : buf.readUInt16BE(offset);
  }

  private u32(buf: Buffer, offset: number): number {
    return this.littleEndian ? buf.readUInt32LE(offset) : buf.readUInt32BE(offset);
  }

  private i64(buf: Buffer, offset: number): number {
    const high = this.littleEndian ? buf.readInt32LE(offset + 4) : buf.readInt32BE(offset);
    const low = this.littleEndian ? buf.readUInt32LE(offset) : buf.readUInt32BE(offset + 4);
    return high * 4294967296 + low;
  }
}
