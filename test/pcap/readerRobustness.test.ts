import * as zlib from "node:zlib";
import { summarizeStream } from "../../lib/pcap";
import { pcapGlobalHeader, pcapRecord, writePcap, writePcapng } from "./support/captureWriter";
import { chunked, summarize } from "./support/chunked";
import { ethernet, ipv4, ipv6, tcp, TcpFlags, udp } from "./support/packetBuilder";
import { LinkTypes } from "./support/scenarios";
import { captureVariants } from "./support/variants";

const T0 = 1_700_000_000_000_000_000n;
const udpFrame = (n: number) =>
  ethernet(
    ipv4({ src: "10.0.0.1", dst: "10.0.0.2", protocol: 17 }, udp(1000 + n, 53, Buffer.alloc(20))),
  );
const packets = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ timeNs: T0 + BigInt(i) * 1_000_000n, data: udpFrame(i) }));
const pcapOf = (n: number) => writePcap(packets(n), { linkType: LinkTypes.ethernet });

describe("chunk boundaries never change the result", () => {
  test.each(captureVariants().map((v) => [v.name, v.bytes] as const))(
    "%s",
    async (_name, bytes) => {
      const whole = await summarize(bytes, { chunkSize: bytes.length, topN: 100 });
      for (const chunkSize of [1, 3, 16, 24, 4093]) {
        expect(await summarize(bytes, { chunkSize, topN: 100 })).toEqual(whole);
      }
    },
  );
});

describe("damaged files give a partial summary and a warning", () => {
  test("a file cut inside a record keeps the whole records before the cut", async () => {
    const full = pcapOf(10);
    const recordLength = (full.length - 24) / 10;
    const summary = await summarize(full.subarray(0, 24 + 4 * recordLength + 30), {
      chunkSize: 50,
    });
    expect(summary.packets).toBe(4);
    expect(summary.warnings).toEqual([expect.stringMatching(/^capture ends inside a record/)]);
  });

  test("a file cut at a record boundary is complete as far as it goes", async () => {
    const full = pcapOf(10);
    const summary = await summarize(full.subarray(0, 24 + 3 * ((full.length - 24) / 10)));
    expect(summary.packets).toBe(3);
    expect(summary.warnings).toEqual([]);
  });

  test.each([
    ["text", Buffer.from("GET / HTTP/1.1\r\n"), 'text, not a capture (it starts "GET ")'],
    ["an empty source", Buffer.alloc(0), "an empty file"],
    ["three bytes", Buffer.from([0xd4, 0xc3, 0xb2]), "only 3 byte(s), too short for a capture"],
    [
      "a pcap header cut short",
      pcapOf(1).subarray(0, 10),
      "a pcap file cut short inside its file header",
    ],
    [
      "a pcapng header cut short",
      Buffer.from("0a0d0d0a1c0000004d3c2b1a", "hex"),
      "a pcapng file cut short inside its file header",
    ],
    [
      "unknown binary",
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]),
      "an unknown format (first bytes 0x7f454c46; neither pcap nor pcapng)",
    ],
  ])("%s is not a capture, and the summary says what it is", async (_name, bytes, what) => {
    const summary = await summarize(bytes, { chunkSize: 2 });
    expect(summary).toMatchObject({ packets: 0, notCapture: what });
    expect(summary.warnings).toEqual([`reading stopped early: not a capture: ${what}`]);
  });

  test("a capture without packets is still a capture", async () => {
    const summary = await summarize(pcapOf(0));
    expect(summary.notCapture).toBeUndefined();
    expect(summary.warnings).toEqual([]);
  });

  test("a pcap record claiming 4 GiB stops reading there, without allocating it or reading on", async () => {
    const lie = Buffer.alloc(16);
    lie.writeUInt32LE(0xfffffff0, 8);
    lie.writeUInt32LE(0xfffffff0, 12);
    const head = Buffer.concat([pcapOf(2), lie]);
    // The rest of a long source is not read once nothing more can be trusted.
    const source = (async function* () {
      yield new Uint8Array(head);
      for (let i = 0; i < 1000; i++) yield new Uint8Array(1 << 20);
    })();
    const summary = await summarizeStream(source);
    expect(summary.packets).toBe(2);
    expect(summary.bytesRead).toBe(head.length);
    expect(summary.warnings).toEqual([
      expect.stringMatching(/^reading stopped early: pcap record claims 4294967280 captured bytes/),
    ]);
  });

  test("an oversized pcapng block is skipped and the blocks after it still count", async () => {
    const ng = writePcapng([{ linkType: LinkTypes.ethernet }], packets(3));
    const huge = Buffer.alloc(1 << 20);
    huge.writeUInt32LE(0x80000001, 0);
    huge.writeUInt32LE(huge.length, 4);
    huge.writeUInt32LE(huge.length, huge.length - 4);
    const more = writePcapng([{ linkType: LinkTypes.ethernet }], packets(2));
    const sectionHeaderLength = more.readUInt32LE(4);
    const tail = more.subarray(sectionHeaderLength + more.readUInt32LE(sectionHeaderLength + 4));
    const summary = await summarize(Buffer.concat([ng, huge, tail]), { chunkSize: 10_000 });
    expect(summary.packets).toBe(5);
    expect(summary.warnings).toEqual([
      "pcapng block over 262144 bytes skipped (first: 1048576 bytes)",
    ]);
  });

  test.each([
    [
      "a length that is not a multiple of 4",
      (b: Buffer) => b.writeUInt32LE(30, 4),
      /impossible length 30/,
    ],
    [
      "leading and trailing lengths that differ",
      (b: Buffer) => b.writeUInt32LE(999, b.length - 4),
      /mismatched leading and trailing lengths/,
    ],
  ])("a pcapng block with %s stops reading", async (_name, damage, message) => {
    const damaged = writePcapng([{ linkType: LinkTypes.ethernet }], packets(3));
    const lastBlockLength = damaged.readUInt32LE(damaged.length - 4);
    damage(damaged.subarray(damaged.length - lastBlockLength));
    const summary = await summarize(damaged);
    expect(summary.packets).toBe(2);
    expect(summary.warnings).toEqual([expect.stringMatching(message)]);
  });

  test("pcapng packets of undeclared interfaces are ignored with a warning", async () => {
    const ng = writePcapng(
      [{ linkType: LinkTypes.ethernet }],
      [...packets(2), { timeNs: T0, data: udpFrame(9), interfaceId: 5 }],
    );
    const summary = await summarize(ng);
    expect(summary.packets).toBe(2);
    expect(summary.warnings).toEqual([
      "pcapng packet for an undeclared interface ignored (first: interface 5)",
    ]);
  });

  test("simple packet blocks count but have no time", async () => {
    const ng = writePcapng(
      [{ linkType: LinkTypes.ethernet }],
      [{ timeNs: 0n, data: udpFrame(1), simple: true }, ...packets(1)],
    );
    const summary = await summarize(ng);
    expect(summary.packets).toBe(2);
    expect(summary.firstPacketTime).toBe(summary.lastPacketTime);
    expect(summary.timeline.packets).toEqual([1]);
    expect(summary.topConversations).toHaveLength(2);
  });

  test("headers cut by the snap length are counted up to the last whole layer", async () => {
    const frame = ethernet(
      ipv4(
        { src: "10.0.0.1", dst: "10.0.0.2", protocol: 6 },
        tcp({ sport: 1, dport: 2, seq: 0, flags: TcpFlags.syn }),
      ),
    );
    const cut = writePcap(
      [{ timeNs: T0, data: frame.subarray(0, 40), originalLength: frame.length }],
      { linkType: LinkTypes.ethernet, snapLength: 40 },
    );
    const summary = await summarize(cut);
    expect(summary.protocols.map((p) => p.name)).toEqual(["ethernet", "ipv4"]);
    expect(summary.conversationCount).toBe(0);
    expect(summary.bytes).toBe(frame.length);
    expect(summary.capturedBytes).toBe(40);
    expect(summary.warnings).toEqual(["TCP header cut short by the capture length"]);
  });

  test("an IPv6 extension header chain longer than any real one stops the walk", async () => {
    const hopByHop = Array.from({ length: 20 }, () => ({ type: 0, body: Buffer.alloc(6) }));
    const frame = ethernet(
      ipv6(
        { src: "::1", dst: "::2", nextHeader: 17, extensions: hopByHop },
        udp(1, 2, Buffer.alloc(4)),
      ),
    );
    const summary = await summarize(
      writePcap([{ timeNs: T0, data: frame }], { linkType: LinkTypes.ethernet }),
    );
    expect(summary.protocols.map((p) => p.name)).toEqual(["ethernet", "ipv6"]);
    expect(summary.warnings).toEqual(["IPv6 extension header chain too long"]);
  });
});

describe("the source's own failures reject", () => {
  test("an error thrown by the source", async () => {
    const failing = (async function* () {
      yield new Uint8Array(pcapGlobalHeader({ linkType: 1 }));
      throw new Error("connection reset while downloading");
    })();
    await expect(summarizeStream(failing)).rejects.toThrow("connection reset while downloading");
  });

  test("a stream that yields strings", async () => {
    const strings = (async function* () {
      yield "not bytes";
    })() as unknown as AsyncIterable<Uint8Array>;
    await expect(summarizeStream(strings)).rejects.toThrow(TypeError);
  });
});

test("progress is reported with the running byte count", async () => {
  const bytes = Buffer.concat([
    pcapGlobalHeader({ linkType: 1 }),
    ...packets(50).map((p) => pcapRecord(p, { linkType: 1 })),
  ]);
  const seen: number[] = [];
  await summarizeStream(chunked(bytes, 1000), { onProgress: (n) => seen.push(n) });
  expect(seen).toHaveLength(Math.ceil(bytes.length / 1000));
  expect(seen.at(-1)).toBe(bytes.length);
});

describe("compressed captures are read transparently", () => {
  const plain = captureVariants()[0]!.bytes;
  const zstd = (zlib as { zstdCompressSync?: (b: Buffer) => Buffer }).zstdCompressSync;

  test.each([
    ["gzip", zlib.gzipSync(plain)],
    ...(zstd ? [["zstd", zstd(plain)] as [string, Buffer]] : []),
  ])(
    "%s: the same summary as the plain file, bytesRead counting compressed bytes",
    async (_name, packed) => {
      const expected = await summarize(plain);
      const summary = await summarize(packed, { chunkSize: 7 });
      expect(summary).toEqual({ ...expected, bytesRead: packed.length });
    },
  );

  test("a gzip stream cut short keeps what it held and says so", async () => {
    const packed = zlib.gzipSync(plain);
    const summary = await summarize(packed.subarray(0, Math.floor(packed.length / 2)));
    expect(summary.packets).toBeGreaterThan(0);
    expect(summary.packets).toBeLessThan((await summarize(plain)).packets);
    expect(summary.warnings).toContainEqual(
      expect.stringMatching(/^gzip stream corrupt or cut short \(unexpected end of file\)/),
    );
  });
});
