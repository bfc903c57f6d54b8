import type { Diagnostics } from "./diagnostics";
import type { PacketSink } from "./packetSink";
import { isPcapMagic, PcapClassicFormat } from "./pcapClassic";
import { PCAPNG_SECTION_HEADER, PcapngFormat } from "./pcapng";
import { RecordFramer } from "./recordFramer";
import type { CaptureFormat } from "./types";

const MAGIC_BYTES = 4;

/** Recognises the container from its first four bytes, then streams every chunk through that format's framer. */
export class CaptureReader {
  format: CaptureFormat = "unknown";
  /** What the input is when it is not a capture (see CaptureSummary.notCapture). */
  notCapture: string | null = null;
  private framer: RecordFramer | null = null;
  private readonly prefix = Buffer.alloc(MAGIC_BYTES);
  private prefixLength = 0;

  constructor(
    private readonly sink: PacketSink,
    private readonly diagnostics: Diagnostics,
    private readonly onLinkType: (linkType: number) => void,
  ) {}

  get stopped(): boolean {
    return this.diagnostics.stopped || (this.framer?.stopped ?? false);
  }

  push(chunk: Buffer): void {
    if (this.stopped) return;
    if (this.framer) {
      this.framer.push(chunk);
      return;
    }
    // The magic may arrive split over several tiny chunks.
    const take = Math.min(MAGIC_BYTES - this.prefixLength, chunk.length);
    chunk.copy(this.prefix, this.prefixLength, 0, take);
    this.prefixLength += take;
    if (this.prefixLength < MAGIC_BYTES) return;
    this.framer = this.framerFor(this.prefix.readUInt32LE(0));
    if (!this.framer) return;
    this.framer.push(this.prefix);
    this.framer.push(chunk.subarray(take));
  }

  end(): void {
    if (this.framer) {
      if (this.framer.records === 0 && !this.diagnostics.stopped)
        this.refuse(`a ${this.format} file cut short inside its file header`);
      else this.framer.end();
    } else if (!this.diagnostics.stopped) {
      this.refuse(
        this.prefixLength === 0
          ? "an empty file"
          : `only ${this.prefixLength} byte(s), too short for a capture`,
      );
    }
  }

  private refuse(what: string): void {
    this.notCapture = what;
    this.diagnostics.stop(`not a capture: ${what}`);
  }

  private framerFor(magic: number): RecordFramer | null {
    if (isPcapMagic(magic)) {
      this.format = "pcap";
      return new RecordFramer(
        new PcapClassicFormat(this.sink, this.diagnostics, this.onLinkType),
        this.diagnostics,
      );
    }
    if (magic === PCAPNG_SECTION_HEADER) {
      this.format = "pcapng";
      return new RecordFramer(
        new PcapngFormat(this.sink, this.diagnostics, this.onLinkType),
        this.diagnostics,
      );
    }
    this.refuse(describeNonCapture(this.prefix));
    return null;
  }
}

/** What the first bytes of a non-capture look like, for a message a person can act on. */
function describeNonCapture(prefix: Buffer): string {
  const hex = `0x${prefix.toString("hex")}`;
  if (prefix.readUInt32LE(0) === 0xfd2fb528)
    return "zstd-compressed data this Node.js cannot decompress; decompress it first";
  // Printable ASCII or whitespace (a UTF-8 byte-order mark counts too): a log, CSV, JSON, HTML…
  const text = [...prefix].every((b) => (b >= 0x20 && b < 0x7f) || b === 9 || b === 10 || b === 13);
  if (text || prefix.subarray(0, 3).equals(UTF8_BOM))
    return `text, not a capture (it starts ${JSON.stringify(prefix.toString("latin1"))})`;
  return `an unknown format (first bytes ${hex}; neither pcap nor pcapng)`;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
