/** Where container readers deliver packets. */
export interface PacketSink {
  /**
   * One packet record. `data` is only valid during the call (it may be the reader's reusable buffer).
   * `seconds`/`nanoseconds` are NaN when the record has no timestamp (pcapng simple packet blocks).
   */
  packet(
    linkType: number,
    data: Buffer,
    offset: number,
    capturedLength: number,
    originalLength: number,
    seconds: number,
    nanoseconds: number,
  ): void;
}
