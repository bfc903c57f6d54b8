/** Writes synthetic pcap and pcapng files, in either byte order and any timestamp resolution. */

export interface CapturedPacket {
  /** Nanoseconds since the epoch. */
  timeNs: bigint;
  data: Buffer;
  /** Defaults to data.length; larger when a snap length cut the packet. */
  originalLength?: number;
  /** pcapng: the interface that captured it (default 0). */
  interfaceId?: number;
  /** pcapng: write a simple packet block (no timestamp, interface 0). */
  simple?: boolean;
  /** pcapng: write the obsolete packet block (type 2) instead of an enhanced one. */
  obsolete?: boolean;
}

export interface PcapOptions {
  linkType: number;
  nanosecond?: boolean;
  bigEndian?: boolean;
  snapLength?: number;
}

/** Little or big endian field writer over growing parts. */
class Fields {
  readonly parts: Buffer[] = [];
  constructor(private readonly bigEndian: boolean) {}

  u16(value: number): this {
    const b = Buffer.alloc(2);
    if (this.bigEndian) b.writeUInt16BE(value);
    else b.writeUInt16LE(value);
    return this.raw(b);
  }

  u32(value: number): this {
    const b = Buffer.alloc(4);
    if (this.bigEndian) b.writeUInt32BE(value >>> 0);
    else b.writeUInt32LE(value >>> 0);
    return this.raw(b);
  }

  /** pcapng timestamps: the high 32 bits first, whatever the byte order. */
  timestamp(units: bigint): this {
    return this.u32(Number(units >> 32n)).u32(Number(units & 0xffffffffn));
  }

  i64(value: bigint): this {
    const b = Buffer.alloc(8);
    if (this.bigEndian) b.writeBigInt64BE(value);
    else b.writeBigInt64LE(value);
    return this.raw(b);
  }

  raw(b: Buffer): this {
    this.parts.push(b);
    return this;
  }

  padded(b: Buffer): this {
    return this.raw(b).raw(Buffer.alloc((4 - (b.length % 4)) % 4));
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export function pcapGlobalHeader(o: PcapOptions): Buffer {
  return new Fields(o.bigEndian ?? false)
    .u32(o.nanosecond ? 0xa1b23c4d : 0xa1b2c3d4)
    .u16(2)
    .u16(4)
    .u32(0)
    .u32(0)
    .u32(o.snapLength ?? 262144)
    .u32(o.linkType)
    .bytes();
}

export function pcapRecord(p: CapturedPacket, o: PcapOptions): Buffer {
  const perSecond = o.nanosecond ? 1_000_000_000n : 1_000_000n;
  const seconds = p.timeNs / 1_000_000_000n;
  const fraction = ((p.timeNs % 1_000_000_000n) * perSecond) / 1_000_000_000n;
  return new Fields(o.bigEndian ?? false)
    .u32(Number(seconds))
    .u32(Number(fraction))
    .u32(p.data.length)
    .u32(p.originalLength ?? p.data.length)
    .raw(p.data)
    .bytes();
}

export function writePcap(packets: CapturedPacket[], o: PcapOptions): Buffer {
  return Buffer.concat([pcapGlobalHeader(o), ...packets.map((p) => pcapRecord(p, o))]);
}

export interface PcapngInterface {
  linkType: number;
  /** if_tsresol byte: 6 = microseconds (the default), 9 = nanoseconds, 0x80 | n = 2^-n seconds. */
  tsresol?: number;
  /** if_tsoffset: seconds added to every timestamp of the interface. */
  tsoffset?: bigint;
  snapLength?: number;
}

export interface PcapngOptions {
  bigEndian?: boolean;
}

function block(type: number, body: Buffer, bigEndian: boolean): Buffer {
  const length = 12 + body.length;
  return new Fields(bigEndian).u32(type).u32(length).raw(body).u32(length).bytes();
}

function sectionHeader(bigEndian: boolean): Buffer {
  const body = new Fields(bigEndian)
    .u32(0x1a2b3c4d)
    .u16(1)
    .u16(0)
    .u32(0xffffffff)
    .u32(0xffffffff)
    .bytes();
  return block(0x0a0d0d0a, body, bigEndian);
}

function interfaceDescription(i: PcapngInterface, bigEndian: boolean): Buffer {
  const body = new Fields(bigEndian)
    .u16(i.linkType)
    .u16(0)
    .u32(i.snapLength ?? 262144);
  if (i.tsresol !== undefined)
    body
      .u16(9)
      .u16(1)
      .padded(Buffer.from([i.tsresol]));
  if (i.tsoffset !== undefined) body.u16(14).u16(8).i64(i.tsoffset);
  body.u16(0).u16(0);
  return block(1, body.bytes(), bigEndian);
}

function timestampUnits(timeNs: bigint, tsresol: number): bigint {
  const exponent = BigInt(tsresol & 0x7f);
  const perSecond = tsresol & 0x80 ? 1n << exponent : 10n ** exponent;
  return (timeNs * perSecond) / 1_000_000_000n;
}

function packetBlock(p: CapturedPacket, interfaces: PcapngInterface[], bigEndian: boolean): Buffer {
  const originalLength = p.originalLength ?? p.data.length;
  if (p.simple)
    return block(3, new Fields(bigEndian).u32(originalLength).padded(p.data).bytes(), bigEndian);
  const interfaceId = p.interfaceId ?? 0;
  const units = timestampUnits(p.timeNs, interfaces[interfaceId]?.tsresol ?? 6);
  const body = new Fields(bigEndian);
  if (p.obsolete) body.u16(interfaceId).u16(0);
  else body.u32(interfaceId);
  body.timestamp(units).u32(p.data.length).u32(originalLength).padded(p.data);
  return block(p.obsolete ? 2 : 6, body.bytes(), bigEndian);
}

/** One section: header, interface descriptions, then the packets (plus a statistics-like block readers must skip). */
export function writePcapng(
  interfaces: PcapngInterface[],
  packets: CapturedPacket[],
  o: PcapngOptions = {},
): Buffer {
  const bigEndian = o.bigEndian ?? false;
  const unknownBlock = block(0x80000abc, Buffer.alloc(8), bigEndian);
  return Buffer.concat([
    sectionHeader(bigEndian),
    ...interfaces.map((i) => interfaceDescription(i, bigEndian)),
    unknownBlock,
    ...packets.map((p) => packetBlock(p, interfaces, bigEndian)),
  ]);
}
