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
    if (this.framer) this.framer.end();
    else if (!this.diagnostics.stopped)
      this.diagnostics.stop(`file too short to be a capture (${this.prefixLength} bytes)`);
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
    this.diagnostics.stop(
      `not a pcap or pcapng file (magic 0x${magic.toString(16).padStart(8, "0")})`,
    );
    return null;
  }
}
