import { Writable } from "node:stream";

/** A stdout/stderr stand-in that keeps what was written, for the CLI's tests. */
export function collector(): Writable & { text: string } {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      sink.text += chunk.toString();
      done();
    },
  }) as Writable & { text: string };
  sink.text = "";
  return sink;
}
