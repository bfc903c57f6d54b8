import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { summarizeStream, type CaptureSummary } from "../../lib/pcap";
import { summarize } from "./support/chunked";
import { expectMatchesTshark } from "./support/compare";
import { tsharkReference } from "./support/tsharkReference";
import { captureVariants } from "./support/variants";

const dir = mkdtempSync(join(tmpdir(), "pcap-tshark-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const variants = captureVariants();

describe("summary equals tshark on generated captures", () => {
  test.each(variants.map((v, i) => [v.name, v, i] as const))(
    "%s",
    async (_name, { bytes, warnings = [], uncut }, index) => {
      const file = join(dir, `variant-${index}.pcap`);
      writeFileSync(file, bytes);
      // An odd chunk size puts record boundaries everywhere inside chunks.
      const summary = await summarizeStream(createReadStream(file, { highWaterMark: 101 }), {
        topN: 1000,
      });
      expect(summary.warnings).toEqual(warnings);
      expect(summary.bytesRead).toBe(bytes.length);
      expectMatchesTshark(summary, tsharkReference(file), { conversations: !uncut });
      if (uncut) {
        const whole = await summarize(variants.find((v) => v.name === uncut)!.bytes, {
          topN: 1000,
        });
        const counts = (s: CaptureSummary) =>
          s.topConversations.map(({ packetsAtoB, packetsBtoA, bytesAtoB, bytesBtoA, tcp }) => ({
            packetsAtoB,
            packetsBtoA,
            bytesAtoB,
            bytesBtoA,
            tcp,
          }));
        expect(counts(summary)).toEqual(counts(whole));
        expect(summary.tcpHealth).toEqual(whole.tcpHealth);
      }
    },
  );
});
