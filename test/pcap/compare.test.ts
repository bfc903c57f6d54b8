import { execFileSync } from "node:child_process";
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { collector } from "./support/collector";
import { ExitCode, main } from "../../lib/pcap/cli";
import { compareStreams } from "../../lib/pcap/compare";
import { comparisonVerdict } from "../../lib/pcap/compareText";
import type { CaptureComparison } from "../../lib/pcap/compareTypes";
import { type CapturedPacket, writePcap } from "./support/captureWriter";
import { ethernet, ipv4, TcpFlags, tcp, udp } from "./support/packetBuilder";
import { syntheticPair } from "./support/syntheticPair";

/**
 * Two ends of the same traffic, built packet by packet so every count is known: A (10.1.0.4) sends
 * 1,000 TCP segments and 300 UDP datagrams to B (10.2.0.4); B acknowledges every second segment.
 * Known segments and datagrams never reach B; each lost segment is retransmitted 200 ms later and
 * arrives; three segments that did arrive are retransmitted anyway (spurious). A also talks to a
 * DNS server B never sees. Delay: 5 ms plus 0–2 ms of jitter each way (so the minimum is 5 ms both ways).
 */
const A = "10.1.0.4";
const B = "10.2.0.4";
const T0 = 1_780_000_000_000_000_000n;
const ms = (n: number): bigint => BigInt(Math.round(n * 1e6));
const SEGMENTS = 1000;
const DATAGRAMS = 300;
const lostSegments = new Set<number>();
for (let i = 5; i < SEGMENTS; i += 37) lostSegments.add(i);
for (let i = 500; i < 510; i++) lostSegments.add(i);
const spuriousSegments = [100, 200, 300];
const lostDatagrams = new Set(Array.from({ length: DATAGRAMS / 50 }, (_, k) => k * 50 + 7));

interface Ends {
  a: CapturedPacket[];
  b: CapturedPacket[];
}

function jitter(i: number): number {
  return (i * 7) % 3;
}

function buildEnds(): Ends {
  const a: CapturedPacket[] = [];
  const b: CapturedPacket[] = [];
  let ipIdA = 1000;
  let ipIdB = 5000;
  const segment = (i: number, sentMs: number, arrives: boolean): void => {
    const frame = ethernet(
      ipv4(
        { src: A, dst: B, protocol: 6, id: ipIdA++ },
        tcp({
          sport: 40000,
          dport: 5201,
          seq: 1 + i * 1000,
          ack: 1,
          flags: TcpFlags.ack | TcpFlags.psh,
          payload: Buffer.alloc(1000, i % 251),
        }),
      ),
    );
    a.push({ timeNs: T0 + ms(sentMs), data: frame });
    if (arrives) b.push({ timeNs: T0 + ms(sentMs + 5 + jitter(i)), data: frame });
  };
  for (let i = 0; i < SEGMENTS; i++) {
    const sentMs = i * 2;
    segment(i, sentMs, !lostSegments.has(i));
    if (lostSegments.has(i) || spuriousSegments.includes(i)) segment(i, sentMs + 200, true);
    if (i % 2 === 1) {
      const ack = ethernet(
        ipv4(
          { src: B, dst: A, protocol: 6, id: ipIdB++ },
          tcp({ sport: 5201, dport: 40000, seq: 1, ack: 1 + (i + 1) * 1000, flags: TcpFlags.ack }),
        ),
      );
      const ackMs = sentMs + 6;
      b.push({ timeNs: T0 + ms(ackMs), data: ack });
      a.push({ timeNs: T0 + ms(ackMs + 5 + jitter(i + 1)), data: ack });
    }
  }
  for (let i = 0; i < DATAGRAMS; i++) {
    const payload = Buffer.alloc(200);
    payload.writeUInt32BE(i);
    const datagram = udp(50000, 5202, payload);
    datagram.writeUInt16BE(i + 1, 6); // a distinct checksum per datagram
    // IP ID 0, as Linux leaves it on unconnected UDP sockets with DF: length and checksum tell them apart.
    const frame = ethernet(ipv4({ src: A, dst: B, protocol: 17, id: 0 }, datagram));
    const sentMs = 1 + i * 7;
    a.push({ timeNs: T0 + ms(sentMs), data: frame });
    if (!lostDatagrams.has(i)) b.push({ timeNs: T0 + ms(sentMs + 5 + jitter(i)), data: frame });
  }
  const dns = ethernet(
    ipv4({ src: A, dst: "168.63.129.16", protocol: 17, id: 7 }, udp(5353, 53, Buffer.alloc(30))),
  );
  a.push({ timeNs: T0 + ms(3), data: dns });
  const byTime = (x: CapturedPacket, y: CapturedPacket): number =>
    x.timeNs < y.timeNs ? -1 : x.timeNs > y.timeNs ? 1 : 0;
  return { a: a.sort(byTime), b: b.sort(byTime) };
}

const dir = mkdtempSync(join(tmpdir(), "pcap-compare-"));
const fileA = join(dir, "a.pcap");
const fileB = join(dir, "b.pcap");
const fileBShifted = join(dir, "b-shifted.pcap");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  const ends = buildEnds();
  writeFileSync(fileA, writePcap(ends.a, { linkType: 1, nanosecond: true }));
  writeFileSync(fileB, writePcap(ends.b, { linkType: 1, nanosecond: true }));
  // B's clock 250 ms ahead of A's, as editcap shifts it.
  execFileSync("editcap", ["-t", "0.250", fileB, fileBShifted]);
});

function compareFiles(a: string, b: string, chunkBytes = 4096): Promise<CaptureComparison> {
  return compareStreams(
    createReadStream(a, { highWaterMark: chunkBytes }),
    createReadStream(b, { highWaterMark: chunkBytes }),
  );
}

const tcpLost = lostSegments.size;
const udpLost = lostDatagrams.size;
const tcpSent = SEGMENTS + lostSegments.size + spuriousSegments.length;

test("counts exactly the packets that left A and never reached B, per protocol, and none the other way", async () => {
  const c = await compareFiles(fileA, fileB);
  expect(c.flowsCompared).toBe(2);
  expect(c.flowsOnlyInA).toBe(1);
  expect(c.flowsOnlyInB).toBe(0);
  const ab = c.directions.find((d) => d.from === A);
  const ba = c.directions.find((d) => d.from === B);
  expect(ab).toMatchObject({
    to: B,
    sender: "a",
    sent: tcpSent + DATAGRAMS,
    lost: tcpLost + udpLost,
    delivered: tcpSent + DATAGRAMS - tcpLost - udpLost,
    tcp: { sent: tcpSent, lost: tcpLost },
    udp: { sent: DATAGRAMS, lost: udpLost },
    unexplainedArrivals: 0,
    retransmissions: {
      total: tcpLost + spuriousSegments.length,
      originalLost: tcpLost,
      spurious: spuriousSegments.length,
    },
  });
  expect(ab?.lostShare).toBeCloseTo((tcpLost + udpLost) / (tcpSent + DATAGRAMS), 10);
  expect(ba).toMatchObject({
    to: A,
    sender: "b",
    sent: SEGMENTS / 2,
    lost: 0,
    unexplainedArrivals: 0,
  });
  // The losses span the whole transfer (second 0 to 2 of A's clock), the dense burst inside it.
  expect(ab?.lossWindows[0]).toMatchObject({ packets: tcpLost + udpLost });
  expect(Date.parse(ab?.lossWindows[0]?.start ?? "")).toBe(Number(T0 / 1_000_000n));
  expect(c.clock.offsetSeconds).toBeCloseTo(0, 6);
  expect(ab?.delay?.minSeconds).toBeCloseTo(0.005, 6);
  expect(ab?.delay?.maxSeconds).toBeCloseTo(0.007, 6);
  expect(ba?.delay?.p50Seconds).toBeGreaterThanOrEqual(0.005 - 1e-6);
  expect(ba?.delay?.p50Seconds).toBeLessThanOrEqual(0.007 + 1e-6);
});

test("recovers a 250 ms clock offset (editcap -t 0.250) within a few ms; delays and losses are unchanged", async () => {
  const plain = await compareFiles(fileA, fileB);
  const shifted = await compareFiles(fileA, fileBShifted);
  expect(Math.abs(shifted.clock.offsetSeconds - 0.25)).toBeLessThan(0.003);
  expect(shifted.clock.minimumDelaySeconds).toBeCloseTo(0.005, 4);
  expect(shifted.clock.method).toContain("minimum one-way delay is the same both ways");
  const strip = (c: CaptureComparison) =>
    c.directions.map((d) => ({ ...d, delay: d.delay && Math.round(d.delay.p50Seconds * 1e4) }));
  expect(strip(shifted)).toEqual(strip(plain));
});

test("reads whole files or tiny chunks alike (the matching window spans chunk boundaries)", async () => {
  const small = await compareFiles(fileA, fileB, 509);
  const large = await compareFiles(fileA, fileB, 1 << 20);
  expect(small.directions).toEqual(large.directions);
});

test("the verdict names the direction, count, share and window, then the delay", async () => {
  const c = await compareFiles(fileA, fileBShifted);
  const verdict = comparisonVerdict(c, { a: "web-1", b: "db-1" });
  const lost = tcpLost + udpLost;
  const sent = tcpSent + DATAGRAMS;
  expect(verdict).toMatch(
    new RegExp(
      `^web-1→db-1: ${lost} of ${sent.toLocaleString("en-US")} packets \\(${((100 * lost) / sent).toFixed(1)} %\\) left web-1 and never reached db-1, between \\d\\d:\\d\\d:\\d\\d and \\d\\d:\\d\\d:\\d\\d UTC; db-1→web-1: none lost \\(500 packets\\); one-way delay web-1→db-1 p50 \\d\\.\\d ms, db-1→web-1 p50 \\d\\.\\d ms$`,
    ),
  );
});

test("pcap-summary --compare prints the comparison as text or JSON; usage errors exit 2", async () => {
  const run = async (...argv: string[]) => {
    const stdout = collector();
    const stderr = collector();
    const code = await main(argv, { stdout, stderr });
    return { code, stdout: stdout.text, stderr: stderr.text };
  };
  const text = await run("--compare", fileA, fileBShifted);
  expect(text.code).toBe(ExitCode.ok);
  expect(text.stdout).toContain("# Capture comparison");
  expect(text.stdout).toContain(`A→B: ${tcpLost + udpLost} of`);
  const json = await run("--compare", fileA, fileB, "--json");
  expect(JSON.parse(json.stdout)).toMatchObject({ flowsCompared: 2 });
  const usage = await run("--compare", fileA);
  expect(usage.code).toBe(ExitCode.usage);
  expect(usage.stderr).toContain("--compare needs exactly two capture files");
  const missing = await run("--compare", fileA, join(dir, "nope.pcap"));
  expect(missing.code).toBe(ExitCode.unreadable);
});

test("pcap-summary --compare on files of several read pieces reports what compareStreams does on the same bytes", async () => {
  // 6 MB per end: the CLI reads each file a megabyte at a time, the next piece while the comparison
  // works on this one, alternating two buffers; a piece overwritten too early would change the result.
  const pair = syntheticPair(dir, {
    bytes: 6 << 20,
    seed: 5,
    lossToServers: 0.02,
    lossToClients: 0.01,
  });
  const [pathA, pathB] = [join(dir, "big-a.pcap"), join(dir, "big-b.pcap")];
  writeFileSync(pathA, pair.a);
  writeFileSync(pathB, pair.b);
  const stdout = collector();
  const code = await main(["--compare", pathA, pathB, "--json"], { stdout, stderr: collector() });
  // Pieces of the CLI's size: which capture is read next depends on where pieces end, and with it
  // the order flows are first seen in, which orders directions that tie in the report.
  const pieces = (bytes: Buffer): Readable =>
    Readable.from(
      Array.from({ length: Math.ceil(bytes.length / (1 << 20)) }, (_, i) =>
        bytes.subarray(i << 20, (i + 1) << 20),
      ),
    );
  const expected = await compareStreams(pieces(pair.a), pieces(pair.b));
  expect(code).toBe(ExitCode.ok);
  expect(pair.a.length).toBeGreaterThan(3 << 20);
  expect(JSON.parse(stdout.text)).toEqual(JSON.parse(JSON.stringify(expected)));
});
