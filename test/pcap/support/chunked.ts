import { summarizeStream, type CaptureSummary, type SummarizeOptions } from "../../../lib/pcap";

/** The bytes as a stream of `size`-byte chunks (Uint8Array views, as a non-Node source would give). */
export async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size)
    yield new Uint8Array(bytes.buffer, bytes.byteOffset + i, Math.min(size, bytes.length - i));
}

export function summarize(
  bytes: Buffer,
  options: SummarizeOptions & { chunkSize?: number } = {},
): Promise<CaptureSummary> {
  const { chunkSize = 65536, ...rest } = options;
  return summarizeStream(chunked(bytes, chunkSize), rest);
}
