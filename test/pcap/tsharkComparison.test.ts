import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { summarizeStream } from "../../lib/pcap";
import { expectMatchesTshark } from "./support/compare";
import { tsharkReference } from "./support/tsharkReference";
import { captureVariants } from "./support/variants";

const dir = mkdtempSync(join(tmpdir(), "pcap-tshark-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("summary equals tshark on generated captures", () => {
  test.each(captureVariants().map((v, i) => [v.name, v, i] as const))(
    "%s",
    async (_name, { bytes, warnings = [] }, index) => {
      const file = join(dir, `variant-${index}.pcap`);
      writeFileSync(file, bytes);
      // An odd chunk size puts record boundaries everywhere inside chunks.
      const summary = await summarizeStream(createReadStream(file, { highWaterMark: 101 }), {
        topN: 1000,
      });
      expect(summary.warnings).toEqual(warnings);
      expect(summary.bytesRead).toBe(bytes.length);
      expectMatchesTshark(summary, tsharkReference(file));
    },
  );
});
