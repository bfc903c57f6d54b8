import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { collector } from "./support/collector";
import { ExitCode, main } from "../../lib/pcap/cli";
import { captureVariants } from "./support/variants";

const dir = mkdtempSync(join(tmpdir(), "pcap-cli-"));
const capture = join(dir, "capture.pcap");
writeFileSync(capture, captureVariants()[0]!.bytes);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
