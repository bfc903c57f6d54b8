import { gzipSync } from "node:zlib";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { ExitCode, main } from "../../lib/pcap/cli";
import { writePcapng } from "./support/captureWriter";
import { captureVariants } from "./support/variants";

const dir = mkdtempSync(join(tmpdir(), "pcap-cli-"));
const capture = join(dir, "capture.pcap");
writeFileSync(capture, captureVariants()[0]!.bytes);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function collector(): Writable & { text: string } {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      sink.text += chunk.toString();
      done();
    },
  }) as Writable & { text: string };
  sink.text = "";
  return sink;
}

async function run(...argv: string[]) {
  const stdout = collector();
  const stderr = collector();
  const code = await main(argv, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

test("Markdown by default", async () => {
  const { code, stdout, stderr } = await run(capture);
  expect(code).toBe(ExitCode.ok);
  expect(stdout).toMatch(/^# Capture summary\n/);
  expect(stderr).toBe("");
});

test("--json with --top", async () => {
  const { code, stdout } = await run(capture, "--json", "--top", "2");
  expect(code).toBe(ExitCode.ok);
  const summary = JSON.parse(stdout);
  expect(summary).toMatchObject({ format: "pcap", packets: 31 });
  expect(summary.topConversations).toHaveLength(2);
});

test.each([
  [[], "missing FILE"],
  [["a", "b"], "exactly one FILE"],
  [["--top", "0", "x"], "--top needs a positive integer"],
  [["--frobnicate", "x"], "Unknown option '--frobnicate'"],
])("usage error %j exits 2 with a message", async (argv, message) => {
  const { code, stderr } = await run(...argv);
  expect(code).toBe(ExitCode.usage);
  expect(stderr).toContain(message);
  expect(stderr).toContain("usage: pcap-summary FILE [--json] [--top N]");
});

test.each([
  ["a missing file", join(dir, "nope.pcap"), "ENOENT"],
  ["a directory", dir, "not a regular file"],
])("%s exits 1", async (_name, path, message) => {
  const { code, stderr } = await run(path);
  expect(code).toBe(ExitCode.unreadable);
  expect(stderr).toContain(`cannot read ${path}`);
  expect(stderr).toContain(message);
});

test("a pcapng whose if_tsoffset puts packets outside the calendar still gets its Markdown (18.8)", async () => {
  const file = join(dir, "tsoffset.pcapng");
  const packet = { timeNs: 0n, data: Buffer.alloc(14) };
  const bytes = writePcapng([{ linkType: 1, tsoffset: 2n ** 62n }], [packet]);
  writeFileSync(file, bytes);
  const { code, stdout, stderr } = await run(file);
  expect(stderr).toBe("");
  expect(code).toBe(ExitCode.ok);
  expect(stdout).toContain("outside the calendar");
});

test.each([
  ["text", "notes.txt", Buffer.from("hello, this is not a capture\n"), "text, not a capture"],
  ["empty", "empty.pcap", Buffer.alloc(0), "an empty file"],
  ["a truncated header", "short.pcap", captureVariants()[0]!.bytes.subarray(0, 20), "cut short"],
])("%s: exits 3 naming what the file is", async (_name, fileName, bytes, what) => {
  const file = join(dir, fileName);
  writeFileSync(file, bytes);
  const { code, stdout, stderr } = await run(file);
  expect(code).toBe(ExitCode.notCapture);
  expect(stdout).toBe("");
  expect(stderr).toContain(`pcap-summary: ${file} is not a capture: `);
  expect(stderr).toContain(what);
});

test("a gzip-compressed capture is summarised like the plain one", async () => {
  const file = join(dir, "capture.pcap.gz");
  writeFileSync(file, gzipSync(captureVariants()[0]!.bytes));
  const { code, stdout } = await run(file, "--json");
  expect(code).toBe(ExitCode.ok);
  expect(JSON.parse(stdout)).toMatchObject({ format: "pcap", packets: 31, warnings: [] });
});
