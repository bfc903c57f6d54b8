import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { summarizeStream } from "../../lib/pcap";
import { expectMatchesTshark } from "./support/compare";
import { captureLoopbackTraffic } from "./support/loopbackTraffic";
import { tsharkReference } from "./support/tsharkReference";

const dir = mkdtempSync(join(tmpdir(), "pcap-loopback-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("summary equals tshark on real loopback traffic captured by tcpdump", () => {
  test.each([
    ["-i lo (Ethernet)", ["-i", "lo"], 1],
    ["-i any (Linux cooked v1)", ["-i", "any", "-y", "LINUX_SLL"], 113],
    ["-i any (Linux cooked v2)", ["-i", "any", "-y", "LINUX_SLL2"], 276],
  ] as const)(
    "%s",
    async (_name, args, linkType) => {
      const file = join(dir, `${linkType}.pcap`);
      await captureLoopbackTraffic([...args], file);
      const summary = await summarizeStream(createReadStream(file), { topN: 1000 });
      expect(summary.linkTypes).toEqual([linkType]);
      expect(summary.warnings).toEqual([]);
      // Five echo connections and the refused one, plus the UDP flow.
      expect(summary.topConversations.filter((c) => c.protocol === "tcp")).toHaveLength(6);
      expect(summary.tcpHealth.refusedConversations).toBe(1);
      expect(summary.topConversations.filter((c) => c.protocol === "udp")).toHaveLength(1);
      expectMatchesTshark(summary, tsharkReference(file));
    },
    60_000,
  );
});
