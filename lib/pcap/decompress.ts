import { pipeline, Readable, type Transform } from "node:stream";
import * as zlib from "node:zlib";

const GZIP_MAGIC = 0x1f8b;
const ZSTD_MAGIC = 0xfd2fb528;
/** Bytes needed to recognise a compressed stream (and, after it, a capture's magic). */
const SNIFF_BYTES = 4;

/** Node 22.15+ has zstd; older runtimes do not, and their types do not declare it. */
const createZstdDecompress = (zlib as { createZstdDecompress?: () => Transform })
  .createZstdDecompress;

export interface DecompressHooks {
  /** Each chunk's size as it came from the source (compressed when it was): progress and bytesRead. */
  onSourceBytes(bytes: number): void;
  /** The compressed stream is corrupt or cut short; what came out before it is still delivered. */
  onCorrupt(message: string): void;
}

/**
 * The capture's bytes from `source`: as they are, or gunzipped / zstd-decompressed when the stream
 * starts with either's magic, so that `tcpdump -w - | gzip` files need no manual step.
 */
export async function* captureBytes(
  source: AsyncIterable<Uint8Array | string>,
  hooks: DecompressHooks,
): AsyncGenerator<Buffer> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLength = 0;
  let ended = false;
  const next = async (): Promise<Buffer | null> => {
    const result = await iterator.next();
    if (result.done) return null;
    const chunk = asBuffer(result.value);
    hooks.onSourceBytes(chunk.length);
    return chunk;
  };
  while (headLength < SNIFF_BYTES) {
    const chunk = await next();
    if (!chunk) {
      ended = true;
      break;
    }
    head.push(chunk);
    headLength += chunk.length;
  }
  const first = Buffer.concat(head);
  async function* raw(): AsyncGenerator<Buffer> {
    try {
      if (first.length > 0) yield first;
      for (let chunk = ended ? null : await next(); chunk; chunk = await next()) yield chunk;
    } finally {
      // Stopping early (a fatal problem, the time budget) releases the source, e.g. closes the file.
      await iterator.return?.();
    }
  }
  const decompressor = decompressorFor(first);
  if (!decompressor) {
    yield* raw();
    return;
  }
  const output = pipeline(Readable.from(raw()), decompressor.stream, () => undefined);
  try {
    for await (const chunk of output as AsyncIterable<Buffer>) yield chunk;
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    if (!/^(Z_|ERR_ZLIB|ERR_ZSTD)/.test(code)) throw error;
    hooks.onCorrupt(
      `${decompressor.name} stream corrupt or cut short (${(error as Error).message})`,
    );
  } finally {
    output.destroy();
  }
}

function decompressorFor(first: Buffer): { name: string; stream: Transform } | null {
  if (first.length >= 2 && first.readUInt16BE(0) === GZIP_MAGIC)
    return { name: "gzip", stream: zlib.createGunzip() };
  if (first.length >= 4 && first.readUInt32LE(0) === ZSTD_MAGIC && createZstdDecompress)
    return { name: "zstd", stream: createZstdDecompress() };
  return null;
}

function asBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === "string")
    throw new TypeError(
      "summarizeStream needs a binary stream; one with an encoding set yields strings",
    );
  return Buffer.isBuffer(chunk)
    ? chunk
    : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
