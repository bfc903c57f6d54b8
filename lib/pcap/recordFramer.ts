import type { Diagnostics } from "./diagnostics";

/** No legitimate packet record or block is larger (Linux loopback GSO tops out near 64 KiB; snaplen 262144). */
export const MAX_RECORD_BYTES = 256 * 1024;

/** A container format seen as a sequence of length-prefixed records (pcap records, pcapng blocks). */
export interface RecordFormat {
  /** Bytes needed at the start of a record before `recordLength` can be asked. */
  headerLength(): number;
  /** The record's total length from its header, or -1 to stop reading (after telling Diagnostics why). */
  recordLength(buf: Buffer, offset: number): number;
  /** Whether a record above MAX_RECORD_BYTES may be skipped unread (true) or ends reading (false); explains either way. */
  skipOversized(length: number): boolean;
  /** Handles one complete record; `buf` is only valid during the call. False stops reading. */
  record(buf: Buffer, offset: number, length: number): boolean;
}

/**
 * Cuts a stream of arbitrary chunks into whole records. Records are handed over in place inside the
 * chunk; only a record that straddles a chunk boundary is copied, into one carry buffer allocated once,
 * so memory stays at one MAX_RECORD_BYTES buffer whatever the input claims.
 */
export class RecordFramer {
  private readonly carry = Buffer.allocUnsafe(MAX_RECORD_BYTES);
  private carried = 0;
  /** Length of the record being assembled in `carry`, once its header is complete; 0 before. */
  private carriedTarget = 0;
  private skipping = 0;
  private done = false;
  /** Records handed over so far; 0 at the end means not even the file header was complete. */
  records = 0;

  constructor(
    private readonly format: RecordFormat,
    private readonly diagnostics: Diagnostics,
  ) {}

  get stopped(): boolean {
    return this.done;
  }

  push(chunk: Buffer): void {
    if (this.done) return;
    let pos = 0;
    if (this.skipping > 0) {
      pos = Math.min(this.skipping, chunk.length);
      this.skipping -= pos;
    }
    if (this.carried > 0) pos = this.completeCarry(chunk, pos);
    // A stop from elsewhere (the time budget) ends the chunk too, not only the next one.
    while (!this.done && !this.diagnostics.stopped && pos < chunk.length) {
      const available = chunk.length - pos;
      if (available < this.format.headerLength()) {
        this.startCarry(chunk, pos);
        return;
      }
      const length = this.lengthAt(chunk, pos);
      if (length < 0) return;
      if (length > MAX_RECORD_BYTES) {
        const skipped = Math.min(length, available);
        this.skipping = length - skipped;
        pos += skipped;
        continue;
      }
      if (available < length) {
        this.startCarry(chunk, pos);
        this.carriedTarget = length;
        return;
      }
      this.records++;
      if (!this.format.record(chunk, pos, length)) this.done = true;
      pos += length;
    }
  }

  /** Call once the source is exhausted: a record cut short by the end of the file is worth a warning. */
  end(): void {
    if (this.done) return;
    if (this.carried > 0 || this.skipping > 0) {
      this.diagnostics.note(
        "capture ends inside a record (file truncated?)",
        `${this.carried + this.skipping} byte(s) missing or unread`,
      );
    }
    this.done = true;
  }

  private lengthAt(buf: Buffer, offset: number): number {
    const length = this.format.recordLength(buf, offset);
    if (length < 0) {
      this.done = true;
      return -1;
    }
    if (length > MAX_RECORD_BYTES && !this.format.skipOversized(length)) {
      this.done = true;
      return -1;
    }
    return length;
  }

  private startCarry(chunk: Buffer, pos: number): void {
    this.carried = chunk.copy(this.carry, 0, pos);
    this.carriedTarget = 0;
  }

  /** Feeds the carried record from the new chunk; returns where the chunk's unread part starts. */
  private completeCarry(chunk: Buffer, pos: number): number {
    if (this.carriedTarget === 0) {
      const header = this.format.headerLength();
      pos += this.fill(chunk, pos, header);
      if (this.carried < header) return pos;
      const length = this.lengthAt(this.carry, 0);
      if (length < 0) return chunk.length;
      if (length > MAX_RECORD_BYTES) {
        // The header was carried, the rest of the oversized record is skipped from here on.
        this.skipping = length - this.carried;
        this.carried = 0;
        const skipped = Math.min(this.skipping, chunk.length - pos);
        this.skipping -= skipped;
        return pos + skipped;
      }
      this.carriedTarget = length;
    }
    pos += this.fill(chunk, pos, this.carriedTarget);
    if (this.carried < this.carriedTarget) return pos;
    this.records++;
    if (!this.format.record(this.carry, 0, this.carriedTarget)) this.done = true;
    this.carried = 0;
    this.carriedTarget = 0;
    return pos;
  }

  private fill(chunk: Buffer, pos: number, upTo: number): number {
    const n = Math.min(upTo - this.carried, chunk.length - pos);
    if (n <= 0) return 0;
    chunk.copy(this.carry, this.carried, pos, pos + n);
    this.carried += n;
    return n;
  }
}
